//! HTTP tests: the real application on 127.0.0.1 port 0, a fresh database per test, driven by a
//! plain HTTP client the way a browser without JavaScript would.

mod helpers;

mod headers;
mod navigation;
mod sessions;
mod sign_in;
