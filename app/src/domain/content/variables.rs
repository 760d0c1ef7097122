//! Organisation variables: named placeholders such as `{{contacts.security_email}}` that courses
//! use instead of an organisation's own details. The compliance administrator sets the values
//! (in the browser, or in the configuration); a version is rendered with the values of the day,
//! and records them, so evidence shows exactly what a person read.
//!
//! Values are put in as literal text (never read as Markdown or HTML): see
//! `markdown::render_block_filled`.

use std::collections::{BTreeMap, BTreeSet};

use sha2::{Digest, Sha256};

use super::problem::Problem;

/// What a value must look like.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum VariableKind {
    /// A short line of text.
    Text,
    /// An email address.
    Email,
    /// An `https://` (or `http://`) address.
    Url,
    /// A domain name such as `example.org`.
    Domain,
}

/// One variable a course may use.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Variable {
    pub key: &'static str,
    /// What it is, as a noun phrase; unset values render as `[label]`.
    pub label: &'static str,
    pub kind: VariableKind,
    /// The value the demonstration organisation uses.
    pub demo: &'static str,
}

/// Every variable courses may use, in the order the settings page lists them.
pub const VARIABLES: &[Variable] = &[
    Variable {
        key: "org.name",
        label: "the organisation's name",
        kind: VariableKind::Text,
        demo: "Example Ltd",
    },
    Variable {
        key: "org.email_domain",
        label: "the domain of staff email addresses",
        kind: VariableKind::Domain,
        demo: "company.example",
    },
    Variable {
        key: "contacts.security_email",
        label: "the security team's email address",
        kind: VariableKind::Email,
        demo: "security@company.example",
    },
    Variable {
        key: "contacts.security_phone",
        label: "the security team's phone number",
        kind: VariableKind::Text,
        demo: "extension 4444",
    },
    Variable {
        key: "contacts.service_desk_phone",
        label: "the service desk's phone number",
        kind: VariableKind::Text,
        demo: "extension 2000",
    },
    Variable {
        key: "contacts.dpo_email",
        label: "the data protection officer's email address",
        kind: VariableKind::Email,
        demo: "dpo@company.example",
    },
    Variable {
        key: "policies.url",
        label: "the address of the published policies",
        kind: VariableKind::Url,
        demo: "https://intranet.company.example/policies",
    },
    Variable {
        key: "policies.disclosure_url",
        label: "the address of the vulnerability disclosure page",
        kind: VariableKind::Url,
        demo: "https://www.company.example/security/disclosure",
    },
];

/// Values by key (only known keys, each validated).
pub type Values = BTreeMap<String, String>;

/// Longest value of any kind.
pub const MAX_VALUE: usize = 200;

/// Looks a variable up by key.
pub fn variable(key: &str) -> Option<&'static Variable> {
    VARIABLES.iter().find(|v| v.key == key)
}

/// The demonstration organisation's values.
pub fn demo_values() -> Values {
    VARIABLES
        .iter()
        .map(|v| (v.key.to_owned(), v.demo.to_owned()))
        .collect()
}

/// One `{{ key }}` in a text: the key as written and the byte range of the whole placeholder.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Placeholder<'a> {
    pub key: &'a str,
    pub start: usize,
    pub end: usize,
}

/// Every placeholder in `text`, in order. A `{{` without its `}}` on the same line is text.
pub fn placeholders(text: &str) -> Vec<Placeholder<'_>> {
    let mut found = Vec::new();
    let mut from = 0;
    while let Some(open) = text[from..].find("{{").map(|i| from + i) {
        let inner_start = open + 2;
        let line_end = text[inner_start..]
            .find('\n')
            .map_or(text.len(), |i| inner_start + i);
        let Some(close) = text[inner_start..line_end]
            .find("}}")
            .map(|i| inner_start + i)
        else {
            from = inner_start;
            continue;
        };
        found.push(Placeholder {
            key: text[inner_start..close].trim(),
            start: open,
            end: close + 2,
        });
        from = close + 2;
    }
    found
}

/// The known keys a text uses.
pub fn used_in(text: &str) -> BTreeSet<&'static str> {
    placeholders(text)
        .iter()
        .filter_map(|p| variable(p.key).map(|v| v.key))
        .collect()
}

/// A problem, with its line, for each placeholder that names no known variable.
pub fn check(path: &str, text: &str) -> Vec<Problem> {
    placeholders(text)
        .iter()
        .filter(|p| variable(p.key).is_none())
        .map(|p| {
            let line = text[..p.start].matches('\n').count() + 1;
            Problem::at(
                path,
                line,
                format!(
                    "unknown placeholder {{{{{}}}}}: the organisation variables are {}",
                    p.key,
                    VARIABLES
                        .iter()
                        .map(|v| format!("{{{{{}}}}}", v.key))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            )
        })
        .collect()
}

/// `text` with every known placeholder replaced by its value (unset: `[label]`). Unknown ones
/// are left as they are (publishing refuses them before this is reached).
pub fn fill(text: &str, values: &Values) -> String {
    let found = placeholders(text);
    if found.is_empty() {
        return text.to_owned();
    }
    let mut out = String::with_capacity(text.len() + 32);
    let mut at = 0;
    for placeholder in found {
        let Some(variable) = variable(placeholder.key) else {
            continue;
        };
        out.push_str(&text[at..placeholder.start]);
        match values.get(variable.key) {
            Some(value) => out.push_str(value),
            None => {
                out.push('[');
                out.push_str(variable.label);
                out.push(']');
            }
        }
        at = placeholder.end;
    }
    out.push_str(&text[at..]);
    out
}

/// Each variable in `keys` with its value (`None`: unset, shown as `[label]`): what a version
/// records.
pub fn values_for(keys: &BTreeSet<&str>, values: &Values) -> BTreeMap<String, Option<String>> {
    keys.iter()
        .map(|key| ((*key).to_owned(), values.get(*key).cloned()))
        .collect()
}

/// The hash that identifies a version: the source's own hash when the course uses no
/// variable; otherwise SHA-256 over a domain tag, the source hash, and every used variable as
/// `key NUL value NUL` in key order (unset ones as `key NUL NUL`, with a marker), so that the
/// same files rendered with other details are another version.
pub fn version_hash(source_hash: &str, used: &BTreeSet<&str>, values: &Values) -> String {
    if used.is_empty() {
        return source_hash.to_owned();
    }
    let mut hasher = Sha256::new();
    hasher.update(b"vigil-version-v1\0");
    hasher.update(source_hash.as_bytes());
    hasher.update([0]);
    for key in used {
        hasher.update(key.as_bytes());
        hasher.update([0]);
        match values.get(*key) {
            Some(value) => {
                hasher.update(b"=");
                hasher.update(value.as_bytes());
            }
            None => hasher.update(b"unset"),
        }
        hasher.update([0]);
    }
    hex::encode(hasher.finalize())
}

/// The values after a submission (key → text; empty text unsets), each checked with
/// [`validate`]. A key fixed by the configuration (`fixed`) may only be sent with its configured
/// value. The error is a sentence for the form.
pub fn apply_submitted(
    current: &Values,
    submitted: &BTreeMap<String, String>,
    fixed: &Values,
) -> Result<Values, String> {
    let mut next = current.clone();
    for (key, raw) in submitted {
        let value = validate(key, raw)?;
        if let Some(configured) = fixed.get(key) {
            if value.as_deref() != Some(configured.as_str()) {
                let label = variable(key).map_or(key.as_str(), |v| v.label);
                return Err(format!(
                    "{label} is set in the configuration file (VIGIL_ORGANISATION_FILE); change it there",
                ));
            }
            continue;
        }
        match value {
            Some(value) => next.insert(key.clone(), value),
            None => next.remove(key),
        };
    }
    Ok(next)
}

/// Checks and tidies a value for `key`: trimmed, one line, at most [`MAX_VALUE`] characters, and
/// of its kind. An empty value means "unset". The error is a sentence for the form.
pub fn validate(key: &str, value: &str) -> Result<Option<String>, String> {
    let Some(variable) = variable(key) else {
        return Err(format!("{key} is not an organisation variable"));
    };
    let value = value.trim();
    if value.is_empty() {
        return Ok(None);
    }
    if value.chars().count() > MAX_VALUE {
        return Err(format!(
            "{} is longer than {MAX_VALUE} characters",
            capitalised(variable.label)
        ));
    }
    if value
        .chars()
        .any(|c| c.is_control() || matches!(c, '<' | '>' | '{' | '}'))
    {
        return Err(format!(
            "{} must be one line without <, >, {{ or }}",
            capitalised(variable.label)
        ));
    }
    let ok = match variable.kind {
        VariableKind::Text => true,
        VariableKind::Email => is_email(value),
        VariableKind::Url => is_url(value),
        VariableKind::Domain => is_domain(value),
    };
    if !ok {
        let wanted = match variable.kind {
            VariableKind::Text => "text",
            VariableKind::Email => "an email address such as security@example.org",
            VariableKind::Url => {
                "an address starting with https:// such as https://intranet.example.org/policies"
            }
            VariableKind::Domain => "a domain name such as example.org",
        };
        return Err(format!(
            "{} must be {wanted}; {value:?} is not",
            capitalised(variable.label)
        ));
    }
    Ok(Some(value.to_owned()))
}

/// `label` with a capital first letter, to start a sentence.
pub fn capitalised(label: &str) -> String {
    let mut chars = label.chars();
    chars.next().map_or_else(String::new, |first| {
        first.to_uppercase().chain(chars).collect()
    })
}

fn is_domain(value: &str) -> bool {
    let labels: Vec<&str> = value.split('.').collect();
    value.len() <= 253
        && labels.len() >= 2
        && labels.iter().all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        })
}

fn is_email(value: &str) -> bool {
    match value.rsplit_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && local.len() <= 64
                && !local.contains(char::is_whitespace)
                && !local.contains('@')
                && is_domain(domain)
        }
        None => false,
    }
}

fn is_url(value: &str) -> bool {
    let rest = value
        .strip_prefix("https://")
        .or_else(|| value.strip_prefix("http://"));
    match rest {
        Some(rest) => {
            let host = rest.split(['/', '?', '#']).next().unwrap_or_default();
            let host = host.rsplit_once(':').map_or(host, |(h, port)| {
                if port.chars().all(|c| c.is_ascii_digit()) {
                    h
                } else {
                    host
                }
            });
            is_domain(host) && !rest.contains(char::is_whitespace) && !rest.contains('"')
        }
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values(pairs: &[(&str, &str)]) -> Values {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn a_submission_sets_and_unsets_values_but_never_changes_a_configured_one() {
        let current = values(&[
            ("org.name", "Acme"),
            ("policies.url", "https://acme.example/p"),
        ]);
        let fixed = values(&[("contacts.security_email", "security@acme.example")]);
        let submitted = values(&[
            ("org.name", "  Acme Ltd "),
            ("policies.url", ""),
            ("contacts.security_email", "security@acme.example"),
        ]);
        assert_eq!(
            apply_submitted(&current, &submitted, &fixed),
            Ok(values(&[("org.name", "Acme Ltd")])),
            "trimmed, unset, and the configured value resent unchanged is not stored"
        );
        let changed = values(&[("contacts.security_email", "other@acme.example")]);
        let refused = apply_submitted(&current, &changed, &fixed).unwrap_err();
        assert!(refused.contains("configuration file"), "{refused}");
        let unknown = values(&[("org.nmae", "Acme")]);
        assert!(apply_submitted(&current, &unknown, &fixed).is_err());
    }

    #[test]
    fn placeholders_are_found_with_spaces_and_unknown_ones_reported_with_their_line() {
        let text = "Call {{ contacts.security_phone }}.\n\nMail {{contacts.security_mail}} or {{org.name}}.\n{{ not closed\n";
        let keys: Vec<&str> = placeholders(text).iter().map(|p| p.key).collect();
        assert_eq!(
            keys,
            [
                "contacts.security_phone",
                "contacts.security_mail",
                "org.name"
            ]
        );
        let problems = check("01-a.md", text);
        assert_eq!(problems.len(), 1);
        let line = problems[0].to_string();
        assert!(
            line.starts_with("01-a.md:3: unknown placeholder {{contacts.security_mail}}"),
            "{line}"
        );
        assert!(line.contains("{{contacts.security_email}}"), "{line}");
    }

    #[test]
    fn fill_puts_values_in_and_marks_unset_ones() {
        let v = values(&[("contacts.security_phone", "extension 4444")]);
        assert_eq!(
            fill(
                "Ring {{contacts.security_phone}}, or write to {{contacts.security_email}}.",
                &v
            ),
            "Ring extension 4444, or write to [the security team's email address]."
        );
        assert_eq!(fill("no placeholders", &v), "no placeholders");
    }

    #[test]
    fn the_version_hash_changes_with_used_values_only() {
        let used: BTreeSet<&str> = ["contacts.security_email"].into_iter().collect();
        let a = values(&[("contacts.security_email", "a@example.org")]);
        let b = values(&[("contacts.security_email", "b@example.org")]);
        let with_other = values(&[
            ("contacts.security_email", "a@example.org"),
            ("org.name", "Other"),
        ]);
        assert_eq!(version_hash("abc", &BTreeSet::new(), &a), "abc");
        assert_ne!(
            version_hash("abc", &used, &a),
            version_hash("abc", &used, &b)
        );
        assert_eq!(
            version_hash("abc", &used, &a),
            version_hash("abc", &used, &with_other)
        );
        assert_ne!(
            version_hash("abc", &used, &a),
            version_hash("abc", &used, &Values::new())
        );
        assert_eq!(version_hash("abc", &used, &a).len(), 64);
    }

    #[test]
    fn values_are_checked_by_kind_with_a_sentence_naming_the_variable() {
        assert_eq!(
            validate("contacts.security_email", " security@example.org "),
            Ok(Some("security@example.org".into()))
        );
        assert_eq!(validate("contacts.security_email", ""), Ok(None));
        let err = validate("contacts.security_email", "not an address").unwrap_err();
        assert!(
            err.starts_with("The security team's email address must be an email address"),
            "{err}"
        );
        assert!(validate("policies.url", "javascript:alert(1)").is_err());
        assert!(validate("policies.url", "https://intranet.example.org:8443/p?q=1").is_ok());
        assert!(validate("org.email_domain", "example.org").is_ok());
        assert!(validate("org.email_domain", "-bad-.org").is_err());
        assert!(validate("org.name", "Acme <script>").is_err());
        assert!(validate("org.name", &"x".repeat(201)).is_err());
        assert!(validate("org.nmae", "x").is_err());
    }

    #[test]
    fn every_demo_value_is_valid() {
        for variable in VARIABLES {
            assert_eq!(
                validate(variable.key, variable.demo),
                Ok(Some(variable.demo.to_owned())),
                "{}",
                variable.key
            );
        }
    }
}
