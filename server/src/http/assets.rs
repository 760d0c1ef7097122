//! Course images. Published images are addressed by the version's content hash, so they never
//! change; they reach the people the course is (or was) assigned to and compliance
//! administrators. Draft images only reach the draft's author. SVG is served with a sandboxing
//! policy so a script inside one never runs.

use app::domain::permissions::Permission;
use app::ssr::AppState;
use app::ssr::auth::{CurrentUser, cookie::cookie_name, current_user::authenticate};
use app::ssr::db::{courses, drafts, ledger, training};
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use axum_extra::extract::cookie::CookieJar;
use http::{HeaderValue, StatusCode, header};

const NOT_FOUND: (StatusCode, &str) = (StatusCode::NOT_FOUND, "There is no such image.");

/// Logs the cause and answers with the opaque message and a 500.
fn failed(context: &str, cause: impl std::fmt::Display) -> Response {
    (
        StatusCode::INTERNAL_SERVER_ERROR,
        app::ssr::internal(context, cause).to_string(),
    )
        .into_response()
}

async fn signed_in(state: &AppState, jar: &CookieJar) -> Result<CurrentUser, Response> {
    let token = jar
        .get(cookie_name(state.auth.cookie_secure))
        .map(|cookie| cookie.value().to_owned());
    authenticate(&state.db, &state.auth, token.as_deref(), chrono::Utc::now())
        .await
        .map_err(|_| (StatusCode::UNAUTHORIZED, "Sign in to see course images.").into_response())
}

fn image(media_type: &str, bytes: Vec<u8>, cache: &'static str) -> Response {
    let mut response = bytes.into_response();
    let headers = response.headers_mut();
    if let Ok(value) = HeaderValue::from_str(media_type) {
        headers.insert(header::CONTENT_TYPE, value);
    }
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static("default-src 'none'; style-src 'unsafe-inline'; sandbox"),
    );
    headers.insert(
        header::CONTENT_DISPOSITION,
        HeaderValue::from_static("inline"),
    );
    response
}

/// `GET /course-assets/{hash}/{*path}`
pub async fn course_asset(
    State(state): State<AppState>,
    jar: CookieJar,
    Path((hash, path)): Path<(String, String)>,
) -> Response {
    let user = match signed_in(&state, &jar).await {
        Ok(user) => user,
        Err(refused) => return refused,
    };
    let (asset, course_id) = match courses::asset_by_hash(&state.db, &hash, &path).await {
        Ok(Some(found)) => found,
        Ok(None) => return NOT_FOUND.into_response(),
        Err(err) => return failed("loading a course image", err),
    };
    match may_see_course(&state, &user, course_id).await {
        Ok(true) => image(
            &asset.media_type,
            asset.bytes,
            "private, max-age=31536000, immutable",
        ),
        // The same answer as for an image that does not exist: nothing is revealed.
        Ok(false) => NOT_FOUND.into_response(),
        Err(err) => failed("checking who may see a course image", err),
    }
}

/// Whether `user` may see a course's material: it is assigned to them, they have a record of it
/// (their results show its questions), or they administer compliance.
async fn may_see_course(
    state: &AppState,
    user: &CurrentUser,
    course_id: i64,
) -> Result<bool, sea_orm::DbErr> {
    if user.permissions.allows(Permission::ComplianceAdmin) {
        return Ok(true);
    }
    let assigned = training::compliance_of(&state.db, user.person.id)
        .await?
        .iter()
        .any(|row| row.course_id == course_id);
    Ok(assigned
        || !ledger::of_person_course(&state.db, user.person.id, course_id)
            .await?
            .is_empty())
}

/// `GET /draft-assets/{id}/{*path}`
pub async fn draft_asset(
    State(state): State<AppState>,
    jar: CookieJar,
    Path((id, path)): Path<(i64, String)>,
) -> Response {
    let user = match signed_in(&state, &jar).await {
        Ok(user) => user,
        Err(refused) => return refused,
    };
    if user.require(Permission::ComplianceAdmin).is_err() {
        return NOT_FOUND.into_response();
    }
    let draft = match drafts::find(&state.db, id).await {
        Ok(Some(draft)) if draft.author_id == user.person.id => draft,
        Ok(_) => return NOT_FOUND.into_response(),
        Err(err) => return failed("loading a draft", err),
    };
    let media_type = match app::domain::content::source::file_role(&path) {
        app::domain::content::source::FileRole::Asset(media_type) => media_type,
        _ => return NOT_FOUND.into_response(),
    };
    match drafts::files(&state.db, draft.id).await {
        Ok(files) => match files.into_iter().find(|(file, _)| *file == path) {
            Some((_, bytes)) => image(media_type, bytes, "no-store"),
            None => NOT_FOUND.into_response(),
        },
        Err(err) => failed("loading a draft image", err),
    }
}
