//! Failed sign-in attempts.

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait,
    QueryFilter, QuerySelect,
};

use super::entities::login_failure::{self, Column, Entity};

/// Times of failures for an account since `since`.
pub async fn since_for_account(
    db: &impl ConnectionTrait,
    account_key: &str,
    since: DateTime<Utc>,
) -> Result<Vec<DateTime<Utc>>, DbErr> {
    Entity::find()
        .select_only()
        .column(Column::FailedAt)
        .filter(Column::AccountKey.eq(account_key))
        .filter(Column::FailedAt.gt(since))
        .into_tuple()
        .all(db)
        .await
}

/// Times of failures from a client address since `since`.
pub async fn since_for_client(
    db: &impl ConnectionTrait,
    client_addr: &str,
    since: DateTime<Utc>,
) -> Result<Vec<DateTime<Utc>>, DbErr> {
    Entity::find()
        .select_only()
        .column(Column::FailedAt)
        .filter(Column::ClientAddr.eq(client_addr))
        .filter(Column::FailedAt.gt(since))
        .into_tuple()
        .all(db)
        .await
}

/// Records one failure (or an attempt about to be checked, counted as one until it succeeds).
/// Returns its id.
pub async fn record(
    db: &impl ConnectionTrait,
    account_key: &str,
    client_addr: &str,
    at: DateTime<Utc>,
) -> Result<i64, DbErr> {
    login_failure::ActiveModel {
        account_key: Set(account_key.to_owned()),
        client_addr: Set(client_addr.to_owned()),
        failed_at: Set(at),
        ..Default::default()
    }
    .insert(db)
    .await
    .map(|row| row.id)
}

/// Forgets an account's failures after a successful sign-in or a password reset.
pub async fn clear_account(db: &impl ConnectionTrait, account_key: &str) -> Result<(), DbErr> {
    Entity::delete_many()
        .filter(Column::AccountKey.eq(account_key))
        .exec(db)
        .await
        .map(|_| ())
}

/// Deletes failures older than `before`; run periodically so the table stays small.
pub async fn prune(db: &impl ConnectionTrait, before: DateTime<Utc>) -> Result<u64, DbErr> {
    Entity::delete_many()
        .filter(Column::FailedAt.lt(before))
        .exec(db)
        .await
        .map(|result| result.rows_affected)
}
