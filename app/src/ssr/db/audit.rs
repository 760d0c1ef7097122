//! The append-only audit log of administrative actions. Rows are only ever inserted.

use chrono::{DateTime, Utc};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ConnectionTrait, DbErr};

use super::entities::audit_event;

/// Who did something: a person, or a tool acting without one (`vigil content import`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Actor {
    pub id: Option<i64>,
    pub label: String,
}

impl Actor {
    /// A signed-in person.
    pub fn person(id: i64, name: &str, email: &str) -> Self {
        Self {
            id: Some(id),
            label: format!("{name} <{email}>"),
        }
    }

    /// A command-line tool or start-up task.
    pub fn system(label: &str) -> Self {
        Self {
            id: None,
            label: label.to_owned(),
        }
    }
}

/// One entry for the log.
pub struct AuditEntry {
    pub actor: Actor,
    /// Dotted verb, e.g. `content.publish`.
    pub action: &'static str,
    /// What it was done to, e.g. `course:phishing-basics`.
    pub subject: String,
    pub before: Option<serde_json::Value>,
    pub after: Option<serde_json::Value>,
    pub reason: Option<String>,
}

/// Appends an entry.
pub async fn record(
    db: &impl ConnectionTrait,
    entry: AuditEntry,
    at: DateTime<Utc>,
) -> Result<(), DbErr> {
    audit_event::ActiveModel {
        at: Set(at),
        actor_id: Set(entry.actor.id),
        actor_label: Set(entry.actor.label),
        action: Set(entry.action.to_owned()),
        subject: Set(entry.subject),
        before_json: Set(entry.before.map(|v| v.to_string())),
        after_json: Set(entry.after.map(|v| v.to_string())),
        reason: Set(entry.reason),
        ..Default::default()
    }
    .insert(db)
    .await
    .map(|_| ())
}
