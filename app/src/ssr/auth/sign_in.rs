//! Signing in with email and password, rate-limited per account and per client address.

use chrono::{DateTime, Utc};
use sea_orm::DatabaseConnection;

use super::password;
use crate::domain::email;
use crate::error::AppError;
use crate::ssr::AuthSettings;
use crate::ssr::db::{login_failures, people};
use crate::ssr::internal;

/// Checks credentials and returns a session token for the person.
///
/// Unknown email, deactivated account and wrong password all get `InvalidCredentials` after the
/// same argon2 work. The rate limit counts failures by the address as typed, so it treats
/// accounts that do not exist exactly like ones that do.
pub async fn sign_in(
    db: &DatabaseConnection,
    auth: &AuthSettings,
    email_input: &str,
    password_input: String,
    client_addr: &str,
    now: DateTime<Utc>,
) -> Result<String, AppError> {
    let account_key = email::normalise(email_input);
    let since = auth.throttle.window_start(now);
    let account_failures = login_failures::since_for_account(db, &account_key, since).await?;
    let client_failures = login_failures::since_for_client(db, client_addr, since).await?;
    if let Err(locked) = auth
        .throttle
        .check(&account_failures, &client_failures, now)
    {
        return Err(AppError::RateLimited {
            retry_after_secs: locked.retry_after_secs(now),
        });
    }

    let person = people::find_by_email(db, &account_key).await?;
    let stored_hash = person
        .as_ref()
        .filter(|p| p.active)
        .and_then(|p| p.password_hash.clone());
    let dummy = auth.dummy_password_hash.clone();
    // Hashing is deliberately slow; keep it off the async worker threads.
    let verified = tokio::task::spawn_blocking(move || {
        password::verify(&password_input, stored_hash.as_deref(), &dummy)
    })
    .await
    .map_err(|err| internal("password verification task", err))?;

    match person.filter(|_| verified) {
        Some(person) => {
            login_failures::clear_account(db, &account_key).await?;
            auth.tokens
                .issue(&person.public_id, now)
                .map_err(|err| internal("issuing session token", err))
        }
        None => {
            login_failures::record(db, &account_key, client_addr, now).await?;
            Err(AppError::InvalidCredentials)
        }
    }
}
