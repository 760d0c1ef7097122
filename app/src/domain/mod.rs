//! Vigil's domain: plain Rust with no web, database or UI imports, tested without either.
//!
//! Server functions and the command line load data, call into these modules, and save.

pub mod account_link;
pub mod admin_rights;
#[cfg(feature = "ssr")]
pub mod api_token;
pub mod assignment;
pub mod audience;
pub mod certificate;
pub mod chart;
#[cfg(feature = "ssr")]
pub mod checkpoint;
pub mod controls;

#[cfg(feature = "ssr")]
pub mod content;
pub mod course_kind;
pub mod email;
#[cfg(feature = "ssr")]
pub mod evidence;
#[cfg(feature = "ssr")]
pub mod history;

pub mod job_role;
pub mod language_names;
#[cfg(feature = "ssr")]
pub mod ledger;
pub mod login_throttle;
pub mod mail;
#[cfg(feature = "ssr")]
pub mod merkle;
pub mod navigation;
pub mod next_path;
#[cfg(feature = "ssr")]
pub mod pack_proof;
pub mod password_policy;
pub mod people_import;
pub mod period;
pub mod permissions;

pub mod person;
pub mod programme_review;
pub mod provider_token;
#[cfg(feature = "ssr")]
pub mod question_stats;
#[cfg(feature = "ssr")]
pub mod quiz_attempt;
pub mod reminders;
pub mod reporting;
#[cfg(feature = "ssr")]
pub mod scim;
pub mod spreadsheet;
pub mod team;
#[cfg(feature = "ssr")]
pub mod witness;
