//! Downloads: status and completion records as CSV or JSON, streamed page by page, and evidence
//! packs. POST only: an export is an audited administrative action, and a cross-site GET must not
//! be able to add entries to the audit log.

use app::api::dashboard::DashboardQuery;
use app::domain::api_token::{Scope, bearer};
use app::domain::permissions::Permission;
use app::error::AppError;
use app::ssr::AppState;
use app::ssr::api_tokens;
use app::ssr::auth::{CurrentUser, cookie::cookie_name, current_user::authenticate};
use app::ssr::db::audit::{self, Actor, AuditEntry};
use app::ssr::reporting::exports::{Cursor, Dataset, Exporter, csv_bytes, json_bytes};

use axum::Form;
use axum::body::{Body, Bytes};
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use axum_extra::extract::cookie::CookieJar;
use chrono::NaiveDate;
use http::{HeaderMap, HeaderValue, StatusCode, header};
use serde::Deserialize;

/// The export form: the dashboard's filters, and a date range for records.
#[derive(Debug, Default, Deserialize)]
pub struct ExportForm {
    #[serde(default)]
    pub course: String,
    #[serde(default)]
    pub department: String,
    #[serde(default)]
    pub role: String,
    #[serde(default)]
    pub manager: String,
    #[serde(default)]
    pub status: String,
    #[serde(default)]
    pub from: String,
    #[serde(default)]
    pub to: String,
}

/// The signed-in compliance administrator, or the response refusing the request.
async fn compliance_admin(state: &AppState, jar: &CookieJar) -> Result<CurrentUser, Response> {
    let token = jar
        .get(cookie_name(state.auth.cookie_secure))
        .map(|c| c.value().to_owned());
    let user = authenticate(&state.db, &state.auth, token.as_deref(), chrono::Utc::now())
        .await
        .map_err(|_| (StatusCode::UNAUTHORIZED, "Sign in to export.").into_response())?;
    user.require(Permission::ComplianceAdmin).map_err(|_| {
        (
            StatusCode::FORBIDDEN,
            "Exports are for compliance administrators.",
        )
            .into_response()
    })?;
    Ok(user)
}

/// Who is exporting, as the audit log names them: a token presented as
/// `Authorization: Bearer …` (never read from a cookie) that holds `scope`, or else the signed-in
/// compliance administrator. A request with an `Authorization` header is judged by it alone.
pub async fn exporter(
    state: &AppState,
    headers: &HeaderMap,
    jar: &CookieJar,
    scope: Scope,
) -> Result<Actor, Response> {
    let Some(value) = headers.get(header::AUTHORIZATION) else {
        return compliance_admin(state, jar).await.map(|user| user.actor());
    };
    let unauthorized = |message: &'static str| {
        (
            StatusCode::UNAUTHORIZED,
            [(header::WWW_AUTHENTICATE, "Bearer error=\"invalid_token\"")],
            message,
        )
            .into_response()
    };
    let Some(presented) = value.to_str().ok().and_then(bearer) else {
        return Err(unauthorized(
            "Send the token as \"Authorization: Bearer <token>\".",
        ));
    };
    match api_tokens::authenticate(&state.db, presented, scope, chrono::Utc::now()).await {
        Ok(holder) => Ok(holder.actor()),
        Err(AppError::Unauthenticated) => Err(unauthorized(
            "That token is not valid: it is unknown, expired or revoked.",
        )),
        Err(AppError::Forbidden) => Err((
            StatusCode::FORBIDDEN,
            format!(
                "That token may not do this: it needs the scope {}, or whoever created it no longer may.",
                scope.as_str()
            ),
        )
            .into_response()),
        Err(err) => Err(failed("checking an API token", err)),
    }
}

/// Parses an optional `YYYY-MM-DD`; the error is the message for a 422 answer.
pub fn optional_date(raw: &str) -> Result<Option<NaiveDate>, String> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Ok(None);
    }
    NaiveDate::parse_from_str(raw, "%Y-%m-%d")
        .map(Some)
        .map_err(|_| format!("{raw:?} is not a date written as YYYY-MM-DD."))
}

/// A 422 answer with `message`.
pub fn unprocessable(message: impl Into<String>) -> Response {
    (StatusCode::UNPROCESSABLE_ENTITY, message.into()).into_response()
}

fn failed(context: &str, cause: impl std::fmt::Display) -> Response {
    (
        StatusCode::INTERNAL_SERVER_ERROR,
        app::ssr::internal(context, cause).to_string(),
    )
        .into_response()
}

enum Step {
    Opening,
    Rows(Cursor),
    Closing,
    Finished,
}

/// `POST /exports/{file}`: `compliance-status.csv|json`, `completion-records.csv|json` or
/// `reminders.csv|json`.
pub async fn export(
    State(state): State<AppState>,
    headers: HeaderMap,
    jar: CookieJar,
    Path(file): Path<String>,
    Form(form): Form<ExportForm>,
) -> Response {
    let actor = match exporter(&state, &headers, &jar, Scope::ReportsRead).await {
        Ok(actor) => actor,
        Err(refused) => return refused,
    };
    let (dataset, json) = match file.as_str() {
        "compliance-status.csv" => (Dataset::Status, false),
        "compliance-status.json" => (Dataset::Status, true),
        "completion-records.csv" => (Dataset::Completions, false),
        "completion-records.json" => (Dataset::Completions, true),
        "reminders.csv" => (Dataset::Reminders, false),
        "reminders.json" => (Dataset::Reminders, true),
        _ => return (StatusCode::NOT_FOUND, "There is no such export.").into_response(),
    };
    let status = form.status.trim();
    if !status.is_empty() && app::domain::assignment::Status::parse(status).is_none() {
        let message = format!(
            "{status:?} is not a status. Use overdue, in_progress, not_started, completed or exempt, or leave it empty."
        );
        return unprocessable(message);
    }
    let (from, to) = match (optional_date(&form.from), optional_date(&form.to)) {
        (Ok(from), Ok(to)) => (from, to),
        (Err(message), _) | (_, Err(message)) => return unprocessable(message),
    };
    let query = DashboardQuery {
        course: form.course,
        department: form.department,
        role: form.role,
        manager: form.manager,
        status: form.status,
    };
    let exporter = match Exporter::prepare(&state.db, dataset, &query, from, to).await {
        Ok(exporter) => exporter,
        Err(err) => return failed("preparing an export", err),
    };
    let now = chrono::Utc::now();
    let entry = AuditEntry {
        actor,
        action: "export",
        subject: format!("export:{file}"),
        before: None,
        after: Some(serde_json::json!({ "filters": query_json(&query), "from": from, "to": to })),
        reason: None,
    };
    if let Err(err) = audit::record(&state.db, entry, now).await {
        return failed("recording an export", err);
    }

    let db = state.db.clone();
    let columns = dataset.columns();
    let stream = futures::stream::unfold(
        (exporter, db, Step::Opening, true),
        move |(mut exporter, db, step, first)| async move {
            match step {
                Step::Opening => {
                    let bytes = if json {
                        b"[".to_vec()
                    } else {
                        csv_bytes(columns, &[], true)
                    };
                    Some((
                        Ok::<Bytes, std::io::Error>(Bytes::from(bytes)),
                        (exporter, db, Step::Rows(Cursor::Start), first),
                    ))
                }
                Step::Rows(cursor) => match exporter.next_page(&db, cursor).await {
                    Ok((rows, next)) => {
                        let bytes = if json {
                            json_bytes(columns, &rows, first)
                        } else {
                            csv_bytes(columns, &rows, false)
                        };
                        let first = first && rows.is_empty();
                        let step = if next == Cursor::Done {
                            Step::Closing
                        } else {
                            Step::Rows(next)
                        };
                        Some((Ok(Bytes::from(bytes)), (exporter, db, step, first)))
                    }
                    Err(err) => {
                        tracing::error!(%err, "export stopped part-way");
                        Some((
                            Err(std::io::Error::other("the export failed part-way")),
                            (exporter, db, Step::Finished, first),
                        ))
                    }
                },
                Step::Closing => Some((
                    Ok(Bytes::from_static(if json { b"]" } else { b"" })),
                    (exporter, db, Step::Finished, first),
                )),
                Step::Finished => None,
            }
        },
    );

    // An empty chunk would read as the end of a chunked body to some clients (Chromium cancels
    // the download), so pages without rows send nothing at all.
    // Fused: the compression layer may poll once more after the end, which `unfold` forbids.
    let stream = futures::StreamExt::fuse(futures::TryStreamExt::try_filter(stream, |bytes| {
        futures::future::ready(!bytes.is_empty())
    }));

    let mut response = Body::from_stream(stream).into_response();

    let headers = response.headers_mut();
    let content_type = if json {
        "application/json"
    } else {
        "text/csv; charset=utf-8"
    };
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    let stem = file
        .rsplit_once('.')
        .map_or(file.as_str(), |(stem, _)| stem);
    let extension = if json { "json" } else { "csv" };
    if let Ok(disposition) = HeaderValue::from_str(&format!(
        "attachment; filename=\"vigil-{stem}-{}.{extension}\"",
        now.date_naive()
    )) {
        headers.insert(header::CONTENT_DISPOSITION, disposition);
    }
    response
}

fn query_json(query: &DashboardQuery) -> serde_json::Value {
    serde_json::json!({
        "course": query.course,
        "department": query.department,
        "role": query.role,
        "manager": query.manager,
        "status": query.status,
    })
}
