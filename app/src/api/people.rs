//! The people directory for platform administrators.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::AppError;

/// One row of the people directory.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PersonRow {
    pub public_id: String,
    pub name: String,
    pub email: String,
    pub department: Option<String>,
    pub job_title: String,
    pub manager_email: Option<String>,
    pub roles: Vec<String>,
    pub active: bool,
    pub admin_labels: Vec<String>,
}

/// Everyone in the organisation. Platform administrators only.
#[server(prefix = "/api", endpoint = "people/list")]
pub async fn list_people() -> Result<Vec<PersonRow>, AppError> {
    use crate::domain::permissions::Permission;
    use crate::ssr::{
        auth::current_user,
        people_admin,
        request::{app_state, respond},
    };
    respond(
        async {
            let user = current_user().await?;
            user.require(Permission::PlatformAdmin)?;
            let state = app_state()?;
            let listings = people_admin::list(&state.db).await?;
            Ok(listings
                .into_iter()
                .map(|listing| PersonRow {
                    admin_labels: [
                        (listing.person.is_platform_admin, "Platform admin"),
                        (listing.person.is_compliance_admin, "Compliance admin"),
                    ]
                    .into_iter()
                    .filter(|(held, _)| *held)
                    .map(|(_, label)| label.to_owned())
                    .collect(),
                    public_id: listing.person.public_id,
                    name: listing.person.name,
                    email: listing.person.email,
                    department: listing.department,
                    job_title: listing.person.job_title,
                    manager_email: listing.manager_email,
                    roles: listing.roles,
                    active: listing.person.active,
                })
                .collect())
        }
        .await,
    )
}
