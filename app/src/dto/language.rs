//! A person's course language, as the account page shows it.

use serde::{Deserialize, Serialize};

/// The person's choice (none: each course's own language) and the languages on offer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LanguageChoice {
    pub current: Option<String>,
    pub available: Vec<String>,
}
