//! The SCIM 2.0 part of the OpenAPI document: `/scim/v2` paths, with JSON Schemas for the User
//! and Group representations Vigil answers with (exactly the attributes it declares in
//! `/Schemas`), list answers and RFC 7644 errors.

use serde_json::{Map, Value, json};

use crate::domain::api_token::Scope;
use crate::domain::scim::{
    ENTERPRISE_SCHEMA, ERROR_SCHEMA, GROUP_SCHEMA, LIST_SCHEMA, PATCH_SCHEMA, USER_SCHEMA,
};

const BASE: &str = "/scim/v2";

fn scim_body(schema: &str) -> Value {
    json!({ "application/scim+json": { "schema": { "$ref": format!("#/components/schemas/{schema}") } } })
}

fn answer(description: &str, schema: &str) -> Value {
    json!({ "description": description, "content": scim_body(schema) })
}

fn errors(codes: &[&str]) -> Map<String, Value> {
    codes
        .iter()
        .map(|code| {
            let meaning = match *code {
                "400" => "A bad request: `scimType` says which (invalidFilter, invalidSyntax, invalidValue, invalidPath, noTarget, mutability, tooMany).",
                "401" => "No valid token (with `WWW-Authenticate: Bearer`).",
                "403" => "A token of another scope, or whose creator is no longer a platform administrator.",
                "404" => "No such resource.",
                "405" => "That method is not allowed here.",
                "409" => "`scimType: uniqueness`: another resource has that userName, externalId, email or name.",
                _ => "An error.",
            };
            ((*code).to_owned(), answer(meaning, "ScimError"))
        })
        .collect()
}

fn operation(
    id: &str,
    summary: &str,
    ok: (&str, Value),
    request: Option<&str>,
    parameters: Value,
    codes: &[&str],
) -> Value {
    let mut responses = errors(codes);
    responses.insert(ok.0.to_owned(), ok.1);
    let mut op = json!({
        "operationId": id,
        "summary": summary,
        "tags": ["SCIM provisioning"],
        "security": [{ "bearer": [Scope::Scim.as_str()] }],
        "parameters": parameters,
        "responses": responses,
    });
    if let Some(schema) = request {
        op["requestBody"] = json!({ "required": true, "content": {
            "application/scim+json": { "schema": { "$ref": format!("#/components/schemas/{schema}") } },
            "application/json": { "schema": { "$ref": format!("#/components/schemas/{schema}") } },
        } });
    }
    op
}

fn list_parameters() -> Value {
    json!([
        { "name": "filter", "in": "query", "schema": { "type": "string" }, "description": "RFC 7644 §3.4.2.2, e.g. `userName eq \"ann@example.com\"`." },
        { "name": "startIndex", "in": "query", "schema": { "type": "string" }, "description": "1-based." },
        { "name": "count", "in": "query", "schema": { "type": "string" }, "description": "At most 200 (the default)." },
        { "name": "attributes", "in": "query", "schema": { "type": "string" } },
        { "name": "excludedAttributes", "in": "query", "schema": { "type": "string" } },
    ])
}

fn id_parameter() -> Value {
    json!({ "name": "id", "in": "path", "required": true, "schema": { "type": "string" } })
}

/// The paths under `/scim/v2`.
pub fn paths() -> Map<String, Value> {
    let mut paths = Map::new();
    for (path, id, summary, schema) in [
        (
            "ServiceProviderConfig",
            "scim_service_provider_config",
            "What the service provider supports",
            "ScimAny",
        ),
        (
            "ResourceTypes",
            "scim_resource_types",
            "The resource types: User (with the enterprise extension) and Group",
            "ScimList",
        ),
        (
            "Schemas",
            "scim_schemas",
            "The attributes Vigil stores",
            "ScimList",
        ),
    ] {
        paths.insert(
            format!("{BASE}/{path}"),
            json!({ "get": operation(id, summary, ("200", answer("The document.", schema)), None, json!([]), &["401", "403", "405"]) }),
        );
    }
    for (kind, resource, input) in [
        ("Users", "ScimUser", "ScimUserInput"),
        ("Groups", "ScimGroup", "ScimGroupInput"),
    ] {
        let lower = kind.to_lowercase();
        paths.insert(
            format!("{BASE}/{kind}"),
            json!({
                "get": operation(&format!("scim_list_{lower}"), &format!("List or filter {lower}"), ("200", answer("A page.", "ScimList")), None, list_parameters(), &["400", "401", "403"]),
                "post": operation(&format!("scim_create_{lower}"), &format!("Create one of the {lower}"), ("201", answer("Created.", resource)), Some(input), json!([]), &["400", "401", "403", "409"]),
            }),
        );
        paths.insert(
            format!("{BASE}/{kind}/{{id}}"),
            json!({
                "get": operation(&format!("scim_get_{lower}"), "Read one", ("200", answer("The resource.", resource)), None, json!([id_parameter()]), &["401", "403", "404"]),
                "put": operation(&format!("scim_replace_{lower}"), "Replace one", ("200", answer("As stored.", resource)), Some(input), json!([id_parameter()]), &["400", "401", "403", "404", "409"]),
                "patch": operation(&format!("scim_patch_{lower}"), "Change one (RFC 7644 §3.5.2)", ("200", answer("As stored.", resource)), Some("ScimPatch"), json!([id_parameter()]), &["400", "401", "403", "404", "409"]),
                "delete": operation(&format!("scim_delete_{lower}"), if kind == "Users" { "Remove a user from the directory: deactivated, records kept" } else { "Delete a job role (not one Vigil ships or a rule names)" }, ("204", json!({ "description": "Done." })), None, json!([id_parameter()]), &["400", "401", "403", "404"]),
            }),
        );
    }
    paths.insert(
        format!("{BASE}/.search"),
        json!({ "post": operation("scim_search", "Search users and groups (RFC 7644 §3.4.3)", ("200", answer("A page.", "ScimList")), Some("ScimSearch"), json!([]), &["400", "401", "403"]) }),
    );
    paths
}

fn string() -> Value {
    json!({ "type": "string" })
}

fn reference() -> Value {
    json!({ "type": "object", "additionalProperties": false, "required": ["value"], "properties": {
        "value": string(), "$ref": string(), "display": string(), "type": { "enum": ["User", "Group"] },
    } })
}

fn meta() -> Value {
    json!({ "type": "object", "required": ["resourceType", "location"], "properties": {
        "resourceType": string(), "created": string(), "lastModified": string(), "location": string(),
    } })
}

fn user_properties(output: bool) -> Map<String, Value> {
    let mut properties: Map<String, Value> = [
        ("schemas", json!({ "type": "array", "items": { "enum": [USER_SCHEMA, ENTERPRISE_SCHEMA] } })),
        ("id", string()),
        ("externalId", string()),
        ("userName", string()),
        ("name", json!({ "type": "object", "additionalProperties": false, "properties": { "formatted": string(), "givenName": string(), "familyName": string() } })),
        ("displayName", string()),
        ("title", string()),
        ("preferredLanguage", json!({ "type": ["string", "null"], "maxLength": 100, "pattern": "^[A-Za-z0-9_,;=.* -]*$" })),
        ("active", json!({ "type": ["boolean", "string"] })),
        ("emails", json!({ "type": "array", "items": { "type": "object", "additionalProperties": false, "properties": { "value": string(), "type": string(), "primary": { "type": "boolean" } } } })),
        (ENTERPRISE_SCHEMA, json!({ "type": "object", "additionalProperties": false, "properties": {
            "schemas": { "type": "array" },
            "employeeNumber": string(), "department": string(),
            "manager": { "type": "object", "additionalProperties": false, "properties": { "value": string(), "$ref": string(), "displayName": string() } },
        } })),
        ("meta", meta()),
        ("groups", json!({ "type": "array", "items": reference() })),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v))
    .collect();
    if output {
        properties.insert("active".into(), json!({ "type": "boolean" }));
    }
    properties
}

/// The component schemas.
pub fn schemas() -> Map<String, Value> {
    let user = json!({ "type": "object", "additionalProperties": false, "required": ["schemas", "id", "userName", "active", "meta"], "properties": user_properties(true) });
    let user_input = json!({ "type": "object", "additionalProperties": false, "required": ["schemas", "userName"], "properties": user_properties(false) });
    let group_properties = json!({
        "schemas": { "type": "array", "items": { "const": GROUP_SCHEMA } },
        "id": string(), "externalId": string(), "displayName": string(),
        "members": { "type": "array", "items": reference() },
        "meta": meta(),
    });
    [
        ("ScimUser", user),
        ("ScimUserInput", user_input),
        ("ScimGroup", json!({ "type": "object", "additionalProperties": false, "required": ["schemas", "id", "displayName", "meta"], "properties": group_properties })),
        ("ScimGroupInput", json!({ "type": "object", "additionalProperties": false, "required": ["schemas", "displayName"], "properties": group_properties })),
        ("ScimList", json!({ "type": "object", "required": ["schemas", "totalResults", "startIndex", "itemsPerPage", "Resources"], "properties": {
            "schemas": { "type": "array", "items": { "const": LIST_SCHEMA } },
            "totalResults": { "type": "integer", "minimum": 0 },
            "startIndex": { "type": "integer", "minimum": 1 },
            "itemsPerPage": { "type": "integer", "minimum": 0 },
            "Resources": { "type": "array", "items": { "type": "object", "required": ["schemas"] } },
        } })),
        ("ScimPatch", json!({ "type": "object", "required": ["schemas", "Operations"], "properties": {
            "schemas": { "type": "array", "items": { "const": PATCH_SCHEMA } },
            "Operations": { "type": "array", "minItems": 1, "items": { "type": "object", "required": ["op"], "properties": {
                "op": { "type": "string", "description": "add, replace or remove (any case)" }, "path": string(), "value": {},
            } } },
        } })),
        ("ScimSearch", json!({ "type": "object", "properties": {
            "schemas": { "type": "array" }, "filter": string(), "startIndex": { "type": "integer" }, "count": { "type": "integer" },
            "attributes": { "type": "array", "items": string() }, "excludedAttributes": { "type": "array", "items": string() },
        } })),
        ("ScimError", json!({ "type": "object", "additionalProperties": false, "required": ["schemas", "status", "detail"], "properties": {
            "schemas": { "type": "array", "items": { "const": ERROR_SCHEMA } },
            "status": { "type": "string", "pattern": "^[1-5][0-9][0-9]$" },
            "scimType": { "enum": ["invalidFilter", "tooMany", "uniqueness", "mutability", "invalidSyntax", "invalidPath", "noTarget", "invalidValue"] },
            "detail": string(),
        } })),
        ("ScimAny", json!({ "type": "object", "required": ["schemas"] })),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v))
    .collect()
}
