//! Session tokens ended by signing out, kept until they would have expired anyway.

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait,
    QueryFilter,
};

use super::entities::revoked_session::{self, Column, Entity};

/// Records that the token `token_id` must no longer be accepted.
pub async fn revoke(
    db: &impl ConnectionTrait,
    token_id: &str,
    person_id: i64,
    expires_at: DateTime<Utc>,
) -> Result<(), DbErr> {
    if Entity::find_by_id(token_id.to_owned())
        .one(db)
        .await?
        .is_some()
    {
        return Ok(());
    }
    revoked_session::ActiveModel {
        token_id: Set(token_id.to_owned()),
        person_id: Set(person_id),
        expires_at: Set(expires_at),
    }
    .insert(db)
    .await
    .map(|_| ())
}

/// Whether the token has been revoked.
pub async fn is_revoked(db: &impl ConnectionTrait, token_id: &str) -> Result<bool, DbErr> {
    Ok(Entity::find_by_id(token_id.to_owned())
        .one(db)
        .await?
        .is_some())
}

/// Forgets revocations of tokens that have expired by `now`.
pub async fn prune(db: &impl ConnectionTrait, now: DateTime<Utc>) -> Result<u64, DbErr> {
    Entity::delete_many()
        .filter(Column::ExpiresAt.lt(now))
        .exec(db)
        .await
        .map(|result| result.rows_affected)
}
