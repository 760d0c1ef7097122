//! Reading course folders from disk (`content/` in git) and importing them.

use std::path::Path;

use chrono::{DateTime, Utc};
use sea_orm::DatabaseConnection;

use super::publish::{PublishOutcome, Via, publish};
use crate::domain::content::source::{FileRole, MAX_ASSET_FILE, MAX_TEXT_FILE, file_role};
use crate::domain::content::{CourseSource, ParsedCourse, Problem, parse_course};
use crate::error::AppError;
use crate::ssr::db::audit::Actor;

/// One folder of a content tree and what checking it found.
pub struct FolderReport {
    /// The folder's name under the tree.
    pub folder: String,
    pub result: Result<ParsedCourse, Vec<Problem>>,
}

impl FolderReport {
    /// Warnings (the course still publishes), prefixed with the folder: quiz patterns that leak
    /// answers (see `domain::content::quiz_lint`).
    pub fn warning_lines(&self) -> Vec<String> {
        use crate::domain::content::course::CourseBody;
        use crate::domain::content::quiz_lint::warnings;
        let Ok(course) = &self.result else {
            return Vec::new();
        };
        let own = match &course.body {
            CourseBody::Lessons { quiz, .. } => Some((String::new(), quiz)),
            _ => None,
        };
        let translated = course
            .translations
            .iter()
            .filter_map(|(language, t)| match &t.body {
                CourseBody::Lessons { quiz, .. } => {
                    Some((format!("translations/{language}/"), quiz))
                }
                _ => None,
            });
        own.into_iter()
            .chain(translated)
            .flat_map(|(prefix, quiz)| {
                warnings(quiz)
                    .iter()
                    .map(|w| format!("{}/{prefix}{w}", self.folder))
                    .collect::<Vec<_>>()
            })
            .collect()
    }

    /// Problems prefixed with the folder, e.g. `phishing/quiz.md:14: …`.
    pub fn problem_lines(&self) -> Vec<String> {
        match &self.result {
            Ok(_) => Vec::new(),
            Err(problems) => problems
                .iter()
                .map(|problem| {
                    let file = if problem.file == "." {
                        self.folder.clone()
                    } else {
                        format!("{}/{}", self.folder, problem.file)
                    };
                    Problem {
                        file,
                        ..problem.clone()
                    }
                    .to_string()
                })
                .collect(),
        }
    }
}

/// Checks every course folder under `dir`. Folders are read in name order; hidden ones and loose
/// files at the top are skipped. Two folders with the same course id are both reported.
pub fn check_tree(dir: &Path) -> Result<Vec<FolderReport>, std::io::Error> {
    let mut folders: Vec<_> = std::fs::read_dir(dir)?
        .filter_map(Result::ok)
        .filter(|entry| entry.file_type().is_ok_and(|t| t.is_dir()))
        .filter(|entry| !entry.file_name().to_string_lossy().starts_with('.'))
        .collect();
    folders.sort_by_key(|entry| entry.file_name());
    let mut reports: Vec<FolderReport> = folders
        .iter()
        .map(|entry| FolderReport {
            folder: entry.file_name().to_string_lossy().into_owned(),
            result: read_folder(&entry.path()).and_then(parse_course),
        })
        .collect();

    let ids: Vec<Option<String>> = reports
        .iter()
        .map(|r| r.result.as_ref().ok().map(|c| c.meta.id.clone()))
        .collect();
    for (index, report) in reports.iter_mut().enumerate() {
        let Some(id) = ids[index].as_ref() else {
            continue;
        };
        let clashes: Vec<usize> = ids
            .iter()
            .enumerate()
            .filter(|(i, other)| *i != index && other.as_ref() == Some(id))
            .map(|(i, _)| i)
            .collect();
        if !clashes.is_empty() {
            report.result = Err(vec![Problem::at(
                "course.toml",
                1,
                format!("id {id:?} is also used by another folder; every course needs its own id"),
            )]);
        }
    }
    Ok(reports)
}

/// Reads one course folder, refusing oversized files before reading them.
pub fn read_folder(dir: &Path) -> Result<CourseSource, Vec<Problem>> {
    let mut files = Vec::new();
    let mut problems = Vec::new();
    collect(dir, dir, 0, &mut files, &mut problems);
    if !problems.is_empty() {
        return Err(problems);
    }
    CourseSource::new(files)
}

fn collect(
    root: &Path,
    dir: &Path,
    depth: usize,
    files: &mut Vec<(String, Vec<u8>)>,
    problems: &mut Vec<Problem>,
) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        problems.push(Problem::in_file(
            &relative(root, dir),
            "the folder could not be read",
        ));
        return;
    };
    for entry in entries.filter_map(Result::ok) {
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with('.') {
            continue;
        }
        let path = entry.path();
        let relative_path = relative(root, &path);
        // Symbolic links are not followed: a course is exactly the files in its folder.
        let Ok(file_type) = entry.file_type() else {
            continue;
        };
        if file_type.is_dir() {
            if depth < 4 {
                collect(root, &path, depth + 1, files, problems);
            } else {
                problems.push(Problem::in_file(
                    &relative_path,
                    "folders nest too deeply (more than 4 levels)",
                ));
            }
            continue;
        }
        if !file_type.is_file() {
            continue;
        }
        let limit = match file_role(&relative_path) {
            FileRole::Ignored => continue,
            FileRole::Text => MAX_TEXT_FILE,
            FileRole::Asset(_) => MAX_ASSET_FILE,
        };
        let size = entry.metadata().map(|m| m.len()).unwrap_or(0);
        if size > limit as u64 {
            problems.push(Problem::in_file(
                &relative_path,
                format!(
                    "the file is {} KiB; the limit is {} KiB",
                    size.div_ceil(1024),
                    limit / 1024
                ),
            ));
            continue;
        }
        match std::fs::read(&path) {
            Ok(bytes) => files.push((relative_path, bytes)),
            Err(err) => problems.push(Problem::in_file(
                &relative_path,
                format!("the file could not be read: {err}"),
            )),
        }
    }
}

fn relative(root: &Path, path: &Path) -> String {
    path.strip_prefix(root)
        .unwrap_or(path)
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join("/")
}

/// What importing one folder did.
pub enum ImportResult {
    Published {
        id: String,
        version: i32,
    },
    Unchanged {
        id: String,
        version: i32,
    },
    Retired {
        id: String,
    },
    Invalid {
        problems: Vec<String>,
    },
    /// Changed in git and published in the browser since the last import: not imported.
    Conflict {
        id: String,
        version: i32,
    },
}

impl ImportResult {
    /// The sentence for a conflict, saying what to do.
    pub fn conflict_message(id: &str, version: i32) -> String {
        format!(
            "{id} changed in git and was published in the browser (version {version}) since the last import, so git's copy was not published. Download version {version} (Content → the course → the version → Download), merge it with the git copy, commit, and import again."
        )
    }
}

/// Publishes every valid, changed course under `dir`; leaves unchanged and retired ones alone.
pub async fn import_tree(
    db: &DatabaseConnection,
    dir: &Path,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<Vec<(String, ImportResult)>, AppError> {
    // Reading and parsing the tree is file and CPU work: on the blocking pool.
    let folder = dir.to_owned();
    let reports = tokio::task::spawn_blocking(move || check_tree(&folder))
        .await
        .map_err(|err| crate::ssr::internal("reading the content folder", err))?
        .map_err(|err| crate::ssr::internal("reading the content folder", err))?;
    let mut results = Vec::with_capacity(reports.len());
    for report in reports {
        let lines = report.problem_lines();
        let result = match report.result {
            Err(_) => ImportResult::Invalid { problems: lines },
            Ok(course) => {
                let id = course.meta.id.clone();
                match publish(db, &course, actor, Via::Git, now).await? {
                    PublishOutcome::Published { version } => {
                        ImportResult::Published { id, version }
                    }
                    PublishOutcome::Unchanged { version } => {
                        ImportResult::Unchanged { id, version }
                    }
                    PublishOutcome::Retired => ImportResult::Retired { id },
                    PublishOutcome::Conflict { version } => ImportResult::Conflict { id, version },
                }
            }
        };
        results.push((report.folder, result));
    }
    Ok(results)
}
