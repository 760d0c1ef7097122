//! Exemptions: a person excused from a course, with a reason and (usually) an expiry.

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::DatabaseConnection;
use serde_json::json;

use super::engine::{EngineLock, recompute_person};
use crate::domain::email::EmailAddress;
use crate::domain::person::required_text;
use crate::error::{AppError, Field, Invalid, Resource};
use crate::ssr::auth::CurrentUser;
use crate::ssr::db::audit::{self, AuditEntry};
use crate::ssr::db::training::{self, NewExemption};
use crate::ssr::db::{courses, people};

/// An exemption as an administrator enters it.
pub struct ExemptionRequest<'a> {
    pub email: &'a str,
    pub slug: &'a str,
    pub reason: &'a str,
    pub starts_on: NaiveDate,
    pub expires_on: Option<NaiveDate>,
}

/// Grants an exemption. Returns its id.
pub async fn grant(
    db: &DatabaseConnection,
    engine: &EngineLock,
    admin: &CurrentUser,
    request: ExemptionRequest<'_>,
    now: DateTime<Utc>,
) -> Result<i64, AppError> {
    let ExemptionRequest {
        email,
        slug,
        reason,
        starts_on,
        expires_on,
    } = request;
    let reason = required_text(reason, Field::Reason).map_err(|_| Invalid::ReasonRequired)?;
    if expires_on.is_some_and(|end| end < starts_on) {
        return Err(Invalid::ExpiryBeforeStart.into());
    }
    let email = EmailAddress::parse(email)?;
    let person = people::find_by_email(db, email.as_str())
        .await?
        .ok_or(AppError::NotFound(Resource::Person))?;
    let course = courses::find_by_slug(db, slug)
        .await?
        .ok_or(AppError::NotFound(Resource::Course))?;
    // The exemption and its audit entry commit together.
    let txn = crate::ssr::db::begin(db).await?;
    let exemption = training::add_exemption(
        &txn,
        NewExemption {
            person_id: person.id,
            course_id: course.id,
            reason: reason.clone(),
            starts_on,
            expires_on,
            created_by: Some(admin.person.id),
        },
        now,
    )
    .await?;
    audit::record(
        &txn,
        AuditEntry {
            actor: admin.actor(),
            action: "exemption.grant",
            subject: format!("person:{}", person.email),
            before: None,
            after: Some(json!({ "course": slug, "starts_on": starts_on, "expires_on": expires_on, "exemption": exemption.id })),
            reason: Some(reason),
        },
        now,
    )
    .await?;
    txn.commit().await?;
    recompute_person(db, engine, person.id).await?;
    Ok(exemption.id)
}

/// Ends an exemption now.
pub async fn revoke(
    db: &DatabaseConnection,
    engine: &EngineLock,
    admin: &CurrentUser,
    id: i64,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let exemption = training::exemption(db, id)
        .await?
        .filter(|e| e.revoked_at.is_none())
        .ok_or(AppError::NotFound(Resource::Exemption))?;
    let txn = crate::ssr::db::begin(db).await?;
    if !training::revoke_exemption(&txn, id, admin.person.id, now).await? {
        // Revoked by someone else in the meantime: nothing to do, nothing to audit.
        return Err(AppError::NotFound(Resource::Exemption));
    }
    audit::record(
        &txn,
        AuditEntry {
            actor: admin.actor(),
            action: "exemption.revoke",
            subject: format!("exemption:{id}"),
            before: Some(json!({ "person": exemption.person_id, "course": exemption.course_id, "expires_on": exemption.expires_on })),
            after: Some(json!({ "revoked": true })),
            reason: None,
        },
        now,
    )
    .await?;
    txn.commit().await?;
    recompute_person(db, engine, exemption.person_id).await?;
    Ok(())
}
