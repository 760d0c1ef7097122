//! Signing in and out, and who is signed in.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::domain::permissions::Permissions;
use crate::error::AppError;

/// The signed-in person, as pages see them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionUser {
    pub public_id: String,
    pub name: String,
    pub email: String,
    pub job_title: String,
    pub department: Option<String>,
    pub permissions: Permissions,
}

/// The signed-in person, or `None` when nobody is (or the session has ended).
#[server(prefix = "/api", endpoint = "session/current")]
pub async fn current_session() -> Result<Option<SessionUser>, AppError> {
    use crate::ssr::{auth::current_user, request::respond};
    respond(
        async {
            let user = match current_user().await {
                Ok(user) => user,
                Err(AppError::Unauthenticated) => return Ok(None),
                Err(other) => return Err(other),
            };
            Ok(Some(SessionUser {
                public_id: user.person.public_id,
                name: user.person.name,
                email: user.person.email,
                job_title: user.person.job_title,
                department: user.department,
                permissions: user.permissions,
            }))
        }
        .await,
    )
}

/// A fresh proof that a person loaded the sign-in form, for its hidden `presence` field. Only
/// needed after many failed sign-ins from one network; single-use.
#[server(prefix = "/api", endpoint = "session/presence")]
pub async fn sign_in_presence() -> Result<String, AppError> {
    use crate::ssr::request::{app_state, respond};
    respond(
        async {
            let state = app_state()?;
            state
                .auth
                .tokens
                .issue_presence(chrono::Utc::now())
                .map_err(|err| crate::ssr::internal("issuing a proof of presence", err))
        }
        .await,
    )
}

/// Signs in with email and password and goes to `next` (a path on this site) or home.
#[server(prefix = "/api", endpoint = "session/login")]
pub async fn login(
    email: String,
    password: String,
    next: Option<String>,
    #[server(default)] presence: Option<String>,
) -> Result<(), AppError> {
    use crate::domain::next_path::safe_next_path;
    use crate::ssr::{
        auth::{
            cookie::session_cookie,
            sign_in::{Attempt, sign_in},
        },
        request::{app_state, client_addr, respond, set_cookie},
    };
    respond(
        async {
            let state = app_state()?;
            let client = client_addr(state.auth.trust_forwarded_for);
            let token = sign_in(
                &state.db,
                &state.auth,
                Attempt {
                    email: &email,
                    password,
                    client_addr: &client,
                    presence: presence.as_deref().filter(|p| !p.is_empty()),
                },
                chrono::Utc::now(),
            )
            .await?;
            set_cookie(session_cookie(
                token,
                state.auth.cookie_secure,
                state.auth.tokens.ttl(),
            ))?;
            leptos_axum::redirect(safe_next_path(next.as_deref()));
            Ok(())
        }
        .await,
    )
}

/// Signs out on this device: the session token is revoked and the cookie removed.
#[server(prefix = "/api", endpoint = "session/logout")]
pub async fn logout() -> Result<(), AppError> {
    use crate::ssr::{
        auth::{
            cookie::{SSO_MARKER, clearing_cookie, sso_marker},
            current_user::revoke_presented_token,
        },
        request::{app_state, cookies, respond, set_cookie},
    };
    respond(
        async {
            let state = app_state()?;
            revoke_presented_token(&state).await?;
            set_cookie(clearing_cookie(state.auth.cookie_secure))?;
            // A session from the organisation's provider ends there too (RP-initiated logout),
            // which sends the browser back to the sign-in page.
            let from_provider = cookies()?.get(SSO_MARKER).is_some_and(|c| c.value() == "1");
            let provider_logout = state
                .oidc
                .as_ref()
                .filter(|_| from_provider)
                .and_then(|provider| provider.logout_url(None));
            if from_provider {
                set_cookie(sso_marker(false, state.auth.cookie_secure))?;
            }
            match provider_logout {
                Some(url) => leptos_axum::redirect(&url),
                None => leptos_axum::redirect("/login?signed_out=1"),
            }
            Ok(())
        }
        .await,
    )
}

/// How people may sign in: the organisation's identity provider, when configured, and whether
/// passwords are only for platform administrators.
#[server(prefix = "/api", endpoint = "session/single-sign-on")]
pub async fn sign_in_options() -> Result<crate::dto::sign_in::SignInOptions, AppError> {
    use crate::ssr::request::{app_state, respond};
    respond(app_state().map(|state| crate::dto::sign_in::SignInOptions {
        provider: state.oidc.as_ref().map(|provider| provider.name.clone()),
        passwords_for_platform_admins_only: state.auth.passwords_for_platform_admins_only,
    }))
}
