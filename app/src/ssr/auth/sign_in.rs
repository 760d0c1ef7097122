//! Signing in with email and password.
//!
//! Each attempt is counted before its password is checked, under a lock per account, so
//! parallel attempts cannot all slip under the limit: the row is written as a failure and
//! removed if the password turns out right. Argon2 runs only on the blocking pool, a few at a
//! time. See `domain::login_throttle` for the limits.

use chrono::{DateTime, Utc};
use sea_orm::DatabaseConnection;

use super::password;
use crate::domain::email;
use crate::error::AppError;
use crate::ssr::AuthSettings;
use crate::ssr::db::audit::{self, Actor, AuditEntry};
use crate::ssr::db::{lock, login_failures, people, presence};
use crate::ssr::internal;

/// Longest address kept for an attempt: an unknown account's key is stored, so it is bounded.
pub const MAX_ACCOUNT_KEY: usize = 254;
/// Longest client address kept.
const MAX_CLIENT: usize = 64;
/// Longer passwords are refused without hashing (no policy allows them).
const MAX_PASSWORD_INPUT: usize = 1024;

/// What a sign-in attempt carries.
pub struct Attempt<'a> {
    pub email: &'a str,
    /// Not `Debug`: never logged.
    pub password: String,
    pub client_addr: &'a str,
    /// The sign-in form's proof that a person loaded it, if it had one.
    pub presence: Option<&'a str>,
}

/// Checks credentials and returns a session token for the person.
///
/// Unknown email, deactivated account and wrong password all get `InvalidCredentials` after the
/// same Argon2 work. Successes and failures are recorded in the audit log.
pub async fn sign_in(
    db: &DatabaseConnection,
    auth: &AuthSettings,
    attempt: Attempt<'_>,
    now: DateTime<Utc>,
) -> Result<String, AppError> {
    let account_key: String = email::normalise(attempt.email)
        .chars()
        .take(MAX_ACCOUNT_KEY)
        .collect();
    let client: String = attempt.client_addr.chars().take(MAX_CLIENT).collect();
    let pending = reserve(db, auth, &account_key, &client, attempt.presence, now).await?;

    let person = people::find_by_email(db, &account_key).await?;
    let stored_hash = person
        .as_ref()
        .filter(|p| p.active)
        .and_then(|p| p.password_hash.clone());
    let verified = if attempt.password.len() > MAX_PASSWORD_INPUT {
        false
    } else {
        password::verify_in_turn(
            attempt.password,
            stored_hash,
            auth.dummy_password_hash.clone(),
        )
        .await?
    };

    // With single sign-on for everyone else, a password signs in only a platform administrator.
    // Anyone else gets the same answer as a wrong password, so nothing is revealed.
    let allowed = |p: &crate::ssr::db::entities::person::Model| {
        !auth.passwords_for_platform_admins_only || p.is_platform_admin
    };
    match person.filter(|p| verified && allowed(p)) {
        Some(person) => {
            // The attempt was no failure after all; nor were the account's earlier ones.
            login_failures::clear_account(db, &account_key).await?;
            record(
                db,
                "account.sign_in",
                Actor::person(person.id, &person.name, &person.email),
                &person.email,
                &client,
                now,
            )
            .await?;
            auth.tokens
                .issue(&person.public_id, now)
                .map_err(|err| internal("issuing session token", err))
        }
        None => {
            tracing::info!(attempt = pending, "sign-in failed");
            record(
                db,
                "account.sign_in_failed",
                Actor::system(&format!("sign-in from {client}")),
                &account_key,
                &client,
                now,
            )
            .await?;
            Err(AppError::InvalidCredentials)
        }
    }
}

/// Counts the attempt, one at a time per account, or refuses it. Returns the counted row.
async fn reserve(
    db: &DatabaseConnection,
    auth: &AuthSettings,
    account_key: &str,
    client: &str,
    presence_token: Option<&str>,
    now: DateTime<Utc>,
) -> Result<i64, AppError> {
    let since = auth.throttle.window_start(now);
    let txn = crate::ssr::db::begin(db).await?;
    lock::exclusive(&txn, &format!("sign-in:{account_key}")).await?;
    let account_failures = login_failures::since_for_account(&txn, account_key, since).await?;
    if let Err(locked) = auth.throttle.check_account(&account_failures, now) {
        return Err(AppError::RateLimited {
            retry_after_secs: locked.retry_after_secs(now),
        });
    }
    let client_failures = login_failures::since_for_client(&txn, client, since).await?;
    if auth.throttle.needs_presence(&client_failures, now) {
        let proof = presence_token
            .and_then(|token| auth.tokens.verify_presence(token, now).ok())
            .ok_or(AppError::PresenceRequired)?;
        if !presence::use_once(&txn, &proof.jti, proof.expires_at()).await? {
            return Err(AppError::PresenceRequired);
        }
    }
    let id = login_failures::record(&txn, account_key, client, now).await?;
    txn.commit().await?;
    Ok(id)
}

async fn record(
    db: &DatabaseConnection,
    action: &'static str,
    actor: Actor,
    account: &str,
    client: &str,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    audit::record(
        db,
        AuditEntry {
            actor,
            action,
            subject: format!("account:{account}"),
            before: None,
            after: Some(serde_json::json!({ "client": client })),
            reason: None,
        },
        now,
    )
    .await?;
    Ok(())
}
