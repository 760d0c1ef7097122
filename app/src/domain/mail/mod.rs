//! Email as Vigil records it: what kind of message, where its delivery stands, how failed
//! attempts are retried, and header text that cannot smuggle in another header.
//!
//! A message is `queued` in the same transaction as the action that causes it, and only a
//! delivery worker that got the SMTP server's acceptance marks it `sent`. Nothing else may call
//! a message sent: pages, exports and evidence packs show these states as they are.

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
pub mod template;

/// How this Vigil delivers mail.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum MailMode {
    /// Through the SMTP relay in `VIGIL_SMTP_URL`.
    Smtp,
    /// Development without SMTP: each message is written as an `.eml` file.
    Files,
    /// Switched off (`VIGIL_MAIL=off`): nothing is queued or sent.
    Off,
}

impl MailMode {
    /// Whether messages are queued and delivered at all.
    pub fn is_on(&self) -> bool {
        !matches!(self, Self::Off)
    }

    /// What pages say when mail is off, or `None` when it is on.
    pub fn off_notice(&self) -> Option<&'static str> {
        (!self.is_on()).then_some(
            "Email is switched off on this Vigil (VIGIL_MAIL=off): no invitations, password resets or reminders are sent.",
        )
    }
}

/// Why a message exists.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum MessageKind {
    /// An invitation to choose a password and sign in.
    Invitation,
    /// A link to choose a new password.
    PasswordReset,
    /// A reminder a manager sent by hand.
    Reminder,
    /// The daily scheduled message: a person's own due and overdue training, and for managers
    /// their overdue reports and the weekly digest, combined into one message.
    ScheduledReminder,
    /// `vigil mail test`.
    Test,
    /// A ledger checkpoint emailed to a witness.
    WitnessEmail,
    /// A ledger checkpoint POSTed to a witness's URL (delivered by web request, not SMTP).
    WitnessPost,
}

impl MessageKind {
    /// Every kind, in display order.
    pub const ALL: [Self; 7] = [
        Self::Invitation,
        Self::PasswordReset,
        Self::Reminder,
        Self::ScheduledReminder,
        Self::Test,
        Self::WitnessEmail,
        Self::WitnessPost,
    ];

    /// The stored spelling.
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Invitation => "invitation",
            Self::PasswordReset => "password_reset",
            Self::Reminder => "reminder",
            Self::ScheduledReminder => "scheduled_reminder",
            Self::Test => "test",
            Self::WitnessEmail => "witness_email",
            Self::WitnessPost => "witness_post",
        }
    }

    /// Parses the stored spelling; an unknown value is an error, never a default.
    pub fn parse(input: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|kind| kind.as_str() == input)
    }

    /// A label for people.
    pub fn label(&self) -> &'static str {
        match self {
            Self::Invitation => "Invitation",
            Self::PasswordReset => "Password reset",
            Self::Reminder => "Reminder from a manager",
            Self::ScheduledReminder => "Scheduled reminder",
            Self::Test => "Test message",
            Self::WitnessEmail => "Checkpoint to a witness (email)",
            Self::WitnessPost => "Checkpoint to a witness (web)",
        }
    }

    /// Whether the message reminds someone about training (what the evidence pack counts).
    pub fn is_reminder(&self) -> bool {
        matches!(self, Self::Reminder | Self::ScheduledReminder)
    }
}

/// Where a message's delivery stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum DeliveryStatus {
    /// Waiting for (another) delivery attempt. Not sent.
    Queued,
    /// The SMTP server accepted it; its reply and the time are kept.
    Sent,
    /// Every attempt failed, or the server refused it permanently; the reason is kept.
    Failed,
    /// Not sent because its recipient was deactivated before delivery.
    Cancelled,
}

impl DeliveryStatus {
    /// Every status.
    pub const ALL: [Self; 4] = [Self::Queued, Self::Sent, Self::Failed, Self::Cancelled];

    /// The stored spelling.
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Queued => "queued",
            Self::Sent => "sent",
            Self::Failed => "failed",
            Self::Cancelled => "cancelled",
        }
    }

    /// Parses the stored spelling.
    pub fn parse(input: &str) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|status| status.as_str() == input)
    }

    /// A label for people: never "sent" for anything the SMTP server did not accept.
    pub fn label(&self) -> &'static str {
        match self {
            Self::Queued => "Queued, not sent yet",
            Self::Sent => "Sent",
            Self::Failed => "Failed, not delivered",
            Self::Cancelled => "Cancelled, not sent",
        }
    }
}

/// A message's delivery as pages show it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Delivery {
    pub status: DeliveryStatus,
    pub queued_at: DateTime<Utc>,
    pub sent_at: Option<DateTime<Utc>>,
    pub failed_at: Option<DateTime<Utc>>,
    /// The last error, or why it failed.
    pub error: Option<String>,
    pub attempts: i32,
}

impl Delivery {
    /// One line saying what happened, with the relevant time formatted by `time`.
    pub fn describe(&self, time: impl Fn(DateTime<Utc>) -> String) -> String {
        match self.status {
            DeliveryStatus::Sent => {
                format!("Sent {}", time(self.sent_at.unwrap_or(self.queued_at)))
            }
            DeliveryStatus::Queued if self.attempts > 0 => format!(
                "Queued {}, not sent yet ({} failed attempt{}: {})",
                time(self.queued_at),
                self.attempts,
                if self.attempts == 1 { "" } else { "s" },
                self.error.as_deref().unwrap_or("no answer")
            ),
            DeliveryStatus::Queued => format!("Queued {}, not sent yet", time(self.queued_at)),
            DeliveryStatus::Failed => format!(
                "Failed {}: {}",
                time(self.failed_at.unwrap_or(self.queued_at)),
                self.error.as_deref().unwrap_or("no reason given")
            ),
            DeliveryStatus::Cancelled => format!(
                "Cancelled {}: {}",
                time(self.failed_at.unwrap_or(self.queued_at)),
                self.error.as_deref().unwrap_or("not sent")
            ),
        }
    }
}

/// How failed deliveries are retried: `base`, then twice as long each time, at most `cap`
/// between attempts, and `max_attempts` attempts in all.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RetryPolicy {
    pub base: Duration,
    pub cap: Duration,
    pub max_attempts: u32,
}

impl Default for RetryPolicy {
    /// 1, 2, 4, 8, … minutes, at most 6 hours apart, 10 attempts (about 17 hours in all).
    fn default() -> Self {
        Self {
            base: Duration::minutes(1),
            cap: Duration::hours(6),
            max_attempts: 10,
        }
    }
}

/// What to do after a failed attempt.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AfterFailure {
    RetryAt(DateTime<Utc>),
    GiveUp,
}

impl RetryPolicy {
    /// Decides after attempt number `attempts` (1 for the first) failed at `now`. A permanent
    /// failure (an SMTP 5xx answer) is never retried.
    pub fn after_failure(
        &self,
        attempts: u32,
        permanent: bool,
        now: DateTime<Utc>,
    ) -> AfterFailure {
        if permanent || attempts >= self.max_attempts {
            return AfterFailure::GiveUp;
        }
        let doublings = attempts.saturating_sub(1).min(30);
        let delay = self
            .base
            .checked_mul(1_i32 << doublings)
            .unwrap_or(self.cap)
            .min(self.cap);
        AfterFailure::RetryAt(now + delay)
    }
}

/// Text safe for a mail header (a subject, a display name): control characters, including CR
/// and LF, become spaces, runs of whitespace collapse, and it is cut to `max` characters. A
/// course title with a line break therefore cannot start a header of its own.
pub fn header_text(input: &str, max: usize) -> String {
    let cleaned: String = input
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    let collapsed = cleaned.split_whitespace().collect::<Vec<_>>().join(" ");
    if collapsed.chars().count() <= max {
        collapsed
    } else {
        let mut cut: String = collapsed.chars().take(max.saturating_sub(1)).collect();
        cut.push('…');
        cut
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(minutes: i64) -> DateTime<Utc> {
        DateTime::<Utc>::from_timestamp(1_800_000_000 + minutes * 60, 0).unwrap()
    }

    #[test]
    fn kinds_and_statuses_round_trip_and_unknown_spellings_are_refused() {
        for kind in MessageKind::ALL {
            assert_eq!(MessageKind::parse(kind.as_str()), Some(kind));
        }
        for status in DeliveryStatus::ALL {
            assert_eq!(DeliveryStatus::parse(status.as_str()), Some(status));
        }
        assert_eq!(MessageKind::parse("Reminder"), None);
        assert_eq!(DeliveryStatus::parse("Sent"), None);
        assert_eq!(DeliveryStatus::parse("delivered"), None);
    }

    #[test]
    fn only_an_accepted_message_is_labelled_sent() {
        for status in DeliveryStatus::ALL {
            let says_sent = status.label().starts_with("Sent");
            assert_eq!(says_sent, status == DeliveryStatus::Sent, "{status:?}");
        }
    }

    #[test]
    fn retries_back_off_exponentially_up_to_the_cap() {
        let policy = RetryPolicy::default();
        let delays: Vec<i64> = (1..=9)
            .map(
                |attempt| match policy.after_failure(attempt, false, at(0)) {
                    AfterFailure::RetryAt(when) => (when - at(0)).num_minutes(),
                    AfterFailure::GiveUp => -1,
                },
            )
            .collect();
        assert_eq!(delays, [1, 2, 4, 8, 16, 32, 64, 128, 256]);
        let capped = RetryPolicy {
            cap: Duration::minutes(10),
            ..policy
        };
        assert_eq!(
            capped.after_failure(6, false, at(0)),
            AfterFailure::RetryAt(at(10))
        );
    }

    #[test]
    fn the_last_attempt_and_permanent_failures_give_up() {
        let policy = RetryPolicy::default();
        assert_eq!(policy.after_failure(10, false, at(0)), AfterFailure::GiveUp);
        assert_eq!(policy.after_failure(1, true, at(0)), AfterFailure::GiveUp);
    }

    #[test]
    fn header_text_cannot_contain_a_line_break() {
        let subject = header_text("Reminder: Phishing\r\nBcc: everyone@example.com", 200);
        assert_eq!(subject, "Reminder: Phishing Bcc: everyone@example.com");
        assert!(!subject.contains(['\r', '\n']));
        assert_eq!(header_text("a\u{0}b\tc", 200), "a b c");
    }

    #[test]
    fn long_header_text_is_cut_with_an_ellipsis() {
        let cut = header_text(&"x".repeat(300), 10);
        assert_eq!(cut.chars().count(), 10);
        assert!(cut.ends_with('…'));
    }

    #[test]
    fn a_queued_message_never_reads_as_sent() {
        let delivery = Delivery {
            status: DeliveryStatus::Queued,
            queued_at: at(0),
            sent_at: None,
            failed_at: None,
            error: Some("connection refused".into()),
            attempts: 2,
        };
        let line = delivery.describe(|t| t.format("%H:%M").to_string());
        assert!(line.starts_with("Queued"), "{line}");
        assert!(line.contains("not sent yet"), "{line}");
        assert!(
            line.contains("2 failed attempts: connection refused"),
            "{line}"
        );
    }
}
