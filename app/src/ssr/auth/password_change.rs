//! A person changing their own password.

use chrono::{DateTime, Utc};

use super::{CurrentUser, password};
use crate::error::{AppError, Invalid};
use crate::ssr::db::{login_failures, people};
use crate::ssr::people_admin::hash_new_password;
use crate::ssr::{AppState, internal};

/// What the change-password form sends. Not `Debug`: it holds passwords.
pub struct PasswordChange {
    pub current: String,
    pub new: String,
    pub confirm: String,
}

/// Checks the current password (rate-limited like sign-in, so a borrowed session cannot be used
/// to guess it), stores the new one, ends every session, and returns a fresh token for this one.
pub async fn change_own_password(
    state: &AppState,
    user: &CurrentUser,
    change: PasswordChange,
    client_addr: &str,
    now: DateTime<Utc>,
) -> Result<String, AppError> {
    let account_key = user.person.email.clone();
    let since = state.auth.throttle.window_start(now);
    let account_failures =
        login_failures::since_for_account(&state.db, &account_key, since).await?;
    let client_failures = login_failures::since_for_client(&state.db, client_addr, since).await?;
    if let Err(locked) = state
        .auth
        .throttle
        .check(&account_failures, &client_failures, now)
    {
        return Err(AppError::RateLimited {
            retry_after_secs: locked.retry_after_secs(now),
        });
    }
    if change.new != change.confirm {
        return Err(Invalid::PasswordsDoNotMatch.into());
    }

    let stored = user.person.password_hash.clone();
    let dummy = state.auth.dummy_password_hash.clone();
    let current = change.current.clone();
    let verified =
        tokio::task::spawn_blocking(move || password::verify(&current, stored.as_deref(), &dummy))
            .await
            .map_err(|err| internal("password verification task", err))?;
    if !verified {
        login_failures::record(&state.db, &account_key, client_addr, now).await?;
        return Err(Invalid::CurrentPasswordWrong.into());
    }
    if change.new == change.current {
        return Err(Invalid::PasswordUnchanged.into());
    }

    let hash = hash_new_password(&change.new, &user.person.email).await?;
    people::set_password_hash(&state.db, user.person.id, hash, now).await?;
    login_failures::clear_account(&state.db, &account_key).await?;
    state
        .auth
        .tokens
        .issue(&user.person.public_id, now)
        .map_err(|err| internal("issuing session token", err))
}
