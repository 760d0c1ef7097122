//! Server-only code: database, authentication and request plumbing. Compiled with the `ssr`
//! feature only, so none of it (nor sea-orm, argon2 or jsonwebtoken) reaches the wasm bundle.

pub mod api_tokens;
pub mod auth;
pub mod content;
pub mod csp;
pub mod db;
pub mod demo;
pub mod demo_history;
pub mod demo_scale;
pub mod directory;

pub mod evidence;

pub mod failure;
pub mod frozen;
pub mod mail;
pub mod openapi;
pub mod openapi_scim;
pub mod people_admin;
pub mod programme_reviews;
pub mod reporting;
pub mod request;
pub mod scim;

pub mod state;
pub mod training;
pub mod transparency;
pub mod witnesses;

pub use failure::internal;
pub use state::{AppState, AuthSettings};
