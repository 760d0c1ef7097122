//! A validation problem, named by file and line so an author can go straight to it.

/// One thing wrong with a course folder.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    /// Path inside the course folder, e.g. `quiz.md`.
    pub file: String,
    /// 1-based line, when the problem has one.
    pub line: Option<usize>,
    pub message: String,
}

impl Problem {
    /// A problem at a line of a file.
    pub fn at(file: &str, line: usize, message: impl Into<String>) -> Self {
        Self {
            file: file.to_owned(),
            line: Some(line),
            message: message.into(),
        }
    }

    /// A problem with a whole file (or a missing one).
    pub fn in_file(file: &str, message: impl Into<String>) -> Self {
        Self {
            file: file.to_owned(),
            line: None,
            message: message.into(),
        }
    }
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.line {
            Some(line) => write!(f, "{}:{}: {}", self.file, line, self.message),
            None => write!(f, "{}: {}", self.file, self.message),
        }
    }
}

/// Maps byte offsets in a text to 1-based line numbers.
pub struct LineIndex {
    starts: Vec<usize>,
}

impl LineIndex {
    /// Indexes `text`.
    pub fn new(text: &str) -> Self {
        let starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        Self { starts }
    }

    /// The line holding byte `offset`.
    pub fn line(&self, offset: usize) -> usize {
        match self.starts.binary_search(&offset) {
            Ok(exact) => exact + 1,
            Err(next) => next,
        }
    }
}

/// Shortens a question or title for a message, at a word boundary where there is one.
pub fn excerpt(text: &str) -> String {
    const MAX: usize = 60;
    let trimmed = text.trim();
    if trimmed.chars().count() <= MAX {
        return trimmed.to_owned();
    }
    let cut: String = trimmed.chars().take(MAX).collect();
    let at_word = match cut.rfind(char::is_whitespace) {
        Some(space) if space > MAX / 2 => &cut[..space],
        _ => cut.as_str(),
    };
    format!("{}…", at_word.trim_end())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn problems_print_as_file_line_message() {
        assert_eq!(
            Problem::at("quiz.md", 14, "no correct option").to_string(),
            "quiz.md:14: no correct option"
        );
        assert_eq!(
            Problem::in_file("course.toml", "missing").to_string(),
            "course.toml: missing"
        );
    }

    #[test]
    fn offsets_map_to_lines() {
        let index = LineIndex::new("a\nbc\n\nd");
        assert_eq!(
            [0, 1, 2, 4, 5, 6].map(|o| index.line(o)),
            [1, 1, 2, 2, 3, 4]
        );
    }

    #[test]
    fn long_text_is_shortened_on_a_character_boundary() {
        let long = "é".repeat(100);
        let short = excerpt(&long);
        assert_eq!(short.chars().count(), 61);
        assert!(short.ends_with('…'));
    }

    #[test]
    fn long_text_is_shortened_at_a_word_where_possible() {
        assert_eq!(
            excerpt(&"words ".repeat(20)),
            "words words words words words words words words words words…"
        );
    }
}
