//! The witness list, and which checkpoint was queued for which witness.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use sea_orm::sea_query::OnConflict;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Set,
};

use super::entities::{ledger_witness, ledger_witness_send, outbox_message};
use super::people::to_millis;

/// Witnesses on the list now, by name.
pub async fn current(db: &impl ConnectionTrait) -> Result<Vec<ledger_witness::Model>, DbErr> {
    ledger_witness::Entity::find()
        .filter(ledger_witness::Column::RemovedAt.is_null())
        .order_by_asc(ledger_witness::Column::Name)
        .order_by_asc(ledger_witness::Column::Id)
        .all(db)
        .await
}

/// Every witness ever listed (packs name those sent checkpoints, removed since or not).
pub async fn all_by_id(
    db: &impl ConnectionTrait,
) -> Result<HashMap<i64, ledger_witness::Model>, DbErr> {
    Ok(ledger_witness::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|w| (w.id, w))
        .collect())
}

/// A witness on the list now.
pub async fn current_by_id(
    db: &impl ConnectionTrait,
    id: i64,
) -> Result<Option<ledger_witness::Model>, DbErr> {
    ledger_witness::Entity::find_by_id(id)
        .filter(ledger_witness::Column::RemovedAt.is_null())
        .one(db)
        .await
}

/// Adds a witness.
pub async fn insert(
    db: &impl ConnectionTrait,
    name: &str,
    target: &str,
    cadence: &str,
    by: i64,
    now: DateTime<Utc>,
) -> Result<ledger_witness::Model, DbErr> {
    ledger_witness::ActiveModel {
        name: Set(name.to_owned()),
        target: Set(target.to_owned()),
        cadence: Set(cadence.to_owned()),
        created_at: Set(to_millis(now)),
        created_by: Set(Some(by)),
        removed_at: Set(None),
        ..Default::default()
    }
    .insert(db)
    .await
}

/// Takes a witness off the list; false if it was already off.
pub async fn remove(db: &impl ConnectionTrait, id: i64, now: DateTime<Utc>) -> Result<bool, DbErr> {
    let result = ledger_witness::Entity::update_many()
        .col_expr(
            ledger_witness::Column::RemovedAt,
            sea_orm::sea_query::Expr::value(to_millis(now)),
        )
        .filter(ledger_witness::Column::Id.eq(id))
        .filter(ledger_witness::Column::RemovedAt.is_null())
        .exec(db)
        .await?;
    Ok(result.rows_affected == 1)
}

/// The outbox messages that carry checkpoints to a witness.
pub async fn message_ids(db: &impl ConnectionTrait, witness_id: i64) -> Result<Vec<i64>, DbErr> {
    ledger_witness_send::Entity::find()
        .select_only()
        .column(ledger_witness_send::Column::OutboxMessageId)
        .filter(ledger_witness_send::Column::WitnessId.eq(witness_id))
        .into_tuple()
        .all(db)
        .await
}

/// The newest checkpoint queued for a witness, if any.
pub async fn last_send(
    db: &impl ConnectionTrait,
    witness_id: i64,
) -> Result<Option<ledger_witness_send::Model>, DbErr> {
    ledger_witness_send::Entity::find()
        .filter(ledger_witness_send::Column::WitnessId.eq(witness_id))
        .order_by_desc(ledger_witness_send::Column::TreeSize)
        .limit(1)
        .one(db)
        .await
}

/// Remembers that the checkpoint of `tree_size` was queued for a witness as `message_id`.
/// False if it already was (by another instance): the caller then rolls back its message.
pub async fn remember_send(
    db: &impl ConnectionTrait,
    witness_id: i64,
    tree_size: i64,
    message_id: i64,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let inserted = ledger_witness_send::Entity::insert(ledger_witness_send::ActiveModel {
        witness_id: Set(witness_id),
        tree_size: Set(tree_size),
        outbox_message_id: Set(message_id),
        queued_at: Set(to_millis(now)),
    })
    .on_conflict(
        OnConflict::columns([
            ledger_witness_send::Column::WitnessId,
            ledger_witness_send::Column::TreeSize,
        ])
        .do_nothing()
        .to_owned(),
    )
    .exec_without_returning(db)
    .await?;
    Ok(inserted == 1)
}

/// Checkpoints queued for witnesses in `[from, to)`, oldest first, each with its delivery.
pub async fn sends_between(
    db: &impl ConnectionTrait,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Result<Vec<(ledger_witness_send::Model, Option<outbox_message::Model>)>, DbErr> {
    let sends = ledger_witness_send::Entity::find()
        .filter(ledger_witness_send::Column::QueuedAt.gte(from))
        .filter(ledger_witness_send::Column::QueuedAt.lt(to))
        .order_by_asc(ledger_witness_send::Column::QueuedAt)
        .order_by_asc(ledger_witness_send::Column::TreeSize)
        .order_by_asc(ledger_witness_send::Column::WitnessId)
        .all(db)
        .await?;
    let ids: Vec<i64> = sends.iter().map(|s| s.outbox_message_id).collect();
    let messages: HashMap<i64, outbox_message::Model> = super::outbox::with_ids(db, &ids)
        .await?
        .into_iter()
        .map(|m| (m.id, m))
        .collect();
    Ok(sends
        .into_iter()
        .map(|send| {
            let message = messages.get(&send.outbox_message_id).cloned();
            (send, message)
        })
        .collect())
}
