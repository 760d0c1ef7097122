//! `course.toml`: a course's metadata, validated with line numbers.

use serde::Deserialize;
use toml::Spanned;

use super::problem::{LineIndex, Problem};
use crate::domain::audience::Audience;
use crate::domain::course_kind::CourseKind;
use crate::domain::job_role::seeded;
use crate::domain::period::{Period, Recurrence};

const FILE: &str = "course.toml";

/// When a learner's result shows the right answers and explanations.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum RevealAnswers {
    /// After every attempt (a retake is then easy: for practice quizzes).
    Always,
    /// Only once the learner has passed.
    AfterPassing,
    /// Once passed, or after the last attempt before the cool-down.
    #[default]
    AfterPassingOrLastAttempt,
    /// Never: only the score.
    Never,
}

impl RevealAnswers {
    /// The spellings in `course.toml`.
    pub const CHOICES: [(&'static str, Self); 4] = [
        ("always", Self::Always),
        ("after-passing", Self::AfterPassing),
        (
            "after-passing-or-last-attempt",
            Self::AfterPassingOrLastAttempt,
        ),
        ("never", Self::Never),
    ];

    /// Whether a result shows the right answers: `passed`, and whether this attempt used the
    /// last one before a cool-down.
    pub fn reveals(&self, passed: bool, attempts_used_up: bool) -> bool {
        match self {
            Self::Always => true,
            Self::AfterPassing => passed,
            Self::AfterPassingOrLastAttempt => passed || attempts_used_up,
            Self::Never => false,
        }
    }
}

/// Quiz behaviour.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct QuizSettings {
    pub shuffle_questions: bool,
    pub shuffle_options: bool,
    /// Failed attempts in a row before a cool-down.
    pub max_attempts: u32,
    pub cooldown_hours: u32,
    /// Versions stored before this setting existed read as the default.
    #[serde(default)]
    pub reveal_answers: RevealAnswers,
}

impl Default for QuizSettings {
    fn default() -> Self {
        Self {
            shuffle_questions: true,
            shuffle_options: true,
            max_attempts: 3,
            cooldown_hours: 24,
            reveal_answers: RevealAnswers::default(),
        }
    }
}

/// What people accept for a policy or bulletin.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Acknowledgement {
    pub statement: String,
    /// The server refuses acknowledgements sooner than this after opening the text.
    pub minimum_reading_seconds: u32,
}

/// A course's validated metadata.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct CourseMetadata {
    pub id: String,
    pub title: String,
    pub summary: String,
    pub kind: CourseKind,
    pub language: String,
    pub estimated_minutes: u32,
    /// Percent of asked questions to get right; courses only.
    pub pass_mark: Option<u32>,
    pub recurrence: Recurrence,
    pub due_within: Period,
    /// How long after someone first owes the course their first round starts (`start_offset`
    /// in `course.toml`): spreads a baseline over the year for new hires and at roll-out.
    #[serde(default)]
    pub start_offset: Option<Period>,
    pub audience: Audience,
    pub version_notes: String,
    pub material_change: bool,
    pub quiz: QuizSettings,
    pub acknowledgement: Option<Acknowledgement>,
    /// The topic-specific controls the course is evidence for (ids from
    /// `domain::controls::COURSE_CONTROLS`). Versions stored before this existed read as none.
    #[serde(default)]
    pub controls: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawMetadata {
    id: Spanned<String>,
    title: Spanned<String>,
    summary: Spanned<String>,
    kind: Spanned<String>,
    language: Spanned<String>,
    estimated_minutes: Spanned<i64>,
    pass_mark: Option<Spanned<i64>>,
    recurrence: Spanned<String>,
    due_within: Spanned<String>,
    start_offset: Option<Spanned<String>>,
    audience: Option<Spanned<RawAudience>>,
    version: Option<Spanned<RawVersion>>,
    quiz: Option<Spanned<RawQuiz>>,
    acknowledgement: Option<Spanned<RawAcknowledgement>>,
    #[serde(default)]
    controls: Vec<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawAudience {
    #[serde(default)]
    everyone: bool,
    #[serde(default)]
    roles: Vec<Spanned<String>>,
    #[serde(default)]
    departments: Vec<Spanned<String>>,
    #[serde(default)]
    managers: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawVersion {
    notes: Spanned<String>,
    #[serde(default)]
    material: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawQuiz {
    shuffle_questions: Option<bool>,
    shuffle_options: Option<bool>,
    max_attempts: Option<Spanned<i64>>,
    cooldown_hours: Option<Spanned<i64>>,
    reveal_answers: Option<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawAcknowledgement {
    statement: Option<Spanned<String>>,
    minimum_reading_seconds: Option<Spanned<i64>>,
}

/// The statement a bulletin uses when `course.toml` gives none.
pub const DEFAULT_BULLETIN_STATEMENT: &str = "I have read this notice.";

/// Parses and validates `course.toml`, reporting every problem with its line.
pub fn parse_metadata(text: &str) -> Result<CourseMetadata, Vec<Problem>> {
    let lines = LineIndex::new(text);
    let raw: RawMetadata = toml::from_str(text).map_err(|err| {
        let line = err.span().map_or(1, |span| lines.line(span.start));
        vec![Problem::at(FILE, line, err.message().trim_end().to_owned())]
    })?;
    let mut problems = Vec::new();
    let mut check = |ok: bool, span: std::ops::Range<usize>, message: String| {
        if !ok {
            problems.push(Problem::at(FILE, lines.line(span.start), message));
        }
    };

    let id = raw.id.get_ref().trim().to_owned();
    check(
        is_slug(&id),
        raw.id.span(),
        format!(
            "id {id:?} must be 2 to 80 lower-case letters, digits and hyphens, such as \"phishing-basics\""
        ),
    );
    let title = raw.title.get_ref().trim().to_owned();
    check(
        !title.is_empty() && title.chars().count() <= 120,
        raw.title.span(),
        "title must be 1 to 120 characters".to_owned(),
    );
    let summary = raw.summary.get_ref().trim().to_owned();
    check(
        !summary.is_empty() && summary.chars().count() <= 400,
        raw.summary.span(),
        "summary must be 1 to 400 characters".to_owned(),
    );
    let kind = CourseKind::parse(raw.kind.get_ref().trim());
    check(
        kind.is_some(),
        raw.kind.span(),
        format!(
            "kind {:?} is not one of \"course\", \"policy\" or \"bulletin\"",
            raw.kind.get_ref()
        ),
    );
    let language = raw.language.get_ref().trim().to_owned();
    check(
        is_language_tag(&language),
        raw.language.span(),
        format!("language {language:?} is not a language tag such as \"en\" or \"en-GB\""),
    );
    let minutes = *raw.estimated_minutes.get_ref();
    check(
        (1..=600).contains(&minutes),
        raw.estimated_minutes.span(),
        "estimated_minutes must be between 1 and 600".to_owned(),
    );

    let recurrence = Recurrence::parse(raw.recurrence.get_ref());
    if let Err(message) = &recurrence {
        check(
            false,
            raw.recurrence.span(),
            format!("recurrence: {message}"),
        );
    }
    let due_within = Period::parse(raw.due_within.get_ref());
    if let Err(message) = &due_within {
        check(
            false,
            raw.due_within.span(),
            format!("due_within: {message}"),
        );
    }

    let start_offset = match &raw.start_offset {
        None => None,
        Some(text) => match Period::parse(text.get_ref()) {
            Err(message) => {
                check(false, text.span(), format!("start_offset: {message}"));
                None
            }
            Ok(offset) => {
                // The first round must start before a second one would be due.
                let longer = match &recurrence {
                    Ok(Recurrence::Every(period)) => {
                        let day = chrono::NaiveDate::from_ymd_opt(2000, 1, 1).unwrap_or_default();
                        offset.after(day) >= period.after(day)
                    }
                    _ => false,
                };
                check(
                    !longer,
                    text.span(),
                    format!("start_offset: {offset} is not shorter than the recurrence"),
                );
                Some(offset)
            }
        },
    };

    match (kind, &raw.pass_mark) {
        (Some(CourseKind::Course), None) => check(
            false,
            raw.kind.span(),
            "a course needs a pass_mark (percent of questions right, e.g. 80)".to_owned(),
        ),
        (Some(CourseKind::Course), Some(mark)) => {
            check(
                (1..=100).contains(mark.get_ref()),
                mark.span(),
                "pass_mark must be a percentage between 1 and 100".to_owned(),
            );
        }
        (Some(other), Some(mark)) => check(
            false,
            mark.span(),
            format!(
                "a {} has no quiz, so it takes no pass_mark; remove it",
                other.as_str()
            ),
        ),
        _ => {}
    }

    let audience = match &raw.audience {
        None => {
            problems.push(Problem::at(FILE, 1, "[audience] is missing: say who the course is for (everyone = true, roles, departments or managers)"));
            Audience::default()
        }
        Some(spanned) => {
            let raw_audience = spanned.get_ref();
            for role in &raw_audience.roles {
                if seeded(role.get_ref()).is_none() {
                    problems.push(Problem::at(
                        FILE,
                        lines.line(role.span().start),
                        format!("audience role {:?} is not a job role; use one of the ids listed in docs/authoring.md", role.get_ref()),
                    ));
                }
            }
            let audience = Audience {
                everyone: raw_audience.everyone,
                roles: raw_audience
                    .roles
                    .iter()
                    .map(|r| r.get_ref().trim().to_owned())
                    .collect(),
                departments: raw_audience
                    .departments
                    .iter()
                    .map(|d| d.get_ref().trim().to_owned())
                    .filter(|d| !d.is_empty())
                    .collect(),
                managers: raw_audience.managers,
            };
            if audience.is_empty() {
                problems.push(Problem::at(FILE, lines.line(spanned.span().start), "[audience] selects nobody: set everyone = true, or roles, departments or managers"));
            }
            audience
        }
    };

    let (version_notes, material_change) = match &raw.version {
        None => {
            problems.push(Problem::at(
                FILE,
                1,
                "[version] is missing: add notes = \"what changed\" and material = true or false",
            ));
            (String::new(), false)
        }
        Some(version) => {
            let notes = version.get_ref().notes.get_ref().trim().to_owned();
            if notes.is_empty() || notes.chars().count() > 1000 {
                problems.push(Problem::at(
                    FILE,
                    lines.line(version.get_ref().notes.span().start),
                    "[version] notes must say what changed (1 to 1000 characters)",
                ));
            }
            (notes, version.get_ref().material)
        }
    };

    let mut quiz = QuizSettings::default();
    if let Some(raw_quiz) = &raw.quiz {
        if kind != Some(CourseKind::Course) {
            problems.push(Problem::at(
                FILE,
                lines.line(raw_quiz.span().start),
                "[quiz] settings apply only to kind = \"course\"",
            ));
        }
        let raw_quiz = raw_quiz.get_ref();
        quiz.shuffle_questions = raw_quiz.shuffle_questions.unwrap_or(quiz.shuffle_questions);
        quiz.shuffle_options = raw_quiz.shuffle_options.unwrap_or(quiz.shuffle_options);
        if let Some(max) = &raw_quiz.max_attempts {
            match u32::try_from(*max.get_ref())
                .ok()
                .filter(|m| (1..=20).contains(m))
            {
                Some(max_attempts) => quiz.max_attempts = max_attempts,
                None => problems.push(Problem::at(
                    FILE,
                    lines.line(max.span().start),
                    "max_attempts must be between 1 and 20",
                )),
            }
        }
        if let Some(hours) = &raw_quiz.cooldown_hours {
            match u32::try_from(*hours.get_ref()).ok().filter(|h| *h <= 720) {
                Some(cooldown_hours) => quiz.cooldown_hours = cooldown_hours,
                None => problems.push(Problem::at(
                    FILE,
                    lines.line(hours.span().start),
                    "cooldown_hours must be between 0 and 720",
                )),
            }
        }
        if let Some(reveal) = &raw_quiz.reveal_answers {
            match RevealAnswers::CHOICES
                .iter()
                .find(|(name, _)| *name == reveal.get_ref().as_str())
            {
                Some((_, choice)) => quiz.reveal_answers = *choice,
                None => problems.push(Problem::at(
                    FILE,
                    lines.line(reveal.span().start),
                    format!(
                        "reveal_answers must be one of {}",
                        RevealAnswers::CHOICES
                            .iter()
                            .map(|(name, _)| format!("{name:?}"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                )),
            }
        }
    }

    let acknowledgement = match (kind, &raw.acknowledgement) {
        (Some(CourseKind::Course), Some(ack)) => {
            problems.push(Problem::at(
                FILE,
                lines.line(ack.span().start),
                "[acknowledgement] applies only to policies and bulletins",
            ));
            None
        }
        (Some(CourseKind::Policy), None) => {
            problems.push(Problem::at(
                FILE,
                1,
                "a policy needs [acknowledgement] with the statement people accept",
            ));
            None
        }
        (Some(kind @ (CourseKind::Policy | CourseKind::Bulletin)), ack) => {
            let raw_ack = ack.as_ref().map(Spanned::get_ref);
            let statement = match raw_ack.and_then(|a| a.statement.as_ref()) {
                Some(statement) => {
                    let text = statement.get_ref().trim().to_owned();
                    if text.is_empty() || text.chars().count() > 500 {
                        problems.push(Problem::at(
                            FILE,
                            lines.line(statement.span().start),
                            "the acknowledgement statement must be 1 to 500 characters",
                        ));
                    }
                    text
                }
                None if kind == CourseKind::Policy => {
                    problems.push(Problem::at(
                        FILE,
                        ack.as_ref().map_or(1, |a| lines.line(a.span().start)),
                        "[acknowledgement] needs a statement people accept",
                    ));
                    String::new()
                }
                None => DEFAULT_BULLETIN_STATEMENT.to_owned(),
            };
            let minimum_reading_seconds =
                match raw_ack.and_then(|a| a.minimum_reading_seconds.as_ref()) {
                    Some(seconds) => u32::try_from(*seconds.get_ref())
                        .ok()
                        .filter(|s| *s <= 3600)
                        .unwrap_or_else(|| {
                            problems.push(Problem::at(
                                FILE,
                                lines.line(seconds.span().start),
                                "minimum_reading_seconds must be between 0 and 3600",
                            ));
                            0
                        }),
                    None => 0,
                };
            Some(Acknowledgement {
                statement,
                minimum_reading_seconds,
            })
        }
        _ => None,
    };

    let mut controls: Vec<String> = Vec::new();
    for control in &raw.controls {
        let id = control.get_ref().trim();
        if crate::domain::controls::course_control(id).is_none() {
            problems.push(Problem::at(
                FILE,
                lines.line(control.span().start),
                format!(
                    "controls: {id:?} is not a control Vigil knows; use {}",
                    crate::domain::controls::COURSE_CONTROLS
                        .iter()
                        .map(|c| format!("{:?}", c.id))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            ));
        } else if controls.iter().any(|c| c == id) {
            problems.push(Problem::at(
                FILE,
                lines.line(control.span().start),
                format!("controls: {id:?} is listed twice"),
            ));
        } else {
            controls.push(id.to_owned());
        }
    }

    match (kind, recurrence, due_within, problems.is_empty()) {
        (Some(kind), Ok(recurrence), Ok(due_within), true) => Ok(CourseMetadata {
            id,
            title,
            summary,
            kind,
            language,
            estimated_minutes: u32::try_from(minutes).unwrap_or(1),
            pass_mark: raw
                .pass_mark
                .map(|mark| u32::try_from(*mark.get_ref()).unwrap_or(100)),
            recurrence,
            due_within,
            start_offset,
            audience,
            version_notes,
            material_change,
            quiz,
            acknowledgement,
            controls,
        }),
        _ => Err(problems),
    }
}

/// Lower-case letters, digits and single hyphens, 2 to 80 characters.
pub fn is_slug(candidate: &str) -> bool {
    (2..=80).contains(&candidate.len())
        && candidate
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        && !candidate.starts_with('-')
        && !candidate.ends_with('-')
        && !candidate.contains("--")
}

pub fn is_language_tag(candidate: &str) -> bool {
    let mut parts = candidate.split('-');
    let primary_ok = parts
        .next()
        .is_some_and(|p| (2..=3).contains(&p.len()) && p.chars().all(|c| c.is_ascii_alphabetic()));
    primary_ok
        && parts.all(|p| (2..=8).contains(&p.len()) && p.chars().all(|c| c.is_ascii_alphanumeric()))
}

#[cfg(test)]
mod tests {
    use super::*;

    const COURSE: &str = r#"
id = "phishing-basics"
title = "Phishing basics"
summary = "Spot and report phishing."
kind = "course"
language = "en-GB"
estimated_minutes = 20
pass_mark = 80
recurrence = "12 months"
due_within = "30 days"

[audience]
roles = ["department-head"]
managers = true

[version]
notes = "First version."
material = true

[quiz]
shuffle_options = false
max_attempts = 2
cooldown_hours = 12
reveal_answers = "after-passing"
"#;

    fn problems(text: &str) -> Vec<String> {
        parse_metadata(text)
            .unwrap_err()
            .iter()
            .map(ToString::to_string)
            .collect()
    }

    #[test]
    fn a_complete_course_parses() {
        let meta = parse_metadata(COURSE).unwrap();
        assert_eq!(meta.id, "phishing-basics");
        assert_eq!(meta.kind, CourseKind::Course);
        assert_eq!(meta.pass_mark, Some(80));
        assert_eq!(meta.recurrence.to_string(), "every 12 months");
        assert_eq!(meta.due_within.to_string(), "30 days");
        assert_eq!(
            meta.audience,
            Audience {
                managers: true,
                roles: vec!["department-head".to_owned()],
                ..Default::default()
            }
        );
        assert!(meta.material_change);
        assert_eq!(
            meta.quiz,
            QuizSettings {
                shuffle_questions: true,
                shuffle_options: false,
                max_attempts: 2,
                cooldown_hours: 12,
                reveal_answers: RevealAnswers::AfterPassing,
            }
        );
        assert_eq!(meta.acknowledgement, None);
    }

    #[test]
    fn controls_are_declared_from_the_known_list_and_checked_with_their_line() {
        assert!(parse_metadata(COURSE).unwrap().controls.is_empty());
        let declared = COURSE.replace(
            "due_within = \"30 days\"\n",
            "due_within = \"30 days\"\ncontrols = [\"pci-dss-12.6.3.1\", \"nist-at-2(3)\"]\n",
        );
        assert_eq!(
            parse_metadata(&declared).unwrap().controls,
            ["pci-dss-12.6.3.1", "nist-at-2(3)"]
        );
        let unknown = COURSE.replace(
            "due_within = \"30 days\"\n",
            "due_within = \"30 days\"\ncontrols = [\n  \"pci-dss-12.6.3.1\",\n  \"pci-dss-9.9\",\n  \"pci-dss-12.6.3.1\",\n]\n",
        );
        let found = problems(&unknown);
        assert_eq!(found.len(), 2, "{found:?}");
        assert!(
            found[0].starts_with(
                "course.toml:13: controls: \"pci-dss-9.9\" is not a control Vigil knows; use \"pci-dss-12.6.3.1\""
            ),
            "{found:?}"
        );
        assert!(
            found[1].starts_with("course.toml:14: controls: \"pci-dss-12.6.3.1\" is listed twice"),
            "{found:?}"
        );
    }

    #[test]
    fn a_start_offset_is_a_period_shorter_than_the_recurrence() {
        assert_eq!(parse_metadata(COURSE).unwrap().start_offset, None);
        let with = |offset: &str| {
            COURSE.replace(
                "due_within = \"30 days\"\n",
                &format!("due_within = \"30 days\"\nstart_offset = \"{offset}\"\n"),
            )
        };
        assert_eq!(
            parse_metadata(&with("4 months"))
                .unwrap()
                .start_offset
                .map(|p| p.to_string()),
            Some("4 months".to_owned())
        );
        let found = problems(&with("12 months"));
        assert!(
            found[0].contains("start_offset: 12 months is not shorter than the recurrence"),
            "{found:?}"
        );
        assert!(problems(&with("soon"))[0].contains("start_offset: \"soon\" is not a period"));
    }

    #[test]
    fn syntax_errors_name_the_line() {
        let broken = COURSE.replace("estimated_minutes = 20", "estimated_minutes = ");
        let found = problems(&broken);
        assert_eq!(found.len(), 1);
        assert!(found[0].starts_with("course.toml:7: "), "{found:?}");
    }

    #[test]
    fn unknown_keys_are_refused_so_typos_never_do_nothing() {
        let found = problems(&COURSE.replace("pass_mark = 80", "pass_mark = 80\npassmark = 70"));
        assert!(
            found[0].starts_with("course.toml:9: unknown field `passmark`"),
            "{found:?}"
        );
    }

    #[test]
    fn missing_required_keys_are_named() {
        let found = problems(&COURSE.replace("title = \"Phishing basics\"\n", ""));
        assert!(found[0].contains("missing field `title`"), "{found:?}");
    }

    #[test]
    fn every_bad_value_is_reported_with_its_line() {
        let bad = COURSE
            .replace("\"phishing-basics\"", "\"Phishing Basics\"")
            .replace("\"en-GB\"", "\"english\"")
            .replace("pass_mark = 80", "pass_mark = 180")
            .replace("\"12 months\"", "\"yearly\"")
            .replace("\"department-head\"", "\"wizard\"");
        let found = problems(&bad);
        assert_eq!(found.len(), 5, "{found:#?}");
        assert!(
            found[0].starts_with("course.toml:2: id \"Phishing Basics\" must be"),
            "{found:?}"
        );
        assert!(
            found
                .iter()
                .any(|p| p.starts_with("course.toml:6: language"))
        );
        assert!(
            found
                .iter()
                .any(|p| p.starts_with("course.toml:8: pass_mark must be a percentage")),
            "{found:#?}"
        );
        assert!(
            found
                .iter()
                .any(|p| p.starts_with("course.toml:9: recurrence: \"yearly\" is not a period")),
            "{found:#?}"
        );
        assert!(
            found.iter().any(
                |p| p.starts_with("course.toml:13: audience role \"wizard\" is not a job role")
            ),
            "{found:#?}"
        );
    }

    #[test]
    fn a_course_without_a_pass_mark_is_refused() {
        let found = problems(&COURSE.replace("pass_mark = 80\n", ""));
        assert!(found[0].contains("a course needs a pass_mark"), "{found:?}");
    }

    #[test]
    fn an_audience_that_selects_nobody_is_refused() {
        let found =
            problems(&COURSE.replace("roles = [\"department-head\"]\nmanagers = true\n", ""));
        assert!(found[0].contains("[audience] selects nobody"), "{found:?}");
    }

    #[test]
    fn a_policy_needs_a_statement_and_takes_no_pass_mark_or_quiz() {
        let policy = COURSE.replace("kind = \"course\"", "kind = \"policy\"");
        let found = problems(&policy);
        assert!(
            found
                .iter()
                .any(|p| p.contains("a policy takes no pass_mark")
                    || p.contains("has no quiz, so it takes no pass_mark")),
            "{found:?}"
        );
        assert!(
            found
                .iter()
                .any(|p| p.contains("[quiz] settings apply only")),
            "{found:?}"
        );
        assert!(
            found
                .iter()
                .any(|p| p.contains("a policy needs [acknowledgement]")),
            "{found:?}"
        );
    }

    #[test]
    fn a_policy_with_its_acknowledgement_parses() {
        let policy = COURSE
            .replace("kind = \"course\"", "kind = \"policy\"")
            .replace("pass_mark = 80\n", "")
            .replace("[quiz]\nshuffle_options = false\nmax_attempts = 2\ncooldown_hours = 12\nreveal_answers = \"after-passing\"\n", "[acknowledgement]\nstatement = \"I will follow it.\"\nminimum_reading_seconds = 90\n");
        let meta = parse_metadata(&policy).unwrap();
        assert_eq!(
            meta.acknowledgement,
            Some(Acknowledgement {
                statement: "I will follow it.".to_owned(),
                minimum_reading_seconds: 90
            })
        );
    }

    #[test]
    fn a_bulletin_gets_the_default_statement() {
        let bulletin = COURSE
            .replace("kind = \"course\"", "kind = \"bulletin\"")
            .replace("pass_mark = 80\n", "")
            .replace(
                "[quiz]\nshuffle_options = false\nmax_attempts = 2\ncooldown_hours = 12\nreveal_answers = \"after-passing\"\n",
                "",
            );
        let meta = parse_metadata(&bulletin).unwrap();
        assert_eq!(
            meta.acknowledgement.unwrap().statement,
            DEFAULT_BULLETIN_STATEMENT
        );
    }

    #[test]
    fn slugs_and_language_tags_are_checked() {
        assert!(is_slug("secure-development") && is_slug("a1"));
        assert!(!is_slug("-x") && !is_slug("a--b") && !is_slug("A") && !is_slug("a_b"));
        assert!(is_language_tag("en") && is_language_tag("en-GB") && is_language_tag("zh-Hant-TW"));
        assert!(!is_language_tag("english") && !is_language_tag("e") && !is_language_tag(""));
    }

    /// Every remaining message, each from one small change to a valid file.
    #[test]
    fn each_problem_has_its_own_message() {
        let policy = COURSE
            .replace("kind = \"course\"", "kind = \"policy\"")
            .replace("pass_mark = 80\n", "")
            .replace(
                "[quiz]\nshuffle_options = false\nmax_attempts = 2\ncooldown_hours = 12\nreveal_answers = \"after-passing\"\n",
                "[acknowledgement]\nstatement = \"I accept.\"\n",
            );
        let cases: Vec<(String, &str)> = vec![
            (
                COURSE.replace("\"Phishing basics\"", "\"\""),
                "title must be 1 to 120 characters",
            ),
            (
                COURSE.replace("\"Spot and report phishing.\"", "\"  \""),
                "summary must be 1 to 400 characters",
            ),
            (
                COURSE.replace("kind = \"course\"", "kind = \"lecture\""),
                "kind \"lecture\" is not one of",
            ),
            (
                COURSE.replace("estimated_minutes = 20", "estimated_minutes = 0"),
                "estimated_minutes must be between 1 and 600",
            ),
            (
                COURSE.replace("\"30 days\"", "\"soon\""),
                "due_within: \"soon\" is not a period",
            ),
            (
                COURSE.replace(
                    "[audience]\nroles = [\"department-head\"]\nmanagers = true\n",
                    "",
                ),
                "[audience] is missing",
            ),
            (
                COURSE.replace(
                    "[version]\nnotes = \"First version.\"\nmaterial = true\n",
                    "",
                ),
                "[version] is missing",
            ),
            (
                COURSE.replace("notes = \"First version.\"", "notes = \" \""),
                "[version] notes must say what changed",
            ),
            (
                COURSE.replace("max_attempts = 2", "max_attempts = 0"),
                "max_attempts must be between 1 and 20",
            ),
            (
                COURSE.replace("cooldown_hours = 12", "cooldown_hours = 1000"),
                "cooldown_hours must be between 0 and 720",
            ),
            (
                COURSE.replace("\"after-passing\"", "\"sometimes\""),
                "reveal_answers must be one of \"always\", \"after-passing\", \"after-passing-or-last-attempt\", \"never\"",
            ),
            (
                COURSE.to_owned() + "[acknowledgement]\nstatement = \"x\"\n",
                "[acknowledgement] applies only to policies and bulletins",
            ),
            (
                policy.replace("statement = \"I accept.\"", "statement = \"\""),
                "the acknowledgement statement must be 1 to 500 characters",
            ),
            (
                policy.replace(
                    "statement = \"I accept.\"\n",
                    "minimum_reading_seconds = 30\n",
                ),
                "[acknowledgement] needs a statement people accept",
            ),
            (
                policy.replace(
                    "statement = \"I accept.\"",
                    "statement = \"I accept.\"\nminimum_reading_seconds = 7200",
                ),
                "minimum_reading_seconds must be between 0 and 3600",
            ),
            (
                COURSE.replace("id = \"phishing-basics\"", "id = 7"),
                "invalid type: integer `7`, expected a string",
            ),
        ];
        for (text, expected) in cases {
            let found = problems(&text);
            assert!(
                found.iter().any(|p| p.contains(expected)),
                "expected {expected:?} in {found:#?}"
            );
            assert!(
                found.iter().all(|p| p.starts_with("course.toml:")),
                "{found:?}"
            );
        }
    }
}
