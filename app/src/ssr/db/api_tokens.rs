//! API tokens as stored.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait,
    QueryFilter, QueryOrder,
};

use super::entities::api_token::{self, Column, Entity, Model};
use super::people::to_millis;

/// A token to store.
pub struct NewApiToken<'a> {
    pub name: &'a str,
    pub scope: &'a str,
    pub token_hash: String,
    pub hint: String,
    pub created_by: Option<i64>,
    pub expires_at: DateTime<Utc>,
}

/// Stores a token.
pub async fn insert(
    db: &impl ConnectionTrait,
    token: NewApiToken<'_>,
    now: DateTime<Utc>,
) -> Result<Model, DbErr> {
    api_token::ActiveModel {
        name: Set(token.name.to_owned()),
        scope: Set(token.scope.to_owned()),
        token_hash: Set(token.token_hash),
        hint: Set(token.hint),
        created_by: Set(token.created_by),
        created_at: Set(to_millis(now)),
        expires_at: Set(to_millis(token.expires_at)),
        last_used_at: Set(None),
        revoked_at: Set(None),
        revoked_by: Set(None),
        ..Default::default()
    }
    .insert(db)
    .await
}

/// Every token, newest first.
pub async fn all(db: &impl ConnectionTrait) -> Result<Vec<Model>, DbErr> {
    Entity::find()
        .order_by_desc(Column::CreatedAt)
        .order_by_desc(Column::Id)
        .all(db)
        .await
}

/// One token.
pub async fn by_id(db: &impl ConnectionTrait, id: i64) -> Result<Option<Model>, DbErr> {
    Entity::find_by_id(id).one(db).await
}

/// The token whose secret hashes to `hash`.
pub async fn by_hash(db: &impl ConnectionTrait, hash: &str) -> Result<Option<Model>, DbErr> {
    Entity::find()
        .filter(Column::TokenHash.eq(hash))
        .one(db)
        .await
}

/// Revokes a token; false if it already was.
pub async fn revoke(
    db: &impl ConnectionTrait,
    id: i64,
    by: Option<i64>,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let result = Entity::update_many()
        .col_expr(Column::RevokedAt, Expr::value(to_millis(now)))
        .col_expr(Column::RevokedBy, Expr::value(by))
        .filter(Column::Id.eq(id))
        .filter(Column::RevokedAt.is_null())
        .exec(db)
        .await?;
    Ok(result.rows_affected == 1)
}

/// Notes a use, at most once a minute per token (a write per request would be a write per
/// request).
pub async fn touch(db: &impl ConnectionTrait, id: i64, now: DateTime<Utc>) -> Result<(), DbErr> {
    let stale = to_millis(now) - chrono::Duration::minutes(1);
    Entity::update_many()
        .col_expr(Column::LastUsedAt, Expr::value(to_millis(now)))
        .filter(Column::Id.eq(id))
        .filter(
            sea_orm::Condition::any()
                .add(Column::LastUsedAt.is_null())
                .add(Column::LastUsedAt.lt(stale)),
        )
        .exec(db)
        .await?;
    Ok(())
}
