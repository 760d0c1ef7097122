//! Reading a course uploaded as a zip, safely: bounded entry count and sizes (a zip bomb stops at
//! the limit), no paths outside the folder, and a single top-level folder stripped.

use std::io::{Cursor, Read};

use crate::domain::content::source::{
    FileRole, MAX_ASSET_FILE, MAX_COURSE, MAX_FILES, MAX_TEXT_FILE, file_role,
};
use crate::domain::content::{CourseSource, Problem};

const UPLOAD: &str = "upload";

/// The course inside a zip archive.
pub fn read_zip(bytes: &[u8]) -> Result<CourseSource, Vec<Problem>> {
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|_| {
        vec![Problem::in_file(
            UPLOAD,
            "the file is not a zip archive; zip the course folder and upload that",
        )]
    })?;
    if archive.len() > MAX_FILES * 5 {
        return Err(vec![Problem::in_file(
            UPLOAD,
            format!(
                "the archive has {} entries; a course has at most {MAX_FILES} files",
                archive.len()
            ),
        )]);
    }
    // Classify files by their path inside the course folder, so find that folder first.
    let names: Vec<String> = (0..archive.len())
        .filter_map(|index| {
            archive
                .by_index(index)
                .ok()
                .filter(|e| !e.is_dir())
                .and_then(|e| e.enclosed_name())
        })
        .map(|path| path.to_string_lossy().replace('\\', "/"))
        .filter(|path| !is_junk(path))
        .collect();
    let prefix = common_folder(&names);
    let mut files = Vec::new();
    let mut problems = Vec::new();
    let mut total = 0usize;
    for index in 0..archive.len() {
        let Ok(mut entry) = archive.by_index(index) else {
            problems.push(Problem::in_file(
                UPLOAD,
                format!("entry {index} of the archive could not be read"),
            ));
            continue;
        };
        if entry.is_dir() {
            continue;
        }
        let Some(path) = entry
            .enclosed_name()
            .map(|p| p.to_string_lossy().replace('\\', "/"))
        else {
            problems.push(Problem::in_file(
                entry.name(),
                "the path points outside the course folder",
            ));
            continue;
        };
        if is_junk(&path) {
            continue;
        }
        let path = path.strip_prefix(&prefix).unwrap_or(&path).to_owned();
        let limit = match file_role(&path) {
            FileRole::Ignored => continue,
            FileRole::Text => MAX_TEXT_FILE,
            FileRole::Asset(_) => MAX_ASSET_FILE,
        };
        let mut content = Vec::new();
        // Trust the bytes, not the declared size: read at most one byte past the limit.
        if entry
            .by_ref()
            .take(limit as u64 + 1)
            .read_to_end(&mut content)
            .is_err()
        {
            problems.push(Problem::in_file(
                &path,
                "the file could not be decompressed",
            ));
            continue;
        }
        if content.len() > limit {
            problems.push(Problem::in_file(
                &path,
                format!("the file is larger than the limit of {} KiB", limit / 1024),
            ));
            continue;
        }
        total += content.len();
        if total > MAX_COURSE {
            return Err(vec![Problem::in_file(
                UPLOAD,
                format!(
                    "the course is larger than the limit of {} MiB",
                    MAX_COURSE / (1024 * 1024)
                ),
            )]);
        }
        files.push((path, content));
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    CourseSource::new(files)
}

/// Hidden files and macOS resource forks.
fn is_junk(path: &str) -> bool {
    path.split('/')
        .any(|segment| segment.starts_with('.') || segment == "__MACOSX")
}

/// `phishing/` when every file is under `phishing/` (a zipped folder), else nothing.
fn common_folder(paths: &[String]) -> String {
    let first = paths
        .first()
        .and_then(|path| path.split_once('/'))
        .map(|(folder, _)| format!("{folder}/"));
    match first {
        Some(prefix) if paths.iter().all(|path| path.starts_with(&prefix)) => prefix,
        _ => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    use zip::write::SimpleFileOptions;

    use super::*;

    fn zip_of(files: &[(&str, &[u8])]) -> Vec<u8> {
        let mut writer = zip::ZipWriter::new(Cursor::new(Vec::new()));
        for (name, bytes) in files {
            writer
                .start_file(*name, SimpleFileOptions::default())
                .unwrap();
            writer.write_all(bytes).unwrap();
        }
        writer.finish().unwrap().into_inner()
    }

    #[test]
    fn a_zipped_folder_is_unwrapped() {
        let source = read_zip(&zip_of(&[
            ("phishing/course.toml", b"x"),
            ("phishing/01-a.md", b"# A"),
            ("__MACOSX/._x", b"junk"),
        ]))
        .unwrap();
        assert_eq!(
            source.files().map(|(p, _)| p).collect::<Vec<_>>(),
            ["01-a.md", "course.toml"]
        );
    }

    #[test]
    fn files_at_the_top_level_are_kept_as_they_are() {
        let source = read_zip(&zip_of(&[("course.toml", b"x"), ("images/a.png", b"p")])).unwrap();
        assert!(source.get("images/a.png").is_some());
    }

    #[test]
    fn something_that_is_not_a_zip_is_refused_clearly() {
        let problems = read_zip(b"%PDF-1.7").unwrap_err();
        assert_eq!(
            problems[0].to_string(),
            "upload: the file is not a zip archive; zip the course folder and upload that"
        );
    }

    #[test]
    fn a_zip_bomb_stops_at_the_limit() {
        let huge = vec![b'a'; MAX_TEXT_FILE + 10];
        let problems = read_zip(&zip_of(&[("01-a.md", &huge)])).unwrap_err();
        assert!(
            problems[0]
                .message
                .contains("larger than the limit of 512 KiB"),
            "{problems:?}"
        );
    }

    #[test]
    fn paths_outside_the_folder_are_refused() {
        let problems = read_zip(&zip_of(&[("../../etc/x.md", b"# X")])).unwrap_err();
        assert!(
            problems[0].message.contains("outside the course folder"),
            "{problems:?}"
        );
    }
}
