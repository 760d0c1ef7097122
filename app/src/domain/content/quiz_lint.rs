//! Warnings about quizzes that can be passed by test-wiseness rather than understanding:
//! the correct option is usually the longest, "all/none of the above" moved by shuffling,
//! negated stems ("which should you NOT do"), and the same option offered in several questions.
//! They do not stop a course from publishing; `vigil content check` lists them with file:line.
//! The wording checks know English and German, the languages of the shipped courses and their
//! translations.

use std::collections::HashMap;

use super::markdown::plain_text;
use super::problem::Problem;
use super::quiz::{Question, Quiz};

const FILE: &str = "quiz.md";
/// Fewest single-answer questions for the "longest is right" pattern to mean anything.
const LONGEST_MIN_QUESTIONS: usize = 3;
/// Options this short ("Yes", "Report it") may repeat across questions without giving anything away.
const REPEAT_MIN_WORDS: usize = 4;
/// Words that make a stem negated, in English and German.
const NEGATIONS: [&str; 12] = [
    "not",
    "except",
    "isn't",
    "shouldn't",
    "don't",
    "nicht",
    "kein",
    "keine",
    "keinen",
    "keiner",
    "außer",
    "ausser",
];
/// "All/none of the above" and its German forms ("alle genannten", "keine der oben genannten").
const ABOVE_OPTIONS: [&str; 3] = ["of the above", "genannten", "obigen"];

/// Every warning for a quiz, in line order.
pub fn warnings(quiz: &Quiz) -> Vec<Problem> {
    let questions: Vec<&Question> = quiz.questions().collect();
    let mut found = Vec::new();
    found.extend(longest_is_correct(&questions));
    for question in &questions {
        found.extend(above_options_moved(question));
        found.extend(negated_stem(question));
    }
    found.extend(repeated_options(&questions));
    found.sort_by_key(|p| p.line);
    found
}

fn option_texts(question: &Question) -> Vec<String> {
    question
        .options
        .iter()
        .map(|o| plain_text(&o.markdown).trim().to_owned())
        .collect()
}

/// The correct option is strictly the longest in most single-answer questions.
fn longest_is_correct(questions: &[&Question]) -> Option<Problem> {
    let single: Vec<&&Question> = questions
        .iter()
        .filter(|q| !q.multiple && q.options.len() >= 2)
        .collect();
    if single.len() < LONGEST_MIN_QUESTIONS {
        return None;
    }
    let leaking: Vec<usize> = single
        .iter()
        .filter(|question| {
            let lengths: Vec<usize> = option_texts(question)
                .iter()
                .map(|t| t.chars().count())
                .collect();
            let Some(right) = question.options.iter().position(|o| o.correct) else {
                return false;
            };
            lengths
                .iter()
                .enumerate()
                .all(|(i, len)| i == right || *len < lengths[right])
        })
        .map(|question| question.line)
        .collect();
    (leaking.len() * 2 > single.len()).then(|| {
        Problem::at(
            FILE,
            leaking[0],
            format!(
                "the correct option is the longest in {} of {} single-answer questions (lines {}); write distractors of similar length, or learners pick the longest and pass",
                leaking.len(),
                single.len(),
                leaking.iter().map(usize::to_string).collect::<Vec<_>>().join(", ")
            ),
        )
    })
}

/// "All of the above" / "None of the above" without `{.keep-order}`: shuffling moves it.
fn above_options_moved(question: &Question) -> Option<Problem> {
    if question.keep_order {
        return None;
    }
    option_texts(question)
        .iter()
        .map(|t| t.to_lowercase())
        .find(|t| ABOVE_OPTIONS.iter().any(|above| t.contains(above)))
        .map(|text| {
            Problem::at(
                FILE,
                question.line,
                format!("the option \"{text}\" needs {{.keep-order}} on the question (shuffling moves it), and such options are easy to guess; prefer a plausible distractor"),
            )
        })
}

/// A stem asking which is *not* right, or which is the exception. Only the question itself (the
/// prompt's last sentence) counts: a scenario may well say what someone did not do.
fn negated_stem(question: &Question) -> Option<Problem> {
    let prompt = question.prompt.to_lowercase();
    let asked = prompt
        .split(['.', '!', '?'])
        .map(str::trim)
        .rfind(|sentence| !sentence.is_empty())?;
    let negation = asked
        .split(|c: char| !c.is_alphanumeric() && c != '\'')
        .find(|word| NEGATIONS.contains(word))?;
    Some(Problem::at(
        FILE,
        question.line,
        format!(
            "the question is negated (\"{negation}\"): learners misread negated stems; ask for the right action instead"
        ),
    ))
}

/// The same option (four words or more) offered in more than one question.
fn repeated_options(questions: &[&Question]) -> Vec<Problem> {
    let mut first_seen: HashMap<String, usize> = HashMap::new();
    let mut found = Vec::new();
    for question in questions {
        for text in option_texts(question) {
            if text.split_whitespace().count() < REPEAT_MIN_WORDS {
                continue;
            }
            let key = text.to_lowercase();
            match first_seen.get(&key) {
                Some(&line) if line != question.line => found.push(Problem::at(
                    FILE,
                    question.line,
                    format!("the option \"{text}\" is also offered in the question at line {line}; a repeated option hints at the answer"),
                )),
                Some(_) => {}
                None => {
                    first_seen.insert(key, question.line);
                }
            }
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::content::quiz::{Pool, QuizOption};

    fn question(line: usize, prompt: &str, options: &[(&str, bool)]) -> Question {
        Question {
            prompt: prompt.to_owned(),
            body: String::new(),
            options: options
                .iter()
                .map(|(text, correct)| QuizOption {
                    markdown: (*text).to_owned(),
                    correct: *correct,
                })
                .collect(),
            multiple: false,
            keep_order: false,
            explanation: String::new(),
            line,
        }
    }

    fn quiz(questions: Vec<Question>) -> Quiz {
        Quiz {
            pools: vec![Pool {
                title: None,
                ask: None,
                questions,
            }],
        }
    }

    fn messages(quiz: &Quiz) -> Vec<String> {
        warnings(quiz).iter().map(ToString::to_string).collect()
    }

    #[test]
    fn the_longest_option_being_right_in_most_questions_is_reported_once() {
        let leaking = quiz(vec![
            question(
                3,
                "Q1",
                &[("Short", false), ("The much longer right answer", true)],
            ),
            question(
                9,
                "Q2",
                &[
                    ("The long and detailed right answer", true),
                    ("Nope", false),
                ],
            ),
            question(
                15,
                "Q3",
                &[("Right", true), ("A long wrong answer here", false)],
            ),
        ]);
        let found = messages(&leaking);
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(
            found[0].starts_with("quiz.md:3: the correct option is the longest in 2 of 3"),
            "{found:?}"
        );
        let balanced = quiz(vec![
            question(3, "Q1", &[("Lock it", true), ("Leave it open", false)]),
            question(9, "Q2", &[("Forward it", false), ("Report it now", true)]),
            question(
                15,
                "Q3",
                &[("Call them back", true), ("Reply by email", false)],
            ),
        ]);
        assert_eq!(messages(&balanced), Vec::<String>::new());
    }

    #[test]
    fn above_options_negations_and_repeats_are_named_by_line() {
        let mut kept = question(
            20,
            "What helps?",
            &[("Locks", false), ("All of the above", true)],
        );
        kept.keep_order = true;
        let found = messages(&quiz(vec![
            question(
                4,
                "What helps?",
                &[("Locks", false), ("None of the above", true)],
            ),
            question(
                10,
                "Which should you NOT do?",
                &[("Report the phishing email", true), ("Delete it", false)],
            ),
            question(
                16,
                "What next?",
                &[("Report the phishing email", true), ("Wait", false)],
            ),
            kept,
        ]));
        assert!(
            found.iter().any(|f| f
                .starts_with("quiz.md:4: the option \"none of the above\" needs {.keep-order}")),
            "{found:?}"
        );
        assert!(
            found
                .iter()
                .any(|f| f.starts_with("quiz.md:10: the question is negated (\"not\")")),
            "{found:?}"
        );
        assert!(found.iter().any(|f| f.starts_with("quiz.md:16: the option \"Report the phishing email\" is also offered in the question at line 10")), "{found:?}");
        assert!(
            !found.iter().any(|f| f.starts_with("quiz.md:20")),
            "keep-order silences it: {found:?}"
        );
    }

    #[test]
    fn german_negated_stems_and_above_options_are_named_too() {
        let found = messages(&quiz(vec![
            question(
                4,
                "Was sollten Sie auf keinen Fall tun?",
                &[("Den Link öffnen", true), ("Die Mail melden", false)],
            ),
            question(
                10,
                "Welche Angabe gehört NICHT in ein Ticket?",
                &[("Das Passwort", true), ("Die Uhrzeit", false)],
            ),
            question(
                16,
                "Was hilft?",
                &[("Sperren", false), ("Alle genannten", true)],
            ),
            question(
                22,
                "Die Anruferin nennt ihren Namen nicht. Was melden Sie zuerst?",
                &[("Den Anruf", true), ("Die Notiz", false)],
            ),
        ]));
        let lines: Vec<&str> = found
            .iter()
            .map(|f| f.split(": ").next().unwrap_or_default())
            .collect();
        assert_eq!(
            lines,
            ["quiz.md:4", "quiz.md:10", "quiz.md:16"],
            "a question without negation is left alone, whatever its scenario says: {found:?}"
        );
        assert!(found[1].contains("(\"nicht\")"), "{found:?}");
        assert!(
            found[2].contains("\"alle genannten\" needs {.keep-order}"),
            "{found:?}"
        );
    }
}
