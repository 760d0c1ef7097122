//! Question analytics behind `api::content::question_stats`.

use sea_orm::DatabaseConnection;

use super::cpu::off_the_runtime;
use crate::domain::question_stats::question_stats;
use crate::domain::quiz_attempt::StoredAnswers;
use crate::dto::question_stats::{QuestionRow, QuestionStatsView};
use crate::error::{AppError, Resource};
use crate::ssr::db::{courses, ledger};
use crate::ssr::training::versions::VersionCache;

/// Each question of a version with its first-attempt figures, weakest first (questions nobody
/// was asked yet last).
pub async fn view(
    db: &DatabaseConnection,
    versions: &VersionCache,
    slug: &str,
    number: i32,
) -> Result<QuestionStatsView, AppError> {
    let course = courses::find_by_slug(db, slug)
        .await?
        .ok_or(AppError::NotFound(Resource::Course))?;
    let version = courses::version_summary(db, course.id, number)
        .await?
        .ok_or(AppError::NotFound(Resource::Course))?;
    let rendered = versions
        .get(db, version.id)
        .await?
        .ok_or(AppError::NotFound(Resource::Course))?
        .rendered
        .clone();
    let attempts = ledger::attempt_answers(db, version.id).await?;
    // Reading every attempt's answers is CPU work proportional to the attempts: off the runtime.
    off_the_runtime(move || {
        let parsed: Vec<(i64, StoredAnswers)> = attempts
            .into_iter()
            .filter_map(|(person, json)| {
                serde_json::from_str(&json)
                    .ok()
                    .map(|answers| (person, answers))
            })
            .collect();
        let people = parsed
            .iter()
            .map(|(person, _)| *person)
            .collect::<std::collections::HashSet<_>>()
            .len();
        let mut questions: Vec<QuestionRow> = question_stats(&rendered, parsed)
            .into_iter()
            .filter_map(|stats| {
                let question = rendered
                    .pools
                    .get(stats.pool)?
                    .questions
                    .get(stats.question)?;
                Some(QuestionRow {
                    pool: stats.pool + 1,
                    prompt: question.prompt.clone(),
                    asked: stats.asked,
                    percent_right: stats.percent_right(),
                    top_wrong: stats.wrong_choices.first().and_then(|(option, times)| {
                        question
                            .options
                            .get(*option)
                            .map(|o| (o.html.clone(), *times))
                    }),
                })
            })
            .collect();
        questions.sort_by_key(|q| (q.percent_right.is_none(), q.percent_right));
        QuestionStatsView {
            slug: course.slug,
            title: version.title,
            version: number,
            people,
            questions,
        }
    })
    .await
}
