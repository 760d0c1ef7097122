//! Building the content pages' DTOs from stored rows.

use std::collections::HashMap;

use sea_orm::DatabaseConnection;

use super::drafts::{check_draft, version_fields};
use crate::api::content::{
    CourseDetail, CourseRow, DraftFile, DraftRow, DraftView, Preview, PreviewQuestion, VersionRow,
};
use crate::domain::content::course::{METADATA_FILE, RenderedCourse};
use crate::domain::content::lesson::is_lesson_file;
use crate::domain::content::metadata::CourseMetadata;
use crate::domain::content::source::{FileRole, file_role};
use crate::domain::course_kind::CourseKind;
use crate::domain::permissions::Permission;
use crate::error::{AppError, Resource};
use crate::ssr::AppState;
use crate::ssr::auth::{CurrentUser, current_user};
use crate::ssr::db::entities::{content_draft, course};
use crate::ssr::db::{courses, drafts, people};
use crate::ssr::request::app_state;
use crate::ssr::training::versions::VersionCache;

/// The state and the signed-in compliance administrator, or the reason to refuse.
pub async fn compliance_admin() -> Result<(AppState, CurrentUser), AppError> {
    let user = current_user().await?;
    user.require(Permission::ComplianceAdmin)?;
    Ok((app_state()?, user))
}

fn row(course: &course::Model, latest: Option<&courses::VersionSummary>) -> CourseRow {
    CourseRow {
        slug: course.slug.clone(),
        title: course.title.clone(),
        summary: course.summary.clone(),
        kind: CourseKind::parse(&course.kind).unwrap_or(CourseKind::Course),
        version: latest.map(|v| v.version),
        published_at: latest.map(|v| v.published_at),
        retired: course.retired_at.is_some(),
    }
}

/// Every course and the viewer's drafts.
pub async fn list(
    db: &DatabaseConnection,
    user: &CurrentUser,
) -> Result<(Vec<CourseRow>, Vec<DraftRow>), AppError> {
    let mut rows = Vec::new();
    for course in courses::all(db).await? {
        let latest = courses::latest_version(db, course.id).await?;
        rows.push(row(&course, latest.as_ref()));
    }
    let drafts = drafts::of_author(db, user.person.id)
        .await?
        .into_iter()
        .map(|draft| DraftRow {
            id: draft.id,
            slug: draft.course_slug,
            updated_at: draft.updated_at,
        })
        .collect();
    Ok((rows, drafts))
}

async fn names(
    db: &DatabaseConnection,
    ids: Vec<Option<i64>>,
) -> Result<HashMap<i64, String>, AppError> {
    let mut found = HashMap::new();
    for id in ids.into_iter().flatten() {
        if let std::collections::hash_map::Entry::Vacant(entry) = found.entry(id) {
            let name = people::find_by_id(db, id)
                .await?
                .map(|p| p.name)
                .unwrap_or_else(|| "a removed person".to_owned());
            entry.insert(name);
        }
    }
    Ok(found)
}

/// A course with settings from its newest version and its whole history.
pub async fn detail(
    db: &DatabaseConnection,
    parsed: &VersionCache,
    user: &CurrentUser,
    slug: &str,
) -> Result<CourseDetail, AppError> {
    let course = courses::find_by_slug(db, slug)
        .await?
        .ok_or(AppError::NotFound(Resource::Course))?;
    let versions = courses::versions(db, course.id).await?;
    let latest = match versions.first() {
        Some(latest) => parsed.get(db, latest.id).await?,
        None => None,
    }
    .ok_or(AppError::NotFound(Resource::Course))?;
    let (meta, rendered) = (&latest.meta, &latest.rendered);
    let people_ids: Vec<Option<i64>> = versions
        .iter()
        .map(|v| v.published_by)
        .chain([course.retired_by])
        .collect();
    let who = names(db, people_ids).await?;
    let draft_id = drafts::find_for(db, user.person.id, slug)
        .await?
        .map(|d| d.id);
    Ok(CourseDetail {
        course: row(&course, versions.first()),
        audience: meta.audience.describe(),
        recurrence: meta.recurrence.to_string(),
        due_within: meta.due_within.to_string(),
        start_offset: meta.start_offset.map(|p| p.to_string()),
        language: meta.language.clone(),
        estimated_minutes: meta.estimated_minutes,
        pass_mark: meta.pass_mark,
        asked_per_attempt: rendered.asked_per_attempt(),
        versions: versions
            .iter()
            .map(|v| VersionRow {
                version: v.version,
                content_hash: v.content_hash.clone(),
                material: v.material,
                notes: v.notes.clone(),
                published_at: v.published_at,
                published_by: v
                    .published_by
                    .and_then(|id| who.get(&id).cloned())
                    .unwrap_or_else(|| "content import from git".to_owned()),
                via: v.published_via.clone(),
            })
            .collect(),
        retired_at: course.retired_at,
        retired_by: course.retired_by.and_then(|id| who.get(&id).cloned()),
        retired_reason: course.retired_reason,
        draft_id,
    })
}

/// Turns stored or freshly rendered content into the preview DTO.
pub fn preview(
    meta: &CourseMetadata,
    rendered: &RenderedCourse,
    pool_titles: &[Option<String>],
) -> Preview {
    Preview {
        title: meta.title.clone(),
        kind: meta.kind,
        summary: meta.summary.clone(),
        lessons: rendered
            .lessons
            .iter()
            .map(|l| (l.title.clone(), l.html.clone()))
            .collect(),
        document: rendered
            .document
            .as_ref()
            .map(|d| (d.title.clone(), d.html.clone())),
        statement: meta.acknowledgement.as_ref().map(|a| a.statement.clone()),
        questions: rendered
            .pools
            .iter()
            .enumerate()
            .flat_map(|(index, pool)| {
                let title = pool_titles
                    .get(index)
                    .cloned()
                    .flatten()
                    .map(|t| match pool.ask {
                        Some(ask) => format!("{t} (ask {ask} of {})", pool.questions.len()),
                        None => t,
                    });
                pool.questions.iter().map(move |q| PreviewQuestion {
                    pool: title.clone(),
                    prompt: q.prompt.clone(),
                    body_html: q.body_html.clone(),
                    options: q
                        .options
                        .iter()
                        .map(|o| (o.html.clone(), o.correct))
                        .collect(),
                    multiple: q.multiple,
                    explanation_html: q.explanation_html.clone(),
                })
            })
            .collect(),
        asked_per_attempt: rendered.asked_per_attempt(),
        pass_mark: meta.pass_mark,
    }
}

/// A published version's preview.
pub async fn version_preview(
    db: &DatabaseConnection,
    parsed: &VersionCache,
    slug: &str,
    number: i32,
) -> Result<(VersionRow, Preview), AppError> {
    let course = courses::find_by_slug(db, slug)
        .await?
        .ok_or(AppError::NotFound(Resource::Course))?;
    let version = courses::version_summary(db, course.id, number)
        .await?
        .ok_or(AppError::NotFound(Resource::CourseVersion))?;
    let texts = parsed
        .get(db, version.id)
        .await?
        .ok_or(AppError::NotFound(Resource::CourseVersion))?;
    let who = names(db, vec![version.published_by]).await?;
    let row = VersionRow {
        version: version.version,
        content_hash: version.content_hash.clone(),
        material: version.material,
        notes: version.notes.clone(),
        published_at: version.published_at,
        published_by: version
            .published_by
            .and_then(|id| who.get(&id).cloned())
            .unwrap_or_else(|| "content import from git".to_owned()),
        via: version.published_via.clone(),
    };
    Ok((row, preview(&texts.meta, &texts.rendered, &[])))
}

/// The editor's view of a draft.
pub async fn draft(
    db: &DatabaseConnection,
    draft: &content_draft::Model,
) -> Result<DraftView, AppError> {
    let check = check_draft(db, draft).await?;
    let (version_notes, material) = version_fields(&check.files);
    let preview = match (&check.parsed, &check.rendered) {
        (Some(course), Some(rendered)) => {
            let titles: Vec<Option<String>> = match &course.body {
                crate::domain::content::course::CourseBody::Lessons { quiz, .. } => {
                    quiz.pools.iter().map(|p| p.title.clone()).collect()
                }
                _ => Vec::new(),
            };
            Some(preview(&course.meta, rendered, &titles))
        }
        _ => None,
    };
    let mut files: Vec<DraftFile> = check
        .files
        .iter()
        .map(|(path, bytes)| DraftFile {
            path: path.clone(),
            text: (file_role(path) == FileRole::Text)
                .then(|| String::from_utf8_lossy(bytes).into_owned()),
            removable: path != METADATA_FILE,
        })
        .collect();
    // course.toml first, then lessons in order, then the rest.
    files.sort_by_key(|file| {
        (
            file.path != METADATA_FILE,
            !is_lesson_file(&file.path),
            file.text.is_none(),
            file.path.clone(),
        )
    });
    Ok(DraftView {
        id: draft.id,
        slug: draft.course_slug.clone(),
        is_new_course: draft.base_version_id.is_none(),
        files,
        problems: check.problems,
        preview,
        version_notes,
        material,
        updated_at: draft.updated_at,
    })
}

/// The bytes of the one file in an upload form.
pub async fn read_upload(
    data: leptos::server_fn::codec::MultipartData,
) -> Result<Vec<u8>, AppError> {
    use crate::error::ContentInvalid;
    let Some(mut multipart) = data.into_inner() else {
        return Err(AppError::BadRequest);
    };
    let limit = crate::domain::content::source::MAX_COURSE * 2;
    while let Ok(Some(mut field)) = multipart.next_field().await {
        if field.name() != Some("course") {
            continue;
        }
        let mut bytes = Vec::new();
        while let Ok(Some(chunk)) = field.chunk().await {
            bytes.extend_from_slice(chunk.as_ref());
            if bytes.len() > limit {
                return Err(ContentInvalid::UploadUnreadable.into());
            }
        }
        return if bytes.is_empty() {
            Err(ContentInvalid::UploadMissing.into())
        } else {
            Ok(bytes)
        };
    }
    Err(ContentInvalid::UploadMissing.into())
}
