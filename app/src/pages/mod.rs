//! One module per page.

pub mod account;
pub mod compliance;
pub mod content;
pub mod home;
pub mod login;
pub mod not_found;
pub mod people;
pub mod placeholder;
pub mod team;
pub mod training;
