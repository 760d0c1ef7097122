//! Email on the server side: composing messages from templates, queueing them in the outbox
//! with the action that causes them, invitations, password resets and the scheduled reminders.
//!
//! Delivery itself (SMTP, files, retries) is the `vigil` server's delivery worker; this module
//! never talks to a mail server, so an action never waits for one.

pub mod admin;
pub mod compose;
pub mod invitations;
pub mod links;
pub mod password_reset;
pub mod scheduled;
pub mod tokens;
pub mod views;

use crate::domain::mail::MailMode;
use crate::error::{AppError, Conflict};

/// What the application needs to know about mail, shared through `AppState`.
pub struct MailSettings {
    pub mode: MailMode,
    /// `VIGIL_PUBLIC_URL` without a trailing slash: every link in a message starts with it.
    pub public_base: String,
    /// The domain of `Message-ID`s (the sender's domain).
    pub message_domain: String,
    /// How long invitations work.
    pub invitation_days: u32,
    wake: tokio::sync::Notify,
}

impl MailSettings {
    /// Settings for `mode`.
    pub fn new(
        mode: MailMode,
        public_base: String,
        message_domain: String,
        invitation_days: u32,
    ) -> Self {
        Self {
            mode,
            public_base,
            message_domain,
            invitation_days,
            wake: tokio::sync::Notify::new(),
        }
    }

    /// Refuses when mail is off, so nothing is queued that will never be sent.
    pub fn require_on(&self) -> Result<(), AppError> {
        if self.mode.is_on() {
            Ok(())
        } else {
            Err(Conflict::MailOff.into())
        }
    }

    /// Tells this instance's delivery worker that something was queued. Call after the
    /// transaction commits; other instances find it on their next poll.
    pub fn wake(&self) {
        self.wake.notify_one();
    }

    /// Waits until `wake` is called.
    pub async fn woken(&self) {
        self.wake.notified().await;
    }

    /// An absolute link to `path` on this Vigil.
    pub fn link(&self, path: &str) -> String {
        format!("{}{path}", self.public_base)
    }
}
