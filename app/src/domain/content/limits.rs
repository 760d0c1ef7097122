//! Limits on the shape of Markdown, so that no text an author uploads can make parsing or
//! rendering slow. Known pathological inputs for CommonMark parsers are deep nesting (block
//! quotes, list markers), long runs of link brackets, emphasis and code delimiters, huge tables,
//! and reference links repeated many times; each has a limit here far above what a lesson needs.
//!
//! The first pass is a plain scan (linear, no parser) that rejects the extreme cases before
//! pulldown-cmark ever sees them; then the parser's events count tables and links exactly; last,
//! the rendered HTML must stay under a size. Every problem names the file and line.

use pulldown_cmark::{Event, Parser, Tag};

use super::markdown::{AssetLinks, options, render_block};
use super::problem::{LineIndex, Problem};

/// Block quotes and list items nested inside each other.
pub const MAX_NESTING: usize = 16;
/// `[` and `]` in one file.
pub const MAX_BRACKETS: usize = 10_000;
/// `*`, `_` and `~` in one file.
pub const MAX_EMPHASIS_MARKS: usize = 20_000;
/// Backticks in one file.
pub const MAX_BACKTICKS: usize = 5_000;
/// `<` in one file (HTML and autolinks).
pub const MAX_ANGLE_BRACKETS: usize = 10_000;
/// `&` in one file (character references).
pub const MAX_AMPERSANDS: usize = 10_000;
/// Columns of one table.
pub const MAX_TABLE_COLUMNS: usize = 32;
/// Cells of one table.
pub const MAX_TABLE_CELLS: usize = 5_000;
/// Links and images in one file.
pub const MAX_LINKS: usize = 1_000;
/// Rendered HTML of one file.
pub const MAX_RENDERED_BYTES: usize = 1024 * 1024;

/// Every limit `text` (the Markdown file `file`) exceeds; empty when it is within all of them.
pub fn check(file: &str, text: &str) -> Vec<Problem> {
    let scan = scan(file, text);
    if !scan.is_empty() {
        return scan;
    }
    let mut problems = structure(file, text);
    if problems.is_empty() {
        let rendered = render_block(text, &AssetLinks::none()).len();
        if rendered > MAX_RENDERED_BYTES {
            problems.push(Problem::in_file(
                file,
                format!(
                    "renders to {} KiB of HTML; the limit is {} KiB: split it into shorter lessons",
                    rendered / 1024,
                    MAX_RENDERED_BYTES / 1024
                ),
            ));
        }
    }
    problems
}

/// The parser-free pass: nesting per line (outside fenced code), and counts of the delimiters
/// parsers struggle with.
fn scan(file: &str, text: &str) -> Vec<Problem> {
    let mut problems = Vec::new();
    let mut fence: Option<&str> = None;
    for (index, line) in text.lines().enumerate() {
        let start = line.trim_start_matches(' ');
        let is_fence = |marker: &str| line.len() - start.len() <= 3 && start.starts_with(marker);
        match fence {
            Some(marker) => {
                if is_fence(marker) {
                    fence = None;
                }
                continue;
            }
            None => {
                if let Some(marker) = ["```", "~~~"].into_iter().find(|m| is_fence(m)) {
                    fence = Some(marker);
                    continue;
                }
            }
        }
        let depth = nesting(line);
        if depth > MAX_NESTING {
            problems.push(Problem::at(
                file,
                index + 1,
                format!("block quotes and lists nested {depth} deep; the limit is {MAX_NESTING}"),
            ));
            break;
        }
    }
    let counts = [
        (
            text.bytes().filter(|b| matches!(b, b'[' | b']')).count(),
            MAX_BRACKETS,
            "[ and ] brackets",
        ),
        (
            text.bytes()
                .filter(|b| matches!(b, b'*' | b'_' | b'~'))
                .count(),
            MAX_EMPHASIS_MARKS,
            "*, _ and ~ marks",
        ),
        (
            text.bytes().filter(|b| *b == b'`').count(),
            MAX_BACKTICKS,
            "backticks",
        ),
        (
            text.bytes().filter(|b| *b == b'<').count(),
            MAX_ANGLE_BRACKETS,
            "< signs",
        ),
        (
            text.bytes().filter(|b| *b == b'&').count(),
            MAX_AMPERSANDS,
            "& signs",
        ),
    ];
    for (count, limit, what) in counts {
        if count > limit {
            let line = first_line_past(text, limit, what);
            problems.push(Problem::at(
                file,
                line,
                format!("{count} {what}; the limit is {limit} in one file: split it"),
            ));
        }
    }
    problems
}

/// How deeply a line nests block quotes and list items: its `>` markers, list markers and
/// indentation (every four columns may open another level).
fn nesting(line: &str) -> usize {
    let mut depth = 0;
    let mut rest = line;
    let mut indent = 0;
    loop {
        let trimmed = rest.trim_start_matches([' ', '\t']);
        indent += rest[..rest.len() - trimmed.len()]
            .chars()
            .map(|c| if c == '\t' { 4 } else { 1 })
            .sum::<usize>();
        rest = trimmed;
        if let Some(after) = rest.strip_prefix('>') {
            depth += 1;
            rest = after;
        } else if let Some(after) = list_marker(rest) {
            depth += 1;
            rest = after;
        } else {
            return depth + indent / 4;
        }
    }
}

/// The rest of the line after a list marker (`-`, `*`, `+`, `1.`, `1)` and a space), if it
/// starts with one.
fn list_marker(text: &str) -> Option<&str> {
    for bullet in ["- ", "* ", "+ "] {
        if let Some(after) = text.strip_prefix(bullet) {
            return Some(after);
        }
    }
    let digits = text.bytes().take_while(u8::is_ascii_digit).count();
    if (1..=9).contains(&digits) {
        let after = &text[digits..];
        for marker in [". ", ") "] {
            if let Some(after) = after.strip_prefix(marker) {
                return Some(after);
            }
        }
    }
    None
}

// The line where the count of `what` first passes `limit`.
fn first_line_past(text: &str, limit: usize, what: &str) -> usize {
    let matches = |b: u8| match what {
        "[ and ] brackets" => matches!(b, b'[' | b']'),
        "*, _ and ~ marks" => matches!(b, b'*' | b'_' | b'~'),
        "backticks" => b == b'`',
        "& signs" => b == b'&',
        _ => b == b'<',
    };
    let mut seen = 0;
    let index = LineIndex::new(text);
    for (offset, byte) in text.bytes().enumerate() {
        if matches(byte) {
            seen += 1;
            if seen > limit {
                return index.line(offset);
            }
        }
    }
    1
}

/// The parser's pass: tables and links, exactly.
fn structure(file: &str, text: &str) -> Vec<Problem> {
    let index = LineIndex::new(text);
    let mut problems = Vec::new();
    let mut links = 0;
    let mut table: Option<(usize, usize, usize)> = None; // (columns, cells, first line)
    for (event, range) in Parser::new_ext(text, options()).into_offset_iter() {
        match event {
            Event::Start(Tag::Table(alignments)) => {
                let line = index.line(range.start);
                if alignments.len() > MAX_TABLE_COLUMNS {
                    problems.push(Problem::at(
                        file,
                        line,
                        format!(
                            "a table with {} columns; the limit is {MAX_TABLE_COLUMNS}",
                            alignments.len()
                        ),
                    ));
                    return problems;
                }
                table = Some((alignments.len(), 0, line));
            }
            Event::Start(Tag::TableCell) => {
                if let Some((columns, cells, line)) = table.as_mut() {
                    *cells += 1;
                    if *cells > MAX_TABLE_CELLS {
                        problems.push(Problem::at(
                            file,
                            *line,
                            format!(
                                "a table of more than {MAX_TABLE_CELLS} cells ({} columns); split it",
                                columns
                            ),
                        ));
                        return problems;
                    }
                }
            }
            Event::Start(Tag::Link { .. } | Tag::Image { .. }) => {
                links += 1;
                if links > MAX_LINKS {
                    problems.push(Problem::at(
                        file,
                        index.line(range.start),
                        format!("more than {MAX_LINKS} links and images in one file; split it"),
                    ));
                    return problems;
                }
            }
            _ => {}
        }
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;

    fn first(text: &str) -> String {
        check("01-lesson.md", text)
            .first()
            .map(ToString::to_string)
            .unwrap_or_default()
    }

    #[test]
    fn ordinary_lessons_are_within_every_limit() {
        let lesson = "# Phishing\n\n> [!TIP]\n> Hover first.\n\n- one\n  - two\n    - three\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n[NCSC](https://www.ncsc.gov.uk/) `code` *em* **strong**\n";
        assert!(check("01-lesson.md", lesson).is_empty());
    }

    #[test]
    fn deep_nesting_is_refused_with_its_line() {
        let quotes = format!("# Title\n\n{} deep\n", ">".repeat(MAX_NESTING + 1));
        assert_eq!(
            first(&quotes),
            format!(
                "01-lesson.md:3: block quotes and lists nested {} deep; the limit is {MAX_NESTING}",
                MAX_NESTING + 1
            )
        );
        let lists = format!("text\n{}x\n", "- ".repeat(40));
        assert!(
            first(&lists).starts_with("01-lesson.md:2: block quotes and lists nested"),
            "{}",
            first(&lists)
        );
        let indented: String = (0..40)
            .map(|i| format!("{}- item\n", "    ".repeat(i)))
            .collect();
        assert!(first(&indented).contains("nested"), "{}", first(&indented));
        let code = format!("```json\n{}\"deep\": 1\n```\n", " ".repeat(120));
        assert_eq!(first(&code), "", "indented code in a fence is not nesting");
    }

    #[test]
    fn floods_of_delimiters_are_refused_with_the_line_they_pass_the_limit() {
        let text = format!("fine\n{}\n", "[ (](".repeat(6000));
        assert!(
            first(&text).starts_with("01-lesson.md:2: 12000 [ and ] brackets"),
            "{}",
            first(&text)
        );
        assert!(first(&"*a".repeat(30_000)).contains("*, _ and ~ marks"));
        assert!(first(&"`".repeat(6_000)).contains("backticks"));
        assert!(first(&"<".repeat(20_000)).contains("< signs"));
    }

    #[test]
    fn big_tables_and_many_links_are_refused() {
        let wide = format!("{}|\n{}|\n", "| a ".repeat(40), "|---".repeat(40));
        assert!(
            first(&wide).contains("a table with 40 columns"),
            "{}",
            first(&wide)
        );
        let long: String = std::iter::once("| a | b |\n|---|---|\n".to_owned())
            .chain((0..3000).map(|i| format!("| {i} | x |\n")))
            .collect();
        assert!(
            first(&long).contains("a table of more than"),
            "{}",
            first(&long)
        );
        let links = "[x](https://a.example) ".repeat(MAX_LINKS + 1);
        assert!(
            first(&links).contains("links and images"),
            "{}",
            first(&links)
        );
    }

    #[test]
    fn text_that_grows_when_escaped_cannot_blow_up_the_html() {
        // Each `>` in text becomes `&gt;`: 400 KB of source would be 1.6 MB of HTML.
        let text = format!("a{}", ">".repeat(400_000));
        assert!(first(&text).contains("renders to"), "{}", first(&text));
        assert!(first(&"&".repeat(20_000)).contains("& signs"));
    }
}
