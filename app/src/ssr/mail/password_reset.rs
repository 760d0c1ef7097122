//! "Forgot your password?": a request is stored as typed and answered the same way whoever it
//! names; the mail worker later turns requests for active people into single-use links.
//!
//! The request handler's work does not depend on whether the address belongs to anyone: it
//! counts recent requests, stores one row and answers. Looking the person up, creating the link
//! and queueing the message happen afterwards, in `process_pending`.

use chrono::{DateTime, Duration, Utc};
use sea_orm::DatabaseConnection;

use super::MailSettings;
use super::compose::date_time;
use super::links::{self, LinkMessage};
use crate::domain::account_link::{LinkPurpose, RESET_LIFETIME_MINUTES};
use crate::domain::email;
use crate::domain::mail::MessageKind;
use crate::domain::mail::template::{TemplateName, Value};
use crate::error::AppError;
use crate::ssr::db::audit::{self, Actor, AuditEntry};
use crate::ssr::db::{lock, people, reset_requests};

/// Requests for one address within `WINDOW` before more are refused.
pub const MAX_PER_ACCOUNT: u64 = 3;
/// Requests from one client address within `WINDOW` before more are refused.
pub const MAX_PER_CLIENT: u64 = 20;
/// The window the limits count in.
pub const WINDOW_MINUTES: i64 = 60;
/// Longest address stored for a request (longer input is cut, so nobody fills the table).
const MAX_KEY_CHARS: usize = 254;

/// Records a reset request for `email_input` from `client_addr`. The answer is the same for
/// known and unknown addresses; only too many requests are refused.
pub async fn request(
    db: &DatabaseConnection,
    mail: &MailSettings,
    email_input: &str,
    client_addr: &str,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    mail.require_on()?;
    let key: String = email::normalise(email_input)
        .chars()
        .take(MAX_KEY_CHARS)
        .collect();
    let client: String = client_addr.chars().take(64).collect();
    let since = now - Duration::minutes(WINDOW_MINUTES);
    let txn = crate::ssr::db::begin(db).await?;
    // Two requests for one address (or from one client) count one after the other.
    lock::exclusive(&txn, &format!("reset-account:{key}")).await?;
    lock::exclusive(&txn, &format!("reset-client:{client}")).await?;
    reset_requests::add(&txn, &key, &client, now).await?;
    let (account, by_client) = reset_requests::counts_since(&txn, &key, &client, since).await?;
    if account > MAX_PER_ACCOUNT || by_client > MAX_PER_CLIENT {
        txn.rollback().await?;
        return Err(AppError::TooManyRequests {
            retry_after_secs: u64::try_from(WINDOW_MINUTES * 60).unwrap_or(3600),
        });
    }
    txn.commit().await?;
    mail.wake();
    Ok(())
}

/// Handles waiting requests: an active person's address gets a new one-hour link (earlier reset
/// links stop working), audited; anything else gets nothing. Returns how many links were sent.
pub async fn process_pending(
    db: &DatabaseConnection,
    mail: &MailSettings,
    now: DateTime<Utc>,
) -> Result<usize, AppError> {
    let txn = crate::ssr::db::begin(db).await?;
    let pending = reset_requests::take_pending(&txn, 50).await?;
    let mut sent = 0;
    for request in &pending {
        let Some(person) = people::find_by_email(&txn, &request.account_key).await? else {
            continue;
        };
        if !person.active || !mail.mode.is_on() {
            continue;
        }
        let expires_at = now + Duration::minutes(RESET_LIFETIME_MINUTES);
        let message = links::issue(
            &txn,
            mail,
            &person,
            LinkMessage {
                purpose: LinkPurpose::PasswordReset,
                expires_at,
                created_by: None,
                template: TemplateName::PasswordReset,
                vars: [
                    ("person.name", Value::Text(person.name.clone())),
                    ("expires_at", Value::Text(date_time(expires_at))),
                ]
                .into_iter()
                .collect(),
                link_variable: "links.reset",
                kind: MessageKind::PasswordReset,
            },
            now,
        )
        .await?;
        audit::record(
            &txn,
            AuditEntry {
                actor: Actor::system(&format!(
                    "password reset requested from {}",
                    request.client_addr
                )),
                action: "account.password_reset_requested",
                subject: format!("person:{}", person.email),
                before: None,
                after: Some(serde_json::json!({ "message_id": message.message_id })),
                reason: None,
            },
            now,
        )
        .await?;
        sent += 1;
    }
    let ids: Vec<i64> = pending.iter().map(|r| r.id).collect();
    reset_requests::mark_processed(&txn, &ids, now).await?;
    txn.commit().await?;
    if sent > 0 {
        mail.wake();
    }
    Ok(sent)
}
