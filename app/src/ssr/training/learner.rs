//! The learner's view: what they owe and each course's outline. Everything is scoped to the
//! signed-in person.

use std::collections::HashMap;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use sea_orm::DatabaseConnection;

use crate::domain::assignment::Status;
use crate::domain::content::course::RenderedCourse;
use crate::domain::content::metadata::CourseMetadata;
use crate::domain::course_kind::CourseKind;
use crate::domain::ledger::RecordKind;
use crate::domain::permissions::Permission;
use crate::domain::quiz_attempt::next_attempt_allowed;
use crate::dto::training::{
    BulletinNotice, CourseOverview, LessonEntry, MyTraining, RecordSummary, TrainingItem,
};
use crate::error::{AppError, Resource, TrainingInvalid};
use crate::ssr::AppState;
use crate::ssr::auth::{CurrentUser, current_user};
use crate::ssr::db::entities::{compliance_state, course, course_version};
use crate::ssr::db::{courses, ledger, training};
use crate::ssr::request::app_state;

use super::versions::{self, ParsedVersion, VersionCache, VersionIdentity};

/// The state and the signed-in person (any active employee).
pub async fn employee() -> Result<(AppState, CurrentUser), AppError> {
    let user = current_user().await?;
    user.require(Permission::Employee)?;
    Ok((app_state()?, user))
}

/// A course with one of its versions, parsed, in the language the person takes it in.
pub struct CourseContext {
    pub course: course::Model,
    pub version: VersionIdentity,
    pub meta: Arc<CourseMetadata>,
    /// The texts in `language`.
    pub rendered: Arc<RenderedCourse>,
    /// The language of `rendered`: what the person takes, and what their record carries.
    pub language: String,
    /// The version's title, summary and acknowledgement statement in `language`.
    pub title: String,
    pub summary: String,
    pub statement: Option<String>,
    parsed: Arc<ParsedVersion>,
}

impl CourseContext {
    /// The same version in the language closest to `preferred` that it has (its own otherwise).
    pub fn in_language(mut self, preferred: Option<&str>) -> Self {
        let (rendered, language) = self.parsed.in_language(preferred);
        if let Some(translation) = self.parsed.rendered.translations.get(&language) {
            self.title = translation.title.clone();
            self.summary = translation.summary.clone();
            self.statement = translation.statement.clone().or(self.statement);
        }
        self.rendered = rendered;
        self.language = language;
        self
    }
}

/// Parses a stored version.
pub fn parse_version(
    version: &course_version::Model,
) -> Result<(CourseMetadata, RenderedCourse), AppError> {
    versions::parse(&version.metadata_json, &version.rendered_json)
}

/// A course and a given version of it, in the course's own language.
pub async fn course_version(
    db: &DatabaseConnection,
    cache: &VersionCache,
    course: course::Model,
    version_id: i64,
) -> Result<CourseContext, AppError> {
    let parsed = cache
        .get(db, version_id)
        .await?
        .filter(|parsed| parsed.identity.course_id == course.id)
        .ok_or(AppError::NotFound(Resource::Course))?;
    Ok(CourseContext {
        title: parsed.meta.title.clone(),
        summary: parsed.meta.summary.clone(),
        statement: parsed
            .meta
            .acknowledgement
            .as_ref()
            .map(|a| a.statement.clone()),
        language: parsed.meta.language.clone(),
        course,
        version: parsed.identity.clone(),
        meta: Arc::clone(&parsed.meta),
        rendered: Arc::clone(&parsed.rendered),
        parsed,
    })
}

/// The course and its current version, if the person owes it now.
pub async fn assigned(
    db: &DatabaseConnection,
    cache: &VersionCache,
    user: &CurrentUser,
    slug: &str,
) -> Result<(CourseContext, compliance_state::Model), AppError> {
    let (course, obligation) = training::course_and_obligation(db, slug, user.person.id)
        .await?
        .ok_or(AppError::NotFound(Resource::Course))?;
    let obligation = obligation.ok_or(TrainingInvalid::NotAssigned)?;
    let context = course_version(db, cache, course, obligation.version_id)
        .await?
        .in_language(user.person.language.as_deref());
    Ok((context, obligation))
}

fn item(
    course: &course::Model,
    meta: &CourseMetadata,
    row: &compliance_state::Model,
    certificate: Option<String>,
) -> Result<TrainingItem, AppError> {
    Ok(TrainingItem {
        slug: course.slug.clone(),
        title: course.title.clone(),
        kind: CourseKind::parse(&course.kind).unwrap_or(CourseKind::Course),
        status: Status::parse(&row.status).ok_or_else(|| {
            crate::ssr::internal(
                "my training",
                format!("unknown compliance status {:?}", row.status),
            )
        })?,
        assigned_on: row.assigned_on,
        due_on: row.due_on,
        completed_on: row.completed_on,
        valid_until: row.valid_until,
        estimated_minutes: meta.estimated_minutes,
        certificate_code: certificate,
    })
}

/// Everything the person owes, grouped: overdue and due soonest first, then completed (most
/// recent first), then exemptions.
pub async fn my_training(
    db: &DatabaseConnection,
    user: &CurrentUser,
) -> Result<MyTraining, AppError> {
    let rows = training::compliance_of(db, user.person.id).await?;
    let mut courses_by_id: HashMap<i64, course::Model> = HashMap::new();
    for course in courses::all(db).await? {
        courses_by_id.insert(course.id, course);
    }
    // Only the metadata: the rendered courses are large, and every page for a signed-in person
    // asks for the bulletins they owe (which reads this list).
    let version_ids: Vec<i64> = rows.iter().map(|row| row.version_id).collect();
    let metadata = courses::version_metadata(db, &version_ids).await?;
    let sequences: Vec<i64> = rows
        .iter()
        .filter_map(|row| row.completion_sequence)
        .collect();
    let certificates = training::certificate_codes(db, &sequences).await?;
    let mut result = MyTraining::default();
    for row in rows {
        let Some(course) = courses_by_id.get(&row.course_id) else {
            continue;
        };
        let Some(json) = metadata.get(&row.version_id) else {
            continue;
        };
        let meta = versions::parse_metadata(json)?;
        let certificate = row
            .completion_sequence
            .and_then(|sequence| certificates.get(&sequence).cloned());
        let entry = item(course, &meta, &row, certificate)?;
        match entry.status {
            Status::Overdue => result.overdue.push(entry),
            Status::InProgress | Status::NotStarted => result.due.push(entry),
            Status::Completed => result.completed.push(entry),
            Status::Exempt => result.exempt.push(entry),
        }
    }
    result.overdue.sort_by_key(|i| (i.due_on, i.title.clone()));
    result.due.sort_by_key(|i| (i.due_on, i.title.clone()));
    result.completed.sort_by(|a, b| {
        b.completed_on
            .cmp(&a.completed_on)
            .then(a.title.cmp(&b.title))
    });
    result.exempt.sort_by_key(|i| i.title.clone());
    Ok(result)
}

/// Bulletins the person owes and has not acknowledged, soonest due first. Shown on every page,
/// so read in one query when there are none (the usual case), two otherwise.
pub async fn outstanding_bulletins(
    db: &DatabaseConnection,
    user: &CurrentUser,
) -> Result<Vec<BulletinNotice>, AppError> {
    let owed = training::owed_of_kind(db, user.person.id, CourseKind::Bulletin.as_str()).await?;
    if owed.is_empty() {
        return Ok(Vec::new());
    }
    let found: HashMap<i64, course::Model> = courses::by_ids(db, &owed)
        .await?
        .into_iter()
        .map(|course| (course.id, course))
        .collect();
    Ok(owed
        .iter()
        .filter_map(|id| found.get(id))
        .map(|course| BulletinNotice {
            slug: course.slug.clone(),
            title: course.title.clone(),
        })
        .collect())
}

/// The person's records for a course, and when their next quiz attempt may start.
pub async fn history(
    db: &impl sea_orm::ConnectionTrait,
    user: &CurrentUser,
    course_id: i64,
    settings: &crate::domain::content::metadata::QuizSettings,
    now: DateTime<Utc>,
) -> Result<(Vec<RecordSummary>, Option<DateTime<Utc>>), AppError> {
    let records = ledger::of_person_course(db, user.person.id, course_id).await?;
    let voided: Vec<i64> = records.iter().filter_map(|r| r.voids_sequence).collect();
    let mut numbers: HashMap<i64, i32> = HashMap::new();
    for version in courses::versions(db, course_id).await? {
        numbers.insert(version.id, version.version);
    }
    let attempts: Vec<(DateTime<Utc>, bool)> = records
        .iter()
        .filter(|r| r.kind == RecordKind::Attempt.as_str() && !voided.contains(&r.sequence))
        .map(|r| (r.finished_at, r.passed))
        .collect();
    let retake_after = next_attempt_allowed(&attempts, settings, now).err();
    let mut summaries = Vec::new();
    for r in records
        .iter()
        .filter(|r| r.kind != RecordKind::Void.as_str())
        .rev()
    {
        summaries.push(RecordSummary {
            sequence: r.sequence,
            finished_at: r.finished_at,
            score: r.score,
            passed: r.passed,
            version: numbers.get(&r.version_id).copied().unwrap_or_default(),
            voided: voided.contains(&r.sequence),
            certificate_code: training::certificate_of(db, r.sequence)
                .await?
                .map(|c| c.code),
        });
    }
    Ok((summaries, retake_after))
}

/// A course as its learner sees it: outline, status, history, and (for policies and bulletins
/// whose reading has started) the text.
pub async fn overview(
    db: &DatabaseConnection,
    versions: &VersionCache,
    user: &CurrentUser,
    slug: &str,
    now: DateTime<Utc>,
) -> Result<CourseOverview, AppError> {
    let (context, obligation) = assigned(db, versions, user, slug).await?;
    let progress = training::progress(db, user.person.id, context.version.id).await?;
    let read: Vec<usize> = progress
        .as_ref()
        .and_then(|p| serde_json::from_str::<Vec<usize>>(&p.lessons_read_json).ok())
        .unwrap_or_default();
    let (history, retake_after) =
        history(db, user, context.course.id, &context.meta.quiz, now).await?;
    let open_attempt = training::open_attempt(db, user.person.id, context.version.id)
        .await?
        .map(|a| a.id);
    let reading_started_at = progress.as_ref().map(|p| p.opened_at);
    let is_document = context.meta.kind != CourseKind::Course;
    Ok(CourseOverview {
        slug: context.course.slug.clone(),
        title: context.title.clone(),
        summary: context.summary.clone(),
        kind: context.meta.kind,
        version: context.version.version,
        status: Status::parse(&obligation.status),
        due_on: Some(obligation.due_on),
        lessons: context
            .rendered
            .lessons
            .iter()
            .enumerate()
            .map(|(index, lesson)| LessonEntry {
                number: index + 1,
                title: lesson.title.clone(),
                read: read.contains(&(index + 1)),
            })
            .collect(),
        questions_per_attempt: context.rendered.asked_per_attempt(),
        pass_mark: context.meta.pass_mark,
        history,
        retake_after,
        open_attempt,
        document_html: (is_document && reading_started_at.is_some()).then(|| {
            context
                .rendered
                .document
                .as_ref()
                .map(|d| d.html.clone())
                .unwrap_or_default()
        }),
        statement: context.statement.clone(),
        minimum_reading_seconds: context
            .meta
            .acknowledgement
            .as_ref()
            .map_or(0, |a| a.minimum_reading_seconds),
        reading_started_at,
        language: context.language.clone(),
    })
}
