//! Witnesses of the ledger: the list compliance administrators keep, and queueing each new (or
//! each day's) checkpoint for them through the outbox, so that delivery is retried, happens once
//! across instances, and shows what was really sent.

use chrono::{DateTime, Utc};
use sea_orm::DatabaseConnection;
use serde_json::json;

use super::auth::current_user::CurrentUser;
use super::db::audit::{self, AuditEntry};
use super::db::entities::ledger_checkpoint;
use super::db::outbox::{self, NewMessage};
use super::db::witnesses;
use super::mail::MailSettings;
use crate::domain::mail::MessageKind;
use crate::domain::person::required_text;
use crate::domain::witness::{Cadence, Target, email_text};
use crate::dto::witness::{WitnessRow, WitnessesView};
use crate::error::{AppError, Field, Invalid, Resource};

/// The list, with where each witness's newest checkpoint stands.
pub async fn list(db: &DatabaseConnection, mail: &MailSettings) -> Result<WitnessesView, AppError> {
    let mut rows = Vec::new();
    for witness in witnesses::current(db).await? {
        let last = match witnesses::last_send(db, witness.id).await? {
            Some(send) => match outbox::by_id(db, send.outbox_message_id).await? {
                Some(message) => Some((send.tree_size, outbox::delivery(&message)?)),
                None => None,
            },
            None => None,
        };
        let cadence = Cadence::parse(&witness.cadence)?;
        rows.push(WitnessRow {
            id: witness.id,
            by_web: Target::parse(&witness.target).is_ok_and(|t| t.is_url()),
            name: witness.name,
            target: witness.target,
            cadence: cadence.label().to_owned(),
            added_at: witness.created_at,
            last,
        });
    }
    Ok(WitnessesView {
        witnesses: rows,
        mail_on: mail.mode.is_on(),
    })
}

/// Adds a witness (audited in the same transaction). They get the newest checkpoint at the next
/// round.
pub async fn add(
    db: &DatabaseConnection,
    admin: &CurrentUser,
    name: &str,
    target: &str,
    cadence: &str,
    now: DateTime<Utc>,
) -> Result<i64, AppError> {
    let name = required_text(name, Field::Name)?;
    let target = Target::parse(target)?;
    let cadence = Cadence::parse(cadence)?;
    let txn = crate::ssr::db::begin(db).await?;
    if witnesses::current(&txn)
        .await?
        .iter()
        .any(|w| w.target == target.as_str())
    {
        return Err(Invalid::WitnessDuplicate.into());
    }
    let added = witnesses::insert(
        &txn,
        &name,
        target.as_str(),
        cadence.as_str(),
        admin.person.id,
        now,
    )
    .await?;
    audit::record(
        &txn,
        AuditEntry {
            actor: admin.actor(),
            action: "witness.add",
            subject: format!("witness:{}", added.id),
            before: None,
            after: Some(
                json!({ "name": name, "target": target.as_str(), "cadence": cadence.as_str() }),
            ),
            reason: None,
        },
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(added.id)
}

/// Takes a witness off the list (audited in the same transaction). What they were sent stays in
/// the evidence.
pub async fn remove(
    db: &DatabaseConnection,
    admin: &CurrentUser,
    id: i64,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let txn = crate::ssr::db::begin(db).await?;
    let witness = witnesses::current_by_id(&txn, id)
        .await?
        .ok_or(AppError::NotFound(Resource::Witness))?;
    if !witnesses::remove(&txn, id, now).await? {
        return Err(AppError::NotFound(Resource::Witness));
    }
    // Checkpoints still waiting for them are not sent (the evidence shows them cancelled).
    let waiting = witnesses::message_ids(&txn, id).await?;
    outbox::cancel_queued(&txn, &waiting, "the witness was removed from the list", now).await?;
    audit::record(
        &txn,
        AuditEntry {
            actor: admin.actor(),
            action: "witness.remove",
            subject: format!("witness:{id}"),
            before: Some(json!({ "name": witness.name, "target": witness.target, "cadence": witness.cadence })),
            after: None,
            reason: None,
        },
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// Queues `checkpoint` for every witness who is due it and has not had it. Each witness's
/// message and the note of what it carries commit together, once across instances. Returns how
/// many were queued.
pub async fn queue_checkpoint(
    db: &DatabaseConnection,
    mail: &MailSettings,
    checkpoint: &ledger_checkpoint::Model,
    now: DateTime<Utc>,
) -> Result<usize, AppError> {
    let mut queued = 0;
    if checkpoint.tree_size == 0 {
        // The empty ledger's checkpoint commits to nothing.
        return Ok(0);
    }
    for witness in witnesses::current(db).await? {
        let cadence = Cadence::parse(&witness.cadence)?;
        let target = Target::parse(&witness.target)?;
        let last = witnesses::last_send(db, witness.id).await?;
        if last
            .as_ref()
            .is_some_and(|last| last.tree_size >= checkpoint.tree_size)
            || !cadence.is_due(last.map(|l| l.queued_at), now)
        {
            continue;
        }
        let size = u64::try_from(checkpoint.tree_size).unwrap_or_default();
        let (subject, text_body, kind) = if target.is_url() {
            (
                format!("Vigil ledger checkpoint: {size} records"),
                checkpoint.note.clone(),
                MessageKind::WitnessPost,
            )
        } else {
            let (subject, body) = email_text(&checkpoint.note, size, &mail.public_base);
            (subject, body, MessageKind::WitnessEmail)
        };
        let html_body = format!(
            "<pre>{}</pre>",
            ammonia::clean_text(&text_body).replace("&#32;", " ")
        );
        let txn = crate::ssr::db::begin(db).await?;
        let message = outbox::queue(
            &txn,
            NewMessage {
                kind,
                person_id: None,
                recipient: target.as_str().to_owned(),
                course_id: None,
                sent_by: None,
                subject,
                text_body,
                html_body,
                // Once per witness and checkpoint: `remember_send` below decides.
                dedupe_key: None,
            },
            &mail.message_domain,
            now,
        )
        .await?;
        if witnesses::remember_send(&txn, witness.id, checkpoint.tree_size, message.id, now).await?
        {
            txn.commit().await?;
            queued += 1;
        } else {
            txn.rollback().await?;
        }
    }
    if queued > 0 {
        mail.wake();
    }
    Ok(queued)
}
