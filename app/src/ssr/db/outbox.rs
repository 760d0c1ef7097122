//! The outbox: every email Vigil sends, from being queued (in the transaction of the action
//! that caused it) through delivery attempts to `sent`, `failed` or `cancelled`.
//!
//! Delivery workers claim due messages with a lease (`claimed_until`), in one statement that on
//! PostgreSQL skips rows another instance is claiming (`FOR UPDATE SKIP LOCKED`), so each
//! message is handed to one worker at a time. A worker records its result only while it still
//! holds the claim.

use std::collections::HashMap;

use chrono::{DateTime, Duration, Utc};
use sea_orm::sea_query::{Expr, LockBehavior, LockType};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, DbBackend, DbErr,
    EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, QueryTrait,
};

use super::entities::outbox_message::{self, Column, Entity, Model};
use crate::domain::mail::{Delivery, DeliveryStatus, MessageKind};

/// A message to queue.
#[derive(Clone, Debug)]
pub struct NewMessage {
    pub kind: MessageKind,
    pub person_id: Option<i64>,
    pub recipient: String,
    pub course_id: Option<i64>,
    pub sent_by: Option<i64>,
    pub subject: String,
    pub text_body: String,
    pub html_body: String,
    /// At most one message with this key is ever queued.
    pub dedupe_key: Option<String>,
}

/// Queues a message with a fresh, stable `Message-ID` in `domain`. Run it in the transaction of
/// the action that causes the message.
pub async fn queue(
    db: &impl ConnectionTrait,
    message: NewMessage,
    domain: &str,
    now: DateTime<Utc>,
) -> Result<Model, DbErr> {
    outbox_message::ActiveModel {
        message_id: Set(format!("<{}@{domain}>", uuid::Uuid::new_v4().simple())),
        kind: Set(message.kind.as_str().to_owned()),
        person_id: Set(message.person_id),
        recipient: Set(message.recipient),
        course_id: Set(message.course_id),
        sent_by: Set(message.sent_by),
        subject: Set(message.subject),
        text_body: Set(message.text_body),
        html_body: Set(message.html_body),
        status: Set(DeliveryStatus::Queued.as_str().to_owned()),
        attempts: Set(0),
        next_attempt_at: Set(now),
        claimed_until: Set(None),
        claimed_by: Set(None),
        created_at: Set(now),
        sent_at: Set(None),
        smtp_reply: Set(None),
        failed_at: Set(None),
        last_error: Set(None),
        dedupe_key: Set(message.dedupe_key),
        ..Default::default()
    }
    .insert(db)
    .await
}

/// How a queued message travels, and so which worker claims it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Channel {
    /// By SMTP: everything but checkpoints for web witnesses.
    Mail,
    /// By web request: checkpoints POSTed to witnesses.
    Web,
}

impl Channel {
    fn condition(self) -> Condition {
        let web = MessageKind::WitnessPost.as_str();
        match self {
            Self::Mail => Condition::all().add(Column::Kind.ne(web)),
            Self::Web => Condition::all().add(Column::Kind.eq(web)),
        }
    }
}

/// Claims up to `limit` queued messages of `channel` that are due and not held by another
/// worker, for `lease`. Returns them; the caller sends each and records the outcome.
pub async fn claim_due(
    db: &impl ConnectionTrait,
    channel: Channel,
    worker: &str,
    now: DateTime<Utc>,
    lease: Duration,
    limit: u64,
) -> Result<Vec<Model>, DbErr> {
    let mut due = Entity::find()
        .select_only()
        .column(Column::Id)
        .filter(channel.condition())
        .filter(Column::Status.eq(DeliveryStatus::Queued.as_str()))
        .filter(Column::NextAttemptAt.lte(now))
        .filter(
            Condition::any()
                .add(Column::ClaimedUntil.is_null())
                .add(Column::ClaimedUntil.lt(now)),
        )
        .order_by_asc(Column::NextAttemptAt)
        .order_by_asc(Column::Id)
        .limit(limit);
    if db.get_database_backend() == DbBackend::Postgres {
        due = due.lock_with_behavior(LockType::Update, LockBehavior::SkipLocked);
    }
    let mut claimed = Entity::update_many()
        .col_expr(Column::ClaimedBy, Expr::value(worker.to_owned()))
        .col_expr(Column::ClaimedUntil, Expr::value(now + lease))
        .filter(Column::Id.in_subquery(due.into_query()))
        // Checked again on the row itself, in case it changed since the sub-select.
        .filter(Column::Status.eq(DeliveryStatus::Queued.as_str()))
        .filter(
            Condition::any()
                .add(Column::ClaimedUntil.is_null())
                .add(Column::ClaimedUntil.lt(now)),
        )
        .exec_with_returning(db)
        .await?;
    claimed.sort_by_key(|m| (m.next_attempt_at, m.id));
    Ok(claimed)
}

/// Claims one queued message by id (for `vigil mail test`).
pub async fn claim_one(
    db: &impl ConnectionTrait,
    id: i64,
    worker: &str,
    now: DateTime<Utc>,
    lease: Duration,
) -> Result<Option<Model>, DbErr> {
    Ok(Entity::update_many()
        .col_expr(Column::ClaimedBy, Expr::value(worker.to_owned()))
        .col_expr(Column::ClaimedUntil, Expr::value(now + lease))
        .filter(Column::Id.eq(id))
        .filter(Column::Status.eq(DeliveryStatus::Queued.as_str()))
        .filter(
            Condition::any()
                .add(Column::ClaimedUntil.is_null())
                .add(Column::ClaimedUntil.lt(now)),
        )
        .exec_with_returning(db)
        .await?
        .pop())
}

/// The outcome of one delivery attempt.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    Sent { reply: String },
    RetryAt { at: DateTime<Utc>, error: String },
    Failed { error: String },
    Cancelled { reason: String },
}

/// Records the outcome of the attempt `worker` made, if it still holds the claim. Returns
/// whether it did (false: the lease ran out and another worker took over).
pub async fn record(
    db: &impl ConnectionTrait,
    id: i64,
    worker: &str,
    attempts: i32,
    outcome: Outcome,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let mut update = Entity::update_many()
        .col_expr(Column::Attempts, Expr::value(attempts))
        .col_expr(
            Column::ClaimedUntil,
            Expr::value(Option::<DateTime<Utc>>::None),
        )
        .col_expr(Column::ClaimedBy, Expr::value(Option::<String>::None));
    update = match outcome {
        Outcome::Sent { reply } => update
            .col_expr(Column::Status, Expr::value(DeliveryStatus::Sent.as_str()))
            .col_expr(Column::SentAt, Expr::value(now))
            .col_expr(Column::SmtpReply, Expr::value(reply)),
        Outcome::RetryAt { at, error } => update
            .col_expr(Column::NextAttemptAt, Expr::value(at))
            .col_expr(Column::LastError, Expr::value(error)),
        Outcome::Failed { error } => update
            .col_expr(Column::Status, Expr::value(DeliveryStatus::Failed.as_str()))
            .col_expr(Column::FailedAt, Expr::value(now))
            .col_expr(Column::LastError, Expr::value(error)),
        Outcome::Cancelled { reason } => update
            .col_expr(
                Column::Status,
                Expr::value(DeliveryStatus::Cancelled.as_str()),
            )
            .col_expr(Column::FailedAt, Expr::value(now))
            .col_expr(Column::LastError, Expr::value(reason)),
    };
    let result = update
        .filter(Column::Id.eq(id))
        .filter(Column::ClaimedBy.eq(worker))
        .filter(Column::Status.eq(DeliveryStatus::Queued.as_str()))
        .exec(db)
        .await?;
    Ok(result.rows_affected == 1)
}

/// Cancels every queued message to a person (they were deactivated).
pub async fn cancel_for_person(
    db: &impl ConnectionTrait,
    person_id: i64,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<u64, DbErr> {
    Entity::update_many()
        .col_expr(
            Column::Status,
            Expr::value(DeliveryStatus::Cancelled.as_str()),
        )
        .col_expr(Column::FailedAt, Expr::value(now))
        .col_expr(Column::LastError, Expr::value(reason.to_owned()))
        .filter(Column::PersonId.eq(person_id))
        .filter(Column::Status.eq(DeliveryStatus::Queued.as_str()))
        .exec(db)
        .await
        .map(|r| r.rows_affected)
}

/// Cancels those of these messages still queued (their reason no longer holds).
pub async fn cancel_queued(
    db: &impl ConnectionTrait,
    ids: &[i64],
    reason: &str,
    now: DateTime<Utc>,
) -> Result<u64, DbErr> {
    if ids.is_empty() {
        return Ok(0);
    }
    Entity::update_many()
        .col_expr(
            Column::Status,
            Expr::value(DeliveryStatus::Cancelled.as_str()),
        )
        .col_expr(Column::FailedAt, Expr::value(now))
        .col_expr(Column::LastError, Expr::value(reason.to_owned()))
        .filter(Column::Id.is_in(ids.iter().copied()))
        .filter(Column::Status.eq(DeliveryStatus::Queued.as_str()))
        .exec(db)
        .await
        .map(|r| r.rows_affected)
}

/// A message's delivery as pages show it. Unknown stored statuses are an error.
pub fn delivery(message: &Model) -> Result<Delivery, DbErr> {
    let status = DeliveryStatus::parse(&message.status).ok_or_else(|| {
        DbErr::Custom(format!(
            "outbox message {} has an unknown status {:?}",
            message.id, message.status
        ))
    })?;
    Ok(Delivery {
        status,
        queued_at: message.created_at,
        sent_at: message.sent_at,
        failed_at: message.failed_at,
        error: message.last_error.clone(),
        attempts: message.attempts,
    })
}

/// The message kinds that remind someone about training.
fn reminder_kinds() -> [&'static str; 2] {
    [
        MessageKind::Reminder.as_str(),
        MessageKind::ScheduledReminder.as_str(),
    ]
}

/// Each person's newest reminder message, for the people given.
pub async fn latest_reminder_by_person(
    db: &impl ConnectionTrait,
    person_ids: &[i64],
) -> Result<HashMap<i64, Model>, DbErr> {
    let mut latest = HashMap::new();
    for chunk in person_ids.chunks(500) {
        let messages = Entity::find()
            .filter(Column::Kind.is_in(reminder_kinds()))
            .filter(Column::PersonId.is_in(chunk.iter().copied()))
            .order_by_desc(Column::CreatedAt)
            .order_by_desc(Column::Id)
            .all(db)
            .await?;
        for message in messages {
            if let Some(person) = message.person_id {
                latest.entry(person).or_insert(message);
            }
        }
    }
    Ok(latest)
}

/// Reminder messages queued between two times, oldest first.
pub async fn reminders_between(
    db: &impl ConnectionTrait,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Result<Vec<Model>, DbErr> {
    Entity::find()
        .filter(Column::Kind.is_in(reminder_kinds()))
        .filter(Column::CreatedAt.gte(from))
        .filter(Column::CreatedAt.lt(to))
        .order_by_asc(Column::CreatedAt)
        .order_by_asc(Column::Id)
        .all(db)
        .await
}

/// Up to `limit` reminder messages after row `after_id`, in id order, optionally queued within
/// `[from, to)`.
pub async fn reminders_after(
    db: &impl ConnectionTrait,
    after_id: i64,
    from: Option<DateTime<Utc>>,
    to: Option<DateTime<Utc>>,
    limit: u64,
) -> Result<Vec<Model>, DbErr> {
    let mut query = Entity::find()
        .filter(Column::Kind.is_in(reminder_kinds()))
        .filter(Column::Id.gt(after_id));
    if let Some(from) = from {
        query = query.filter(Column::CreatedAt.gte(from));
    }
    if let Some(to) = to {
        query = query.filter(Column::CreatedAt.lt(to));
    }
    query.order_by_asc(Column::Id).limit(limit).all(db).await
}

/// Every reminder message, newest first.
pub async fn reminders(db: &impl ConnectionTrait) -> Result<Vec<Model>, DbErr> {
    Entity::find()
        .filter(Column::Kind.is_in(reminder_kinds()))
        .order_by_desc(Column::CreatedAt)
        .order_by_desc(Column::Id)
        .all(db)
        .await
}

/// The people (of those given) who were sent, or are queued to get, a reminder message since
/// `since`.
pub async fn reminded_since(
    db: &impl ConnectionTrait,
    since: DateTime<Utc>,
) -> Result<Vec<i64>, DbErr> {
    let ids: Vec<Option<i64>> = Entity::find()
        .select_only()
        .column(Column::PersonId)
        .filter(Column::Kind.is_in(reminder_kinds()))
        .filter(Column::CreatedAt.gte(since))
        .filter(Column::Status.ne(DeliveryStatus::Cancelled.as_str()))
        .into_tuple()
        .all(db)
        .await?;
    Ok(ids.into_iter().flatten().collect())
}

/// One message by its row id.
pub async fn by_id(db: &impl ConnectionTrait, id: i64) -> Result<Option<Model>, DbErr> {
    Entity::find_by_id(id).one(db).await
}

/// The messages with these ids (in no particular order).
pub async fn with_ids(db: &impl ConnectionTrait, ids: &[i64]) -> Result<Vec<Model>, DbErr> {
    let mut found = Vec::new();
    for chunk in ids.chunks(500) {
        found.extend(
            Entity::find()
                .filter(Column::Id.is_in(chunk.iter().copied()))
                .all(db)
                .await?,
        );
    }
    Ok(found)
}

/// Messages to one person, newest first.
pub async fn for_person(
    db: &impl ConnectionTrait,
    person_id: i64,
    limit: u64,
) -> Result<Vec<Model>, DbErr> {
    Entity::find()
        .filter(Column::PersonId.eq(person_id))
        .order_by_desc(Column::CreatedAt)
        .order_by_desc(Column::Id)
        .limit(limit)
        .all(db)
        .await
}

/// A page of messages, newest first, optionally only those in `statuses`; with the total.
pub async fn page(
    db: &impl ConnectionTrait,
    statuses: &[DeliveryStatus],
    page: u64,
    per_page: u64,
) -> Result<(Vec<Model>, u64), DbErr> {
    let mut query = Entity::find();
    if !statuses.is_empty() {
        query = query.filter(Column::Status.is_in(statuses.iter().map(|s| s.as_str())));
    }
    let total = query.clone().count(db).await?;
    let rows = query
        .order_by_desc(Column::CreatedAt)
        .order_by_desc(Column::Id)
        .offset(page.saturating_mul(per_page))
        .limit(per_page)
        .all(db)
        .await?;
    Ok((rows, total))
}

/// How many messages are in each status.
pub async fn counts(db: &impl ConnectionTrait) -> Result<HashMap<DeliveryStatus, u64>, DbErr> {
    let rows: Vec<(String, i64)> = Entity::find()
        .select_only()
        .column(Column::Status)
        .column_as(Column::Id.count(), "n")
        .group_by(Column::Status)
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .filter_map(|(status, n)| Some((DeliveryStatus::parse(&status)?, u64::try_from(n).ok()?)))
        .collect())
}
