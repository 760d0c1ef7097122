//! The learner's wire types: what I owe, lessons, quizzes, results, certificates.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::domain::assignment::Status;
use crate::domain::course_kind::CourseKind;

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
    /// The course's title in the language it was taken in.
    pub course_title: String,
    /// The language it was taken in (a BCP 47 tag; none on records from before translations).
    pub language: Option<String>,
    pub kind: CourseKind,
    pub version: i32,
    pub content_hash: String,
    pub completed_on: NaiveDate,
    pub score: Option<i32>,
    pub status: CertificateStatus,
}
