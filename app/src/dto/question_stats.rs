//! Question analytics for one course version, as shown to compliance administrators.

use serde::{Deserialize, Serialize};

/// One question's figures.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuestionRow {
    /// The question's pool, from 1 in the order of quiz.md.
    pub pool: usize,
    pub prompt: String,
    /// People whose first attempt asked it.
    pub asked: usize,
    /// Whole percent of them who answered it exactly right (`None`: nobody asked yet).
    pub percent_right: Option<u32>,
    /// The wrong option chosen most on first attempts, as sanitized HTML, and how often.
    pub top_wrong: Option<(String, usize)>,
    /// The same figures by the language the attempts were taken in.
    pub by_language: Vec<LanguageFigure>,
}

/// A question's figures in one language.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LanguageFigure {
    /// A BCP 47 tag.
    pub language: String,
    pub asked: usize,
    pub percent_right: Option<u32>,
}

/// A version's questions, weakest first.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuestionStatsView {
    pub slug: String,
    pub title: String,
    pub version: i32,
    /// People whose first attempt at this version is counted.
    pub people: usize,
    pub questions: Vec<QuestionRow>,
}

impl QuestionStatsView {
    /// Whether the attempts counted were taken in more than one language.
    pub fn in_several_languages(&self) -> bool {
        let mut languages = self
            .questions
            .iter()
            .flat_map(|q| q.by_language.iter().map(|f| f.language.as_str()));
        languages
            .next()
            .is_some_and(|first| languages.any(|other| other != first))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stats(languages_per_question: &[&[&str]]) -> QuestionStatsView {
        QuestionStatsView {
            slug: "tiny".into(),
            title: "Tiny".into(),
            version: 1,
            people: 1,
            questions: languages_per_question
                .iter()
                .map(|languages| QuestionRow {
                    pool: 1,
                    prompt: "?".into(),
                    asked: languages.len(),
                    percent_right: Some(100),
                    top_wrong: None,
                    by_language: languages
                        .iter()
                        .map(|language| LanguageFigure {
                            language: (*language).into(),
                            asked: 1,
                            percent_right: Some(100),
                        })
                        .collect(),
                })
                .collect(),
        }
    }

    #[test]
    fn the_language_column_shows_only_when_attempts_differ_in_language() {
        assert!(!stats(&[]).in_several_languages());
        assert!(!stats(&[&["en"], &["en"]]).in_several_languages());
        assert!(stats(&[&["en"], &["de"]]).in_several_languages());
        assert!(stats(&[&["de", "en"]]).in_several_languages());
    }
}
