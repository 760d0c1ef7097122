//! Building what pages show about email from the outbox and the invitation links.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use sea_orm::ConnectionTrait;

use crate::domain::account_link::InvitationState;
use crate::domain::mail::{DeliveryStatus, MailMode, MessageKind};
use crate::dto::mail::{InvitationView, MailQueueView, MessageRow};
use crate::error::AppError;
use crate::ssr::db::entities::{outbox_message, person};
use crate::ssr::db::{account_tokens, outbox};
use crate::ssr::internal;

/// How many messages one page of the queue lists.
pub const PAGE_SIZE: u64 = 50;

/// A stored message as a row. Unknown stored kinds or statuses are errors.
pub fn message_row(message: &outbox_message::Model) -> Result<MessageRow, AppError> {
    let kind = MessageKind::parse(&message.kind).ok_or_else(|| {
        internal(
            "outbox",
            format!(
                "message {} has an unknown kind {:?}",
                message.id, message.kind
            ),
        )
    })?;
    Ok(MessageRow {
        id: message.id,
        kind,
        subject: message.subject.clone(),
        recipient: message.recipient.clone(),
        message_id: message.message_id.clone(),
        delivery: outbox::delivery(message)?,
    })
}

/// Each person's invitation state (and its message's delivery), for the people given.
pub async fn invitations(
    db: &impl ConnectionTrait,
    people: &[person::Model],
    now: DateTime<Utc>,
) -> Result<HashMap<i64, InvitationView>, AppError> {
    let ids: Vec<i64> = people.iter().map(|p| p.id).collect();
    let latest = account_tokens::latest_invitations(db, &ids).await?;
    let mut views = HashMap::new();
    for person in people {
        let row = latest.get(&person.id);
        let facts = row
            .map(|row| account_tokens::facts(row, person.active))
            .transpose()?;
        let state = InvitationState::of(facts.as_ref(), person.password_hash.is_some(), now);
        let delivery = match row.and_then(|r| r.outbox_id) {
            Some(id) => outbox::by_id(db, id)
                .await?
                .map(|m| outbox::delivery(&m))
                .transpose()?,
            None => None,
        };
        views.insert(person.id, InvitationView { state, delivery });
    }
    Ok(views)
}

/// One page (from 1) of the outbox, newest first, optionally only one status.
pub async fn queue(
    db: &impl ConnectionTrait,
    mode: MailMode,
    status: &str,
    page: u64,
) -> Result<MailQueueView, AppError> {
    let filter: Vec<DeliveryStatus> = DeliveryStatus::parse(status).into_iter().collect();
    let page = page.max(1);
    let (rows, total) = outbox::page(db, &filter, page - 1, PAGE_SIZE).await?;
    let counts = outbox::counts(db).await?;
    let count = |status| counts.get(&status).copied().unwrap_or(0);
    Ok(MailQueueView {
        mode,
        queued: count(DeliveryStatus::Queued),
        sent: count(DeliveryStatus::Sent),
        failed: count(DeliveryStatus::Failed),
        cancelled: count(DeliveryStatus::Cancelled),
        messages: rows.iter().map(message_row).collect::<Result<_, _>>()?,
        page,
        pages: total.div_ceil(PAGE_SIZE).max(1),
        status: filter
            .first()
            .map(|s| s.as_str().to_owned())
            .unwrap_or_default(),
    })
}
