//! Issuing an emailed single-use link: a new token (only its hash is stored; earlier unused
//! links of the same kind stop working) and the message carrying it, queued in the caller's
//! transaction.

use chrono::{DateTime, Utc};
use sea_orm::ConnectionTrait;

use super::MailSettings;
use super::compose::{compose, for_person};
use super::tokens;
use crate::domain::account_link::LinkPurpose;
use crate::domain::mail::MessageKind;
use crate::domain::mail::template::{TemplateName, Value, Vars};
use crate::error::AppError;
use crate::ssr::db::entities::{outbox_message, person};
use crate::ssr::db::{account_tokens, outbox};

/// What to send.
pub struct LinkMessage {
    pub purpose: LinkPurpose,
    pub expires_at: DateTime<Utc>,
    /// The administrator who asked for it, if any.
    pub created_by: Option<i64>,
    pub template: TemplateName,
    /// The template's values, apart from the link itself.
    pub vars: Vars,
    /// The variable that holds the link.
    pub link_variable: &'static str,
    pub kind: MessageKind,
}

/// Issues the link for `person` and queues its message.
pub async fn issue(
    txn: &impl ConnectionTrait,
    mail: &MailSettings,
    person: &person::Model,
    message: LinkMessage,
    now: DateTime<Utc>,
) -> Result<outbox_message::Model, AppError> {
    if !crate::domain::email::deliverable(&person.email) {
        return Err(crate::error::Conflict::NoEmailAddress.into());
    }
    let (token, hash) = tokens::new_token();
    let row = account_tokens::replace(
        txn,
        account_tokens::NewToken {
            person_id: person.id,
            purpose: message.purpose,
            token_hash: hash,
            expires_at: message.expires_at,
            created_by: message.created_by,
        },
        now,
    )
    .await?;
    let mut vars = message.vars;
    vars.insert(
        message.link_variable,
        Value::Link(mail.link(&format!("{}{token}", message.purpose.path()))),
    );
    vars.insert("links.home", Value::Link(mail.link("/")));
    let composed = compose(message.template, &vars)?;
    let queued = outbox::queue(
        txn,
        for_person(message.kind, person, composed, message.created_by),
        &mail.message_domain,
        now,
    )
    .await?;
    account_tokens::set_outbox(txn, row.id, queued.id).await?;
    Ok(queued)
}
