//! The parser never panics: random Markdown-ish input, every prefix of the real curriculum, and
//! deeply nested structures all come back as a course or a list of problems.

use std::path::Path;

use super::lesson::parse_document;
use super::markdown::{AssetLinks, render_block};
use super::metadata::parse_metadata;
use super::quiz::parse_quiz;
use super::{CourseSource, parse_course};

/// A small deterministic generator, so failures reproduce.
struct XorShift(u64);

impl XorShift {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

const PIECES: &[&str] = &[
    "#",
    "## ",
    "# ",
    "- [ ] ",
    "- [x] ",
    "- ",
    "> ",
    "\n",
    "\n\n",
    " ",
    "`",
    "```",
    "*",
    "{",
    "}",
    "{ask=",
    "{.multiple}",
    "=",
    "|",
    "---",
    "[",
    "]",
    "(",
    ")",
    "!",
    "\\",
    "<",
    ">",
    "é",
    "\t",
    "1",
    "2.",
    "[^1]",
    "[^1]: ",
    "> [!TIP]",
    "\r\n",
    "\u{0}",
    "q",
    "x = ",
    "\"",
    "[audience]",
    "[version]",
    "id",
    "kind",
    "0",
    "99999999999999999999",
    "\u{feff}",
    "🙂",
];

fn random_text(rng: &mut XorShift) -> String {
    let length = (rng.next() % 60) as usize;
    (0..length)
        .map(|_| PIECES[(rng.next() % PIECES.len() as u64) as usize])
        .collect()
}

#[test]
fn random_input_never_panics() {
    let mut rng = XorShift(0x5eed_1234_abcd_ef01);
    let assets = Default::default();
    for _ in 0..4000 {
        let text = random_text(&mut rng);
        let _ = parse_quiz(&text);
        let _ = parse_document("01-a.md", &text, &assets);
        let _ = parse_metadata(&text);
        let _ = render_block(&text, &AssetLinks::none());
    }
}

#[test]
fn every_prefix_of_the_real_curriculum_is_handled() {
    let content = Path::new(env!("CARGO_MANIFEST_DIR")).join("../content");
    let mut files = 0;
    for course in std::fs::read_dir(&content).unwrap().flatten() {
        for file in std::fs::read_dir(course.path()).unwrap().flatten() {
            let text = std::fs::read_to_string(file.path()).unwrap_or_default();
            files += 1;
            let name = file.file_name().to_string_lossy().into_owned();
            let mut cut = 0;
            while cut < text.len() {
                if text.is_char_boundary(cut) {
                    let prefix = &text[..cut];
                    if name == "quiz.md" {
                        let _ = parse_quiz(prefix);
                    } else if name == "course.toml" {
                        let _ = parse_metadata(prefix);
                    } else {
                        let _ = parse_document(&name, prefix, &Default::default());
                    }
                }
                cut += 97;
            }
        }
    }
    assert!(files > 30, "the curriculum was found ({files} files)");
}

#[test]
fn deep_nesting_and_huge_numbers_are_handled() {
    let nested_quotes = ">".repeat(5000) + " deep";
    let nested_lists = (0..2000)
        .map(|i| format!("{}- item\n", "  ".repeat(i)))
        .collect::<String>();
    for text in [
        nested_quotes,
        nested_lists,
        "[".repeat(20000),
        "## Q {ask=184467440737095516160}\n".to_owned(),
    ] {
        let _ = parse_quiz(&text);
        let _ = render_block(&text, &AssetLinks::none());
    }
}

#[test]
fn random_file_sets_never_panic() {
    let mut rng = XorShift(0xfeed_beef_0000_0001);
    for _ in 0..300 {
        let names = [
            "course.toml",
            "quiz.md",
            "policy.md",
            "01-a.md",
            "bulletin.md",
            "x.md",
            "images/a.png",
        ];
        let mut files: Vec<(String, Vec<u8>)> = Vec::new();
        for name in names {
            if rng.next().is_multiple_of(2) {
                files.push((name.to_owned(), random_text(&mut rng).into_bytes()));
            }
        }
        if let Ok(source) = CourseSource::new(files) {
            let _ = parse_course(source);
        }
    }
}
