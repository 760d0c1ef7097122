//! A course's facilitator pack, for the people who teach it in person (managers, instructors):
//! `facilitator/slides.md` (slides separated by lines of `---`), `facilitator/discussion-guide.md`
//! and `facilitator/one-on-one-checklist.md`. Each part is optional; each is checked like a
//! lesson (a `# Title` first, links to the course's own files only).

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use super::lesson::{Document, parse_document};
use super::problem::Problem;

pub const SLIDES_FILE: &str = "facilitator/slides.md";
pub const GUIDE_FILE: &str = "facilitator/discussion-guide.md";
pub const CHECKLIST_FILE: &str = "facilitator/one-on-one-checklist.md";
/// At most this many slides in one deck.
pub const MAX_SLIDES: usize = 60;

/// Whether `path` is in the facilitator folder.
pub fn is_facilitator_file(path: &str) -> bool {
    path.starts_with("facilitator/")
}

/// The parsed pack.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FacilitatorPack {
    pub slides: Vec<Document>,
    pub guide: Option<Document>,
    pub checklist: Option<Document>,
}

impl FacilitatorPack {
    pub fn is_empty(&self) -> bool {
        self.slides.is_empty() && self.guide.is_none() && self.checklist.is_none()
    }
}

/// The pack as stored HTML.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RenderedPack {
    pub slides: Vec<super::course::RenderedDocument>,
    pub guide: Option<super::course::RenderedDocument>,
    pub checklist: Option<super::course::RenderedDocument>,
}

/// Adds one facilitator file to `pack`, or says what is wrong with it.
pub fn add_file(
    pack: &mut FacilitatorPack,
    path: &str,
    text: &str,
    assets: &BTreeSet<String>,
) -> Result<(), Vec<Problem>> {
    match path {
        SLIDES_FILE => {
            pack.slides = parse_slides(text, assets)?;
            Ok(())
        }
        GUIDE_FILE => {
            pack.guide = Some(parse_document(path, text, assets)?);
            Ok(())
        }
        CHECKLIST_FILE => {
            pack.checklist = Some(parse_document(path, text, assets)?);
            Ok(())
        }
        other => Err(vec![Problem::in_file(
            other,
            "not a file Vigil knows: a facilitator pack holds facilitator/slides.md, facilitator/discussion-guide.md and facilitator/one-on-one-checklist.md",
        )]),
    }
}

/// Splits a deck at lines holding only `---` (outside fenced code) and checks each slide,
/// reporting problems at their line in the whole file.
fn parse_slides(text: &str, assets: &BTreeSet<String>) -> Result<Vec<Document>, Vec<Problem>> {
    let mut slides = Vec::new();
    let mut problems = Vec::new();
    for (first_line, chunk) in split_slides(text) {
        if chunk.trim().is_empty() {
            problems.push(Problem::at(
                SLIDES_FILE,
                first_line,
                "an empty slide: remove one of the --- lines",
            ));
            continue;
        }
        match parse_document(SLIDES_FILE, &chunk, assets) {
            Ok(slide) => slides.push(slide),
            Err(found) => problems.extend(found.into_iter().map(|p| Problem {
                line: p.line.map(|line| line + first_line - 1),
                ..p
            })),
        }
    }
    if slides.len() > MAX_SLIDES {
        problems.push(Problem::in_file(
            SLIDES_FILE,
            format!("{} slides; a deck holds at most {MAX_SLIDES}", slides.len()),
        ));
    }
    if problems.is_empty() {
        Ok(slides)
    } else {
        Err(problems)
    }
}

/// Each slide's text with the 1-based line it starts on.
fn split_slides(text: &str) -> Vec<(usize, String)> {
    let mut slides = Vec::new();
    let mut current = String::new();
    let mut start = 1;
    let mut fence: Option<&str> = None;
    for (index, line) in text.lines().enumerate() {
        let trimmed = line.trim();
        if let Some(open) = fence {
            if trimmed.starts_with(open) {
                fence = None;
            }
        } else if trimmed.starts_with("```") {
            fence = Some("```");
        } else if trimmed.starts_with("~~~") {
            fence = Some("~~~");
        } else if trimmed == "---" {
            slides.push((start, std::mem::take(&mut current)));
            start = index + 2;
            continue;
        }
        current.push_str(line);
        current.push('\n');
    }
    slides.push((start, current));
    // Leading blank lines of a slide are not part of it, for the heading check.
    slides
        .into_iter()
        .map(|(start, text)| {
            let skipped = text.lines().take_while(|l| l.trim().is_empty()).count();
            let rest: String = text.lines().skip(skipped).fold(String::new(), |mut s, l| {
                s.push_str(l);
                s.push('\n');
                s
            });
            (start + skipped, rest)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Vec<Document>, Vec<String>> {
        parse_slides(text, &BTreeSet::new())
            .map_err(|found| found.iter().map(ToString::to_string).collect())
    }

    #[test]
    fn a_deck_splits_at_rule_lines_but_not_inside_code() {
        let deck = "# One\n\n- a\n\n---\n\n# Two\n\n```\n---\n```\n\n---\n# Three\n";
        let slides = parse(deck).unwrap();
        let titles: Vec<&str> = slides.iter().map(|s| s.title.as_str()).collect();
        assert_eq!(titles, ["One", "Two", "Three"]);
        assert!(slides[1].markdown.contains("---"), "kept inside the fence");
    }

    #[test]
    fn problems_name_their_line_in_the_whole_file() {
        let found =
            parse("# One\n\ntext\n\n---\n\n## Not a title\n\n---\n\n---\n# Four\n").unwrap_err();
        assert_eq!(found.len(), 2, "{found:?}");
        assert!(
            found[0].starts_with("facilitator/slides.md:7: start with a level-1 heading"),
            "{found:?}"
        );
        assert!(
            found[1].starts_with("facilitator/slides.md:11: an empty slide"),
            "{found:?}"
        );
    }

    #[test]
    fn only_the_three_known_files_are_accepted() {
        let mut pack = FacilitatorPack::default();
        let refused =
            add_file(&mut pack, "facilitator/notes.md", "# N\n", &BTreeSet::new()).unwrap_err();
        assert!(refused[0].message.contains("facilitator/slides.md"));
        add_file(
            &mut pack,
            GUIDE_FILE,
            "# Guide\n\nTalk.\n",
            &BTreeSet::new(),
        )
        .unwrap();
        assert_eq!(pack.guide.as_ref().unwrap().title, "Guide");
        assert!(!pack.is_empty());
    }
}
