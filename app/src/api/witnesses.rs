//! Witnesses of the ledger, for compliance administrators: who is sent checkpoints.

use leptos::prelude::*;

use crate::dto::witness::WitnessesView;
use crate::error::AppError;

/// The witness list, with where each one's newest checkpoint stands.
#[server(prefix = "/api", endpoint = "admin/witnesses")]
pub async fn list_witnesses() -> Result<WitnessesView, AppError> {
    crate::ssr::request::respond(
        async {
            let (state, _) = crate::ssr::content::views::compliance_admin().await?;
            crate::ssr::witnesses::list(&state.db, &state.mail).await
        }
        .await,
    )
}

/// Adds a witness: an email address or a URL, sent each new checkpoint or one a day.
#[server(prefix = "/api", endpoint = "admin/witnesses/add")]
pub async fn add_witness(name: String, target: String, cadence: String) -> Result<(), AppError> {
    crate::ssr::request::respond(
        async {
            let (state, user) = crate::ssr::content::views::compliance_admin().await?;
            crate::ssr::witnesses::add(
                &state.db,
                &user,
                &name,
                &target,
                &cadence,
                chrono::Utc::now(),
            )
            .await?;
            leptos_axum::redirect("/compliance/evidence?witness=added#witnesses");
            Ok(())
        }
        .await,
    )
}

/// Takes a witness off the list, after confirmation. What they were sent stays in the evidence.
#[server(prefix = "/api", endpoint = "admin/witnesses/remove")]
pub async fn remove_witness(
    id: i64,
    #[server(default)] confirm: Option<String>,
) -> Result<(), AppError> {
    use crate::error::Invalid;
    crate::ssr::request::respond(
        async {
            let (state, user) = crate::ssr::content::views::compliance_admin().await?;
            if confirm.is_none() {
                return Err(Invalid::WitnessRemoveNotConfirmed.into());
            }
            crate::ssr::witnesses::remove(&state.db, &user, id, chrono::Utc::now()).await?;
            leptos_axum::redirect("/compliance/evidence?witness=removed#witnesses");
            Ok(())
        }
        .await,
    )
}
