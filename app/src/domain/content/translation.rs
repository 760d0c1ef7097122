//! Translations of a course: `translations/<language>/` holds `translation.toml` (title,
//! summary, and the acknowledgement statement of a policy or bulletin) and the same texts as the
//! course itself, under the same names: each lesson, `quiz.md`, or `policy.md`/`bulletin.md`.
//!
//! A translated quiz must have the course's structure exactly (pools, `ask`, questions, options
//! and which are right), so that an attempt is drawn, scored and analysed the same way in every
//! language and only the words differ.

use std::collections::{BTreeMap, BTreeSet};

use serde::Deserialize;
use toml::Spanned;

use super::course::CourseBody;
use super::lesson::{Document, is_lesson_file, parse_document};
use super::limits;
use super::problem::{LineIndex, Problem};
use super::quiz::{Quiz, parse_quiz};
use super::variables;

pub const TRANSLATIONS_DIR: &str = "translations/";
pub const TRANSLATION_FILE: &str = "translation.toml";

/// `("de", "01-intro.md")` for `translations/de/01-intro.md`.
pub fn split_path(path: &str) -> Option<(&str, &str)> {
    path.strip_prefix(TRANSLATIONS_DIR)?.split_once('/')
}

/// One language's texts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Translation {
    pub title: String,
    pub summary: String,
    pub statement: Option<String>,
    pub body: CourseBody,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTranslation {
    title: Spanned<String>,
    summary: Spanned<String>,
    statement: Option<Spanned<String>>,
}

/// Parses one language folder's files (paths relative to it) against the course's own body.
/// Problems name the file as it is in the course folder (`translations/de/quiz.md:12`).
pub fn parse_translation(
    language: &str,
    files: &[(&str, &str)],
    original: &CourseBody,
    has_statement: bool,
    assets: &BTreeSet<String>,
) -> Result<Translation, Vec<Problem>> {
    let prefix = format!("{TRANSLATIONS_DIR}{language}/");
    let full = |name: &str| format!("{prefix}{name}");
    let mut problems = Vec::new();
    let mut meta = None;
    let mut lessons: BTreeMap<&str, Document> = BTreeMap::new();
    let mut quiz = None;
    let mut document = None;
    for (name, text) in files {
        let path = full(name);
        let beyond = limits::check(&path, text);
        if !beyond.is_empty() {
            problems.extend(beyond);
            continue;
        }
        problems.extend(variables::check(&path, text));
        match *name {
            TRANSLATION_FILE => match toml::from_str::<RawTranslation>(text) {
                Ok(raw) => meta = Some(raw),
                Err(err) => {
                    let line = err
                        .span()
                        .map(|span| LineIndex::new(text).line(span.start));
                    problems.push(Problem {
                        file: path,
                        line,
                        message: err.message().to_owned(),
                    });
                }
            },
            "quiz.md" => match parse_quiz(text) {
                Ok(parsed) => quiz = Some(parsed),
                Err(found) => problems.extend(found.into_iter().map(|p| Problem {
                    file: path.clone(),
                    ..p
                })),
            },
            "policy.md" | "bulletin.md" => match parse_document(&path, text, assets) {
                Ok(parsed) => document = Some(parsed),
                Err(found) => problems.extend(found),
            },
            lesson if is_lesson_file(lesson) => match parse_document(&path, text, assets) {
                Ok(parsed) => {
                    lessons.insert(lesson, parsed);
                }
                Err(found) => problems.extend(found),
            },
            _ => problems.push(Problem::in_file(
                &path,
                "not a file Vigil knows: a translation holds translation.toml and the course's own texts under the same names",
            )),
        }
    }

    let meta = match meta {
        Some(meta) => Some(meta),
        None => {
            problems.push(Problem::in_file(
                &full(TRANSLATION_FILE),
                "missing: a translation needs translation.toml with its title and summary",
            ));
            None
        }
    };
    if let Some(meta) = &meta {
        for (field, value) in [("title", &meta.title), ("summary", &meta.summary)] {
            if value.get_ref().trim().is_empty() {
                problems.push(Problem::in_file(
                    &full(TRANSLATION_FILE),
                    format!("{field} is empty"),
                ));
            }
        }
        match (&meta.statement, has_statement) {
            (None, true) => problems.push(Problem::in_file(
                &full(TRANSLATION_FILE),
                "missing: statement, the acknowledgement people confirm in this language",
            )),
            (Some(_), false) => problems.push(Problem::in_file(
                &full(TRANSLATION_FILE),
                "statement: only policies and bulletins with an acknowledgement have one",
            )),
            _ => {}
        }
    }

    let body = match original {
        CourseBody::Lessons {
            lessons: own,
            quiz: own_quiz,
        } => {
            let mut translated = Vec::new();
            for lesson in own {
                match lessons.remove(lesson.file.as_str()) {
                    Some(found) => translated.push(found),
                    None => problems.push(Problem::in_file(
                        &full(&lesson.file),
                        "missing: every lesson needs its translation, under the same name",
                    )),
                }
            }
            for extra in lessons.keys() {
                problems.push(Problem::in_file(
                    &full(extra),
                    "the course has no lesson of this name; a translation uses the course's lesson names",
                ));
            }
            match quiz {
                None => {
                    problems.push(Problem::in_file(
                        &full("quiz.md"),
                        "missing: the course's quiz needs its translation",
                    ));
                    None
                }
                Some(quiz) => {
                    problems.extend(structure_differences(own_quiz, &quiz).into_iter().map(
                        |(line, message)| Problem {
                            file: full("quiz.md"),
                            line,
                            message,
                        },
                    ));
                    Some(CourseBody::Lessons {
                        lessons: translated,
                        quiz,
                    })
                }
            }
        }
        CourseBody::Policy(_) | CourseBody::Bulletin(_) => {
            let own = if matches!(original, CourseBody::Policy(_)) {
                "policy.md"
            } else {
                "bulletin.md"
            };
            match document {
                Some(found) if found.file.ends_with(own) => Some(match original {
                    CourseBody::Policy(_) => CourseBody::Policy(found),
                    _ => CourseBody::Bulletin(found),
                }),
                _ => {
                    problems.push(Problem::in_file(
                        &full(own),
                        format!("missing: the translation of {own}"),
                    ));
                    None
                }
            }
        }
    };

    match (meta, body) {
        (Some(meta), Some(body)) if problems.is_empty() => Ok(Translation {
            title: meta.title.into_inner(),
            summary: meta.summary.into_inner(),
            statement: meta.statement.map(Spanned::into_inner),
            body,
        }),
        _ => Err(problems),
    }
}

/// Where a translated quiz differs in structure from the course's: (line, message).
fn structure_differences(own: &Quiz, translated: &Quiz) -> Vec<(Option<usize>, String)> {
    let mut found = Vec::new();
    if own.pools.len() != translated.pools.len() {
        found.push((
            None,
            format!(
                "{} pools; the course's quiz has {}",
                translated.pools.len(),
                own.pools.len()
            ),
        ));
        return found;
    }
    for (number, (a, b)) in own.pools.iter().zip(&translated.pools).enumerate() {
        let pool = number + 1;
        let at = b.questions.first().map(|q| q.line);
        if a.ask != b.ask {
            found.push((
                at,
                format!(
                    "pool {pool} asks {:?}; the course's asks {:?}",
                    b.ask, a.ask
                ),
            ));
        }
        if a.questions.len() != b.questions.len() {
            found.push((
                at,
                format!(
                    "pool {pool} has {} questions; the course's has {}",
                    b.questions.len(),
                    a.questions.len()
                ),
            ));
            continue;
        }
        for (q, (x, y)) in a.questions.iter().zip(&b.questions).enumerate() {
            let flags = |question: &super::quiz::Question| -> Vec<bool> {
                question.options.iter().map(|o| o.correct).collect()
            };
            if flags(x) != flags(y) || x.multiple != y.multiple || x.keep_order != y.keep_order {
                found.push((
                    Some(y.line),
                    format!(
                        "question {} of pool {pool} differs from the course's (line {}): it needs the same options in the same order, the same right answers and the same settings",
                        q + 1,
                        x.line
                    ),
                ));
            }
        }
    }
    found
}

/// The best of `available` for someone who prefers `preferred`: a BCP 47 tag (`de-AT`, or `de_AT`
/// as some directories write it) or a list in the form of HTTP `Accept-Language`
/// (`de-CH, de;q=0.9, en;q=0.5`, as SCIM's `preferredLanguage` may carry). Each preferred range,
/// most preferred first, takes the same tag, or else the same primary language (`de-AT` takes
/// `de`; `de` takes `de-DE`), ignoring case; a range with `q=0` or `*` takes nothing.
pub fn best_match<'a>(
    preferred: &str,
    available: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let available: Vec<&str> = available.into_iter().collect();
    let primary = |tag: &str| {
        tag.split('-')
            .next()
            .unwrap_or_default()
            .to_ascii_lowercase()
    };
    preference_order(preferred).into_iter().find_map(|wanted| {
        available
            .iter()
            .find(|tag| tag.eq_ignore_ascii_case(&wanted))
            .or_else(|| {
                available
                    .iter()
                    .find(|tag| primary(tag) == primary(&wanted))
            })
            .copied()
    })
}

/// The language ranges of `preferred`, lower-case with `-` between subtags, most preferred first
/// (by `q`, then in the order written); `*` and ranges with `q=0` are left out.
fn preference_order(preferred: &str) -> Vec<String> {
    let mut ranges: Vec<(u16, String)> = preferred
        .split(',')
        .filter_map(|range| {
            let mut parts = range.split(';');
            let tag = parts.next()?.trim().replace('_', "-").to_ascii_lowercase();
            let weight = parts
                .filter_map(|p| p.trim().strip_prefix("q="))
                .find_map(|q| q.trim().parse::<f32>().ok())
                .unwrap_or(1.0);
            let weight = (weight.clamp(0.0, 1.0) * 1000.0).round() as u16;
            (!tag.is_empty() && tag != "*" && weight > 0).then_some((weight, tag))
        })
        .collect();
    ranges.sort_by_key(|(weight, _)| std::cmp::Reverse(*weight));
    ranges.into_iter().map(|(_, tag)| tag).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const QUIZ: &str = "# Pool {ask=1}\n\n## Q1?\n\n- [x] A\n- [ ] B\n\n> Why.\n\n## Q2?\n\n- [ ] A\n- [x] B\n\n> Why.\n";

    fn original() -> CourseBody {
        CourseBody::Lessons {
            lessons: vec![Document {
                file: "01-intro.md".into(),
                title: "Intro".into(),
                markdown: "# Intro\n".into(),
            }],
            quiz: parse_quiz(QUIZ).unwrap(),
        }
    }

    fn messages(files: &[(&str, &str)]) -> Vec<String> {
        parse_translation("de", files, &original(), false, &BTreeSet::new())
            .unwrap_err()
            .iter()
            .map(ToString::to_string)
            .collect()
    }

    const META: &str = "title = \"Einführung\"\nsummary = \"Kurz.\"\n";

    #[test]
    fn a_complete_translation_parses() {
        let quiz = QUIZ.replace("Why.", "Weil.").replace("Pool", "Gruppe");
        let parsed = parse_translation(
            "de",
            &[
                (TRANSLATION_FILE, META),
                ("01-intro.md", "# Einführung\n\nText.\n"),
                ("quiz.md", &quiz),
            ],
            &original(),
            false,
            &BTreeSet::new(),
        )
        .unwrap();
        assert_eq!(parsed.title, "Einführung");
        let CourseBody::Lessons { lessons, .. } = parsed.body else {
            panic!("a course")
        };
        assert_eq!(lessons[0].title, "Einführung");
    }

    #[test]
    fn missing_files_and_a_different_quiz_are_named() {
        let swapped = QUIZ.replacen("- [x] A\n- [ ] B", "- [ ] A\n- [x] B", 1);
        let found = messages(&[(TRANSLATION_FILE, META), ("quiz.md", &swapped)]);
        assert!(
            found
                .iter()
                .any(|m| m.starts_with("translations/de/01-intro.md: missing")),
            "{found:?}"
        );
        assert!(
            found
                .iter()
                .any(|m| m.starts_with("translations/de/quiz.md:3: question 1 of pool 1 differs")),
            "{found:?}"
        );
        let found = messages(&[
            ("01-intro.md", "# E\n"),
            ("quiz.md", QUIZ),
            ("notes.md", "x"),
        ]);
        assert!(
            found
                .iter()
                .any(|m| m.contains("translation.toml: missing")),
            "{found:?}"
        );
        assert!(
            found
                .iter()
                .any(|m| m.starts_with("translations/de/notes.md: not a file")),
            "{found:?}"
        );
    }

    #[test]
    fn the_closest_language_is_chosen() {
        assert_eq!(best_match("de-AT", ["de", "fr"]), Some("de"));
        assert_eq!(best_match("DE", ["de-DE"]), Some("de-DE"));
        assert_eq!(best_match("pt-BR", ["pt-PT", "pt-BR"]), Some("pt-BR"));
        assert_eq!(best_match("es", ["de"]), None);
        assert_eq!(best_match("", ["de"]), None);
    }

    #[test]
    fn a_directory_preference_list_is_taken_in_its_order() {
        // As SCIM's preferredLanguage may carry it (the form of HTTP Accept-Language).
        let offered = ["en", "fr", "de"];
        assert_eq!(best_match("es-ES, fr;q=0.8, de;q=0.9", offered), Some("de"));
        assert_eq!(best_match("es, it", offered), None);
        assert_eq!(best_match("es, fr", offered), Some("fr"));
        assert_eq!(best_match("de_CH", offered), Some("de"), "underscore form");
        assert_eq!(best_match("de;q=0, fr", offered), Some("fr"), "q=0 refuses");
        assert_eq!(best_match("*", offered), None, "no preference");
        assert_eq!(
            best_match("0f3c9e2a-77d1-4b", offered),
            None,
            "not a language"
        );
    }
}
