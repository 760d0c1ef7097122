//! The people directory for platform administrators.

// `save_person` takes one argument per form field: grouping them in a struct would rename the
// fields `person[…]`. The lint fires on code the `server` macro generates, so it is allowed here.
#![allow(clippy::too_many_arguments)]

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::domain::account_link::InvitationState;
use crate::domain::mail::MailMode;
use crate::dto::mail::{InvitationView, MessageRow};
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
    pub invitation: InvitationState,
}

/// Everyone in the organisation. People administrators (platform or compliance) only.
#[server(prefix = "/api", endpoint = "people/list")]
pub async fn list_people() -> Result<Vec<PersonRow>, AppError> {
    use crate::ssr::{people_admin, request::respond};

    respond(
        async {
            let (state, _) = crate::ssr::directory::people_admin().await?;

            let listings = people_admin::list(&state.db).await?;
            let everyone: Vec<_> = listings.iter().map(|l| l.person.clone()).collect();
            let invitations =
                crate::ssr::mail::views::invitations(&state.db, &everyone, chrono::Utc::now())
                    .await?;
            Ok(listings
                .into_iter()
                .map(|listing| PersonRow {
                    invitation: invitations
                        .get(&listing.person.id)
                        .map_or(InvitationState::NotInvited, |view| view.state),
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

/// A person as the administrators' form shows them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PersonForm {
    /// Empty for a new person.
    pub public_id: String,
    pub email: String,
    pub name: String,
    pub department: String,
    pub job_title: String,
    pub hire_date: String,
    pub manager_email: String,
    pub roles: Vec<String>,
    pub compliance_admin: bool,
    pub platform_admin: bool,
    /// The language the person takes courses in (empty: each course's own), and the languages
    /// on offer (none for a new person: they or their directory choose).
    pub language: String,
    pub languages: Vec<String>,
    pub active: bool,
    /// (slug, name) of every job role.
    pub role_choices: Vec<(String, String)>,
    pub departments: Vec<String>,
    /// Active people's emails, for choosing a manager.
    pub people: Vec<(String, String)>,
    /// Which administrator rights the signed-in person may grant or remove here (never their own).
    pub may_change_compliance: bool,
    pub may_change_platform: bool,
    /// False for an administrator with rights the signed-in person does not hold: shown, not
    /// editable.
    pub editable: bool,
    /// How mail is delivered (an invitation can only be sent when it is on).
    pub mail: MailMode,
    /// The person's invitation, for an existing person.
    pub invitation: Option<InvitationView>,
    /// The newest messages to the person, with their delivery.
    pub messages: Vec<MessageRow>,
}

/// An import waiting for confirmation, with every line checked.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportPreview {
    pub id: i64,
    pub plan: crate::domain::people_import::ImportPlan,
    pub committed: bool,
    /// Lines asking for an invitation cannot be imported while mail is off.
    pub mail: MailMode,
}

/// The form for a person (`public_id` empty for a new one). People administrators only.
#[server(prefix = "/api", endpoint = "people/form")]
pub async fn get_person_form(#[server(default)] public_id: String) -> Result<PersonForm, AppError> {
    crate::ssr::request::respond(
        async {
            let (state, user) = crate::ssr::directory::people_admin().await?;
            crate::ssr::directory::form(&state.db, &state.mail, &state.versions, &user, &public_id)
                .await
        }
        .await,
    )
}

/// Adds (empty `public_id`) or updates a person. Roles arrive as `roles[slug]=yes`; an
/// administrator right counts only with its `…_shown` marker (the form shows the box) or when
/// ticked, so a right the form did not offer is never dropped; the course language likewise
/// changes only with `language_shown`.
#[server(prefix = "/api", endpoint = "people/save")]
pub async fn save_person(
    #[server(default)] public_id: String,
    email: String,
    name: String,
    #[server(default)] department: String,
    #[server(default)] job_title: String,
    hire_date: String,
    #[server(default)] manager_email: String,
    #[server(default)] roles: std::collections::BTreeMap<String, String>,
    #[server(default)] compliance_admin: Option<String>,
    #[server(default)] platform_admin: Option<String>,
    #[server(default)] compliance_admin_shown: Option<String>,
    #[server(default)] platform_admin_shown: Option<String>,
    #[server(default)] invite: Option<String>,
    #[server(default)] language: Option<String>,
    #[server(default)] language_shown: Option<String>,
) -> Result<(), AppError> {
    use crate::domain::person::parse_date;
    use crate::error::Field;
    use crate::ssr::people_admin::PersonChanges;
    crate::ssr::request::respond(
        async {
            let (state, user) = crate::ssr::directory::people_admin().await?;
            let changes = PersonChanges {
                email,
                name,
                department: Some(department),
                job_title,
                hire_date: parse_date(&hire_date, Field::HireDate)?,
                manager_email: Some(manager_email),
                roles: roles.into_keys().collect(),
                // A right whose checkbox the form did not show is kept as it is; a request
                // that names it without the form's marker changes it only if allowed.
                compliance_admin: (compliance_admin_shown.is_some() || compliance_admin.is_some())
                    .then_some(compliance_admin.is_some()),
                platform_admin: (platform_admin_shown.is_some() || platform_admin.is_some())
                    .then_some(platform_admin.is_some()),
                // As with the rights: only a form that showed the choice changes it (an empty
                // choice arrives as no value at all).
                language: language_shown.map(|_| language.unwrap_or_default().trim().to_owned()),
            };
            let is_new = public_id.is_empty();
            let invite = is_new && invite.is_some();
            let saved = crate::ssr::directory::save(
                &state,
                &user,
                &public_id,
                changes,
                invite,
                chrono::Utc::now(),
            )
            .await?;
            crate::ssr::training::engine::recompute_logged(
                &state.db,
                &state.engine,
                "person saved",
            )
            .await;
            let notice = match (is_new, invite) {
                (true, true) => "added=invited",
                (true, false) => "added=1",
                _ => "saved=1",
            };
            leptos_axum::redirect(&format!("/admin/people/{saved}?{notice}"));
            Ok(())
        }
        .await,
    )
}

/// Deactivates a person after confirmation: sessions end, nothing more is owed, history stays.
#[server(prefix = "/api", endpoint = "people/deactivate")]
pub async fn deactivate_person(
    public_id: String,
    #[server(default)] confirm: Option<String>,
) -> Result<(), AppError> {
    crate::ssr::request::respond(
        async {
            let (state, user) = crate::ssr::directory::people_admin().await?;
            if confirm.is_none() {
                return Err(crate::error::Invalid::DeactivateNotConfirmed.into());
            }
            crate::ssr::directory::deactivate(&state.db, &user, &public_id, chrono::Utc::now())
                .await?;
            crate::ssr::training::engine::recompute_logged(
                &state.db,
                &state.engine,
                "person deactivated",
            )
            .await;
            leptos_axum::redirect(&format!("/admin/people/{public_id}?deactivated=1"));
            Ok(())
        }
        .await,
    )
}

/// Uploads a CSV of people for checking; goes to its preview. Nothing is changed yet.
#[server(prefix = "/api", endpoint = "people/import/upload", input = leptos::server_fn::codec::MultipartFormData)]
pub async fn upload_people(data: leptos::server_fn::codec::MultipartData) -> Result<(), AppError> {
    crate::ssr::request::respond(
        async {
            let (state, user) = crate::ssr::directory::people_admin().await?;
            let id =
                crate::ssr::directory::stage_import(&state.db, &user, data, chrono::Utc::now())
                    .await?;
            leptos_axum::redirect(&format!("/admin/people/import/{id}"));
            Ok(())
        }
        .await,
    )
}

/// A staged import with every line checked.
#[server(prefix = "/api", endpoint = "people/import/preview")]
pub async fn get_import_preview(id: i64) -> Result<ImportPreview, AppError> {
    crate::ssr::request::respond(
        async {
            let (state, user) = crate::ssr::directory::people_admin().await?;
            crate::ssr::directory::preview(&state.db, &state.versions, state.mail.mode, &user, id)
                .await
        }
        .await,
    )
}

/// Imports a staged file: everyone, or nobody if any line has a problem.
#[server(prefix = "/api", endpoint = "people/import/commit")]
pub async fn commit_import(id: i64) -> Result<(), AppError> {
    crate::ssr::request::respond(
        async {
            let (state, user) = crate::ssr::directory::people_admin().await?;
            let counts = crate::ssr::directory::commit(
                &state.db,
                &state.versions,
                &state.mail,
                &user,
                id,
                chrono::Utc::now(),
            )
            .await?;
            crate::ssr::training::engine::recompute_logged(
                &state.db,
                &state.engine,
                "people imported",
            )
            .await;
            leptos_axum::redirect(&format!(
                "/admin/people?added={}&updated={}&invited={}",
                counts.added, counts.updated, counts.invited
            ));
            Ok(())
        }
        .await,
    )
}

/// Sends (again) an invitation to a person who has not chosen a password yet. The earlier
/// invitation stops working. People administrators only.
#[server(prefix = "/api", endpoint = "people/invite")]
pub async fn send_invitation(public_id: String) -> Result<(), AppError> {
    use crate::ssr::mail::invitations::{self, Inviter};
    crate::ssr::request::respond(
        async {
            let (state, user) = crate::ssr::directory::people_admin().await?;
            let person = invitations::person_by_public_id(&state.db, &public_id).await?;
            let inviter = Inviter::person(user.person.id, &user.person.name, &user.person.email);
            invitations::send(
                &state.db,
                &state.mail,
                &inviter,
                &person,
                chrono::Utc::now(),
            )
            .await?;
            leptos_axum::redirect(&format!(
                "/admin/people/{}?invited=1",
                urlencoding::encode(&public_id)
            ));
            Ok(())
        }
        .await,
    )
}
