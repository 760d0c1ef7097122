//! Per-request plumbing for server functions: state, client address, cookies, error status.

use std::net::SocketAddr;

use axum::extract::ConnectInfo;
use axum_extra::extract::cookie::{Cookie, CookieJar};
use http::{HeaderValue, StatusCode, header, request::Parts};
use leptos::prelude::use_context;
use leptos_axum::ResponseOptions;

use super::{AppState, internal};
use crate::error::AppError;

/// The application state, provided to every server function by the router.
pub fn app_state() -> Result<AppState, AppError> {
    use_context::<AppState>()
        .ok_or_else(|| internal("request context", "AppState missing from context"))
}

fn request_parts() -> Result<Parts, AppError> {
    use_context::<Parts>()
        .ok_or_else(|| internal("request context", "request parts missing from context"))
}

/// The cookies sent with this request.
pub fn cookies() -> Result<CookieJar, AppError> {
    Ok(CookieJar::from_headers(&request_parts()?.headers))
}

/// The client's address: the socket peer, or the last `X-Forwarded-For` hop when Vigil is
/// configured to sit behind a trusted proxy (that hop is the one the proxy added itself).
pub fn client_addr(trust_forwarded_for: bool) -> String {
    let Some(parts) = use_context::<Parts>() else {
        return "unknown".to_owned();
    };
    let peer = parts
        .extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|info| info.0);
    client_addr_of(&parts.headers, peer, trust_forwarded_for)
}

/// [`client_addr`] for a plain axum handler: from its headers and socket peer.
pub fn client_addr_of(
    headers: &http::HeaderMap,
    peer: Option<SocketAddr>,
    trust_forwarded_for: bool,
) -> String {
    if trust_forwarded_for {
        let forwarded = headers
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|value| value.to_str().ok())
            .flat_map(|value| value.split(','))
            .map(str::trim)
            .rfind(|hop| !hop.is_empty());
        if let Some(hop) = forwarded {
            return hop.to_owned();
        }
    }
    peer.map_or_else(|| "unknown".to_owned(), |peer| peer.ip().to_string())
}

/// Adds a `Set-Cookie` header to the response.
pub fn set_cookie(cookie: Cookie<'static>) -> Result<(), AppError> {
    let response = use_context::<ResponseOptions>()
        .ok_or_else(|| internal("request context", "response options missing from context"))?;
    let value = HeaderValue::from_str(&cookie.to_string())
        .map_err(|err| internal("session cookie", err))?;
    response.append_header(header::SET_COOKIE, value);
    Ok(())
}

/// Gives a server function's result its HTTP status. Plain HTML form posts (no JavaScript) are
/// left alone: Leptos answers those with a redirect back to the form, carrying the error.
pub fn respond<T>(result: Result<T, AppError>) -> Result<T, AppError> {
    if let Err(error) = &result {
        let is_form_post = use_context::<Parts>().is_some_and(|parts| {
            parts
                .headers
                .get(header::ACCEPT)
                .and_then(|accept| accept.to_str().ok())
                .is_some_and(|accept| accept.contains("text/html"))
        });
        if !is_form_post && let Some(response) = use_context::<ResponseOptions>() {
            response.set_status(
                StatusCode::from_u16(error.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
            );
            if let AppError::RateLimited { retry_after_secs }
            | AppError::TooManyRequests { retry_after_secs } = error
            {
                response.insert_header(header::RETRY_AFTER, HeaderValue::from(*retry_after_secs));
            }
        }
    }
    result
}
