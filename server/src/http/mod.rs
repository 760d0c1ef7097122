//! HTTP plumbing around the Leptos app: security headers and cross-site request refusal.

pub mod assets;
pub mod course_source;
pub mod csrf;
#[cfg(feature = "embed-site")]
pub mod embedded_site;
pub mod evidence;

pub mod exports;
pub mod ledger;
pub mod oidc;
pub mod openapi;
pub mod request_guard;
pub mod scim;

pub mod security_headers;
