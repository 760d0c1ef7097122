//! Refusing cross-site state-changing requests. Leptos server functions have no CSRF protection
//! of their own, and a SameSite=Lax cookie still rides on some cross-site requests, so every
//! request that is not GET, HEAD or OPTIONS must show it came from a Vigil page.

use axum::{
    extract::{Request, State},
    middleware::Next,
    response::{IntoResponse, Response},
};
use http::{HeaderMap, Method, StatusCode, header};

/// The origin Vigil is served from, e.g. `https://vigil.example.com`.
#[derive(Clone, Debug)]
pub struct OriginPolicy {
    pub public_origin: String,
}

/// Why a request was refused.
#[derive(Debug, PartialEq, Eq)]
pub enum Refusal {
    CrossSite(String),
    ForeignOrigin(String),
    NoProvenance,
}

/// Decides from the headers alone. Browsers send `Sec-Fetch-Site` on every request and `Origin`
/// on every POST; a request with neither did not come from a browser page of ours.
pub fn check_provenance(headers: &HeaderMap, policy: &OriginPolicy) -> Result<(), Refusal> {
    if let Some(site) = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok()) {
        return if site.eq_ignore_ascii_case("same-origin") {
            Ok(())
        } else {
            Err(Refusal::CrossSite(site.to_owned()))
        };
    }
    let Some(origin) = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) else {
        return Err(Refusal::NoProvenance);
    };
    let origin = origin.trim_end_matches('/');
    let host = headers.get(header::HOST).and_then(|v| v.to_str().ok());
    let authority = origin.split_once("://").map(|(_, rest)| rest);
    if origin.eq_ignore_ascii_case(&policy.public_origin)
        || (authority.is_some() && authority == host)
    {
        Ok(())
    } else {
        Err(Refusal::ForeignOrigin(origin.to_owned()))
    }
}

/// Whether the request carries `Authorization: Bearer …` (a script presenting an API token). A
/// page on another site cannot send that header without a CORS preflight, which Vigil never
/// grants, and browsers never attach a Bearer header by themselves (unlike Basic credentials a
/// proxy may have asked for, which are not exempt). Handlers that accept a token judge such a
/// request by that header alone, never by a cookie; a malformed one gets 401.
fn carries_bearer(headers: &HeaderMap) -> bool {
    headers
        .get(header::AUTHORIZATION)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.trim_start().get(..6))
        .is_some_and(|scheme| scheme.eq_ignore_ascii_case("bearer"))
}

/// Middleware applying `check_provenance` to state-changing methods.
pub async fn refuse_cross_site(
    State(policy): State<OriginPolicy>,
    request: Request,
    next: Next,
) -> Response {
    if matches!(
        *request.method(),
        Method::GET | Method::HEAD | Method::OPTIONS
    ) || carries_bearer(request.headers())
    {
        return next.run(request).await;
    }
    match check_provenance(request.headers(), &policy) {
        Ok(()) => next.run(request).await,
        Err(refusal) => {
            tracing::warn!(?refusal, path = %request.uri().path(), "refused a cross-site request");
            (
                StatusCode::FORBIDDEN,
                "This request did not come from a Vigil page, so it was refused and nothing was changed. Go back to Vigil, reload the page and try again.",
            )
                .into_response()
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn only_a_bearer_header_is_exempt_not_basic_credentials_a_browser_may_attach() {
        let with = |value: &str| {
            let mut headers = HeaderMap::new();
            headers.insert(header::AUTHORIZATION, value.parse().unwrap());
            headers
        };
        assert!(super::carries_bearer(&with("Bearer vigil_x")));
        assert!(super::carries_bearer(&with("bearer ")));
        assert!(!super::carries_bearer(&with("Basic dXNlcjpwYXNz")));
        assert!(!super::carries_bearer(&HeaderMap::new()));
    }

    use super::*;

    fn policy() -> OriginPolicy {
        OriginPolicy {
            public_origin: "https://vigil.example.com".to_owned(),
        }
    }

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        pairs
            .iter()
            .map(|(k, v)| {
                (
                    http::HeaderName::from_static(k),
                    http::HeaderValue::from_static(v),
                )
            })
            .collect()
    }

    #[test]
    fn same_origin_fetch_metadata_is_accepted() {
        assert_eq!(
            check_provenance(&headers(&[("sec-fetch-site", "same-origin")]), &policy()),
            Ok(())
        );
    }

    #[test]
    fn cross_site_and_same_site_fetch_metadata_are_refused() {
        for site in ["cross-site", "same-site", "none"] {
            let map: HeaderMap = [(
                http::HeaderName::from_static("sec-fetch-site"),
                http::HeaderValue::from_str(site).unwrap(),
            )]
            .into_iter()
            .collect();
            assert!(
                matches!(
                    check_provenance(&map, &policy()),
                    Err(Refusal::CrossSite(_))
                ),
                "{site}"
            );
        }
    }

    #[test]
    fn the_public_origin_or_the_requested_host_is_accepted() {
        assert_eq!(
            check_provenance(
                &headers(&[("origin", "https://vigil.example.com")]),
                &policy()
            ),
            Ok(())
        );
        assert_eq!(
            check_provenance(
                &headers(&[
                    ("origin", "http://127.0.0.1:4000"),
                    ("host", "127.0.0.1:4000")
                ]),
                &policy()
            ),
            Ok(())
        );
    }

    #[test]
    fn a_foreign_or_null_origin_is_refused() {
        assert!(matches!(
            check_provenance(
                &headers(&[
                    ("origin", "https://evil.example"),
                    ("host", "vigil.example.com")
                ]),
                &policy()
            ),
            Err(Refusal::ForeignOrigin(_))
        ));
        assert!(
            check_provenance(
                &headers(&[("origin", "null"), ("host", "vigil.example.com")]),
                &policy()
            )
            .is_err()
        );
    }

    #[test]
    fn a_request_with_no_provenance_is_refused() {
        assert_eq!(
            check_provenance(&HeaderMap::new(), &policy()),
            Err(Refusal::NoProvenance)
        );
    }
}
