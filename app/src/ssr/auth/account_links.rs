//! Using an emailed link: checking it, and choosing a password with it.
//!
//! Both invitations and password resets end the same way: the link is marked used (once, even
//! with two tabs racing), the password is stored, every earlier session ends, the action is
//! audited, all in one transaction; then the person gets a new session.

use chrono::{DateTime, Utc};
use sea_orm::DatabaseConnection;

use crate::domain::account_link::LinkPurpose;
use crate::error::{AppError, Invalid, LinkProblem};
use crate::ssr::db::audit::{self, Actor, AuditEntry};
use crate::ssr::db::entities::{account_token, person};
use crate::ssr::db::{account_tokens, people};
use crate::ssr::mail::tokens;
use crate::ssr::people_admin::hash_new_password;
use crate::ssr::{AuthSettings, internal};

/// A usable link and its person.
pub struct ValidLink {
    pub token: account_token::Model,
    pub person: person::Model,
}

/// Checks that `token` is a usable link for `purpose`; the error says what is wrong with it.
pub async fn check(
    db: &DatabaseConnection,
    purpose: LinkPurpose,
    token: &str,
    now: DateTime<Utc>,
) -> Result<ValidLink, AppError> {
    if !tokens::looks_valid(token) {
        return Err(LinkProblem::Unknown.into());
    }
    let row = account_tokens::by_hash(db, &tokens::hash(token))
        .await?
        .ok_or(LinkProblem::Unknown)?;
    let person = people::find_by_id(db, row.person_id)
        .await?
        .ok_or(LinkProblem::Unknown)?;
    let facts = account_tokens::facts(&row, person.active)?;
    if facts.purpose != purpose {
        return Err(LinkProblem::Unknown.into());
    }
    facts.check(now)?;
    Ok(ValidLink { token: row, person })
}

/// Chooses a password with a link and returns a new session token for its person.
pub async fn choose_password(
    db: &DatabaseConnection,
    auth: &AuthSettings,
    purpose: LinkPurpose,
    token: &str,
    password: &str,
    confirm: &str,
    now: DateTime<Utc>,
) -> Result<String, AppError> {
    let link = check(db, purpose, token, now).await?;
    if password != confirm {
        return Err(Invalid::PasswordsDoNotMatch.into());
    }
    // Argon2 runs before the transaction: no connection is held while it hashes.
    let hash = hash_new_password(password, &link.person.email).await?;
    let txn = crate::ssr::db::begin(db).await?;
    if !account_tokens::mark_used(&txn, link.token.id, now).await? {
        return Err(match purpose {
            LinkPurpose::Invitation => LinkProblem::InvitationUsed,
            LinkPurpose::PasswordReset => LinkProblem::ResetUsed,
        }
        .into());
    }
    people::set_password_hash(&txn, link.person.id, hash, now).await?;
    // Any other link of either kind stops working once a password is chosen.
    account_tokens::revoke(&txn, link.person.id, None, now).await?;
    audit::record(
        &txn,
        AuditEntry {
            actor: Actor::person(link.person.id, &link.person.name, &link.person.email),
            action: match purpose {
                LinkPurpose::Invitation => "account.invitation_accepted",
                LinkPurpose::PasswordReset => "account.password_reset",
            },
            subject: format!("person:{}", link.person.email),
            before: None,
            after: None,
            reason: None,
        },
        now,
    )
    .await?;
    txn.commit().await?;
    auth.tokens
        .issue(&link.person.public_id, now)
        .map_err(|err| internal("issuing session token", err))
}
