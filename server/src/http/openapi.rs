//! `GET /api/openapi.json`: the API's OpenAPI 3.1 description. No sign-in: it describes the
//! API and holds no data.

use app::ssr::AppState;
use axum::Json;
use axum::extract::State;

/// The document, naming this installation's public address as its server.
pub async fn document(State(state): State<AppState>) -> Json<serde_json::Value> {
    Json(app::ssr::openapi::document(&state.mail.public_base))
}
