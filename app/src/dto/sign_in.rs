//! How people may sign in, as the sign-in page shows it.

use serde::{Deserialize, Serialize};

/// The sign-in choices of this installation.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignInOptions {
    /// The organisation's identity provider's name, when single sign-on is on.
    pub provider: Option<String>,
    /// Passwords sign in only platform administrators (break-glass).
    pub passwords_for_platform_admins_only: bool,
}
