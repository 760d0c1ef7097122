//! Recording and listing reviews of the training programme (PCI DSS 12.6.2).

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, DatabaseConnection};
use serde_json::json;

use crate::domain::programme_review::ReviewForm;
use crate::dto::programme_review::{ReviewRow, ReviewsView};
use crate::error::AppError;
use crate::ssr::auth::CurrentUser;
use crate::ssr::db::audit::{self, AuditEntry};
use crate::ssr::db::{people, programme_reviews};

/// Checks and records a review with its audit entry, in one transaction.
pub async fn record(
    db: &DatabaseConnection,
    user: &CurrentUser,
    form: &ReviewForm,
    now: DateTime<Utc>,
) -> Result<i64, AppError> {
    let review = form.check(now.date_naive())?;
    let txn = crate::ssr::db::begin(db).await?;
    let row = programme_reviews::insert(&txn, &review, user.person.id, now).await?;
    audit::record(
        &txn,
        AuditEntry {
            actor: user.actor(),
            action: "programme.review",
            subject: format!("programme-review:{}", row.id),
            before: None,
            after: Some(json!({
                "reviewed_on": review.reviewed_on,
                "reviewers": review.reviewers,
                "summary": review.summary,
                "changes": review.changes,
                "next_review_on": review.next_review_on,
            })),
            reason: None,
        },
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(row.id)
}

/// Reviews held on or before `until` (all without it), newest first, with who recorded each.
pub async fn rows(
    db: &impl ConnectionTrait,
    until: Option<chrono::NaiveDate>,
) -> Result<Vec<ReviewRow>, AppError> {
    let reviews = programme_reviews::list(db, until).await?;
    let mut ids: Vec<i64> = reviews.iter().map(|r| r.recorded_by).collect();
    ids.sort_unstable();
    ids.dedup();
    let names: HashMap<i64, String> = people::with_ids(db, &ids)
        .await?
        .into_iter()
        .map(|p| (p.id, p.name))
        .collect();
    Ok(reviews
        .into_iter()
        .map(|r| ReviewRow {
            id: r.id,
            reviewed_on: r.reviewed_on,
            reviewers: r.reviewers,
            summary: r.summary,
            changes: r.changes,
            next_review_on: r.next_review_on,
            recorded_at: r.recorded_at,
            recorded_by: names.get(&r.recorded_by).cloned().unwrap_or_default(),
        })
        .collect())
}

/// The reviews page.
pub async fn view(db: &DatabaseConnection, now: DateTime<Utc>) -> Result<ReviewsView, AppError> {
    Ok(ReviewsView {
        reviews: rows(db, None).await?,
        today: now.date_naive(),
    })
}
