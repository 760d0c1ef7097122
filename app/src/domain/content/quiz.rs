//! `quiz.md`: questions as level-2 headings, options as a task list, the explanation as a block
//! quote, and optional pools as level-1 headings with `{ask=N}`. See docs/authoring.md.

use std::ops::Range;

use pulldown_cmark::{Event, HeadingLevel, Parser, Tag, TagEnd};
use serde::{Deserialize, Serialize};

use super::markdown::{options, plain_text};
use super::problem::{LineIndex, Problem, excerpt};

const FILE: &str = "quiz.md";
/// Most options one question may have.
pub const MAX_OPTIONS: usize = 10;
/// Most questions one quiz may have.
pub const MAX_QUESTIONS: usize = 200;

/// One answer option, as Markdown.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuizOption {
    pub markdown: String,
    pub correct: bool,
}

/// One question.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Question {
    /// The heading text, plain.
    pub prompt: String,
    /// Scenario text between the heading and the options (Markdown, may be empty).
    pub body: String,
    pub options: Vec<QuizOption>,
    /// Check boxes ("select all that apply") rather than radio buttons.
    pub multiple: bool,
    /// Options stay in the written order even when the quiz shuffles options.
    pub keep_order: bool,
    /// Shown after the attempt (Markdown).
    pub explanation: String,
    pub line: usize,
}

/// A set of questions from which `ask` are drawn (all when `None`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pool {
    pub title: Option<String>,
    pub ask: Option<usize>,
    pub questions: Vec<Question>,
}

/// A parsed quiz.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Quiz {
    pub pools: Vec<Pool>,
}

impl Quiz {
    /// How many questions one attempt asks.
    pub fn asked_per_attempt(&self) -> usize {
        self.pools
            .iter()
            .map(|pool| pool.ask.unwrap_or(pool.questions.len()))
            .sum()
    }

    /// Every question, pools in order.
    pub fn questions(&self) -> impl Iterator<Item = &Question> {
        self.pools.iter().flat_map(|pool| pool.questions.iter())
    }
}

/// A top-level block of the quiz file.
enum Block {
    Heading {
        level: HeadingLevel,
        text: String,
        classes: Vec<String>,
        attrs: Vec<(String, Option<String>)>,
    },
    List {
        items: Vec<(Option<bool>, Range<usize>)>,
    },
    Quote,
    Other,
}

/// Where we are inside the current question.
#[derive(PartialEq, Eq)]
enum Stage {
    Body,
    Options,
    Explained,
}

struct Draft {
    question: Question,
    body: Option<Range<usize>>,
    stage: Stage,
    /// Some list items were not task items (already reported).
    bad_items: bool,
}

/// Parses a quiz, reporting every problem with its line.
pub fn parse_quiz(source: &str) -> Result<Quiz, Vec<Problem>> {
    let lines = LineIndex::new(source);
    let mut problems = Vec::new();
    let mut pools = vec![Pool {
        title: None,
        ask: None,
        questions: Vec::new(),
    }];
    let mut pool_lines = vec![1usize];
    let mut current: Option<Draft> = None;

    for (block, range) in top_level_blocks(source) {
        let line = lines.line(range.start);
        match block {
            Block::Heading { level: HeadingLevel::H1, text, classes, attrs } => {
                finish(current.take(), source, &mut pools, &mut problems);
                let title = text.trim().to_owned();
                let ask = parse_pool_attributes(&title, &classes, &attrs, line, &mut problems);
                pools.push(Pool { title: Some(title), ask, questions: Vec::new() });
                pool_lines.push(line);
            }
            Block::Heading { level: HeadingLevel::H2, text, classes, attrs } => {
                finish(current.take(), source, &mut pools, &mut problems);
                let prompt = text.trim().to_owned();
                if prompt.is_empty() {
                    problems.push(Problem::at(FILE, line, "a question heading is empty; write the question after ##"));
                }
                let (multiple, keep_order) = parse_question_attributes(&prompt, &classes, &attrs, line, &mut problems);
                current = Some(Draft {
                    question: Question { prompt, body: String::new(), options: Vec::new(), multiple, keep_order, explanation: String::new(), line },
                    body: None,
                    stage: Stage::Body,
                    bad_items: false,
                });
            }
            other => match current.as_mut() {
                None => problems.push(Problem::at(
                    FILE,
                    line,
                    "text outside a question: start every question with a level-2 heading (## Question?)",
                )),
                Some(draft) => add_to_question(draft, other, range, source, &lines, &mut problems),
            },
        }
    }
    finish(current.take(), source, &mut pools, &mut problems);

    // The implicit first pool exists only if it has questions.
    if pools.first().is_some_and(|pool| pool.questions.is_empty()) {
        pools.remove(0);
        pool_lines.remove(0);
    }
    for (pool, line) in pools.iter().zip(&pool_lines) {
        let title = pool.title.as_deref().unwrap_or_default();
        if pool.questions.is_empty() {
            problems.push(Problem::at(
                FILE,
                *line,
                format!("pool \"{}\" has no questions", excerpt(title)),
            ));
        } else if let Some(ask) = pool.ask.filter(|ask| *ask > pool.questions.len()) {
            problems.push(Problem::at(
                FILE,
                *line,
                format!(
                    "pool \"{}\" asks for {ask} questions but has only {}",
                    excerpt(title),
                    pool.questions.len()
                ),
            ));
        }
    }
    let total: usize = pools.iter().map(|pool| pool.questions.len()).sum();
    if total == 0 && problems.is_empty() {
        problems.push(Problem::at(
            FILE,
            1,
            "the quiz has no questions; start each with a level-2 heading (## Question?)",
        ));
    }
    if total > MAX_QUESTIONS {
        problems.push(Problem::at(
            FILE,
            1,
            format!("the quiz has {total} questions; the limit is {MAX_QUESTIONS}"),
        ));
    }

    if problems.is_empty() {
        Ok(Quiz { pools })
    } else {
        Err(problems)
    }
}

fn add_to_question(
    draft: &mut Draft,
    block: Block,
    range: Range<usize>,
    source: &str,
    lines: &LineIndex,
    problems: &mut Vec<Problem>,
) {
    let line = lines.line(range.start);
    let prompt = excerpt(&draft.question.prompt);
    match (&draft.stage, block) {
        (Stage::Body, Block::List { items }) => {
            draft.stage = Stage::Options;
            for (checked, item_range) in items {
                let item_line = lines.line(item_range.start);
                match checked {
                    Some(correct) => draft.question.options.push(QuizOption { markdown: option_text(&source[item_range]), correct }),
                    None => {
                        draft.bad_items = true;
                        problems.push(Problem::at(
                            FILE,
                            item_line,
                            format!("question \"{prompt}\": an option is not a task-list item; start it with - [ ] or - [x]"),
                        ));
                    }
                }
            }
        }
        (Stage::Body, _) => {
            let start = draft.body.as_ref().map_or(range.start, |body| body.start);
            draft.body = Some(start..range.end);
        }
        (Stage::Options, Block::Quote) => {
            draft.stage = Stage::Explained;
            draft.question.explanation = unquote(&source[range]);
        }
        (Stage::Options, Block::List { .. }) => problems.push(Problem::at(
            FILE,
            line,
            format!("question \"{prompt}\" has a second list of options; put all options in one task list"),
        )),
        (Stage::Options, _) => problems.push(Problem::at(
            FILE,
            line,
            format!("question \"{prompt}\": write the explanation as a block quote (> …) straight after the options"),
        )),
        (Stage::Explained, _) => problems.push(Problem::at(
            FILE,
            line,
            format!("unexpected text after the explanation of question \"{prompt}\"; start the next question with ##"),
        )),
    }
}

fn finish(draft: Option<Draft>, source: &str, pools: &mut [Pool], problems: &mut Vec<Problem>) {
    let Some(Draft {
        mut question,
        body,
        stage,
        bad_items,
    }) = draft
    else {
        return;
    };
    let prompt = excerpt(&question.prompt);
    let line = question.line;
    if let Some(body) = body {
        question.body = source[body].trim().to_owned();
    }
    let correct = question
        .options
        .iter()
        .filter(|option| option.correct)
        .count();
    if stage == Stage::Body {
        problems.push(Problem::at(
            FILE,
            line,
            format!(
                "question \"{prompt}\" has no options; list them as a task list (- [ ] and - [x])"
            ),
        ));
    } else if bad_items {
        // The option list is already reported; counting what is left would only add noise.
    } else if question.options.len() < 2 && !question.options.is_empty() {
        problems.push(Problem::at(
            FILE,
            line,
            format!("question \"{prompt}\" has only one option; give at least two"),
        ));
    } else if question.options.len() > MAX_OPTIONS {
        problems.push(Problem::at(
            FILE,
            line,
            format!(
                "question \"{prompt}\" has {} options; the limit is {MAX_OPTIONS}",
                question.options.len()
            ),
        ));
    } else if correct == 0 && !question.options.is_empty() {
        problems.push(Problem::at(
            FILE,
            line,
            format!("question \"{prompt}\" has no correct option; mark the right ones with - [x]"),
        ));
    }
    if stage == Stage::Options {
        problems.push(Problem::at(
            FILE,
            line,
            format!("question \"{prompt}\" has no explanation; add a block quote (> …) after the options saying why"),
        ));
    }
    if question
        .options
        .iter()
        .any(|option| option.markdown.is_empty())
    {
        problems.push(Problem::at(
            FILE,
            line,
            format!("question \"{prompt}\" has an empty option"),
        ));
    }
    question.multiple = question.multiple || correct > 1;
    if let Some(pool) = pools.last_mut() {
        pool.questions.push(question);
    }
}

fn parse_pool_attributes(
    title: &str,
    classes: &[String],
    attrs: &[(String, Option<String>)],
    line: usize,
    problems: &mut Vec<Problem>,
) -> Option<usize> {
    if title.is_empty() {
        problems.push(Problem::at(
            FILE,
            line,
            "a pool heading is empty; give the pool a title after #",
        ));
    }
    for class in classes {
        problems.push(Problem::at(
            FILE,
            line,
            format!("unknown pool option .{class}; a pool takes only {{ask=N}}"),
        ));
    }
    let mut ask = None;
    for (key, value) in attrs {
        if key != "ask" {
            problems.push(Problem::at(
                FILE,
                line,
                format!("unknown pool option {key}; a pool takes only {{ask=N}}"),
            ));
            continue;
        }
        match value
            .as_deref()
            .and_then(|v| v.parse::<usize>().ok())
            .filter(|n| *n >= 1)
        {
            Some(n) => ask = Some(n),
            None => problems.push(Problem::at(
                FILE,
                line,
                format!(
                    "{{ask={}}}: ask must be a whole number of at least 1",
                    value.as_deref().unwrap_or_default()
                ),
            )),
        }
    }
    ask
}

fn parse_question_attributes(
    prompt: &str,
    classes: &[String],
    attrs: &[(String, Option<String>)],
    line: usize,
    problems: &mut Vec<Problem>,
) -> (bool, bool) {
    let mut multiple = false;
    let mut keep_order = false;
    for class in classes {
        match class.as_str() {
            "multiple" => multiple = true,
            "keep-order" => keep_order = true,
            other => problems.push(Problem::at(
                FILE,
                line,
                format!(
                    "question \"{}\": unknown option .{other}; use .multiple or .keep-order",
                    excerpt(prompt)
                ),
            )),
        }
    }
    for (key, _) in attrs {
        problems.push(Problem::at(
            FILE,
            line,
            format!(
                "question \"{}\": unknown option {key}; use .multiple or .keep-order",
                excerpt(prompt)
            ),
        ));
    }
    (multiple, keep_order)
}

/// Groups the parser's events into top-level blocks with their source ranges.
fn top_level_blocks(source: &str) -> Vec<(Block, Range<usize>)> {
    let mut blocks = Vec::new();
    let mut events = Parser::new_ext(source, options()).into_offset_iter();
    while let Some((event, range)) = events.next() {
        match event {
            Event::Start(Tag::Heading {
                level,
                classes,
                attrs,
                ..
            }) => {
                let mut markdown = String::new();
                let mut depth = 1usize;
                let mut text_start = None;
                for (inner, inner_range) in events.by_ref() {
                    match inner {
                        Event::Start(_) => depth += 1,
                        Event::End(_) => {
                            depth -= 1;
                            if depth == 0 {
                                break;
                            }
                        }
                        _ => {}
                    }
                    text_start.get_or_insert(inner_range.start);
                    if let Some(start) = text_start {
                        markdown = source
                            .get(start..inner_range.end)
                            .unwrap_or_default()
                            .to_owned();
                    }
                }
                blocks.push((
                    Block::Heading {
                        level,
                        text: plain_text(&markdown),
                        classes: classes.iter().map(|c| c.to_string()).collect(),
                        attrs: attrs
                            .iter()
                            .map(|(k, v)| (k.to_string(), v.as_ref().map(|v| v.to_string())))
                            .collect(),
                    },
                    range,
                ));
            }
            Event::Start(Tag::List(_)) => {
                let mut items = Vec::new();
                let mut depth = 1usize;
                for (inner, inner_range) in events.by_ref() {
                    match inner {
                        Event::Start(Tag::Item) if depth == 1 => {
                            items.push((None, inner_range));
                            depth += 1;
                        }
                        Event::TaskListMarker(checked) if depth <= 3 => {
                            if let Some(item) = items.last_mut().filter(|item| item.0.is_none()) {
                                item.0 = Some(checked);
                            }
                        }
                        Event::Start(_) => depth += 1,
                        Event::End(TagEnd::List(_)) if depth == 1 => break,
                        Event::End(_) => depth = depth.saturating_sub(1),
                        _ => {}
                    }
                }
                blocks.push((Block::List { items }, range));
            }
            Event::Start(Tag::BlockQuote(_)) => {
                skip_to_end(&mut events);
                blocks.push((Block::Quote, range));
            }
            Event::Start(_) => {
                skip_to_end(&mut events);
                blocks.push((Block::Other, range));
            }
            // Top-level leaves: rules, raw HTML, stray end events.
            Event::End(_) => {}
            _ => blocks.push((Block::Other, range)),
        }
    }
    blocks
}

fn skip_to_end<'a>(events: &mut impl Iterator<Item = (Event<'a>, Range<usize>)>) {
    let mut depth = 1usize;
    for (event, _) in events.by_ref() {
        match event {
            Event::Start(_) => depth += 1,
            Event::End(_) => {
                depth -= 1;
                if depth == 0 {
                    return;
                }
            }
            _ => {}
        }
    }
}

/// The Markdown of an option: the item without its list and task markers, lines unindented.
fn option_text(item: &str) -> String {
    let mut lines = item.lines();
    let first = lines.next().unwrap_or_default().trim_start();
    let first = first.trim_start_matches(|c: char| {
        c == '-' || c == '*' || c == '+' || c.is_ascii_digit() || c == '.' || c == ')'
    });
    let first = first.trim_start();
    let first = ["[ ]", "[x]", "[X]"]
        .iter()
        .find_map(|marker| first.strip_prefix(marker))
        .unwrap_or(first);
    std::iter::once(first.trim())
        .chain(lines.map(str::trim))
        .filter(|line| !line.is_empty())
        .collect::<Vec<_>>()
        .join("\n")
}

/// The Markdown inside a block quote.
fn unquote(quote: &str) -> String {
    quote
        .lines()
        .map(|line| {
            let line = line.trim_start();
            let line = line.strip_prefix('>').unwrap_or(line);
            line.strip_prefix(' ').unwrap_or(line)
        })
        .collect::<Vec<_>>()
        .join("\n")
        .trim()
        .to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    const QUIZ: &str = "\
## Which is safest?

An email asks you to sign in at a link.

- [ ] Click the link
- [x] Report it
- [ ] Reply to ask

> Reporting lets the security team pull it from every mailbox.

# Spotting phishing {ask=1}

## Which are warning signs? {.multiple}

- [x] Urgency
- [ ] An external sender

> Pressure matters; external mail is normal.

## Pick all that apply

- [x] Pressure
- [x] Mismatched links
- [ ] A logo

> Both are classic signs.

# Reporting

## Pick one {.keep-order}

- [ ] A
- [x] **B**, with `code`
  continued

> Because.
";

    fn messages(quiz: &str) -> Vec<String> {
        parse_quiz(quiz)
            .unwrap_err()
            .iter()
            .map(ToString::to_string)
            .collect()
    }

    #[test]
    fn questions_options_explanations_and_pools_parse() {
        let quiz = parse_quiz(QUIZ).unwrap();
        assert_eq!(quiz.pools.len(), 3);
        assert_eq!(quiz.pools[0].title, None);
        assert_eq!(quiz.pools[0].ask, None);
        let first = &quiz.pools[0].questions[0];
        assert_eq!(first.prompt, "Which is safest?");
        assert_eq!(first.body, "An email asks you to sign in at a link.");
        assert_eq!(
            first
                .options
                .iter()
                .map(|o| (o.markdown.as_str(), o.correct))
                .collect::<Vec<_>>(),
            [
                ("Click the link", false),
                ("Report it", true),
                ("Reply to ask", false)
            ]
        );
        assert_eq!(
            first.explanation,
            "Reporting lets the security team pull it from every mailbox."
        );
        assert!(!first.multiple);
        assert_eq!(first.line, 1);

        assert_eq!(quiz.pools[1].title.as_deref(), Some("Spotting phishing"));
        assert_eq!(quiz.pools[1].ask, Some(1));
        assert!(
            quiz.pools[1].questions[0].multiple,
            "{{.multiple}} forces check boxes with one correct option"
        );
        assert!(
            quiz.pools[1].questions[1].multiple,
            "two correct options make a multiple-choice question"
        );
        assert_eq!(
            quiz.pools[1].questions[0].prompt,
            "Which are warning signs?"
        );

        let last = &quiz.pools[2].questions[0];
        assert!(last.keep_order);
        assert_eq!(last.options[1].markdown, "**B**, with `code`\ncontinued");
        assert_eq!(quiz.asked_per_attempt(), 1 + 1 + 1);
    }

    #[test]
    fn a_question_without_a_correct_option_is_named_with_its_line() {
        let found = messages("## What do you do?\n\n- [ ] Click\n- [ ] Reply\n\n> Neither.\n");
        assert_eq!(
            found,
            [
                "quiz.md:1: question \"What do you do?\" has no correct option; mark the right ones with - [x]"
            ]
        );
    }

    #[test]
    fn missing_options_explanations_and_single_options_are_reported() {
        assert_eq!(
            messages("## Q1?\n\nJust text.\n"),
            [
                "quiz.md:1: question \"Q1?\" has no options; list them as a task list (- [ ] and - [x])"
            ]
        );
        assert_eq!(
            messages("## Q1?\n\n- [x] A\n- [ ] B\n"),
            [
                "quiz.md:1: question \"Q1?\" has no explanation; add a block quote (> …) after the options saying why"
            ]
        );
        assert_eq!(
            messages("## Q1?\n\n- [x] A\n\n> Why.\n"),
            ["quiz.md:1: question \"Q1?\" has only one option; give at least two"]
        );
    }

    #[test]
    fn plain_list_items_are_not_options() {
        assert_eq!(
            messages("## Q1?\n\n- [x] A\n- B\n\n> Why.\n"),
            [
                "quiz.md:4: question \"Q1?\": an option is not a task-list item; start it with - [ ] or - [x]"
            ]
        );
    }

    #[test]
    fn text_in_the_wrong_place_is_reported() {
        assert_eq!(
            messages("Intro.\n\n## Q1?\n\n- [x] A\n- [ ] B\n\n> Why.\n"),
            [
                "quiz.md:1: text outside a question: start every question with a level-2 heading (## Question?)"
            ]
        );
        assert_eq!(
            messages("## Q1?\n\n- [x] A\n- [ ] B\n\nWhy, unquoted.\n"),
            [
                "quiz.md:6: question \"Q1?\": write the explanation as a block quote (> …) straight after the options",
                "quiz.md:1: question \"Q1?\" has no explanation; add a block quote (> …) after the options saying why",
            ]
        );
        assert_eq!(
            messages("## Q1?\n\n- [x] A\n- [ ] B\n\n> Why.\n\nMore.\n"),
            [
                "quiz.md:8: unexpected text after the explanation of question \"Q1?\"; start the next question with ##"
            ]
        );
        assert_eq!(
            messages("## Q1?\n\n- [x] A\n- [ ] B\n\n* [x] C\n* [ ] D\n\n> Why.\n"),
            [
                "quiz.md:6: question \"Q1?\" has a second list of options; put all options in one task list"
            ]
        );
    }

    #[test]
    fn pool_sizes_and_attributes_are_checked() {
        let base = "## Q1?\n\n- [x] A\n- [ ] B\n\n> Why.\n";
        assert_eq!(
            messages(&format!("# Pool {{ask=3}}\n\n{base}")),
            ["quiz.md:1: pool \"Pool\" asks for 3 questions but has only 1"]
        );
        assert_eq!(
            messages(&format!("# Pool {{ask=0}}\n\n{base}")),
            ["quiz.md:1: {ask=0}: ask must be a whole number of at least 1"]
        );
        assert_eq!(
            messages(&format!("# Pool {{take=1}}\n\n{base}")),
            ["quiz.md:1: unknown pool option take; a pool takes only {ask=N}"]
        );
        assert_eq!(
            messages(&format!("# Empty\n\n# Full\n\n{base}")),
            ["quiz.md:1: pool \"Empty\" has no questions"]
        );
        assert_eq!(
            messages("## Q1? {.random}\n\n- [x] A\n- [ ] B\n\n> Why.\n"),
            ["quiz.md:1: question \"Q1?\": unknown option .random; use .multiple or .keep-order"]
        );
    }

    #[test]
    fn an_empty_quiz_is_reported() {
        assert_eq!(
            messages(""),
            [
                "quiz.md:1: the quiz has no questions; start each with a level-2 heading (## Question?)"
            ]
        );
    }

    #[test]
    fn a_blockquote_before_the_options_is_part_of_the_scenario() {
        let quiz = parse_quiz("## What now?\n\n> From: ceo@examp1e.com\n> Pay this today.\n\n- [x] Verify by phone\n- [ ] Pay\n\n> Always verify.\n").unwrap();
        let question = &quiz.pools[0].questions[0];
        assert!(question.body.starts_with("> From: ceo@examp1e.com"));
        assert_eq!(question.explanation, "Always verify.");
    }

    #[test]
    fn code_blocks_with_hash_lines_do_not_start_questions() {
        let quiz = parse_quiz("## What does this do?\n\n```sh\n# comment\n## also a comment\nrm -rf /\n```\n\n- [x] Deletes everything\n- [ ] Nothing\n\n> It deletes everything.\n").unwrap();
        assert_eq!(quiz.pools[0].questions.len(), 1);
        assert!(
            quiz.pools[0].questions[0]
                .body
                .contains("## also a comment")
        );
    }

    #[test]
    fn the_remaining_quiz_problems_have_their_own_messages() {
        let question = "- [x] A\n- [ ] B\n\n> Why.\n";
        let eleven: String = (0..11)
            .map(|i| format!("- [{}] Option {i}\n", if i == 0 { "x" } else { " " }))
            .collect();
        let cases: Vec<(String, &str)> = vec![
            (
                format!("##\n\n{question}"),
                "quiz.md:1: a question heading is empty; write the question after ##",
            ),
            (
                format!("# {{ask=1}}\n\n## Q?\n\n{question}"),
                "quiz.md:1: a pool heading is empty; give the pool a title after #",
            ),
            (
                format!("# Pool {{.random}}\n\n## Q?\n\n{question}"),
                "quiz.md:1: unknown pool option .random; a pool takes only {ask=N}",
            ),
            (
                format!("## Q? {{weight=2}}\n\n{question}"),
                "quiz.md:1: question \"Q?\": unknown option weight; use .multiple or .keep-order",
            ),
            (
                format!("## Q?\n\n{eleven}\n> Why.\n"),
                "quiz.md:1: question \"Q?\" has 11 options; the limit is 10",
            ),
            (
                "## Q?\n\n- [x] A\n- [ ]\n\n> Why.\n".to_owned(),
                "quiz.md:1: question \"Q?\" has an empty option",
            ),
            (
                (0..201)
                    .map(|i| format!("## Q{i}?\n\n{question}\n"))
                    .collect(),
                "quiz.md:1: the quiz has 201 questions; the limit is 200",
            ),
        ];
        for (quiz, expected) in cases {
            let found = messages(&quiz);
            assert!(
                found.iter().any(|p| p == expected),
                "expected {expected:?} in {found:#?}"
            );
        }
    }

    #[test]
    fn long_prompts_are_shortened_in_messages() {
        let prompt = "Which of these statements about the incident reporting process is most accurate and why";
        let found = messages(&format!("## {prompt}\n\n- [ ] A\n- [ ] B\n\n> Why.\n"));
        assert!(
            found[0].contains("\"Which of these statements about the incident reporting…\""),
            "{found:?}"
        );
    }
}
