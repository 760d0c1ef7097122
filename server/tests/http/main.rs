//! HTTP tests: the real application on 127.0.0.1 port 0, a fresh database per test, driven by a
//! plain HTTP client the way a browser without JavaScript would.

// Test helpers panic on setup failures: that is how a test reports them.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod helpers;
#[allow(dead_code)]
#[path = "../support/smtp.rs"]
mod smtp;

mod api_tokens;
mod authorization;
mod concurrency;
mod content;
mod evidence;
mod facilitator;

mod hardening;
mod headers;
mod languages;
mod mail;
mod navigation;
mod openapi;
mod organisation;
mod people_admin;
mod query_counts;

mod reporting;
mod rights;
mod scim;

mod sessions;
mod sign_in;
mod single_sign_on;
mod training;
mod transparency;
mod witnesses;
