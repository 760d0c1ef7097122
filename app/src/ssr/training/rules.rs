//! Assignment rules: each course's audience. A course's metadata gives the default; an
//! administrator's edit replaces it and is kept when later versions are published.

use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, DatabaseConnection};
use serde_json::json;

use crate::domain::audience::Audience;
use crate::domain::job_role::seeded;
use crate::error::{AppError, Invalid, Resource};
use crate::ssr::auth::CurrentUser;
use crate::ssr::db::audit::{self, AuditEntry};
use crate::ssr::db::{courses, training};
use crate::ssr::internal;

/// After a publish: the course's rule follows its metadata unless an administrator changed it.
pub async fn follow_metadata(
    db: &impl ConnectionTrait,
    course_id: i64,
    audience: &Audience,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let existing = training::rule(db, course_id).await?;
    if existing.as_ref().is_some_and(|rule| rule.customised) {
        return Ok(());
    }
    let json =
        serde_json::to_string(audience).map_err(|err| internal("serialising an audience", err))?;
    training::put_rule(db, course_id, json, false, None, now).await?;
    Ok(())
}

/// The audience a course is assigned to now, and whether an administrator set it.
pub async fn audience_of(
    db: &impl ConnectionTrait,
    course_id: i64,
) -> Result<Option<(Audience, bool)>, AppError> {
    match training::rule(db, course_id).await? {
        Some(rule) => {
            let audience = serde_json::from_str(&rule.audience_json)
                .map_err(|err| internal("reading an assignment rule", err))?;
            Ok(Some((audience, rule.customised)))
        }
        None => Ok(None),
    }
}

/// Sets a course's audience by hand. Refuses an audience that selects nobody or names an
/// unknown job role.
pub async fn set_audience(
    db: &DatabaseConnection,
    user: &CurrentUser,
    slug: &str,
    audience: Audience,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    if audience.is_empty() {
        return Err(Invalid::AudienceEmpty.into());
    }
    if audience.roles.iter().any(|role| seeded(role).is_none()) {
        return Err(Invalid::UnknownJobRole.into());
    }
    let course = courses::find_by_slug(db, slug)
        .await?
        .ok_or(AppError::NotFound(Resource::Course))?;
    let json =
        serde_json::to_string(&audience).map_err(|err| internal("serialising an audience", err))?;
    // The rule and its audit entry (with the audience it replaced) commit together.
    let txn = crate::ssr::db::begin(db).await?;
    let before = audience_of(&txn, course.id).await?.map(|(a, _)| a);
    training::put_rule(&txn, course.id, json, true, Some(user.person.id), now).await?;
    audit::record(
        &txn,
        AuditEntry {
            actor: user.actor(),
            action: "rules.update",
            subject: format!("course:{slug}"),
            before: before.map(|a| json!(a)),
            after: Some(json!(audience)),
            reason: None,
        },
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(())
}
