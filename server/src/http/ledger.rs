//! The transparency log over HTTP, for anyone holding a checkpoint (no sign-in: checkpoints and
//! proofs hold hashes, never personal data):
//! - `GET /ledger/checkpoint`: the newest signed checkpoint, as a C2SP signed note;
//! - `GET /ledger/proof/inclusion?index=I&size=N`: that leaf I is in the tree of N leaves;
//! - `GET /ledger/proof/consistency?from=N&to=M`: that the tree of N leaves is a prefix of M's.

use app::api::ledger::{ConsistencyProof, ConsistencyQuery, InclusionProof, InclusionQuery};
use app::domain::checkpoint::base64;
use app::domain::merkle::{Hash, ProofError};
use app::ssr::AppState;
use app::ssr::db::ledger_tree;
use axum::Json;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use http::{HeaderValue, StatusCode, header};

pub const CHECKPOINT: &str = "/ledger/checkpoint";
pub const INCLUSION: &str = "/ledger/proof/inclusion";
pub const CONSISTENCY: &str = "/ledger/proof/consistency";

/// The newest checkpoint.
pub async fn checkpoint(State(state): State<AppState>) -> Response {
    match ledger_tree::latest_checkpoint(&state.db).await {
        Ok(Some(checkpoint)) => {
            let mut response = checkpoint.note.into_response();
            let headers = response.headers_mut();
            headers.insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/plain; charset=utf-8"),
            );
            headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
            response
        }
        Ok(None) => (
            StatusCode::NOT_FOUND,
            "No checkpoint has been made yet: one is made shortly after the first record is added.",
        )
            .into_response(),
        Err(err) => failed(app::error::AppError::from(err)),
    }
}

/// An inclusion proof.
pub async fn inclusion(
    State(state): State<AppState>,
    Query(query): Query<InclusionQuery>,
) -> Response {
    let (index, size) = match (
        count("index", query.index.as_deref()),
        count("size", query.size.as_deref()),
    ) {
        (Ok(index), Ok(size)) => (index, size),
        (Err(message), _) | (_, Err(message)) => return bad_request(message),
    };
    match app::ssr::transparency::inclusion(&state.db, index, size).await {
        Ok(Ok(proof)) => Json(InclusionProof {
            index,
            tree_size: size,
            leaf_hash: base64(&proof.leaf),
            root_hash: base64(&proof.root),
            proof: encoded(&proof.proof),
        })
        .into_response(),
        Ok(Err(refused)) => refused_proof(refused),
        Err(err) => failed(err),
    }
}

/// A consistency proof.
pub async fn consistency(
    State(state): State<AppState>,
    Query(query): Query<ConsistencyQuery>,
) -> Response {
    let (from, to) = match (
        count("from", query.from.as_deref()),
        count("to", query.to.as_deref()),
    ) {
        (Ok(from), Ok(to)) => (from, to),
        (Err(message), _) | (_, Err(message)) => return bad_request(message),
    };
    let proof = match app::ssr::transparency::consistency(&state.db, from, to).await {
        Ok(Ok(proof)) => proof,
        Ok(Err(refused)) => return refused_proof(refused),
        Err(err) => return failed(err),
    };
    match app::ssr::transparency::root_at(&state.db, to).await {
        Ok(root) => Json(ConsistencyProof {
            from,
            to,
            to_root_hash: base64(&root),
            proof: encoded(&proof),
        })
        .into_response(),
        Err(err) => failed(err),
    }
}

/// A query parameter that must be a whole number.
fn count(name: &str, raw: Option<&str>) -> Result<u64, String> {
    let raw = raw.map(str::trim).unwrap_or_default();
    if raw.is_empty() {
        return Err(format!("Give {name} as a whole number."));
    }
    raw.parse()
        .map_err(|_| format!("{name} must be a whole number; got {raw:?}."))
}

fn encoded(hashes: &[Hash]) -> Vec<String> {
    hashes.iter().map(base64).collect()
}

fn refused_proof(refused: ProofError) -> Response {
    bad_request(format!("{}.", upper_first(&refused.to_string())))
}

fn upper_first(text: &str) -> String {
    let mut chars = text.chars();
    chars
        .next()
        .map(|first| first.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

fn bad_request(message: String) -> Response {
    (StatusCode::BAD_REQUEST, message).into_response()
}

fn failed(err: app::error::AppError) -> Response {
    (
        StatusCode::from_u16(err.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
        err.to_string(),
    )
        .into_response()
}
