//! Which reminders went out: one row per (person, course, reason, date), pointing at the
//! message that carried it. The unique key makes each reminder once, across instances.

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder,
};

use super::entities::reminder_log::{self, Column, Entity, Model};
use crate::domain::reminders::{Key, Trigger};

/// Stores entries for a message.
pub async fn record(
    db: &impl ConnectionTrait,
    keys: &[Key],
    recipient: i64,
    requested_by: Option<i64>,
    outbox_id: i64,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    if keys.is_empty() {
        return Ok(());
    }
    let rows = keys.iter().map(|key| reminder_log::ActiveModel {
        subject_person_id: Set(key.subject),
        course_id: Set(key.course),
        trigger: Set(key.trigger.as_str().to_owned()),
        trigger_on: Set(key.on),
        recipient_person_id: Set(recipient),
        requested_by: Set(requested_by),
        outbox_id: Set(outbox_id),
        created_at: Set(now),
        ..Default::default()
    });
    Entity::insert_many(rows).exec_without_returning(db).await?;
    Ok(())
}

/// Every key recorded from `since` on (by trigger date), for the planner.
pub async fn keys_since(db: &impl ConnectionTrait, since: NaiveDate) -> Result<Vec<Key>, DbErr> {
    let rows = Entity::find()
        .filter(Column::TriggerOn.gte(since))
        .all(db)
        .await?;
    rows.iter().map(key_of).collect()
}

/// Whether a manual reminder about this person and course was recorded on `day`.
pub async fn manual_exists(
    db: &impl ConnectionTrait,
    person_id: i64,
    course_id: i64,
    day: NaiveDate,
) -> Result<bool, DbErr> {
    Ok(Entity::find()
        .filter(Column::SubjectPersonId.eq(person_id))
        .filter(Column::CourseId.eq(course_id))
        .filter(Column::Trigger.eq(Trigger::Manual.as_str()))
        .filter(Column::TriggerOn.eq(day))
        .one(db)
        .await?
        .is_some())
}

/// Entries about one person, newest first.
pub async fn about_person(db: &impl ConnectionTrait, person_id: i64) -> Result<Vec<Model>, DbErr> {
    Entity::find()
        .filter(Column::SubjectPersonId.eq(person_id))
        .order_by_desc(Column::CreatedAt)
        .order_by_desc(Column::Id)
        .all(db)
        .await
}

/// Entries of the given messages.
pub async fn for_messages(
    db: &impl ConnectionTrait,
    outbox_ids: &[i64],
) -> Result<Vec<Model>, DbErr> {
    let mut found = Vec::new();
    for chunk in outbox_ids.chunks(500) {
        found.extend(
            Entity::find()
                .filter(Column::OutboxId.is_in(chunk.iter().copied()))
                .order_by_asc(Column::Id)
                .all(db)
                .await?,
        );
    }
    Ok(found)
}

/// Entries recorded between two times, oldest first.
pub async fn between(
    db: &impl ConnectionTrait,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Result<Vec<Model>, DbErr> {
    Entity::find()
        .filter(Column::CreatedAt.gte(from))
        .filter(Column::CreatedAt.lt(to))
        .order_by_asc(Column::CreatedAt)
        .order_by_asc(Column::Id)
        .all(db)
        .await
}

/// The stored row as a key. An unknown trigger is an error, never a default.
pub fn key_of(row: &Model) -> Result<Key, DbErr> {
    Ok(Key {
        subject: row.subject_person_id,
        course: row.course_id,
        trigger: trigger_of(row)?,
        on: row.trigger_on,
    })
}

/// The stored trigger.
pub fn trigger_of(row: &Model) -> Result<Trigger, DbErr> {
    Trigger::parse(&row.trigger).ok_or_else(|| {
        DbErr::Custom(format!(
            "reminder log {} has an unknown trigger {:?}",
            row.id, row.trigger
        ))
    })
}
