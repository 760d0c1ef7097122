//! Server functions: every one is a public HTTP endpoint (`/api/...`) that authenticates and
//! authorizes itself, then calls the domain and repositories. DTOs here are the wire format.

pub mod account;
pub mod administration;
pub mod content;
pub mod people;
pub mod session;
pub mod training;
