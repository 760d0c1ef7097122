//! The ledger's Merkle tree (every perfect subtree, see `domain::merkle`) and its signed
//! checkpoints, as stored. Both tables are append-only.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Condition, OnConflict};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect,
};

use super::entities::ledger_tree_node::{self, Column, Entity};
use super::entities::{ledger_checkpoint, ledger_pack_checkpoint};
use crate::domain::merkle::{Hash, Node};

/// How many leaves the stored tree has.
pub async fn size(db: &impl ConnectionTrait) -> Result<u64, DbErr> {
    let last: Option<Option<i64>> = Entity::find()
        .select_only()
        .column_as(Column::Idx.max(), "last")
        .filter(Column::Level.eq(0))
        .into_tuple()
        .one(db)
        .await?;
    Ok(last.flatten().map_or(0, |last| last as u64 + 1))
}

/// The hashes of `nodes`, in the same order; an error names the first one not stored.
pub async fn hashes(db: &impl ConnectionTrait, nodes: &[Node]) -> Result<Vec<Hash>, DbErr> {
    let mut found = std::collections::HashMap::with_capacity(nodes.len());
    // A proof needs at most two per level; a few dozen conditions at a time.
    for chunk in nodes.chunks(64) {
        let condition = chunk.iter().fold(Condition::any(), |any, node| {
            any.add(
                Condition::all()
                    .add(Column::Level.eq(node.level as i16))
                    .add(Column::Idx.eq(node.index as i64)),
            )
        });
        for row in Entity::find().filter(condition).all(db).await? {
            found.insert((row.level, row.idx), row.hash);
        }
    }
    nodes
        .iter()
        .map(|node| {
            let key = (node.level as i16, node.index as i64);
            let hex = found.get(&key).ok_or_else(|| {
                DbErr::RecordNotFound(format!(
                    "ledger tree node at level {} index {}",
                    node.level, node.index
                ))
            })?;
            decode(hex)
        })
        .collect()
}

/// The stored leaf hashes of leaves `from..to`, in order.
pub async fn leaves(db: &impl ConnectionTrait, from: u64, to: u64) -> Result<Vec<Hash>, DbErr> {
    Entity::find()
        .filter(Column::Level.eq(0))
        .filter(Column::Idx.gte(from as i64))
        .filter(Column::Idx.lt(to as i64))
        .order_by_asc(Column::Idx)
        .all(db)
        .await?
        .iter()
        .map(|row| decode(&row.hash))
        .collect()
}

/// Stores new nodes.
pub async fn insert(db: &impl ConnectionTrait, made: &[(Node, Hash)]) -> Result<(), DbErr> {
    for chunk in made.chunks(500) {
        Entity::insert_many(
            chunk
                .iter()
                .map(|(node, hash)| ledger_tree_node::ActiveModel {
                    level: Set(node.level as i16),
                    idx: Set(node.index as i64),
                    hash: Set(hex::encode(hash)),
                }),
        )
        .exec(db)
        .await?;
    }
    Ok(())
}

/// A stored hash (lower-case hex) as bytes.
pub fn decode(hex_hash: &str) -> Result<Hash, DbErr> {
    hex::decode(hex_hash)
        .ok()
        .and_then(|bytes| bytes.try_into().ok())
        .ok_or_else(|| DbErr::Custom(format!("a stored tree hash is not SHA-256 hex: {hex_hash}")))
}

/// The newest checkpoint.
pub async fn latest_checkpoint(
    db: &impl ConnectionTrait,
) -> Result<Option<ledger_checkpoint::Model>, DbErr> {
    ledger_checkpoint::Entity::find()
        .order_by_desc(ledger_checkpoint::Column::TreeSize)
        .one(db)
        .await
}

/// The checkpoints of these tree sizes.
pub async fn checkpoints_of_sizes(
    db: &impl ConnectionTrait,
    sizes: &[i64],
) -> Result<Vec<ledger_checkpoint::Model>, DbErr> {
    let mut found = Vec::with_capacity(sizes.len());
    for chunk in sizes.chunks(1_000) {
        found.extend(
            ledger_checkpoint::Entity::find()
                .filter(ledger_checkpoint::Column::TreeSize.is_in(chunk.iter().copied()))
                .all(db)
                .await?,
        );
    }
    Ok(found)
}

/// Checkpoints made from `from` (inclusive) to `to` (exclusive), oldest first.
pub async fn checkpoints_between(
    db: &impl ConnectionTrait,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Result<Vec<ledger_checkpoint::Model>, DbErr> {
    ledger_checkpoint::Entity::find()
        .filter(ledger_checkpoint::Column::CreatedAt.gte(from))
        .filter(ledger_checkpoint::Column::CreatedAt.lt(to))
        .order_by_asc(ledger_checkpoint::Column::TreeSize)
        .all(db)
        .await
}

/// Keeps a checkpoint; one of the same size already kept (by another instance) stays.
pub async fn insert_checkpoint(
    db: &impl ConnectionTrait,
    size: u64,
    root: &Hash,
    note: String,
    at: DateTime<Utc>,
) -> Result<(), DbErr> {
    ledger_checkpoint::Entity::insert(ledger_checkpoint::ActiveModel {
        tree_size: Set(size as i64),
        root_hash: Set(hex::encode(root)),
        note: Set(note),
        created_at: Set(super::people::to_millis(at)),
    })
    .on_conflict(
        OnConflict::column(ledger_checkpoint::Column::TreeSize)
            .do_nothing()
            .to_owned(),
    )
    .exec_without_returning(db)
    .await?;
    Ok(())
}

/// The tree sizes earlier evidence packs were made at, below `size`, smallest first.
pub async fn pack_sizes_below(db: &impl ConnectionTrait, size: u64) -> Result<Vec<u64>, DbErr> {
    let sizes: Vec<i64> = ledger_pack_checkpoint::Entity::find()
        .select_only()
        .column(ledger_pack_checkpoint::Column::TreeSize)
        .distinct()
        .filter(ledger_pack_checkpoint::Column::TreeSize.lt(size as i64))
        .order_by_asc(ledger_pack_checkpoint::Column::TreeSize)
        .into_tuple()
        .all(db)
        .await?;
    Ok(sizes.into_iter().map(|n| n as u64).collect())
}

/// Remembers that a pack was made at tree size `size`.
pub async fn remember_pack(
    db: &impl ConnectionTrait,
    size: u64,
    at: DateTime<Utc>,
) -> Result<(), DbErr> {
    ledger_pack_checkpoint::Entity::insert(ledger_pack_checkpoint::ActiveModel {
        tree_size: Set(size as i64),
        exported_at: Set(super::people::to_millis(at)),
    })
    .on_conflict(
        OnConflict::columns([
            ledger_pack_checkpoint::Column::TreeSize,
            ledger_pack_checkpoint::Column::ExportedAt,
        ])
        .do_nothing()
        .to_owned(),
    )
    .exec_without_returning(db)
    .await?;
    Ok(())
}
