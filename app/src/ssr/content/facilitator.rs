//! Facilitator packs behind `api::content::facilitator_*`: for managers, who brief and coach
//! their teams, and compliance administrators, who record instructor-led sessions.

use sea_orm::DatabaseConnection;

use crate::domain::content::course::RenderedDocument;
use crate::domain::content::facilitator::RenderedPack;
use crate::domain::permissions::Permission;
use crate::dto::facilitator::{FacilitatorView, PackPart, PackRow};
use crate::error::{AppError, Resource};
use crate::ssr::auth::CurrentUser;
use crate::ssr::db::courses;
use crate::ssr::db::entities::course;
use crate::ssr::training::learner::parse_version;

fn may_teach(user: &CurrentUser) -> Result<(), AppError> {
    user.require(Permission::Teach)
}

async fn current_pack(
    db: &DatabaseConnection,
    course: &course::Model,
) -> Result<Option<(i32, RenderedPack)>, AppError> {
    let Some(version_id) = course.current_version_id else {
        return Ok(None);
    };
    let Some(version) = courses::version_by_id(db, version_id).await? else {
        return Ok(None);
    };
    let (_, rendered) = parse_version(&version)?;
    Ok(rendered.facilitator.map(|pack| (version.version, pack)))
}

fn part(document: RenderedDocument) -> PackPart {
    PackPart {
        title: document.title,
        html: document.html,
    }
}

/// The courses in use whose current version has a pack, by title.
pub async fn list(db: &DatabaseConnection, user: &CurrentUser) -> Result<Vec<PackRow>, AppError> {
    may_teach(user)?;
    let mut rows = Vec::new();
    for course in courses::all(db).await? {
        if course.retired_at.is_some() {
            continue;
        }
        if let Some((_, pack)) = current_pack(db, &course).await? {
            rows.push(PackRow {
                slug: course.slug,
                title: course.title,
                slides: pack.slides.len(),
                guide: pack.guide.is_some(),
                checklist: pack.checklist.is_some(),
            });
        }
    }
    rows.sort_by(|a, b| a.title.cmp(&b.title));
    Ok(rows)
}

/// The pack of a course's current version.
pub async fn view(
    db: &DatabaseConnection,
    user: &CurrentUser,
    slug: &str,
) -> Result<FacilitatorView, AppError> {
    may_teach(user)?;
    let course = courses::find_by_slug(db, slug)
        .await?
        .ok_or(AppError::NotFound(Resource::Course))?;
    let (version, pack) = current_pack(db, &course)
        .await?
        .ok_or(AppError::NotFound(Resource::Page))?;
    Ok(FacilitatorView {
        slug: course.slug,
        title: course.title,
        version,
        slides: pack.slides.into_iter().map(part).collect(),
        guide: pack.guide.map(part),
        checklist: pack.checklist.map(part),
    })
}
