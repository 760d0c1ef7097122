//! API tokens as the token page shows them (never their secrets, which are shown once).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// One token in the list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokenRow {
    pub id: i64,
    pub name: String,
    /// For people.
    pub scope: String,
    /// As typed (`scim`, `reports:read`, `evidence:export`).
    pub scope_id: String,
    /// The secret's last four characters.
    pub hint: String,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub last_used_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
    pub expired: bool,
    /// Whether the viewer may revoke it.
    pub may_revoke: bool,
}
