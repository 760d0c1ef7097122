//! People administration in the browser's terms: forms, deactivation, CSV imports that are all
//! or nothing, and the audit log that records each of them.

use reqwest::multipart::{Form, Part};
use serde_json::Value;

use crate::helpers::{
    COMPLIANCE, EMPLOYEE, MANAGER, PASSWORD, PLATFORM, TestApp, new_client, spawn_app,
    spawn_app_on_postgres,
};
use crate::training::json;

pub(crate) async fn upload(
    app: &TestApp,
    client: &reqwest::Client,
    csv: &str,
) -> reqwest::Response {
    let form = Form::new().part(
        "people",
        Part::bytes(csv.as_bytes().to_vec())
            .file_name("people.csv")
            .mime_str("text/csv")
            .unwrap(),
    );
    client
        .post(format!("{}/api/people/import/upload", app.address))
        .header("origin", &app.address)
        .header("accept", "application/json")
        .multipart(form)
        .send()
        .await
        .unwrap()
}

pub(crate) fn import_id(response: &reqwest::Response) -> String {
    let location = response
        .headers()
        .get("location")
        .expect("a redirect to the preview")
        .to_str()
        .unwrap();
    location.rsplit('/').next().unwrap().to_owned()
}

async fn people_count(app: &TestApp) -> u64 {
    app::ssr::db::people::count(&app.db).await.unwrap()
}

const HEADER: &str = "email,name,department,job_title,hire_date,manager_email,roles,compliance_admin,platform_admin\n";

#[tokio::test]
async fn an_import_with_one_bad_line_writes_nothing_and_names_the_line() {
    bad_import_writes_nothing(spawn_app().await).await;
}

#[tokio::test]
async fn an_import_with_one_bad_line_writes_nothing_and_names_the_line_on_postgres() {
    let Some(app) = spawn_app_on_postgres().await else {
        eprintln!("TEST_POSTGRES_URL not set; skipping the PostgreSQL run");
        return;
    };
    bad_import_writes_nothing(app).await;
}

/// A bad line stops the whole import, on either database.
async fn bad_import_writes_nothing(app: TestApp) {
    app.login(COMPLIANCE, PASSWORD).await;
    let before = people_count(&app).await;
    let csv = format!(
        "{HEADER}ana.lopez@example.com,Ana López,Finance,Accountant,2026-03-02,{MANAGER},employee,no,no\n\
         raj.iyer@example.com,Raj Iyer,Engineering,Developer,2026-13-40,,employee;secure-development-engineer,,\n\
         {EMPLOYEE},Erin Employee,Engineering,Senior engineer,2024-01-15,{MANAGER},employee,,\n"
    );
    let response = upload(&app, &app.client, &csv).await;
    assert!(
        response.status().is_redirection() || response.status() == 200,
        "{}",
        response.status()
    );
    let id = import_id(&response);

    let (status, preview) = json(
        &app,
        &app.client,
        "/api/people/import/preview",
        &[("id", &id)],
    )
    .await;
    assert_eq!(status, 200, "{preview}");
    let errors = preview["plan"]["errors"].as_array().unwrap();
    assert_eq!(errors.len(), 1, "{preview}");
    assert_eq!(errors[0]["line"], 3);
    assert_eq!(
        errors[0]["message"],
        "Hire date must be a date written as YYYY-MM-DD."
    );

    assert_eq!(
        preview["plan"]["people"].as_array().unwrap().len(),
        2,
        "the good lines are still shown"
    );

    // The preview page says so and offers no import button.
    let page = app
        .get(&format!("/admin/people/import/{id}"))
        .await
        .text()
        .await
        .unwrap()
        .replace("<!>", "");
    assert!(
        page.contains("1 line(s) have problems, so nothing will be imported"),
        "{page}"
    );
    assert!(!page.contains(">Import 2 people<"));

    // Committing anyway is refused, and nothing changed: no new person, no updated job title.
    let (status, body) = json(
        &app,
        &app.client,
        "/api/people/import/commit",
        &[("id", &id)],
    )
    .await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(body, serde_json::json!({ "Invalid": "ImportHasErrors" }));
    assert_eq!(people_count(&app).await, before);
    let erin = app::ssr::db::people::find_by_email(&app.db, EMPLOYEE)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(erin.job_title, "Engineer");
    assert!(
        app::ssr::db::people::find_by_email(&app.db, "ana.lopez@example.com")
            .await
            .unwrap()
            .is_none()
    );
}

#[tokio::test]
async fn a_clean_import_adds_and_updates_everyone_once_and_is_audited() {
    clean_import(spawn_app().await).await;
}

#[tokio::test]
async fn a_clean_import_adds_and_updates_everyone_once_and_is_audited_on_postgres() {
    let Some(app) = spawn_app_on_postgres().await else {
        eprintln!("TEST_POSTGRES_URL not set; skipping the PostgreSQL run");
        return;
    };
    clean_import(app).await;
}

/// A clean import, on either database.
async fn clean_import(app: TestApp) {
    app.login(COMPLIANCE, PASSWORD).await;
    let before = people_count(&app).await;
    // The new manager is defined later in the same file than their report.
    let csv = format!(
        "{HEADER}ana.lopez@example.com,Ana López,Finance,Accountant,2026-03-02,fay.finance@example.com,employee,no,no\n\
         fay.finance@example.com,Fay Finance,Finance,Head of Finance,2025-06-01,,employee;department-head,,\n\
         {EMPLOYEE},Erin Employee,Engineering,Senior engineer,2024-01-15,{MANAGER},employee,,\n"
    );
    let id = import_id(&upload(&app, &app.client, &csv).await);
    let (_, preview) = json(
        &app,
        &app.client,
        "/api/people/import/preview",
        &[("id", &id)],
    )
    .await;
    assert!(
        preview["plan"]["errors"].as_array().unwrap().is_empty(),
        "{preview}"
    );

    let response = app
        .post_form("/api/people/import/commit", &[("id", &id)])
        .await;
    assert_eq!(
        response.headers()["location"],
        "/admin/people?added=2&updated=1&invited=0"
    );
    assert_eq!(people_count(&app).await, before + 2);
    let ana = app::ssr::db::people::find_by_email(&app.db, "ana.lopez@example.com")
        .await
        .unwrap()
        .unwrap();
    let fay = app::ssr::db::people::find_by_email(&app.db, "fay.finance@example.com")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(ana.manager_id, Some(fay.id));
    assert_eq!(
        app::ssr::db::people::role_slugs(&app.db, fay.id)
            .await
            .unwrap(),
        ["department-head", "employee"]
    );
    let erin = app::ssr::db::people::find_by_email(&app.db, EMPLOYEE)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(erin.job_title, "Senior engineer");

    // The same file cannot be imported twice.
    let (status, body) = json(
        &app,
        &app.client,
        "/api/people/import/commit",
        &[("id", &id)],
    )
    .await;
    assert_eq!(status, 409, "{body}");

    let (_, audit) = json(
        &app,
        &app.client,
        "/api/admin/audit",
        &[("action", "people.import")],
    )
    .await;
    assert_eq!(audit["total"], 1, "{audit}");
    let after: Value = serde_json::from_str(audit["rows"][0]["after"].as_str().unwrap()).unwrap();
    assert_eq!(after["updated"], serde_json::json!([EMPLOYEE]));
}

#[tokio::test]
async fn an_admin_adds_edits_and_deactivates_a_person_with_before_and_after_in_the_audit_log() {
    let app = spawn_app().await;
    app.login(PLATFORM, PASSWORD).await;
    let form = [
        ("public_id", ""),
        ("email", "new.hire@example.com"),
        ("name", "New Hire"),
        ("department", "Support"),
        ("job_title", "Support engineer"),
        ("hire_date", "2026-11-02"),
        ("manager_email", MANAGER),
        ("roles[employee]", "yes"),
        ("roles[security-operations-engineer]", "yes"),
    ];
    let response = app.post_form("/api/people/save", &form).await;
    let location = response.headers()["location"].to_str().unwrap().to_owned();
    assert!(
        location.starts_with("/admin/people/") && location.ends_with("?added=1"),
        "{location}"
    );
    let public_id = app.public_id("new.hire@example.com").await;
    let (_, shown) = json(
        &app,
        &app.client,
        "/api/people/form",
        &[("public_id", &public_id)],
    )
    .await;
    assert_eq!(shown["manager_email"], MANAGER);
    assert_eq!(
        shown["roles"],
        serde_json::json!(["employee", "security-operations-engineer"])
    );

    // Bad input changes nothing and says what is wrong.
    let mut bad = form.to_vec();
    bad[0] = ("public_id", &public_id);
    bad[5] = ("hire_date", "02/11/2026");
    let (status, body) = json(&app, &app.client, "/api/people/save", &bad).await;
    assert_eq!(status, 422, "{body}");
    // A manager loop is refused.
    let mona = app.public_id(MANAGER).await;
    let (status, body) = json(
        &app,
        &app.client,
        "/api/people/save",
        &[
            ("public_id", &mona),
            ("email", MANAGER),
            ("name", "Mona Manager"),
            ("hire_date", "2024-01-15"),
            ("manager_email", "new.hire@example.com"),
            ("roles[employee]", "yes"),
        ],
    )
    .await;
    assert_eq!(status, 422, "{body}");

    // Edit: a new manager and job title.
    let mut edit = form.to_vec();
    edit[0] = ("public_id", &public_id);
    edit[4] = ("job_title", "Senior support engineer");
    edit[6] = ("manager_email", "");
    app.post_form("/api/people/save", &edit).await;
    let (_, shown) = json(
        &app,
        &app.client,
        "/api/people/form",
        &[("public_id", &public_id)],
    )
    .await;
    assert_eq!(shown["job_title"], "Senior support engineer");
    assert_eq!(shown["manager_email"], "");

    // Deactivation needs the confirmation box.
    let (status, body) = json(
        &app,
        &app.client,
        "/api/people/deactivate",
        &[("public_id", &public_id)],
    )
    .await;
    assert_eq!(status, 422, "{body}");
    assert!(shown["active"].as_bool().unwrap());
    app.post_form(
        "/api/people/deactivate",
        &[("public_id", &public_id), ("confirm", "yes")],
    )
    .await;
    let (_, shown) = json(
        &app,
        &app.client,
        "/api/people/form",
        &[("public_id", &public_id)],
    )
    .await;
    assert!(!shown["active"].as_bool().unwrap());

    // Add, update and deactivate are in the log, with the change.
    let (status, _) = json(&app, &app.client, "/api/admin/audit", &[]).await;
    assert_eq!(status, 403, "the audit log is for compliance admins");

    let admin = new_client();
    app.login_with(&admin, COMPLIANCE).await;
    let (_, audit) = json(
        &app,
        &admin,
        "/api/admin/audit",
        &[("actor", "Pat Platform")],
    )
    .await;
    let actions: Vec<&str> = audit["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["action"].as_str().unwrap())
        .filter(|action| action.starts_with("person."))
        .collect();
    assert_eq!(
        actions,
        ["person.deactivate", "person.update", "person.add"],
        "newest first"
    );
    let update = &audit["rows"][1];
    let before: Value = serde_json::from_str(update["before"].as_str().unwrap()).unwrap();
    let after: Value = serde_json::from_str(update["after"].as_str().unwrap()).unwrap();
    assert_eq!(before["job_title"], "Support engineer");
    assert_eq!(after["job_title"], "Senior support engineer");
    assert_eq!(before["manager"], MANAGER);
}

#[tokio::test]
async fn only_platform_and_compliance_admins_manage_people() {
    let app = spawn_app().await;
    for (email, allowed) in [
        (EMPLOYEE, false),
        (MANAGER, false),
        (COMPLIANCE, true),
        (PLATFORM, true),
    ] {
        let client = new_client();
        app.login_with(&client, email).await;
        let (status, _) = json(&app, &client, "/api/people/list", &[]).await;
        assert_eq!(status == 200, allowed, "{email}: {status}");
        let (status, _) = json(
            &app,
            &client,
            "/api/people/save",
            &[
                ("email", "sneaky@example.com"),
                ("name", "Sneaky"),
                ("hire_date", "2026-01-01"),
                ("roles[employee]", "yes"),
            ],
        )
        .await;
        if !allowed {
            assert_eq!(status, 403, "{email}");
            assert!(
                app::ssr::db::people::find_by_email(&app.db, "sneaky@example.com")
                    .await
                    .unwrap()
                    .is_none()
            );
        }
        let response = upload(
            &app,
            &client,
            &format!("{HEADER}x@example.com,X,,,2026-01-01,,,,\n"),
        )
        .await;
        assert_eq!(
            response.status() == 403,
            !allowed,
            "{email}: {}",
            response.status()
        );
    }
}

#[tokio::test]
async fn the_audit_log_filters_by_action_actor_and_date_and_cannot_be_read_by_others() {
    let app = spawn_app().await;
    app.login(COMPLIANCE, PASSWORD).await;
    for _ in 0..2 {
        app.post_form("/exports/compliance-status.csv", &[]).await;
    }
    let (status, all) = json(&app, &app.client, "/api/admin/audit", &[]).await;
    assert_eq!(status, 200, "{all}");
    assert!(
        all["actions"]
            .as_array()
            .unwrap()
            .iter()
            .any(|a| a == "export")
    );
    let (_, exports) = json(
        &app,
        &app.client,
        "/api/admin/audit",
        &[("action", "export")],
    )
    .await;
    assert_eq!(exports["total"], 2);
    assert_eq!(
        exports["rows"][0]["actor"],
        format!("Carl Compliance <{COMPLIANCE}>")
    );
    let (_, nobody) = json(&app, &app.client, "/api/admin/audit", &[("actor", "Zed")]).await;
    assert_eq!(nobody["total"], 0);
    let (_, yesterday) = json(
        &app,
        &app.client,
        "/api/admin/audit",
        &[("action", "export"), ("to", "2020-01-01")],
    )
    .await;
    assert_eq!(yesterday["total"], 0);
    let (status, _) = json(
        &app,
        &app.client,
        "/api/admin/audit",
        &[("from", "yesterday")],
    )
    .await;
    assert_eq!(status, 422);
    let page = app
        .get("/compliance/audit?action=export")
        .await
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("export:compliance-status.csv"),
        "the viewer lists the entries"
    );

    for email in [EMPLOYEE, MANAGER, PLATFORM] {
        let client = new_client();
        app.login_with(&client, email).await;
        let (status, _) = json(&app, &client, "/api/admin/audit", &[]).await;
        assert_eq!(status, 403, "{email}");
    }
}
