//! The OpenAPI document at /api/openapi.json, checked against real responses: every JSON answer
//! of the exports and the transparency log validates against the schema the document gives for
//! it, and every status code the endpoints answer with is one the document lists.

use std::time::Duration;

use app::ssr::api_tokens::{self, Operator};
use serde_json::Value;

use crate::helpers::{TestApp, spawn_app_with};
use crate::training::with_courses;

/// The schema `pointer` leads to in the document, with `$ref` followed.
fn schema_at<'a>(doc: &'a Value, pointer: &str) -> &'a Value {
    let schema = doc
        .pointer(pointer)
        .unwrap_or_else(|| panic!("the document has no {pointer}"));
    match schema.get("$ref").and_then(Value::as_str) {
        Some(reference) => doc
            .pointer(reference.trim_start_matches('#'))
            .unwrap_or_else(|| panic!("{reference} does not resolve")),
        None => schema,
    }
}

fn assert_valid(doc: &Value, pointer: &str, instance: &Value) {
    let schema = schema_at(doc, pointer);
    let validator = jsonschema::validator_for(schema).expect("a valid JSON Schema");
    let errors: Vec<String> = validator
        .iter_errors(instance)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{pointer}: {errors:?}");
}

/// The responses the document lists for an operation.
fn documented(doc: &Value, path: &str, method: &str) -> Vec<String> {
    doc["paths"][path][method]["responses"]
        .as_object()
        .unwrap_or_else(|| panic!("{method} {path} is not described"))
        .keys()
        .cloned()
        .collect()
}

async fn post(app: &TestApp, path: &str, token: &str, form: &[(&str, &str)]) -> reqwest::Response {
    reqwest::Client::new()
        .post(format!("{}{path}", app.address))
        .header("Authorization", format!("Bearer {token}"))
        .form(form)
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn the_openapi_document_describes_the_real_responses() {
    let app = spawn_app_with(&[("VIGIL_CHECKPOINT_SECONDS", "1".to_owned())]).await;
    let _courses = with_courses(&app).await;
    // Completions, so that records and proofs exist.
    for label in ["first", "second", "third"] {
        crate::witnesses::record_completion(&app, label).await;
    }
    let now = chrono::Utc::now();
    let (_, reports) = api_tokens::create(
        &app.db,
        Operator::Server,
        "OpenAPI check",
        "reports:read",
        "1",
        now,
    )
    .await
    .unwrap();

    let anonymous = reqwest::Client::new();
    let response = anonymous
        .get(format!("{}/api/openapi.json", app.address))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200, "served without signing in");
    let doc: Value = response.json().await.unwrap();
    assert_eq!(doc["openapi"], "3.1.0");
    assert_eq!(
        doc["servers"][0]["url"]
            .as_str()
            .map(|u| u.starts_with("http")),
        Some(true)
    );

    // Each JSON export's rows match their schema; the CSV says it is CSV.
    for name in ["compliance-status", "completion-records", "reminders"] {
        let path = format!("/exports/{name}.json");
        let answer = post(&app, &path, &reports, &[]).await;
        assert_eq!(answer.status(), 200, "{path}");
        let rows: Value = answer.json().await.unwrap();
        if name != "reminders" {
            assert!(
                !rows.as_array().unwrap().is_empty(),
                "{path} has rows to check"
            );
        }
        let pointer = format!(
            "/paths/{}/post/responses/200/content/application~1json/schema",
            path.replace('/', "~1")
        );
        assert_valid(&doc, &pointer, &rows);
        let csv_path = format!("/exports/{name}.csv");
        let csv = post(&app, &csv_path, &reports, &[]).await;
        assert!(
            csv.headers()["content-type"]
                .to_str()
                .unwrap()
                .starts_with("text/csv")
        );
        assert!(documented(&doc, &csv_path, "post").contains(&"200".to_owned()));
    }

    // Refusals answer with documented codes.
    let statuses = documented(&doc, "/exports/compliance-status.json", "post");
    for (token, form, expected) in [
        ("vigil_unknown", vec![], 401),
        (reports.as_str(), vec![("status", "bogus")], 422),
    ] {
        let answer = post(&app, "/exports/compliance-status.json", token, &form).await;
        assert_eq!(answer.status().as_u16(), expected);
        assert!(
            statuses.contains(&expected.to_string()),
            "{expected} not in {statuses:?}"
        );
    }
    let pack = post(
        &app,
        "/evidence/pack.zip",
        &reports,
        &[("from", "2026-01-01"), ("to", "2026-01-31")],
    )
    .await;
    assert_eq!(
        pack.status(),
        403,
        "a reports token is not an evidence token"
    );
    assert!(documented(&doc, "/evidence/pack.zip", "post").contains(&"403".to_owned()));

    // The transparency log's proofs match their schemas.
    let mut size = 0;
    for _ in 0..100 {
        let note = anonymous
            .get(format!("{}/ledger/checkpoint", app.address))
            .send()
            .await
            .unwrap();
        if note.status() == 200 {
            size = note
                .text()
                .await
                .unwrap()
                .lines()
                .nth(1)
                .unwrap()
                .parse()
                .unwrap();
            if size >= 3 {
                break;
            }
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(size >= 3, "a checkpoint of the three records");
    for (path, query, schema) in [
        (
            "/ledger/proof/inclusion",
            format!("index=1&size={size}"),
            "InclusionProof",
        ),
        (
            "/ledger/proof/consistency",
            format!("from=1&to={size}"),
            "ConsistencyProof",
        ),
    ] {
        let answer = anonymous
            .get(format!("{}{path}?{query}", app.address))
            .send()
            .await
            .unwrap();
        assert_eq!(answer.status(), 200, "{path}");
        let proof: Value = answer.json().await.unwrap();
        assert_valid(&doc, &format!("/components/schemas/{schema}"), &proof);
        let bad = anonymous
            .get(format!("{}{path}?{}", app.address, query.replace('1', "x")))
            .send()
            .await
            .unwrap();
        assert!(documented(&doc, path, "get").contains(&bad.status().as_u16().to_string()));
    }
}

fn scim_schema(path: &str, method: &str, status: u16) -> String {
    format!(
        "/paths/{}/{method}/responses/{status}/content/application~1scim+json/schema",
        path.replace('/', "~1")
    )
}

#[tokio::test]
async fn the_openapi_document_describes_the_scim_answers() {
    let app = crate::helpers::spawn_app().await;
    let doc: Value = reqwest::get(format!("{}/api/openapi.json", app.address))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let (_, token) = api_tokens::create(
        &app.db,
        Operator::Server,
        "OpenAPI SCIM",
        "scim",
        "1",
        chrono::Utc::now(),
    )
    .await
    .unwrap();
    let user = serde_json::json!({
        "schemas": [app::domain::scim::USER_SCHEMA, app::domain::scim::ENTERPRISE_SCHEMA],
        "userName": "olga@example.com", "externalId": "x-1", "displayName": "Olga",
        "emails": [{"value": "olga@example.com", "type": "work", "primary": true}],
        app::domain::scim::ENTERPRISE_SCHEMA: {"department": "Legal", "employeeNumber": "9"}
    });
    let input = schema_at(&doc, "/components/schemas/ScimUserInput").clone();
    assert!(
        jsonschema::validator_for(&input).unwrap().is_valid(&user),
        "the request matches its schema"
    );
    let mut checked = 0;
    let cases: Vec<(reqwest::Method, String, Option<Value>, &str, &str)> = vec![
        (
            reqwest::Method::POST,
            "/scim/v2/Users".into(),
            Some(user),
            "/scim/v2/Users",
            "post",
        ),
        (
            reqwest::Method::GET,
            "/scim/v2/Users".into(),
            None,
            "/scim/v2/Users",
            "get",
        ),
        (
            reqwest::Method::GET,
            "/scim/v2/Users?filter=userName%20eq".into(),
            None,
            "/scim/v2/Users",
            "get",
        ),
        (
            reqwest::Method::POST,
            "/scim/v2/Groups".into(),
            Some(
                serde_json::json!({"schemas": [app::domain::scim::GROUP_SCHEMA], "displayName": "Legal team"}),
            ),
            "/scim/v2/Groups",
            "post",
        ),
        (
            reqwest::Method::GET,
            "/scim/v2/Groups/legal-team".into(),
            None,
            "/scim/v2/Groups/{id}",
            "get",
        ),
        (
            reqwest::Method::GET,
            "/scim/v2/Groups/nope".into(),
            None,
            "/scim/v2/Groups/{id}",
            "get",
        ),
        (
            reqwest::Method::GET,
            "/scim/v2/Schemas".into(),
            None,
            "/scim/v2/Schemas",
            "get",
        ),
        (
            reqwest::Method::GET,
            "/scim/v2/ServiceProviderConfig".into(),
            None,
            "/scim/v2/ServiceProviderConfig",
            "get",
        ),
        (
            reqwest::Method::POST,
            "/scim/v2/.search".into(),
            Some(serde_json::json!({"filter": "displayName sw \"Legal\""})),
            "/scim/v2/.search",
            "post",
        ),
    ];
    for (method, url, body, path, verb) in cases {
        let (status, answer) = crate::scim::scim(
            &app,
            &token,
            method,
            url.trim_start_matches("/scim/v2"),
            body,
        )
        .await;
        assert!(
            documented(&doc, path, verb).contains(&status.to_string()),
            "{verb} {url}: {status} is not documented"
        );
        assert_valid(&doc, &scim_schema(path, verb, status), &answer);
        if let Some(resources) = answer["Resources"].as_array() {
            for resource in resources {
                let kind = match resource["schemas"][0].as_str() {
                    Some(app::domain::scim::GROUP_SCHEMA) => "ScimGroup",
                    Some(app::domain::scim::USER_SCHEMA) => "ScimUser",
                    _ => continue,
                };
                assert_valid(&doc, &format!("/components/schemas/{kind}"), resource);
                checked += 1;
            }
        }
    }
    assert!(
        checked >= 6,
        "list answers had resources to check: {checked}"
    );
    let (status, _) =
        crate::scim::scim(&app, "vigil_unknown", reqwest::Method::GET, "/Users", None).await;
    assert!(documented(&doc, "/scim/v2/Users", "get").contains(&status.to_string()));
}
