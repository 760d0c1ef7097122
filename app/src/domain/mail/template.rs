//! Message templates: a subject line and a Markdown body with named `{{variables}}`.
//!
//! A template file starts with `subject: …`, then a blank line, then the body. Each template
//! lists the variables it may use; an unknown one is an error found by the tests, not a blank
//! in somebody's inbox. Rendering gives three things from one template:
//! - the subject, made header-safe (no line breaks, so no injected headers);
//! - the plain-text part: the Markdown with values as they are;
//! - Markdown for the HTML part, with every value escaped so that a name or course title can
//!   never become a link, an image or markup. The caller renders it through the same
//!   pulldown-cmark + ammonia pipeline as course content.

use std::collections::BTreeMap;

use super::header_text;

/// Longest subject Vigil sends.
pub const SUBJECT_MAX: usize = 200;

/// Every template Vigil sends.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum TemplateName {
    Invitation,
    PasswordReset,
    ManagerReminder,
    ScheduledReminder,
    ScheduledOwnTraining,
    ScheduledEscalation,
    ScheduledDigest,
    Test,
}

impl TemplateName {
    /// Every template, in the order the preview page lists them.
    pub const ALL: [Self; 8] = [
        Self::Invitation,
        Self::PasswordReset,
        Self::ManagerReminder,
        Self::ScheduledReminder,
        Self::ScheduledOwnTraining,
        Self::ScheduledEscalation,
        Self::ScheduledDigest,
        Self::Test,
    ];

    /// The id used in URLs and file names.
    pub fn slug(&self) -> &'static str {
        match self {
            Self::Invitation => "invitation",
            Self::PasswordReset => "password-reset",
            Self::ManagerReminder => "manager-reminder",
            Self::ScheduledReminder => "scheduled-reminder",
            Self::ScheduledOwnTraining => "scheduled-own-training",
            Self::ScheduledEscalation => "scheduled-escalation",
            Self::ScheduledDigest => "scheduled-digest",
            Self::Test => "test",
        }
    }

    /// Looks a template up by its slug.
    pub fn from_slug(slug: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|name| name.slug() == slug)
    }

    /// What the template is for.
    pub fn description(&self) -> &'static str {
        match self {
            Self::Invitation => {
                "Sent when a person is added with an invitation, or an invitation is sent again."
            }
            Self::PasswordReset => {
                "Sent when someone asks for a password reset for an address that belongs to an active person."
            }
            Self::ManagerReminder => {
                "Sent when a manager presses “Send reminder” on their team's page."
            }
            Self::ScheduledReminder => {
                "The daily scheduled message. It holds the sections below that apply to the person, so nobody gets more than one a day."
            }
            Self::ScheduledOwnTraining => {
                "Section: the person's own training that was just assigned, is due soon, is due today or is overdue."
            }
            Self::ScheduledEscalation => {
                "Section for managers: reports whose training is overdue past the escalation point."
            }
            Self::ScheduledDigest => {
                "Section for managers, weekly if switched on: the team's training status."
            }
            Self::Test => "Sent by `vigil mail test` to check the mail settings.",
        }
    }

    /// The template's source.
    pub fn source(&self) -> &'static str {
        match self {
            Self::Invitation => include_str!("templates/invitation.md"),
            Self::PasswordReset => include_str!("templates/password-reset.md"),
            Self::ManagerReminder => include_str!("templates/manager-reminder.md"),
            Self::ScheduledReminder => include_str!("templates/scheduled-reminder.md"),
            Self::ScheduledOwnTraining => include_str!("templates/scheduled-own-training.md"),
            Self::ScheduledEscalation => include_str!("templates/scheduled-escalation.md"),
            Self::ScheduledDigest => include_str!("templates/scheduled-digest.md"),
            Self::Test => include_str!("templates/test.md"),
        }
    }

    /// The variables the template may use.
    pub fn variables(&self) -> &'static [&'static str] {
        match self {
            Self::Invitation => &[
                "person.name",
                "inviter.name",
                "links.accept",
                "expires_at",
                "links.home",
            ],
            Self::PasswordReset => &["person.name", "links.reset", "expires_at", "links.home"],
            Self::ManagerReminder => &["person.name", "manager.name", "courses", "links.training"],
            Self::ScheduledReminder => &["person.name", "sections", "links.home"],
            Self::ScheduledOwnTraining => &["courses", "links.training"],
            Self::ScheduledEscalation => &["reports", "links.team"],
            Self::ScheduledDigest => &["summary", "overdue", "links.team"],
            Self::Test => &["sent_at", "links.home"],
        }
    }
}

/// A value put into a template.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Value {
    /// Text from data (a name, a title): escaped in the HTML part, so it stays text.
    Text(String),
    /// A fragment of Markdown that Vigil built itself from escaped parts (a list of courses).
    Markdown(String),
    /// A link Vigil built from `VIGIL_PUBLIC_URL`.
    Link(String),
    /// A fragment Vigil rendered itself from another template or a list: its plain-text form
    /// and its Markdown form (values already escaped).
    Rendered { text: String, markdown: String },
}

impl Value {
    /// A bulleted list whose entries are (plain text, Markdown) pairs; `empty` when there are none.
    pub fn list(entries: &[(String, String)], empty: &str) -> Self {
        if entries.is_empty() {
            return Self::Text(empty.to_owned());
        }
        let lines = |pick: fn(&(String, String)) -> &String| {
            entries
                .iter()
                .map(|entry| format!("- {}", pick(entry)))
                .collect::<Vec<_>>()
                .join("\n")
        };
        Self::Rendered {
            text: lines(|(text, _)| text),
            markdown: lines(|(_, markdown)| markdown),
        }
    }
}

/// Values by variable name.
pub type Vars = BTreeMap<&'static str, Value>;

/// A rendered message, before the HTML part is made.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rendered {
    pub subject: String,
    pub text: String,
    /// Markdown for the HTML part: values escaped.
    pub markdown: String,
}

/// Why a template cannot be rendered.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum TemplateError {
    #[error("{template}: the first line must be `subject: …` followed by a blank line")]
    NoSubject { template: &'static str },
    #[error("{template} line {line}: unknown variable {{{{{name}}}}}; use one of {known}")]
    UnknownVariable {
        template: &'static str,
        line: usize,
        name: String,
        known: String,
    },
    #[error("{template} line {line}: `{{{{` is not closed by `}}}}`")]
    Unclosed { template: &'static str, line: usize },
    #[error("{template}: no value was given for {{{{{name}}}}}")]
    Missing {
        template: &'static str,
        name: String,
    },
}

/// Checks a template: a subject line, and only known variables.
pub fn check(name: TemplateName) -> Result<(), TemplateError> {
    let (subject, body) = split(name)?;
    for (offset, line) in std::iter::once(subject).chain(body.lines()).enumerate() {
        for placeholder in placeholders(name, line, offset + 1)? {
            if !name.variables().contains(&placeholder) {
                return Err(TemplateError::UnknownVariable {
                    template: name.slug(),
                    line: offset + 1,
                    name: placeholder.to_owned(),
                    known: name.variables().join(", "),
                });
            }
        }
    }
    Ok(())
}

/// Renders a template with `vars`; every variable it uses must have a value.
pub fn render(name: TemplateName, vars: &Vars) -> Result<Rendered, TemplateError> {
    check(name)?;
    let (subject, body) = split(name)?;
    let subject = substitute(name, subject, vars, Part::Text)?;
    Ok(Rendered {
        subject: header_text(&subject, SUBJECT_MAX),
        text: substitute(name, body, vars, Part::Text)?,
        markdown: substitute(name, body, vars, Part::Html)?,
    })
}

/// Escapes text so that Markdown shows it literally: every ASCII punctuation character gets a
/// backslash (CommonMark allows that for all of them), and line breaks become spaces.
pub fn escape_markdown(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if c.is_ascii_punctuation() {
            out.push('\\');
            out.push(c);
        } else if c.is_control() {
            out.push(' ');
        } else {
            out.push(c);
        }
    }
    out
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Part {
    Text,
    Html,
}

fn split(name: TemplateName) -> Result<(&'static str, &'static str), TemplateError> {
    let source = name.source();
    let (first, rest) = source.split_once('\n').ok_or(TemplateError::NoSubject {
        template: name.slug(),
    })?;
    let subject = first
        .strip_prefix("subject:")
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .ok_or(TemplateError::NoSubject {
            template: name.slug(),
        })?;
    let body = rest.strip_prefix('\n').ok_or(TemplateError::NoSubject {
        template: name.slug(),
    })?;
    Ok((subject, body))
}

fn placeholders(name: TemplateName, line: &str, number: usize) -> Result<Vec<&str>, TemplateError> {
    let mut found = Vec::new();
    let mut rest = line;
    while let Some(start) = rest.find("{{") {
        let after = &rest[start + 2..];
        let end = after.find("}}").ok_or(TemplateError::Unclosed {
            template: name.slug(),
            line: number,
        })?;
        found.push(after[..end].trim());
        rest = &after[end + 2..];
    }
    Ok(found)
}

fn substitute(
    name: TemplateName,
    source: &str,
    vars: &Vars,
    part: Part,
) -> Result<String, TemplateError> {
    let mut out = String::with_capacity(source.len() * 2);
    let mut rest = source;
    while let Some(start) = rest.find("{{") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        let Some(end) = after.find("}}") else {
            return Err(TemplateError::Unclosed {
                template: name.slug(),
                line: 0,
            });
        };
        let key = after[..end].trim();
        let value = vars.get(key).ok_or_else(|| TemplateError::Missing {
            template: name.slug(),
            name: key.to_owned(),
        })?;
        match (value, part) {
            (Value::Text(text), Part::Text) => {
                out.push_str(&text.replace(|c: char| c.is_control(), " "))
            }
            (Value::Text(text), Part::Html) => out.push_str(&escape_markdown(text)),
            (Value::Markdown(markdown), _) => out.push_str(markdown),
            (Value::Link(link), Part::Text) => out.push_str(link),
            (Value::Link(link), Part::Html) => out.push_str(&link_destination(link)),
            (Value::Rendered { text, .. }, Part::Text) => out.push_str(text),
            (Value::Rendered { markdown, .. }, Part::Html) => out.push_str(markdown),
        }
        rest = &after[end + 2..];
    }
    out.push_str(rest);
    Ok(out)
}

// A link destination that cannot end the Markdown link early or add a title.
fn link_destination(link: &str) -> String {
    link.chars()
        .map(|c| match c {
            ' ' => "%20".to_owned(),
            '(' => "%28".to_owned(),
            ')' => "%29".to_owned(),
            '<' => "%3C".to_owned(),
            '>' => "%3E".to_owned(),
            '"' => "%22".to_owned(),
            c if c.is_control() => String::new(),
            c => c.to_string(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vars(pairs: &[(&'static str, Value)]) -> Vars {
        pairs.iter().cloned().collect()
    }

    #[test]
    fn every_shipped_template_has_a_subject_and_only_known_variables() {
        for name in TemplateName::ALL {
            assert_eq!(check(name), Ok(()), "{name:?}");
            assert_eq!(TemplateName::from_slug(name.slug()), Some(name));
        }
    }

    #[test]
    fn values_are_escaped_in_the_html_part_and_kept_in_the_text_part() {
        let rendered = render(
            TemplateName::PasswordReset,
            &vars(&[
                (
                    "person.name",
                    Value::Text("Eve [click](https://evil.example) <b>".into()),
                ),
                (
                    "links.reset",
                    Value::Link("https://vigil.example/reset-password/abc".into()),
                ),
                ("expires_at", Value::Text("2026-11-30 10:00 UTC".into())),
                ("links.home", Value::Link("https://vigil.example".into())),
            ]),
        )
        .unwrap();
        assert!(
            rendered
                .text
                .contains("Eve [click](https://evil.example) <b>"),
            "{}",
            rendered.text
        );
        assert!(
            rendered
                .markdown
                .contains(r"Eve \[click\]\(https\:\/\/evil\.example\) \<b\>"),
            "{}",
            rendered.markdown
        );
        assert!(
            rendered
                .markdown
                .contains("https://vigil.example/reset-password/abc")
        );
    }

    #[test]
    fn a_line_break_in_a_value_cannot_reach_the_subject() {
        let rendered = render(
            TemplateName::Test,
            &vars(&[
                ("sent_at", Value::Text("now\r\nBcc: all@example.com".into())),
                ("links.home", Value::Link("https://vigil.example".into())),
            ]),
        )
        .unwrap();
        assert!(
            !rendered.subject.contains(['\r', '\n']),
            "{}",
            rendered.subject
        );
    }

    #[test]
    fn a_missing_value_is_an_error_not_a_blank() {
        let err = render(TemplateName::Test, &Vars::new()).unwrap_err();
        assert!(matches!(err, TemplateError::Missing { .. }), "{err}");
    }

    #[test]
    fn lists_keep_text_plain_and_markdown_escaped() {
        let list = Value::list(
            &[
                (
                    "Phishing (due 1 May)".into(),
                    r"**Phishing** \(due 1 May\)".into(),
                ),
                ("Passwords".into(), "**Passwords**".into()),
            ],
            "nothing",
        );
        assert_eq!(
            list,
            Value::Rendered {
                text: "- Phishing (due 1 May)\n- Passwords".into(),
                markdown: "- **Phishing** \\(due 1 May\\)\n- **Passwords**".into(),
            }
        );
        assert_eq!(Value::list(&[], "nothing"), Value::Text("nothing".into()));
    }

    #[test]
    fn links_cannot_break_out_of_their_markdown_link() {
        assert_eq!(
            link_destination("https://x.example/a b)(\"<>"),
            "https://x.example/a%20b%29%28%22%3C%3E"
        );
    }

    #[test]
    fn escaped_text_renders_as_the_same_text() {
        let hostile = "*bold* _it_ [a](b) ![i](j) <script>x</script> `c` # h | t & \\";
        let html = crate::domain::content::markdown::render_inline(
            &escape_markdown(hostile),
            &crate::domain::content::markdown::AssetLinks::none(),
        );
        assert!(
            !html.contains("<a") && !html.contains("<img") && !html.contains("<em"),
            "{html}"
        );
        assert!(!html.contains("<script"), "{html}");
        assert!(html.contains("&lt;script&gt;"), "{html}");
    }
}
