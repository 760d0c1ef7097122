//! The three kinds of training content.

use serde::{Deserialize, Serialize};

/// What a course folder holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum CourseKind {
    /// Lessons and a quiz with a pass mark.
    Course,
    /// A policy text and a statement people accept.
    Policy,
    /// A short threat notice people acknowledge.
    Bulletin,
}

impl CourseKind {
    /// The spelling used in `course.toml` and the database.
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Course => "course",
            Self::Policy => "policy",
            Self::Bulletin => "bulletin",
        }
    }

    /// Parses the `course.toml` spelling.
    pub fn parse(input: &str) -> Option<Self> {
        match input {
            "course" => Some(Self::Course),
            "policy" => Some(Self::Policy),
            "bulletin" => Some(Self::Bulletin),
            _ => None,
        }
    }

    /// A label for people.
    pub fn label(&self) -> &'static str {
        match self {
            Self::Course => "Course",
            Self::Policy => "Policy acknowledgement",
            Self::Bulletin => "Threat bulletin",
        }
    }
}
