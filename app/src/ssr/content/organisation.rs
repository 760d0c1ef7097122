//! The organisation's details that courses use (`{{org.name}}`, `{{contacts.security_email}}`,
//! ...): kept as a setting, set by compliance administrators in the browser or fixed by the
//! configuration file, and every course that uses a changed one rendered again as a new version
//! (not a material change), so each version, and each record of it, says what was read.

use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, DatabaseConnection, DbErr, TransactionTrait};
use serde_json::json;

use super::cpu::off_the_runtime;
use super::drafts::version_files;
use super::publish::{PublishOutcome, Via, publish};
use crate::domain::content::variables::{self, VARIABLES, Values};
use crate::domain::content::{CourseSource, parse_course};
use crate::error::AppError;
use crate::ssr::db::audit::{self, Actor, AuditEntry};
use crate::ssr::db::{courses, settings};

/// The setting the values are kept under.
pub const SETTING: &str = "organisation_variables";

/// The values set now (known keys only).
pub async fn values(db: &impl ConnectionTrait) -> Result<Values, DbErr> {
    let mut stored: Values = settings::get(db, SETTING).await?.unwrap_or_default();
    stored.retain(|key, _| variables::variable(key).is_some());
    Ok(stored)
}

/// Stores `next` with its audit entry, in one transaction. Returns the keys whose value changed.
pub async fn store(
    db: &DatabaseConnection,
    actor: &Actor,
    next: &Values,
    reason: Option<String>,
    now: DateTime<Utc>,
) -> Result<Vec<String>, AppError> {
    let txn = db.begin().await?;
    let before = values(&txn).await?;
    let changed: Vec<String> = VARIABLES
        .iter()
        .map(|v| v.key)
        .filter(|key| before.get(*key) != next.get(*key))
        .map(str::to_owned)
        .collect();
    if changed.is_empty() {
        return Ok(changed);
    }
    settings::put(&txn, SETTING, next, actor.id, now).await?;
    audit::record(
        &txn,
        AuditEntry {
            actor: actor.clone(),
            action: "organisation.variables",
            subject: "organisation".to_owned(),
            before: Some(json!(before)),
            after: Some(json!(next)),
            reason,
        },
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(changed)
}

/// Puts the configured values in place of the stored ones (at start-up). Returns the keys that
/// changed.
pub async fn apply_configuration(
    db: &DatabaseConnection,
    fixed: &Values,
    now: DateTime<Utc>,
) -> Result<Vec<String>, AppError> {
    let mut next = values(db).await?;
    next.extend(fixed.iter().map(|(k, v)| (k.clone(), v.clone())));
    store(
        db,
        &Actor::system("configuration (VIGIL_ORGANISATION_FILE)"),
        &next,
        Some("Set in the configuration file".to_owned()),
        now,
    )
    .await
}

/// Gives every unset variable the demonstration organisation's value (loading the demo).
pub async fn set_demo_values(db: &DatabaseConnection, now: DateTime<Utc>) -> Result<(), AppError> {
    let mut next = variables::demo_values();
    next.extend(values(db).await?);
    store(
        db,
        &Actor::system("demo organisation"),
        &next,
        Some("The demonstration organisation's details".to_owned()),
        now,
    )
    .await
    .map(|_| ())
}

/// Publishes a new version of every current course whose text uses a variable whose value is
/// not the one its current version was rendered with. Returns (course id, new version).
pub async fn render_again(
    db: &DatabaseConnection,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<Vec<(String, i32)>, AppError> {
    let values = values(db).await?;
    let mut published = Vec::new();
    for course in courses::all(db).await? {
        let Some(version_id) = course
            .current_version_id
            .filter(|_| course.retired_at.is_none())
        else {
            continue;
        };
        let Some(version) = courses::version_by_id(db, version_id).await? else {
            continue;
        };
        if version.variables_json.is_none() {
            continue;
        }
        let files = version_files(db, version_id).await?;
        let parsed =
            off_the_runtime(move || CourseSource::new(files).and_then(parse_course)).await?;
        // A stored version always parsed once; if it no longer does, leave it as it is.
        let Ok(parsed) = parsed else {
            tracing::warn!(course = %course.slug, "a stored course version no longer parses");
            continue;
        };
        if parsed.version_hash(&values) == version.content_hash {
            continue;
        }
        if let PublishOutcome::Published { version } =
            publish(db, &parsed, actor, Via::Variables, now).await?
        {
            published.push((course.slug.clone(), version));
        }
    }
    Ok(published)
}
