//! Lessons (and policy and bulletin texts): Markdown files that start with a `# Title`.

use std::collections::BTreeSet;

use pulldown_cmark::{Event, HeadingLevel, LinkType, Parser, Tag, TagEnd};

use super::markdown::options;
use super::problem::{LineIndex, Problem};

/// A lesson or document, checked but not yet rendered.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Document {
    pub file: String,
    pub title: String,
    pub markdown: String,
}

/// Whether `file` is named like a lesson: `NN-words.md`.
pub fn is_lesson_file(file: &str) -> bool {
    let Some(stem) = file.strip_suffix(".md") else {
        return false;
    };
    let bytes = stem.as_bytes();
    bytes.len() >= 4
        && bytes[0].is_ascii_digit()
        && bytes[1].is_ascii_digit()
        && bytes[2] == b'-'
        && stem[3..]
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}

/// Checks a Markdown document: it starts with a level-1 heading (its title), its images exist in
/// the course folder, and its links use only web or mail addresses.
pub fn parse_document(
    file: &str,
    markdown: &str,
    assets: &BTreeSet<String>,
) -> Result<Document, Vec<Problem>> {
    let lines = LineIndex::new(markdown);
    let mut problems = Vec::new();
    let mut title: Option<String> = None;
    let mut in_first_heading = false;
    let mut seen_block = false;

    for (event, range) in Parser::new_ext(markdown, options()).into_offset_iter() {
        let line = lines.line(range.start);
        match event {
            Event::Start(Tag::Heading { level, .. }) if !seen_block => {
                seen_block = true;
                if level == HeadingLevel::H1 {
                    in_first_heading = true;
                    title = Some(String::new());
                } else {
                    problems.push(Problem::at(
                        file,
                        line,
                        "start with a level-1 heading (# Title); it is the title people see",
                    ));
                }
            }
            Event::End(TagEnd::Heading(_)) => in_first_heading = false,
            Event::Text(text) | Event::Code(text) if in_first_heading => {
                if let Some(title) = title.as_mut() {
                    title.push_str(&text);
                }
            }
            Event::Start(Tag::Image { dest_url, .. }) => {
                seen_block = true;
                check_image(file, line, &dest_url, assets, &mut problems);
            }
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                ..
            }) => {
                seen_block = true;
                if !matches!(link_type, LinkType::Email) {
                    check_link(file, line, &dest_url, &mut problems);
                }
            }
            Event::Start(_) | Event::Html(_) | Event::Rule if !seen_block => {
                seen_block = true;
                problems.push(Problem::at(
                    file,
                    line,
                    "start with a level-1 heading (# Title); it is the title people see",
                ));
            }
            _ => {}
        }
    }

    let title = title.map(|t| t.trim().to_owned()).unwrap_or_default();
    if !seen_block {
        problems.push(Problem::at(
            file,
            1,
            "the file is empty; write a # Title and the text",
        ));
    } else if title.is_empty() && problems.is_empty() {
        problems.push(Problem::at(file, 1, "the title heading is empty"));
    } else if title.chars().count() > 120 {
        problems.push(Problem::at(
            file,
            1,
            "the title is longer than 120 characters",
        ));
    }
    if problems.is_empty() {
        Ok(Document {
            file: file.to_owned(),
            title,
            markdown: markdown.to_owned(),
        })
    } else {
        Err(problems)
    }
}

fn check_image(
    file: &str,
    line: usize,
    url: &str,
    assets: &BTreeSet<String>,
    problems: &mut Vec<Problem>,
) {
    if has_scheme(url) || url.starts_with('/') {
        problems.push(Problem::at(
            file,
            line,
            format!("image {url:?} is not in the course folder; put the image in the folder and link it by relative path (outside images are blocked)"),
        ));
    } else {
        let path = url
            .split(['?', '#'])
            .next()
            .unwrap_or_default()
            .trim_start_matches("./");
        if !assets.contains(path) {
            problems.push(Problem::at(file, line, format!("image {url:?} is not in the course folder (or is not a png, jpg, gif, webp or svg file)")));
        }
    }
}

fn check_link(file: &str, line: usize, url: &str, problems: &mut Vec<Problem>) {
    // A link may be an organisation variable (`{{policies.url}}`): judged by what it becomes.
    // Values of address kinds are checked when they are set, so the demo values stand for them.
    let filled = super::variables::fill(url, &super::variables::demo_values());
    let lower = filled.trim().to_ascii_lowercase();
    let allowed = lower.starts_with("http://")
        || lower.starts_with("https://")
        || lower.starts_with("mailto:")
        || lower.starts_with('#');
    if !allowed {
        problems.push(Problem::at(
            file,
            line,
            format!("link {url:?} must be a web address (https://…), an email address (mailto:…) or an anchor in the page (#…)"),
        ));
    }
}

fn has_scheme(url: &str) -> bool {
    url.split_once(':').is_some_and(|(scheme, _)| {
        !scheme.is_empty()
            && scheme
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn assets() -> BTreeSet<String> {
        BTreeSet::from(["images/fake.png".to_owned()])
    }

    fn messages(file: &str, markdown: &str) -> Vec<String> {
        parse_document(file, markdown, &assets())
            .unwrap_err()
            .iter()
            .map(ToString::to_string)
            .collect()
    }

    #[test]
    fn the_first_heading_is_the_title() {
        let doc =
            parse_document("01-intro.md", "# Why *you* matter\n\nText.\n", &assets()).unwrap();
        assert_eq!(doc.title, "Why you matter");
    }

    #[test]
    fn a_document_must_start_with_a_level_one_heading() {
        assert_eq!(
            messages("01-a.md", "Intro text\n\n# Title\n"),
            ["01-a.md:1: start with a level-1 heading (# Title); it is the title people see"]
        );
        assert_eq!(
            messages("01-a.md", "\n\n## Title\n"),
            ["01-a.md:3: start with a level-1 heading (# Title); it is the title people see"]
        );
        assert_eq!(
            messages("01-a.md", "   \n"),
            ["01-a.md:1: the file is empty; write a # Title and the text"]
        );
    }

    #[test]
    fn images_must_be_in_the_course_folder() {
        let found = messages(
            "01-a.md",
            "# T\n\n![ok](images/fake.png)\n\n![gone](images/gone.png)\n\n![far](https://tracker.example/p.gif)\n",
        );
        assert_eq!(found.len(), 2, "{found:?}");
        assert!(
            found[0]
                .starts_with("01-a.md:5: image \"images/gone.png\" is not in the course folder")
        );
        assert!(found[1].starts_with(
            "01-a.md:7: image \"https://tracker.example/p.gif\" is not in the course folder"
        ));
    }

    #[test]
    fn script_and_data_links_are_reported() {
        let found = messages(
            "01-a.md",
            "# T\n\n[click](javascript:alert(1)) and [x](data:text/html,hi) and [ok](https://a.example) [m](mailto:a@b.example) [top](#t) [policies]({{policies.url}}) [name]({{org.name}})\n",
        );
        assert_eq!(found.len(), 3, "{found:?}");
        assert!(found[0].contains("link \"javascript:alert(1)\" must be a web address"));
        // A placeholder is judged by what it becomes: an address, or (here) a name.
        assert!(
            found[2].contains("link \"{{org.name}}\" must be a web address"),
            "{found:?}"
        );
    }

    #[test]
    fn lesson_files_are_recognised_by_name() {
        assert!(is_lesson_file("01-why-you-are-a-target.md"));
        assert!(
            !is_lesson_file("1-intro.md")
                && !is_lesson_file("01_intro.md")
                && !is_lesson_file("quiz.md")
                && !is_lesson_file("01-Intro.md")
        );
    }

    #[test]
    fn empty_and_overlong_titles_are_reported() {
        assert_eq!(
            messages("01-a.md", "#\n\nText.\n"),
            ["01-a.md:1: the title heading is empty"]
        );
        let long = format!("# {}\n", "x".repeat(121));
        assert_eq!(
            messages("01-a.md", &long),
            ["01-a.md:1: the title is longer than 120 characters"]
        );
    }
}
