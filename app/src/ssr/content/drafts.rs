//! Editing a course in the browser: a per-author draft, checked and previewed on every save,
//! published as a new version when it has no problems.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use sea_orm::DatabaseConnection;

use super::publish::{PublishOutcome, SourceFile, Via, publish, source_bytes};
use crate::domain::content::course::{METADATA_FILE, RenderedCourse};
use crate::domain::content::lesson::is_lesson_file;
use crate::domain::content::metadata::{is_slug, parse_metadata};
use crate::domain::content::source::{FileRole, file_role};
use crate::domain::content::{CourseSource, ParsedCourse, Problem};
use crate::domain::course_kind::CourseKind;
use crate::error::{AppError, ContentInvalid, Resource};
use crate::ssr::auth::CurrentUser;
use crate::ssr::db::entities::content_draft;
use crate::ssr::db::{courses, drafts};
use crate::ssr::internal;

/// The draft with this id, if it belongs to `user` (drafts are private to their author).
pub async fn own_draft(
    db: &DatabaseConnection,
    user: &CurrentUser,
    id: i64,
) -> Result<content_draft::Model, AppError> {
    drafts::find(db, id)
        .await?
        .filter(|draft| draft.author_id == user.person.id)
        .ok_or(AppError::NotFound(Resource::Draft))
}

/// The files of a version, exactly as published.
pub async fn version_files(
    db: &DatabaseConnection,
    version_id: i64,
) -> Result<Vec<(String, Vec<u8>)>, AppError> {
    let version = courses::version_by_id(db, version_id)
        .await?
        .ok_or(AppError::NotFound(Resource::Course))?;
    let source: BTreeMap<String, SourceFile> = serde_json::from_str(&version.source_json)
        .map_err(|err| internal("reading a stored course source", err))?;
    let mut files: Vec<(String, Vec<u8>)> = source
        .iter()
        .map(|(path, file)| (path.clone(), source_bytes(file)))
        .collect();
    files.extend(
        courses::assets_of(db, version_id)
            .await?
            .into_iter()
            .map(|asset| (asset.path, asset.bytes)),
    );
    Ok(files)
}

/// Opens the author's draft of a published course, creating it from the current version.
pub async fn edit_course(
    db: &DatabaseConnection,
    user: &CurrentUser,
    slug: &str,
    now: DateTime<Utc>,
) -> Result<content_draft::Model, AppError> {
    if let Some(existing) = drafts::find_for(db, user.person.id, slug).await? {
        return Ok(existing);
    }
    let course = courses::find_by_slug(db, slug)
        .await?
        .ok_or(AppError::NotFound(Resource::Course))?;
    let version_id = course
        .current_version_id
        .ok_or(AppError::NotFound(Resource::Course))?;
    let files = version_files(db, version_id).await?;
    Ok(drafts::create(db, user.person.id, slug, Some(version_id), files, now).await?)
}

/// Starts a draft of a new course from a template of the given kind.
pub async fn new_course(
    db: &DatabaseConnection,
    user: &CurrentUser,
    slug: &str,
    kind: CourseKind,
    now: DateTime<Utc>,
) -> Result<content_draft::Model, AppError> {
    let slug = slug.trim();
    if !is_slug(slug) {
        return Err(ContentInvalid::CourseId.into());
    }
    if courses::find_by_slug(db, slug).await?.is_some() {
        return Err(crate::error::Conflict::CourseExists.into());
    }
    if let Some(existing) = drafts::find_for(db, user.person.id, slug).await? {
        return Ok(existing);
    }
    Ok(drafts::create(db, user.person.id, slug, None, template(slug, kind), now).await?)
}

/// Starts (or replaces) a draft from an uploaded course folder.
pub async fn from_upload(
    db: &DatabaseConnection,
    user: &CurrentUser,
    source: CourseSource,
    now: DateTime<Utc>,
) -> Result<content_draft::Model, AppError> {
    let slug = source
        .text(METADATA_FILE)
        .and_then(Result::ok)
        .and_then(|text| toml::from_str::<toml::Table>(text).ok())
        .and_then(|table| {
            table
                .get("id")
                .and_then(|id| id.as_str())
                .map(str::to_owned)
        })
        .filter(|id| is_slug(id))
        .ok_or(ContentInvalid::UploadWithoutId)?;
    let files: Vec<(String, Vec<u8>)> = source
        .files()
        .map(|(path, bytes)| (path.to_owned(), bytes.to_vec()))
        .collect();
    let base = courses::find_by_slug(db, &slug)
        .await?
        .and_then(|course| course.current_version_id);
    if let Some(existing) = drafts::find_for(db, user.person.id, &slug).await? {
        drafts::delete(db, existing.id).await?;
    }
    Ok(drafts::create(db, user.person.id, &slug, base, files, now).await?)
}

/// Saves edited text files. Only files already in the draft can be edited this way.
pub async fn save_files(
    db: &DatabaseConnection,
    draft: &content_draft::Model,
    edits: Vec<(String, String)>,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let existing: Vec<String> = drafts::files(db, draft.id)
        .await?
        .into_iter()
        .map(|(path, _)| path)
        .collect();
    for (path, text) in &edits {
        if !existing.contains(path) || file_role(path) != FileRole::Text {
            return Err(ContentInvalid::UnknownFile.into());
        }
        if text.len() > crate::domain::content::source::MAX_TEXT_FILE {
            return Err(ContentInvalid::FileTooLarge.into());
        }
    }
    for (path, text) in edits {
        // Browsers send text areas with CRLF line ends; store what authors typed, LF as in git.
        drafts::put_file(db, draft.id, &path, text.replace("\r\n", "\n").into_bytes()).await?;
    }
    drafts::touch(db, draft.id, now).await?;
    Ok(())
}

/// Adds an empty lesson named like `03-new-topic.md`.
pub async fn add_lesson(
    db: &DatabaseConnection,
    draft: &content_draft::Model,
    file_name: &str,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let file_name = file_name.trim();
    let file_name = if file_name.ends_with(".md") {
        file_name.to_owned()
    } else {
        format!("{file_name}.md")
    };
    if !is_lesson_file(&file_name) {
        return Err(ContentInvalid::LessonName.into());
    }
    if drafts::files(db, draft.id)
        .await?
        .iter()
        .any(|(path, _)| *path == file_name)
    {
        return Err(crate::error::Conflict::FileExists.into());
    }
    drafts::put_file(
        db,
        draft.id,
        &file_name,
        b"# New lesson\n\nWrite the lesson here.\n".to_vec(),
    )
    .await?;
    drafts::touch(db, draft.id, now).await?;
    Ok(())
}

/// Removes a file (never `course.toml`).
pub async fn remove_file(
    db: &DatabaseConnection,
    draft: &content_draft::Model,
    path: &str,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    if path == METADATA_FILE {
        return Err(ContentInvalid::KeepMetadata.into());
    }
    drafts::remove_file(db, draft.id, path).await?;
    drafts::touch(db, draft.id, now).await?;
    Ok(())
}

/// What the editor shows for a draft.
pub struct DraftCheck {
    pub files: Vec<(String, Vec<u8>)>,
    pub problems: Vec<String>,
    pub parsed: Option<ParsedCourse>,
    pub rendered: Option<RenderedCourse>,
}

/// Checks and renders a draft, images served from the draft's own asset route.
pub async fn check_draft(
    db: &DatabaseConnection,
    draft: &content_draft::Model,
) -> Result<DraftCheck, AppError> {
    let files = drafts::files(db, draft.id).await?;
    let values = super::organisation::values(db).await?;
    let checked =
        super::cpu::check(files.clone(), format!("/draft-assets/{}", draft.id), values).await?;
    let (problems, parsed) = match checked.parsed {
        Ok(course) => (id_problems(draft, &course), Some(course)),
        Err(problems) => (problems.iter().map(ToString::to_string).collect(), None),
    };
    let rendered = checked.rendered;
    Ok(DraftCheck {
        files,
        problems,
        parsed,
        rendered,
    })
}

// A course's id never changes: an edit that changes it would silently start another course.
fn id_problems(draft: &content_draft::Model, course: &ParsedCourse) -> Vec<String> {
    if course.meta.id == draft.course_slug {
        Vec::new()
    } else {
        vec![
            Problem::at(
                METADATA_FILE,
                1,
                format!(
                    "id is {:?} but this draft is for {:?}; a course's id never changes",
                    course.meta.id, draft.course_slug
                ),
            )
            .to_string(),
        ]
    }
}

/// Publishes a draft with the given version notes and material flag (written into
/// `course.toml` so the stored source says the same), then deletes the draft.
pub async fn publish_draft(
    db: &DatabaseConnection,
    user: &CurrentUser,
    draft: &content_draft::Model,
    notes: &str,
    material: bool,
    now: DateTime<Utc>,
) -> Result<PublishOutcome, AppError> {
    let files = drafts::files(db, draft.id).await?;
    let toml_text = files
        .iter()
        .find(|(path, _)| path == METADATA_FILE)
        .and_then(|(_, bytes)| std::str::from_utf8(bytes).ok())
        .ok_or(ContentInvalid::HasProblems)?;
    let notes = notes.trim();
    if notes.is_empty() {
        return Err(ContentInvalid::VersionNotes.into());
    }
    let updated = set_version(toml_text, notes, material).ok_or(ContentInvalid::HasProblems)?;
    drafts::put_file(db, draft.id, METADATA_FILE, updated.into_bytes()).await?;

    let check = check_draft(db, draft).await?;
    let Some(course) = check.parsed.filter(|_| check.problems.is_empty()) else {
        return Err(ContentInvalid::HasProblems.into());
    };
    let actor = user.actor();
    let outcome = publish(db, &course, &actor, Via::Web, now).await?;
    if matches!(
        outcome,
        PublishOutcome::Published { .. } | PublishOutcome::Unchanged { .. }
    ) {
        drafts::delete(db, draft.id).await?;
    }
    Ok(outcome)
}

/// Rewrites `[version]` in `course.toml`, keeping the author's formatting and comments.
pub fn set_version(toml_text: &str, notes: &str, material: bool) -> Option<String> {
    let mut document: toml_edit::DocumentMut = toml_text.parse().ok()?;
    let version = document
        .entry("version")
        .or_insert(toml_edit::table())
        .as_table_mut()?;
    version["notes"] = toml_edit::value(notes);
    version["material"] = toml_edit::value(material);
    Some(document.to_string())
}

/// The version notes and material flag currently in a draft's `course.toml`.
pub fn version_fields(files: &[(String, Vec<u8>)]) -> (String, bool) {
    files
        .iter()
        .find(|(path, _)| path == METADATA_FILE)
        .and_then(|(_, bytes)| std::str::from_utf8(bytes).ok())
        .and_then(|text| parse_metadata(text).ok())
        .map(|meta| (meta.version_notes, meta.material_change))
        .unwrap_or_default()
}

fn template(slug: &str, kind: CourseKind) -> Vec<(String, Vec<u8>)> {
    let title = slug
        .split('-')
        .map(capitalise)
        .collect::<Vec<_>>()
        .join(" ");
    let common = format!(
        "id = \"{slug}\"\ntitle = \"{title}\"\nsummary = \"One or two sentences saying what people will learn.\"\nkind = \"{}\"\nlanguage = \"en\"\nestimated_minutes = 15\n",
        kind.as_str()
    );
    let tail =
        "[audience]\neveryone = true\n\n[version]\nnotes = \"First version.\"\nmaterial = false\n";
    let file = |path: &str, text: String| (path.to_owned(), text.into_bytes());
    match kind {
        CourseKind::Course => vec![
            file(METADATA_FILE, format!("{common}pass_mark = 80\nrecurrence = \"12 months\"\ndue_within = \"30 days\"\n\n{tail}")),
            file("01-introduction.md", format!("# {title}\n\nWrite the first lesson here.\n")),
            file(
                "quiz.md",
                "## What is the first thing to do?\n\n- [x] The right answer\n- [ ] A plausible wrong answer\n- [ ] Another plausible wrong answer\n\n> Explain why the right answer is right.\n".to_owned(),
            ),
        ],
        CourseKind::Policy => vec![
            file(
                METADATA_FILE,
                format!("{common}recurrence = \"12 months\"\ndue_within = \"14 days\"\n\n{tail}\n[acknowledgement]\nstatement = \"I have read and understood this policy, and I will follow it.\"\nminimum_reading_seconds = 60\n"),
            ),
            file("policy.md", format!("# {title}\n\nWrite the policy here.\n")),
        ],
        CourseKind::Bulletin => vec![
            file(METADATA_FILE, format!("{common}recurrence = \"never\"\ndue_within = \"7 days\"\n\n{tail}\n[acknowledgement]\nstatement = \"I have read this notice.\"\n")),
            file("bulletin.md", format!("# {title}\n\nWhat is happening, how to spot it, and what to do.\n")),
        ],
    }
}

fn capitalise(word: &str) -> String {
    let mut chars = word.chars();
    chars
        .next()
        .map(|first| first.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::content::parse_course;

    #[test]
    fn templates_are_valid_courses_of_their_kind() {
        for kind in [CourseKind::Course, CourseKind::Policy, CourseKind::Bulletin] {
            let source = CourseSource::new(template("new-topic", kind)).unwrap();
            let course = parse_course(source).unwrap_or_else(|p| panic!("{kind:?}: {p:?}"));
            assert_eq!(course.meta.kind, kind);
            assert_eq!(course.meta.title, "New Topic");
        }
    }

    #[test]
    fn version_fields_are_rewritten_keeping_comments() {
        let text = "id = \"x\" # keep me\n\n[version]\nnotes = \"Old.\"\nmaterial = false\n";
        let updated = set_version(text, "Fixed the MFA section.", true).unwrap();
        assert!(updated.contains("# keep me"));
        assert!(updated.contains("notes = \"Fixed the MFA section.\""));
        assert!(updated.contains("material = true"));
        let added = set_version("id = \"x\"\n", "First.", false).unwrap();
        assert!(
            added.contains("[version]") && added.contains("notes = \"First.\""),
            "{added}"
        );
    }
}
