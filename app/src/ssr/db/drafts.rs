//! Drafts: a compliance admin's working copy of a course, edited in the browser.

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait,
    QueryFilter, QueryOrder,
};

use super::entities::{content_draft, draft_file};

/// A draft by id.
pub async fn find(
    db: &impl ConnectionTrait,
    id: i64,
) -> Result<Option<content_draft::Model>, DbErr> {
    content_draft::Entity::find_by_id(id).one(db).await
}

/// The author's draft of a course, if there is one.
pub async fn find_for(
    db: &impl ConnectionTrait,
    author_id: i64,
    slug: &str,
) -> Result<Option<content_draft::Model>, DbErr> {
    content_draft::Entity::find()
        .filter(content_draft::Column::AuthorId.eq(author_id))
        .filter(content_draft::Column::CourseSlug.eq(slug))
        .one(db)
        .await
}

/// The author's drafts, most recently changed first.
pub async fn of_author(
    db: &impl ConnectionTrait,
    author_id: i64,
) -> Result<Vec<content_draft::Model>, DbErr> {
    content_draft::Entity::find()
        .filter(content_draft::Column::AuthorId.eq(author_id))
        .order_by_desc(content_draft::Column::UpdatedAt)
        .all(db)
        .await
}

/// Creates a draft holding `files`.
pub async fn create(
    db: &impl ConnectionTrait,
    author_id: i64,
    slug: &str,
    base_version_id: Option<i64>,
    files: Vec<(String, Vec<u8>)>,
    now: DateTime<Utc>,
) -> Result<content_draft::Model, DbErr> {
    let draft = content_draft::ActiveModel {
        author_id: Set(author_id),
        course_slug: Set(slug.to_owned()),
        base_version_id: Set(base_version_id),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?;
    for (path, bytes) in files {
        put_file(db, draft.id, &path, bytes).await?;
    }
    Ok(draft)
}

/// A draft's files, in path order.
pub async fn files(
    db: &impl ConnectionTrait,
    draft_id: i64,
) -> Result<Vec<(String, Vec<u8>)>, DbErr> {
    let rows = draft_file::Entity::find()
        .filter(draft_file::Column::DraftId.eq(draft_id))
        .order_by_asc(draft_file::Column::Path)
        .all(db)
        .await?;
    Ok(rows.into_iter().map(|row| (row.path, row.bytes)).collect())
}

/// Writes one file of a draft, replacing any file at that path.
pub async fn put_file(
    db: &impl ConnectionTrait,
    draft_id: i64,
    path: &str,
    bytes: Vec<u8>,
) -> Result<(), DbErr> {
    remove_file(db, draft_id, path).await?;
    draft_file::ActiveModel {
        draft_id: Set(draft_id),
        path: Set(path.to_owned()),
        bytes: Set(bytes),
        ..Default::default()
    }
    .insert(db)
    .await
    .map(|_| ())
}

/// Removes one file of a draft.
pub async fn remove_file(
    db: &impl ConnectionTrait,
    draft_id: i64,
    path: &str,
) -> Result<(), DbErr> {
    draft_file::Entity::delete_many()
        .filter(draft_file::Column::DraftId.eq(draft_id))
        .filter(draft_file::Column::Path.eq(path))
        .exec(db)
        .await
        .map(|_| ())
}

/// Marks a draft as changed now.
pub async fn touch(
    db: &impl ConnectionTrait,
    draft_id: i64,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    content_draft::ActiveModel {
        id: Set(draft_id),
        updated_at: Set(now),
        ..Default::default()
    }
    .update(db)
    .await
    .map(|_| ())
}

/// Deletes a draft and its files.
pub async fn delete(db: &impl ConnectionTrait, draft_id: i64) -> Result<(), DbErr> {
    draft_file::Entity::delete_many()
        .filter(draft_file::Column::DraftId.eq(draft_id))
        .exec(db)
        .await?;
    content_draft::Entity::delete_by_id(draft_id)
        .exec(db)
        .await
        .map(|_| ())
}
