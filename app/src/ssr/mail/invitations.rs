//! Invitations: a single-use link, emailed, with which a new person chooses a password.

use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, DatabaseConnection};

use super::MailSettings;
use super::compose::date_time;
use super::links::{self, LinkMessage};
use crate::domain::account_link::{InvitationState, LinkPurpose, invitation_lifetime};
use crate::domain::mail::MessageKind;
use crate::domain::mail::template::{TemplateName, Value};
use crate::error::{AppError, Conflict, Resource};
use crate::ssr::db::audit::{self, Actor, AuditEntry};
use crate::ssr::db::entities::{outbox_message, person};
use crate::ssr::db::{account_tokens, people};

/// Who is inviting: named in the message, recorded as the actor.
#[derive(Clone, Debug)]
pub struct Inviter {
    pub actor: Actor,
    /// How the message names them: a person's name, or "your administrator".
    pub name: String,
}

impl Inviter {
    /// A signed-in person.
    pub fn person(id: i64, name: &str, email: &str) -> Self {
        Self {
            actor: Actor::person(id, name, email),
            name: name.to_owned(),
        }
    }

    /// A tool acting without a person (the command line).
    pub fn system(label: &str) -> Self {
        Self {
            actor: Actor::system(label),
            name: "Your administrator".to_owned(),
        }
    }
}

/// Creates an invitation for `person` and queues its message, in the caller's transaction.
/// Earlier unused invitations stop working.
pub async fn queue_invitation(
    txn: &impl ConnectionTrait,
    mail: &MailSettings,
    person: &person::Model,
    inviter: &Inviter,
    now: DateTime<Utc>,
) -> Result<outbox_message::Model, AppError> {
    mail.require_on()?;
    if !person.active {
        return Err(Conflict::InvitedPersonInactive.into());
    }
    let expires_at = now + invitation_lifetime(mail.invitation_days);
    links::issue(
        txn,
        mail,
        person,
        LinkMessage {
            purpose: LinkPurpose::Invitation,
            expires_at,
            created_by: inviter.actor.id,
            template: TemplateName::Invitation,
            vars: [
                ("person.name", Value::Text(person.name.clone())),
                ("inviter.name", Value::Text(inviter.name.clone())),
                ("expires_at", Value::Text(date_time(expires_at))),
            ]
            .into_iter()
            .collect(),
            link_variable: "links.accept",
            kind: MessageKind::Invitation,
        },
        now,
    )
    .await
}

/// Sends (again) an invitation to the person with `public_id`, audited in the same transaction.
/// Refused if they already accepted one or set a password, or are deactivated.
pub async fn send(
    db: &DatabaseConnection,
    mail: &MailSettings,
    inviter: &Inviter,
    person: &person::Model,
    now: DateTime<Utc>,
) -> Result<outbox_message::Model, AppError> {
    mail.require_on()?;
    let state = state_of(db, person, now).await?;
    if !state.can_invite() {
        return Err(Conflict::InvitationAccepted.into());
    }
    let txn = crate::ssr::db::begin(db).await?;
    let message = queue_invitation(&txn, mail, person, inviter, now).await?;
    audit::record(
        &txn,
        AuditEntry {
            actor: inviter.actor.clone(),
            action: "person.invite",
            subject: format!("person:{}", person.email),
            before: None,
            after: Some(serde_json::json!({ "message_id": message.message_id })),
            reason: None,
        },
        now,
    )
    .await?;
    txn.commit().await?;
    mail.wake();
    Ok(message)
}

/// The person with `public_id`, for an invitation.
pub async fn person_by_public_id(
    db: &DatabaseConnection,
    public_id: &str,
) -> Result<person::Model, AppError> {
    people::find_by_public_id(db, public_id)
        .await?
        .ok_or(AppError::NotFound(Resource::Person))
}

/// Where a person's invitation stands.
pub async fn state_of(
    db: &impl ConnectionTrait,
    person: &person::Model,
    now: DateTime<Utc>,
) -> Result<InvitationState, AppError> {
    let latest = account_tokens::latest_invitations(db, &[person.id]).await?;
    let facts = latest
        .get(&person.id)
        .map(|row| account_tokens::facts(row, person.active))
        .transpose()?;
    Ok(InvitationState::of(
        facts.as_ref(),
        person.password_hash.is_some(),
        now,
    ))
}
