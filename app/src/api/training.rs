//! The learner's journey: what I owe, reading, quizzes, acknowledgements, results, certificates.
//! Every function works on the signed-in person's own records only.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::domain::assignment::Status;
use crate::domain::course_kind::CourseKind;
use crate::error::AppError;

/// A threat bulletin the signed-in person still has to acknowledge, noticed on every page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BulletinNotice {
    pub slug: String,
    pub title: String,
}

/// One course in "My training".
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TrainingItem {
    pub slug: String,
    pub title: String,
    pub kind: CourseKind,
    pub status: Status,
    pub assigned_on: NaiveDate,
    pub due_on: NaiveDate,
    pub completed_on: Option<NaiveDate>,
    pub valid_until: Option<NaiveDate>,
    pub estimated_minutes: u32,
    pub certificate_code: Option<String>,
}

/// "My training", grouped as the page shows it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MyTraining {
    pub overdue: Vec<TrainingItem>,
    pub due: Vec<TrainingItem>,
    pub completed: Vec<TrainingItem>,
    pub exempt: Vec<TrainingItem>,
}

/// A lesson in the course outline.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LessonEntry {
    pub number: usize,
    pub title: String,
    pub read: bool,
}

/// A past attempt or acknowledgement.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecordSummary {
    pub sequence: i64,
    pub finished_at: DateTime<Utc>,
    pub score: Option<i32>,
    pub passed: bool,
    pub version: i32,
    pub voided: bool,
    pub certificate_code: Option<String>,
}

/// A course as its learner sees it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CourseOverview {
    pub slug: String,
    pub title: String,
    pub summary: String,
    pub kind: CourseKind,
    pub version: i32,
    pub status: Option<Status>,
    pub due_on: Option<NaiveDate>,
    pub lessons: Vec<LessonEntry>,
    pub questions_per_attempt: usize,
    pub pass_mark: Option<u32>,
    pub history: Vec<RecordSummary>,
    /// When the next attempt may start, if the learner must wait.
    pub retake_after: Option<DateTime<Utc>>,
    pub open_attempt: Option<i64>,
    /// Policies and bulletins: the text, once reading has started.
    pub document_html: Option<String>,
    pub statement: Option<String>,
    pub minimum_reading_seconds: u32,
    pub reading_started_at: Option<DateTime<Utc>>,
    /// The language the texts are in (the `lang` of the page's content).
    pub language: String,
}

/// One lesson to read.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LessonView {
    pub slug: String,
    pub course_title: String,
    pub number: usize,
    pub count: usize,
    pub title: String,
    pub html: String,
    pub read: bool,
    /// The language the texts are in (the `lang` of the page's content).
    pub language: String,
}

/// One question as the learner sees it: no answers.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuizQuestion {
    pub number: usize,
    pub prompt: String,
    pub body_html: String,
    pub multiple: bool,
    /// (option index, HTML), in the order drawn for this attempt.
    pub options: Vec<(usize, String)>,
}

/// An attempt in progress.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuizView {
    pub attempt_id: i64,
    pub slug: String,
    pub course_title: String,
    pub pass_mark: u32,
    pub questions: Vec<QuizQuestion>,
    /// The language the texts are in (the `lang` of the page's content).
    pub language: String,
}

/// One option in a result.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResultOption {
    pub html: String,
    pub correct: bool,
    pub chosen: bool,
}

/// One question in a result.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResultQuestion {
    pub prompt: String,
    pub body_html: String,
    pub right: bool,
    pub options: Vec<ResultOption>,
    pub explanation_html: String,
}

/// A submitted attempt.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttemptResult {
    pub sequence: i64,
    pub slug: String,
    pub course_title: String,
    pub version: i32,
    pub score: i32,
    pub right: usize,
    pub asked: usize,
    pub pass_mark: u32,
    pub passed: bool,
    pub finished_at: DateTime<Utc>,
    /// The language the texts are in (the `lang` of the page's content).
    pub language: String,
    pub questions: Vec<ResultQuestion>,
    pub certificate_code: Option<String>,
    pub retake_after: Option<DateTime<Utc>>,
    /// Whether the right answers and explanations are shown (the course's `reveal_answers`).
    /// When not, `right`, `correct` and the explanations are left out on the server.
    pub answers_revealed: bool,
}

/// Whether a certificate still stands.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum CertificateStatus {
    Valid { until: Option<NaiveDate> },
    Expired { on: NaiveDate },
    Superseded { version: i32 },
    Voided,
}

/// A certificate, as printed and as the public verification page shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CertificateView {
    pub code: String,
    pub name: String,
    pub course_title: String,
    pub kind: CourseKind,
    pub version: i32,
    pub content_hash: String,
    pub completed_on: NaiveDate,
    pub score: Option<i32>,
    pub status: CertificateStatus,
}

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
