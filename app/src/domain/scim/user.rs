//! A SCIM User as Vigil keeps one: reading a request body into what Vigil stores, and writing the
//! representation back. Only the attributes declared in `schemas.json` are read or written; any
//! other is refused, so nothing a directory sends is silently dropped.

use chrono::{DateTime, SecondsFormat, Utc};
use serde_json::{Map, Value, json};

use super::filter::member;
use super::{ENTERPRISE_SCHEMA, ScimError, ScimType, USER_SCHEMA};

/// Longest text attribute accepted.
pub const MAX_TEXT: usize = 200;

/// A reference to another resource: its id and, when it has one, its display name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reference {
    pub id: String,
    pub display: Option<String>,
}

/// What a request asks Vigil to store about a user.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct UserInput {
    pub external_id: Option<String>,
    pub user_name: String,
    /// `name` as sent (`formatted`, `givenName`, `familyName`).
    pub name: Option<Map<String, Value>>,
    pub display_name: Option<String>,
    pub title: Option<String>,
    /// Absent means active.
    pub active: bool,
    /// `emails` as sent (`value`, `type`, `primary`).
    pub emails: Vec<Map<String, Value>>,
    pub employee_number: Option<String>,
    pub department: Option<String>,
    /// The manager's id.
    pub manager: Option<String>,
    /// `preferredLanguage`: `None` when not sent (the person's own choice stays), `Some(None)`
    /// when sent empty or null (cleared), else the value as sent.
    pub preferred_language: Option<Option<String>>,
}

impl UserInput {
    /// The name Vigil shows: `displayName`, else `name.formatted`, else given and family name,
    /// else the `userName`.
    pub fn shown_name(&self) -> String {
        let part = |key: &str| {
            self.name
                .as_ref()
                .and_then(|name| name.get(key))
                .and_then(Value::as_str)
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
        };
        self.display_name
            .clone()
            .or_else(|| part("formatted"))
            .or_else(|| {
                let joined = [part("givenName"), part("familyName")]
                    .into_iter()
                    .flatten()
                    .collect::<Vec<_>>()
                    .join(" ");
                (!joined.is_empty()).then_some(joined)
            })
            .unwrap_or_else(|| self.user_name.clone())
    }

    /// The address Vigil writes to: the primary email, else a `work` one, else the first, else
    /// the `userName` if it is an address.
    pub fn chosen_email(&self) -> Option<String> {
        let value = |entry: &Map<String, Value>| {
            entry
                .get("value")
                .and_then(Value::as_str)
                .map(str::to_owned)
        };
        let flag =
            |entry: &Map<String, Value>, key: &str, wanted: &Value| entry.get(key) == Some(wanted);
        self.emails
            .iter()
            .find(|e| flag(e, "primary", &json!(true)))
            .or_else(|| self.emails.iter().find(|e| flag(e, "type", &json!("work"))))
            .or_else(|| self.emails.first())
            .and_then(value)
            .or_else(|| self.user_name.contains('@').then(|| self.user_name.clone()))
    }

    /// What Vigil keeps only as sent, as stored JSON.
    pub fn kept_as_sent(&self) -> Value {
        let mut kept = Map::new();
        if let Some(name) = &self.name {
            kept.insert("name".into(), Value::Object(name.clone()));
        }
        if let Some(display) = &self.display_name {
            kept.insert("displayName".into(), json!(display));
        }
        if !self.emails.is_empty() {
            kept.insert(
                "emails".into(),
                Value::Array(self.emails.iter().cloned().map(Value::Object).collect()),
            );
        }
        Value::Object(kept)
    }
}

/// Reads a POST or PUT body (or a patched representation).
pub fn read(body: &Value) -> Result<UserInput, ScimError> {
    let object = body
        .as_object()
        .ok_or_else(|| syntax("The body must be a JSON object."))?;
    check_schemas(object)?;
    let mut input = UserInput {
        active: true,
        ..Default::default()
    };
    for (key, value) in object {
        match key.to_ascii_lowercase().as_str() {
            "schemas" | "id" | "meta" | "groups" => {}
            "externalid" => input.external_id = optional_string(value, "externalId")?,
            "username" => {
                input.user_name = optional_string(value, "userName")?.ok_or_else(|| {
                    ScimError::bad(ScimType::InvalidValue, "\"userName\" is required.")
                })?;
            }
            "name" => {
                input.name =
                    optional_object(value, "name", &["formatted", "givenName", "familyName"])?
            }
            "displayname" => input.display_name = optional_string(value, "displayName")?,
            "title" => input.title = optional_string(value, "title")?,
            "preferredlanguage" => input.preferred_language = Some(language(value)?),
            "active" => input.active = boolean(value, "active")?.unwrap_or(true),
            "emails" => input.emails = emails(value)?,
            _ if key.eq_ignore_ascii_case(ENTERPRISE_SCHEMA) => read_enterprise(value, &mut input)?,
            _ => return Err(unknown(key)),
        }
    }
    if input.user_name.is_empty() {
        return Err(ScimError::bad(
            ScimType::InvalidValue,
            "\"userName\" is required.",
        ));
    }
    Ok(input)
}

fn read_enterprise(value: &Value, input: &mut UserInput) -> Result<(), ScimError> {
    let Some(object) = value.as_object() else {
        if value.is_null() {
            return Ok(());
        }
        return Err(ScimError::bad(
            ScimType::InvalidValue,
            format!("\"{ENTERPRISE_SCHEMA}\" must be an object."),
        ));
    };
    for (key, value) in object {
        match key.to_ascii_lowercase().as_str() {
            // A PATCH of the whole extension carries its own `schemas`.
            "schemas" => {}
            "employeenumber" => input.employee_number = optional_string(value, "employeeNumber")?,
            "department" => input.department = optional_string(value, "department")?,
            "manager" => input.manager = manager_id(value)?,
            _ => return Err(unknown(&format!("{ENTERPRISE_SCHEMA}:{key}"))),
        }
    }
    Ok(())
}

/// `manager.value`, or the last segment of `manager.$ref`.
fn manager_id(value: &Value) -> Result<Option<String>, ScimError> {
    match value {
        Value::Null => Ok(None),
        Value::String(id) => Ok(Some(id.trim().to_owned()).filter(|s| !s.is_empty())),
        Value::Object(object) => {
            for key in object.keys() {
                if !["value", "$ref", "displayName"]
                    .iter()
                    .any(|k| k.eq_ignore_ascii_case(key))
                {
                    return Err(unknown(&format!("{ENTERPRISE_SCHEMA}:manager.{key}")));
                }
            }
            let from_value = optional_string(
                member(value, "value").unwrap_or(&Value::Null),
                "manager.value",
            )?;
            let from_ref = optional_string(
                member(value, "$ref").unwrap_or(&Value::Null),
                "manager.$ref",
            )?
            .and_then(|r| {
                r.trim_end_matches('/')
                    .rsplit('/')
                    .next()
                    .map(str::to_owned)
            });
            Ok(from_value.or(from_ref))
        }
        _ => Err(ScimError::bad(
            ScimType::InvalidValue,
            "\"manager\" must be an object with \"value\".",
        )),
    }
}

/// Longest `preferredLanguage` accepted.
const MAX_LANGUAGE: usize = 100;

/// `preferredLanguage`: a language tag (`de-CH`, `de_CH`) or a list in the form of HTTP
/// `Accept-Language` (`de-CH, de;q=0.9`), which RFC 7643 allows. Kept as sent, so that the
/// directory reads back what it wrote; courses are chosen by its first range that some course is
/// available in. Anything but letters, digits and the list's punctuation is refused.
fn language(value: &Value) -> Result<Option<String>, ScimError> {
    let Some(text) = optional_string(value, "preferredLanguage")? else {
        return Ok(None);
    };
    let allowed = |c: char| c.is_ascii_alphanumeric() || "-_,;=.* ".contains(c);
    if text.len() > MAX_LANGUAGE || !text.chars().all(allowed) {
        return Err(ScimError::bad(
            ScimType::InvalidValue,
            format!(
                "\"preferredLanguage\" must be a language tag such as \"de-CH\", or a list such as \"de-CH, de;q=0.9\" (at most {MAX_LANGUAGE} characters)."
            ),
        ));
    }
    Ok(Some(text))
}

fn emails(value: &Value) -> Result<Vec<Map<String, Value>>, ScimError> {
    let items = match value {
        Value::Null => return Ok(Vec::new()),
        Value::Array(items) => items,
        _ => {
            return Err(ScimError::bad(
                ScimType::InvalidValue,
                "\"emails\" must be a list.",
            ));
        }
    };
    if items.len() > 20 {
        return Err(ScimError::bad(
            ScimType::InvalidValue,
            "At most 20 email addresses.",
        ));
    }
    items
        .iter()
        .map(|item| {
            let entry = optional_object(item, "emails", &["value", "type", "primary"])?
                .ok_or_else(|| {
                    ScimError::bad(ScimType::InvalidValue, "Each email must be an object.")
                })?;
            let address = entry
                .get("value")
                .and_then(Value::as_str)
                .unwrap_or_default();
            crate::domain::email::EmailAddress::parse(address).map_err(|_| {
                ScimError::bad(
                    ScimType::InvalidValue,
                    format!("\"{address}\" is not an email address."),
                )
            })?;
            if entry
                .get("type")
                .is_some_and(|t| !t.is_string() && !t.is_null())
            {
                return Err(ScimError::bad(
                    ScimType::InvalidValue,
                    "\"emails.type\" must be a string.",
                ));
            }
            if entry
                .get("primary")
                .is_some_and(|p| !p.is_boolean() && !p.is_null())
            {
                return Err(ScimError::bad(
                    ScimType::InvalidValue,
                    "\"emails.primary\" must be true or false.",
                ));
            }
            Ok(entry)
        })
        .collect()
}

/// The `schemas` of a body: the core schema, and the extension if present.
pub fn check_schemas(object: &Map<String, Value>) -> Result<(), ScimError> {
    check_schemas_of(object, USER_SCHEMA, &[ENTERPRISE_SCHEMA])
}

/// `schemas` must list `core` and nothing but `core` and `extensions`.
pub fn check_schemas_of(
    object: &Map<String, Value>,
    core: &str,
    extensions: &[&str],
) -> Result<(), ScimError> {
    let schemas = object
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case("schemas"))
        .and_then(|(_, v)| v.as_array())
        .ok_or_else(|| syntax(&format!("\"schemas\" must list \"{core}\".")))?;
    let mut has_core = false;
    for schema in schemas {
        let schema = schema.as_str().unwrap_or_default();
        if schema.eq_ignore_ascii_case(core) {
            has_core = true;
        } else if !extensions.iter().any(|e| e.eq_ignore_ascii_case(schema)) {
            return Err(syntax(&format!(
                "Vigil does not know the schema \"{schema}\"."
            )));
        }
    }
    if !has_core {
        return Err(syntax(&format!("\"schemas\" must list \"{core}\".")));
    }
    Ok(())
}

fn syntax(detail: &str) -> ScimError {
    ScimError::bad(ScimType::InvalidSyntax, detail.to_owned())
}

/// An attribute Vigil does not declare.
pub fn unknown(attribute: &str) -> ScimError {
    ScimError::bad(
        ScimType::InvalidSyntax,
        format!(
            "Vigil does not store the attribute \"{attribute}\" (see /Schemas for what it keeps); remove it from the request or from the directory's attribute mapping."
        ),
    )
}

/// A string attribute, trimmed; empty and null are absent.
pub fn optional_string(value: &Value, attribute: &str) -> Result<Option<String>, ScimError> {
    match value {
        Value::Null => Ok(None),
        Value::String(text) => {
            let text = text.trim();
            if text.chars().count() > MAX_TEXT {
                return Err(ScimError::bad(
                    ScimType::InvalidValue,
                    format!("\"{attribute}\" is longer than {MAX_TEXT} characters."),
                ));
            }
            if text.chars().any(char::is_control) {
                return Err(ScimError::bad(
                    ScimType::InvalidValue,
                    format!("\"{attribute}\" contains control characters."),
                ));
            }
            Ok((!text.is_empty()).then(|| text.to_owned()))
        }
        _ => Err(ScimError::bad(
            ScimType::InvalidValue,
            format!("\"{attribute}\" must be a string."),
        )),
    }
}

/// A boolean; directories that send `"True"` and `"False"` (Microsoft Entra) are understood.
pub fn boolean(value: &Value, attribute: &str) -> Result<Option<bool>, ScimError> {
    match value {
        Value::Null => Ok(None),
        Value::Bool(b) => Ok(Some(*b)),
        Value::String(s) if s.eq_ignore_ascii_case("true") => Ok(Some(true)),
        Value::String(s) if s.eq_ignore_ascii_case("false") => Ok(Some(false)),
        _ => Err(ScimError::bad(
            ScimType::InvalidValue,
            format!("\"{attribute}\" must be true or false."),
        )),
    }
}

/// A complex attribute whose sub-attributes are all among `allowed` (strings or booleans).
fn optional_object(
    value: &Value,
    attribute: &str,
    allowed: &[&str],
) -> Result<Option<Map<String, Value>>, ScimError> {
    let object = match value {
        Value::Null => return Ok(None),
        Value::Object(object) => object,
        _ => {
            return Err(ScimError::bad(
                ScimType::InvalidValue,
                format!("\"{attribute}\" must be an object."),
            ));
        }
    };
    let mut kept = Map::new();
    for (key, value) in object {
        let Some(canonical) = allowed.iter().find(|a| a.eq_ignore_ascii_case(key)) else {
            return Err(unknown(&format!("{attribute}.{key}")));
        };
        match value {
            Value::Null => {}
            Value::String(text) => {
                optional_string(value, &format!("{attribute}.{key}"))?;
                kept.insert((*canonical).to_owned(), json!(text));
            }
            Value::Bool(_) => {
                kept.insert((*canonical).to_owned(), value.clone());
            }
            _ => {
                return Err(ScimError::bad(
                    ScimType::InvalidValue,
                    format!("\"{attribute}.{key}\" must be a string."),
                ));
            }
        }
    }
    Ok(Some(kept))
}

/// What Vigil knows about a user, as the representation shows it.
#[derive(Clone, Debug, PartialEq)]
pub struct UserView {
    pub id: String,
    pub external_id: Option<String>,
    pub user_name: String,
    pub name: Option<Map<String, Value>>,
    pub display_name: Option<String>,
    pub title: Option<String>,
    pub active: bool,
    pub emails: Vec<Map<String, Value>>,
    pub employee_number: Option<String>,
    pub department: Option<String>,
    pub manager: Option<Reference>,
    pub preferred_language: Option<String>,
    pub groups: Vec<Reference>,
    pub created: DateTime<Utc>,
    pub last_modified: DateTime<Utc>,
}

/// RFC 3339 with seconds, as `meta` carries times.
pub fn timestamp(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// The representation, with absolute locations under `base` (`…/scim/v2`).
pub fn to_resource(user: &UserView, base: &str) -> Value {
    let location = format!("{base}/Users/{}", user.id);
    let mut resource = json!({
        "schemas": [USER_SCHEMA],
        "id": user.id,
        "userName": user.user_name,
        "active": user.active,
        "meta": {
            "resourceType": "User",
            "created": timestamp(user.created),
            "lastModified": timestamp(user.last_modified),
            "location": location,
        },
    });
    let put = |resource: &mut Value, key: &str, value: Option<Value>| {
        if let Some(value) = value {
            resource[key] = value;
        }
    };
    put(
        &mut resource,
        "externalId",
        user.external_id.clone().map(Value::String),
    );
    put(
        &mut resource,
        "name",
        user.name
            .clone()
            .filter(|n| !n.is_empty())
            .map(Value::Object),
    );
    put(
        &mut resource,
        "displayName",
        user.display_name.clone().map(Value::String),
    );
    put(
        &mut resource,
        "title",
        user.title.clone().map(Value::String),
    );
    put(
        &mut resource,
        "preferredLanguage",
        user.preferred_language.clone().map(Value::String),
    );
    if !user.emails.is_empty() {
        resource["emails"] = Value::Array(user.emails.iter().cloned().map(Value::Object).collect());
    }
    if !user.groups.is_empty() {
        resource["groups"] = Value::Array(
            user.groups
                .iter()
                .map(|group| {
                    let mut entry =
                        json!({"value": group.id, "$ref": format!("{base}/Groups/{}", group.id)});
                    if let Some(display) = &group.display {
                        entry["display"] = json!(display);
                    }
                    entry
                })
                .collect(),
        );
    }
    let mut enterprise = Map::new();
    if let Some(number) = &user.employee_number {
        enterprise.insert("employeeNumber".into(), json!(number));
    }
    if let Some(department) = &user.department {
        enterprise.insert("department".into(), json!(department));
    }
    if let Some(manager) = &user.manager {
        let mut entry =
            json!({"value": manager.id, "$ref": format!("{base}/Users/{}", manager.id)});
        if let Some(display) = &manager.display {
            entry["displayName"] = json!(display);
        }
        enterprise.insert("manager".into(), entry);
    }
    if !enterprise.is_empty() {
        resource["schemas"] = json!([USER_SCHEMA, ENTERPRISE_SCHEMA]);
        resource[ENTERPRISE_SCHEMA] = Value::Object(enterprise);
    }
    resource
}

/// Which User attributes compare strings exactly in filters.
pub fn case_exact(attribute: &str) -> bool {
    let lower = attribute.to_ascii_lowercase();
    matches!(
        lower.as_str(),
        "id" | "externalid" | "manager.value" | "manager.$ref" | "groups.value"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn full() -> Value {
        json!({
            "schemas": [USER_SCHEMA, ENTERPRISE_SCHEMA],
            "externalId": "E-1",
            "userName": "ann@example.com",
            "name": {"givenName": "Ann", "familyName": "Lee"},
            "title": "Analyst",
            "preferredLanguage": "de-CH, de;q=0.9",
            "active": "False",
            "emails": [{"value": "ann@example.com", "type": "work", "primary": false}],
            ENTERPRISE_SCHEMA: {"department": "Finance", "employeeNumber": "42", "manager": {"value": "m-1", "$ref": "https://x/scim/v2/Users/m-1"}}
        })
    }

    #[test]
    fn a_full_user_is_read_with_entra_style_booleans() {
        let input = read(&full()).expect("reads");
        assert_eq!(input.user_name, "ann@example.com");
        assert!(!input.active);
        assert_eq!(input.shown_name(), "Ann Lee");
        assert_eq!(input.chosen_email().as_deref(), Some("ann@example.com"));
        assert_eq!(input.department.as_deref(), Some("Finance"));
        assert_eq!(input.manager.as_deref(), Some("m-1"));
        assert_eq!(input.emails[0].get("primary"), Some(&json!(false)));
        assert_eq!(
            input.preferred_language,
            Some(Some("de-CH, de;q=0.9".to_owned()))
        );
    }

    #[test]
    fn a_preferred_language_not_sent_is_left_alone_and_one_sent_empty_is_cleared() {
        let body = |language: Option<Value>| {
            let mut body = json!({"schemas": [USER_SCHEMA], "userName": "a"});
            if let Some(language) = language {
                body["preferredLanguage"] = language;
            }
            read(&body).expect("reads").preferred_language
        };
        assert_eq!(body(None), None);
        assert_eq!(body(Some(Value::Null)), Some(None));
        assert_eq!(body(Some(json!(" "))), Some(None));
        assert_eq!(body(Some(json!("en_US"))), Some(Some("en_US".to_owned())));
    }

    #[test]
    fn the_representation_echoes_what_was_kept() {
        let input = read(&full()).expect("reads");
        let view = UserView {
            id: "u-1".into(),
            external_id: input.external_id.clone(),
            user_name: input.user_name.clone(),
            name: input.name.clone(),
            display_name: None,
            title: input.title.clone(),
            active: input.active,
            emails: input.emails.clone(),
            employee_number: input.employee_number.clone(),
            department: input.department.clone(),
            manager: Some(Reference {
                id: "m-1".into(),
                display: None,
            }),
            preferred_language: input.preferred_language.clone().flatten(),
            groups: vec![],
            created: DateTime::<Utc>::UNIX_EPOCH,
            last_modified: DateTime::<Utc>::UNIX_EPOCH,
        };
        let resource = to_resource(&view, "https://x/scim/v2");
        assert_eq!(resource["meta"]["location"], "https://x/scim/v2/Users/u-1");
        assert_eq!(
            resource[ENTERPRISE_SCHEMA]["manager"],
            json!({"value": "m-1", "$ref": "https://x/scim/v2/Users/m-1"})
        );
        assert_eq!(resource["emails"], full()["emails"]);
        assert!(resource.get("displayName").is_none());
        assert_eq!(read(&resource).expect("reads back"), input);
    }

    #[test]
    fn unknown_attributes_and_bad_values_are_refused_with_rfc_types() {
        let cases = [
            (
                json!({"schemas": [USER_SCHEMA], "userName": "a", "nickName": "x"}),
                ScimType::InvalidSyntax,
                "nickName",
            ),
            (
                json!({"schemas": [USER_SCHEMA], "userName": "a", "name": {"middleName": "x"}}),
                ScimType::InvalidSyntax,
                "name.middleName",
            ),
            (
                json!({"schemas": [USER_SCHEMA], "userName": "a", ENTERPRISE_SCHEMA: {"costCenter": "x"}}),
                ScimType::InvalidSyntax,
                "costCenter",
            ),
            (
                json!({"schemas": ["urn:other"], "userName": "a"}),
                ScimType::InvalidSyntax,
                "urn:other",
            ),
            (
                json!({"schemas": [USER_SCHEMA]}),
                ScimType::InvalidValue,
                "userName",
            ),
            (
                json!({"schemas": [USER_SCHEMA], "userName": "a", "active": "maybe"}),
                ScimType::InvalidValue,
                "active",
            ),
            (
                json!({"schemas": [USER_SCHEMA], "userName": "a", "emails": [{"value": "not-an-address"}]}),
                ScimType::InvalidValue,
                "not-an-address",
            ),
            (
                json!({"schemas": [USER_SCHEMA], "userName": "a", "title": 5}),
                ScimType::InvalidValue,
                "title",
            ),
            (
                json!({"schemas": [USER_SCHEMA], "userName": "a", "preferredLanguage": "de\"><script>"}),
                ScimType::InvalidValue,
                "preferredLanguage",
            ),
        ];
        for (body, scim_type, names) in cases {
            let err = read(&body).expect_err(&body.to_string());
            assert_eq!(err.scim_type, Some(scim_type), "{body}");
            assert!(err.detail.contains(names), "{body}: {}", err.detail);
        }
    }
}
