//! Discovery (RFC 7644 §4): the service provider's configuration, its resource types and the
//! schemas of what it stores; and choosing which attributes an answer carries.

use serde_json::{Value, json};

use super::filter::AttrPath;
use super::{ENTERPRISE_SCHEMA, GROUP_SCHEMA, LIST_SCHEMA, MAX_RESULTS, ScimError, USER_SCHEMA};

/// The User, enterprise extension and Group schemas: exactly the attributes Vigil stores.
const SCHEMAS: &str = include_str!("schemas.json");

/// `/ServiceProviderConfig`.
pub fn service_provider_config(base: &str, documentation: &str) -> Value {
    json!({
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig"],
        "documentationUri": documentation,
        "patch": {"supported": true},
        "bulk": {"supported": false, "maxOperations": 0, "maxPayloadSize": 0},
        "filter": {"supported": true, "maxResults": MAX_RESULTS},
        "changePassword": {"supported": false},
        "sort": {"supported": false},
        "etag": {"supported": false},
        "authenticationSchemes": [{
            "type": "oauthbearertoken",
            "name": "API token",
            "description": "A Vigil API token with the scope \"scim\", sent as \"Authorization: Bearer <token>\".",
            "specUri": "https://www.rfc-editor.org/info/rfc6750",
            "primary": true
        }],
        "meta": {"resourceType": "ServiceProviderConfig", "location": format!("{base}/ServiceProviderConfig")}
    })
}

/// Every resource type, or one by id.
pub fn resource_types(base: &str) -> Vec<Value> {
    vec![
        json!({
            "schemas": ["urn:ietf:params:scim:schemas:core:2.0:ResourceType"],
            "id": "User",
            "name": "User",
            "endpoint": "/Users",
            "description": "A person in Vigil",
            "schema": USER_SCHEMA,
            "schemaExtensions": [{"schema": ENTERPRISE_SCHEMA, "required": false}],
            "meta": {"resourceType": "ResourceType", "location": format!("{base}/ResourceTypes/User")}
        }),
        json!({
            "schemas": ["urn:ietf:params:scim:schemas:core:2.0:ResourceType"],
            "id": "Group",
            "name": "Group",
            "endpoint": "/Groups",
            "description": "A job role in Vigil: training is assigned by role",
            "schema": GROUP_SCHEMA,
            "meta": {"resourceType": "ResourceType", "location": format!("{base}/ResourceTypes/Group")}
        }),
    ]
}

/// Every schema, with its location.
pub fn schemas(base: &str) -> Vec<Value> {
    let mut schemas: Vec<Value> = serde_json::from_str(SCHEMAS).unwrap_or_default();
    for schema in &mut schemas {
        let id = schema["id"].as_str().unwrap_or_default().to_owned();
        schema["meta"] =
            json!({"resourceType": "Schema", "location": format!("{base}/Schemas/{id}")});
    }
    schemas
}

/// A list answer.
pub fn list(resources: Vec<Value>, total: usize, start_index: usize) -> Value {
    json!({
        "schemas": [LIST_SCHEMA],
        "totalResults": total,
        "startIndex": start_index,
        "itemsPerPage": resources.len(),
        "Resources": resources,
    })
}

/// Which attributes an answer carries (`attributes` / `excludedAttributes`, RFC 7644 §3.4.2.5).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Projection {
    only: Vec<AttrPath>,
    excluded: Vec<AttrPath>,
}

impl Projection {
    /// Parses the comma-separated lists (either may be empty).
    pub fn parse(attributes: &str, excluded: &str) -> Result<Self, ScimError> {
        let paths = |list: &str| -> Result<Vec<AttrPath>, ScimError> {
            list.split(',')
                .map(str::trim)
                .filter(|p| !p.is_empty())
                .map(AttrPath::parse)
                .collect()
        };
        Ok(Self {
            only: paths(attributes)?,
            excluded: paths(excluded)?,
        })
    }

    /// From the lists of a `.search` body.
    pub fn from_lists(attributes: &[String], excluded: &[String]) -> Result<Self, ScimError> {
        Self::parse(&attributes.join(","), &excluded.join(","))
    }

    /// Applies it: `schemas`, `id` and `meta` always stay.
    pub fn apply(&self, resource: &mut Value) {
        let Some(object) = resource.as_object_mut() else {
            return;
        };
        let always = |key: &str| {
            ["schemas", "id", "meta"]
                .iter()
                .any(|k| k.eq_ignore_ascii_case(key))
        };
        let names = |path: &AttrPath, key: &str| -> bool {
            match &path.schema {
                Some(schema) if !schema.to_ascii_lowercase().contains(":core:") => {
                    key.eq_ignore_ascii_case(schema)
                }
                _ => key.eq_ignore_ascii_case(&path.name),
            }
        };
        if !self.only.is_empty() {
            let keys: Vec<String> = object.keys().cloned().collect();
            for key in keys {
                if always(&key) {
                    continue;
                }
                let wanted: Vec<&AttrPath> = self.only.iter().filter(|p| names(p, &key)).collect();
                if wanted.is_empty() {
                    object.remove(&key);
                } else if key.to_ascii_lowercase().starts_with("urn:") {
                    // Keep only the extension's attributes that were asked for.
                    if let Some(Value::Object(extension)) = object.get_mut(&key) {
                        extension.retain(|name, _| {
                            wanted.iter().any(|p| p.name.eq_ignore_ascii_case(name))
                        });
                    }
                }
            }
        }
        for path in &self.excluded {
            let keys: Vec<String> = object.keys().cloned().collect();
            for key in keys.into_iter().filter(|k| !always(k) && names(path, k)) {
                if key.to_ascii_lowercase().starts_with("urn:") {
                    if let Some(Value::Object(extension)) = object.get_mut(&key) {
                        extension.retain(|name, _| !path.name.eq_ignore_ascii_case(name));
                    }
                } else {
                    object.remove(&key);
                }
            }
        }
        // An extension left empty is dropped, and with it (as with one not kept) its schema URN.
        object
            .retain(|k, v| !(k.starts_with("urn:") && v.as_object().is_some_and(|o| o.is_empty())));
        let present: Vec<String> = object.keys().cloned().collect();
        if let Some(Value::Array(schemas)) = object.get_mut("schemas") {
            let core = schemas.first().cloned();
            schemas.retain(|s| {
                Some(s) == core.as_ref()
                    || s.as_str().is_some_and(|s| present.iter().any(|k| k == s))
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_schemas_declare_what_vigil_stores_and_nothing_else() {
        let schemas = schemas("https://v/scim/v2");
        let names = |id: &str| -> Vec<String> {
            schemas
                .iter()
                .find(|s| s["id"] == id)
                .map(|s| {
                    s["attributes"]
                        .as_array()
                        .into_iter()
                        .flatten()
                        .map(|a| a["name"].as_str().unwrap_or_default().to_owned())
                        .collect()
                })
                .unwrap_or_default()
        };
        assert_eq!(
            names(USER_SCHEMA),
            [
                "id",
                "externalId",
                "userName",
                "name",
                "displayName",
                "title",
                "preferredLanguage",
                "active",
                "emails",
                "groups"
            ]
        );
        assert_eq!(
            names(ENTERPRISE_SCHEMA),
            ["employeeNumber", "department", "manager"]
        );
        assert_eq!(
            names(GROUP_SCHEMA),
            ["externalId", "displayName", "members"]
        );
        assert!(schemas.iter().all(|s| {
            s["meta"]["location"]
                .as_str()
                .is_some_and(|l| l.starts_with("https://v/scim/v2/Schemas/urn:"))
        }));
    }

    #[test]
    fn projections_keep_what_is_asked_and_drop_what_is_excluded() {
        let resource = json!({
            "schemas": [USER_SCHEMA, ENTERPRISE_SCHEMA], "id": "1", "meta": {}, "userName": "a", "name": {"givenName": "A"},
            ENTERPRISE_SCHEMA: {"department": "D", "employeeNumber": "7"}
        });
        let mut only = resource.clone();
        Projection::parse("externalId,userName", "")
            .expect("parses")
            .apply(&mut only);
        assert_eq!(
            only,
            json!({"schemas": [USER_SCHEMA], "id": "1", "meta": {}, "userName": "a"})
        );
        let mut department = resource.clone();
        Projection::parse(&format!("{ENTERPRISE_SCHEMA}:department"), "")
            .expect("parses")
            .apply(&mut department);
        assert_eq!(department[ENTERPRISE_SCHEMA], json!({"department": "D"}));
        let mut without = resource.clone();
        Projection::parse("", "name")
            .expect("parses")
            .apply(&mut without);
        assert!(without.get("name").is_none() && without.get("userName").is_some());
    }
}
