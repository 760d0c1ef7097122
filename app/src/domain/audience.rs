//! Who a course is for: everyone, or people with given job roles, in given departments, or with
//! reports. Any one match assigns the course.

use serde::{Deserialize, Serialize};

/// The selectors of an assignment rule.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Audience {
    pub everyone: bool,
    /// Job role slugs.
    pub roles: Vec<String>,
    /// Department names, matched ignoring case.
    pub departments: Vec<String>,
    /// People with at least one active report.
    pub managers: bool,
}

impl Audience {
    /// Whether no selector is set, so the rule would assign nobody.
    pub fn is_empty(&self) -> bool {
        !self.everyone && !self.managers && self.roles.is_empty() && self.departments.is_empty()
    }

    /// A short description for lists, e.g. "managers; roles: department-head".
    pub fn describe(&self) -> String {
        if self.everyone {
            return "everyone".to_owned();
        }
        let mut parts = Vec::new();
        if self.managers {
            parts.push("managers".to_owned());
        }
        if !self.roles.is_empty() {
            parts.push(format!("roles: {}", self.roles.join(", ")));
        }
        if !self.departments.is_empty() {
            parts.push(format!("departments: {}", self.departments.join(", ")));
        }
        if parts.is_empty() {
            "nobody".to_owned()
        } else {
            parts.join("; ")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_audience_without_selectors_is_empty_and_says_so() {
        assert!(Audience::default().is_empty());
        assert_eq!(Audience::default().describe(), "nobody");
    }

    #[test]
    fn descriptions_list_every_selector() {
        let audience = Audience {
            managers: true,
            roles: vec!["department-head".to_owned()],
            ..Default::default()
        };
        assert_eq!(audience.describe(), "managers; roles: department-head");
        assert_eq!(
            Audience {
                everyone: true,
                ..audience
            }
            .describe(),
            "everyone"
        );
    }
}
