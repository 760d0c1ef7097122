//! The outbox: reminders waiting for a mail integration to deliver them.

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait,
    QueryFilter, QueryOrder,
};

use super::entities::outbox_message::{self, Column, Entity};

/// A message to queue.
pub struct NewMessage {
    pub person_id: i64,
    pub course_id: Option<i64>,
    pub sent_by: Option<i64>,
    pub subject: String,
    pub body: String,
}

/// Queues a reminder.
pub async fn queue_reminder(
    db: &impl ConnectionTrait,
    message: NewMessage,
    now: DateTime<Utc>,
) -> Result<outbox_message::Model, DbErr> {
    outbox_message::ActiveModel {
        person_id: Set(message.person_id),
        course_id: Set(message.course_id),
        sent_by: Set(message.sent_by),
        kind: Set("reminder".to_owned()),
        subject: Set(message.subject),
        body: Set(message.body),
        status: Set("queued".to_owned()),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await
}

/// Every reminder, newest first.
pub async fn reminders(db: &impl ConnectionTrait) -> Result<Vec<outbox_message::Model>, DbErr> {
    Entity::find()
        .filter(Column::Kind.eq("reminder"))
        .order_by_desc(Column::CreatedAt)
        .all(db)
        .await
}

/// Reminders sent between two times.
pub async fn reminders_between(
    db: &impl ConnectionTrait,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Result<Vec<outbox_message::Model>, DbErr> {
    Entity::find()
        .filter(Column::Kind.eq("reminder"))
        .filter(Column::CreatedAt.gte(from))
        .filter(Column::CreatedAt.lt(to))
        .order_by_asc(Column::CreatedAt)
        .all(db)
        .await
}
