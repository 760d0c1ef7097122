//! SCIM 2.0 provisioning: the `scim2-tester` compliance checker finds nothing wrong; a new user
//! is assigned training and invited; deactivation ends sessions and stops reminders; groups are
//! job roles; bad requests get the RFC's error answers and change nothing.

use app::domain::scim::{ENTERPRISE_SCHEMA, GROUP_SCHEMA, PATCH_SCHEMA, USER_SCHEMA};
use app::ssr::api_tokens::{self, Operator};
use app::ssr::db::entities::{audit_event, compliance_state, outbox_message, person};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::{Value, json};

use crate::helpers::{
    EMPLOYEE, MANAGER, PASSWORD, TestApp, new_client, spawn_app, spawn_app_on_postgres,
};
use crate::training::with_courses;

pub(crate) async fn token(app: &TestApp, scope: &str) -> String {
    api_tokens::create(
        &app.db,
        Operator::Server,
        "Directory",
        scope,
        "30",
        chrono::Utc::now(),
    )
    .await
    .unwrap()
    .1
}

/// A SCIM request with the token; the status and the JSON body (or null).
pub(crate) async fn scim(
    app: &TestApp,
    token: &str,
    method: reqwest::Method,
    path: &str,
    body: Option<Value>,
) -> (u16, Value) {
    let mut request = reqwest::Client::new()
        .request(method, format!("{}/scim/v2{path}", app.address))
        .header("Authorization", format!("Bearer {token}"));
    if let Some(body) = body {
        request = request
            .header("Content-Type", "application/scim+json")
            .body(body.to_string());
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    if status != 204 {
        assert_eq!(
            response
                .headers()
                .get("content-type")
                .and_then(|v| v.to_str().ok()),
            Some("application/scim+json"),
            "{path}"
        );
    }
    (status, response.json().await.unwrap_or(Value::Null))
}

async fn compliance_rows(app: &TestApp, person: i64) -> usize {
    compliance_state::Entity::find()
        .filter(compliance_state::Column::PersonId.eq(person))
        .all(&app.db)
        .await
        .unwrap()
        .len()
}

async fn person_by_email(app: &TestApp, email: &str) -> person::Model {
    person::Entity::find()
        .filter(person::Column::Email.eq(email))
        .one(&app.db)
        .await
        .unwrap()
        .expect("person")
}

#[tokio::test]
async fn the_scim2_tester_compliance_checker_reports_no_failure() {
    run_scim2_tester(spawn_app().await).await;
}

#[tokio::test]
async fn the_scim2_tester_reports_no_failure_on_postgres() {
    if let Some(app) = spawn_app_on_postgres().await {
        run_scim2_tester(app).await;
    }
}

async fn run_scim2_tester(app: TestApp) {
    let token = token(&app, "scim").await;
    let scim2 = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../target/test-tools/venv/bin/scim2");
    assert!(
        scim2.exists(),
        "{} is missing: run `make test-deps`",
        scim2.display()
    );
    // The token goes through the environment, not the command line.
    let output = tokio::process::Command::new(&scim2)
        .args(["--url", &format!("{}/scim/v2", app.address), "test"])
        .env("SCIM_CLI_HEADERS", format!("Authorization: Bearer {token}"))
        .output()
        .await
        .unwrap();
    let report = String::from_utf8_lossy(&output.stdout);
    let successes = report.lines().filter(|l| l.starts_with("SUCCESS")).count();
    assert!(
        output.status.success(),
        "scim2-tester found problems:\n{report}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        successes >= 80,
        "the checker ran its checks: {successes} passed\n{report}"
    );
    assert!(
        !report.contains("ERROR") && !report.contains("SKIPPED"),
        "{report}"
    );
}

async fn provisioning_lifecycle(app: TestApp) {
    let _courses = with_courses(&app).await;
    let token = token(&app, "scim").await;
    let manager = app.public_id(MANAGER).await;

    // A directory looks the person up first, then creates them.
    let (status, found) = scim(
        &app,
        &token,
        reqwest::Method::GET,
        "/Users?filter=userName%20eq%20%22nina%40example.com%22",
        None,
    )
    .await;
    assert_eq!((status, found["totalResults"].clone()), (200, json!(0)));
    let (status, created) = scim(
        &app,
        &token,
        reqwest::Method::POST,
        "/Users",
        Some(json!({
            "schemas": [USER_SCHEMA, ENTERPRISE_SCHEMA],
            "userName": "Nina@Example.com",
            "externalId": "entra-0001",
            "name": {"givenName": "Nina", "familyName": "Novak"},
            "title": "Analyst",
            "emails": [{"value": "nina@example.com", "type": "work", "primary": true}],
            ENTERPRISE_SCHEMA: {"department": "Finance", "employeeNumber": "E-77", "manager": {"value": manager}}
        })),
    )
    .await;
    assert_eq!(status, 201, "{created}");
    let id = created["id"].as_str().unwrap().to_owned();
    assert_eq!(
        created[ENTERPRISE_SCHEMA]["manager"]["value"],
        manager.as_str()
    );
    assert_eq!(created[ENTERPRISE_SCHEMA]["department"], "Finance");
    let nina = person_by_email(&app, "nina@example.com").await;
    assert_eq!(
        (nina.name.as_str(), nina.job_title.as_str()),
        ("Nina Novak", "Analyst")
    );
    assert!(
        compliance_rows(&app, nina.id).await >= 2,
        "training was assigned at once"
    );
    let invitation = outbox_message::Entity::find()
        .filter(outbox_message::Column::PersonId.eq(nina.id))
        .one(&app.db)
        .await
        .unwrap()
        .expect("an invitation, since she cannot use single sign-on");
    assert_eq!(invitation.kind, "invitation");

    // Found by userName (any case) and by externalId (exactly).
    for filter in [
        "userName%20eq%20%22NINA%40example.com%22",
        "externalId%20eq%20%22entra-0001%22",
    ] {
        let (_, found) = scim(
            &app,
            &token,
            reqwest::Method::GET,
            &format!("/Users?filter={filter}"),
            None,
        )
        .await;
        assert_eq!(found["Resources"][0]["id"], id.as_str(), "{filter}");
    }
    // Pages: startIndex counts from 1; count is the page size; totalResults counts them all.
    let (_, all) = scim(&app, &token, reqwest::Method::GET, "/Users", None).await;
    let ids: Vec<String> = all["Resources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["id"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(all["totalResults"], json!(ids.len()));
    assert!(ids.len() >= 5, "{ids:?}");
    let (_, page) = scim(
        &app,
        &token,
        reqwest::Method::GET,
        "/Users?startIndex=2&count=2",
        None,
    )
    .await;
    let paged: Vec<String> = page["Resources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["id"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(
        (
            page["startIndex"].clone(),
            page["itemsPerPage"].clone(),
            page["totalResults"].clone()
        ),
        (json!(2), json!(2), json!(ids.len()))
    );
    assert_eq!(paged, ids[1..3]);
    let (_, filtered) = scim(
        &app,
        &token,
        reqwest::Method::GET,
        "/Users?filter=userName%20ew%20%22example.com%22&startIndex=1&count=1",
        None,
    )
    .await;
    assert_eq!(
        (
            filtered["itemsPerPage"].clone(),
            filtered["totalResults"].clone()
        ),
        (json!(1), json!(ids.len()))
    );
    let (_, none) = scim(
        &app,
        &token,
        reqwest::Method::GET,
        "/Users?filter=externalId%20eq%20%22ENTRA-0001%22",
        None,
    )
    .await;
    assert_eq!(none["totalResults"], 0);

    // Deactivating an existing person the Entra way ("False" as a string) ends her sessions,
    // cancels what was queued for her and stops her reminders; her records stay.
    let erin_id = app.public_id(EMPLOYEE).await;
    let erin = new_client();
    app.login_with(&erin, EMPLOYEE).await;
    assert!(app.whoami_with(&erin).await.is_some());
    let (status, patched) = scim(
        &app,
        &token,
        reqwest::Method::PATCH,
        &format!("/Users/{erin_id}"),
        Some(json!({"schemas": [PATCH_SCHEMA], "Operations": [{"op": "Replace", "path": "active", "value": "False"}]})),
    )
    .await;
    assert_eq!(
        (status, patched["active"].clone()),
        (200, json!(false)),
        "{patched}"
    );
    assert_eq!(app.whoami_with(&erin).await, None, "her session ended");
    let far = chrono::Utc::now().date_naive() + chrono::Duration::days(400);
    app::ssr::mail::scheduled::run_for_day(&app.db, &app.mail, far, "test", chrono::Utc::now())
        .await
        .unwrap();
    let reminded: Vec<String> = outbox_message::Entity::find()
        .filter(outbox_message::Column::Kind.eq("scheduled_reminder"))
        .all(&app.db)
        .await
        .unwrap()
        .into_iter()
        .map(|m| m.recipient)
        .collect();
    assert!(
        reminded.contains(&MANAGER.to_owned()),
        "the reminder run did remind others: {reminded:?}"
    );
    assert!(
        !reminded.contains(&EMPLOYEE.to_owned()),
        "no reminder for the deactivated person"
    );
    assert!(
        person_by_email(&app, EMPLOYEE)
            .await
            .deactivated_at
            .is_some()
    );

    // Groups are job roles: membership gives the role.
    let (status, group) = scim(
        &app,
        &token,
        reqwest::Method::POST,
        "/Groups",
        Some(json!({"schemas": [GROUP_SCHEMA], "displayName": "Treasury analysts", "members": [{"value": id}]})),
    )
    .await;
    assert_eq!(status, 201, "{group}");
    assert_eq!(group["id"], "treasury-analysts");
    assert_eq!(group["members"][0]["value"], id.as_str());
    let roles = app::ssr::db::people::role_slugs(&app.db, nina.id)
        .await
        .unwrap();
    assert!(roles.contains(&"treasury-analysts".to_owned()), "{roles:?}");
    let (status, _) = scim(
        &app,
        &token,
        reqwest::Method::PATCH,
        "/Groups/treasury-analysts",
        Some(json!({"schemas": [PATCH_SCHEMA], "Operations": [{"op": "remove", "path": format!("members[value eq \"{id}\"]")}]})),
    )
    .await;
    assert_eq!(status, 200);
    let roles = app::ssr::db::people::role_slugs(&app.db, nina.id)
        .await
        .unwrap();
    assert_eq!(roles, ["employee"]);
    let (status, refused) = scim(
        &app,
        &token,
        reqwest::Method::DELETE,
        "/Groups/employee",
        None,
    )
    .await;
    assert_eq!(
        (status, refused["scimType"].clone()),
        (400, json!("mutability")),
        "{refused}"
    );

    // DELETE deactivates and unlists; the person and their records stay.
    let (status, _) = scim(
        &app,
        &token,
        reqwest::Method::DELETE,
        &format!("/Users/{id}"),
        None,
    )
    .await;
    assert_eq!(status, 204);
    let (status, gone) = scim(
        &app,
        &token,
        reqwest::Method::GET,
        &format!("/Users/{id}"),
        None,
    )
    .await;
    assert_eq!((status, gone["status"].clone()), (404, json!("404")));
    let nina = person_by_email(&app, "nina@example.com").await;
    assert!(!nina.active && nina.directory_removed_at.is_some());
    // Created again with the same address, she is the same person, active, with her history.
    let (status, again) = scim(
        &app,
        &token,
        reqwest::Method::POST,
        "/Users",
        Some(json!({"schemas": [USER_SCHEMA], "userName": "nina@example.com", "emails": [{"value": "nina@example.com", "primary": true}]})),
    )
    .await;
    assert_eq!(
        (status, again["id"].as_str(), again["active"].clone()),
        (201, Some(id.as_str()), json!(true)),
        "{again}"
    );
    assert_eq!(person_by_email(&app, "nina@example.com").await.id, nina.id);

    // Each change is in the audit log under the token's name.
    let actions: Vec<String> = audit_event::Entity::find()
        .filter(audit_event::Column::ActorLabel.contains("API token"))
        .all(&app.db)
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.action)
        .collect();
    for action in [
        "person.add",
        "person.update",
        "job_role.add",
        "job_role.update",
        "person.directory_remove",
    ] {
        assert!(
            actions.iter().any(|a| a == action),
            "{action} in {actions:?}"
        );
    }
}

#[tokio::test]
async fn provisioning_assigns_training_and_deactivation_ends_sessions_and_reminders() {
    provisioning_lifecycle(spawn_app().await).await;
}

#[tokio::test]
async fn provisioning_on_postgres() {
    if let Some(app) = spawn_app_on_postgres().await {
        provisioning_lifecycle(app).await;
    }
}

#[tokio::test]
async fn bad_requests_get_rfc_errors_and_change_nothing() {
    let app = spawn_app().await;
    let token = token(&app, "scim").await;
    let people_before = person::Entity::find().all(&app.db).await.unwrap().len();
    let user = |extra: Value| {
        let mut body = json!({"schemas": [USER_SCHEMA], "userName": "x@example.com"});
        for (k, v) in extra.as_object().unwrap() {
            body[k] = v.clone();
        }
        body
    };
    let cases: Vec<(reqwest::Method, String, Option<Value>, u16, &str)> = vec![
        (
            reqwest::Method::POST,
            "/Users".into(),
            Some(user(json!({"nickName": "X"}))),
            400,
            "invalidSyntax",
        ),
        (
            reqwest::Method::POST,
            "/Users".into(),
            Some(user(json!({"emails": [{"value": "not an address"}]}))),
            400,
            "invalidValue",
        ),
        (
            reqwest::Method::POST,
            "/Users".into(),
            Some(user(json!({"userName": EMPLOYEE}))),
            409,
            "uniqueness",
        ),
        (
            reqwest::Method::POST,
            "/Users".into(),
            Some(user(
                json!({ENTERPRISE_SCHEMA: {"manager": {"value": "nobody"}}}),
            )),
            400,
            "invalidValue",
        ),
        (
            reqwest::Method::GET,
            "/Users?filter=userName%20eq".into(),
            None,
            400,
            "invalidFilter",
        ),
        (
            reqwest::Method::GET,
            "/Users?filter=userName%20like%20%22x%22".into(),
            None,
            400,
            "invalidFilter",
        ),
        (
            reqwest::Method::PATCH,
            format!("/Users/{}", app.public_id(EMPLOYEE).await),
            Some(
                json!({"schemas": [PATCH_SCHEMA], "Operations": [{"op": "add", "path": "nickName", "value": "E"}]}),
            ),
            400,
            "invalidSyntax",
        ),
    ];
    for (method, path, body, status, scim_type) in cases {
        let (got, answer) = scim(&app, &token, method.clone(), &path, body.clone()).await;
        assert_eq!(
            (got, answer["scimType"].as_str()),
            (status, Some(scim_type)),
            "{method} {path} {body:?}: {answer}"
        );
        assert_eq!(
            answer["schemas"][0],
            "urn:ietf:params:scim:api:messages:2.0:Error"
        );
    }
    let (status, _) = scim(
        &app,
        &token,
        reqwest::Method::POST,
        "/Users",
        Some(json!("not json{")),
    )
    .await;
    assert_eq!(status, 400);
    assert_eq!(
        person::Entity::find().all(&app.db).await.unwrap().len(),
        people_before,
        "nothing was added"
    );
    assert!(
        person_by_email(&app, EMPLOYEE).await.active,
        "nothing was changed"
    );

    // Without a token, with a wrong one, or with one of another scope.
    let (status, _) = scim(
        &app,
        "vigil_not-a-real-token",
        reqwest::Method::GET,
        "/Users",
        None,
    )
    .await;
    assert_eq!(status, 401);
    let reports = self::token(&app, "reports:read").await;
    let (status, _) = scim(&app, &reports, reqwest::Method::GET, "/Users", None).await;
    assert_eq!(status, 403);
    let response = reqwest::Client::new()
        .get(format!("{}/scim/v2/Users", app.address))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 401);
    assert!(response.headers().contains_key("www-authenticate"));
    // A session cookie is no way in.
    app.login(crate::helpers::PLATFORM, PASSWORD).await;
    let response = app
        .client
        .get(format!("{}/scim/v2/Users", app.address))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 401);
}
