//! The built site (wasm, JavaScript, CSS, images) inside the `vigil` binary, so that a release
//! build runs from any directory with nothing beside it. Compiled in with the `embed-site`
//! feature (`make release` does this, from `VIGIL_EMBED_SITE`); without it the site is read from
//! `VIGIL_SITE_ROOT` as before.
//!
//! Answers GET and HEAD for an embedded file, with its type and an ETag (a content hash) so that
//! browsers revalidate cheaply; anything else goes on to the application.

use axum::body::Body;
use axum::extract::Request;
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

#[derive(rust_embed::Embed)]
#[folder = "$VIGIL_EMBED_SITE"]
struct Site;

/// Serves the request from the embedded site when it names one of its files.
pub async fn serve(request: Request, next: Next) -> Response {
    if request.method() != Method::GET && request.method() != Method::HEAD {
        return next.run(request).await;
    }
    let path = request.uri().path().trim_start_matches('/');
    let Some(file) = (!path.is_empty()).then(|| Site::get(path)).flatten() else {
        return next.run(request).await;
    };
    let etag = format!("\"{}\"", hex_of(&file.metadata.sha256_hash()));
    let not_modified = request
        .headers()
        .get(header::IF_NONE_MATCH)
        .is_some_and(|tag| tag.as_bytes() == etag.as_bytes());
    let mut response = if not_modified {
        StatusCode::NOT_MODIFIED.into_response()
    } else if request.method() == Method::HEAD {
        Response::new(Body::empty())
    } else {
        Response::new(Body::from(file.data.into_owned()))
    };
    let headers = response.headers_mut();
    if let Ok(value) = HeaderValue::from_str(file.metadata.mimetype()) {
        headers.insert(header::CONTENT_TYPE, value);
    }
    if let Ok(value) = HeaderValue::from_str(&etag) {
        headers.insert(header::ETAG, value);
    }
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    response
}

fn hex_of(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
