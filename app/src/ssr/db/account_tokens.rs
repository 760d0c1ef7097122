//! Emailed single-use links, stored as hashes of their tokens.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait,
    QueryFilter, QueryOrder,
};

use super::entities::account_token::{self, Column, Entity, Model};
use crate::domain::account_link::{LinkFacts, LinkPurpose};

/// A link to store.
pub struct NewToken {
    pub person_id: i64,
    pub purpose: LinkPurpose,
    pub token_hash: String,
    pub expires_at: DateTime<Utc>,
    pub created_by: Option<i64>,
}

/// Stores a new link and withdraws the person's earlier unused ones of the same kind, so only
/// the newest works.
pub async fn replace(
    db: &impl ConnectionTrait,
    token: NewToken,
    now: DateTime<Utc>,
) -> Result<Model, DbErr> {
    revoke(db, token.person_id, Some(token.purpose), now).await?;
    account_token::ActiveModel {
        person_id: Set(token.person_id),
        purpose: Set(token.purpose.as_str().to_owned()),
        token_hash: Set(token.token_hash),
        created_at: Set(now),
        expires_at: Set(token.expires_at),
        used_at: Set(None),
        revoked_at: Set(None),
        created_by: Set(token.created_by),
        outbox_id: Set(None),
        ..Default::default()
    }
    .insert(db)
    .await
}

/// Notes which message carried the link.
pub async fn set_outbox(db: &impl ConnectionTrait, id: i64, outbox_id: i64) -> Result<(), DbErr> {
    Entity::update_many()
        .col_expr(Column::OutboxId, Expr::value(outbox_id))
        .filter(Column::Id.eq(id))
        .exec(db)
        .await
        .map(|_| ())
}

/// Withdraws a person's unused links (of one kind, or all).
pub async fn revoke(
    db: &impl ConnectionTrait,
    person_id: i64,
    purpose: Option<LinkPurpose>,
    now: DateTime<Utc>,
) -> Result<u64, DbErr> {
    let mut update = Entity::update_many()
        .col_expr(Column::RevokedAt, Expr::value(now))
        .filter(Column::PersonId.eq(person_id))
        .filter(Column::UsedAt.is_null())
        .filter(Column::RevokedAt.is_null());
    if let Some(purpose) = purpose {
        update = update.filter(Column::Purpose.eq(purpose.as_str()));
    }
    update.exec(db).await.map(|r| r.rows_affected)
}

/// The link with this token hash.
pub async fn by_hash(db: &impl ConnectionTrait, hash: &str) -> Result<Option<Model>, DbErr> {
    Entity::find()
        .filter(Column::TokenHash.eq(hash))
        .one(db)
        .await
}

/// Marks a link used, if nobody used it first. Returns whether this call did.
pub async fn mark_used(
    db: &impl ConnectionTrait,
    id: i64,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let result = Entity::update_many()
        .col_expr(Column::UsedAt, Expr::value(now))
        .filter(Column::Id.eq(id))
        .filter(Column::UsedAt.is_null())
        .filter(Column::RevokedAt.is_null())
        .exec(db)
        .await?;
    Ok(result.rows_affected == 1)
}

/// Each person's newest invitation, for the people given.
pub async fn latest_invitations(
    db: &impl ConnectionTrait,
    person_ids: &[i64],
) -> Result<std::collections::HashMap<i64, Model>, DbErr> {
    let mut latest = std::collections::HashMap::new();
    for chunk in person_ids.chunks(500) {
        let rows = Entity::find()
            .filter(Column::Purpose.eq(LinkPurpose::Invitation.as_str()))
            .filter(Column::PersonId.is_in(chunk.iter().copied()))
            .order_by_desc(Column::CreatedAt)
            .order_by_desc(Column::Id)
            .all(db)
            .await?;
        for row in rows {
            latest.entry(row.person_id).or_insert(row);
        }
    }
    Ok(latest)
}

/// The stored facts as the domain checks them. An unknown purpose is an error.
pub fn facts(row: &Model, person_active: bool) -> Result<LinkFacts, DbErr> {
    let purpose = LinkPurpose::parse(&row.purpose).ok_or_else(|| {
        DbErr::Custom(format!(
            "account token {} has an unknown purpose {:?}",
            row.id, row.purpose
        ))
    })?;
    Ok(LinkFacts {
        purpose,
        created_at: row.created_at,
        expires_at: row.expires_at,
        used_at: row.used_at,
        revoked_at: row.revoked_at,
        person_active,
    })
}
