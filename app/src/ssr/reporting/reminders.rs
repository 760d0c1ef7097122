//! Reminder messages as report rows: one row per reminder entry (who was told about whose
//! course, and why), with the carrying message's delivery exactly as recorded. A queued or failed
//! message is never called sent. Used by the reminders export and the evidence pack.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use sea_orm::ConnectionTrait;

use crate::domain::mail::DeliveryStatus;
use crate::domain::reminders::Trigger;
use crate::error::AppError;
use crate::ssr::db::entities::outbox_message;
use crate::ssr::db::{outbox, reminder_log};

/// The columns, in order.
pub const COLUMNS: [&str; 13] = [
    "queued_at",
    "message_id",
    "kind",
    "to",
    "about_person",
    "course",
    "reason",
    "requested_by",
    "status",
    "sent_at",
    "smtp_reply",
    "failed_at",
    "failure_reason",
];

/// Reminder messages by where their delivery stands.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Tally {
    pub sent: usize,
    pub queued: usize,
    pub not_delivered: usize,
}

/// How rows name people and courses.
pub struct Names<'a> {
    pub person: &'a (dyn Fn(Option<i64>) -> String + Sync),
    pub course: &'a (dyn Fn(i64) -> Option<String> + Sync),
}

/// Rows for `messages` (reminder messages), with their entries, and the tally of their states.
pub async fn rows(
    db: &impl ConnectionTrait,
    messages: &[outbox_message::Model],
    names: &Names<'_>,
) -> Result<(Vec<Vec<String>>, Tally), AppError> {
    let ids: Vec<i64> = messages.iter().map(|m| m.id).collect();
    let mut entries: HashMap<i64, Vec<_>> = HashMap::new();
    for entry in reminder_log::for_messages(db, &ids).await? {
        entries.entry(entry.outbox_id).or_default().push(entry);
    }
    let mut tally = Tally::default();
    let mut rows = Vec::new();
    let time =
        |at: Option<DateTime<Utc>>| at.map(crate::domain::ledger::timestamp).unwrap_or_default();
    for message in messages {
        let delivery = outbox::delivery(message)?;
        match delivery.status {
            DeliveryStatus::Sent => tally.sent += 1,
            DeliveryStatus::Queued => tally.queued += 1,
            DeliveryStatus::Failed | DeliveryStatus::Cancelled => tally.not_delivered += 1,
        }
        let mut about: Vec<[String; 4]> = Vec::new();
        for entry in entries.get(&message.id).into_iter().flatten() {
            let trigger = reminder_log::trigger_of(entry)?;
            about.push([
                (names.person)(Some(entry.subject_person_id)),
                if trigger == Trigger::Digest {
                    "whole team".to_owned()
                } else {
                    (names.course)(entry.course_id).unwrap_or_default()
                },
                trigger.label().to_owned(),
                (names.person)(entry.requested_by),
            ]);
        }
        if about.is_empty() {
            // Queued before entries were recorded: what the message itself names.
            about.push([
                (names.person)(message.person_id),
                message
                    .course_id
                    .and_then(names.course)
                    .unwrap_or_else(|| "all outstanding training".into()),
                "reminder".to_owned(),
                (names.person)(message.sent_by),
            ]);
        }
        for [person, course, reason, requested_by] in about {
            rows.push(vec![
                crate::domain::ledger::timestamp(message.created_at),
                message.message_id.clone(),
                message.kind.clone(),
                message.recipient.clone(),
                person,
                course,
                reason,
                requested_by,
                delivery.status.as_str().to_owned(),
                time(message.sent_at),
                message.smtp_reply.clone().unwrap_or_default(),
                time(message.failed_at),
                if delivery.status == DeliveryStatus::Sent {
                    String::new()
                } else {
                    message.last_error.clone().unwrap_or_default()
                },
            ]);
        }
    }
    Ok((rows, tally))
}
