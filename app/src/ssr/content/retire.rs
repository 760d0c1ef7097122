//! Retiring a course (nobody owes it any more; its versions and completions stay) and restoring it.

use chrono::{DateTime, Utc};
use sea_orm::DatabaseConnection;
use serde_json::json;

use crate::domain::person::optional_text;
use crate::error::{AppError, Conflict, Field, Resource};
use crate::ssr::auth::CurrentUser;
use crate::ssr::db::audit::{self, AuditEntry};
use crate::ssr::db::courses;

/// Retires `slug`, recording who, when and why.
pub async fn retire(
    db: &DatabaseConnection,
    user: &CurrentUser,
    slug: &str,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let reason = optional_text(reason, Field::Reason)?;
    let course = courses::find_by_slug(db, slug)
        .await?
        .ok_or(AppError::NotFound(Resource::Course))?;
    if course.retired_at.is_some() {
        return Err(Conflict::AlreadyRetired.into());
    }
    let txn = crate::ssr::db::begin(db).await?;
    courses::set_retired(&txn, course.id, Some((now, user.person.id, reason.clone()))).await?;
    audit::record(
        &txn,
        AuditEntry {
            actor: user.actor(),
            action: "content.retire",
            subject: format!("course:{slug}"),
            before: Some(json!({ "retired": false })),
            after: Some(json!({ "retired": true })),
            reason,
        },
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// Restores a retired course.
pub async fn restore(
    db: &DatabaseConnection,
    user: &CurrentUser,
    slug: &str,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let course = courses::find_by_slug(db, slug)
        .await?
        .ok_or(AppError::NotFound(Resource::Course))?;
    if course.retired_at.is_none() {
        return Err(Conflict::NotRetired.into());
    }
    let txn = crate::ssr::db::begin(db).await?;
    courses::set_retired(&txn, course.id, None).await?;
    audit::record(
        &txn,
        AuditEntry {
            actor: user.actor(),
            action: "content.restore",
            subject: format!("course:{slug}"),
            before: Some(json!({ "retired": true, "reason": course.retired_reason })),
            after: Some(json!({ "retired": false })),
            reason: None,
        },
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(())
}
