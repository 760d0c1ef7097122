//! Course versions as readers get them, parsed once per process.
//!
//! A published version never changes: new content, new organisation details or a correction
//! is a new version with a new id. So a version parsed once stays right for as long as the
//! process runs, on every instance sharing the database, and each page or write that needs one
//! reads it from here instead of loading its rendered JSON (all lessons, quiz pools and
//! translations) and parsing it again.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use sea_orm::ConnectionTrait;

use crate::domain::content::course::RenderedCourse;
use crate::domain::content::metadata::CourseMetadata;
use crate::error::AppError;
use crate::ssr::content::cpu::off_the_runtime;
use crate::ssr::db::courses;
use crate::ssr::internal;

/// How many versions are kept. A deployment serves one current version per course and the
/// versions people still owe; past this, the cache starts again empty.
const CAPACITY: usize = 512;

/// What identifies a version in records and links.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VersionIdentity {
    pub id: i64,
    pub course_id: i64,
    /// The version's number within its course (1, 2, …).
    pub version: i32,
    pub content_hash: String,
}

/// One version, parsed.
pub struct ParsedVersion {
    pub identity: VersionIdentity,
    pub meta: Arc<CourseMetadata>,
    /// The course's own texts, with every translation.
    pub rendered: Arc<RenderedCourse>,
    /// Each translation's texts, made on first use.
    translated: Mutex<HashMap<String, Arc<RenderedCourse>>>,
}

impl ParsedVersion {
    fn new(identity: VersionIdentity, meta: CourseMetadata, rendered: RenderedCourse) -> Self {
        Self {
            identity,
            meta: Arc::new(meta),
            rendered: Arc::new(rendered),
            translated: Mutex::new(HashMap::new()),
        }
    }

    /// The texts for someone who prefers `preferred`, and the language they are in.
    pub fn in_language(&self, preferred: Option<&str>) -> (Arc<RenderedCourse>, String) {
        let language = self.rendered.language_for(preferred, &self.meta.language);
        if language == self.meta.language {
            return (Arc::clone(&self.rendered), language);
        }
        let mut translated = self
            .translated
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some(texts) = translated.get(&language) {
            return (Arc::clone(texts), language);
        }
        match self.rendered.translated(&language) {
            Some(texts) => {
                let texts = Arc::new(texts);
                translated.insert(language.clone(), Arc::clone(&texts));
                (texts, language)
            }
            None => (Arc::clone(&self.rendered), self.meta.language.clone()),
        }
    }
}

/// Parsed versions by id, shared by every request of one process (in `AppState`).
#[derive(Default)]
pub struct VersionCache {
    entries: Mutex<HashMap<i64, Arc<ParsedVersion>>>,
}

impl VersionCache {
    /// The version with this id, parsed; `None` if there is no such version.
    pub async fn get(
        &self,
        db: &impl ConnectionTrait,
        id: i64,
    ) -> Result<Option<Arc<ParsedVersion>>, AppError> {
        if let Some(found) = self.lock().get(&id) {
            return Ok(Some(Arc::clone(found)));
        }
        let Some(row) = courses::version_by_id(db, id).await? else {
            return Ok(None);
        };
        let identity = VersionIdentity {
            id: row.id,
            course_id: row.course_id,
            version: row.version,
            content_hash: row.content_hash,
        };
        let (metadata_json, rendered_json) = (row.metadata_json, row.rendered_json);
        // A large course with its translations is a few hundred kilobytes of JSON.
        let parsed = off_the_runtime(move || parse(&metadata_json, &rendered_json)).await??;
        let parsed = Arc::new(ParsedVersion::new(identity, parsed.0, parsed.1));
        let mut entries = self.lock();
        if entries.len() >= CAPACITY {
            entries.clear();
        }
        entries.insert(id, Arc::clone(&parsed));
        Ok(Some(parsed))
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<i64, Arc<ParsedVersion>>> {
        self.entries
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// A stored version's metadata and rendering.
pub fn parse(
    metadata_json: &str,
    rendered_json: &str,
) -> Result<(CourseMetadata, RenderedCourse), AppError> {
    let meta = parse_metadata(metadata_json)?;
    let rendered = serde_json::from_str(rendered_json)
        .map_err(|err| internal("reading a course rendering", err))?;
    Ok((meta, rendered))
}

/// A stored version's metadata alone (what lists and reports need; a few hundred bytes).
pub fn parse_metadata(metadata_json: &str) -> Result<CourseMetadata, AppError> {
    serde_json::from_str(metadata_json).map_err(|err| internal("reading course metadata", err))
}
