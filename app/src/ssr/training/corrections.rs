//! Administrators' corrections to the ledger. A correction is a new record with the actor and a
//! reason; nothing already recorded is ever changed.

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::DatabaseConnection;
use serde_json::json;

use super::certificates::issue;
use super::engine::{EngineLock, recompute_person};
use crate::domain::email::EmailAddress;
use crate::domain::ledger::RecordKind;
use crate::domain::person::required_text;
use crate::error::{AppError, Field, Invalid, Resource, TrainingInvalid};
use crate::ssr::auth::CurrentUser;
use crate::ssr::db::audit::{self, Actor, AuditEntry};
use crate::ssr::db::ledger::{self, NewRecord, by_sequence, voided_among};
use crate::ssr::db::{courses, people};

fn actor(user: &CurrentUser) -> Actor {
    user.actor()
}

/// A completion done outside Vigil, as an administrator enters it.
pub struct ManualCompletion<'a> {
    pub email: &'a str,
    pub slug: &'a str,
    pub completed_on: NaiveDate,
    pub reason: &'a str,
}

/// Records that a person completed a course outside Vigil (for example on paper), against the
/// current version. Returns the record's sequence.
pub async fn manual_completion(
    db: &DatabaseConnection,
    engine: &EngineLock,
    admin: &CurrentUser,
    entry: ManualCompletion<'_>,
    now: DateTime<Utc>,
) -> Result<i64, AppError> {
    let ManualCompletion {
        email,
        slug,
        completed_on,
        reason,
    } = entry;
    let reason = required_text(reason, Field::Reason).map_err(|_| Invalid::ReasonRequired)?;
    let email = EmailAddress::parse(email)?;
    let person = people::find_by_email(db, email.as_str())
        .await?
        .ok_or(AppError::NotFound(Resource::Person))?;
    let (course, version) = courses::current_by_slug(db, slug)
        .await?
        .ok_or(AppError::NotFound(Resource::Course))?;
    if completed_on > now.date_naive() {
        return Err(Invalid::DateFormat(Field::CompletedOn).into());
    }
    let finished_at = completed_on
        .and_hms_opt(12, 0, 0)
        .map(|t| t.and_utc())
        .unwrap_or(now);
    let txn = ledger::begin(db).await?;
    let record = ledger::append_in(
        &txn,
        &NewRecord {
            kind: RecordKind::Manual,
            person_id: person.id,
            course_id: course.id,
            version_id: version.id,
            content_hash: version.content_hash.clone(),
            score: None,
            passed: true,
            answers: None,
            started_at: None,
            finished_at,
            actor_id: Some(admin.person.id),
            reason: Some(reason.clone()),
            voids_sequence: None,
            session_id: None,
            language: None,
        },
        now,
    )
    .await?;
    issue(&txn, record.sequence, now).await?;
    audit::record(
        &txn,
        AuditEntry {
            actor: actor(admin),
            action: "ledger.manual_completion",
            subject: format!("person:{}", person.email),
            before: None,
            after: Some(json!({ "course": slug, "version": version.version, "completed_on": completed_on, "record": record.sequence })),
            reason: Some(reason),
        },
        now,
    )
    .await?;
    txn.commit().await?;
    recompute_person(db, engine, person.id).await?;
    Ok(record.sequence)
}

/// Cancels a record (for example an attempt taken by the wrong person). Returns the void
/// record's sequence.
pub async fn void(
    db: &DatabaseConnection,
    engine: &EngineLock,
    admin: &CurrentUser,
    sequence: i64,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<i64, AppError> {
    let reason = required_text(reason, Field::Reason).map_err(|_| Invalid::ReasonRequired)?;
    // Checked and appended under the ledger's lock: two voids of one record at once make one.
    let txn = ledger::begin(db).await?;
    let target = by_sequence(&txn, sequence)
        .await?
        .ok_or(AppError::NotFound(Resource::Record))?;
    if target.kind == RecordKind::Void.as_str()
        || !voided_among(&txn, &[sequence]).await?.is_empty()
    {
        return Err(TrainingInvalid::CannotVoid.into());
    }
    let record = ledger::append_in(
        &txn,
        &NewRecord {
            kind: RecordKind::Void,
            person_id: target.person_id,
            course_id: target.course_id,
            version_id: target.version_id,
            content_hash: target.content_hash.clone(),
            score: None,
            passed: false,
            answers: None,
            started_at: None,
            finished_at: now,
            actor_id: Some(admin.person.id),
            reason: Some(reason.clone()),
            voids_sequence: Some(sequence),
            session_id: None,
            language: None,
        },
        now,
    )
    .await?;
    audit::record(
        &txn,
        AuditEntry {
            actor: actor(admin),
            action: "ledger.void",
            subject: format!("record:{sequence}"),
            before: Some(
                json!({ "kind": target.kind, "passed": target.passed, "score": target.score }),
            ),
            after: Some(json!({ "voided_by": record.sequence })),
            reason: Some(reason),
        },
        now,
    )
    .await?;
    txn.commit().await?;
    recompute_person(db, engine, target.person_id).await?;
    Ok(record.sequence)
}
