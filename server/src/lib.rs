//! The `vigil` server: start-up, configuration, HTTP plumbing and the command line. The pages,
//! server functions and domain live in the `app` crate.

pub mod cli;
pub mod commands;
pub mod config;
pub mod http;
pub mod mail;
pub mod startup;
pub mod telemetry;
pub mod witness;
