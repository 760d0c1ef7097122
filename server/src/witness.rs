//! Delivers checkpoints to web witnesses: POSTs each queued checkpoint, exactly as signed, as
//! `text/plain` to the witness's URL, through the same outbox as mail (claimed, so once across
//! instances; retried with back-off; the answer kept). A 2xx answer is "sent"; a 4xx other than
//! 408 and 429 is a permanent refusal; anything else is tried again.

use std::time::Duration;

use app::domain::mail::{AfterFailure, RetryPolicy};
use app::error::AppError;
use app::ssr::db::entities::outbox_message;
use app::ssr::db::outbox::{self, Channel, Outcome};
use chrono::Utc;
use sea_orm::DatabaseConnection;

/// Messages one instance posts at once.
const PARALLEL_POSTS: u64 = 4;

/// Posts checkpoints for one instance.
#[derive(Clone)]
pub struct Poster {
    pub db: DatabaseConnection,
    pub client: reqwest::Client,
    pub retry: RetryPolicy,
    pub poll: Duration,
    pub lease: chrono::Duration,
    pub instance: String,
}

/// Why one POST did not land.
struct Refused {
    reason: String,
    permanent: bool,
}

impl Poster {
    /// A poster with a client that does not follow redirects and gives up after `timeout`.
    pub fn new(
        db: DatabaseConnection,
        retry: RetryPolicy,
        poll: Duration,
        timeout: Duration,
    ) -> Result<Self, String> {
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(timeout)
            .user_agent(concat!(
                "Vigil/",
                env!("CARGO_PKG_VERSION"),
                " (ledger witness)"
            ))
            .build()
            .map_err(|err| format!("the web client for witnesses: {err}"))?;
        Ok(Self {
            db,
            client,
            retry,
            poll,
            lease: chrono::Duration::from_std(timeout.saturating_mul(2))
                .unwrap_or(chrono::Duration::seconds(60)),
            instance: crate::mail::worker::instance_name(),
        })
    }

    /// Runs for ever.
    pub async fn run(self) {
        loop {
            if let Err(err) = self.deliver_all().await {
                tracing::warn!(%err, "posting checkpoints to witnesses failed");
            }
            tokio::time::sleep(self.poll).await;
        }
    }

    /// Posts everything due now. Returns how many were tried.
    pub async fn deliver_all(&self) -> Result<usize, AppError> {
        let mut tried = 0;
        loop {
            let claimed = outbox::claim_due(
                &self.db,
                Channel::Web,
                &self.instance,
                Utc::now(),
                self.lease,
                PARALLEL_POSTS,
            )
            .await?;
            if claimed.is_empty() {
                return Ok(tried);
            }
            tried += claimed.len();
            let outcomes =
                futures::future::join_all(claimed.iter().map(|message| self.deliver(message)))
                    .await;
            for outcome in outcomes {
                outcome?;
            }
        }
    }

    async fn deliver(&self, message: &outbox_message::Model) -> Result<Outcome, AppError> {
        let attempts = message.attempts.saturating_add(1);
        let outcome = match self.post(message).await {
            Ok(reply) => Outcome::Sent { reply },
            Err(refused) => {
                let attempt = u32::try_from(attempts).unwrap_or(u32::MAX);
                match self
                    .retry
                    .after_failure(attempt, refused.permanent, Utc::now())
                {
                    AfterFailure::RetryAt(at) => Outcome::RetryAt {
                        at,
                        error: refused.reason,
                    },
                    AfterFailure::GiveUp => Outcome::Failed {
                        error: refused.reason,
                    },
                }
            }
        };
        match &outcome {
            Outcome::Sent { reply } => {
                tracing::info!(id = message.id, to = %message.recipient, %reply, "checkpoint posted to a witness")
            }
            other => {
                tracing::warn!(id = message.id, to = %message.recipient, ?other, "checkpoint not posted")
            }
        }
        outbox::record(
            &self.db,
            message.id,
            &self.instance,
            attempts,
            outcome.clone(),
            Utc::now(),
        )
        .await?;
        Ok(outcome)
    }

    async fn post(&self, message: &outbox_message::Model) -> Result<String, Refused> {
        let response = self
            .client
            .post(&message.recipient)
            .header(reqwest::header::CONTENT_TYPE, "text/plain; charset=utf-8")
            .header("Idempotency-Key", message.message_id.as_str())
            .body(message.text_body.clone())
            .send()
            .await
            .map_err(|err| Refused {
                reason: format!("no answer: {err}"),
                permanent: false,
            })?;
        let status = response.status();
        let line = format!(
            "HTTP {} {}",
            status.as_u16(),
            status.canonical_reason().unwrap_or("")
        )
        .trim_end()
        .to_owned();
        if status.is_success() {
            return Ok(line);
        }
        let permanent = status.is_client_error()
            && status != reqwest::StatusCode::REQUEST_TIMEOUT
            && status != reqwest::StatusCode::TOO_MANY_REQUESTS;
        Err(Refused {
            reason: format!("the witness answered {line}"),
            permanent,
        })
    }
}
