//! Email as pages show it: what was sent to whom, and where its delivery stands.

use serde::{Deserialize, Serialize};

use crate::domain::account_link::InvitationState;
use crate::domain::mail::{Delivery, MailMode, MessageKind};

/// One message in a list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MessageRow {
    pub id: i64,
    pub kind: MessageKind,
    pub subject: String,
    pub recipient: String,
    /// The `Message-ID` header, to find the message in the mail server's logs.
    pub message_id: String,
    pub delivery: Delivery,
}

/// A person's invitation and the delivery of the message that carried it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvitationView {
    pub state: InvitationState,
    pub delivery: Option<Delivery>,
}

/// The outbox for compliance administrators: one page of messages and the counts by state.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MailQueueView {
    pub mode: MailMode,
    pub queued: u64,
    pub sent: u64,
    pub failed: u64,
    pub cancelled: u64,
    pub messages: Vec<MessageRow>,
    /// Page number (from 1) and how many pages the current filter has.
    pub page: u64,
    pub pages: u64,
    /// The filter applied: empty for all, or a status spelling.
    pub status: String,
}

/// One reminder entry about a person: why, who was told, and the message's delivery.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReminderRow {
    pub at: chrono::DateTime<chrono::Utc>,
    pub course: String,
    /// Why it was sent (due soon, overdue, escalated to manager, …).
    pub reason: String,
    /// Who was told: the person, or their manager for an escalation.
    pub recipient: String,
    pub delivery: Delivery,
}
