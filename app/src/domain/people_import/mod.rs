//! Importing people from CSV: every line is checked, and the import is all or nothing.
//!
//! Columns (a header row is required; order is free; extra columns are refused):
//! `email, name, department, job_title, hire_date, manager_email, roles, compliance_admin,
//! platform_admin, invite, language`. `roles` holds job role ids separated by `;`. The admin
//! columns and `invite` (email an invitation to a person who has no password yet) take
//! `yes`/`no`. `language` is the language the person takes courses in: one some course is
//! available in, or `default` for each course's own. An email
//! already in Vigil updates that person; a new one adds a person. What a line leaves empty (or a
//! file has no column for) is kept as it is for people already in Vigil: roles and administrator
//! rights are never dropped because a file does not mention them.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

// Checking a file needs the csv crate, so it runs on the server only; the plan it produces is
// shown by the browser too.
#[cfg(feature = "ssr")]
mod check;
#[cfg(feature = "ssr")]
pub use check::{Existing, Importer, MAX_BYTES, MAX_ROWS, plan};

/// What a `language` cell says for "each course's own language".
pub const COURSE_DEFAULT_LANGUAGE: &str = "default";

/// Whether a line adds a person or updates one.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Action {
    Add,
    Update,
}

/// One good line.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlannedPerson {
    pub line: usize,
    pub action: Action,
    pub email: String,
    pub name: String,
    pub department: Option<String>,
    pub job_title: String,
    pub hire_date: NaiveDate,
    pub manager_email: Option<String>,
    /// `None` when the line names no roles: a new person gets `employee`, an existing one keeps
    /// theirs.
    pub roles: Option<Vec<String>>,
    /// `None` when the line does not say: kept as it is (no, for a new person).
    pub compliance_admin: Option<bool>,
    pub platform_admin: Option<bool>,
    /// Email an invitation if the person has no password yet.
    pub invite: bool,
    /// The language the person takes courses in: `None` when the line does not say (kept as it
    /// is; none for a new person), empty for each course's own.
    #[serde(default)]
    pub language: Option<String>,
}

/// A problem on one line (line 1 is the header).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LineError {
    pub line: usize,
    pub message: String,
}

impl std::fmt::Display for LineError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "line {}: {}", self.line, self.message)
    }
}

/// The outcome of checking a file: the people it would add or update, and every problem.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportPlan {
    pub people: Vec<PlannedPerson>,
    pub errors: Vec<LineError>,
}

impl ImportPlan {
    /// Whether the import may run.
    pub fn is_clean(&self) -> bool {
        self.errors.is_empty() && !self.people.is_empty()
    }
}
