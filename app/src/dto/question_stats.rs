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
    /// How many languages those attempts were taken in.
    pub languages: usize,
    pub questions: Vec<QuestionRow>,
}
