//! Sending email: the transport (SMTP through lettre, `.eml` files in development) and the
//! delivery worker that empties the outbox, handles password-reset requests and starts the
//! daily reminder run.

pub mod transport;
pub mod worker;

pub use transport::{Mailer, Outgoing, SendError};
pub use worker::Worker;
