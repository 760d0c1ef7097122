//! Courses and their published versions. Versions are immutable once inserted.

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait,
    FromQueryResult, QueryFilter, QueryOrder, QuerySelect,
};

use super::entities::{course, course_asset, course_version};

/// A course by its stable id.
pub async fn find_by_slug(
    db: &impl ConnectionTrait,
    slug: &str,
) -> Result<Option<course::Model>, DbErr> {
    course::Entity::find()
        .filter(course::Column::Slug.eq(slug))
        .one(db)
        .await
}

/// A course by database id.
pub async fn find_by_id(
    db: &impl ConnectionTrait,
    id: i64,
) -> Result<Option<course::Model>, DbErr> {
    course::Entity::find_by_id(id).one(db).await
}

/// The courses with these ids, in no particular order.
pub async fn by_ids(db: &impl ConnectionTrait, ids: &[i64]) -> Result<Vec<course::Model>, DbErr> {
    course::Entity::find()
        .filter(course::Column::Id.is_in(ids.iter().copied()))
        .all(db)
        .await
}

/// Every course, by title.
pub async fn all(db: &impl ConnectionTrait) -> Result<Vec<course::Model>, DbErr> {
    course::Entity::find()
        .order_by_asc(course::Column::Title)
        .all(db)
        .await
}

/// (title, variables recorded) of each current version of a course not retired that uses
/// organisation variables, in title order: one query.
pub async fn current_variables(db: &impl ConnectionTrait) -> Result<Vec<(String, String)>, DbErr> {
    let current = sea_orm::sea_query::Query::select()
        .column(course::Column::CurrentVersionId)
        .from(course::Entity)
        .and_where(course::Column::RetiredAt.is_null())
        .to_owned();
    course_version::Entity::find()
        .select_only()
        .columns([
            course_version::Column::Title,
            course_version::Column::VariablesJson,
        ])
        .filter(course_version::Column::Id.in_subquery(current))
        .filter(course_version::Column::VariablesJson.is_not_null())
        .order_by_asc(course_version::Column::Title)
        .into_tuple()
        .all(db)
        .await
}

/// A version's listing fields, without the (large) source and rendered text.
#[derive(Clone, Debug, PartialEq, Eq, FromQueryResult)]
pub struct VersionSummary {
    pub id: i64,
    pub course_id: i64,
    pub version: i32,
    pub content_hash: String,
    pub title: String,
    pub material: bool,
    pub notes: String,
    pub published_at: DateTime<Utc>,
    pub published_by: Option<i64>,
    pub published_via: String,
    /// The organisation variables it was rendered with (JSON), when it uses any.
    pub variables_json: Option<String>,
    /// SHA-256 of its files alone, when kept (see `course_version::Model::files_hash`).
    pub source_hash: Option<String>,
}

impl VersionSummary {
    /// The hash of the files alone, when known.
    pub fn files_hash(&self) -> Option<&str> {
        self.source_hash.as_deref().or_else(|| {
            self.variables_json
                .is_none()
                .then_some(self.content_hash.as_str())
        })
    }
}

fn summaries() -> sea_orm::Select<course_version::Entity> {
    course_version::Entity::find().select_only().columns([
        course_version::Column::Id,
        course_version::Column::CourseId,
        course_version::Column::Version,
        course_version::Column::ContentHash,
        course_version::Column::Title,
        course_version::Column::Material,
        course_version::Column::Notes,
        course_version::Column::PublishedAt,
        course_version::Column::PublishedBy,
        course_version::Column::PublishedVia,
        course_version::Column::VariablesJson,
        course_version::Column::SourceHash,
    ])
}

/// A course's versions, newest first.
pub async fn versions(
    db: &impl ConnectionTrait,
    course_id: i64,
) -> Result<Vec<VersionSummary>, DbErr> {
    summaries()
        .filter(course_version::Column::CourseId.eq(course_id))
        .order_by_desc(course_version::Column::Version)
        .into_model::<VersionSummary>()
        .all(db)
        .await
}

/// Every course's versions, newest first, by course id: one statement for the whole catalogue.
pub async fn versions_by_course(
    db: &impl ConnectionTrait,
) -> Result<std::collections::HashMap<i64, Vec<VersionSummary>>, DbErr> {
    let mut by_course: std::collections::HashMap<i64, Vec<VersionSummary>> =
        std::collections::HashMap::new();
    for version in summaries()
        .order_by_asc(course_version::Column::CourseId)
        .order_by_desc(course_version::Column::Version)
        .into_model::<VersionSummary>()
        .all(db)
        .await?
    {
        by_course
            .entry(version.course_id)
            .or_default()
            .push(version);
    }
    Ok(by_course)
}

/// The newest version's listing fields.
pub async fn latest_version(
    db: &impl ConnectionTrait,
    course_id: i64,
) -> Result<Option<VersionSummary>, DbErr> {
    summaries()
        .filter(course_version::Column::CourseId.eq(course_id))
        .order_by_desc(course_version::Column::Version)
        .into_model::<VersionSummary>()
        .one(db)
        .await
}

/// One version's listing fields by number.
/// The summaries of the versions with these ids, by id, in one query.
pub async fn version_summaries(
    db: &impl ConnectionTrait,
    ids: &[i64],
) -> Result<std::collections::HashMap<i64, VersionSummary>, DbErr> {
    if ids.is_empty() {
        return Ok(std::collections::HashMap::new());
    }
    Ok(summaries()
        .filter(course_version::Column::Id.is_in(ids.iter().copied()))
        .into_model::<VersionSummary>()
        .all(db)
        .await?
        .into_iter()
        .map(|summary| (summary.id, summary))
        .collect())
}

pub async fn version_summary(
    db: &impl ConnectionTrait,
    course_id: i64,
    number: i32,
) -> Result<Option<VersionSummary>, DbErr> {
    summaries()
        .filter(course_version::Column::CourseId.eq(course_id))
        .filter(course_version::Column::Version.eq(number))
        .into_model::<VersionSummary>()
        .one(db)
        .await
}

/// One whole version by number.
pub async fn version(
    db: &impl ConnectionTrait,
    course_id: i64,
    number: i32,
) -> Result<Option<course_version::Model>, DbErr> {
    course_version::Entity::find()
        .filter(course_version::Column::CourseId.eq(course_id))
        .filter(course_version::Column::Version.eq(number))
        .one(db)
        .await
}

/// One whole version by id.
pub async fn version_by_id(
    db: &impl ConnectionTrait,
    id: i64,
) -> Result<Option<course_version::Model>, DbErr> {
    course_version::Entity::find_by_id(id).one(db).await
}

/// The metadata (JSON) of these versions, by version id, without their rendered text: what lists
/// of courses need, read in one query.
pub async fn version_metadata(
    db: &impl ConnectionTrait,
    ids: &[i64],
) -> Result<std::collections::HashMap<i64, String>, DbErr> {
    let mut found = std::collections::HashMap::new();
    for chunk in ids.chunks(500) {
        let rows: Vec<(i64, String)> = course_version::Entity::find()
            .select_only()
            .column(course_version::Column::Id)
            .column(course_version::Column::MetadataJson)
            .filter(course_version::Column::Id.is_in(chunk.iter().copied()))
            .into_tuple()
            .all(db)
            .await?;
        found.extend(rows);
    }
    Ok(found)
}

/// The current version of each course in use (not retired): ids only, one query.
pub async fn current_version_ids(db: &impl ConnectionTrait) -> Result<Vec<i64>, DbErr> {
    Ok(in_use_by_title(db)
        .await?
        .into_iter()
        .filter_map(|c| c.current_version_id)
        .collect())
}

/// Each course in use (not retired) that has a current version, by title: one query.
pub async fn in_use_by_title(db: &impl ConnectionTrait) -> Result<Vec<course::Model>, DbErr> {
    course::Entity::find()
        .filter(course::Column::RetiredAt.is_null())
        .filter(course::Column::CurrentVersionId.is_not_null())
        .order_by_asc(course::Column::Title)
        .all(db)
        .await
}

/// A course by slug with its current version; `None` if there is no such course or it has no
/// current version.
pub async fn current_by_slug(
    db: &impl ConnectionTrait,
    slug: &str,
) -> Result<Option<(course::Model, course_version::Model)>, DbErr> {
    let Some(course) = find_by_slug(db, slug).await? else {
        return Ok(None);
    };
    let Some(version_id) = course.current_version_id else {
        return Ok(None);
    };
    Ok(version_by_id(db, version_id)
        .await?
        .map(|version| (course, version)))
}

/// Inserts a new course.
pub async fn insert_course(
    db: &impl ConnectionTrait,
    slug: &str,
    kind: &str,
    title: &str,
    summary: &str,
    now: DateTime<Utc>,
) -> Result<course::Model, DbErr> {
    course::ActiveModel {
        slug: Set(slug.to_owned()),
        kind: Set(kind.to_owned()),
        title: Set(title.to_owned()),
        summary: Set(summary.to_owned()),
        current_version_id: Set(None),
        created_at: Set(now),
        retired_at: Set(None),
        retired_by: Set(None),
        retired_reason: Set(None),
        ..Default::default()
    }
    .insert(db)
    .await
}

/// Inserts a version row.
pub async fn insert_version(
    db: &impl ConnectionTrait,
    row: course_version::ActiveModel,
) -> Result<course_version::Model, DbErr> {
    row.insert(db).await
}

/// Stores one image of a version.
pub async fn insert_asset(
    db: &impl ConnectionTrait,
    version_id: i64,
    path: &str,
    media_type: &str,
    bytes: Vec<u8>,
) -> Result<(), DbErr> {
    course_asset::ActiveModel {
        version_id: Set(version_id),
        path: Set(path.to_owned()),
        media_type: Set(media_type.to_owned()),
        bytes: Set(bytes),
        ..Default::default()
    }
    .insert(db)
    .await
    .map(|_| ())
}

/// A version's images.
pub async fn assets_of(
    db: &impl ConnectionTrait,
    version_id: i64,
) -> Result<Vec<course_asset::Model>, DbErr> {
    course_asset::Entity::find()
        .filter(course_asset::Column::VersionId.eq(version_id))
        .all(db)
        .await
}

/// An image by the content hash of the version it belongs to.
pub async fn asset_by_hash(
    db: &impl ConnectionTrait,
    hash: &str,
    path: &str,
) -> Result<Option<(course_asset::Model, i64)>, DbErr> {
    let versions: Vec<(i64, i64)> = course_version::Entity::find()
        .select_only()
        .column(course_version::Column::Id)
        .column(course_version::Column::CourseId)
        .filter(course_version::Column::ContentHash.eq(hash))
        .into_tuple()
        .all(db)
        .await?;
    let asset = course_asset::Entity::find()
        .filter(course_asset::Column::VersionId.is_in(versions.iter().map(|(id, _)| *id)))
        .filter(course_asset::Column::Path.eq(path))
        .one(db)
        .await?;
    Ok(asset.and_then(|asset| {
        let course = versions
            .iter()
            .find(|(id, _)| *id == asset.version_id)
            .map(|(_, course)| *course)?;
        Some((asset, course))
    }))
}

/// Points the course at its newest version and refreshes its listing fields.
pub async fn set_current(
    db: &impl ConnectionTrait,
    course: &course::Model,
    version_id: i64,
    kind: &str,
    title: &str,
    summary: &str,
) -> Result<(), DbErr> {
    course::ActiveModel {
        id: Set(course.id),
        current_version_id: Set(Some(version_id)),
        kind: Set(kind.to_owned()),
        title: Set(title.to_owned()),
        summary: Set(summary.to_owned()),
        ..Default::default()
    }
    .update(db)
    .await
    .map(|_| ())
}

/// Records the source hash of the course folder as last imported from git.
pub async fn set_git_source_hash(
    db: &impl ConnectionTrait,
    course_id: i64,
    hash: &str,
) -> Result<(), DbErr> {
    course::ActiveModel {
        id: Set(course_id),
        git_source_hash: Set(Some(hash.to_owned())),
        ..Default::default()
    }
    .update(db)
    .await
    .map(|_| ())
}

/// Retires a course (`by` and `reason` recorded) or, with `None`, restores it.
pub async fn set_retired(
    db: &impl ConnectionTrait,
    course_id: i64,
    retired: Option<(DateTime<Utc>, i64, Option<String>)>,
) -> Result<(), DbErr> {
    let (at, by, reason) = match retired {
        Some((at, by, reason)) => (Some(at), Some(by), reason),
        None => (None, None, None),
    };
    course::ActiveModel {
        id: Set(course_id),
        retired_at: Set(at),
        retired_by: Set(by),
        retired_reason: Set(reason),
        ..Default::default()
    }
    .update(db)
    .await
    .map(|_| ())
}

/// The catalogue's generation: moved on (by triggers) by every change to courses, their
/// versions and the assignment rules.
pub async fn catalogue_generation(db: &impl ConnectionTrait) -> Result<i64, DbErr> {
    let row = db
        .query_one_raw(sea_orm::Statement::from_string(
            db.get_database_backend(),
            "SELECT generation FROM catalogue_generation WHERE id = 1",
        ))
        .await?
        .ok_or_else(|| DbErr::RecordNotFound("catalogue_generation".to_owned()))?;
    row.try_get("", "generation")
}
