//! The organisation details page: each variable courses may use, its value, and who uses it.

use serde::{Deserialize, Serialize};

/// One organisation variable.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct VariableRow {
    /// `contacts.security_email`; courses write `{{contacts.security_email}}`.
    pub key: String,
    /// What it is ("The security team's email address").
    pub label: String,
    /// What courses show while it is unset ("[the security team's email address]").
    pub shown_unset: String,
    /// The value set now (empty when unset).
    pub value: String,
    /// An example of the expected form.
    pub example: String,
    /// Fixed by the configuration file: shown, not editable.
    pub configured: bool,
    /// Titles of the current courses whose text uses it.
    pub used_by: Vec<String>,
}

/// The page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrganisationView {
    pub variables: Vec<VariableRow>,
}

impl OrganisationView {
    /// Variables current courses use that have no value: those courses show `[label]`.
    pub fn unset_in_use(&self) -> Vec<&VariableRow> {
        self.variables
            .iter()
            .filter(|v| v.value.is_empty() && !v.used_by.is_empty())
            .collect()
    }
}

/// The form field for a variable (`org.name` → `org-name`: dots would be read as nesting).
pub fn field_name(key: &str) -> String {
    key.replace('.', "-")
}

/// The variable a form field stands for.
pub fn key_of_field(field: &str) -> String {
    field.replace('-', ".")
}
