//! `GET /content/course/{slug}/v/{version}/source.zip`: one published version's folder, exactly
//! as published, ready to unpack into `content/` and commit (so a browser edit can go back to
//! git). Compliance administrators only; a read, so a GET.

use app::domain::permissions::Permission;
use app::ssr::AppState;
use app::ssr::auth::{cookie::cookie_name, current_user::authenticate};
use app::ssr::content::cpu::off_the_runtime;
use app::ssr::content::drafts::version_files;
use app::ssr::content::zip_download::folder_zip;
use app::ssr::db::courses;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use axum_extra::extract::cookie::CookieJar;
use http::{HeaderValue, StatusCode, header};

/// The route.
pub const PATH: &str = "/content/course/{slug}/v/{version}/source.zip";

fn refused(err: &app::error::AppError) -> Response {
    (
        StatusCode::from_u16(err.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
        err.to_string(),
    )
        .into_response()
}

/// Answers with the zip, or the reason there is none.
pub async fn download(
    State(state): State<AppState>,
    jar: CookieJar,
    Path((slug, version)): Path<(String, String)>,
) -> Response {
    let token = jar
        .get(cookie_name(state.auth.cookie_secure))
        .map(|cookie| cookie.value().to_owned());
    let user =
        match authenticate(&state.db, &state.auth, token.as_deref(), chrono::Utc::now()).await {
            Ok(user) => user,
            Err(err) => return refused(&err),
        };
    if !user.permissions.allows(Permission::ComplianceAdmin) {
        return refused(&app::error::AppError::Forbidden);
    }
    match zipped(&state, &slug, &version).await {
        Ok((name, bytes)) => {
            let mut response = bytes.into_response();
            let headers = response.headers_mut();
            headers.insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/zip"),
            );
            if let Ok(value) = HeaderValue::from_str(&format!("attachment; filename=\"{name}\"")) {
                headers.insert(header::CONTENT_DISPOSITION, value);
            }
            headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
            response
        }
        Err(err) => refused(&err),
    }
}

async fn zipped(
    state: &AppState,
    slug: &str,
    version: &str,
) -> Result<(String, Vec<u8>), app::error::AppError> {
    use app::error::{AppError, Resource};
    let number: i32 = version
        .parse()
        .map_err(|_| AppError::NotFound(Resource::Course))?;
    let course = courses::find_by_slug(&state.db, slug)
        .await?
        .ok_or(AppError::NotFound(Resource::Course))?;
    let found = courses::version(&state.db, course.id, number)
        .await?
        .ok_or(AppError::NotFound(Resource::Course))?;
    let files = version_files(&state.db, found.id).await?;
    let folder = course.slug.clone();
    let bytes = off_the_runtime(move || folder_zip(&folder, &files)).await??;
    Ok((format!("{}-v{number}.zip", course.slug), bytes))
}
