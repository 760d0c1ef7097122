//! Reading lessons, and reading and accepting policies and bulletins.

use chrono::{DateTime, Utc};
use sea_orm::DatabaseConnection;

use super::engine::{EngineLock, recompute_person};
use super::group_commit::{Check, LearnerWrite};
use super::learner::assigned;
use super::versions::VersionCache;
use crate::domain::course_kind::CourseKind;
use crate::domain::ledger::RecordKind;
use crate::dto::training::LessonView;
use crate::error::{AppError, Resource, TrainingInvalid};
use crate::ssr::auth::CurrentUser;
use crate::ssr::db::ledger::NewRecord;
use crate::ssr::db::training;

fn lessons_read(json: Option<&str>) -> Vec<usize> {
    json.and_then(|j| serde_json::from_str(j).ok())
        .unwrap_or_default()
}

/// One lesson of a course the person owes (numbered from 1).
pub async fn lesson(
    db: &DatabaseConnection,
    versions: &VersionCache,
    user: &CurrentUser,
    slug: &str,
    number: usize,
) -> Result<LessonView, AppError> {
    let (context, _) = assigned(db, versions, user, slug).await?;
    let count = context.rendered.lessons.len();
    let rendered = number
        .checked_sub(1)
        .and_then(|i| context.rendered.lessons.get(i))
        .ok_or(AppError::NotFound(Resource::Page))?;
    let progress = training::progress(db, user.person.id, context.version.id).await?;
    Ok(LessonView {
        slug: context.course.slug.clone(),
        course_title: context.title.clone(),
        number,
        count,
        title: rendered.title.clone(),
        html: rendered.html.clone(),
        read: lessons_read(progress.as_ref().map(|p| p.lessons_read_json.as_str()))
            .contains(&number),
        language: context.language.clone(),
    })
}

/// Marks a lesson read; returns the next lesson's number, or `None` after the last.
pub async fn mark_read(
    db: &DatabaseConnection,
    versions: &VersionCache,
    engine: &EngineLock,
    user: &CurrentUser,
    slug: &str,
    number: usize,
    now: DateTime<Utc>,
) -> Result<Option<usize>, AppError> {
    let (context, _) = assigned(db, versions, user, slug).await?;
    let count = context.rendered.lessons.len();
    if number == 0 || number > count {
        return Err(AppError::NotFound(Resource::Page));
    }
    let progress = training::progress(db, user.person.id, context.version.id).await?;
    let mut read = lessons_read(progress.as_ref().map(|p| p.lessons_read_json.as_str()));
    if !read.contains(&number) {
        read.push(number);
        read.sort_unstable();
    }
    let json = serde_json::to_string(&read).unwrap_or_else(|_| "[]".to_owned());
    training::save_progress(
        db,
        user.person.id,
        context.course.id,
        context.version.id,
        json,
        now,
    )
    .await?;
    recompute_person(db, engine, user.person.id).await?;
    Ok((number < count).then_some(number + 1))
}

/// Opens a policy or bulletin: the minimum reading time counts from the first opening.
pub async fn start_reading(
    db: &DatabaseConnection,
    versions: &VersionCache,
    engine: &EngineLock,
    user: &CurrentUser,
    slug: &str,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let (context, _) = assigned(db, versions, user, slug).await?;
    if training::progress(db, user.person.id, context.version.id)
        .await?
        .is_none()
    {
        training::save_progress(
            db,
            user.person.id,
            context.course.id,
            context.version.id,
            "[]".to_owned(),
            now,
        )
        .await?;
        recompute_person(db, engine, user.person.id).await?;
    }
    Ok(())
}

/// Accepts the statement of a policy or bulletin, enforcing the minimum reading time on the
/// server. Returns the ledger record's sequence.
pub async fn acknowledge(
    db: &DatabaseConnection,
    versions: &VersionCache,
    engine: &EngineLock,
    user: &CurrentUser,
    slug: &str,
    now: DateTime<Utc>,
) -> Result<i64, AppError> {
    let (context, _) = assigned(db, versions, user, slug).await?;
    if context.meta.kind == CourseKind::Course {
        return Err(AppError::NotFound(Resource::Page));
    }
    let opened = training::progress(db, user.person.id, context.version.id)
        .await?
        .ok_or(TrainingInvalid::ReadingNotStarted)?
        .opened_at;
    let minimum = i64::from(
        context
            .meta
            .acknowledgement
            .as_ref()
            .map_or(0, |a| a.minimum_reading_seconds),
    );
    let read_for = (now - opened).num_seconds();
    if read_for < minimum {
        return Err(TrainingInvalid::ReadingTooShort(
            u64::try_from(minimum - read_for).unwrap_or(1),
        )
        .into());
    }
    // Recorded with whatever other acknowledgements are waiting, in one transaction under the
    // ledger's lock: acknowledging the same version again (a second click, a second tab) returns
    // the first record instead of adding another. The record, its certificate and the
    // obligation it completes commit together.
    let write = LearnerWrite {
        record: NewRecord {
            kind: RecordKind::Acknowledgement,
            person_id: user.person.id,
            course_id: context.course.id,
            version_id: context.version.id,
            content_hash: context.version.content_hash.clone(),
            score: None,
            passed: true,
            answers: None,
            started_at: Some(opened),
            finished_at: now,
            actor_id: None,
            reason: None,
            voids_sequence: None,
            session_id: None,
            language: Some(context.language.clone()),
        },
        check: Check::Acknowledgement {
            recurrence: context.meta.recurrence,
        },
        now,
    };
    engine.learner_writes().record(db, engine, write).await
}
