//! The files of one course folder, with the size limits that keep a bad upload harmless.

use std::collections::BTreeMap;

use super::problem::Problem;

/// Largest Markdown or TOML file.
pub const MAX_TEXT_FILE: usize = 512 * 1024;
/// Largest image.
pub const MAX_ASSET_FILE: usize = 2 * 1024 * 1024;
/// Largest course, all files together.
pub const MAX_COURSE: usize = 10 * 1024 * 1024;
/// Most files in one course.
pub const MAX_FILES: usize = 200;

/// Image types a course may contain, by extension, with their media types.
pub const ASSET_TYPES: &[(&str, &str)] = &[
    ("png", "image/png"),
    ("jpg", "image/jpeg"),
    ("jpeg", "image/jpeg"),
    ("gif", "image/gif"),
    ("webp", "image/webp"),
    ("svg", "image/svg+xml"),
];

/// A course folder's files by relative path (`/`-separated). Only files Vigil uses are kept:
/// Markdown, `course.toml` and images.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CourseSource {
    files: BTreeMap<String, Vec<u8>>,
}

/// What kind of file a path is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FileRole {
    Text,
    Asset(&'static str),
    Ignored,
}

/// Classifies a path by its extension.
pub fn file_role(path: &str) -> FileRole {
    let extension = path
        .rsplit_once('.')
        .map(|(_, ext)| ext.to_ascii_lowercase())
        .unwrap_or_default();
    let translation_toml = path.starts_with("translations/") && path.ends_with("/translation.toml");
    if extension == "md" || path == "course.toml" || translation_toml {
        return FileRole::Text;
    }
    ASSET_TYPES
        .iter()
        .find(|(ext, _)| *ext == extension)
        .map_or(FileRole::Ignored, |(_, media_type)| {
            FileRole::Asset(media_type)
        })
}

impl CourseSource {
    /// Collects files, refusing unsafe paths and anything over the limits. Files Vigil does not
    /// use are skipped. Every problem is reported, not just the first.
    pub fn new(files: impl IntoIterator<Item = (String, Vec<u8>)>) -> Result<Self, Vec<Problem>> {
        let mut kept = BTreeMap::new();
        let mut problems = Vec::new();
        let mut total = 0usize;
        for (raw_path, bytes) in files {
            let path = match normalise_path(&raw_path) {
                Ok(path) => path,
                Err(message) => {
                    problems.push(Problem::in_file(&raw_path, message));
                    continue;
                }
            };
            let limit = match file_role(&path) {
                FileRole::Ignored => continue,
                FileRole::Text => MAX_TEXT_FILE,
                FileRole::Asset(_) => MAX_ASSET_FILE,
            };
            if bytes.len() > limit {
                problems.push(Problem::in_file(
                    &path,
                    format!(
                        "the file is {} KiB; the limit is {} KiB",
                        bytes.len().div_ceil(1024),
                        limit / 1024
                    ),
                ));
                continue;
            }
            total = total.saturating_add(bytes.len());
            if kept.insert(path.clone(), bytes).is_some() {
                problems.push(Problem::in_file(&path, "the file appears twice"));
            }
        }
        if kept.len() > MAX_FILES {
            problems.push(Problem::in_file(
                ".",
                format!(
                    "the course has {} files; the limit is {MAX_FILES}",
                    kept.len()
                ),
            ));
        }
        if total > MAX_COURSE {
            problems.push(Problem::in_file(
                ".",
                format!(
                    "the course is {} MiB; the limit is {} MiB",
                    total.div_ceil(1024 * 1024),
                    MAX_COURSE / (1024 * 1024)
                ),
            ));
        }
        if problems.is_empty() {
            Ok(Self { files: kept })
        } else {
            Err(problems)
        }
    }

    /// The bytes of a file.
    pub fn get(&self, path: &str) -> Option<&[u8]> {
        self.files.get(path).map(Vec::as_slice)
    }

    /// All files, in path order.
    pub fn files(&self) -> impl Iterator<Item = (&str, &[u8])> {
        self.files
            .iter()
            .map(|(path, bytes)| (path.as_str(), bytes.as_slice()))
    }

    /// Paths of the images in the course.
    pub fn asset_paths(&self) -> impl Iterator<Item = &str> {
        self.files
            .keys()
            .map(String::as_str)
            .filter(|path| matches!(file_role(path), FileRole::Asset(_)))
    }

    /// A text file as UTF-8.
    pub fn text(&self, path: &str) -> Option<Result<&str, Problem>> {
        self.get(path).map(|bytes| {
            std::str::from_utf8(bytes).map_err(|err| {
                Problem::in_file(
                    path,
                    format!(
                        "the file is not valid UTF-8 text (first bad byte at offset {})",
                        err.valid_up_to()
                    ),
                )
            })
        })
    }

    /// Replaces or adds a text file (used by the browser editor).
    pub fn with_text(mut self, path: &str, text: &str) -> Self {
        self.files.insert(path.to_owned(), text.as_bytes().to_vec());
        self
    }
}

/// Accepts relative `/`-separated paths without `.` or `..` segments, hidden files or odd bytes.
fn normalise_path(raw: &str) -> Result<String, &'static str> {
    let path = raw.replace('\\', "/");
    let path = path.trim_start_matches("./");
    if path.is_empty() || path.starts_with('/') {
        return Err("the path must be relative to the course folder");
    }
    if path.len() > 200 {
        return Err("the path is longer than 200 characters");
    }
    for segment in path.split('/') {
        if segment.is_empty() || segment == "." || segment == ".." {
            return Err("the path must not contain empty, '.' or '..' parts");
        }
        if segment.starts_with('.') {
            return Err("hidden files are not allowed in a course");
        }
        if segment
            .chars()
            .any(|c| c.is_control() || matches!(c, ':' | '*' | '?' | '"' | '<' | '>' | '|'))
        {
            return Err("the path contains characters that are not allowed in file names");
        }
    }
    Ok(path.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn files(list: &[(&str, usize)]) -> Vec<(String, Vec<u8>)> {
        list.iter()
            .map(|(path, size)| ((*path).to_owned(), vec![b'a'; *size]))
            .collect()
    }

    #[test]
    fn vigil_files_are_kept_and_others_ignored() {
        let source = CourseSource::new(files(&[
            ("course.toml", 3),
            ("01-a.md", 3),
            ("images/x.PNG", 3),
            ("notes.txt", 3),
        ]))
        .unwrap();
        let paths: Vec<_> = source.files().map(|(p, _)| p).collect();
        assert_eq!(paths, ["01-a.md", "course.toml", "images/x.PNG"]);
        assert_eq!(source.asset_paths().collect::<Vec<_>>(), ["images/x.PNG"]);
    }

    #[test]
    fn traversal_absolute_and_hidden_paths_are_refused() {
        let problems = CourseSource::new(files(&[
            ("../x.md", 1),
            ("/etc/a.md", 1),
            (".git/config.md", 1),
            ("a/./b.md", 1),
        ]))
        .unwrap_err();
        assert_eq!(problems.len(), 4);
    }

    #[test]
    fn windows_separators_are_normalised() {
        let source = CourseSource::new(files(&[("images\\x.png", 1)])).unwrap();
        assert!(source.get("images/x.png").is_some());
    }

    #[test]
    fn oversized_files_and_courses_are_refused_with_the_limit() {
        let problems = CourseSource::new(files(&[("01-a.md", MAX_TEXT_FILE + 1)])).unwrap_err();
        assert_eq!(
            problems[0].to_string(),
            "01-a.md: the file is 513 KiB; the limit is 512 KiB"
        );
        let many: Vec<_> = (0..6)
            .map(|i| (format!("i{i}.png"), vec![0u8; MAX_ASSET_FILE]))
            .collect();
        let problems = CourseSource::new(many).unwrap_err();
        assert!(
            problems[0].message.contains("the limit is 10 MiB"),
            "{problems:?}"
        );
    }

    #[test]
    fn non_utf8_text_is_reported() {
        let source =
            CourseSource::new(vec![("01-a.md".to_owned(), vec![b'o', b'k', 0xff])]).unwrap();
        let problem = source.text("01-a.md").unwrap().unwrap_err();
        assert!(
            problem
                .message
                .contains("not valid UTF-8 text (first bad byte at offset 2)")
        );
    }
}
