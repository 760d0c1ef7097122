//! Question analytics behind `api::content::question_stats`.

use sea_orm::DatabaseConnection;

use super::cpu::off_the_runtime;
use crate::domain::question_stats::{AttemptAnswers, percent, question_stats};
use crate::domain::quiz_attempt::StoredAnswers;
use crate::dto::question_stats::{LanguageFigure, QuestionRow, QuestionStatsView};
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
    let parsed = versions
        .get(db, version.id)
        .await?
        .ok_or(AppError::NotFound(Resource::Course))?;
    let rendered = parsed.rendered.clone();
    let own_language = parsed.meta.language.clone();
    let attempts = ledger::attempt_answers(db, version.id).await?;
    // Reading every attempt's answers is CPU work proportional to the attempts: off the runtime.
    off_the_runtime(move || {
        let parsed: Vec<AttemptAnswers> = attempts
            .into_iter()
            .filter_map(|attempt| {
                let answers: StoredAnswers = serde_json::from_str(&attempt.answers_json).ok()?;
                Some(AttemptAnswers {
                    person: attempt.person_id,
                    // Attempts from before translations were in the course's own language.
                    language: attempt.language.unwrap_or_else(|| own_language.clone()),
                    answers,
                })
            })
            .collect();
        let people = parsed
            .iter()
            .map(|attempt| attempt.person)
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
                    by_language: stats
                        .by_language
                        .iter()
                        .map(|(language, asked, right)| LanguageFigure {
                            language: language.clone(),
                            asked: *asked,
                            percent_right: percent(*right, *asked),
                        })
                        .collect(),
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
