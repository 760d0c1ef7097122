//! Who is making this request, and what they may do: from the session cookie and the database,
//! on every request.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use leptos::prelude::use_context;
use sea_orm::DatabaseConnection;

use super::cookie::cookie_name;
use crate::domain::permissions::{Permission, PermissionFacts, Permissions};
use crate::error::AppError;
use crate::ssr::db::audit::Actor;
use crate::ssr::db::{entities::person, people, revoked_sessions};
use crate::ssr::request::{app_state, cookies};
use crate::ssr::{AppState, AuthSettings};

/// A signed-in, active person and the permissions the database gives them now.
#[derive(Debug, Clone)]
pub struct CurrentUser {
    pub person: person::Model,
    /// The name of the person's department, if they are in one.
    pub department: Option<String>,
    pub permissions: Permissions,
}

impl CurrentUser {
    /// Refuses unless the person holds `permission`.
    pub fn require(&self, permission: Permission) -> Result<(), AppError> {
        if self.permissions.allows(permission) {
            Ok(())
        } else {
            Err(AppError::Forbidden)
        }
    }

    /// This person as the actor of an audited action.
    pub fn actor(&self) -> Actor {
        Actor::person(self.person.id, &self.person.name, &self.person.email)
    }
}

/// Who this request authenticated as, kept for the rest of the request, so that the several
/// server functions a page renders with ask the database once. A new one is provided for every
/// request; only a successful authentication is kept. Server functions that run side by side
/// (a page's resources) wait for the one check in flight instead of each making their own.
#[derive(Clone, Default)]
pub struct RequestUser(Arc<tokio::sync::OnceCell<CurrentUser>>);

/// The signed-in person for the current server-function or page request.
pub async fn current_user() -> Result<CurrentUser, AppError> {
    match use_context::<RequestUser>() {
        Some(kept) => kept.0.get_or_try_init(authenticate_request).await.cloned(),
        None => authenticate_request().await,
    }
}

/// Authenticates the current request from its session cookie and the database.
async fn authenticate_request() -> Result<CurrentUser, AppError> {
    let state: AppState = app_state()?;
    let jar = cookies()?;
    let token = jar
        .get(cookie_name(state.auth.cookie_secure))
        .map(|cookie| cookie.value().to_owned());
    authenticate(&state.db, &state.auth, token.as_deref(), Utc::now()).await
}

/// Revokes the session token this request carries, if it is a valid one, so that a copy of it
/// cannot be used after signing out.
pub async fn revoke_presented_token(state: &AppState) -> Result<(), AppError> {
    let jar = cookies()?;
    let Some(cookie) = jar.get(cookie_name(state.auth.cookie_secure)) else {
        return Ok(());
    };
    let Ok(claims) = state.auth.tokens.verify(cookie.value(), Utc::now()) else {
        return Ok(());
    };
    if let Some(person) = people::find_by_public_id(&state.db, &claims.sub).await? {
        revoked_sessions::revoke(&state.db, &claims.jti, person.id, claims.expires_at()).await?;
    }
    Ok(())
}

/// Checks a session token against the signing key and the database: the person must exist, be
/// active, and the token must be issued after their "sessions valid after" time (which sign-out
/// everywhere, password changes and deactivation move forward).
pub async fn authenticate(
    db: &DatabaseConnection,
    auth: &AuthSettings,
    token: Option<&str>,
    now: DateTime<Utc>,
) -> Result<CurrentUser, AppError> {
    let token = token
        .filter(|token| !token.is_empty())
        .ok_or(AppError::Unauthenticated)?;
    let claims = auth.tokens.verify(token, now).map_err(|rejected| {
        tracing::info!(%rejected, "session token refused");
        AppError::Unauthenticated
    })?;
    let holder = revoked_sessions::holder(db, &claims.sub, &claims.jti)
        .await?
        .ok_or(AppError::Unauthenticated)?;
    let person = holder.person;
    let issued_at = claims.issued_at().ok_or(AppError::Unauthenticated)?;
    if holder.revoked || !person.active || issued_at < person.sessions_valid_after {
        return Err(AppError::Unauthenticated);
    }
    let facts = PermissionFacts {
        active: person.active,
        has_active_reports: holder.has_active_reports,
        is_compliance_admin: person.is_compliance_admin,
        is_platform_admin: person.is_platform_admin,
    };
    Ok(CurrentUser {
        permissions: Permissions::of(facts),
        department: holder.department_name,
        person,
    })
}
