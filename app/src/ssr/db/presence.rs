//! Proofs of presence (from the sign-in form) that have been used: each works once.

use chrono::{DateTime, Utc};
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, SqlErr};

use super::entities::used_presence_token::{self, Column, Entity};

/// Uses up a proof; false if it was used before.
pub async fn use_once(
    db: &impl ConnectionTrait,
    token_id: &str,
    expires_at: DateTime<Utc>,
) -> Result<bool, DbErr> {
    if Entity::find_by_id(token_id.to_owned())
        .one(db)
        .await?
        .is_some()
    {
        return Ok(false);
    }
    let inserted = Entity::insert(used_presence_token::ActiveModel {
        token_id: sea_orm::ActiveValue::Set(token_id.to_owned()),
        expires_at: sea_orm::ActiveValue::Set(expires_at),
    })
    .exec_without_returning(db)
    .await;
    match inserted {
        Ok(_) => Ok(true),
        Err(err) if matches!(err.sql_err(), Some(SqlErr::UniqueConstraintViolation(_))) => {
            Ok(false)
        }
        Err(err) => Err(err),
    }
}

/// Forgets proofs that have expired anyway.
pub async fn prune(db: &impl ConnectionTrait, now: DateTime<Utc>) -> Result<u64, DbErr> {
    Entity::delete_many()
        .filter(Column::ExpiresAt.lt(now))
        .exec(db)
        .await
        .map(|r| r.rows_affected)
}
