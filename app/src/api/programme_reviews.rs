//! Reviews of the training programme (PCI DSS 12.6.2). Compliance administrators only.

use leptos::prelude::*;

use crate::dto::programme_review::ReviewsView;
use crate::error::AppError;

/// Every recorded review, newest first.
#[server(prefix = "/api", endpoint = "admin/reviews")]
pub async fn get_reviews() -> Result<ReviewsView, AppError> {
    crate::ssr::request::respond(
        async {
            let (state, _) = crate::ssr::content::views::compliance_admin().await?;
            crate::ssr::programme_reviews::view(&state.db, chrono::Utc::now()).await
        }
        .await,
    )
}

/// Records a review that has taken place.
#[server(prefix = "/api", endpoint = "admin/reviews/record")]
pub async fn record_review(
    #[server(default)] reviewed_on: String,
    #[server(default)] reviewers: String,
    #[server(default)] summary: String,
    #[server(default)] changes: String,
    #[server(default)] next_review_on: String,
) -> Result<(), AppError> {
    crate::ssr::request::respond(
        async {
            let (state, user) = crate::ssr::content::views::compliance_admin().await?;
            let form = crate::domain::programme_review::ReviewForm {
                reviewed_on,
                reviewers,
                summary,
                changes,
                next_review_on,
            };
            crate::ssr::programme_reviews::record(&state.db, &user, &form, chrono::Utc::now())
                .await?;
            leptos_axum::redirect("/compliance/reviews?recorded=1");
            Ok(())
        }
        .await,
    )
}
