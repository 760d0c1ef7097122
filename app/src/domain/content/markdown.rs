//! Markdown to safe HTML: pulldown-cmark renders (CommonMark, tables, task lists, footnotes,
//! strikethrough, callouts), then ammonia removes everything that could run or phone home:
//! scripts, event handlers, `style`, iframes, forms and inputs, and any URL that is not http,
//! https, mailto, an in-page anchor or an image in the course folder.
//!
//! Rendering happens once, at publish; the stored HTML is what readers get.

use std::borrow::Cow;
use std::collections::{BTreeSet, HashSet};

use ammonia::{Builder, UrlRelative};
use pulldown_cmark::{
    BlockQuoteKind, CowStr, Event, Options, Parser, Tag, TagEnd, TextMergeStream, html,
};

use super::variables::{Values, fill};

/// The Markdown extensions Vigil supports in lessons, policies and quiz text.
pub fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_GFM
        | Options::ENABLE_HEADING_ATTRIBUTES
}

/// Where a course's images are served from, and which exist.
#[derive(Clone, Debug)]
pub struct AssetLinks {
    /// URL prefix, e.g. `/course-assets/<hash>`.
    pub base: String,
    pub paths: BTreeSet<String>,
}

impl AssetLinks {
    /// Links for a course with no images (and for tests).
    pub fn none() -> Self {
        Self {
            base: String::new(),
            paths: BTreeSet::new(),
        }
    }
}

/// The label and class of each callout marker.
pub fn callout(kind: BlockQuoteKind) -> (&'static str, &'static str) {
    match kind {
        BlockQuoteKind::Note => ("note", "Note"),
        BlockQuoteKind::Tip => ("tip", "Tip"),
        BlockQuoteKind::Important => ("important", "Remember"),
        BlockQuoteKind::Warning => ("warning", "Warning"),
        BlockQuoteKind::Caution => ("caution", "Red flag"),
    }
}

/// Renders block Markdown (a lesson, a policy, an explanation) to sanitized HTML.
pub fn render_block(markdown: &str, assets: &AssetLinks) -> String {
    render(markdown, assets, None)
}

/// As [`render_block`], with organisation variables filled in as literal text: in text, code,
/// link and image addresses and titles, and raw HTML (which is then sanitized like the rest).
/// A value is never read as Markdown, so it cannot add formatting or links of its own.
pub fn render_block_filled(markdown: &str, assets: &AssetLinks, values: &Values) -> String {
    render(markdown, assets, Some(values))
}

/// As [`render_inline`], with organisation variables filled in.
pub fn render_inline_filled(markdown: &str, assets: &AssetLinks, values: &Values) -> String {
    inline(&render_block_filled(markdown, assets, values))
}

fn fill_str<'a>(text: CowStr<'a>, values: Option<&Values>) -> CowStr<'a> {
    match values {
        Some(values) if text.contains("{{") => CowStr::from(fill(&text, values)),
        _ => text,
    }
}

fn render(markdown: &str, assets: &AssetLinks, values: Option<&Values>) -> String {
    let events = TextMergeStream::new(Parser::new_ext(markdown, options())).map(|event| match event {
        Event::Text(text) => Event::Text(fill_str(text, values)),
        Event::Code(text) => Event::Code(fill_str(text, values)),
        Event::Html(text) => Event::Html(fill_str(text, values)),
        Event::InlineHtml(text) => Event::InlineHtml(fill_str(text, values)),
        Event::Start(Tag::Link { link_type, dest_url, title, id }) => Event::Start(Tag::Link {
            link_type,
            dest_url: fill_str(dest_url, values),
            title: fill_str(title, values),
            id,
        }),
        Event::Start(Tag::Image { link_type, dest_url, title, id }) => Event::Start(Tag::Image {
            link_type,
            dest_url: fill_str(dest_url, values),
            title: fill_str(title, values),
            id,
        }),
        Event::Start(Tag::BlockQuote(Some(kind))) => {
            let (class, label) = callout(kind);
            Event::Html(CowStr::from(format!(r#"<aside class="callout callout-{class}" role="note"><p class="callout-title">{label}</p>"#)))
        }
        Event::End(TagEnd::BlockQuote(Some(_))) => Event::Html(CowStr::Borrowed("</aside>")),
        // A checkbox would be a form control; a glyph says the same without one.
        Event::TaskListMarker(done) => Event::Html(CowStr::Borrowed(if done {
            r#"<span class="task task-done">☑</span> "#
        } else {
            r#"<span class="task">☐</span> "#
        })),
        other => other,
    });
    let mut unsafe_html = String::with_capacity(markdown.len() * 3 / 2);
    html::push_html(&mut unsafe_html, events);
    sanitize(&unsafe_html, assets)
}

/// Renders one line of Markdown (a quiz option) without the surrounding paragraph.
pub fn render_inline(markdown: &str, assets: &AssetLinks) -> String {
    inline(&render_block(markdown, assets))
}

fn inline(block: &str) -> String {
    let trimmed = block.trim();
    match trimmed
        .strip_prefix("<p>")
        .and_then(|rest| rest.strip_suffix("</p>"))
    {
        Some(inner) if !inner.contains("<p>") => inner.to_owned(),
        _ => trimmed.to_owned(),
    }
}

/// Cleans HTML with Vigil's allow-list.
pub fn sanitize(unsafe_html: &str, assets: &AssetLinks) -> String {
    let mut builder = Builder::default();
    builder
        .url_schemes(HashSet::from(["http", "https", "mailto"]))
        .url_relative(UrlRelative::Custom(Box::new(assets.clone())))
        .link_rel(Some("noopener noreferrer"))
        .id_prefix(Some(ID_PREFIX))
        .add_tags(["aside"])
        .add_tag_attributes("aside", ["role"])
        .add_allowed_classes(
            "aside",
            [
                "callout",
                "callout-note",
                "callout-tip",
                "callout-important",
                "callout-warning",
                "callout-caution",
            ],
        )
        .add_allowed_classes("p", ["callout-title"])
        .add_allowed_classes("span", ["task", "task-done"])
        .add_allowed_classes("div", ["footnote-definition"])
        .add_allowed_classes("sup", ["footnote-reference"])
        .add_allowed_classes("span", ["footnote-definition-label"])
        .add_tag_attributes("div", ["id"])
        .add_tag_attributes("li", ["id"])
        .attribute_filter(|element, attribute, value| match (element, attribute) {
            ("aside", "role") => (value == "note").then_some(Cow::Borrowed(value)),
            // Images only from the course itself: an outside image is a tracking pixel.
            ("img", "src") => is_local(value).then_some(Cow::Borrowed(value)),
            _ => Some(Cow::Borrowed(value)),
        });
    builder.clean(unsafe_html).to_string()
}

/// Relative URLs: in-page anchors follow the id prefix; images in the course folder go to the
/// asset route; anything else relative is dropped.
impl ammonia::UrlRelativeEvaluate<'_> for AssetLinks {
    fn evaluate<'url>(&self, url: &'url str) -> Option<Cow<'url, str>> {
        if let Some(fragment) = url.strip_prefix('#') {
            return Some(Cow::Owned(format!("#{ID_PREFIX}{fragment}")));
        }
        let path = url
            .split(['?', '#'])
            .next()
            .unwrap_or_default()
            .trim_start_matches("./");
        self.paths
            .contains(path)
            .then(|| Cow::Owned(format!("{}/{path}", self.base)))
    }
}

/// A URL without a scheme or host, i.e. one that stays on this site.
fn is_local(url: &str) -> bool {
    let trimmed = url.trim();
    !trimmed.starts_with("//")
        && !trimmed.starts_with("\\\\")
        && !trimmed
            .split(['/', '?', '#'])
            .next()
            .unwrap_or_default()
            .contains(':')
}

/// Prefix for ids from author content, so they never clash with Vigil's own.
const ID_PREFIX: &str = "c-";

/// Plain text of inline Markdown (for titles and question prompts).
pub fn plain_text(markdown: &str) -> String {
    let mut text = String::new();
    for event in Parser::new_ext(markdown, options()) {
        match event {
            Event::Text(t) | Event::Code(t) => text.push_str(&t),
            Event::SoftBreak | Event::HardBreak => text.push(' '),
            _ => {}
        }
    }
    text.trim().to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn render(markdown: &str) -> String {
        render_block(markdown, &AssetLinks::none())
    }

    #[test]
    fn commonmark_tables_strikethrough_and_footnotes_render() {
        let html = render(
            "# Title\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n~~old~~ new[^1]\n\n[^1]: A note.\n",
        );
        assert!(html.contains("<h1>Title</h1>"), "{html}");
        assert!(
            html.contains("<table>") && html.contains("<td>1</td>"),
            "{html}"
        );
        assert!(html.contains("<del>old</del>"), "{html}");
        assert!(
            html.contains(r##"href="#c-1""##) && html.contains(r#"id="c-1""#),
            "footnote link and target agree: {html}"
        );
    }

    #[test]
    fn task_lists_render_as_glyphs_not_form_controls() {
        let html = render("- [x] Lock your screen\n- [ ] Report it\n");
        assert!(
            html.contains(r#"<span class="task task-done">☑</span> Lock your screen"#),
            "{html}"
        );
        assert!(
            html.contains(r#"<span class="task">☐</span> Report it"#),
            "{html}"
        );
        assert!(!html.contains("<input"), "{html}");
    }

    #[test]
    fn callouts_render_as_labelled_notes() {
        let html = render("> [!CAUTION]\n> Urgency is a red flag.\n");
        assert!(html.contains(r#"<aside class="callout callout-caution" role="note"><p class="callout-title">Red flag</p>"#), "{html}");
        assert!(html.contains("Urgency is a red flag."), "{html}");
        let plain = render("> Just a quote.\n");
        assert!(plain.contains("<blockquote>"), "{plain}");
    }

    #[test]
    fn images_from_the_course_folder_are_served_from_the_asset_route() {
        let assets = AssetLinks {
            base: "/course-assets/abc".to_owned(),
            paths: BTreeSet::from(["images/fake.png".to_owned()]),
        };
        let html = render_block(
            "![A fake sign-in page](images/fake.png)\n\n![missing](images/none.png)",
            &assets,
        );
        assert!(
            html.contains(r#"src="/course-assets/abc/images/fake.png""#),
            "{html}"
        );
        assert!(html.contains(r#"alt="A fake sign-in page""#), "{html}");
        assert!(
            !html.contains("images/none.png"),
            "unknown relative URLs are dropped: {html}"
        );
    }

    #[test]
    fn external_links_get_noopener() {
        let html = render("[NCSC](https://www.ncsc.gov.uk/)");
        assert!(html.contains(r#"rel="noopener noreferrer""#), "{html}");
    }

    #[test]
    fn inline_rendering_drops_the_paragraph() {
        assert_eq!(
            render_inline("Report it with **Report phishing**", &AssetLinks::none()),
            "Report it with <strong>Report phishing</strong>"
        );
    }

    #[test]
    fn organisation_values_go_in_as_literal_text_everywhere_a_placeholder_can_be() {
        let values: Values = [
            (
                "contacts.security_phone",
                "*x* [y](https://evil.example) <b>",
            ),
            ("contacts.security_email", "security@example.org"),
            ("org.email_domain", "example.org"),
        ]
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
        let html = render_block_filled(
            "Call {{contacts.security_phone}} or [write](mailto:{{contacts.security_email}}).\n\n\
             ```\nTo: you@{{org.email_domain}}\n```\n\n`{{org.email_domain}}` and {{org.name}}.\n",
            &AssetLinks::none(),
            &values,
        );
        // The value is text: its asterisks, brackets and tag are shown, not obeyed.
        assert!(
            html.contains("Call *x* [y](https://evil.example) &lt;b&gt; or"),
            "{html}"
        );
        assert!(
            !html.contains("<em>") && !html.contains("evil.example\""),
            "{html}"
        );
        assert!(
            html.contains(r#"href="mailto:security@example.org""#),
            "{html}"
        );
        assert!(html.contains("To: you@example.org"), "{html}");
        assert!(html.contains("<code>example.org</code>"), "{html}");
        assert!(html.contains("[the organisation's name]"), "{html}");
        // Without values (mail templates), text is left as written.
        assert!(render_block("{{org.name}}", &AssetLinks::none()).contains("{{org.name}}"));
    }

    #[test]
    fn plain_text_strips_markup() {
        assert_eq!(
            plain_text("Use **`ssh -i`** with\na key"),
            "Use ssh -i with a key"
        );
    }

    #[test]
    fn every_callout_kind_has_its_label() {
        for (marker, class, label) in [
            ("NOTE", "note", "Note"),
            ("TIP", "tip", "Tip"),
            ("IMPORTANT", "important", "Remember"),
            ("WARNING", "warning", "Warning"),
            ("CAUTION", "caution", "Red flag"),
        ] {
            let html = render(&format!("> [!{marker}]\n> Text.\n"));
            assert!(
                html.contains(&format!(r#"class="callout callout-{class}""#))
                    && html.contains(&format!(">{label}</p>")),
                "{html}"
            );
        }
    }
}
