//! PATCH (RFC 7644 §3.5.2) applied to a resource's JSON. The result is then read back as a whole
//! resource and checked like a replacement, so a PATCH can never store what a PUT could not.

use serde_json::{Map, Value};

use super::filter::{AttrPath, Filter, member};
use super::{PATCH_SCHEMA, ScimError, ScimType};

/// Most operations in one request.
pub const MAX_OPERATIONS: usize = 1_000;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Add,
    Replace,
    Remove,
}

/// `attr[.sub]`, `attr[filter][.sub]`, or a whole extension (`urn:…:User`).
#[derive(Clone, Debug, PartialEq)]
pub struct Path {
    pub attr: AttrPath,
    pub filter: Option<Filter>,
    /// The sub-attribute after a value filter: `emails[type eq "work"].value`.
    pub sub: Option<String>,
    /// The path is an extension schema's URN itself.
    pub whole_extension: bool,
}

impl Path {
    /// Parses a path; `extensions` are the extension URNs the resource may hold.
    pub fn parse(raw: &str, extensions: &[&str]) -> Result<Self, ScimError> {
        let raw = raw.trim();
        if let Some(urn) = extensions.iter().find(|urn| urn.eq_ignore_ascii_case(raw)) {
            return Ok(Self {
                attr: AttrPath {
                    schema: Some((*urn).to_owned()),
                    name: String::new(),
                    sub: None,
                },
                filter: None,
                sub: None,
                whole_extension: true,
            });
        }
        let bad =
            |why: &str| ScimError::bad(ScimType::InvalidPath, format!("The path \"{raw}\" {why}."));
        let Some(open) = raw.find('[') else {
            return Ok(Self {
                attr: AttrPath::parse(raw).map_err(|_| bad("is not an attribute path"))?,
                filter: None,
                sub: None,
                whole_extension: false,
            });
        };
        let close = raw
            .rfind(']')
            .ok_or_else(|| bad("has \"[\" without \"]\""))?;
        let attr = AttrPath::parse(&raw[..open]).map_err(|_| bad("is not an attribute path"))?;
        if attr.sub.is_some() {
            return Err(bad("filters a sub-attribute"));
        }
        let filter = Filter::parse(&raw[open + 1..close])
            .map_err(|err| bad(&format!("has a bad filter: {}", err.detail)))?;
        let rest = &raw[close + 1..];
        let sub = match rest.strip_prefix('.') {
            Some(sub)
                if !sub.is_empty()
                    && sub.chars().all(|c| c.is_ascii_alphanumeric() || c == '$') =>
            {
                Some(sub.to_owned())
            }
            None if rest.is_empty() => None,
            _ => {
                return Err(bad(
                    "has something after \"]\" that is not \".subAttribute\"",
                ));
            }
        };
        Ok(Self {
            attr,
            filter: Some(filter),
            sub,
            whole_extension: false,
        })
    }
}

/// One operation of a PATCH request.
#[derive(Clone, Debug, PartialEq)]
pub struct Operation {
    pub kind: Kind,
    pub path: Option<Path>,
    pub value: Option<Value>,
}

/// Reads a PatchOp request body.
pub fn parse_request(body: &Value, extensions: &[&str]) -> Result<Vec<Operation>, ScimError> {
    let syntax = |detail: &str| ScimError::bad(ScimType::InvalidSyntax, detail.to_owned());
    let schemas = member(body, "schemas")
        .and_then(Value::as_array)
        .ok_or_else(|| syntax("A PATCH request needs \"schemas\"."))?;
    if !schemas.iter().any(|s| s.as_str() == Some(PATCH_SCHEMA)) {
        return Err(syntax(&format!(
            "A PATCH request's \"schemas\" must be [\"{PATCH_SCHEMA}\"]."
        )));
    }
    let operations = member(body, "Operations")
        .and_then(Value::as_array)
        .ok_or_else(|| syntax("A PATCH request needs \"Operations\", a list."))?;
    if operations.is_empty() {
        return Err(syntax("\"Operations\" is empty."));
    }
    if operations.len() > MAX_OPERATIONS {
        return Err(ScimError::bad(
            ScimType::TooMany,
            format!("At most {MAX_OPERATIONS} operations per request."),
        ));
    }
    operations
        .iter()
        .map(|operation| {
            let kind = match member(operation, "op")
                .and_then(Value::as_str)
                .map(str::to_ascii_lowercase)
                .as_deref()
            {
                Some("add") => Kind::Add,
                Some("replace") => Kind::Replace,
                Some("remove") => Kind::Remove,
                _ => {
                    return Err(syntax(
                        "Each operation's \"op\" must be \"add\", \"replace\" or \"remove\".",
                    ));
                }
            };
            let path = match member(operation, "path") {
                None | Some(Value::Null) => None,
                Some(Value::String(path)) if !path.trim().is_empty() => {
                    Some(Path::parse(path, extensions)?)
                }
                Some(_) => {
                    return Err(ScimError::bad(
                        ScimType::InvalidPath,
                        "\"path\" must be a non-empty string.",
                    ));
                }
            };
            let value = member(operation, "value").cloned().filter(|v| !v.is_null());
            match (kind, &path, &value) {
                (Kind::Remove, None, _) => Err(ScimError::bad(
                    ScimType::NoTarget,
                    "\"remove\" needs a \"path\".",
                )),
                (Kind::Add | Kind::Replace, _, None) => Err(ScimError::bad(
                    ScimType::InvalidValue,
                    "\"add\" and \"replace\" need a \"value\".",
                )),
                (Kind::Add | Kind::Replace, None, Some(v)) if !v.is_object() => {
                    Err(ScimError::bad(
                        ScimType::InvalidValue,
                        "Without a \"path\", the \"value\" must be an object of attributes.",
                    ))
                }
                _ => Ok(Operation { kind, path, value }),
            }
        })
        .collect()
}

/// Applies operations in order to `resource` (all or nothing: the caller discards the copy on
/// error).
pub fn apply(
    resource: &mut Value,
    operations: &[Operation],
    extensions: &[&str],
) -> Result<(), ScimError> {
    for operation in operations {
        match (&operation.path, &operation.value) {
            (None, Some(Value::Object(members))) => {
                for (key, value) in members {
                    let path = Path::parse(key, extensions)?;
                    apply_at(resource, operation.kind, &path, Some(value))?;
                }
            }
            (Some(path), value) => apply_at(resource, operation.kind, path, value.as_ref())?,
            _ => {
                return Err(ScimError::bad(
                    ScimType::InvalidValue,
                    "An operation has no path and no value.",
                ));
            }
        }
    }
    Ok(())
}

fn object_mut(value: &mut Value) -> &mut Map<String, Value> {
    if !value.is_object() {
        *value = Value::Object(Map::new());
    }
    match value {
        Value::Object(map) => map,
        _ => unreachable!("just made an object"),
    }
}

/// The key `name` has in `map` ignoring case, or `name` itself.
fn key_in(map: &Map<String, Value>, name: &str) -> String {
    map.keys()
        .find(|key| key.eq_ignore_ascii_case(name))
        .cloned()
        .unwrap_or_else(|| name.to_owned())
}

/// The object holding the path's attribute: the resource, or its extension object.
fn holder<'a>(
    resource: &'a mut Value,
    path: &Path,
    create: bool,
) -> Option<&'a mut Map<String, Value>> {
    let root = object_mut(resource);
    match &path.attr.schema {
        Some(schema) if !is_core(schema) => {
            let key = key_in(root, schema);
            if !root.contains_key(&key) {
                if !create {
                    return None;
                }
                root.insert(key.clone(), Value::Object(Map::new()));
            }
            root.get_mut(&key).map(object_mut)
        }
        _ => Some(root),
    }
}

fn is_core(schema: &str) -> bool {
    schema
        .to_ascii_lowercase()
        .starts_with("urn:ietf:params:scim:schemas:core:")
}

fn apply_at(
    resource: &mut Value,
    kind: Kind,
    path: &Path,
    value: Option<&Value>,
) -> Result<(), ScimError> {
    if path.whole_extension {
        let root = object_mut(resource);
        let key = key_in(root, path.attr.schema.as_deref().unwrap_or_default());
        return match (kind, value) {
            (Kind::Remove, _) => {
                root.remove(&key);
                Ok(())
            }
            (_, Some(Value::Object(members))) => {
                let target = object_mut(root.entry(key).or_insert(Value::Null));
                for (name, value) in members {
                    let name = key_in(target, name);
                    target.insert(name, value.clone());
                }
                Ok(())
            }
            _ => Err(ScimError::bad(
                ScimType::InvalidValue,
                "An extension's value must be an object.",
            )),
        };
    }
    let Some(map) = holder(resource, path, kind != Kind::Remove) else {
        return Ok(());
    };
    let key = key_in(map, &path.attr.name);
    match &path.filter {
        None => apply_plain(map, &key, kind, path.attr.sub.as_deref(), value),
        Some(filter) => apply_filtered(map, &key, kind, filter, path.sub.as_deref(), value),
    }
}

fn apply_plain(
    map: &mut Map<String, Value>,
    key: &str,
    kind: Kind,
    sub: Option<&str>,
    value: Option<&Value>,
) -> Result<(), ScimError> {
    match (kind, sub) {
        (Kind::Remove, None) => {
            map.remove(key);
        }
        (Kind::Remove, Some(sub)) => {
            if let Some(target) = map.get_mut(key) {
                for item in items_mut(target) {
                    if let Value::Object(object) = item {
                        let sub = key_in(object, sub);
                        object.remove(&sub);
                    }
                }
            }
        }
        (_, Some(sub)) => {
            let value = value.cloned().unwrap_or(Value::Null);
            let target = map.entry(key.to_owned()).or_insert(Value::Null);
            if let Value::Array(items) = target {
                for item in items {
                    let object = object_mut(item);
                    let sub = key_in(object, sub);
                    object.insert(sub, value.clone());
                }
            } else {
                let object = object_mut(target);
                let sub = key_in(object, sub);
                object.insert(sub, value);
            }
        }
        (Kind::Add, None) => {
            let value = value.cloned().unwrap_or(Value::Null);
            match (map.get_mut(key), value) {
                (Some(Value::Array(items)), Value::Array(new)) => {
                    for item in new {
                        if !items.contains(&item) {
                            items.push(item);
                        }
                    }
                }
                (Some(Value::Array(items)), item) => {
                    if !items.contains(&item) {
                        items.push(item);
                    }
                }
                (Some(Value::Object(existing)), Value::Object(new)) => {
                    for (name, value) in new {
                        let name = key_in(existing, &name);
                        existing.insert(name, value);
                    }
                }
                (_, value) => {
                    map.insert(key.to_owned(), value);
                }
            }
        }
        (Kind::Replace, None) => {
            let value = value.cloned().unwrap_or(Value::Null);
            match (map.get_mut(key), value) {
                // Replacing a complex attribute replaces the sub-attributes given (RFC 7644 §3.5.2.3).
                (Some(Value::Object(existing)), Value::Object(new)) => {
                    for (name, value) in new {
                        let name = key_in(existing, &name);
                        existing.insert(name, value);
                    }
                }
                (_, value) => {
                    map.insert(key.to_owned(), value);
                }
            }
        }
    }
    Ok(())
}

fn items_mut(value: &mut Value) -> Vec<&mut Value> {
    match value {
        Value::Array(items) => items.iter_mut().collect(),
        other => vec![other],
    }
}

fn apply_filtered(
    map: &mut Map<String, Value>,
    key: &str,
    kind: Kind,
    filter: &Filter,
    sub: Option<&str>,
    value: Option<&Value>,
) -> Result<(), ScimError> {
    let case_insensitive = |_: &str| false;
    let items = match map.get_mut(key) {
        Some(Value::Array(items)) => items,
        _ if kind == Kind::Add => {
            map.insert(key.to_owned(), Value::Array(Vec::new()));
            match map.get_mut(key) {
                Some(Value::Array(items)) => items,
                _ => unreachable!("just inserted a list"),
            }
        }
        _ => {
            return Err(ScimError::bad(
                ScimType::NoTarget,
                format!("No value of \"{key}\" matches the filter."),
            ));
        }
    };
    let matching: Vec<usize> = (0..items.len())
        .filter(|&i| filter.matches(&items[i], &case_insensitive))
        .collect();
    if matching.is_empty() {
        // `add` to `emails[type eq "work"].value` with no work address yet creates one.
        if let (Kind::Add | Kind::Replace, Some((attr, wanted))) = (kind, filter.as_equality()) {
            let mut item = Map::new();
            item.insert(attr.to_owned(), Value::String(wanted.to_owned()));
            match (sub, value) {
                (Some(sub), Some(value)) => {
                    item.insert(sub.to_owned(), value.clone());
                }
                (None, Some(Value::Object(members))) => item.extend(members.clone()),
                _ => {}
            }
            items.push(Value::Object(item));
            return Ok(());
        }
        return Err(ScimError::bad(
            ScimType::NoTarget,
            format!("No value of \"{key}\" matches the filter."),
        ));
    }
    match (kind, sub) {
        (Kind::Remove, None) => {
            for index in matching.into_iter().rev() {
                items.remove(index);
            }
        }
        (Kind::Remove, Some(sub)) => {
            for index in matching {
                let object = object_mut(&mut items[index]);
                let sub = key_in(object, sub);
                object.remove(&sub);
            }
        }
        (_, Some(sub)) => {
            for index in matching {
                let object = object_mut(&mut items[index]);
                let sub = key_in(object, sub);
                object.insert(sub, value.cloned().unwrap_or(Value::Null));
            }
        }
        (_, None) => {
            for index in matching {
                match value {
                    Some(Value::Object(members)) => {
                        let object = object_mut(&mut items[index]);
                        for (name, value) in members {
                            let name = key_in(object, name);
                            object.insert(name, value.clone());
                        }
                    }
                    Some(other) => items[index] = other.clone(),
                    None => {}
                }
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::domain::scim::ENTERPRISE_SCHEMA;

    fn patched(resource: Value, operations: Value) -> Result<Value, ScimError> {
        let body = json!({"schemas": [PATCH_SCHEMA], "Operations": operations});
        let operations = parse_request(&body, &[ENTERPRISE_SCHEMA])?;
        let mut resource = resource;
        apply(&mut resource, &operations, &[ENTERPRISE_SCHEMA])?;
        Ok(resource)
    }

    #[test]
    fn entra_style_operations_apply() {
        let user = json!({"userName": "a@b.c", "active": true, "emails": [{"value": "a@b.c", "type": "work"}]});
        let out = patched(
            user,
            json!([
                {"op": "Replace", "path": "active", "value": "False"},
                {"op": "Add", "path": "emails[type eq \"work\"].value", "value": "new@b.c"},
                {"op": "Add", "path": "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department", "value": "Finance"},
                {"op": "replace", "value": {"name.givenName": "Ann", "displayName": "Ann B"}},
            ]),
        )
        .expect("applies");
        assert_eq!(out["active"], "False");
        assert_eq!(out["emails"], json!([{"value": "new@b.c", "type": "work"}]));
        assert_eq!(out[ENTERPRISE_SCHEMA]["department"], "Finance");
        assert_eq!(out["name"]["givenName"], "Ann");
        assert_eq!(out["displayName"], "Ann B");
    }

    #[test]
    fn members_are_added_and_removed_by_filter() {
        let group = json!({"displayName": "Devs", "members": [{"value": "1"}, {"value": "2"}]});
        let out = patched(
            group,
            json!([
                {"op": "add", "path": "members", "value": [{"value": "3"}, {"value": "1"}]},
                {"op": "remove", "path": "members[value eq \"2\"]"},
            ]),
        )
        .expect("applies");
        assert_eq!(out["members"], json!([{"value": "1"}, {"value": "3"}]));
        let cleared = patched(out, json!([{"op": "remove", "path": "members"}])).expect("applies");
        assert!(cleared.get("members").is_none());
    }

    #[test]
    fn a_whole_extension_and_complex_replace_merge() {
        let user = json!({"name": {"givenName": "A", "familyName": "B"}});
        let out = patched(
            user,
            json!([
                {"op": "replace", "path": "name", "value": {"givenName": "C"}},
                {"op": "add", "path": ENTERPRISE_SCHEMA, "value": {"employeeNumber": "42"}},
                {"op": "remove", "path": "name.familyName"},
            ]),
        )
        .expect("applies");
        assert_eq!(out["name"], json!({"givenName": "C"}));
        assert_eq!(out[ENTERPRISE_SCHEMA]["employeeNumber"], "42");
    }

    #[test]
    fn bad_requests_get_the_rfc_error_types() {
        let user = json!({"emails": [{"value": "a@b.c", "type": "work"}]});
        let cases = [
            (
                json!([{"op": "move", "path": "x"}]),
                ScimType::InvalidSyntax,
            ),
            (json!([{"op": "remove"}]), ScimType::NoTarget),
            (json!([{"op": "add", "path": "x"}]), ScimType::InvalidValue),
            (
                json!([{"op": "add", "path": "emails[type eq]"}]),
                ScimType::InvalidPath,
            ),
            (
                json!([{"op": "add", "path": "a..b", "value": 1}]),
                ScimType::InvalidPath,
            ),
            (
                json!([{"op": "remove", "path": "emails[type eq \"home\"]"}]),
                ScimType::NoTarget,
            ),
            (
                json!([{"op": "add", "value": "not an object"}]),
                ScimType::InvalidValue,
            ),
        ];
        for (operations, expected) in cases {
            let err = patched(user.clone(), operations.clone()).expect_err(&operations.to_string());
            assert_eq!(
                err.scim_type,
                Some(expected),
                "{operations}: {}",
                err.detail
            );
        }
        let missing_schema =
            parse_request(&json!({"Operations": []}), &[]).expect_err("no schemas");
        assert_eq!(missing_schema.scim_type, Some(ScimType::InvalidSyntax));
    }
}
