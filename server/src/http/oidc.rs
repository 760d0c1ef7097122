//! Single sign-on routes: `POST /auth/oidc/start` (the sign-in page's button) and
//! `GET /auth/oidc/callback` (where the provider sends the browser back).

use app::domain::next_path::safe_next_path;
use app::ssr::AppState;
use app::ssr::auth::cookie::{
    OIDC_STATE, oidc_state_clearing, oidc_state_cookie, session_cookie, sso_marker,
};
use app::ssr::auth::oidc::{ATTEMPT_MINUTES, CALLBACK_PATH, Callback};
use app::ssr::auth::oidc_sign_in;
use axum::Form;
use axum::extract::{ConnectInfo, Query, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum_extra::extract::cookie::CookieJar;
use http::{HeaderMap, StatusCode};
use serde::Deserialize;

pub const START: &str = "/auth/oidc/start";
pub const CALLBACK: &str = CALLBACK_PATH;

#[derive(Debug, Default, Deserialize)]
pub struct StartForm {
    #[serde(default)]
    next: String,
}

/// Starts a sign-in and sends the browser to the provider.
pub async fn start(
    State(state): State<AppState>,
    jar: CookieJar,
    Form(form): Form<StartForm>,
) -> Response {
    let Some(provider) = state.oidc.clone() else {
        return (StatusCode::NOT_FOUND, "Single sign-on is not configured.").into_response();
    };
    let next = safe_next_path(Some(form.next.as_str())).to_owned();
    match provider.start(&state.db, &next, chrono::Utc::now()).await {
        Ok(started) => {
            let cookie =
                oidc_state_cookie(started.state, state.auth.cookie_secure, ATTEMPT_MINUTES);
            (jar.add(cookie), Redirect::to(&started.redirect)).into_response()
        }
        Err(err) => {
            tracing::error!(error = %err, "starting a single sign-on failed");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                "Vigil could not start the sign-in; try again in a moment.",
            )
                .into_response()
        }
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct CallbackQuery {
    code: Option<String>,
    state: Option<String>,
    error: Option<String>,
}

/// Finishes a sign-in: a session and on to where the person was going, or a page saying why not.
pub async fn callback(
    State(state): State<AppState>,
    jar: CookieJar,
    headers: HeaderMap,
    ConnectInfo(peer): ConnectInfo<std::net::SocketAddr>,
    Query(query): Query<CallbackQuery>,
) -> Response {
    let Some(provider) = state.oidc.clone() else {
        return (StatusCode::NOT_FOUND, "Single sign-on is not configured.").into_response();
    };
    let client =
        app::ssr::request::client_addr_of(&headers, Some(peer), state.auth.trust_forwarded_for);
    let now = chrono::Utc::now();
    let cookie_state = jar.get(OIDC_STATE).map(|c| c.value().to_owned());
    // The state cookie is spent whatever happens next.
    let jar = jar.add(oidc_state_clearing(state.auth.cookie_secure));
    let outcome = match provider
        .finish(
            &state.db,
            Callback {
                code: query.code.as_deref(),
                state: query.state.as_deref(),
                error: query.error.as_deref(),
                cookie_state: cookie_state.as_deref(),
            },
            now,
        )
        .await
    {
        Ok(identity) => oidc_sign_in::sign_in(
            &state,
            &provider.name,
            provider.create_people.as_ref(),
            &identity,
            &client,
            now,
        )
        .await
        .map(|token| (token, identity.next)),
        Err(refusal) => Err(refusal),
    };
    match outcome {
        Ok((token, next)) => {
            let session = session_cookie(token, state.auth.cookie_secure, state.auth.tokens.ttl());
            let marker = sso_marker(true, state.auth.cookie_secure);
            (
                jar.add(session).add(marker),
                Redirect::to(safe_next_path(Some(&next))),
            )
                .into_response()
        }
        Err(refusal) => {
            if let app::ssr::auth::oidc::Refusal::Internal(detail) = &refusal {
                tracing::error!(%detail, "single sign-on failed");
            }
            oidc_sign_in::record_refusal(&state.db, &refusal, &client, now).await;
            let status = StatusCode::from_u16(refusal.status()).unwrap_or(StatusCode::BAD_REQUEST);
            (status, jar, Html(oidc_sign_in::refusal_page(&refusal))).into_response()
        }
    }
}
