//! Publishing courses: from a folder tree (git), a zip upload or the browser editor.

pub mod cpu;
pub mod drafts;
pub mod publish;
pub mod retire;
pub mod tree;
pub mod views;
pub mod zip_upload;

pub use publish::{PublishOutcome, Via, publish};
