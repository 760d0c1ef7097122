//! Sign-in, sessions and who is asking.

pub mod account_links;
pub mod cookie;
pub mod current_user;
pub mod jwt;
pub mod oidc;
pub mod oidc_sign_in;
pub mod password;
pub mod password_change;
pub mod sign_in;

pub use current_user::{CurrentUser, RequestUser, current_user};
