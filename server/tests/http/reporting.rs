//! Managers see their own tree and nobody else's; the compliance dashboard and exports count what
//! the ledger holds. Reminders are tested with a real SMTP server in `mail.rs`.

use app::ssr::db::outbox;
use app::ssr::people_admin::{self, NewPerson};
use chrono::NaiveDate;
use serde_json::Value;

use crate::helpers::{
    COMPLIANCE, EMPLOYEE, MANAGER, PASSWORD, TestApp, new_client, spawn_app, spawn_app_on_postgres,
};
use crate::training::{json, with_courses};

const OTHER_MANAGER: &str = "otto.other@example.com";
const OTHER_REPORT: &str = "rita.report@example.com";
const INDIRECT: &str = "ivan.indirect@example.com";

/// Adds a second tree (Otto → Rita) and an indirect report below Mona (Mona → Erin → Ivan).
async fn with_two_trees(app: &TestApp) {
    let add = |email: &str, name: &str, department: &str, manager: Option<&str>| NewPerson {
        email: email.to_owned(),
        name: name.to_owned(),
        department: Some(department.to_owned()),
        job_title: "Analyst".to_owned(),
        hire_date: NaiveDate::from_ymd_opt(2024, 3, 1).unwrap(),
        manager_email: manager.map(str::to_owned),
        password: Some(PASSWORD.to_owned()),
        ..Default::default()
    };
    let now = chrono::Utc::now();
    for person in [
        add(OTHER_MANAGER, "Otto Other", "Finance", None),
        add(OTHER_REPORT, "Rita Report", "Finance", Some(OTHER_MANAGER)),
        add(INDIRECT, "Ivan Indirect", "Engineering", Some(EMPLOYEE)),
    ] {
        people_admin::add_person(&app.db, person, now)
            .await
            .unwrap();
    }
}

fn names(team: &Value) -> Vec<String> {
    let mut names: Vec<String> = team["people"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap().to_owned())
        .collect();
    names.sort();
    names
}

#[tokio::test]
async fn a_manager_sees_direct_reports_and_with_the_toggle_everyone_below_but_no_other_tree() {
    let app = spawn_app().await;
    with_two_trees(&app).await;
    let _courses = with_courses(&app).await;
    app.login(MANAGER, PASSWORD).await;
    let client = &app.client;

    let (status, direct) = json(&app, client, "/api/team", &[]).await;
    assert_eq!(status, 200, "{direct}");
    assert_eq!(names(&direct), ["Erin Employee"]);
    let (_, everyone) = json(&app, client, "/api/team", &[("scope", "all")]).await;
    assert_eq!(names(&everyone), ["Erin Employee", "Ivan Indirect"]);
    // Two people, two courses each, nothing done yet.
    assert_eq!(everyone["overall"]["assigned"], 4);
    assert_eq!(everyone["overall"]["completed"], 0);

    // Somebody in another tree is "not found", whether read or reminded.
    let rita = app.public_id(OTHER_REPORT).await;
    let (status, body) = json(&app, client, "/api/team/member", &[("public_id", &rita)]).await;
    assert_eq!(status, 404, "{body}");
    let (status, _) = json(
        &app,
        client,
        "/api/team/remind",
        &[("public_id", &rita), ("course", "")],
    )
    .await;
    assert_eq!(status, 404);
    assert!(
        outbox::reminders(&app.db).await.unwrap().is_empty(),
        "nothing was queued"
    );
    let page = app.get(&format!("/team/{rita}")).await;
    assert_eq!(
        page.status(),
        404,
        "another tree's member page is not found"
    );
    let page = page.text().await.unwrap();

    assert!(
        !page.contains("Rita Report"),
        "another tree's member page leaks their name"
    );

    // An indirect report is visible to the manager above.
    let ivan = app.public_id(INDIRECT).await;
    let (status, member) = json(&app, client, "/api/team/member", &[("public_id", &ivan)]).await;
    assert_eq!(status, 200, "{member}");
    assert_eq!(member["name"], "Ivan Indirect");

    // The report who manages Ivan sees Ivan, and not their own manager.
    let erin = new_client();
    app.login_with(&erin, EMPLOYEE).await;
    let (_, erins_team) = json(&app, &erin, "/api/team", &[("scope", "all")]).await;
    assert_eq!(names(&erins_team), ["Ivan Indirect"]);
    let mona = app.public_id(MANAGER).await;
    let (status, _) = json(&app, &erin, "/api/team/member", &[("public_id", &mona)]).await;
    assert_eq!(status, 404);

    // Someone with no reports has no team at all.
    let rita_client = new_client();
    app.login_with(&rita_client, OTHER_REPORT).await;
    let (status, _) = json(&app, &rita_client, "/api/team", &[]).await;
    assert_eq!(status, 403);
}

/// Records an instructor-led session for `attendees` (compliance admin's client).
async fn record_session(app: &TestApp, client: &reqwest::Client, attendees: &str) -> (u16, Value) {
    let today = chrono::Utc::now().date_naive().to_string();
    json(
        app,
        client,
        "/api/admin/sessions/record",
        &[
            ("course", "tiny"),
            ("held_on", &today),
            ("format", "group-discussion"),
            ("trainer", "Tess Trainer"),
            ("attendees", attendees),
            ("notes", "Warehouse staff without computers."),
        ],
    )
    .await
}

#[tokio::test]
async fn an_instructor_led_session_counts_as_completion_and_is_marked_as_such() {
    let app = spawn_app().await;
    with_two_trees(&app).await;
    let _courses = with_courses(&app).await;
    let admin = new_client();
    app.login_with(&admin, COMPLIANCE).await;

    // One unknown attendee: nothing is recorded.
    let (status, body) =
        record_session(&app, &admin, &format!("{EMPLOYEE}\nnobody@example.com")).await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(
        body,
        serde_json::json!({ "Training": { "UnknownAttendee": 2 } })
    );
    let (_, sessions) = json(&app, &admin, "/api/admin/sessions", &[]).await;
    assert_eq!(sessions.as_array().unwrap().len(), 0);

    let (status, body) = record_session(&app, &admin, &format!("{EMPLOYEE}, {OTHER_REPORT}")).await;
    assert_eq!(status, 200, "{body}");
    let (_, sessions) = json(&app, &admin, "/api/admin/sessions", &[]).await;
    assert_eq!(sessions[0]["format"], "Group discussion");
    assert_eq!(sessions[0]["attendees"].as_array().unwrap().len(), 2);

    // Erin's manager sees the course completed.
    app.login(MANAGER, PASSWORD).await;
    let erin = app.public_id(EMPLOYEE).await;
    let (_, member) = json(
        &app,
        &app.client,
        "/api/team/member",
        &[("public_id", &erin)],
    )
    .await;
    let tiny = member["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["slug"] == "tiny")
        .unwrap();
    assert_eq!(tiny["status"], "Completed", "{member}");
    assert_eq!(
        member["history"][0]["kind"], "Instructor-led session",
        "{member}"
    );

    // The records export marks both as instructor-led, with the session.
    let response = app
        .post_form_with(
            &admin,
            "/exports/completion-records.csv",
            &[("course", "tiny")],
        )
        .await;
    assert_eq!(response.status(), 200);
    let csv = response.text().await.unwrap();
    let rows: Vec<&str> = csv.lines().skip(1).collect();
    assert_eq!(rows.len(), 2, "{csv}");
    assert!(
        rows.iter().all(|row| row.contains("instructor_led")),
        "{csv}"
    );

    // Filtered like the dashboard: Mona's tree holds Erin's record only, Finance Rita's only.
    let mona = app.public_id(MANAGER).await;
    for (filter, who) in [
        (("manager", mona.as_str()), "erin.employee@example.com"),
        (("department", "finance"), "rita.report@example.com"),
    ] {
        let csv = app
            .post_form_with(&admin, "/exports/completion-records.csv", &[filter])
            .await
            .text()
            .await
            .unwrap();
        let mut reader = csv::Reader::from_reader(csv.as_bytes());
        let emails: Vec<String> = reader
            .records()
            .map(|row| row.unwrap()[4].to_owned())
            .collect();
        assert_eq!(emails, [who], "{filter:?}: {csv}");
    }
}

#[tokio::test]
async fn status_exports_are_filtered_like_the_dashboard_and_name_each_manager() {
    let app = spawn_app().await;
    with_two_trees(&app).await;
    let _courses = with_courses(&app).await;
    let admin = new_client();
    app.login_with(&admin, COMPLIANCE).await;
    let export = |filter: Vec<(&'static str, String)>| {
        let (app, admin) = (&app, &admin);
        async move {
            let pairs: Vec<(&str, &str)> = filter.iter().map(|(k, v)| (*k, v.as_str())).collect();
            let csv = app
                .post_form_with(admin, "/exports/compliance-status.csv", &pairs)
                .await
                .text()
                .await
                .unwrap();
            let mut reader = csv::Reader::from_reader(csv.as_bytes());
            let mut rows: Vec<(String, String, String)> = reader
                .records()
                .map(Result::unwrap)
                // person, department, manager
                .map(|row| (row[0].to_owned(), row[2].to_owned(), row[4].to_owned()))
                .collect();
            rows.sort();
            rows.dedup();
            rows
        }
    };

    // Everyone below Mona, with the manager each reports to.
    let mona = app.public_id(MANAGER).await;
    let below_mona = export(vec![("manager", mona)]).await;
    let names: Vec<&str> = below_mona
        .iter()
        .map(|(name, _, _)| name.as_str())
        .collect();
    assert_eq!(names, ["Erin Employee", "Ivan Indirect"]);
    let ivan = below_mona
        .iter()
        .find(|(name, _, _)| name == "Ivan Indirect")
        .unwrap();
    assert_eq!(ivan.1, "Engineering");
    assert_eq!(ivan.2, "Erin Employee");

    let finance = export(vec![("department", "Finance".to_owned())]).await;
    assert_eq!(
        finance,
        [
            ("Otto Other".to_owned(), "Finance".to_owned(), String::new()),
            (
                "Rita Report".to_owned(),
                "Finance".to_owned(),
                "Otto Other".to_owned()
            ),
        ]
    );
    // A department in any case, as the records export and the dashboard take it.
    assert_eq!(
        export(vec![("department", "FINANCE".to_owned())]).await,
        finance
    );
    // Narrowed by manager and status at once: only those rows, each with its status.
    let mona = app.public_id(MANAGER).await;
    let csv = app
        .post_form_with(
            &admin,
            "/exports/compliance-status.csv",
            &[("manager", mona.as_str()), ("status", "not_started")],
        )
        .await
        .text()
        .await
        .unwrap();
    let rows: Vec<csv::StringRecord> = csv::Reader::from_reader(csv.as_bytes())
        .records()
        .map(Result::unwrap)
        .collect();
    assert!(!rows.is_empty(), "{csv}");
    assert!(
        rows.iter()
            .all(|row| &row[9] == "not_started"
                && ["Erin Employee", "Ivan Indirect"].contains(&&row[0])),
        "{csv}"
    );
    // A manager nobody has is nobody's tree, not everyone's.
    assert!(
        export(vec![("manager", "no-such-person".to_owned())])
            .await
            .is_empty()
    );
}

#[tokio::test]
async fn the_compliance_dashboard_counts_what_happened() {
    dashboard_counts(spawn_app().await).await;
}

#[tokio::test]
async fn the_compliance_dashboard_counts_what_happened_on_postgres() {
    let Some(app) = spawn_app_on_postgres().await else {
        eprintln!("TEST_POSTGRES_URL not set; skipping the PostgreSQL run");
        return;
    };
    dashboard_counts(app).await;
}

/// The dashboard and its shared URL, on either database.
async fn dashboard_counts(app: TestApp) {
    with_two_trees(&app).await;
    let _courses = with_courses(&app).await;
    app.login(COMPLIANCE, PASSWORD).await;
    let admin = app.client.clone();
    let (status, _) = record_session(
        &app,
        &admin,
        &format!("{EMPLOYEE}, {OTHER_REPORT}, {INDIRECT}"),
    )
    .await;
    assert_eq!(status, 200);

    // 7 people × 2 courses = 14 obligations; 3 completions of "tiny".
    let (status, view) = json(&app, &admin, "/api/dashboard", &[]).await;
    assert_eq!(status, 200, "{view}");
    assert_eq!(view["overall"]["assigned"], 14);
    assert_eq!(view["overall"]["completed"], 3);
    let tiny = view["by_course"]
        .as_array()
        .unwrap()
        .iter()
        .find(|b| b["label"] == "Tiny course")
        .unwrap();
    assert_eq!(
        (
            tiny["tally"]["assigned"].as_u64(),
            tiny["tally"]["completed"].as_u64()
        ),
        (Some(7), Some(3))
    );
    let finance = view["by_department"]
        .as_array()
        .unwrap()
        .iter()
        .find(|b| b["label"] == "Finance")
        .unwrap();
    assert_eq!(
        (
            finance["tally"]["assigned"].as_u64(),
            finance["tally"]["completed"].as_u64()
        ),
        (Some(4), Some(1))
    );
    assert!(
        view["trend_svg"].as_str().unwrap().starts_with("<svg"),
        "the trend is an SVG chart"
    );

    // Filters narrow every figure: Finance only.
    let (_, finance_only) = json(
        &app,
        &admin,
        "/api/dashboard",
        &[("query[department]", "Finance")],
    )
    .await;
    assert_eq!(finance_only["overall"]["assigned"], 4);
    assert_eq!(finance_only["overall"]["completed"], 1);
    // The filters live in the page's URL, so a view can be shared.
    let page = app.get("/compliance?department=Finance").await;
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap().replace("<!>", "");
    assert!(
        html.contains(
            "4 obligations: 1 completed, 0 exempt, 0 in progress, 3 not started, 0 overdue."
        ),
        "the shared view shows Finance's figures"
    );
    assert!(
        html.contains("<svg"),
        "the trend chart is rendered on the server"
    );

    // Other people get no dashboard.
    let manager = new_client();
    app.login_with(&manager, MANAGER).await;
    let (status, _) = json(&app, &manager, "/api/dashboard", &[]).await;
    assert_eq!(status, 403);
}

#[tokio::test]
async fn exports_escape_formulas_follow_rfc_4180_and_are_for_compliance_admins_only() {
    let app = spawn_app().await;
    let _courses = with_courses(&app).await;
    // A hostile name, as an HR feed or an import might carry it.
    people_admin::add_person(
        &app.db,
        NewPerson {
            email: "mallory@example.com".to_owned(),
            name: "=HYPERLINK(\"http://evil.example\",\"Click\")".to_owned(),
            department: Some("Sales, \"EMEA\"".to_owned()),
            hire_date: NaiveDate::from_ymd_opt(2024, 3, 1).unwrap(),
            ..Default::default()
        },
        chrono::Utc::now(),
    )
    .await
    .unwrap();
    app::ssr::training::engine::recompute(
        &app.db,
        &Default::default(),
        chrono::Utc::now().date_naive(),
        chrono::Utc::now(),
    )
    .await
    .unwrap();
    let admin = new_client();
    app.login_with(&admin, COMPLIANCE).await;

    let response = app
        .post_form_with(
            &admin,
            "/exports/compliance-status.csv",
            &[("course", "tiny")],
        )
        .await;
    assert_eq!(response.status(), 200);
    assert_eq!(
        response.headers()["content-type"],
        "text/csv; charset=utf-8"
    );
    assert!(
        response.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .starts_with("attachment; filename=\"vigil-compliance-status-")
    );
    let csv = response.text().await.unwrap();
    assert!(csv.starts_with("person,email,department,"), "{csv}");
    assert!(csv.contains("\r\n"), "CRLF line ends");
    assert!(
        csv.contains("\"'=HYPERLINK(\"\"http://evil.example\"\",\"\"Click\"\")\",mallory@example.com,\"Sales, \"\"EMEA\"\"\""),
        "{csv}"
    );
    // Read back with a CSV parser: one row per person for the course, the formula neutralised.
    let mut reader = csv::Reader::from_reader(csv.as_bytes());
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 5);
    assert!(rows.iter().all(|row| !row[0].starts_with('=')));

    // The same data as JSON, without the spreadsheet prefix.
    let response = app
        .post_form_with(
            &admin,
            "/exports/compliance-status.json",
            &[("course", "tiny")],
        )
        .await;
    assert_eq!(response.headers()["content-type"], "application/json");
    let rows: Value = response.json().await.unwrap();
    assert_eq!(rows.as_array().unwrap().len(), 5);
    assert!(
        rows.as_array()
            .unwrap()
            .iter()
            .any(|r| r["person"] == "=HYPERLINK(\"http://evil.example\",\"Click\")")
    );

    // Bad filters are refused; other people are refused; every export is in the audit log.
    let response = app
        .post_form_with(
            &admin,
            "/exports/compliance-status.csv",
            &[("status", "late")],
        )
        .await;
    assert_eq!(response.status(), 422);
    assert!(
        response
            .text()
            .await
            .unwrap()
            .contains("\"late\" is not a status")
    );
    let response = app
        .post_form_with(
            &admin,
            "/exports/completion-records.csv",
            &[("from", "last week")],
        )
        .await;
    assert_eq!(response.status(), 422);
    app.login(MANAGER, PASSWORD).await;
    assert_eq!(
        app.post_form("/exports/compliance-status.csv", &[])
            .await
            .status(),
        403
    );
    let anonymous = new_client();
    assert_eq!(
        app.post_form_with(&anonymous, "/exports/compliance-status.csv", &[])
            .await
            .status(),
        401
    );

    let (_, audit) = json(&app, &admin, "/api/admin/audit", &[("action", "export")]).await;
    assert_eq!(audit["total"], 2, "{audit}");
}

#[tokio::test]
async fn a_compressed_export_arrives_whole() {
    use std::io::Read;
    let app = spawn_app().await;
    let _courses = with_courses(&app).await;
    app.login(COMPLIANCE, PASSWORD).await;
    let plain = app
        .post_form("/exports/compliance-status.csv", &[])
        .await
        .text()
        .await
        .unwrap();
    let response = app
        .client
        .post(format!("{}/exports/compliance-status.csv", app.address))
        .header("origin", &app.address)
        .header("accept-encoding", "gzip")
        .form(&[("course", "")])
        .send()
        .await
        .unwrap();
    assert_eq!(response.headers()["content-encoding"], "gzip");
    let gzipped = response.bytes().await.unwrap();
    let mut unzipped = String::new();
    flate2::read::GzDecoder::new(&gzipped[..])
        .read_to_string(&mut unzipped)
        .unwrap();
    assert_eq!(unzipped, plain);
    assert_eq!(
        plain.lines().count(),
        1 + 4 * 2,
        "a header and a row per person and course"
    );
}
