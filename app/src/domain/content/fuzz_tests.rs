//! Fuzzing parse + render: random Markdown built from fragments that matter to parsers
//! (containers, delimiters, links, tables, HTML, odd bytes), repeated to random lengths. No input
//! may panic, and every one must be refused by the limits or render within the time budget.
//!
//! `make test` runs a bounded number of cases; `make fuzz` runs for `VIGIL_FUZZ_SECONDS`
//! (a seeded generator, so a failure prints the seed and case that reproduce it). Stable Rust
//! cannot link libFuzzer's coverage guidance here; this is a grammar-aware random search.

use std::time::{Duration, Instant};

use super::course::parse_course;
use super::limits;
use super::markdown::{AssetLinks, render_block};
use super::quiz::parse_quiz;
use super::source::CourseSource;

const BUDGET: Duration = Duration::from_secs(10);

struct XorShift(u64);

impl XorShift {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

const FRAGMENTS: &[&str] = &[
    "> ",
    ">",
    "- ",
    "* ",
    "+ ",
    "1. ",
    "2) ",
    "    ",
    "  ",
    "\t",
    "\n",
    "\n\n",
    "# ",
    "###### ",
    "===",
    "---",
    "***",
    "*",
    "**",
    "_",
    "__",
    "~~",
    "`",
    "```",
    "~~~",
    "[",
    "]",
    "(",
    ")",
    "![",
    "](",
    "[x]: /u",
    "[^1]",
    "[^1]: ",
    "<",
    ">",
    "</",
    "<a href=\"javascript:x\">",
    "<!--",
    "-->",
    "<![CDATA[",
    "&",
    "&amp;",
    "&#",
    "&#x",
    "\\",
    "|",
    "| a |",
    "|---|",
    ":-:",
    "- [ ] ",
    "- [x] ",
    "> [!WARNING]",
    "http://",
    "https://e.example/",
    "www.",
    "@",
    "\u{0}",
    "\r",
    "é",
    "🙂",
    "\u{202e}",
    "\u{feff}",
    " ",
    "a",
    "word ",
    "{ask=2}",
    "{.multiple}",
    "{.keep-order}",
];

fn generate(rng: &mut XorShift) -> String {
    let pieces = 1 + rng.below(200);
    let mut text = String::new();
    for _ in 0..pieces {
        let fragment = FRAGMENTS[rng.below(FRAGMENTS.len())];
        // Mostly one, sometimes a run: runs are where parsers go quadratic.
        let times = match rng.below(20) {
            0 => 1 + rng.below(5_000),
            1..=3 => 1 + rng.below(50),
            _ => 1,
        };
        for _ in 0..times {
            text.push_str(fragment);
        }
        if text.len() > 400_000 {
            break;
        }
    }
    text
}

/// Checks one input: no panic, and within the budget.
fn exercise(text: &str) -> Duration {
    let started = Instant::now();
    if limits::check("01-fuzz.md", text).is_empty() {
        let _ = render_block(text, &AssetLinks::none());
        let _ = parse_quiz(text);
    }
    let files = vec![
        ("course.toml".to_owned(), b"id = \"fuzz\"\ntitle = \"F\"\nsummary = \"s\"\nkind = \"course\"\nlanguage = \"en\"\nestimated_minutes = 1\npass_mark = 50\nrecurrence = \"never\"\ndue_within = \"1 day\"\n\n[audience]\neveryone = true\n\n[version]\nnotes = \"n\"\nmaterial = false\n".to_vec()),
        ("01-fuzz.md".to_owned(), text.as_bytes().to_vec()),
        ("quiz.md".to_owned(), text.as_bytes().to_vec()),
    ];
    if let Ok(source) = CourseSource::new(files)
        && let Ok(course) = parse_course(source)
    {
        let _ = super::course::render_course(&course, "/x", &super::variables::Values::new());
    }
    started.elapsed()
}

#[test]
fn random_markdown_never_panics_and_always_finishes_within_budget() {
    let seconds: u64 = std::env::var("VIGIL_FUZZ_SECONDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let seed: u64 = std::env::var("VIGIL_FUZZ_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0x0bad_5eed_f00d_cafe);
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let mut rng = XorShift(seed);
    let (mut cases, mut slowest) = (0_u64, Duration::ZERO);
    loop {
        let case_seed = rng.next();
        let text = generate(&mut XorShift(case_seed | 1));
        let took = exercise(&text);
        assert!(
            took < BUDGET,
            "case seed {case_seed} ({} bytes) took {took:?}",
            text.len()
        );
        slowest = slowest.max(took);
        cases += 1;
        let bounded_run_done = seconds == 0 && cases >= 400;
        if bounded_run_done || (seconds > 0 && Instant::now() >= deadline) {
            break;
        }
    }
    eprintln!("fuzz: {cases} cases from seed {seed}, slowest {slowest:?}, no panic");
}
