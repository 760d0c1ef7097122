//! A person changing their own password.

use chrono::{DateTime, Utc};

use super::{CurrentUser, password};
use crate::error::{AppError, Invalid};
use crate::ssr::db::{lock, login_failures, people};
use crate::ssr::people_admin::hash_new_password;
use crate::ssr::{AppState, internal};

/// What the change-password form sends. Not `Debug`: it holds passwords.
pub struct PasswordChange {
    pub current: String,
    pub new: String,
    pub confirm: String,
}

/// Checks the current password (rate-limited on its own count, so a borrowed session cannot be
/// used to guess it, and wrong guesses here never lock the person out of signing in), stores the
/// new one, ends every session, and returns a fresh token for this one.
pub async fn change_own_password(
    state: &AppState,
    user: &CurrentUser,
    change: PasswordChange,
    client_addr: &str,
    now: DateTime<Utc>,
) -> Result<String, AppError> {
    let account_key = format!("password-change:{}", user.person.email);
    let client_key: String = format!("password-change:{client_addr}")
        .chars()
        .take(80)
        .collect();
    let since = state.auth.throttle.window_start(now);
    let txn = crate::ssr::db::begin(&state.db).await?;
    lock::exclusive(&txn, &account_key).await?;
    let failures = login_failures::since_for_account(&txn, &account_key, since).await?;
    if let Err(locked) = state.auth.throttle.check_account(&failures, now) {
        return Err(AppError::RateLimited {
            retry_after_secs: locked.retry_after_secs(now),
        });
    }
    if change.new != change.confirm {
        return Err(Invalid::PasswordsDoNotMatch.into());
    }
    // Counted before it is checked, like a sign-in; removed if the password is right.
    login_failures::record(&txn, &account_key, &client_key, now).await?;
    txn.commit().await?;

    let verified = password::verify_in_turn(
        change.current.clone(),
        user.person.password_hash.clone(),
        state.auth.dummy_password_hash.clone(),
    )
    .await?;
    if !verified {
        return Err(Invalid::CurrentPasswordWrong.into());
    }
    login_failures::clear_account(&state.db, &account_key).await?;
    if change.new == change.current {
        return Err(Invalid::PasswordUnchanged.into());
    }
    let hash = hash_new_password(&change.new, &user.person.email).await?;
    people::set_password_hash(&state.db, user.person.id, hash, now).await?;
    state
        .auth
        .tokens
        .issue(&user.person.public_id, now)
        .map_err(|err| internal("issuing session token", err))
}
