//! One module per page.

pub mod account;
pub mod compliance;
pub mod content;
pub mod content_course;
pub mod content_draft;
pub mod content_retire;
pub mod content_version;
pub mod home;
pub mod login;
pub mod not_found;
pub mod people;
pub mod placeholder;
pub mod team;
pub mod training;
