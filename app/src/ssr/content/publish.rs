//! Publishing a checked course as a new immutable version, unless its content is unchanged.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use sea_orm::{ActiveValue::Set, DatabaseConnection, DbErr, SqlErr};
use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::domain::content::course::{ParsedCourse, RenderedCourse};
use crate::domain::content::source::{FileRole, file_role};
use crate::error::AppError;
use crate::ssr::db::audit::{self, Actor, AuditEntry};
use crate::ssr::db::courses;
use crate::ssr::db::entities::{course, course_version};
use crate::ssr::internal;

/// Where a version came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Via {
    /// `vigil content import` or the start-up import of `content/`.
    Git,
    /// The browser editor or a zip upload.
    Web,
    /// The same files rendered again because organisation variables they use changed.
    Variables,
}

impl Via {
    /// The stored spelling.
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Git => "git",
            Self::Web => "web",
            Self::Variables => "variables",
        }
    }
}

/// What publishing did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PublishOutcome {
    /// A new version was stored.
    Published { version: i32 },
    /// The newest version already has exactly this content.
    Unchanged { version: i32 },
    /// The course is retired in Vigil; restore it before publishing again.
    Retired,
    /// Changed in git since the last import, and published in the browser since then: git's
    /// copy was not published (the browser's version stands).
    Conflict { version: i32 },
}

/// A stored source file: text as text, anything else as base64, so the source is kept exactly.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SourceFile {
    Text(String),
    Base64(String),
}

/// The URL prefix of a version's images.
pub fn asset_base(hash: &str) -> String {
    format!("/course-assets/{hash}")
}

/// Stores `course` as the next version of its course (creating the course the first time).
/// Publishing the same content twice stores nothing the second time.
pub async fn publish(
    db: &DatabaseConnection,
    course: &ParsedCourse,
    actor: &Actor,
    via: Via,
    now: DateTime<Utc>,
) -> Result<PublishOutcome, AppError> {
    let values = super::organisation::values(db).await?;
    let rendering = Rendering {
        hash: course.version_hash(&values),
        variables: course.variable_values(&values),
        rendered: RenderedCourse::default(),
    };
    // Rendered first, off the async threads and before any transaction begins.
    let rendered = super::cpu::render(course.clone(), asset_base(&rendering.hash), values).await?;
    let rendering = Rendering {
        rendered,
        ..rendering
    };
    match publish_once(db, course, &rendering, actor, via, now).await {
        // Another instance published at the same moment; look again.
        Err(PublishError::Db(err))
            if matches!(err.sql_err(), Some(SqlErr::UniqueConstraintViolation(_))) =>
        {
            publish_once(db, course, &rendering, actor, via, now)
                .await
                .map_err(PublishError::into_app)
        }
        other => other.map_err(PublishError::into_app),
    }
}

/// A course rendered with the organisation's values of the day.
struct Rendering {
    /// The version's hash: the files' own, or with the values used (`variables::version_hash`).
    hash: String,
    /// Each variable the course uses, with its value (`None`: unset).
    variables: BTreeMap<String, Option<String>>,
    rendered: RenderedCourse,
}

/// What an import from git does with a course folder whose files hash to `incoming`.
#[derive(Debug, PartialEq, Eq)]
enum GitImport {
    Publish,
    /// Nothing to publish; `record`: note `incoming` as the last import.
    Unchanged {
        version: i32,
        record: bool,
    },
    /// Changed in git and in the browser since the last import.
    Conflict {
        version: i32,
    },
}

/// Publishes from git only what changed in git since the last import, and never over a
/// version published in the browser since then.
fn from_git(
    course: &course::Model,
    latest: Option<&courses::VersionSummary>,
    incoming: &str,
) -> GitImport {
    let Some(latest) = latest else {
        return GitImport::Publish;
    };
    let version = latest.version;
    // Git has the newest files already (imported before, or a browser version committed back).
    if latest.files_hash() == Some(incoming) {
        let record = course.git_source_hash.as_deref() != Some(incoming);
        return GitImport::Unchanged { version, record };
    }
    match course.git_source_hash.as_deref() {
        // Unchanged in git since the last import: whatever the browser did stands.
        Some(last) if last == incoming => GitImport::Unchanged {
            version,
            record: false,
        },
        // Changed in git; the newest version is the last import's (or that rendered again).
        Some(last) if latest.files_hash() == Some(last) => GitImport::Publish,
        // Changed in git, and the newest version came from somewhere else since.
        Some(_) => GitImport::Conflict { version },
        // Imported before this was kept: only a browser version can conflict.
        None if latest.published_via == Via::Web.as_str() => GitImport::Conflict { version },
        None => GitImport::Publish,
    }
}

enum PublishError {
    Db(DbErr),
    App(AppError),
}

impl PublishError {
    fn into_app(self) -> AppError {
        match self {
            Self::Db(err) => err.into(),
            Self::App(err) => err,
        }
    }
}

impl From<DbErr> for PublishError {
    fn from(err: DbErr) -> Self {
        Self::Db(err)
    }
}

async fn publish_once(
    db: &DatabaseConnection,
    course: &ParsedCourse,
    rendering: &Rendering,
    actor: &Actor,
    via: Via,
    now: DateTime<Utc>,
) -> Result<PublishOutcome, PublishError> {
    let meta = &course.meta;
    let txn = crate::ssr::db::begin(db).await?;
    let existing = courses::find_by_slug(&txn, &meta.id).await?;
    let row = match existing {
        Some(row) if row.retired_at.is_some() => return Ok(PublishOutcome::Retired),
        Some(row) => row,
        None => {
            courses::insert_course(
                &txn,
                &meta.id,
                meta.kind.as_str(),
                &meta.title,
                &meta.summary,
                now,
            )
            .await?
        }
    };
    let latest = courses::latest_version(&txn, row.id).await?;
    if via == Via::Git {
        match from_git(&row, latest.as_ref(), &course.hash) {
            GitImport::Publish => {}
            GitImport::Unchanged { version, record } => {
                if record {
                    courses::set_git_source_hash(&txn, row.id, &course.hash).await?;
                    txn.commit().await?;
                }
                return Ok(PublishOutcome::Unchanged { version });
            }
            GitImport::Conflict { version } => return Ok(PublishOutcome::Conflict { version }),
        }
        courses::set_git_source_hash(&txn, row.id, &course.hash).await?;
    }
    if let Some(latest) = latest
        .as_ref()
        .filter(|latest| latest.content_hash == rendering.hash)
    {
        txn.commit().await?;
        return Ok(PublishOutcome::Unchanged {
            version: latest.version,
        });
    }
    let number = latest.as_ref().map_or(1, |latest| latest.version + 1);
    // New organisation details change no lesson: nobody has to take the course again.
    let (material, notes) = match via {
        Via::Variables => (
            false,
            format!(
                "Organisation details changed ({}); the text is otherwise that of version {}.",
                changed_details(
                    latest.as_ref().and_then(|l| l.variables_json.as_deref()),
                    &rendering.variables,
                )
                .join(", "),
                number - 1
            ),
        ),
        Via::Git | Via::Web => (meta.material_change, meta.version_notes.clone()),
    };

    let source: BTreeMap<&str, SourceFile> = course
        .source
        .files()
        .filter(|(path, _)| !matches!(file_role(path), FileRole::Asset(_)))
        .map(|(path, bytes)| {
            let file = match std::str::from_utf8(bytes) {
                Ok(text) => SourceFile::Text(text.to_owned()),
                Err(_) => SourceFile::Base64(base64_encode(bytes)),
            };
            (path, file)
        })
        .collect();
    let version = courses::insert_version(
        &txn,
        course_version::ActiveModel {
            course_id: Set(row.id),
            version: Set(number),
            content_hash: Set(rendering.hash.clone()),
            title: Set(meta.title.clone()),
            metadata_json: Set(to_json(meta)?),
            source_json: Set(to_json(&source)?),
            rendered_json: Set(to_json(&rendering.rendered)?),
            material: Set(material),
            notes: Set(notes.clone()),
            source_hash: Set(Some(course.hash.clone())),
            variables_json: Set((!course.variables.is_empty())
                .then(|| to_json(&rendering.variables))
                .transpose()?),
            published_at: Set(now),
            published_by: Set(actor.id),
            published_via: Set(via.as_str().to_owned()),
            ..Default::default()
        },
    )
    .await?;
    for (path, bytes) in course.source.files() {
        if let FileRole::Asset(media_type) = file_role(path) {
            courses::insert_asset(&txn, version.id, path, media_type, bytes.to_vec()).await?;
        }
    }
    courses::set_current(
        &txn,
        &row,
        version.id,
        meta.kind.as_str(),
        &meta.title,
        &meta.summary,
    )
    .await?;
    crate::ssr::training::rules::follow_metadata(&txn, row.id, &meta.audience, now)
        .await
        .map_err(PublishError::App)?;
    audit::record(
        &txn,
        AuditEntry {
            actor: actor.clone(),
            action: "content.publish",
            subject: format!("course:{}", meta.id),
            before: latest.map(|l| json!({ "version": l.version, "content_hash": l.content_hash })),
            after: Some(json!({
                "version": number,
                "content_hash": rendering.hash,
                "material": material,
                "notes": notes,
                "via": via.as_str(),
                "variables": rendering.variables,
            })),
            reason: None,
        },
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(PublishOutcome::Published { version: number })
}

fn base64_encode(bytes: &[u8]) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

/// Decodes a stored source file.
pub fn source_bytes(file: &SourceFile) -> Vec<u8> {
    use base64::Engine as _;
    match file {
        SourceFile::Text(text) => text.as_bytes().to_vec(),
        SourceFile::Base64(encoded) => base64::engine::general_purpose::STANDARD
            .decode(encoded)
            .unwrap_or_default(),
    }
}

fn to_json<T: Serialize>(value: &T) -> Result<String, PublishError> {
    serde_json::to_string(value)
        .map_err(|err| PublishError::App(internal("serialising a course version", err)))
}

/// The details whose value differs from what the previous version recorded (all it uses when
/// the previous version recorded none), so that the notes name only what changed.
fn changed_details(previous: Option<&str>, now: &BTreeMap<String, Option<String>>) -> Vec<String> {
    let before: BTreeMap<String, Option<String>> = previous
        .and_then(|json| serde_json::from_str(json).ok())
        .unwrap_or_default();
    now.iter()
        .filter(|(key, value)| before.get(*key) != Some(*value))
        .map(|(key, _)| key.clone())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn version_notes_name_only_the_details_that_changed() {
        let now = BTreeMap::from([
            (
                "contacts.security_email".to_owned(),
                Some("s@a.example".to_owned()),
            ),
            (
                "policies.disclosure_url".to_owned(),
                Some("https://a.example/new".to_owned()),
            ),
        ]);
        let before = r#"{"contacts.security_email":"s@a.example","policies.disclosure_url":"https://a.example/old"}"#;
        assert_eq!(
            changed_details(Some(before), &now),
            ["policies.disclosure_url"]
        );
        assert_eq!(
            changed_details(None, &now).len(),
            2,
            "nothing recorded before"
        );
    }
}
