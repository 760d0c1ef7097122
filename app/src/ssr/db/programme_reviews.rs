//! Reviews of the training programme: inserted, never changed.

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait,
    QueryFilter, QueryOrder,
};

use super::entities::programme_review::{ActiveModel, Column, Entity, Model};
use crate::domain::programme_review::Review;

/// Stores a review recorded by `by`.
pub async fn insert(
    db: &impl ConnectionTrait,
    review: &Review,
    by: i64,
    now: DateTime<Utc>,
) -> Result<Model, DbErr> {
    ActiveModel {
        reviewed_on: Set(review.reviewed_on),
        reviewers: Set(review.reviewers.clone()),
        summary: Set(review.summary.clone()),
        changes: Set(review.changes.clone()),
        next_review_on: Set(review.next_review_on),
        recorded_at: Set(now),
        recorded_by: Set(by),
        ..Default::default()
    }
    .insert(db)
    .await
}

/// Reviews held on or before `until` (every review without it), newest first.
pub async fn list(
    db: &impl ConnectionTrait,
    until: Option<NaiveDate>,
) -> Result<Vec<Model>, DbErr> {
    let mut query = Entity::find();
    if let Some(until) = until {
        query = query.filter(Column::ReviewedOn.lte(until));
    }
    query
        .order_by_desc(Column::ReviewedOn)
        .order_by_desc(Column::Id)
        .all(db)
        .await
}
