//! Course folders: parsing Markdown and TOML into domain types, rendering safe HTML, hashing.
//!
//! Pure code with no I/O: callers hand in the files of a folder (from disk, a zip upload or the
//! browser editor) and get back a [`course::ParsedCourse`] or every [`problem::Problem`] found.
//! It never panics on any input. Server-only because pulldown-cmark and ammonia must stay out of
//! the wasm bundle.

pub mod course;
pub mod facilitator;
pub mod hash;
pub mod lesson;
pub mod limits;
pub mod markdown;
pub mod metadata;
pub mod problem;
pub mod quiz;
pub mod quiz_lint;
pub mod source;
pub mod translation;
pub mod variables;

pub use course::{ParsedCourse, parse_course};
pub use problem::Problem;
pub use source::CourseSource;

#[cfg(test)]
mod fuzz_tests;
#[cfg(test)]
mod hostile_tests;
#[cfg(test)]
mod robustness_tests;
