//! Question analytics for compliance administrators: for each question of a version, how often
//! people answer it right on their first attempt, and which wrong option they choose most, so
//! that weak questions and real misunderstandings show up.

use std::collections::{BTreeMap, HashSet};

use super::content::course::RenderedCourse;
use super::quiz_attempt::StoredAnswers;

/// One question's figures.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct QuestionStats {
    pub pool: usize,
    pub question: usize,
    /// First attempts that asked it.
    pub asked: usize,
    /// Of those, answered exactly right.
    pub right: usize,
    /// Wrong options chosen on first attempts: (option index, times), most chosen first.
    pub wrong_choices: Vec<(usize, usize)>,
    /// The same first attempts by the language they were taken in: (language, asked, right),
    /// by language. A translation answered wrongly far more often than the course's own
    /// language points at the translation.
    pub by_language: Vec<(String, usize, usize)>,
}

impl QuestionStats {
    /// Whole percent right first time (`None` before anyone was asked).
    pub fn percent_right(&self) -> Option<u32> {
        percent(self.right, self.asked)
    }
}

/// Whole percent `right` of `asked` (`None` when nobody was asked).
pub fn percent(right: usize, asked: usize) -> Option<u32> {
    (right * 100)
        .checked_div(asked)
        .and_then(|p| u32::try_from(p).ok())
}

/// Counts for one question while attempts are read.
#[derive(Default)]
struct Tally {
    asked: usize,
    right: usize,
    /// Times each wrong option was chosen.
    wrong: BTreeMap<usize, usize>,
    /// (asked, right) by language.
    by_language: BTreeMap<String, (usize, usize)>,
}

/// One attempt as the figures read it.
pub struct AttemptAnswers {
    pub person: i64,
    /// The language it was taken in.
    pub language: String,
    pub answers: StoredAnswers,
}

/// Figures for every question of `quiz` from attempts given oldest first: only each person's
/// first attempt counts, so retakes after seeing the answers do not flatter a question.
/// Questions are in pool and question order; those never asked have zero counts. (Translations
/// have the same questions and options in the same order, so every language counts together.)
pub fn question_stats(
    quiz: &RenderedCourse,
    attempts_oldest_first: impl IntoIterator<Item = AttemptAnswers>,
) -> Vec<QuestionStats> {
    let mut stats: BTreeMap<(usize, usize), Tally> = quiz
        .pools
        .iter()
        .enumerate()
        .flat_map(|(p, pool)| (0..pool.questions.len()).map(move |q| ((p, q), Default::default())))
        .collect();
    let mut seen = HashSet::new();
    for AttemptAnswers {
        person,
        language,
        answers,
    } in attempts_oldest_first
    {
        if !seen.insert(person) {
            continue;
        }
        for (index, drawn) in answers.questions.iter().enumerate() {
            let Some(question) = quiz
                .pools
                .get(drawn.pool)
                .and_then(|pool| pool.questions.get(drawn.question))
            else {
                continue;
            };
            let Some(tally) = stats.get_mut(&(drawn.pool, drawn.question)) else {
                continue;
            };
            let chosen = answers.chosen.get(index).cloned().unwrap_or_default();
            let correct: Vec<usize> = question
                .options
                .iter()
                .enumerate()
                .filter(|(_, o)| o.correct)
                .map(|(i, _)| i)
                .collect();
            let right = !correct.is_empty() && chosen.iter().copied().eq(correct.iter().copied());
            tally.asked += 1;
            tally.right += usize::from(right);
            let in_language = tally.by_language.entry(language.clone()).or_default();
            in_language.0 += 1;
            in_language.1 += usize::from(right);
            for option in chosen {
                if option < question.options.len() && !question.options[option].correct {
                    *tally.wrong.entry(option).or_default() += 1;
                }
            }
        }
    }
    stats
        .into_iter()
        .map(|((pool, question), tally)| {
            let mut wrong_choices: Vec<(usize, usize)> = tally.wrong.into_iter().collect();
            wrong_choices.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
            QuestionStats {
                pool,
                question,
                asked: tally.asked,
                right: tally.right,
                wrong_choices,
                by_language: tally
                    .by_language
                    .into_iter()
                    .map(|(language, (asked, right))| (language, asked, right))
                    .collect(),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;
    use crate::domain::content::course::{RenderedOption, RenderedPool, RenderedQuestion};
    use crate::domain::quiz_attempt::DrawnQuestion;

    fn question(correct: &[bool]) -> RenderedQuestion {
        RenderedQuestion {
            prompt: "Q".into(),
            body_html: String::new(),
            options: correct
                .iter()
                .map(|c| RenderedOption {
                    html: "o".into(),
                    correct: *c,
                })
                .collect(),
            multiple: correct.iter().filter(|c| **c).count() > 1,
            keep_order: false,
            explanation_html: String::new(),
        }
    }

    fn answers(person: i64, picks: &[(usize, &[usize])]) -> AttemptAnswers {
        taken_in(person, "en", picks)
    }

    fn taken_in(person: i64, language: &str, picks: &[(usize, &[usize])]) -> AttemptAnswers {
        let answers = StoredAnswers {
            questions: picks
                .iter()
                .map(|(q, _)| DrawnQuestion {
                    pool: 0,
                    question: *q,
                    options: vec![0, 1, 2],
                })
                .collect(),
            chosen: picks
                .iter()
                .map(|(_, c)| c.iter().copied().collect::<BTreeSet<usize>>())
                .collect(),
        };
        AttemptAnswers {
            person,
            language: language.to_owned(),
            answers,
        }
    }

    #[test]
    fn first_attempts_only_with_the_most_chosen_wrong_option_first() {
        let quiz = RenderedCourse {
            pools: vec![RenderedPool {
                ask: Some(1),
                questions: vec![
                    question(&[true, false, false]),
                    question(&[true, true, false]),
                    question(&[false, true, false]),
                ],
            }],
            ..Default::default()
        };
        let stats = question_stats(
            &quiz,
            vec![
                answers(1, &[(0, &[2]), (1, &[0, 1])]),
                answers(2, &[(0, &[2]), (1, &[0, 2])]),
                answers(3, &[(0, &[1]), (1, &[0])]),
                answers(4, &[(0, &[0])]),
                // Person 1's retake, right this time: not counted.
                answers(1, &[(0, &[0]), (1, &[0, 1])]),
            ],
        );
        assert_eq!(stats.len(), 3);
        assert_eq!((stats[0].asked, stats[0].right), (4, 1));
        assert_eq!(stats[0].percent_right(), Some(25));
        assert_eq!(stats[0].wrong_choices, [(2, 2), (1, 1)]);
        // A multiple-answer question is right only with exactly the right options.
        assert_eq!((stats[1].asked, stats[1].right), (3, 1));
        assert_eq!(stats[1].wrong_choices, [(2, 1)]);
        // Never asked.
        assert_eq!((stats[2].asked, stats[2].percent_right()), (0, None));
        assert!(stats[2].by_language.is_empty());
    }

    #[test]
    fn each_language_is_counted_apart_as_well_as_together() {
        let quiz = RenderedCourse {
            pools: vec![RenderedPool {
                ask: Some(1),
                questions: vec![question(&[true, false])],
            }],
            ..Default::default()
        };
        let stats = question_stats(
            &quiz,
            vec![
                taken_in(1, "en", &[(0, &[0])]),
                taken_in(2, "en", &[(0, &[0])]),
                taken_in(3, "de", &[(0, &[1])]),
                taken_in(4, "de", &[(0, &[0])]),
                taken_in(5, "de", &[(0, &[1])]),
                // A retake in the other language is still not a first attempt.
                taken_in(3, "en", &[(0, &[0])]),
            ],
        );
        assert_eq!((stats[0].asked, stats[0].right), (5, 3));
        assert_eq!(
            stats[0].by_language,
            [("de".to_owned(), 3, 1), ("en".to_owned(), 2, 2)]
        );
    }
}
