//! SCIM 2.0 (RFC 7644) at `/scim/v2`: discovery, Users, Groups and `.search`, for the
//! organisation's directory. Every request authenticates with an API token of scope `scim`
//! (`Authorization: Bearer …`); answers are `application/scim+json`, errors RFC 7644 §3.12.

use app::domain::api_token::{Scope, bearer};
use app::domain::scim::filter::Filter;
use app::domain::scim::schemas::{self, Projection};
use app::domain::scim::{MAX_RESULTS, ScimError, ScimType};
use app::error::AppError;
use app::ssr::AppState;
use app::ssr::api_tokens;
use app::ssr::scim::{Scim, groups, users};
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Response};
use axum::routing::{MethodRouter, get, post};
use http::{HeaderMap, HeaderValue, StatusCode, header};
use serde::Deserialize;
use serde_json::Value;

/// Where the endpoint lives.
pub const BASE: &str = "/scim/v2";

/// The routes, to be nested at [`BASE`].
pub fn routes() -> Router<AppState> {
    let discovery = |handler: MethodRouter<AppState>| handler.fallback(not_allowed);
    Router::new()
        .route(
            "/ServiceProviderConfig",
            discovery(get(service_provider_config)),
        )
        .route("/ResourceTypes", discovery(get(resource_types)))
        .route("/ResourceTypes/{id}", discovery(get(resource_type)))
        .route("/Schemas", discovery(get(all_schemas)))
        .route("/Schemas/{id}", discovery(get(schema)))
        .route(
            "/Users",
            get(list_users).post(create_user).fallback(not_allowed),
        )
        .route("/Users/.search", post(search_users).fallback(not_allowed))
        .route(
            "/Users/{id}",
            get(get_user)
                .put(replace_user)
                .patch(patch_user)
                .delete(delete_user)
                .fallback(not_allowed),
        )
        .route(
            "/Groups",
            get(list_groups).post(create_group).fallback(not_allowed),
        )
        .route("/Groups/.search", post(search_groups).fallback(not_allowed))
        .route(
            "/Groups/{id}",
            get(get_group)
                .put(replace_group)
                .patch(patch_group)
                .delete(delete_group)
                .fallback(not_allowed),
        )
        .route("/.search", post(search_all).fallback(not_allowed))
        .fallback(unknown_endpoint)
}

/// An answer with a SCIM body.
fn scim_json(status: StatusCode, body: &Value) -> Response {
    let mut response = (status, body.to_string()).into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/scim+json"),
    );
    response
}

fn error(err: ScimError) -> Response {
    let status = StatusCode::from_u16(err.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let mut response = scim_json(status, &err.to_json());
    if status == StatusCode::UNAUTHORIZED {
        response.headers_mut().insert(
            header::WWW_AUTHENTICATE,
            HeaderValue::from_static("Bearer realm=\"Vigil SCIM\""),
        );
    }
    response
}

async fn not_allowed() -> Response {
    error(ScimError::status(
        405,
        "That method is not allowed on this endpoint.",
    ))
}

async fn unknown_endpoint() -> Response {
    error(ScimError::not_found(
        "There is no such SCIM endpoint; see /scim/v2/ResourceTypes.",
    ))
}

/// The context of an authenticated request, or the answer refusing it.
async fn authorize<'a>(state: &'a AppState, headers: &HeaderMap) -> Result<Scim<'a>, Response> {
    let presented = headers
        .get(header::AUTHORIZATION)
        .and_then(|value| value.to_str().ok())
        .and_then(bearer)
        .ok_or_else(|| {
            error(ScimError::status(
                401,
                "Send an API token of scope \"scim\" as \"Authorization: Bearer <token>\".",
            ))
        })?;
    let holder = match api_tokens::authenticate(
        &state.db,
        presented,
        Scope::Scim,
        chrono::Utc::now(),
    )
    .await
    {
        Ok(holder) => holder,
        Err(AppError::Unauthenticated) => {
            return Err(error(ScimError::status(
                401,
                "That token is not valid: it is unknown, expired or revoked.",
            )));
        }
        Err(AppError::Forbidden) => {
            return Err(error(ScimError::status(
                403,
                "That token may not provision: it needs the scope \"scim\", made by a platform administrator who still is one.",
            )));
        }
        Err(err) => return Err(error(app::ssr::scim::app_error(err))),
    };
    Ok(Scim {
        db: &state.db,
        base: format!("{}{BASE}", state.public_base),
        holder,
        mail: &state.mail,
        engine: &state.engine,
        single_sign_on: state.oidc.is_some(),
    })
}

/// The body as JSON, or `400 invalidSyntax`.
fn json_body(body: &Bytes) -> Result<Value, ScimError> {
    serde_json::from_slice(body).map_err(|err| {
        ScimError::bad(
            ScimType::InvalidSyntax,
            format!("The body is not valid JSON: {err}."),
        )
    })
}

fn base_of(state: &AppState) -> String {
    format!("{}{BASE}", state.public_base)
}

async fn service_provider_config(State(state): State<AppState>, headers: HeaderMap) -> Response {
    if let Err(refused) = authorize(&state, &headers).await {
        return refused;
    }
    let docs = format!("{}/docs/sso", state.public_base);
    scim_json(
        StatusCode::OK,
        &schemas::service_provider_config(&base_of(&state), &docs),
    )
}

async fn resource_types(State(state): State<AppState>, headers: HeaderMap) -> Response {
    if let Err(refused) = authorize(&state, &headers).await {
        return refused;
    }
    let all = schemas::resource_types(&base_of(&state));
    let total = all.len();
    scim_json(StatusCode::OK, &schemas::list(all, total, 1))
}

async fn resource_type(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    if let Err(refused) = authorize(&state, &headers).await {
        return refused;
    }
    match schemas::resource_types(&base_of(&state))
        .into_iter()
        .find(|t| t["id"] == id.as_str())
    {
        Some(found) => scim_json(StatusCode::OK, &found),
        None => error(ScimError::not_found(format!(
            "There is no resource type \"{id}\"."
        ))),
    }
}

async fn all_schemas(State(state): State<AppState>, headers: HeaderMap) -> Response {
    if let Err(refused) = authorize(&state, &headers).await {
        return refused;
    }
    let all = schemas::schemas(&base_of(&state));
    let total = all.len();
    scim_json(StatusCode::OK, &schemas::list(all, total, 1))
}

async fn schema(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    if let Err(refused) = authorize(&state, &headers).await {
        return refused;
    }
    match schemas::schemas(&base_of(&state))
        .into_iter()
        .find(|s| s["id"] == id.as_str())
    {
        Some(found) => scim_json(StatusCode::OK, &found),
        None => error(ScimError::not_found(format!(
            "There is no schema \"{id}\"."
        ))),
    }
}

/// The query of a list request.
#[derive(Debug, Default, Deserialize)]
pub struct ListQuery {
    filter: Option<String>,
    #[serde(rename = "startIndex")]
    start_index: Option<String>,
    count: Option<String>,
    attributes: Option<String>,
    #[serde(rename = "excludedAttributes")]
    excluded_attributes: Option<String>,
}

/// A list request, read from the query or a `.search` body.
struct Listing {
    filter: Option<Filter>,
    start: usize,
    count: usize,
    projection: Projection,
}

impl Listing {
    fn from_query(query: &ListQuery) -> Result<Self, ScimError> {
        let number = |raw: &Option<String>, name: &str| -> Result<Option<i64>, ScimError> {
            raw.as_deref()
                .map(|r| {
                    r.trim().parse::<i64>().map_err(|_| {
                        ScimError::bad(
                            ScimType::InvalidValue,
                            format!("\"{name}\" must be a whole number."),
                        )
                    })
                })
                .transpose()
        };
        Self::new(
            query.filter.as_deref(),
            number(&query.start_index, "startIndex")?,
            number(&query.count, "count")?,
            Projection::parse(
                query.attributes.as_deref().unwrap_or_default(),
                query.excluded_attributes.as_deref().unwrap_or_default(),
            )?,
        )
    }

    fn from_search(body: &Value) -> Result<Self, ScimError> {
        let list = |key: &str| -> Vec<String> {
            body.get(key)
                .and_then(Value::as_array)
                .map(|items| {
                    items
                        .iter()
                        .filter_map(|i| i.as_str().map(str::to_owned))
                        .collect()
                })
                .unwrap_or_default()
        };
        Self::new(
            body.get("filter").and_then(Value::as_str),
            body.get("startIndex").and_then(Value::as_i64),
            body.get("count").and_then(Value::as_i64),
            Projection::from_lists(&list("attributes"), &list("excludedAttributes"))?,
        )
    }

    fn new(
        filter: Option<&str>,
        start: Option<i64>,
        count: Option<i64>,
        projection: Projection,
    ) -> Result<Self, ScimError> {
        Ok(Self {
            filter: filter
                .filter(|f| !f.trim().is_empty())
                .map(Filter::parse)
                .transpose()?,
            // RFC 7644 §3.4.2.4: below 1 means 1; a negative count means 0.
            start: usize::try_from(start.unwrap_or(1).max(1)).unwrap_or(1),
            count: usize::try_from(
                count
                    .unwrap_or(MAX_RESULTS as i64)
                    .clamp(0, MAX_RESULTS as i64),
            )
            .unwrap_or(0),
            projection,
        })
    }

    /// Whether group members are shown.
    fn shows_members(&self) -> bool {
        let mut probe = serde_json::json!({"schemas": [], "id": "", "members": [1]});
        self.projection.apply(&mut probe);
        probe.get("members").is_some()
    }
}

fn listed(mut resources: Vec<Value>, total: usize, listing: &Listing) -> Response {
    for resource in &mut resources {
        listing.projection.apply(resource);
    }
    scim_json(
        StatusCode::OK,
        &schemas::list(resources, total, listing.start),
    )
}

fn single(
    result: Result<Value, ScimError>,
    status: StatusCode,
    projection: &Projection,
) -> Response {
    match result {
        Ok(mut resource) => {
            projection.apply(&mut resource);
            let location = resource["meta"]["location"].as_str().map(str::to_owned);
            let mut response = scim_json(status, &resource);
            if let Some(location) = location.and_then(|l| HeaderValue::from_str(&l).ok()) {
                response.headers_mut().insert(header::LOCATION, location);
            }
            response
        }
        Err(err) => error(err),
    }
}

async fn list_users(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(query): Query<ListQuery>,
) -> Response {
    let (scim, listing) = match (
        authorize(&state, &headers).await,
        Listing::from_query(&query).map_err(error),
    ) {
        (Ok(scim), Ok(listing)) => (scim, listing),
        (Err(refused), _) | (_, Err(refused)) => return refused,
    };
    match users::list(&scim, listing.filter.as_ref(), listing.start, listing.count).await {
        Ok((resources, total)) => listed(resources, total, &listing),
        Err(err) => error(err),
    }
}

async fn search_users(State(state): State<AppState>, headers: HeaderMap, body: Bytes) -> Response {
    search(state, headers, body, Some("User")).await
}

async fn search_groups(State(state): State<AppState>, headers: HeaderMap, body: Bytes) -> Response {
    search(state, headers, body, Some("Group")).await
}

async fn search_all(State(state): State<AppState>, headers: HeaderMap, body: Bytes) -> Response {
    search(state, headers, body, None).await
}

/// `POST …/.search` (RFC 7644 §3.4.3): users, groups, or both (users first).
async fn search(state: AppState, headers: HeaderMap, body: Bytes, only: Option<&str>) -> Response {
    let scim = match authorize(&state, &headers).await {
        Ok(scim) => scim,
        Err(refused) => return refused,
    };
    let listing = match json_body(&body)
        .and_then(|b| Listing::from_search(&b))
        .map_err(error)
    {
        Ok(listing) => listing,
        Err(refused) => return refused,
    };
    let everything = usize::MAX / 2;
    let mut found = Vec::new();
    if only != Some("Group") {
        match users::list(&scim, listing.filter.as_ref(), 1, everything).await {
            Ok((resources, _)) => found.extend(resources),
            Err(err) => return error(err),
        }
    }
    if only != Some("User") {
        match groups::list(
            &scim,
            listing.filter.as_ref(),
            1,
            everything,
            listing.shows_members(),
        )
        .await
        {
            Ok((resources, _)) => found.extend(resources),
            Err(err) => return error(err),
        }
    }
    let total = found.len();
    let page = found
        .into_iter()
        .skip(listing.start - 1)
        .take(listing.count)
        .collect();
    listed(page, total, &listing)
}

fn projection_of(query: &ListQuery) -> Result<Projection, ScimError> {
    Projection::parse(
        query.attributes.as_deref().unwrap_or_default(),
        query.excluded_attributes.as_deref().unwrap_or_default(),
    )
}

/// Authenticates, reads the JSON body and answers with what `run` stores, at `status`.
async fn write<F>(
    state: &AppState,
    headers: &HeaderMap,
    body: &Bytes,
    status: StatusCode,
    run: F,
) -> Response
where
    F: AsyncFnOnce(&Scim<'_>, &Value) -> Result<Value, ScimError>,
{
    let scim = match authorize(state, headers).await {
        Ok(scim) => scim,
        Err(refused) => return refused,
    };
    match json_body(body) {
        Ok(body) => single(run(&scim, &body).await, status, &Projection::default()),
        Err(err) => error(err),
    }
}

/// Authenticates and answers `204 No Content` once `run` has deleted.
async fn remove<F>(state: &AppState, headers: &HeaderMap, run: F) -> Response
where
    F: AsyncFnOnce(&Scim<'_>) -> Result<(), ScimError>,
{
    let scim = match authorize(state, headers).await {
        Ok(scim) => scim,
        Err(refused) => return refused,
    };
    match run(&scim).await {
        Ok(()) => StatusCode::NO_CONTENT.into_response(),
        Err(err) => error(err),
    }
}

async fn get_user(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Query(query): Query<ListQuery>,
) -> Response {
    let (scim, projection) = match (
        authorize(&state, &headers).await,
        projection_of(&query).map_err(error),
    ) {
        (Ok(scim), Ok(projection)) => (scim, projection),
        (Err(refused), _) | (_, Err(refused)) => return refused,
    };
    single(users::get(&scim, &id).await, StatusCode::OK, &projection)
}

async fn create_user(State(state): State<AppState>, headers: HeaderMap, body: Bytes) -> Response {
    write(
        &state,
        &headers,
        &body,
        StatusCode::CREATED,
        async |scim, body| users::create(scim, body).await,
    )
    .await
}

async fn replace_user(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    write(
        &state,
        &headers,
        &body,
        StatusCode::OK,
        async |scim, body| users::replace(scim, &id, body).await,
    )
    .await
}

async fn patch_user(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    write(
        &state,
        &headers,
        &body,
        StatusCode::OK,
        async |scim, body| users::patch(scim, &id, body).await,
    )
    .await
}

async fn delete_user(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    remove(&state, &headers, async |scim| {
        users::delete(scim, &id).await
    })
    .await
}

async fn list_groups(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(query): Query<ListQuery>,
) -> Response {
    let (scim, listing) = match (
        authorize(&state, &headers).await,
        Listing::from_query(&query).map_err(error),
    ) {
        (Ok(scim), Ok(listing)) => (scim, listing),
        (Err(refused), _) | (_, Err(refused)) => return refused,
    };
    match groups::list(
        &scim,
        listing.filter.as_ref(),
        listing.start,
        listing.count,
        listing.shows_members(),
    )
    .await
    {
        Ok((resources, total)) => listed(resources, total, &listing),
        Err(err) => error(err),
    }
}

async fn get_group(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Query(query): Query<ListQuery>,
) -> Response {
    let (scim, listing) = match (
        authorize(&state, &headers).await,
        Listing::from_query(&query).map_err(error),
    ) {
        (Ok(scim), Ok(listing)) => (scim, listing),
        (Err(refused), _) | (_, Err(refused)) => return refused,
    };
    single(
        groups::get(&scim, &id, listing.shows_members()).await,
        StatusCode::OK,
        &listing.projection,
    )
}

async fn create_group(State(state): State<AppState>, headers: HeaderMap, body: Bytes) -> Response {
    write(
        &state,
        &headers,
        &body,
        StatusCode::CREATED,
        async |scim, body| groups::create(scim, body).await,
    )
    .await
}

async fn replace_group(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    write(
        &state,
        &headers,
        &body,
        StatusCode::OK,
        async |scim, body| groups::replace(scim, &id, body).await,
    )
    .await
}

async fn patch_group(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    write(
        &state,
        &headers,
        &body,
        StatusCode::OK,
        async |scim, body| groups::patch(scim, &id, body).await,
    )
    .await
}

async fn delete_group(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    remove(&state, &headers, async |scim| {
        groups::delete(scim, &id).await
    })
    .await
}
