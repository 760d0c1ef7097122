//! Publishing courses: from a folder tree (git), a zip upload or the browser editor.

pub mod cpu;
pub mod drafts;
pub mod facilitator;
pub mod organisation;
pub mod organisation_views;
pub mod publish;
pub mod question_stats;
pub mod retire;
pub mod tree;
pub mod views;
pub mod zip_download;
pub mod zip_upload;

pub use publish::{PublishOutcome, Via, publish};
