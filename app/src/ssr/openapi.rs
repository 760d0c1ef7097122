//! The OpenAPI 3.1 description of Vigil's machine-facing HTTP API: the exports, the evidence
//! pack and the transparency log. Built from the same column lists the exports write, so the
//! described rows cannot drift from the real ones; the tests check real responses against it.

use serde_json::{Value, json};

use super::reporting::exports::Dataset;
use crate::domain::api_token::Scope;

/// Where the document is served.
pub const PATH: &str = "/api/openapi.json";

/// A row of an export: every column, each a string (empty when there is no value).
fn row_schema(columns: &[&str], description: &str) -> Value {
    let properties: serde_json::Map<String, Value> = columns
        .iter()
        .map(|column| ((*column).to_owned(), json!({ "type": "string" })))
        .collect();
    json!({
        "type": "array",
        "description": description,
        "items": {
            "type": "object",
            "properties": properties,
            "required": columns,
            "additionalProperties": false,
        },
    })
}

fn export_path(name: &str, summary: &str, rows: &str) -> Value {
    let form = json!({
        "type": "object",
        "properties": {
            "course": { "type": "string", "description": "A course id; empty for all." },
            "department": { "type": "string" },
            "role": { "type": "string", "description": "A job role slug." },
            "manager": { "type": "string", "description": "A manager's id: everyone below them." },
            "status": { "type": "string", "enum": ["", "overdue", "in_progress", "not_started", "completed", "exempt"] },
            "from": { "type": "string", "description": "YYYY-MM-DD (records and reminders)." },
            "to": { "type": "string", "description": "YYYY-MM-DD (records and reminders)." },
        },
    });
    json!({
        "post": {
            "operationId": format!("export_{}", name.replace('-', "_")),
            "summary": summary,
            "tags": ["Exports"],
            "security": [{ "bearer": [Scope::ReportsRead.as_str()] }, { "session": [] }],
            "requestBody": {
                "required": true,
                "content": { "application/x-www-form-urlencoded": { "schema": form } },
            },
            "responses": {
                "200": {
                    "description": "The rows, streamed.",
                    "content": {
                        "application/json": { "schema": { "$ref": format!("#/components/schemas/{rows}") } },
                    },
                },
                "401": { "$ref": "#/components/responses/Unauthenticated" },
                "403": { "$ref": "#/components/responses/Forbidden" },
                "415": { "$ref": "#/components/responses/NotAForm" },
                "422": { "$ref": "#/components/responses/Invalid" },
            },
        },
    })
}

fn csv_path(name: &str, summary: &str) -> Value {
    json!({
        "post": {
            "operationId": format!("export_{}_csv", name.replace('-', "_")),
            "summary": summary,
            "tags": ["Exports"],
            "security": [{ "bearer": [Scope::ReportsRead.as_str()] }, { "session": [] }],
            "requestBody": {
                "required": true,
                "content": { "application/x-www-form-urlencoded": { "schema": { "type": "object" } } },
            },
            "responses": {
                "200": {
                    "description": "RFC 4180 CSV with a header row (the same columns as the JSON export).",
                    "content": { "text/csv": { "schema": { "type": "string" } } },
                },
                "401": { "$ref": "#/components/responses/Unauthenticated" },
                "403": { "$ref": "#/components/responses/Forbidden" },
                "415": { "$ref": "#/components/responses/NotAForm" },
                "422": { "$ref": "#/components/responses/Invalid" },
            },
        },
    })
}

fn text(description: &str) -> Value {
    json!({ "description": description, "content": { "text/plain": { "schema": { "type": "string" } } } })
}

/// The document, with `server` (the public address) as its only server.
pub fn document(server: &str) -> Value {
    let mut paths = serde_json::Map::new();
    for (name, summary, rows) in [
        (
            "compliance-status",
            "Every active person's current obligations",
            "StatusRows",
        ),
        (
            "completion-records",
            "Completion records from the ledger, oldest first",
            "CompletionRows",
        ),
        (
            "reminders",
            "Reminders and where each delivery stands",
            "ReminderRows",
        ),
    ] {
        paths.insert(
            format!("/exports/{name}.json"),
            export_path(name, summary, rows),
        );
        paths.insert(format!("/exports/{name}.csv"), csv_path(name, summary));
    }
    paths.insert(
        "/evidence/pack.zip".into(),
        json!({
            "post": {
                "operationId": "evidence_pack",
                "summary": "The signed evidence pack for a period (docs/evidence.md)",
                "tags": ["Evidence"],
                "security": [{ "bearer": [Scope::EvidenceExport.as_str()] }, { "session": [] }],
                "requestBody": {
                    "required": true,
                    "content": { "application/x-www-form-urlencoded": { "schema": {
                        "type": "object",
                        "required": ["from", "to"],
                        "properties": {
                            "from": { "type": "string", "description": "First day, YYYY-MM-DD." },
                            "to": { "type": "string", "description": "Last day, YYYY-MM-DD." },
                        },
                    } } },
                },
                "responses": {
                    "200": { "description": "The pack.", "content": { "application/zip": { "schema": { "type": "string", "contentEncoding": "binary" } } } },
                    "401": { "$ref": "#/components/responses/Unauthenticated" },
                    "403": { "$ref": "#/components/responses/Forbidden" },
                    "415": { "$ref": "#/components/responses/NotAForm" },
                    "422": { "$ref": "#/components/responses/Invalid" },
                },
            },
        }),
    );
    paths.insert(
        "/ledger/checkpoint".into(),
        json!({ "get": {
            "operationId": "ledger_checkpoint",
            "summary": "The newest signed checkpoint of the ledger (C2SP tlog-checkpoint signed note); no sign-in",
            "tags": ["Transparency log"],
            "security": [],
            "responses": {
                "200": text("The signed note."),
                "404": text("No checkpoint has been made yet."),
            },
        } }),
    );
    let number = |name: &str, description: &str| json!({ "name": name, "in": "query", "required": true, "description": description, "schema": { "type": "string", "pattern": "^[0-9]+$" } });
    paths.insert(
        "/ledger/proof/inclusion".into(),
        json!({ "get": {
            "operationId": "ledger_inclusion_proof",
            "summary": "RFC 9162 inclusion proof of leaf `index` in the tree of `size` records; no sign-in",
            "tags": ["Transparency log"],
            "security": [],
            "parameters": [number("index", "The leaf (record number − 1)."), number("size", "The tree size of a checkpoint.")],
            "responses": {
                "200": { "description": "The proof.", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/InclusionProof" } } } },
                "400": text("A question the log cannot answer, and why."),
            },
        } }),
    );
    paths.insert(
        "/ledger/proof/consistency".into(),
        json!({ "get": {
            "operationId": "ledger_consistency_proof",
            "summary": "RFC 9162 consistency proof from the tree of `from` records to the tree of `to`; no sign-in",
            "tags": ["Transparency log"],
            "security": [],
            "parameters": [number("from", "The older tree size."), number("to", "The newer tree size.")],
            "responses": {
                "200": { "description": "The proof.", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/ConsistencyProof" } } } },
                "400": text("A question the log cannot answer, and why."),
            },
        } }),
    );
    paths.extend(super::openapi_scim::paths());
    let hash = json!({ "type": "string", "description": "SHA-256, standard base64.", "pattern": "^[A-Za-z0-9+/]{43}=$" });
    let mut document = json!({
        "openapi": "3.1.0",
        "info": {
            "title": "Vigil API",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "Exports, evidence packs, the transparency log and SCIM 2.0 provisioning of a Vigil installation. Scripts authenticate with an API token (`Authorization: Bearer …`, never a cookie); see docs/api.md and docs/sso.md.",
        },
        "servers": [{ "url": server }],
        "paths": paths,
        "components": {
            "securitySchemes": {
                "bearer": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": format!("An API token (`vigil_…`) with the scope the operation names: {}.", Scope::ALL.map(|s| s.as_str()).join(", ")),
                },
                "session": { "type": "apiKey", "in": "cookie", "name": "vigil_session", "description": "A compliance administrator's browser session (`__Host-vigil_session` in production); state-changing requests also need a same-origin `Origin`." },
            },
            "responses": {
                "Unauthenticated": text("No valid credentials: an unknown, expired or revoked token (with `WWW-Authenticate: Bearer`), or no session."),
                "Forbidden": text("Valid credentials that may not do this: a token of another scope, or not a compliance administrator."),
                "NotAForm": text("The body is not application/x-www-form-urlencoded."),
                "Invalid": text("A filter or date that is not valid, and what to change."),
            },
            "schemas": {
                "StatusRows": row_schema(Dataset::Status.columns(), "One row per current obligation of every active person."),
                "CompletionRows": row_schema(Dataset::Completions.columns(), "One row per completion record."),
                "ReminderRows": row_schema(Dataset::Reminders.columns(), "One row per reminder."),
                "InclusionProof": {
                    "type": "object",
                    "required": ["index", "tree_size", "leaf_hash", "root_hash", "proof"],
                    "additionalProperties": false,
                    "properties": {
                        "index": { "type": "integer", "minimum": 0 },
                        "tree_size": { "type": "integer", "minimum": 1 },
                        "leaf_hash": hash,
                        "root_hash": hash,
                        "proof": { "type": "array", "items": hash },
                    },
                },
                "ConsistencyProof": {
                    "type": "object",
                    "required": ["from", "to", "to_root_hash", "proof"],
                    "additionalProperties": false,
                    "properties": {
                        "from": { "type": "integer", "minimum": 1 },
                        "to": { "type": "integer", "minimum": 1 },
                        "to_root_hash": hash,
                        "proof": { "type": "array", "items": hash },
                    },
                },
            },
        },
    });
    if let Some(Value::Object(schemas)) = document.pointer_mut("/components/schemas") {
        schemas.extend(super::openapi_scim::schemas());
    }
    document
}
