//! Checks on every request before it reaches a handler, and one header on every answer:
//! - the `Host` header must name Vigil's public address (in development, also any loopback
//!   address), so a forged host never reaches links, cookies or redirects;
//! - an upload endpoint takes only `multipart/form-data` with a boundary, answered with 400
//!   before any decoding (Leptos' multipart decoding would otherwise fail on malformed input);
//! - personal pages and JSON are never stored by browsers or proxies: `Cache-Control: no-store`
//!   on every answer that does not set its own, except the built site's static files.

use axum::{
    extract::{Request, State},
    middleware::Next,
    response::{IntoResponse, Response},
};
use http::{HeaderValue, StatusCode, header};

/// What the guard accepts.
#[derive(Clone, Debug)]
pub struct GuardSettings {
    /// `host[:port]` of `VIGIL_PUBLIC_URL`, lower-cased (the port only when not the default).
    pub public_authority: String,
    /// Development: also accept `localhost`, `127.0.0.1` and `[::1]` on any port.
    pub allow_loopback: bool,
    /// Server functions that take a multipart upload.
    pub multipart_paths: Vec<&'static str>,
}

impl GuardSettings {
    /// Whether a `Host` header value names this Vigil.
    pub fn host_allowed(&self, host: &str) -> bool {
        let host = host.trim().to_ascii_lowercase();
        if host == self.public_authority {
            return true;
        }
        if !self.allow_loopback {
            return false;
        }
        let name = match host.strip_prefix('[') {
            Some(rest) => rest.split(']').next().map(|inner| format!("[{inner}]")),
            None => host.split(':').next().map(str::to_owned),
        };
        matches!(name.as_deref(), Some("localhost" | "127.0.0.1" | "[::1]"))
    }
}

/// The middleware.
pub async fn guard(
    State(settings): State<GuardSettings>,
    request: Request,
    next: Next,
) -> Response {
    let host = request
        .headers()
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .or_else(|| request.uri().authority().map(|a| a.as_str()));
    if !host.is_some_and(|h| settings.host_allowed(h)) {
        tracing::warn!(host = ?host, "refused a request for another host");
        return (
            StatusCode::MISDIRECTED_REQUEST,
            "This server does not answer for that host name.",
        )
            .into_response();
    }
    let path = request.uri().path().to_owned();
    if settings.multipart_paths.contains(&path.as_str()) && !is_multipart(&request) {
        return (
            StatusCode::BAD_REQUEST,
            "Upload the file with the page's upload form (multipart/form-data).",
        )
            .into_response();
    }
    let mut response = next.run(request).await;
    if !response.headers().contains_key(header::CACHE_CONTROL) && !is_static(&path) {
        response
            .headers_mut()
            .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    response
}

fn is_multipart(request: &Request) -> bool {
    request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|value| {
            let value = value.to_ascii_lowercase();
            value.starts_with("multipart/form-data") && value.contains("boundary=")
        })
}

/// The built site's files: the same for everybody.
fn is_static(path: &str) -> bool {
    path.starts_with("/pkg/")
        || (!path.starts_with("/course-assets/")
            && !path.starts_with("/draft-assets/")
            && [
                ".svg", ".ico", ".png", ".css", ".js", ".wasm", ".woff2", ".txt",
            ]
            .iter()
            .any(|ending| path.ends_with(ending)))
}

/// `host[:port]` of a URL as a browser sends it in `Host`.
pub fn authority_of(url: &url::Url) -> String {
    let host = url.host_str().unwrap_or_default().to_ascii_lowercase();
    match url.port() {
        Some(port) => format!("{host}:{port}"),
        None => host,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(loopback: bool) -> GuardSettings {
        GuardSettings {
            public_authority: "vigil.example.com".to_owned(),
            allow_loopback: loopback,
            multipart_paths: vec![],
        }
    }

    #[test]
    fn only_the_public_host_is_answered_in_production() {
        let production = settings(false);
        assert!(production.host_allowed("vigil.example.com"));
        assert!(production.host_allowed("VIGIL.example.com"));
        assert!(!production.host_allowed("evil.example"));
        assert!(!production.host_allowed("vigil.example.com.evil.example"));
        assert!(!production.host_allowed("127.0.0.1:3000"));
    }

    #[test]
    fn development_also_answers_on_loopback() {
        let development = settings(true);
        assert!(development.host_allowed("127.0.0.1:54321"));
        assert!(development.host_allowed("localhost:3000"));
        assert!(development.host_allowed("[::1]:3000"));
        assert!(!development.host_allowed("192.168.1.5:3000"));
        assert!(!development.host_allowed("localhost.evil.example"));
    }

    #[test]
    fn the_default_port_is_not_part_of_the_authority() {
        let url = url::Url::parse("https://Vigil.Example.com/").unwrap();
        assert_eq!(authority_of(&url), "vigil.example.com");
        let url = url::Url::parse("http://127.0.0.1:3000").unwrap();
        assert_eq!(authority_of(&url), "127.0.0.1:3000");
    }
}
