//! Facilitator packs as shown to the people who teach a course in person.

use serde::{Deserialize, Serialize};

/// One slide or document: its title and sanitized HTML.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PackPart {
    pub title: String,
    pub html: String,
}

/// The pack of a course's current version.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FacilitatorView {
    pub slug: String,
    pub title: String,
    pub version: i32,
    pub slides: Vec<PackPart>,
    pub guide: Option<PackPart>,
    pub checklist: Option<PackPart>,
}

/// A course that has a pack, for the list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PackRow {
    pub slug: String,
    pub title: String,
    pub slides: usize,
    pub guide: bool,
    pub checklist: bool,
}
