//! Quiz attempts: starting (within the retake limit), showing, submitting and reviewing.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Utc};
use rand::SeedableRng;
use rand::rngs::StdRng;
use sea_orm::DatabaseConnection;

use super::engine::{EngineLock, recompute_person};
use super::group_commit::{Check, LearnerWrite};
use super::learner::{assigned, course_version, history};
use super::versions::VersionCache;
use crate::domain::course_kind::CourseKind;
use crate::domain::ledger::RecordKind;
use crate::domain::quiz_attempt::{DrawnQuestion, draw, score};
use crate::dto::training::{AttemptResult, QuizQuestion, QuizView, ResultOption, ResultQuestion};
use crate::error::{AppError, Resource, TrainingInvalid};
use crate::ssr::auth::CurrentUser;
use crate::ssr::db::entities::quiz_attempt;
use crate::ssr::db::ledger::{NewRecord, by_sequence};
use crate::ssr::db::{courses, lock, training};
use crate::ssr::internal;

use crate::domain::quiz_attempt::StoredAnswers;

fn wait_minutes(until: DateTime<Utc>, now: DateTime<Utc>) -> u64 {
    u64::try_from((until - now).num_minutes())
        .unwrap_or(0)
        .max(1)
}

/// Starts an attempt at the current version, or resumes the open one. Returns its id.
pub async fn start(
    db: &DatabaseConnection,
    versions: &VersionCache,
    engine: &EngineLock,
    user: &CurrentUser,
    slug: &str,
    now: DateTime<Utc>,
) -> Result<i64, AppError> {
    let (context, _) = assigned(db, versions, user, slug).await?;
    if context.meta.kind != CourseKind::Course || context.rendered.pools.is_empty() {
        return Err(TrainingInvalid::NoQuiz.into());
    }
    let drawn = draw(
        &context.rendered,
        &context.meta.quiz,
        &mut StdRng::from_entropy(),
    );
    let json =
        serde_json::to_string(&drawn).map_err(|err| internal("storing a drawn quiz", err))?;
    // Checked and started under one lock per person and course: parallel starts resume the
    // same attempt, and none gets round the cool-down. (A unique index backs this up.)
    let txn = crate::ssr::db::begin(db).await?;
    lock::exclusive(
        &txn,
        &format!("quiz:{}:{}", user.person.id, context.course.id),
    )
    .await?;
    if let Some(open) = training::open_attempt(&txn, user.person.id, context.version.id).await? {
        return Ok(open.id);
    }
    let (_, retake_after) = history(&txn, user, context.course.id, &context.meta.quiz, now).await?;
    if let Some(until) = retake_after {
        return Err(TrainingInvalid::RetakeLater(wait_minutes(until, now)).into());
    }
    let attempt = training::start_attempt(
        &txn,
        user.person.id,
        context.course.id,
        context.version.id,
        json,
        &context.language,
        now,
    )
    .await?;
    txn.commit().await?;
    recompute_person(db, engine, user.person.id).await?;
    Ok(attempt.id)
}

async fn own_attempt(
    db: &DatabaseConnection,
    user: &CurrentUser,
    attempt_id: i64,
) -> Result<quiz_attempt::Model, AppError> {
    training::attempt(db, attempt_id)
        .await?
        .filter(|a| a.person_id == user.person.id)
        .ok_or(AppError::NotFound(Resource::Attempt))
}

fn drawn_of(attempt: &quiz_attempt::Model) -> Result<Vec<DrawnQuestion>, AppError> {
    serde_json::from_str(&attempt.drawn_json).map_err(|err| internal("reading a drawn quiz", err))
}

/// An open attempt, questions in their drawn order, without answers.
pub async fn view(
    db: &DatabaseConnection,
    versions: &VersionCache,
    user: &CurrentUser,
    attempt_id: i64,
) -> Result<QuizView, AppError> {
    let attempt = own_attempt(db, user, attempt_id).await?;
    if attempt.submitted_at.is_some() {
        return Err(TrainingInvalid::AttemptSubmitted.into());
    }
    let course = courses::find_by_id(db, attempt.course_id)
        .await?
        .ok_or(AppError::NotFound(Resource::Course))?;
    // In the language the attempt started in, whatever the person has chosen since.
    let context = course_version(db, versions, course, attempt.version_id)
        .await?
        .in_language(
            attempt
                .language
                .as_deref()
                .or(user.person.language.as_deref()),
        );
    let questions = drawn_of(&attempt)?
        .iter()
        .enumerate()
        .filter_map(|(index, drawn)| {
            let question = context
                .rendered
                .pools
                .get(drawn.pool)?
                .questions
                .get(drawn.question)?;
            Some(QuizQuestion {
                number: index + 1,
                prompt: question.prompt.clone(),
                body_html: question.body_html.clone(),
                multiple: question.multiple,
                options: drawn
                    .options
                    .iter()
                    .filter_map(|o| question.options.get(*o).map(|opt| (*o, opt.html.clone())))
                    .collect(),
            })
        })
        .collect();
    Ok(QuizView {
        attempt_id,
        slug: context.course.slug.clone(),
        course_title: context.title.clone(),
        pass_mark: context.meta.pass_mark.unwrap_or(100),
        questions,
        language: context.language.clone(),
    })
}

/// Reads the form: `single["3"] = "1"` and `multiple["4"]["0"] = "yes"`, by question number.
fn chosen_options(
    count: usize,
    single: &BTreeMap<String, String>,
    multiple: &BTreeMap<String, BTreeMap<String, String>>,
) -> Vec<BTreeSet<usize>> {
    (1..=count)
        .map(|number| {
            let key = number.to_string();
            let mut set: BTreeSet<usize> = single
                .get(&key)
                .and_then(|v| v.parse().ok())
                .into_iter()
                .collect();
            if let Some(boxes) = multiple.get(&key) {
                set.extend(boxes.keys().filter_map(|k| k.parse::<usize>().ok()));
            }
            set
        })
        .collect()
}

/// A submitted quiz form: the chosen option of each single-answer question, and the ticked
/// options of each multiple-answer question, by question number.
pub struct FormAnswers<'a> {
    pub single: &'a BTreeMap<String, String>,
    pub multiple: &'a BTreeMap<String, BTreeMap<String, String>>,
}

/// Scores and records an attempt. Returns the course slug and the ledger record's sequence.
pub async fn submit(
    db: &DatabaseConnection,
    versions: &VersionCache,
    engine: &EngineLock,
    user: &CurrentUser,
    attempt_id: i64,
    form: FormAnswers<'_>,
    now: DateTime<Utc>,
) -> Result<(String, i64), AppError> {
    let attempt = own_attempt(db, user, attempt_id).await?;
    if attempt.submitted_at.is_some() {
        return Err(TrainingInvalid::AttemptSubmitted.into());
    }
    let course = courses::find_by_id(db, attempt.course_id)
        .await?
        .ok_or(AppError::NotFound(Resource::Course))?;
    // In the language the attempt started in, whatever the person has chosen since.
    let context = course_version(db, versions, course, attempt.version_id)
        .await?
        .in_language(
            attempt
                .language
                .as_deref()
                .or(user.person.language.as_deref()),
        );
    let drawn = drawn_of(&attempt)?;
    let chosen = chosen_options(drawn.len(), form.single, form.multiple);
    let pass_mark = context.meta.pass_mark.unwrap_or(100);
    let result = score(&context.rendered, &drawn, &chosen, pass_mark);

    let answers = serde_json::to_string(&StoredAnswers {
        questions: drawn,
        chosen,
    })
    .map_err(|err| internal("storing quiz answers", err))?;
    // The attempt is claimed, recorded, certified and its obligation updated in one
    // transaction (with whatever other learners' writes are waiting): a second submission of the
    // same form records nothing, and a crash leaves the attempt open, not half-done.
    let write = LearnerWrite {
        record: NewRecord {
            kind: RecordKind::Attempt,
            person_id: user.person.id,
            course_id: context.course.id,
            version_id: context.version.id,
            content_hash: context.version.content_hash.clone(),
            score: Some(i32::try_from(result.percent).unwrap_or(0)),
            passed: result.passed,
            answers: Some(answers),
            started_at: Some(attempt.started_at),
            finished_at: now,
            actor_id: None,
            reason: None,
            voids_sequence: None,
            session_id: None,
            language: Some(context.language.clone()),
        },
        check: Check::Attempt {
            attempt_id: attempt.id,
        },
        now,
    };
    let sequence = engine.learner_writes().record(db, engine, write).await?;
    Ok((context.course.slug.clone(), sequence))
}

/// A submitted attempt with the right answers and explanations.
pub async fn result(
    db: &DatabaseConnection,
    versions: &VersionCache,
    user: &CurrentUser,
    sequence: i64,
    now: DateTime<Utc>,
) -> Result<AttemptResult, AppError> {
    let record = by_sequence(db, sequence)
        .await?
        .filter(|r| r.person_id == user.person.id && r.kind == RecordKind::Attempt.as_str())
        .ok_or(AppError::NotFound(Resource::Record))?;
    let course = courses::find_by_id(db, record.course_id)
        .await?
        .ok_or(AppError::NotFound(Resource::Course))?;
    let context = course_version(db, versions, course, record.version_id)
        .await?
        .in_language(
            record
                .language
                .as_deref()
                .or(user.person.language.as_deref()),
        );
    let stored: StoredAnswers =
        serde_json::from_str(record.answers_json.as_deref().unwrap_or("{}"))
            .map_err(|err| internal("reading quiz answers", err))?;
    let scored = score(
        &context.rendered,
        &stored.questions,
        &stored.chosen,
        context.meta.pass_mark.unwrap_or(100),
    );
    let questions: Vec<ResultQuestion> = stored
        .questions
        .iter()
        .zip(&scored.questions)
        .filter_map(|(drawn, outcome)| {
            let question = context
                .rendered
                .pools
                .get(drawn.pool)?
                .questions
                .get(drawn.question)?;
            Some(ResultQuestion {
                prompt: question.prompt.clone(),
                body_html: question.body_html.clone(),
                right: outcome.right,
                options: drawn
                    .options
                    .iter()
                    .filter_map(|o| {
                        question.options.get(*o).map(|opt| ResultOption {
                            html: opt.html.clone(),
                            correct: opt.correct,
                            chosen: outcome.chosen.contains(o),
                        })
                    })
                    .collect(),
                explanation_html: question.explanation_html.clone(),
            })
        })
        .collect();
    let (_, retake_after) = history(db, user, context.course.id, &context.meta.quiz, now).await?;
    let revealed = context
        .meta
        .quiz
        .reveal_answers
        .reveals(record.passed, retake_after.is_some());
    let questions = if revealed {
        questions
    } else {
        questions
            .into_iter()
            .map(|question: ResultQuestion| ResultQuestion {
                right: false,
                explanation_html: String::new(),
                options: question
                    .options
                    .into_iter()
                    .map(|option| ResultOption {
                        correct: false,
                        ..option
                    })
                    .collect(),
                ..question
            })
            .collect()
    };
    Ok(AttemptResult {
        answers_revealed: revealed,
        sequence,
        slug: context.course.slug.clone(),
        course_title: context.title.clone(),
        version: context.version.version,
        score: record.score.unwrap_or(0),
        right: scored.right,
        asked: scored.asked,
        pass_mark: context.meta.pass_mark.unwrap_or(100),
        passed: record.passed,
        finished_at: record.finished_at,
        language: context.language.clone(),
        questions,
        certificate_code: training::certificate_of(db, sequence)
            .await?
            .map(|c| c.code),
        retake_after: if record.passed { None } else { retake_after },
    })
}
