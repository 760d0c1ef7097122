//! "Forgot your password?" requests, as typed, waiting for the mail worker.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, LockBehavior, LockType};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DbBackend, DbErr,
    EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
};

use super::entities::password_reset_request::{self, Column, Entity, Model};

/// Stores a request.
pub async fn add(
    db: &impl ConnectionTrait,
    account_key: &str,
    client_addr: &str,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    password_reset_request::ActiveModel {
        account_key: Set(account_key.to_owned()),
        client_addr: Set(client_addr.to_owned()),
        requested_at: Set(now),
        processed_at: Set(None),
        ..Default::default()
    }
    .insert(db)
    .await
    .map(|_| ())
}

/// How many requests for this address, and from this client, since `since`.
pub async fn counts_since(
    db: &impl ConnectionTrait,
    account_key: &str,
    client_addr: &str,
    since: DateTime<Utc>,
) -> Result<(u64, u64), DbErr> {
    let account = Entity::find()
        .filter(Column::AccountKey.eq(account_key))
        .filter(Column::RequestedAt.gt(since))
        .count(db)
        .await?;
    let client = Entity::find()
        .filter(Column::ClientAddr.eq(client_addr))
        .filter(Column::RequestedAt.gt(since))
        .count(db)
        .await?;
    Ok((account, client))
}

/// Takes up to `limit` unhandled requests, locking them on PostgreSQL so that another
/// instance skips them. Call inside a transaction and mark them handled before committing.
pub async fn take_pending(db: &impl ConnectionTrait, limit: u64) -> Result<Vec<Model>, DbErr> {
    let mut query = Entity::find()
        .filter(Column::ProcessedAt.is_null())
        .order_by_asc(Column::Id)
        .limit(limit);
    if db.get_database_backend() == DbBackend::Postgres {
        query = query.lock_with_behavior(LockType::Update, LockBehavior::SkipLocked);
    }
    query.all(db).await
}

/// Marks requests handled.
pub async fn mark_processed(
    db: &impl ConnectionTrait,
    ids: &[i64],
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    if ids.is_empty() {
        return Ok(());
    }
    Entity::update_many()
        .col_expr(Column::ProcessedAt, Expr::value(now))
        .filter(Column::Id.is_in(ids.iter().copied()))
        .exec(db)
        .await
        .map(|_| ())
}

/// Forgets handled requests older than `before`.
pub async fn prune(db: &impl ConnectionTrait, before: DateTime<Utc>) -> Result<u64, DbErr> {
    Entity::delete_many()
        .filter(Column::RequestedAt.lt(before))
        .filter(Column::ProcessedAt.is_not_null())
        .exec(db)
        .await
        .map(|r| r.rows_affected)
}
