//! `POST /evidence/pack.zip`: a signed evidence pack for an audit period.

use app::ssr::AppState;
use app::ssr::db::audit::{self, AuditEntry};
use axum::Form;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use axum_extra::extract::cookie::CookieJar;
use http::{HeaderValue, StatusCode, header};
use serde::Deserialize;

use super::exports::{exporter, optional_date, unprocessable};

/// The period, inclusive.
#[derive(Debug, Deserialize)]
pub struct PeriodForm {
    #[serde(default)]
    pub from: String,
    #[serde(default)]
    pub to: String,
}

/// Builds, records and returns the pack.
pub async fn download(
    State(state): State<AppState>,
    headers: http::HeaderMap,
    jar: CookieJar,
    Form(form): Form<PeriodForm>,
) -> Response {
    let actor = match exporter(
        &state,
        &headers,
        &jar,
        app::domain::api_token::Scope::EvidenceExport,
    )
    .await
    {
        Ok(actor) => actor,
        Err(refused) => return refused,
    };
    let (from, to) = match (optional_date(&form.from), optional_date(&form.to)) {
        (Ok(Some(from)), Ok(Some(to))) if from <= to => (from, to),
        (Ok(Some(_)), Ok(Some(_))) => {
            return unprocessable("The period must start on or before its end.");
        }
        (Err(message), _) | (_, Err(message)) => return unprocessable(message),
        _ => {
            return unprocessable("Give the period's first and last day, as YYYY-MM-DD.");
        }
    };
    let now = chrono::Utc::now();
    let pack = match app::ssr::evidence::build(
        &state.db,
        &state.evidence_key,
        &state.ledger_origin,
        from,
        to,
        now,
    )
    .await
    {
        Ok(pack) => pack,
        Err(err) => {
            return (
                StatusCode::from_u16(err.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
                err.to_string(),
            )
                .into_response();
        }
    };
    let bytes = match app::ssr::evidence::zip(&pack.files, &state.evidence_key) {
        Ok(bytes) => bytes,
        Err(err) => return (StatusCode::INTERNAL_SERVER_ERROR, err.to_string()).into_response(),
    };
    let entry = AuditEntry {
        actor,
        action: "export",
        subject: "export:evidence-pack".to_owned(),
        before: None,
        after: Some(serde_json::json!({
            "from": from,
            "to": to,
            "files": pack.files.len(),
            "manifest_sha256": app::domain::evidence::sha256_hex(pack.files.get(app::domain::evidence::MANIFEST).map(Vec::as_slice).unwrap_or_default()),
        })),
        reason: None,
    };
    if let Err(err) = audit::record(&state.db, entry, now).await {
        return (
            StatusCode::INTERNAL_SERVER_ERROR,
            app::ssr::internal("recording an evidence export", err).to_string(),
        )
            .into_response();
    }
    let mut response = bytes.into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/zip"),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    if let Ok(disposition) = HeaderValue::from_str(&format!(
        "attachment; filename=\"vigil-evidence-{from}-to-{to}.zip\""
    )) {
        headers.insert(header::CONTENT_DISPOSITION, disposition);
    }
    response
}
