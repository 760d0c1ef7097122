//! The state every request handler and server function receives, passed explicitly through
//! axum state and Leptos context: no globals.

use std::sync::Arc;

use axum::extract::FromRef;
use leptos::config::LeptosOptions;
use sea_orm::DatabaseConnection;

use super::auth::jwt::SessionTokens;
use crate::domain::login_throttle::LoginThrottle;

/// Shared, cheaply cloned application state.
#[derive(Clone, FromRef)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    pub db: DatabaseConnection,
    pub auth: Arc<AuthSettings>,
    /// Serialises assignment-engine runs in this process.
    pub engine: Arc<super::training::engine::EngineLock>,
    /// Course versions parsed once (a version never changes once published).
    pub versions: Arc<super::training::versions::VersionCache>,
    /// Signs evidence packs and the ledger's checkpoints.
    pub evidence_key: Arc<super::evidence::EvidenceKey>,
    /// The ledger's name in its checkpoints.
    pub ledger_origin: Arc<str>,
    /// Whether and how mail is sent, and the delivery worker's wake-up call.
    pub mail: Arc<super::mail::MailSettings>,
    /// `VIGIL_PUBLIC_URL` without a trailing slash, for absolute links in API answers.
    #[from_ref(skip)]
    pub public_base: Arc<str>,
    /// Sign-in through the organisation's OpenID provider, when configured.
    pub oidc: Option<Arc<super::auth::oidc::OidcProvider>>,
    /// Organisation variables fixed by the configuration file (not editable in the browser).
    #[from_ref(skip)]
    pub organisation_fixed: Arc<crate::domain::content::variables::Values>,
}

/// How sessions are issued and checked.
pub struct AuthSettings {
    pub tokens: SessionTokens,
    /// Adds `Secure` (and the `__Host-` name prefix) to the session cookie; off only in
    /// development mode over plain HTTP.
    pub cookie_secure: bool,
    /// An argon2id hash of a random string, verified against when an email is unknown so that
    /// unknown accounts take as long to refuse as wrong passwords.
    pub dummy_password_hash: String,
    pub throttle: LoginThrottle,
    /// Take the client address from the last `X-Forwarded-For` hop (behind a trusted proxy).
    pub trust_forwarded_for: bool,
    /// Passwords sign in only platform administrators (break-glass); everyone else uses single
    /// sign-on.
    pub passwords_for_platform_admins_only: bool,
}
