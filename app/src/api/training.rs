//! The learner's journey: what I owe, reading, quizzes, acknowledgements, results, certificates.
//! Every function works on the signed-in person's own records only.

use std::collections::BTreeMap;

#[cfg(feature = "ssr")]
use chrono::Utc;
use leptos::prelude::*;

pub use crate::dto::training::*;
use crate::error::AppError;

/// The signed-in person's training, grouped.
#[server(prefix = "/api", endpoint = "training/mine")]
pub async fn get_my_training() -> Result<MyTraining, AppError> {
    use crate::ssr::training::learner;
    crate::ssr::request::respond(
        async {
            let (state, user) = learner::employee().await?;
            learner::my_training(&state.db, &user).await
        }
        .await,
    )
}

/// Threat bulletins the signed-in person has not acknowledged yet.
#[server(prefix = "/api", endpoint = "training/bulletins")]
pub async fn outstanding_bulletins() -> Result<Vec<BulletinNotice>, AppError> {
    use crate::ssr::training::learner;
    crate::ssr::request::respond(
        async {
            let (state, user) = match learner::employee().await {
                Ok(found) => found,
                Err(AppError::Unauthenticated) => return Ok(Vec::new()),
                Err(other) => return Err(other),
            };
            learner::outstanding_bulletins(&state.db, &user).await
        }
        .await,
    )
}

/// A course's outline, status and history.
#[server(prefix = "/api", endpoint = "training/course")]
pub async fn get_course_overview(slug: String) -> Result<CourseOverview, AppError> {
    use crate::ssr::training::learner;
    crate::ssr::request::respond(
        async {
            let (state, user) = learner::employee().await?;
            learner::overview(&state.db, &state.versions, &user, &slug, Utc::now()).await
        }
        .await,
    )
}

/// One lesson.
#[server(prefix = "/api", endpoint = "training/lesson")]
pub async fn get_lesson(slug: String, number: usize) -> Result<LessonView, AppError> {
    use crate::ssr::training::reading;
    crate::ssr::request::respond(
        async {
            let (state, user) = crate::ssr::training::learner::employee().await?;
            reading::lesson(&state.db, &state.versions, &user, &slug, number).await
        }
        .await,
    )
}

/// Marks a lesson read and goes to the next (or back to the course after the last).
#[server(prefix = "/api", endpoint = "training/lesson/read")]
pub async fn mark_lesson_read(slug: String, number: usize) -> Result<(), AppError> {
    use crate::ssr::training::reading;
    crate::ssr::request::respond(
        async {
            let (state, user) = crate::ssr::training::learner::employee().await?;
            let next = reading::mark_read(
                &state.db,
                &state.versions,
                &state.engine,
                &user,
                &slug,
                number,
                Utc::now(),
            )
            .await?;
            let slug = urlencoding::encode(&slug);
            leptos_axum::redirect(&match next {
                Some(next) => format!("/training/{slug}/lesson/{next}"),
                None => format!("/training/{slug}?read=1"),
            });
            Ok(())
        }
        .await,
    )
}

/// Starts reading a policy or bulletin (the minimum reading time counts from now).
#[server(prefix = "/api", endpoint = "training/read")]
pub async fn start_reading(slug: String) -> Result<(), AppError> {
    use crate::ssr::training::reading;
    crate::ssr::request::respond(
        async {
            let (state, user) = crate::ssr::training::learner::employee().await?;
            reading::start_reading(
                &state.db,
                &state.versions,
                &state.engine,
                &user,
                &slug,
                Utc::now(),
            )
            .await?;
            leptos_axum::redirect(&format!(
                "/training/{}#document",
                urlencoding::encode(&slug)
            ));
            Ok(())
        }
        .await,
    )
}

/// Accepts a policy's or bulletin's statement.
#[server(prefix = "/api", endpoint = "training/acknowledge")]
pub async fn acknowledge(
    slug: String,
    #[server(default)] accept: Option<String>,
) -> Result<(), AppError> {
    use crate::ssr::training::reading;
    crate::ssr::request::respond(
        async {
            let (state, user) = crate::ssr::training::learner::employee().await?;
            if accept.is_none() {
                return Err(crate::error::TrainingInvalid::AcceptStatement.into());
            }
            reading::acknowledge(
                &state.db,
                &state.versions,
                &state.engine,
                &user,
                &slug,
                Utc::now(),
            )
            .await?;
            leptos_axum::redirect(&format!(
                "/training/{}?acknowledged=1",
                urlencoding::encode(&slug)
            ));
            Ok(())
        }
        .await,
    )
}

/// Starts (or resumes) a quiz attempt and goes to it.
#[server(prefix = "/api", endpoint = "training/quiz/start")]
pub async fn start_quiz(slug: String) -> Result<(), AppError> {
    use crate::ssr::training::quiz;
    crate::ssr::request::respond(
        async {
            let (state, user) = crate::ssr::training::learner::employee().await?;
            let attempt = quiz::start(
                &state.db,
                &state.versions,
                &state.engine,
                &user,
                &slug,
                Utc::now(),
            )
            .await?;
            leptos_axum::redirect(&format!(
                "/training/{}/quiz/{attempt}",
                urlencoding::encode(&slug)
            ));
            Ok(())
        }
        .await,
    )
}

/// An attempt in progress.
#[server(prefix = "/api", endpoint = "training/quiz")]
pub async fn get_quiz(attempt_id: i64) -> Result<QuizView, AppError> {
    use crate::ssr::training::quiz;
    crate::ssr::request::respond(
        async {
            let (state, user) = crate::ssr::training::learner::employee().await?;
            quiz::view(&state.db, &state.versions, &user, attempt_id).await
        }
        .await,
    )
}

/// Submits an attempt's answers: `single[n]=option` for single-choice questions and
/// `multiple[n][option]=yes` for each box ticked, `n` being the question's number.
#[server(prefix = "/api", endpoint = "training/quiz/submit")]
pub async fn submit_quiz(
    attempt_id: i64,
    #[server(default)] single: BTreeMap<String, String>,
    #[server(default)] multiple: BTreeMap<String, BTreeMap<String, String>>,
) -> Result<(), AppError> {
    use crate::ssr::training::quiz;
    crate::ssr::request::respond(
        async {
            let (state, user) = crate::ssr::training::learner::employee().await?;
            let (slug, sequence) = quiz::submit(
                &state.db,
                &state.versions,
                &state.engine,
                &user,
                attempt_id,
                quiz::FormAnswers {
                    single: &single,
                    multiple: &multiple,
                },
                Utc::now(),
            )
            .await?;
            leptos_axum::redirect(&format!(
                "/training/{}/result/{sequence}",
                urlencoding::encode(&slug)
            ));
            Ok(())
        }
        .await,
    )
}

/// A submitted attempt with explanations.
#[server(prefix = "/api", endpoint = "training/result")]
pub async fn get_attempt_result(sequence: i64) -> Result<AttemptResult, AppError> {
    use crate::ssr::training::quiz;
    crate::ssr::request::respond(
        async {
            let (state, user) = crate::ssr::training::learner::employee().await?;
            quiz::result(&state.db, &state.versions, &user, sequence, Utc::now()).await
        }
        .await,
    )
}

/// Public: what a verification code certifies, without signing in.
#[server(prefix = "/api", endpoint = "verify")]
pub async fn verify_certificate(code: String) -> Result<CertificateView, AppError> {
    use crate::ssr::training::certificates;
    crate::ssr::request::respond(
        async {
            let state = crate::ssr::request::app_state()?;
            certificates::verify(&state.db, &state.versions, &code, Utc::now().date_naive()).await
        }
        .await,
    )
}
