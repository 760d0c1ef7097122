//! Building blocks shared by pages.

pub mod alerts;
pub mod delivery;
pub mod guard;
pub mod layout;
pub mod password_fields;
pub mod preview;
pub mod progress;

pub mod session;
pub mod status;
pub mod time;
