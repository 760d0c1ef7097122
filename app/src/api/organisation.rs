//! The organisation's details that courses use (`{{org.name}}` and the like). Compliance
//! administrators only.

use std::collections::BTreeMap;

use leptos::prelude::*;

use crate::dto::organisation::OrganisationView;
use crate::error::AppError;

/// Every variable, its value and the courses using it.
#[server(prefix = "/api", endpoint = "content/organisation")]
pub async fn get_organisation() -> Result<OrganisationView, AppError> {
    crate::ssr::request::respond(
        async {
            let (state, _) = crate::ssr::content::views::compliance_admin().await?;
            crate::ssr::content::organisation_views::view(&state.db, &state.organisation_fixed)
                .await
        }
        .await,
    )
}

/// Saves the values (`values[org-name]=…`; empty unsets) and renders again every course whose
/// text uses a changed one.
#[server(prefix = "/api", endpoint = "content/organisation/save")]
pub async fn save_organisation(
    #[server(default)] values: BTreeMap<String, String>,
) -> Result<(), AppError> {
    crate::ssr::request::respond(
        async {
            let (state, user) = crate::ssr::content::views::compliance_admin().await?;
            let rendered = crate::ssr::content::organisation_views::save(
                &state.db,
                &user,
                &state.organisation_fixed,
                &values,
                chrono::Utc::now(),
            )
            .await?;
            if rendered > 0 {
                // People who owe a course move to its new version, as after any publish.
                crate::ssr::training::engine::recompute_logged(
                    &state.db,
                    &state.engine,
                    "organisation details changed",
                )
                .await;
            }
            leptos_axum::redirect(&format!("/content/organisation?saved={rendered}"));
            Ok(())
        }
        .await,
    )
}
