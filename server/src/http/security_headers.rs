//! Security headers on every response, including a Content Security Policy whose script source
//! is a fresh nonce per response (never `'unsafe-inline'`).

use app::ssr::csp::CspNonce;
use axum::{
    extract::{Request, State},
    middleware::Next,
    response::Response,
};
use http::{HeaderName, HeaderValue, header};

/// What the headers depend on.
#[derive(Clone, Debug)]
pub struct HeaderSettings {
    /// Send `Strict-Transport-Security` (production, served over HTTPS).
    pub hsts: bool,
    /// Origins a form may lead to besides this one: the OpenID provider's, whose sign-in and
    /// sign-out pages Vigil's forms redirect to (`form-action` covers redirects too).
    pub form_targets: std::sync::Arc<str>,
}

/// The policy for a response with the given nonce. `'wasm-unsafe-eval'` lets the page compile
/// its own WebAssembly; it does not allow `eval` of JavaScript.
pub fn content_security_policy(nonce: &str, form_targets: &str) -> String {
    let form_targets = if form_targets.is_empty() {
        String::new()
    } else {
        format!(" {form_targets}")
    };
    format!(
        "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; style-src 'self'; \
         img-src 'self'; font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; \
         form-action 'self'{form_targets}; frame-ancestors 'none'"
    )
}

/// Middleware: creates the request's nonce (for the page shell) and sets the headers.
pub async fn apply(
    State(settings): State<HeaderSettings>,
    mut request: Request,
    next: Next,
) -> Response {
    let nonce = CspNonce::generate();
    request.extensions_mut().insert(nonce.clone());
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    // A handler may set a stricter policy of its own (images do); keep it.
    if !headers.contains_key(header::CONTENT_SECURITY_POLICY)
        && let Ok(policy) =
            HeaderValue::from_str(&content_security_policy(&nonce.0, &settings.form_targets))
    {
        headers.insert(header::CONTENT_SECURITY_POLICY, policy);
    }
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    // Same-origin referrers stay: a form posted without JavaScript is sent back to its page by them.
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
    headers.insert(
        HeaderName::from_static("permissions-policy"),
        HeaderValue::from_static("camera=(), microphone=(), geolocation=(), payment=(), usb=()"),
    );
    headers.insert(
        HeaderName::from_static("cross-origin-opener-policy"),
        HeaderValue::from_static("same-origin"),
    );
    if settings.hsts {
        headers.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=63072000; includeSubDomains"),
        );
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_policy_allows_only_nonced_scripts() {
        let policy = content_security_policy("abc", "");
        assert!(policy.contains("form-action 'self';"));
        assert!(
            content_security_policy("abc", "https://id.example")
                .contains("form-action 'self' https://id.example;")
        );
        assert!(policy.contains("script-src 'self' 'nonce-abc'"));
        assert!(!policy.contains("unsafe-inline"));
        assert!(policy.contains("frame-ancestors 'none'"));
    }
}
