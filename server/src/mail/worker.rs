//! The delivery worker: one per Vigil instance, woken when this instance queues something and
//! polling for the rest. Each pass it
//! 1. turns password-reset requests into links (or nothing, for unknown addresses);
//! 2. starts the day's reminder run once the schedule's hour has come (once across instances);
//! 3. claims due messages from the outbox and delivers them, recording the server's answer,
//!    scheduling a retry with back-off after a temporary failure, or marking them failed.
//!
//! Nothing is held in memory between passes: a message queued before a crash is in the
//! database, and one whose delivery was cut off is claimed again when its lease runs out. The
//! `Message-ID` is stored, so a retry is recognisable as the same message.

use std::sync::Arc;
use std::time::Duration;

use app::domain::mail::{AfterFailure, RetryPolicy};
use app::error::AppError;
use app::ssr::db::entities::outbox_message;
use app::ssr::db::outbox::{self, Outcome};
use app::ssr::db::{job_runs, people};
use app::ssr::mail::{MailSettings, password_reset, scheduled};
use chrono::{DateTime, Timelike, Utc};
use lettre::message::Mailbox;
use sea_orm::DatabaseConnection;

use super::transport::{Mailer, Outgoing};

/// Messages one instance sends at once (the SMTP connection pool holds as many).
pub const PARALLEL_DELIVERIES: u64 = 4;

/// Delivers mail for one instance.
#[derive(Clone)]
pub struct Worker {
    pub db: DatabaseConnection,
    pub mail: Arc<MailSettings>,
    pub mailer: Arc<Mailer>,
    pub from: Mailbox,
    pub retry: RetryPolicy,
    pub poll: Duration,
    /// How long a claim on a message lasts: longer than one delivery can take.
    pub lease: chrono::Duration,
    /// This instance's name in claims and job runs.
    pub instance: String,
    /// Whether this instance starts the daily reminder run.
    pub run_scheduled: bool,
}

/// A name for this process, unique enough to tell instances apart in the database.
pub fn instance_name() -> String {
    let host = std::fs::read_to_string("/etc/hostname")
        .ok()
        .map(|h| h.trim().to_owned())
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "vigil".to_owned());
    format!(
        "{host}-{}-{:04x}",
        std::process::id(),
        rand::random::<u16>()
    )
}

impl Worker {
    /// Runs for ever.
    pub async fn run(self) {
        loop {
            self.pass(Utc::now()).await;
            tokio::select! {
                () = self.mail.woken() => {}
                () = tokio::time::sleep(self.poll) => {}
            }
        }
    }

    /// One pass of everything; failures are logged and retried on the next pass.
    pub async fn pass(&self, now: DateTime<Utc>) {
        if let Err(err) = password_reset::process_pending(&self.db, &self.mail, now).await {
            tracing::warn!(%err, "handling password reset requests failed");
        }
        if let Err(err) = self.maybe_run_reminders(now).await {
            tracing::warn!(%err, "the scheduled reminder run failed; it is tried again");
        }
        if let Err(err) = self.deliver_all().await {
            tracing::warn!(%err, "delivering mail failed");
        }
    }

    /// Delivers every message that is due now, a few at a time over pooled SMTP connections.
    /// Each claim covers only messages being sent at that moment, so it never outlasts its
    /// lease while others wait. Returns how many were tried.
    pub async fn deliver_all(&self) -> Result<usize, AppError> {
        let mut tried = 0;
        loop {
            let claimed = outbox::claim_due(
                &self.db,
                outbox::Channel::Mail,
                &self.instance,
                Utc::now(),
                self.lease,
                PARALLEL_DELIVERIES,
            )
            .await?;
            if claimed.is_empty() {
                return Ok(tried);
            }
            let outcomes =
                futures::future::join_all(claimed.iter().map(|message| self.deliver(message)))
                    .await;
            tried += claimed.len();
            for outcome in outcomes {
                outcome?;
            }
        }
    }

    /// One delivery attempt of a claimed message, and its recorded outcome.
    pub async fn deliver(&self, message: &outbox_message::Model) -> Result<Outcome, AppError> {
        let attempts = message.attempts.saturating_add(1);
        let person = match message.person_id {
            Some(id) => people::find_by_id(&self.db, id).await?,
            None => None,
        };
        let outcome = if person.as_ref().is_some_and(|p| !p.active) {
            Outcome::Cancelled {
                reason: "the person was deactivated before delivery".to_owned(),
            }
        } else {
            let result = self
                .mailer
                .send(
                    &self.from,
                    &Outgoing {
                        message_id: &message.message_id,
                        to_name: person.as_ref().map(|p| p.name.as_str()),
                        to: &message.recipient,
                        subject: &message.subject,
                        text: &message.text_body,
                        html: &message.html_body,
                    },
                )
                .await;
            match result {
                Ok(reply) => Outcome::Sent { reply },
                Err(err) => {
                    let attempt = u32::try_from(attempts).unwrap_or(u32::MAX);
                    match self.retry.after_failure(attempt, err.permanent, Utc::now()) {
                        AfterFailure::RetryAt(at) => Outcome::RetryAt {
                            at,
                            error: err.reason,
                        },
                        AfterFailure::GiveUp => Outcome::Failed { error: err.reason },
                    }
                }
            }
        };
        match &outcome {
            Outcome::Sent { reply } => {
                tracing::info!(id = message.id, message_id = %message.message_id, %reply, "mail sent")
            }
            Outcome::RetryAt { at, error } => {
                tracing::warn!(id = message.id, %error, retry_at = %at, "mail not sent; will retry")
            }
            Outcome::Failed { error } => {
                tracing::error!(id = message.id, %error, attempts, "mail failed; no more retries")
            }
            Outcome::Cancelled { reason } => {
                tracing::info!(id = message.id, %reason, "mail cancelled")
            }
        }
        let held = outbox::record(
            &self.db,
            message.id,
            &self.instance,
            attempts,
            outcome.clone(),
            Utc::now(),
        )
        .await?;
        if !held {
            tracing::warn!(
                id = message.id,
                "the claim on this message ran out before its outcome was recorded"
            );
        }
        Ok(outcome)
    }

    /// Starts today's reminder run if its hour has come and it has not run yet.
    async fn maybe_run_reminders(&self, now: DateTime<Utc>) -> Result<(), AppError> {
        if !self.run_scheduled || !self.mail.mode.is_on() {
            return Ok(());
        }
        let schedule = scheduled::schedule(&self.db).await?;
        if !schedule.enabled || now.hour() < schedule.send_hour_utc {
            return Ok(());
        }
        let today = now.date_naive();
        if job_runs::find(&self.db, scheduled::JOB, &today.to_string())
            .await?
            .is_some()
        {
            return Ok(());
        }
        let outcome =
            scheduled::run_for_day(&self.db, &self.mail, today, &self.instance, now).await?;
        tracing::info!(?outcome, %today, "scheduled reminders");
        Ok(())
    }
}
