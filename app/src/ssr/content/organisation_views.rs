//! The organisation details page behind `api::organisation`.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use sea_orm::DatabaseConnection;

use super::organisation::{render_again, store, values};
use crate::domain::content::variables::{self, VARIABLES, Values, capitalised};
use crate::dto::organisation::{OrganisationView, VariableRow, key_of_field};
use crate::error::AppError;
use crate::ssr::auth::CurrentUser;
use crate::ssr::db::courses;

/// Every variable with its value, whether the configuration fixes it, and the current courses
/// whose text uses it (read from what each current version recorded).
pub async fn view(db: &DatabaseConnection, fixed: &Values) -> Result<OrganisationView, AppError> {
    let set = values(db).await?;
    let mut used_by: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (title, recorded) in courses::current_variables(db).await? {
        let recorded: BTreeMap<String, Option<String>> =
            serde_json::from_str(&recorded).unwrap_or_default();
        for key in recorded.into_keys() {
            used_by.entry(key).or_default().push(title.clone());
        }
    }
    Ok(OrganisationView {
        variables: VARIABLES
            .iter()
            .map(|variable| VariableRow {
                key: variable.key.to_owned(),
                label: capitalised(variable.label),
                shown_unset: format!("[{}]", variable.label),
                value: set.get(variable.key).cloned().unwrap_or_default(),
                example: variable.demo.to_owned(),
                configured: fixed.contains_key(variable.key),
                used_by: used_by.remove(variable.key).unwrap_or_default(),
            })
            .collect(),
    })
}

/// Checks and stores the submitted values (with their audit entry, in one transaction), then
/// renders again the courses that use a changed one. Returns how many were.
pub async fn save(
    db: &DatabaseConnection,
    user: &CurrentUser,
    fixed: &Values,
    submitted: &BTreeMap<String, String>,
    now: DateTime<Utc>,
) -> Result<usize, AppError> {
    let submitted: BTreeMap<String, String> = submitted
        .iter()
        .map(|(field, value)| (key_of_field(field), value.clone()))
        .collect();
    let current = values(db).await?;
    let next = variables::apply_submitted(&current, &submitted, fixed)
        .map_err(AppError::OrganisationValue)?;
    let actor = user.actor();
    if store(db, &actor, &next, None, now).await?.is_empty() {
        return Ok(0);
    }
    Ok(render_again(db, &actor, now).await?.len())
}
