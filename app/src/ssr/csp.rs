//! The per-response nonce for the Content Security Policy.
//!
//! The server's security-headers middleware creates a nonce for each request, stores it in the
//! request's extensions and names it in the `Content-Security-Policy` header; the document shell
//! hands the same nonce to Leptos so its hydration script carries it.

use http::request::Parts;
use leptos::nonce::Nonce;
use leptos::prelude::{provide_context, use_context};

/// A request's CSP nonce: 128 random bits, base64url.
#[derive(Clone, Debug)]
pub struct CspNonce(pub String);

impl CspNonce {
    /// A fresh random nonce.
    pub fn generate() -> Self {
        use base64::Engine as _;
        let bytes: [u8; 16] = rand::random();
        Self(base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes))
    }
}

/// Makes this request's nonce available to Leptos' script tags.
pub fn provide_request_nonce() {
    let nonce =
        use_context::<Parts>().and_then(|parts| parts.extensions.get::<CspNonce>().cloned());
    if let Some(CspNonce(value)) = nonce {
        provide_context(Nonce::from_value(value));
    }
}
