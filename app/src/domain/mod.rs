//! Vigil's domain: plain Rust with no web, database or UI imports, tested without either.
//!
//! Server functions and the command line load data, call into these modules, and save.

pub mod assignment;
pub mod audience;
pub mod certificate;
#[cfg(feature = "ssr")]
pub mod content;
pub mod course_kind;
pub mod email;
pub mod job_role;
#[cfg(feature = "ssr")]
pub mod ledger;
pub mod login_throttle;
pub mod navigation;
pub mod next_path;
pub mod password_policy;
pub mod period;
pub mod permissions;
pub mod person;
#[cfg(feature = "ssr")]
pub mod quiz_attempt;
