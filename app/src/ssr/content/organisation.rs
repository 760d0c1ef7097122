//! The organisation's details that courses use (`{{org.name}}`, `{{contacts.security_email}}`,
//! ...): kept as a setting, set by compliance administrators in the browser or fixed by the
//! configuration file, and every course that uses a changed one rendered again as a new version
//! (not a material change), so each version, and each record of it, says what was read.

use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, DatabaseConnection, DbErr};
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
    let txn = crate::ssr::db::begin(db).await?;
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
    let in_use: Vec<(String, i64)> = courses::all(db)
        .await?
        .into_iter()
        .filter(|course| course.retired_at.is_none())
        .filter_map(|course| course.current_version_id.map(|id| (course.slug, id)))
        .collect();
    let ids: Vec<i64> = in_use.iter().map(|(_, id)| *id).collect();
    // At every start: most courses are unchanged, and telling so needs neither their files nor
    // a parse (which took about 250 ms of a PostgreSQL start for the shipped courses).
    let summaries = courses::version_summaries(db, &ids).await?;
    for (slug, version_id) in in_use {
        let Some(summary) = summaries.get(&version_id) else {
            continue;
        };
        let Some(recorded) = summary.variables_json.as_deref() else {
            continue;
        };
        if summary
            .source_hash
            .as_deref()
            .is_some_and(|source| still_current(source, recorded, &values, &summary.content_hash))
        {
            continue;
        }
        let files = version_files(db, version_id).await?;
        let parsed =
            off_the_runtime(move || CourseSource::new(files).and_then(parse_course)).await?;
        // A stored version always parsed once; if it no longer does, leave it as it is.
        let Ok(parsed) = parsed else {
            tracing::warn!(course = %slug, "a stored course version no longer parses");
            continue;
        };
        if parsed.version_hash(&values) == summary.content_hash {
            continue;
        }
        if let PublishOutcome::Published { version } =
            publish(db, &parsed, actor, Via::Variables, now).await?
        {
            published.push((slug, version));
        }
    }
    Ok(published)
}

/// Whether a version rendered from files hashing to `source_hash` with the variables `recorded`
/// (its `variables_json`) is what those files give with `values`: the same hash as a parse of
/// the files would compute (`variables::version_hash`), from what the version stored.
fn still_current(source_hash: &str, recorded: &str, values: &Values, content_hash: &str) -> bool {
    let Ok(recorded) =
        serde_json::from_str::<std::collections::BTreeMap<String, Option<String>>>(recorded)
    else {
        return false;
    };
    let used: std::collections::BTreeSet<&str> = recorded.keys().map(String::as_str).collect();
    variables::version_hash(source_hash, &used, values) == content_hash
}

#[cfg(test)]
mod still_current_tests {
    use super::*;

    #[test]
    fn a_version_is_current_only_while_every_value_it_recorded_is_unchanged() {
        let values = |name: &str| Values::from([("org.name".to_owned(), name.to_owned())]);
        let used = std::collections::BTreeSet::from(["org.name", "policies.url"]);
        let rendered = variables::version_hash("files", &used, &values("Acme Ltd"));
        // As publish stores it: each variable the course uses, unset ones as null.
        let recorded = r#"{"org.name": "Acme Ltd", "policies.url": null}"#;
        assert!(still_current(
            "files",
            recorded,
            &values("Acme Ltd"),
            &rendered
        ));
        assert!(!still_current(
            "files",
            recorded,
            &values("Acme plc"),
            &rendered
        ));
        let mut with_url = values("Acme Ltd");
        with_url.insert("policies.url".into(), "https://acme.example/p".into());
        assert!(
            !still_current("files", recorded, &with_url, &rendered),
            "a value set since"
        );
        assert!(!still_current(
            "other files",
            recorded,
            &values("Acme Ltd"),
            &rendered
        ));
        assert!(!still_current(
            "files",
            "not json",
            &values("Acme Ltd"),
            &rendered
        ));
    }
}
