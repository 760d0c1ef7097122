//! Turning a template and its values into a message: a header-safe subject, a plain-text part,
//! and an HTML part rendered through the same pulldown-cmark + ammonia pipeline as courses.

use chrono::{DateTime, NaiveDate, Utc};

use crate::domain::content::markdown::{AssetLinks, render_block};
use crate::domain::mail::MessageKind;
use crate::domain::mail::template::{Rendered, TemplateName, Vars, render};
use crate::error::AppError;
use crate::ssr::db::entities::person;
use crate::ssr::db::outbox::NewMessage;
use crate::ssr::internal;

/// A message ready to queue.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Composed {
    pub subject: String,
    pub text: String,
    pub html: String,
}

/// Renders a whole message.
pub fn compose(name: TemplateName, vars: &Vars) -> Result<Composed, AppError> {
    let rendered = render_template(name, vars)?;
    Ok(Composed {
        html: html_document(&rendered.subject, &body_html(&rendered.markdown)),
        subject: rendered.subject,
        text: rendered.text,
    })
}

/// The sanitized HTML of a rendered template's Markdown (the body of the HTML part).
pub fn body_html(markdown: &str) -> String {
    render_block(markdown, &AssetLinks::none())
}

/// Renders a template whose body is a section of a larger message (its subject is ignored).
pub fn render_template(name: TemplateName, vars: &Vars) -> Result<Rendered, AppError> {
    render(name, vars).map_err(|err| internal("mail template", err))
}

/// The message for a person.
pub fn for_person(
    kind: MessageKind,
    person: &person::Model,
    composed: Composed,
    sent_by: Option<i64>,
) -> NewMessage {
    NewMessage {
        kind,
        person_id: Some(person.id),
        recipient: person.email.clone(),
        course_id: None,
        sent_by,
        subject: composed.subject,
        text_body: composed.text,
        html_body: composed.html,
        dedupe_key: None,
    }
}

/// A date as messages write it: 30 November 2026.
pub fn date(day: NaiveDate) -> String {
    day.format("%-d %B %Y").to_string()
}

/// A time as messages write it: 30 November 2026 at 14:05 UTC.
pub fn date_time(at: DateTime<Utc>) -> String {
    at.format("%-d %B %Y at %H:%M UTC").to_string()
}

// A plain document around the sanitized body. Nothing here comes from data: the subject is
// escaped, the body is ammonia's output.
fn html_document(subject: &str, body: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>{}</title></head>\
         <body style=\"font-family: system-ui, sans-serif; line-height: 1.5; color: #1b1b1b; max-width: 40em;\">\n{body}\n</body></html>\n",
        escape_html(subject)
    )
}

fn escape_html(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::mail::template::Value;

    #[test]
    fn a_hostile_name_stays_text_in_the_html_part() {
        let vars: Vars = [
            (
                "person.name",
                Value::Text("<img src=x onerror=alert(1)> [x](javascript:alert(1))".into()),
            ),
            ("inviter.name", Value::Text("Dana".into())),
            (
                "links.accept",
                Value::Link("https://vigil.example/invite/abc".into()),
            ),
            ("expires_at", Value::Text("7 December 2026".into())),
            ("links.home", Value::Link("https://vigil.example".into())),
        ]
        .into_iter()
        .collect();
        let message = compose(TemplateName::Invitation, &vars).unwrap();
        assert!(!message.html.contains("<img"), "{}", message.html);
        assert!(
            !message.html.contains("href=\"javascript"),
            "{}",
            message.html
        );
        assert!(
            message
                .html
                .contains("href=\"https://vigil.example/invite/abc\""),
            "{}",
            message.html
        );
        assert!(message.text.contains("https://vigil.example/invite/abc"));
        assert!(message.html.starts_with("<!DOCTYPE html>"));
    }
}
