//! Taking a quiz: drawing questions for an attempt, scoring the answers, and when a retake is
//! allowed. The drawn order is stored with the attempt, so reloading shows the same quiz.

use std::collections::BTreeSet;

use chrono::{DateTime, Duration, Utc};
use rand::Rng;
use rand::seq::SliceRandom;
use serde::{Deserialize, Serialize};

use super::content::course::RenderedCourse;
use super::content::metadata::QuizSettings;

/// One question as drawn for an attempt: which question, and the order of its options.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DrawnQuestion {
    pub pool: usize,
    pub question: usize,
    /// Option indexes in the order shown.
    pub options: Vec<usize>,
}

/// Draws `ask` questions from each pool (all when unset), then shuffles questions and options
/// as the course's settings say.
pub fn draw(
    quiz: &RenderedCourse,
    settings: &QuizSettings,
    rng: &mut impl Rng,
) -> Vec<DrawnQuestion> {
    let mut drawn = Vec::new();
    for (pool_index, pool) in quiz.pools.iter().enumerate() {
        let mut indexes: Vec<usize> = (0..pool.questions.len()).collect();
        let ask = pool.ask.unwrap_or(indexes.len()).min(indexes.len());
        if ask < indexes.len() {
            indexes.shuffle(rng);
            indexes.truncate(ask);
            // Keep the author's order within the pool unless questions are shuffled below.
            indexes.sort_unstable();
        }
        for question_index in indexes {
            let question = &pool.questions[question_index];
            let mut options: Vec<usize> = (0..question.options.len()).collect();
            if settings.shuffle_options && !question.keep_order {
                options.shuffle(rng);
            }
            drawn.push(DrawnQuestion {
                pool: pool_index,
                question: question_index,
                options,
            });
        }
    }
    if settings.shuffle_questions {
        drawn.shuffle(rng);
    }
    drawn
}

/// What a ledger record keeps of an attempt: which questions were asked, in what order, and
/// which options were chosen (option indexes as written, per question in asked order).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredAnswers {
    pub questions: Vec<DrawnQuestion>,
    pub chosen: Vec<BTreeSet<usize>>,
}

/// The outcome of one question.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuestionResult {
    pub chosen: BTreeSet<usize>,
    pub correct: BTreeSet<usize>,
    pub right: bool,
}

/// The outcome of an attempt.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Score {
    pub right: usize,
    pub asked: usize,
    /// Whole percent, rounded down.
    pub percent: u32,
    pub passed: bool,
    pub questions: Vec<QuestionResult>,
}

/// Scores `answers` (chosen option indexes per drawn question, in drawn order) against the
/// pass mark. A question is right only when exactly the correct options were chosen; options
/// that are not in the question are ignored.
pub fn score(
    quiz: &RenderedCourse,
    drawn: &[DrawnQuestion],
    answers: &[BTreeSet<usize>],
    pass_mark: u32,
) -> Score {
    let questions: Vec<QuestionResult> = drawn
        .iter()
        .enumerate()
        .map(|(index, drawn)| {
            let options = quiz
                .pools
                .get(drawn.pool)
                .and_then(|p| p.questions.get(drawn.question))
                .map(|q| q.options.as_slice())
                .unwrap_or_default();
            let correct: BTreeSet<usize> = options
                .iter()
                .enumerate()
                .filter(|(_, o)| o.correct)
                .map(|(i, _)| i)
                .collect();
            let chosen: BTreeSet<usize> = answers
                .get(index)
                .map(|set| set.iter().copied().filter(|i| *i < options.len()).collect())
                .unwrap_or_default();
            QuestionResult {
                right: !correct.is_empty() && chosen == correct,
                chosen,
                correct,
            }
        })
        .collect();
    let right = questions.iter().filter(|q| q.right).count();
    let asked = questions.len();
    let percent = (right * 100)
        .checked_div(asked)
        .and_then(|p| u32::try_from(p).ok())
        .unwrap_or(0);
    // Compare without rounding: right / asked >= pass_mark / 100.
    let passed = asked > 0 && (right as u64) * 100 >= u64::from(pass_mark) * asked as u64;
    Score {
        right,
        asked,
        percent,
        passed,
        questions,
    }
}

/// Whether another attempt may start now. After `max_attempts` failures in a row (since the last
/// pass), the learner waits `cooldown_hours` from the last failure; then the count starts again.
pub fn next_attempt_allowed(
    results_oldest_first: &[(DateTime<Utc>, bool)],
    settings: &QuizSettings,
    now: DateTime<Utc>,
) -> Result<(), DateTime<Utc>> {
    let max = settings.max_attempts.max(1) as usize;
    let since_pass: Vec<DateTime<Utc>> = results_oldest_first
        .iter()
        .rev()
        .take_while(|(_, passed)| !passed)
        .map(|(at, _)| *at)
        .collect();
    // Failures that fall in the current round of `max`.
    let in_round = since_pass.len() % max;
    if since_pass.is_empty() || in_round != 0 {
        return Ok(());
    }
    let last_failure = since_pass[0];
    let until = last_failure + Duration::hours(i64::from(settings.cooldown_hours));
    if now >= until { Ok(()) } else { Err(until) }
}

#[cfg(test)]
mod tests {
    use rand::SeedableRng;
    use rand::rngs::StdRng;

    use super::*;
    use crate::domain::content::course::{RenderedOption, RenderedPool, RenderedQuestion};

    fn question(correct: &[usize], options: usize, keep_order: bool) -> RenderedQuestion {
        RenderedQuestion {
            prompt: "Q".into(),
            body_html: String::new(),
            options: (0..options)
                .map(|i| RenderedOption {
                    html: format!("o{i}"),
                    correct: correct.contains(&i),
                })
                .collect(),
            multiple: correct.len() > 1,
            keep_order,
            explanation_html: String::new(),
        }
    }

    fn quiz() -> RenderedCourse {
        RenderedCourse {
            pools: vec![
                RenderedPool {
                    ask: None,
                    questions: vec![question(&[1], 3, false), question(&[0, 2], 4, false)],
                },
                RenderedPool {
                    ask: Some(2),
                    questions: (0..5).map(|_| question(&[0], 3, false)).collect(),
                },
                RenderedPool {
                    ask: None,
                    questions: vec![question(&[3], 4, true)],
                },
            ],
            ..Default::default()
        }
    }

    fn settings(shuffle: bool) -> QuizSettings {
        QuizSettings {
            shuffle_questions: shuffle,
            shuffle_options: shuffle,
            max_attempts: 3,
            cooldown_hours: 24,
            ..QuizSettings::default()
        }
    }

    #[test]
    fn pools_give_their_share_of_questions() {
        let drawn = draw(&quiz(), &settings(true), &mut StdRng::seed_from_u64(7));
        assert_eq!(drawn.len(), 2 + 2 + 1);
        assert_eq!(drawn.iter().filter(|d| d.pool == 1).count(), 2);
        let mut from_pool_one: Vec<_> = drawn
            .iter()
            .filter(|d| d.pool == 1)
            .map(|d| d.question)
            .collect();
        from_pool_one.dedup();
        assert_eq!(from_pool_one.len(), 2, "no question twice");
    }

    #[test]
    fn without_shuffling_the_written_order_is_kept() {
        let drawn = draw(&quiz(), &settings(false), &mut StdRng::seed_from_u64(7));
        assert_eq!(
            drawn[0],
            DrawnQuestion {
                pool: 0,
                question: 0,
                options: vec![0, 1, 2]
            }
        );
        assert_eq!(drawn[1].options, vec![0, 1, 2, 3]);
    }

    #[test]
    fn keep_order_questions_are_never_shuffled_and_draws_vary_by_seed() {
        let mut orders = std::collections::HashSet::new();
        for seed in 0..40 {
            let drawn = draw(&quiz(), &settings(true), &mut StdRng::seed_from_u64(seed));
            let fixed = drawn.iter().find(|d| d.pool == 2).unwrap();
            assert_eq!(fixed.options, vec![0, 1, 2, 3]);
            orders.insert(
                drawn
                    .iter()
                    .map(|d| (d.pool, d.question))
                    .collect::<Vec<_>>(),
            );
        }
        assert!(orders.len() > 10, "different attempts see different draws");
    }

    #[test]
    fn only_exactly_the_correct_options_score() {
        let quiz = quiz();
        let drawn = draw(&quiz, &settings(false), &mut StdRng::seed_from_u64(1));
        let set = |items: &[usize]| items.iter().copied().collect::<BTreeSet<_>>();
        let mut answers = vec![set(&[1]), set(&[0, 2]), set(&[0]), set(&[0]), set(&[3])];
        let all_right = score(&quiz, &drawn, &answers, 80);
        assert_eq!(
            (
                all_right.right,
                all_right.asked,
                all_right.percent,
                all_right.passed
            ),
            (5, 5, 100, true)
        );

        answers[1] = set(&[0]);
        let partial = score(&quiz, &drawn, &answers, 80);
        assert!(
            !partial.questions[1].right,
            "half of a multiple-choice answer is wrong"
        );
        assert_eq!(
            (partial.percent, partial.passed),
            (80, true),
            "4 of 5 meets 80%"
        );

        answers[1] = set(&[0, 1, 2]);
        answers[0] = set(&[]);
        let failed = score(&quiz, &drawn, &answers, 80);
        assert_eq!(
            (failed.right, failed.percent, failed.passed),
            (3, 60, false)
        );
    }

    #[test]
    fn the_pass_mark_is_compared_without_rounding() {
        let quiz = RenderedCourse {
            pools: vec![RenderedPool {
                ask: None,
                questions: (0..3).map(|_| question(&[0], 2, false)).collect(),
            }],
            ..Default::default()
        };
        let drawn = draw(&quiz, &settings(false), &mut StdRng::seed_from_u64(1));
        let one = BTreeSet::from([0]);
        let two_of_three = score(&quiz, &drawn, &[one.clone(), one, BTreeSet::from([1])], 67);
        assert_eq!(two_of_three.percent, 66);
        assert!(!two_of_three.passed, "66.7% is below 67%");
    }

    #[test]
    fn missing_answers_and_bogus_option_numbers_are_wrong() {
        let quiz = quiz();
        let drawn = draw(&quiz, &settings(false), &mut StdRng::seed_from_u64(1));
        let result = score(&quiz, &drawn, &[BTreeSet::from([1, 99])], 50);
        assert!(
            result.questions[0].right,
            "out-of-range options are ignored"
        );
        assert_eq!(result.right, 1);
        assert!(!result.passed);
    }

    #[test]
    fn retakes_are_limited_then_cool_down() {
        let at =
            |hours: i64| DateTime::<Utc>::from_timestamp(1_800_000_000 + hours * 3600, 0).unwrap();
        let settings = settings(true);
        let fail = |h| (at(h), false);
        assert_eq!(next_attempt_allowed(&[], &settings, at(0)), Ok(()));
        assert_eq!(
            next_attempt_allowed(&[fail(0), fail(1)], &settings, at(2)),
            Ok(())
        );
        assert_eq!(
            next_attempt_allowed(&[fail(0), fail(1), fail(2)], &settings, at(3)),
            Err(at(26))
        );
        assert_eq!(
            next_attempt_allowed(&[fail(0), fail(1), fail(2)], &settings, at(26)),
            Ok(())
        );
        assert_eq!(
            next_attempt_allowed(&[fail(0), fail(1), fail(2), fail(27)], &settings, at(28)),
            Ok(()),
            "a new round"
        );
        let after_pass = [fail(0), fail(1), fail(2), (at(30), true), fail(40)];
        assert_eq!(
            next_attempt_allowed(&after_pass, &settings, at(41)),
            Ok(()),
            "a pass resets the count"
        );
    }
}
