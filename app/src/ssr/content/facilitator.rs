//! Facilitator packs behind `api::content::facilitator_*`: for managers, who brief and coach
//! their teams, and compliance administrators, who record instructor-led sessions.

use sea_orm::DatabaseConnection;

use crate::domain::content::course::RenderedDocument;
use crate::domain::permissions::Permission;
use crate::dto::facilitator::{FacilitatorView, PackPart, PackRow};
use crate::error::{AppError, Resource};
use crate::ssr::auth::CurrentUser;
use crate::ssr::db::courses;
use crate::ssr::training::versions::VersionCache;

fn may_teach(user: &CurrentUser) -> Result<(), AppError> {
    user.require(Permission::Teach)
}

fn part(document: RenderedDocument) -> PackPart {
    PackPart {
        title: document.title,
        html: document.html,
    }
}

/// The courses in use whose current version has a pack, by title.
pub async fn list(
    db: &DatabaseConnection,
    versions: &VersionCache,
    user: &CurrentUser,
) -> Result<Vec<PackRow>, AppError> {
    may_teach(user)?;
    let mut rows = Vec::new();
    for course in courses::in_use_by_title(db).await? {
        let Some(version_id) = course.current_version_id else {
            continue;
        };
        let Some(version) = versions.get(db, version_id).await? else {
            continue;
        };
        if let Some(pack) = &version.rendered.facilitator {
            rows.push(PackRow {
                slug: course.slug,
                title: course.title,
                slides: pack.slides.len(),
                guide: pack.guide.is_some(),
                checklist: pack.checklist.is_some(),
            });
        }
    }
    Ok(rows)
}

/// The pack of a course's current version.
pub async fn view(
    db: &DatabaseConnection,
    versions: &VersionCache,
    user: &CurrentUser,
    slug: &str,
) -> Result<FacilitatorView, AppError> {
    may_teach(user)?;
    let course = courses::find_by_slug(db, slug)
        .await?
        .ok_or(AppError::NotFound(Resource::Course))?;
    let version = match course.current_version_id {
        Some(id) => versions.get(db, id).await?,
        None => None,
    }
    .ok_or(AppError::NotFound(Resource::Course))?;
    let pack = version
        .rendered
        .facilitator
        .clone()
        .ok_or(AppError::NotFound(Resource::Page))?;
    Ok(FacilitatorView {
        slug: course.slug,
        title: course.title,
        version: version.identity.version,
        slides: pack.slides.into_iter().map(part).collect(),
        guide: pack.guide.map(part),
        checklist: pack.checklist.map(part),
    })
}
