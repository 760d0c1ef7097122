//! Compliance administration of training: assignment rules, exemptions and ledger corrections.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::AppError;

/// A course's assignment rule as the editor shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RuleView {
    pub slug: String,
    pub everyone: bool,
    pub roles: Vec<String>,
    pub departments: Vec<String>,
    pub managers: bool,
    /// Set by an administrator rather than the course's metadata.
    pub customised: bool,
    /// (slug, name) of every job role, for the check boxes.
    pub role_choices: Vec<(String, String)>,
    /// Names of the organisation's departments, as a hint.
    pub department_choices: Vec<String>,
    /// People who owe the course now.
    pub assigned_people: usize,
}

/// An exemption in the list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExemptionRow {
    pub id: i64,
    pub person: String,
    pub email: String,
    pub course: String,
    pub reason: String,
    pub starts_on: NaiveDate,
    pub expires_on: Option<NaiveDate>,
    pub granted_by: String,
    pub active: bool,
}

/// A ledger record in the administrators' list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecordRow {
    pub sequence: i64,
    pub kind: String,
    pub person: String,
    pub course: String,
    pub version: i32,
    pub score: Option<i32>,
    pub passed: bool,
    pub finished_at: DateTime<Utc>,
    pub reason: Option<String>,
    pub voids: Option<i64>,
    pub voided: bool,
}

/// A course's assignment rule.
#[server(prefix = "/api", endpoint = "admin/rules")]
pub async fn get_rules(slug: String) -> Result<RuleView, AppError> {
    use crate::ssr::training::admin_views;
    crate::ssr::request::respond(
        async {
            let (state, _) = crate::ssr::content::views::compliance_admin().await?;
            admin_views::rule(&state.db, &slug).await
        }
        .await,
    )
}

/// Replaces a course's assignment rule. Roles arrive as `roles[slug]=yes` check boxes;
/// departments as one comma-separated line.
#[server(prefix = "/api", endpoint = "admin/rules/save")]
pub async fn save_rules(
    slug: String,
    #[server(default)] everyone: Option<String>,
    #[server(default)] roles: BTreeMap<String, String>,
    #[server(default)] departments: String,
    #[server(default)] managers: Option<String>,
) -> Result<(), AppError> {
    use crate::domain::audience::Audience;
    crate::ssr::request::respond(
        async {
            let (state, user) = crate::ssr::content::views::compliance_admin().await?;
            let audience = Audience {
                everyone: everyone.is_some(),
                roles: roles.into_keys().collect(),
                departments: departments
                    .split(',')
                    .map(str::trim)
                    .filter(|d| !d.is_empty())
                    .map(str::to_owned)
                    .collect(),
                managers: managers.is_some(),
            };
            crate::ssr::training::rules::set_audience(
                &state.db,
                &user,
                &slug,
                audience,
                Utc::now(),
            )
            .await?;
            crate::ssr::training::engine::recompute_logged(
                &state.db,
                &state.engine,
                "assignment rule changed",
            )
            .await;
            leptos_axum::redirect(&format!(
                "/content/course/{}?rules_saved=1#assignment",
                urlencoding::encode(&slug)
            ));
            Ok(())
        }
        .await,
    )
}

/// Every exemption, newest first.
#[server(prefix = "/api", endpoint = "admin/exemptions")]
pub async fn list_exemptions() -> Result<Vec<ExemptionRow>, AppError> {
    use crate::ssr::training::admin_views;
    crate::ssr::request::respond(
        async {
            let (state, _) = crate::ssr::content::views::compliance_admin().await?;
            admin_views::exemptions(&state.db, Utc::now().date_naive()).await
        }
        .await,
    )
}

/// Grants an exemption.
#[server(prefix = "/api", endpoint = "admin/exemptions/grant")]
pub async fn grant_exemption(
    email: String,
    course: String,
    reason: String,
    starts_on: String,
    #[server(default)] expires_on: String,
) -> Result<(), AppError> {
    use crate::domain::person::parse_date;
    use crate::error::Field;
    crate::ssr::request::respond(
        async {
            let (state, user) = crate::ssr::content::views::compliance_admin().await?;
            let starts_on = parse_date(&starts_on, Field::StartsOn)?;
            let expires_on = if expires_on.trim().is_empty() {
                None
            } else {
                Some(parse_date(&expires_on, Field::ExpiresOn)?)
            };
            let request = crate::ssr::training::exemptions::ExemptionRequest {
                email: &email,
                slug: &course,
                reason: &reason,
                starts_on,
                expires_on,
            };
            crate::ssr::training::exemptions::grant(
                &state.db,
                &state.engine,
                &user,
                request,
                Utc::now(),
            )
            .await?;
            leptos_axum::redirect("/compliance/exemptions?granted=1");
            Ok(())
        }
        .await,
    )
}

/// Ends an exemption now.
#[server(prefix = "/api", endpoint = "admin/exemptions/revoke")]
pub async fn revoke_exemption(id: i64) -> Result<(), AppError> {
    crate::ssr::request::respond(
        async {
            let (state, user) = crate::ssr::content::views::compliance_admin().await?;
            crate::ssr::training::exemptions::revoke(
                &state.db,
                &state.engine,
                &user,
                id,
                Utc::now(),
            )
            .await?;
            leptos_axum::redirect("/compliance/exemptions?revoked=1");
            Ok(())
        }
        .await,
    )
}

/// The newest ledger records (corrections page), optionally one person's.
#[server(prefix = "/api", endpoint = "admin/records")]
pub async fn recent_records(#[server(default)] email: String) -> Result<Vec<RecordRow>, AppError> {
    use crate::ssr::training::admin_views;
    crate::ssr::request::respond(
        async {
            let (state, _) = crate::ssr::content::views::compliance_admin().await?;
            admin_views::records(&state.db, email.trim(), 100).await
        }
        .await,
    )
}

/// Records a completion done outside Vigil.
#[server(prefix = "/api", endpoint = "admin/records/manual")]
pub async fn record_manual_completion(
    email: String,
    course: String,
    completed_on: String,
    reason: String,
) -> Result<(), AppError> {
    use crate::domain::person::parse_date;
    use crate::error::Field;
    crate::ssr::request::respond(
        async {
            let (state, user) = crate::ssr::content::views::compliance_admin().await?;
            let completed_on = parse_date(&completed_on, Field::CompletedOn)?;
            let entry = crate::ssr::training::corrections::ManualCompletion {
                email: &email,
                slug: &course,
                completed_on,
                reason: &reason,
            };
            let sequence = crate::ssr::training::corrections::manual_completion(
                &state.db,
                &state.engine,
                &user,
                entry,
                Utc::now(),
            )
            .await?;
            leptos_axum::redirect(&format!("/compliance/records?recorded={sequence}"));
            Ok(())
        }
        .await,
    )
}

/// Voids a record, with a reason.
#[server(prefix = "/api", endpoint = "admin/records/void")]
pub async fn void_record(sequence: i64, reason: String) -> Result<(), AppError> {
    crate::ssr::request::respond(
        async {
            let (state, user) = crate::ssr::content::views::compliance_admin().await?;
            let void = crate::ssr::training::corrections::void(
                &state.db,
                &state.engine,
                &user,
                sequence,
                &reason,
                Utc::now(),
            )
            .await?;
            leptos_axum::redirect(&format!("/compliance/records?voided={void}"));
            Ok(())
        }
        .await,
    )
}
