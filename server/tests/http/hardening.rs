//! The smaller holes found in review, each shown closed: repeated acknowledgements, parallel
//! quiz starts, uploads with the wrong content type, course images for people the course does
//! not concern, forged Host headers, and caching of personal answers.

use reqwest::header;
use sea_orm::ConnectionTrait;

use crate::helpers::{COMPLIANCE, EMPLOYEE, MANAGER, PASSWORD, TestApp, new_client, spawn_app};
use crate::training::with_courses;

async fn count(app: &TestApp, sql: &str) -> usize {
    app.db
        .query_all_raw(sea_orm::Statement::from_string(
            app.db.get_database_backend(),
            sql.to_owned(),
        ))
        .await
        .unwrap()
        .len()
}

#[tokio::test]
async fn acknowledging_a_policy_again_adds_no_record_and_no_certificate() {
    let app = spawn_app().await;
    let _content = with_courses(&app).await;
    app.login(EMPLOYEE, PASSWORD).await;
    app.post_form("/api/training/read", &[("slug", "rules")])
        .await;
    // The policy asks for a minute of reading: the test moves its opening back instead.
    app.db
        .execute_unprepared("UPDATE reading_progress SET opened_at = '2020-01-01 00:00:00+00:00'")
        .await
        .unwrap();
    let acknowledge = || async {
        app.post_form(
            "/api/training/acknowledge",
            &[("slug", "rules"), ("accept", "yes")],
        )
        .await
    };
    let (first, second, third) = tokio::join!(acknowledge(), acknowledge(), acknowledge());
    for response in [&first, &second, &third] {
        assert_eq!(response.status(), 200);
    }
    let locations: Vec<_> = [first, second, third]
        .iter()
        .map(|r| {
            r.headers()
                .get("location")
                .map(|l| l.to_str().unwrap().to_owned())
        })
        .collect();
    assert!(locations.windows(2).all(|w| w[0] == w[1]), "{locations:?}");
    assert_eq!(
        count(
            &app,
            "SELECT sequence FROM completion_records WHERE kind = 'acknowledgement'"
        )
        .await,
        1
    );
    assert_eq!(
        count(&app, "SELECT record_sequence FROM certificates").await,
        1
    );
}

#[tokio::test]
async fn parallel_quiz_starts_open_one_attempt() {
    let app = spawn_app().await;
    let _content = with_courses(&app).await;
    app.login(EMPLOYEE, PASSWORD).await;
    let starts = (0..10).map(|_| app.post_form("/api/training/quiz/start", &[("slug", "tiny")]));
    let responses = futures::future::join_all(starts).await;
    let attempts: std::collections::BTreeSet<String> = responses
        .iter()
        .map(|r| {
            assert_eq!(r.status(), 200);
            r.headers()["location"].to_str().unwrap().to_owned()
        })
        .collect();
    assert_eq!(attempts.len(), 1, "{attempts:?}");
    assert_eq!(count(&app, "SELECT id FROM quiz_attempts").await, 1);
}

#[tokio::test]
async fn an_upload_with_another_content_type_is_refused_before_anything_decodes_it() {
    let app = spawn_app().await;
    for path in ["/api/content/upload", "/api/people/import/upload"] {
        for client in [new_client(), {
            let signed_in = new_client();
            app.login_with(&signed_in, COMPLIANCE).await;
            signed_in
        }] {
            let response = client
                .post(format!("{}{path}", app.address))
                .header(header::ORIGIN, &app.address)
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .body("course=zip")
                .send()
                .await
                .unwrap();
            assert_eq!(response.status(), 400, "{path}");
            let broken = client
                .post(format!("{}{path}", app.address))
                .header(header::ORIGIN, &app.address)
                .header(header::CONTENT_TYPE, "multipart/form-data")
                .body("no boundary")
                .send()
                .await
                .unwrap();
            assert_eq!(broken.status(), 400, "{path}");
        }
    }
    // The server is still answering.
    assert_eq!(app.login(EMPLOYEE, PASSWORD).await.status(), 200);
}

#[tokio::test]
async fn a_course_image_reaches_only_people_the_course_concerns() {
    let app = spawn_app().await;
    let dir = tempfile::tempdir().unwrap();
    let course = dir.path().join("heads");
    std::fs::create_dir_all(&course).unwrap();
    std::fs::write(
        course.join("course.toml"),
        "id = \"heads\"\ntitle = \"For heads\"\nsummary = \"s\"\nkind = \"course\"\nlanguage = \"en\"\nestimated_minutes = 5\npass_mark = 50\nrecurrence = \"12 months\"\ndue_within = \"30 days\"\n\n[audience]\nmanagers = true\n\n[version]\nnotes = \"v1\"\nmaterial = false\n",
    )
    .unwrap();
    std::fs::write(course.join("01-a.md"), "# A\n\n![plan](plan.png)\n").unwrap();
    std::fs::write(course.join("plan.png"), b"\x89PNG\r\n\x1a\nnot really").unwrap();
    std::fs::write(
        course.join("quiz.md"),
        "## Q?\n\n- [x] Yes\n- [ ] No\n\n> Yes.\n",
    )
    .unwrap();
    app::ssr::content::tree::import_tree(
        &app.db,
        dir.path(),
        &app::ssr::db::audit::Actor::system("test"),
        chrono::Utc::now(),
    )
    .await
    .unwrap();
    let now = chrono::Utc::now();
    app::ssr::training::engine::recompute(
        &app.db,
        &app::ssr::training::engine::EngineLock::default(),
        now.date_naive(),
        now,
    )
    .await
    .unwrap();
    let hash = app.current_content_hash("heads").await;
    let image = |client: reqwest::Client| {
        let url = format!("{}/course-assets/{hash}/plan.png", app.address);
        async move { client.get(url).send().await.unwrap().status().as_u16() }
    };
    let manager = new_client();
    app.login_with(&manager, MANAGER).await;
    assert_eq!(image(manager).await, 200, "assigned to managers");
    let employee = new_client();
    app.login_with(&employee, EMPLOYEE).await;
    assert_eq!(image(employee).await, 404, "not assigned to this employee");
    let compliance = new_client();
    app.login_with(&compliance, COMPLIANCE).await;
    assert_eq!(
        image(compliance).await,
        200,
        "compliance admins see every course"
    );
}

#[tokio::test]
async fn a_forged_host_is_refused() {
    let app = spawn_app().await;
    let forged = reqwest::Client::new()
        .get(format!("{}/login", app.address))
        .header(header::HOST, "evil.example")
        .send()
        .await
        .unwrap();
    assert_eq!(forged.status(), 421);
    let fine = app.get("/login").await;
    assert_eq!(fine.status(), 200);
}

#[tokio::test]
async fn personal_pages_and_json_are_never_cached() {
    let app = spawn_app().await;
    app.login(EMPLOYEE, PASSWORD).await;
    let page = app.get("/training").await;
    assert_eq!(page.headers()["cache-control"], "no-store");
    let api = app.post_form("/api/session/current", &[]).await;
    assert_eq!(api.headers()["cache-control"], "no-store");
    let login = app.get("/login").await;
    assert_eq!(login.headers()["cache-control"], "no-store");
}

/// Makes the database refuse audit entries for `action`, as a full disk or a broken audit
/// table would, to see whether the change they describe is kept without them.
async fn refuse_audit_entries(app: &TestApp, action: &str) {
    app.db
        .execute_unprepared(&format!(
            "CREATE TRIGGER refuse_{name} BEFORE INSERT ON audit_events \
             WHEN NEW.action = '{action}' BEGIN SELECT RAISE(ABORT, 'audit refused'); END",
            name = action.replace('.', "_")
        ))
        .await
        .unwrap();
}

#[tokio::test]
async fn an_admin_change_whose_audit_entry_fails_is_not_kept() {
    let app = spawn_app().await;
    let _content = with_courses(&app).await;
    app.login(COMPLIANCE, PASSWORD).await;
    refuse_audit_entries(&app, "rules.update").await;
    refuse_audit_entries(&app, "exemption.grant").await;

    let rule = app
        .post_form(
            "/api/admin/rules/save",
            &[("slug", "tiny"), ("managers", "yes")],
        )
        .await;
    assert_eq!(rule.status(), 500);
    let (_, rule) =
        crate::training::json(&app, &app.client, "/api/admin/rules", &[("slug", "tiny")]).await;
    assert_eq!(
        (rule["managers"].as_bool(), rule["everyone"].as_bool()),
        (Some(false), Some(true)),
        "the rule is as it was: {rule}"
    );

    let exemption = app
        .post_form(
            "/api/admin/exemptions/grant",
            &[
                ("email", MANAGER),
                ("course", "tiny"),
                ("reason", "On leave"),
                ("starts_on", "2026-01-01"),
            ],
        )
        .await;
    assert_eq!(exemption.status(), 500);
    assert_eq!(count(&app, "SELECT id FROM exemptions").await, 0);
}

#[tokio::test]
async fn two_revocations_of_one_exemption_at_once_revoke_it_once() {
    let app = spawn_app().await;
    let _content = with_courses(&app).await;
    app.login(COMPLIANCE, PASSWORD).await;
    let granted = app
        .post_form(
            "/api/admin/exemptions/grant",
            &[
                ("email", MANAGER),
                ("course", "tiny"),
                ("reason", "On leave"),
                ("starts_on", "2026-01-01"),
            ],
        )
        .await;
    assert_eq!(granted.status(), 200);
    let id = app::ssr::db::training::exemptions(&app.db).await.unwrap()[0]
        .id
        .to_string();
    let form = [("id", id.as_str())];
    let (a, b) = tokio::join!(
        app.post_form("/api/admin/exemptions/revoke", &form),
        app.post_form("/api/admin/exemptions/revoke", &form)
    );
    let mut statuses = [a.status().as_u16(), b.status().as_u16()];
    statuses.sort_unstable();
    assert_eq!(
        statuses,
        [200, 404],
        "one revocation, and one told it is gone"
    );
    assert_eq!(
        count(
            &app,
            "SELECT id FROM audit_events WHERE action = 'exemption.revoke'"
        )
        .await,
        1,
        "audited once"
    );
}
