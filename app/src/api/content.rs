//! Publishing content in the browser. Compliance administrators only; drafts are private to
//! their author.

use chrono::{DateTime, Utc};
use leptos::prelude::*;
use leptos::server_fn::codec::{MultipartData, MultipartFormData};
use serde::{Deserialize, Serialize};

use crate::domain::course_kind::CourseKind;
use crate::error::AppError;

/// A course in the content list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CourseRow {
    pub slug: String,
    pub title: String,
    pub summary: String,
    pub kind: CourseKind,
    pub version: Option<i32>,
    pub published_at: Option<DateTime<Utc>>,
    pub retired: bool,
}

/// One published version.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct VersionRow {
    pub version: i32,
    pub content_hash: String,
    pub material: bool,
    pub notes: String,
    pub published_at: DateTime<Utc>,
    pub published_by: String,
    pub via: String,
}

/// A course with its settings and history.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CourseDetail {
    pub course: CourseRow,
    pub audience: String,
    pub recurrence: String,
    pub due_within: String,
    /// How long after someone first owes the course their first round starts.
    pub start_offset: Option<String>,
    pub language: String,
    pub estimated_minutes: u32,
    pub pass_mark: Option<u32>,
    pub asked_per_attempt: usize,
    pub versions: Vec<VersionRow>,
    pub retired_at: Option<DateTime<Utc>>,
    pub retired_by: Option<String>,
    pub retired_reason: Option<String>,
    /// The viewer's own draft of this course, if any.
    pub draft_id: Option<i64>,
}

/// A question as an author sees it in a preview: with the answers.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PreviewQuestion {
    pub pool: Option<String>,
    pub prompt: String,
    pub body_html: String,
    pub options: Vec<(String, bool)>,
    pub multiple: bool,
    pub explanation_html: String,
}

/// Rendered content, as readers will see it (plus answers).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Preview {
    pub title: String,
    pub kind: CourseKind,
    pub summary: String,
    pub lessons: Vec<(String, String)>,
    pub document: Option<(String, String)>,
    pub statement: Option<String>,
    pub questions: Vec<PreviewQuestion>,
    pub asked_per_attempt: usize,
    pub pass_mark: Option<u32>,
}

/// A file in a draft.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DraftFile {
    pub path: String,
    /// `None` for images.
    pub text: Option<String>,
    pub removable: bool,
}

/// What the editor shows.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DraftView {
    pub id: i64,
    pub slug: String,
    pub is_new_course: bool,
    pub files: Vec<DraftFile>,
    pub problems: Vec<String>,
    pub preview: Option<Preview>,
    pub version_notes: String,
    pub material: bool,
    pub updated_at: DateTime<Utc>,
}

/// A draft in the viewer's list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DraftRow {
    pub id: i64,
    pub slug: String,
    pub updated_at: DateTime<Utc>,
}

/// Every course, and the viewer's drafts.
#[server(prefix = "/api", endpoint = "content/list")]
pub async fn list_courses() -> Result<(Vec<CourseRow>, Vec<DraftRow>), AppError> {
    use crate::ssr::content::views;
    crate::ssr::request::respond(
        async {
            let (state, user) = views::compliance_admin().await?;
            views::list(&state.db, &user).await
        }
        .await,
    )
}

/// One course with its history.
#[server(prefix = "/api", endpoint = "content/course")]
pub async fn get_course(slug: String) -> Result<CourseDetail, AppError> {
    use crate::ssr::content::views;
    crate::ssr::request::respond(
        async {
            let (state, user) = views::compliance_admin().await?;
            views::detail(&state.db, &state.versions, &user, &slug).await
        }
        .await,
    )
}

/// A published version as readers saw it.
#[server(prefix = "/api", endpoint = "content/version")]
pub async fn version_preview(
    slug: String,
    version: i32,
) -> Result<(VersionRow, Preview), AppError> {
    use crate::ssr::content::views;
    crate::ssr::request::respond(
        async {
            let (state, _) = views::compliance_admin().await?;
            views::version_preview(&state.db, &state.versions, &slug, version).await
        }
        .await,
    )
}

/// Opens (or creates) the viewer's draft of a course and goes to the editor.
#[server(prefix = "/api", endpoint = "content/edit")]
pub async fn edit_course(slug: String) -> Result<(), AppError> {
    use crate::ssr::content::drafts;
    crate::ssr::request::respond(
        async {
            let (state, user) = crate::ssr::content::views::compliance_admin().await?;
            let draft = drafts::edit_course(&state.db, &user, &slug, Utc::now()).await?;
            leptos_axum::redirect(&format!("/content/draft/{}", draft.id));
            Ok(())
        }
        .await,
    )
}

/// Starts a new course, policy or bulletin from a template.
#[server(prefix = "/api", endpoint = "content/new")]
pub async fn new_course(course_id: String, kind: String) -> Result<(), AppError> {
    use crate::ssr::content::drafts;
    crate::ssr::request::respond(
        async {
            let (state, user) = crate::ssr::content::views::compliance_admin().await?;
            let kind = CourseKind::parse(&kind).ok_or(AppError::BadRequest)?;
            let draft = drafts::new_course(&state.db, &user, &course_id, kind, Utc::now()).await?;
            leptos_axum::redirect(&format!("/content/draft/{}", draft.id));
            Ok(())
        }
        .await,
    )
}

/// Uploads a zipped course folder into a draft, to check and publish.
#[server(prefix = "/api", endpoint = "content/upload", input = MultipartFormData)]
pub async fn upload_course(data: MultipartData) -> Result<(), AppError> {
    use crate::ssr::content::{drafts, views};
    crate::ssr::request::respond(
        async {
            let (state, user) = views::compliance_admin().await?;
            let bytes = views::read_upload(data).await?;
            let source = crate::ssr::content::zip_upload::read_zip(&bytes).map_err(|problems| {
                tracing::info!(problems = ?problems.iter().map(ToString::to_string).collect::<Vec<_>>(), "course upload refused");
                AppError::Content(crate::error::ContentInvalid::UploadUnreadable)
            })?;
            let draft = drafts::from_upload(&state.db, &user, source, Utc::now()).await?;
            leptos_axum::redirect(&format!("/content/draft/{}", draft.id));
            Ok(())
        }
        .await,
    )
}

/// The editor's view of a draft: files, problems and preview.
#[server(prefix = "/api", endpoint = "content/draft")]
pub async fn get_draft(draft_id: i64) -> Result<DraftView, AppError> {
    use crate::ssr::content::{drafts, views};
    crate::ssr::request::respond(
        async {
            let (state, user) = views::compliance_admin().await?;
            let draft = drafts::own_draft(&state.db, &user, draft_id).await?;
            views::draft(&state.db, &draft).await
        }
        .await,
    )
}

/// Saves the editor's files; with `intent = "publish"`, also publishes.
#[server(prefix = "/api", endpoint = "content/draft/save")]
pub async fn save_draft(
    draft_id: i64,
    #[server(default)] paths: Vec<String>,
    #[server(default)] contents: Vec<String>,
    intent: String,
    #[server(default)] version_notes: String,
    #[server(default)] material: Option<String>,
) -> Result<(), AppError> {
    use crate::ssr::content::{PublishOutcome, drafts, views};
    crate::ssr::request::respond(
        async {
            let (state, user) = views::compliance_admin().await?;
            let draft = drafts::own_draft(&state.db, &user, draft_id).await?;
            if paths.len() != contents.len() {
                return Err(AppError::BadRequest);
            }
            let now = Utc::now();
            drafts::save_files(
                &state.db,
                &draft,
                paths.into_iter().zip(contents).collect(),
                now,
            )
            .await?;
            if intent != "publish" {
                leptos_axum::redirect(&format!("/content/draft/{draft_id}?saved=1"));
                return Ok(());
            }
            let outcome = drafts::publish_draft(
                &state.db,
                &user,
                &draft,
                &version_notes,
                material.is_some(),
                now,
            )
            .await?;
            crate::ssr::training::engine::recompute_logged(
                &state.db,
                &state.engine,
                "course published",
            )
            .await;
            let slug = urlencoding::encode(&draft.course_slug).into_owned();
            let target = match outcome {
                PublishOutcome::Published { version } => {
                    format!("/content/course/{slug}?published={version}")
                }
                // Only imports from git conflict; a browser publish never does.
                PublishOutcome::Unchanged { .. } | PublishOutcome::Conflict { .. } => {
                    format!("/content/course/{slug}?unchanged=1")
                }
                PublishOutcome::Retired => format!("/content/course/{slug}?retired=1"),
            };
            leptos_axum::redirect(&target);
            Ok(())
        }
        .await,
    )
}

/// Adds a lesson file to a draft.
#[server(prefix = "/api", endpoint = "content/draft/add-lesson")]
pub async fn add_draft_lesson(draft_id: i64, file_name: String) -> Result<(), AppError> {
    use crate::ssr::content::{drafts, views};
    crate::ssr::request::respond(
        async {
            let (state, user) = views::compliance_admin().await?;
            let draft = drafts::own_draft(&state.db, &user, draft_id).await?;
            drafts::add_lesson(&state.db, &draft, &file_name, Utc::now()).await?;
            leptos_axum::redirect(&format!("/content/draft/{draft_id}"));
            Ok(())
        }
        .await,
    )
}

/// Removes a file from a draft.
#[server(prefix = "/api", endpoint = "content/draft/remove-file")]
pub async fn remove_draft_file(draft_id: i64, path: String) -> Result<(), AppError> {
    use crate::ssr::content::{drafts, views};
    crate::ssr::request::respond(
        async {
            let (state, user) = views::compliance_admin().await?;
            let draft = drafts::own_draft(&state.db, &user, draft_id).await?;
            drafts::remove_file(&state.db, &draft, &path, Utc::now()).await?;
            leptos_axum::redirect(&format!("/content/draft/{draft_id}"));
            Ok(())
        }
        .await,
    )
}

/// Throws a draft away.
#[server(prefix = "/api", endpoint = "content/draft/discard")]
pub async fn discard_draft(draft_id: i64) -> Result<(), AppError> {
    use crate::ssr::content::{drafts, views};
    crate::ssr::request::respond(
        async {
            let (state, user) = views::compliance_admin().await?;
            let draft = drafts::own_draft(&state.db, &user, draft_id).await?;
            crate::ssr::db::drafts::delete(&state.db, draft.id).await?;
            leptos_axum::redirect("/content?discarded=1");
            Ok(())
        }
        .await,
    )
}

/// Retires a course: nobody is assigned it any more; its history stays.
#[server(prefix = "/api", endpoint = "content/retire")]
pub async fn retire_course(
    slug: String,
    #[server(default)] reason: String,
    #[server(default)] confirm: Option<String>,
) -> Result<(), AppError> {
    use crate::ssr::content::{retire, views};
    crate::ssr::request::respond(
        async {
            let (state, user) = views::compliance_admin().await?;
            if confirm.is_none() {
                return Err(crate::error::ContentInvalid::RetireNotConfirmed.into());
            }
            retire::retire(&state.db, &user, &slug, &reason, Utc::now()).await?;
            crate::ssr::training::engine::recompute_logged(
                &state.db,
                &state.engine,
                "course retired",
            )
            .await;
            leptos_axum::redirect(&format!(
                "/content/course/{}?retired=1",
                urlencoding::encode(&slug)
            ));
            Ok(())
        }
        .await,
    )
}

/// Brings a retired course back.
#[server(prefix = "/api", endpoint = "content/restore")]
pub async fn restore_course(slug: String) -> Result<(), AppError> {
    use crate::ssr::content::{retire, views};
    crate::ssr::request::respond(
        async {
            let (state, user) = views::compliance_admin().await?;
            retire::restore(&state.db, &user, &slug, Utc::now()).await?;
            crate::ssr::training::engine::recompute_logged(
                &state.db,
                &state.engine,
                "course restored",
            )
            .await;
            leptos_axum::redirect(&format!(
                "/content/course/{}?restored=1",
                urlencoding::encode(&slug)
            ));
            Ok(())
        }
        .await,
    )
}

/// How each question of a version is answered on first attempts, weakest first.
#[server(prefix = "/api", endpoint = "content/questions")]
pub async fn question_stats(
    slug: String,
    version: i32,
) -> Result<crate::dto::question_stats::QuestionStatsView, AppError> {
    crate::ssr::request::respond(
        async {
            let (state, _) = crate::ssr::content::views::compliance_admin().await?;
            crate::ssr::content::question_stats::view(&state.db, &state.versions, &slug, version)
                .await
        }
        .await,
    )
}

/// The courses whose current version has a facilitator pack (managers and compliance admins).
#[server(prefix = "/api", endpoint = "content/facilitator-packs")]
pub async fn facilitator_packs() -> Result<Vec<crate::dto::facilitator::PackRow>, AppError> {
    crate::ssr::request::respond(
        async {
            let user = crate::ssr::auth::current_user().await?;
            let state = crate::ssr::request::app_state()?;
            crate::ssr::content::facilitator::list(&state.db, &state.versions, &user).await
        }
        .await,
    )
}

/// A course's facilitator pack: slides, discussion guide, one-on-one checklist.
#[server(prefix = "/api", endpoint = "content/facilitator")]
pub async fn facilitator_pack(
    slug: String,
) -> Result<crate::dto::facilitator::FacilitatorView, AppError> {
    crate::ssr::request::respond(
        async {
            let user = crate::ssr::auth::current_user().await?;
            let state = crate::ssr::request::app_state()?;
            crate::ssr::content::facilitator::view(&state.db, &state.versions, &user, &slug).await
        }
        .await,
    )
}
