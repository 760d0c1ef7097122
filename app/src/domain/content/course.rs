//! A whole course folder: metadata, lessons or document, quiz, images, hash; and its rendering.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use super::facilitator::{self, FacilitatorPack, RenderedPack};
use super::hash::content_hash;
use super::lesson::{Document, is_lesson_file, parse_document};
use super::limits;
use super::markdown::{AssetLinks, render_block_filled, render_inline_filled};
use super::metadata::{CourseMetadata, parse_metadata};
use super::problem::Problem;
use super::quiz::{Quiz, parse_quiz};
use super::source::{CourseSource, FileRole, file_role};
use super::translation::{self, Translation, parse_translation};
use super::variables::{self, Values, fill};
use crate::domain::course_kind::CourseKind;

/// Files with a fixed meaning.
pub const METADATA_FILE: &str = "course.toml";
pub const QUIZ_FILE: &str = "quiz.md";
pub const POLICY_FILE: &str = "policy.md";
pub const BULLETIN_FILE: &str = "bulletin.md";
/// A note for reviewers; never shown in Vigil.
pub const README_FILE: &str = "README.md";

/// What people read and answer, by kind.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CourseBody {
    Lessons { lessons: Vec<Document>, quiz: Quiz },
    Policy(Document),
    Bulletin(Document),
}

/// A course folder that passed every check.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParsedCourse {
    pub meta: CourseMetadata,
    pub body: CourseBody,
    pub source: CourseSource,
    /// SHA-256 of every file (see `hash::content_hash`).
    pub hash: String,
    /// The organisation variables its texts use.
    pub variables: BTreeSet<&'static str>,
    /// Slides, discussion guide and one-on-one checklist for teaching it in person.
    pub facilitator: FacilitatorPack,
    /// Its texts in other languages, by language tag.
    pub translations: BTreeMap<String, Translation>,
}

/// Checks a course folder, reporting every problem in every file.
pub fn parse_course(source: CourseSource) -> Result<ParsedCourse, Vec<Problem>> {
    let mut problems = Vec::new();
    let assets: BTreeSet<String> = source.asset_paths().map(str::to_owned).collect();

    let meta = match source.text(METADATA_FILE) {
        None => {
            problems.push(Problem::in_file(
                METADATA_FILE,
                "missing: every course folder needs a course.toml (see docs/authoring.md)",
            ));
            None
        }
        Some(Err(problem)) => {
            problems.push(problem);
            None
        }
        Some(Ok(text)) => parse_metadata(text)
            .map_err(|found| problems.extend(found))
            .ok(),
    };

    let mut lessons = Vec::new();
    let mut quiz = None;
    let mut document = None;
    let mut pack = FacilitatorPack::default();
    let mut present = BTreeSet::new();
    let mut used = BTreeSet::new();
    let mut translated: BTreeMap<String, Vec<(String, String)>> = BTreeMap::new();
    for (path, _) in source.files() {
        if file_role(path) != FileRole::Text || path == METADATA_FILE || path == README_FILE {
            continue;
        }
        if let Some((language, name)) = translation::split_path(path) {
            match source.text(path) {
                Some(Ok(text)) => {
                    used.extend(variables::used_in(text));
                    translated
                        .entry(language.to_owned())
                        .or_default()
                        .push((name.to_owned(), text.to_owned()));
                }
                Some(Err(problem)) => problems.push(problem),
                None => {}
            }
            continue;
        }
        present.insert(path.to_owned());
        let text = match source.text(path) {
            Some(Ok(text)) => text,
            Some(Err(problem)) => {
                problems.push(problem);
                continue;
            }
            None => continue,
        };
        // A text past the limits is not parsed at all: it could be made to take minutes.
        let beyond = limits::check(path, text);
        if !beyond.is_empty() {
            problems.extend(beyond);
            continue;
        }
        problems.extend(variables::check(path, text));
        used.extend(variables::used_in(text));
        match path {
            QUIZ_FILE => quiz = parse_quiz(text).map_err(|found| problems.extend(found)).ok(),
            POLICY_FILE | BULLETIN_FILE => document = parse_document(path, text, &assets).map_err(|found| problems.extend(found)).ok(),
            part if facilitator::is_facilitator_file(part) => {
                if let Err(found) = facilitator::add_file(&mut pack, part, text, &assets) {
                    problems.extend(found);
                }
            }
            lesson if is_lesson_file(lesson) => {
                if let Ok(parsed) = parse_document(lesson, text, &assets).map_err(|found| problems.extend(found)) {
                    lessons.push(parsed);
                }
            }
            other => problems.push(Problem::in_file(
                other,
                "not a file Vigil knows: lessons are named like 01-first-steps.md (two digits, a hyphen, lower-case words); other Markdown files are quiz.md, policy.md, bulletin.md and README.md",
            )),
        }
    }

    let Some(meta) = meta else {
        return Err(problems);
    };
    let expect = |problems: &mut Vec<Problem>, file: &str, wanted: bool, message: &str| {
        if present.contains(file) != wanted {
            problems.push(Problem::in_file(file, message));
        }
    };
    let has_lessons = present.iter().any(|path| is_lesson_file(path));
    match meta.kind {
        CourseKind::Course => {
            if !has_lessons {
                problems.push(Problem::in_file(
                    ".",
                    "a course needs at least one lesson file, such as 01-introduction.md",
                ));
            }
            expect(
                &mut problems,
                QUIZ_FILE,
                true,
                "missing: a course needs a quiz (see docs/authoring.md)",
            );
            expect(
                &mut problems,
                POLICY_FILE,
                false,
                "a course has lessons, not a policy text; remove policy.md or set kind = \"policy\"",
            );
            expect(
                &mut problems,
                BULLETIN_FILE,
                false,
                "a course has lessons, not a bulletin; remove bulletin.md or set kind = \"bulletin\"",
            );
        }
        CourseKind::Policy | CourseKind::Bulletin => {
            let (own, other) = if meta.kind == CourseKind::Policy {
                (POLICY_FILE, BULLETIN_FILE)
            } else {
                (BULLETIN_FILE, POLICY_FILE)
            };
            expect(
                &mut problems,
                own,
                true,
                &format!("missing: a {} keeps its text in {own}", meta.kind.as_str()),
            );
            expect(
                &mut problems,
                other,
                false,
                &format!(
                    "a {} keeps its text in {own}; remove {other}",
                    meta.kind.as_str()
                ),
            );
            expect(
                &mut problems,
                QUIZ_FILE,
                false,
                &format!(
                    "a {} has no quiz; remove quiz.md or set kind = \"course\"",
                    meta.kind.as_str()
                ),
            );
            if has_lessons {
                problems.push(Problem::in_file(
                    ".",
                    format!(
                        "a {} has no lessons; put its text in {own}",
                        meta.kind.as_str()
                    ),
                ));
            }
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }

    let body = match (meta.kind, quiz, document) {
        (CourseKind::Course, Some(quiz), None) => CourseBody::Lessons { lessons, quiz },
        (CourseKind::Policy, None, Some(document)) => CourseBody::Policy(document),
        (CourseKind::Bulletin, None, Some(document)) => CourseBody::Bulletin(document),
        _ => {
            return Err(vec![Problem::in_file(
                ".",
                "the course could not be assembled; check the files listed above",
            )]);
        }
    };
    let mut translations = BTreeMap::new();
    for (language, files) in &translated {
        if !super::metadata::is_language_tag(language)
            || language.eq_ignore_ascii_case(&meta.language)
        {
            problems.push(Problem::in_file(
                &format!("{}{language}", translation::TRANSLATIONS_DIR),
                format!(
                    "{language:?} is not a language tag other than the course's own ({:?}); name the folder like de or pt-BR",
                    meta.language
                ),
            ));
            continue;
        }
        let files: Vec<(&str, &str)> = files
            .iter()
            .map(|(n, t)| (n.as_str(), t.as_str()))
            .collect();
        match parse_translation(
            language,
            &files,
            &body,
            meta.acknowledgement.is_some(),
            &assets,
        ) {
            Ok(parsed) => {
                translations.insert(language.clone(), parsed);
            }
            Err(found) => problems.extend(found),
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    let hash = content_hash(&source);
    Ok(ParsedCourse {
        meta,
        body,
        source,
        hash,
        variables: used,
        facilitator: pack,
        translations,
    })
}

/// A lesson or document as stored HTML.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RenderedDocument {
    pub title: String,
    pub html: String,
}

/// One option as stored HTML.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RenderedOption {
    pub html: String,
    pub correct: bool,
}

/// One question as stored HTML.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RenderedQuestion {
    pub prompt: String,
    pub body_html: String,
    pub options: Vec<RenderedOption>,
    pub multiple: bool,
    pub keep_order: bool,
    pub explanation_html: String,
}

/// A pool as stored.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RenderedPool {
    pub ask: Option<usize>,
    pub questions: Vec<RenderedQuestion>,
}

/// What readers get for one course version, rendered once at publish.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RenderedCourse {
    pub lessons: Vec<RenderedDocument>,
    /// The policy or bulletin text.
    pub document: Option<RenderedDocument>,
    pub pools: Vec<RenderedPool>,
    /// The facilitator pack, if the course has one (versions stored before it existed have none).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub facilitator: Option<RenderedPack>,
    /// The course in other languages, by language tag.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub translations: BTreeMap<String, RenderedTranslation>,
}

/// One language's texts as stored HTML. Its quiz has the course's structure exactly.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RenderedTranslation {
    pub title: String,
    pub summary: String,
    pub statement: Option<String>,
    pub lessons: Vec<RenderedDocument>,
    pub document: Option<RenderedDocument>,
    pub pools: Vec<RenderedPool>,
}

impl RenderedCourse {
    /// The language someone who prefers `preferred` (a language tag, or none) takes: the closest
    /// translation's, or the course's own `own_language`. It is what their record carries.
    pub fn language_for(&self, preferred: Option<&str>, own_language: &str) -> String {
        let offered =
            std::iter::once(own_language).chain(self.translations.keys().map(String::as_str));
        preferred
            .and_then(|p| translation::best_match(p, offered))
            .filter(|language| self.translations.contains_key(*language))
            .unwrap_or(own_language)
            .to_owned()
    }

    /// The texts in one of the course's translations, if it has that language.
    pub fn translated(&self, language: &str) -> Option<RenderedCourse> {
        self.translations.get(language).map(|t| RenderedCourse {
            lessons: t.lessons.clone(),
            document: t.document.clone(),
            pools: t.pools.clone(),
            facilitator: self.facilitator.clone(),
            translations: BTreeMap::new(),
        })
    }
}

impl RenderedCourse {
    /// How many questions one attempt asks.
    pub fn asked_per_attempt(&self) -> usize {
        self.pools
            .iter()
            .map(|pool| pool.ask.unwrap_or(pool.questions.len()))
            .sum()
    }
}

impl ParsedCourse {
    /// The hash of this course rendered with `values`: what a version and the records of it
    /// carry (see `variables::version_hash`).
    pub fn version_hash(&self, values: &Values) -> String {
        variables::version_hash(&self.hash, &self.variables, values)
    }

    /// Each variable this course uses with its value (`None` when unset).
    pub fn variable_values(&self, values: &Values) -> BTreeMap<String, Option<String>> {
        variables::values_for(&self.variables, values)
    }
}

/// Renders every text of a course to sanitized HTML, with images served under `asset_base` and
/// organisation variables filled in from `values`.
pub fn render_course(course: &ParsedCourse, asset_base: &str, values: &Values) -> RenderedCourse {
    let links = AssetLinks {
        base: asset_base.trim_end_matches('/').to_owned(),
        paths: course.source.asset_paths().map(str::to_owned).collect(),
    };
    let document = |doc: &Document| RenderedDocument {
        title: fill(&doc.title, values),
        html: render_block_filled(&doc.markdown, &links, values),
    };
    let facilitator = (!course.facilitator.is_empty()).then(|| RenderedPack {
        slides: course.facilitator.slides.iter().map(document).collect(),
        guide: course.facilitator.guide.as_ref().map(document),
        checklist: course.facilitator.checklist.as_ref().map(document),
    });
    let (lessons, document, pools) = render_body(&course.body, &links, values);
    let translations = course
        .translations
        .iter()
        .map(|(language, t)| {
            let (lessons, document, pools) = render_body(&t.body, &links, values);
            let rendered = RenderedTranslation {
                title: fill(&t.title, values),
                summary: fill(&t.summary, values),
                statement: t.statement.as_ref().map(|s| fill(s, values)),
                lessons,
                document,
                pools,
            };
            (language.clone(), rendered)
        })
        .collect();
    RenderedCourse {
        lessons,
        document,
        pools,
        facilitator,
        translations,
    }
}

/// A body's lessons, document and quiz pools as stored HTML.
fn render_body(
    body: &CourseBody,
    links: &AssetLinks,
    values: &Values,
) -> (
    Vec<RenderedDocument>,
    Option<RenderedDocument>,
    Vec<RenderedPool>,
) {
    let render_block =
        |markdown: &str, links: &AssetLinks| render_block_filled(markdown, links, values);
    let render_inline =
        |markdown: &str, links: &AssetLinks| render_inline_filled(markdown, links, values);
    let document = |doc: &Document| RenderedDocument {
        title: fill(&doc.title, values),
        html: render_block(&doc.markdown, links),
    };
    match body {
        CourseBody::Lessons { lessons, quiz } => (
            lessons.iter().map(document).collect(),
            None,
            quiz.pools
                .iter()
                .map(|pool| RenderedPool {
                    ask: pool.ask,
                    questions: pool
                        .questions
                        .iter()
                        .map(|question| RenderedQuestion {
                            prompt: fill(&question.prompt, values),
                            body_html: if question.body.is_empty() {
                                String::new()
                            } else {
                                render_block(&question.body, links)
                            },
                            options: question
                                .options
                                .iter()
                                .map(|option| RenderedOption {
                                    html: render_inline(&option.markdown, links),
                                    correct: option.correct,
                                })
                                .collect(),
                            multiple: question.multiple,
                            keep_order: question.keep_order,
                            explanation_html: render_block(&question.explanation, links),
                        })
                        .collect(),
                })
                .collect(),
        ),
        CourseBody::Policy(doc) | CourseBody::Bulletin(doc) => {
            (Vec::new(), Some(document(doc)), Vec::new())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TOML: &str = "id = \"demo\"\ntitle = \"Demo\"\nsummary = \"S\"\nkind = \"course\"\nlanguage = \"en\"\nestimated_minutes = 5\npass_mark = 50\nrecurrence = \"never\"\ndue_within = \"7 days\"\n[audience]\neveryone = true\n[version]\nnotes = \"First.\"\n";
    const QUIZ: &str = "## Q?\n\n- [x] **Yes**\n- [ ] No\n\n> Because.\n";

    fn source(files: &[(&str, &[u8])]) -> CourseSource {
        CourseSource::new(files.iter().map(|(p, b)| ((*p).to_owned(), b.to_vec()))).unwrap()
    }

    fn messages(files: &[(&str, &[u8])]) -> Vec<String> {
        parse_course(source(files))
            .unwrap_err()
            .iter()
            .map(ToString::to_string)
            .collect()
    }

    #[test]
    fn a_complete_course_parses_and_renders() {
        let course = parse_course(source(&[
            ("course.toml", TOML.as_bytes()),
            ("02-second.md", b"# Second\n\nMore."),
            ("01-first.md", b"# First\n\n![pic](images/p.png)"),
            ("images/p.png", b"\x89PNG"),
            ("quiz.md", QUIZ.as_bytes()),
            ("README.md", b"For reviewers."),
        ]))
        .unwrap();
        let CourseBody::Lessons { lessons, quiz } = &course.body else {
            panic!("a course")
        };
        assert_eq!(
            lessons.iter().map(|l| l.title.as_str()).collect::<Vec<_>>(),
            ["First", "Second"]
        );
        assert_eq!(quiz.asked_per_attempt(), 1);
        assert_eq!(course.hash.len(), 64);

        let rendered = render_course(&course, "/course-assets/abc/", &Values::new());
        assert!(
            rendered.lessons[0]
                .html
                .contains(r#"src="/course-assets/abc/images/p.png""#),
            "{}",
            rendered.lessons[0].html
        );
        assert_eq!(
            rendered.pools[0].questions[0].options[0].html,
            "<strong>Yes</strong>"
        );
        assert!(rendered.pools[0].questions[0].options[0].correct);
        assert_eq!(
            rendered.pools[0].questions[0].explanation_html.trim(),
            "<p>Because.</p>"
        );
    }

    #[test]
    fn a_folder_without_course_toml_says_so() {
        assert_eq!(
            messages(&[("01-a.md", b"# A")]),
            [
                "course.toml: missing: every course folder needs a course.toml (see docs/authoring.md)"
            ]
        );
    }

    #[test]
    fn problems_from_every_file_are_reported_together() {
        let found = messages(&[
            ("course.toml", TOML.as_bytes()),
            ("01-a.md", b"No title"),
            ("quiz.md", b"## Q?\n\n- [ ] A\n- [ ] B\n\n> Why.\n"),
            ("1-misnamed.md", b"# X"),
        ]);
        assert_eq!(found.len(), 3, "{found:#?}");
        assert!(
            found
                .iter()
                .any(|p| p.starts_with("01-a.md:1: start with a level-1 heading"))
        );
        assert!(
            found
                .iter()
                .any(|p| p.starts_with("quiz.md:1: question \"Q?\" has no correct option"))
        );
        assert!(
            found
                .iter()
                .any(|p| p.starts_with("1-misnamed.md: not a file Vigil knows"))
        );
    }

    #[test]
    fn a_course_needs_lessons_and_a_quiz() {
        let found = messages(&[("course.toml", TOML.as_bytes())]);
        assert_eq!(
            found,
            [
                ".: a course needs at least one lesson file, such as 01-introduction.md",
                "quiz.md: missing: a course needs a quiz (see docs/authoring.md)"
            ]
        );
    }

    #[test]
    fn a_policy_needs_its_text_and_has_no_quiz() {
        let policy_toml = TOML
            .replace("kind = \"course\"", "kind = \"policy\"")
            .replace("pass_mark = 50\n", "")
            + "[acknowledgement]\nstatement = \"I accept.\"\n";
        let found = messages(&[
            ("course.toml", policy_toml.as_bytes()),
            ("quiz.md", QUIZ.as_bytes()),
        ]);
        assert_eq!(
            found,
            [
                "policy.md: missing: a policy keeps its text in policy.md",
                "quiz.md: a policy has no quiz; remove quiz.md or set kind = \"course\""
            ]
        );
        let course = parse_course(source(&[
            ("course.toml", policy_toml.as_bytes()),
            ("policy.md", b"# Policy\n\nRules."),
        ]))
        .unwrap();
        let rendered = render_course(&course, "/a", &Values::new());
        assert_eq!(rendered.document.unwrap().title, "Policy");
    }

    #[test]
    fn files_that_do_not_belong_to_the_kind_are_reported() {
        let policy_toml = TOML
            .replace("kind = \"course\"", "kind = \"policy\"")
            .replace("pass_mark = 50\n", "")
            + "[acknowledgement]\nstatement = \"I accept.\"\n";
        let bulletin_toml = policy_toml.replace("kind = \"policy\"", "kind = \"bulletin\"");
        type Files<'a> = Vec<(&'a str, &'a [u8])>;
        let cases: Vec<(Files, &str)> = vec![
            (
                vec![
                    ("course.toml", TOML.as_bytes()),
                    ("01-a.md", b"# A"),
                    ("quiz.md", QUIZ.as_bytes()),
                    ("policy.md", b"# P"),
                ],
                "policy.md: a course has lessons, not a policy text; remove policy.md or set kind = \"policy\"",
            ),
            (
                vec![
                    ("course.toml", TOML.as_bytes()),
                    ("01-a.md", b"# A"),
                    ("quiz.md", QUIZ.as_bytes()),
                    ("bulletin.md", b"# B"),
                ],
                "bulletin.md: a course has lessons, not a bulletin; remove bulletin.md or set kind = \"bulletin\"",
            ),
            (
                vec![
                    ("course.toml", policy_toml.as_bytes()),
                    ("policy.md", b"# P"),
                    ("01-a.md", b"# A"),
                ],
                ".: a policy has no lessons; put its text in policy.md",
            ),
            (
                vec![
                    ("course.toml", bulletin_toml.as_bytes()),
                    ("bulletin.md", b"# B"),
                    ("policy.md", b"# P"),
                ],
                "policy.md: a bulletin keeps its text in bulletin.md; remove policy.md",
            ),
            (
                vec![("course.toml", &[0xff, 0xfe][..])],
                "course.toml: the file is not valid UTF-8 text",
            ),
        ];
        for (files, expected) in cases {
            let found = messages(&files);
            assert!(
                found.iter().any(|p| p.starts_with(expected)),
                "expected {expected:?} in {found:#?}"
            );
        }
    }
}
