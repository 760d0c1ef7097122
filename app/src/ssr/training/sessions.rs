//! Instructor-led training: a session recorded by an administrator counts as a completion for
//! each attendee, marked as instructor-led in the ledger, reports and evidence.

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, DatabaseConnection, EntityTrait, QueryOrder};
use serde_json::json;

use super::certificates::issue;
use super::engine::{EngineLock, recompute};
use crate::domain::email::EmailAddress;
use crate::domain::ledger::RecordKind;
use crate::domain::person::{optional_text, required_text};
use crate::error::{AppError, Field, Invalid, Resource, TrainingInvalid};
use crate::ssr::auth::CurrentUser;
use crate::ssr::db::audit::{self, AuditEntry};
use crate::ssr::db::entities::training_session;
use crate::ssr::db::ledger::{self, NewRecord};
use crate::ssr::db::{courses, people};

/// How a session was run.
pub const FORMATS: [(&str, &str); 3] = [
    ("presentation", "Presentation"),
    ("group-discussion", "Group discussion"),
    ("one-on-one", "One-on-one"),
];

/// A session as an administrator enters it.
pub struct SessionInput<'a> {
    pub course: &'a str,
    pub held_on: NaiveDate,
    pub format: &'a str,
    pub trainer: &'a str,
    /// Email addresses, one per line (commas and semicolons also separate).
    pub attendees: &'a str,
    pub notes: &'a str,
}

/// Records a session and a completion for every attendee. Nothing is written if any attendee is
/// unknown. Returns the session's id.
pub async fn record(
    db: &DatabaseConnection,
    engine: &EngineLock,
    admin: &CurrentUser,
    input: SessionInput<'_>,
    now: DateTime<Utc>,
) -> Result<i64, AppError> {
    if input.held_on > now.date_naive() {
        return Err(Invalid::DateFormat(Field::HeldOn).into());
    }
    if !FORMATS.iter().any(|(value, _)| *value == input.format) {
        return Err(TrainingInvalid::SessionFormat.into());
    }
    let trainer = required_text(input.trainer, Field::Trainer)?;
    let notes = optional_text(input.notes, Field::Notes)?.unwrap_or_default();
    let (course, version) = courses::current_by_slug(db, input.course.trim())
        .await?
        .ok_or(AppError::NotFound(Resource::Course))?;
    let mut attendees = Vec::new();
    for (index, raw) in input
        .attendees
        .split(['\n', ',', ';'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .enumerate()
    {
        let position = u16::try_from(index + 1).unwrap_or(u16::MAX);
        let unknown = || AppError::Training(TrainingInvalid::UnknownAttendee(position));
        let email = EmailAddress::parse(raw).map_err(|_| unknown())?;
        let person = people::find_by_email(db, email.as_str())
            .await?
            .filter(|p| p.active)
            .ok_or_else(unknown)?;

        if !attendees
            .iter()
            .any(|p: &crate::ssr::db::entities::person::Model| p.id == person.id)
        {
            attendees.push(person);
        }
    }
    if attendees.is_empty() {
        return Err(TrainingInvalid::NoAttendees.into());
    }

    // The session, every attendee's record and certificate, and the audit entry: all or none.
    let txn = ledger::begin(db).await?;
    let session = training_session::ActiveModel {
        course_id: Set(course.id),
        version_id: Set(version.id),
        held_on: Set(input.held_on),
        format: Set(input.format.to_owned()),
        trainer: Set(trainer.clone()),
        notes: Set(notes),
        recorded_by: Set(Some(admin.person.id)),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    let held_at = input
        .held_on
        .and_hms_opt(12, 0, 0)
        .map_or(now, |t| t.and_utc());
    for person in &attendees {
        let record = ledger::append_in(
            &txn,
            &NewRecord {
                kind: RecordKind::InstructorLed,
                person_id: person.id,
                course_id: course.id,
                version_id: version.id,
                content_hash: version.content_hash.clone(),
                score: None,
                passed: true,
                answers: None,
                started_at: None,
                finished_at: held_at,
                actor_id: Some(admin.person.id),
                reason: Some(format!(
                    "Instructor-led session {} ({}) by {trainer}",
                    session.id, input.format
                )),
                voids_sequence: None,
                session_id: Some(session.id),
                language: None,
            },
            now,
        )
        .await?;
        issue(&txn, record.sequence, now).await?;
    }
    audit::record(
        &txn,
        AuditEntry {
            actor: admin.actor(),
            action: "session.record",
            subject: format!("course:{}", course.slug),
            before: None,
            after: Some(json!({
                "session": session.id,
                "held_on": input.held_on,
                "format": input.format,
                "trainer": trainer,
                "attendees": attendees.iter().map(|p| p.email.clone()).collect::<Vec<_>>(),
            })),
            reason: None,
        },
        now,
    )
    .await?;
    txn.commit().await?;
    recompute(db, engine, now.date_naive(), now).await?;
    Ok(session.id)
}

/// Every session, newest first.
pub async fn all(db: &DatabaseConnection) -> Result<Vec<training_session::Model>, AppError> {
    Ok(training_session::Entity::find()
        .order_by_desc(training_session::Column::HeldOn)
        .order_by_desc(training_session::Column::Id)
        .all(db)
        .await?)
}
