//! Witnesses as the evidence page shows them.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::domain::mail::Delivery;

/// One witness on the list, and where the newest checkpoint queued for them stands.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WitnessRow {
    pub id: i64,
    pub name: String,
    /// An email address or a URL.
    pub target: String,
    pub by_web: bool,
    /// "Each new checkpoint" or "Once a day".
    pub cadence: String,
    pub added_at: DateTime<Utc>,
    /// The newest checkpoint queued for them (its tree size) and its delivery.
    pub last: Option<(i64, Delivery)>,
}

/// The witness list and whether email witnesses can be reached.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WitnessesView {
    pub witnesses: Vec<WitnessRow>,
    /// False when mail delivery is off: email witnesses' checkpoints stay queued.
    pub mail_on: bool,
}
