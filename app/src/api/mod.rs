//! Server functions: every one is a public HTTP endpoint (`/api/...`) that authenticates and
//! authorizes itself, then calls the domain and repositories. DTOs here are the wire format.

pub mod account;
pub mod account_links;
pub mod administration;
pub mod content;
pub mod dashboard;
pub mod mail_admin;

pub mod people;
pub mod records_admin;

pub mod session;
pub mod team;

pub mod training;
