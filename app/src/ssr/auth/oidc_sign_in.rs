//! What a verified identity from the OpenID provider signs in as: the active person with that
//! email address; someone new only when the operator switched on just-in-time creation; never a
//! deactivated person. Every sign-in and refusal is audited.

use chrono::{DateTime, Utc};
use sea_orm::DatabaseConnection;
use serde_json::json;

use super::oidc::{Identity, NewPeople, Refusal};
use crate::domain::email;
use crate::ssr::AppState;
use crate::ssr::db::audit::{self, Actor, AuditEntry};
use crate::ssr::db::entities::person;
use crate::ssr::db::people;
use crate::ssr::people_admin::{self, AdminAction, NewPerson};

/// A session token for the person the identity from `provider` (its name) names, or why not.
/// With `create_people`, someone Vigil does not know is added first.
pub async fn sign_in(
    state: &AppState,
    provider: &str,
    create_people: Option<&NewPeople>,
    identity: &Identity,
    client: &str,
    now: DateTime<Utc>,
) -> Result<String, Refusal> {
    let address = email::normalise(&identity.email);
    let internal = |err: &dyn std::fmt::Display| Refusal::Internal(err.to_string());
    let person = match people::find_by_email(&state.db, &address)
        .await
        .map_err(|e| internal(&e))?
    {
        Some(person) if person.active => person,
        Some(_) => return Err(Refusal::Deactivated(address)),
        None => match create_people {
            Some(new) => create(state, new, identity, &address, now).await?,
            None => return Err(Refusal::NoAccount(address)),
        },
    };
    audit::record(
        &state.db,
        AuditEntry {
            actor: Actor::person(person.id, &person.name, &person.email),
            action: "account.sign_in",
            subject: format!("person:{}", person.email),
            before: None,
            after: Some(json!({"method": "oidc", "provider": provider, "subject": identity.subject, "client": client})),
            reason: None,
        },
        now,
    )
    .await
    .map_err(|e| internal(&e))?;
    state
        .auth
        .tokens
        .issue(&person.public_id, now)
        .map_err(|e| internal(&e))
}

/// Adds someone the provider vouches for, with the configured department and role.
async fn create(
    state: &AppState,
    new: &NewPeople,
    identity: &Identity,
    address: &str,
    now: DateTime<Utc>,
) -> Result<person::Model, Refusal> {
    let inviter = crate::ssr::mail::invitations::Inviter::system("single sign-on (first sign-in)");
    let name = identity
        .name
        .clone()
        .filter(|n| !n.trim().is_empty())
        .unwrap_or_else(|| address.split('@').next().unwrap_or(address).to_owned());
    let added = people_admin::add_person_as(
        &state.db,
        NewPerson {
            email: address.to_owned(),
            name,
            department: Some(new.department.clone()),
            hire_date: now.date_naive(),
            roles: vec![new.role.clone()],
            ..Default::default()
        },
        Some(AdminAction {
            rights: crate::domain::admin_rights::Actor::Operator,
            inviter: &inviter,
            invite: None,
        }),
        now,
    )
    .await
    .map_err(|e| Refusal::Internal(e.to_string()))?
    .0;
    if let Err(err) =
        crate::ssr::training::engine::recompute_person(&state.db, &state.engine, added.id).await
    {
        tracing::error!(error = %err, "assigning training to a person created at sign-in failed");
    }
    Ok(added)
}

/// Records a refused sign-in.
pub async fn record_refusal(
    db: &DatabaseConnection,
    refusal: &Refusal,
    client: &str,
    now: DateTime<Utc>,
) {
    let entry = AuditEntry {
        actor: Actor::system(&format!("single sign-on from {client}")),
        action: "account.sign_in_refused",
        subject: "sign-in:oidc".to_owned(),
        before: None,
        after: Some(json!({"method": "oidc", "reason": refusal.to_string()})),
        reason: None,
    };
    if let Err(err) = audit::record(db, entry, now).await {
        tracing::error!(error = %err, "recording a refused sign-in failed");
    }
}

/// The page a refused sign-in shows: the reason, and the way back.
pub fn refusal_page(refusal: &Refusal) -> String {
    let message = ammonia::clean_text(&refusal.to_string());
    format!(
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>Sign-in refused · Vigil</title><link rel=\"stylesheet\" href=\"/pkg/vigil.css\"></head><body><main id=\"main\"><section class=\"auth-card\" aria-labelledby=\"refused-heading\"><h1 id=\"refused-heading\">Sign-in refused</h1><div class=\"alert alert-error\" role=\"alert\"><p>{message}</p></div><p><a href=\"/login\">Back to sign-in</a></p></section></main></body></html>"
    )
}
