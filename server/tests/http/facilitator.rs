//! Facilitator packs: a course's slides, discussion guide and one-on-one checklist are published
//! with it and shown to managers and compliance administrators, with organisation details
//! filled in; employees are refused.

use app::ssr::content::tree::import_tree;
use app::ssr::db::audit::Actor;
use chrono::Utc;

use crate::helpers::{COMPLIANCE, EMPLOYEE, MANAGER, PASSWORD, TestApp, new_client, spawn_app};
use crate::training::json;

const COURSE: &str = "id = \"data-at-work\"\ntitle = \"Data at work\"\nsummary = \"Handle data well.\"\nkind = \"course\"\nlanguage = \"en\"\nestimated_minutes = 5\npass_mark = 100\nrecurrence = \"12 months\"\ndue_within = \"30 days\"\n\n[audience]\nmanagers = true\n\n[version]\nnotes = \"First version.\"\nmaterial = false\n";
const LESSON: &str = "# Classify it\n\nLabel what you create.\n";
const QUIZ: &str = "## Who labels a new document?\n\n- [x] Whoever creates it\n- [ ] The security team\n\n> The author knows what is in it.\n";
const SLIDES: &str = "# Data at work\n\nA briefing for your team.\n\n---\n\n# Who to call\n\n- Suspected leak: {{contacts.security_phone}}\n\n> **Notes:** Say it twice.\n\n---\n\n# Questions?\n";
const GUIDE: &str =
    "# Discussion guide\n\n## Scenario\n\nA spreadsheet goes to the wrong person.\n";
const CHECKLIST: &str = "# One-on-one checklist\n\n- [ ] They know the levels\n";

async fn app_with_pack(with_pack: bool) -> (TestApp, tempfile::TempDir) {
    let app = spawn_app().await;
    let dir = tempfile::tempdir().unwrap();
    let course = dir.path().join("data-at-work");
    std::fs::create_dir_all(course.join("facilitator")).unwrap();
    std::fs::write(course.join("course.toml"), COURSE).unwrap();
    std::fs::write(course.join("01-classify.md"), LESSON).unwrap();
    std::fs::write(course.join("quiz.md"), QUIZ).unwrap();
    if with_pack {
        std::fs::write(course.join("facilitator/slides.md"), SLIDES).unwrap();
        std::fs::write(course.join("facilitator/discussion-guide.md"), GUIDE).unwrap();
        std::fs::write(
            course.join("facilitator/one-on-one-checklist.md"),
            CHECKLIST,
        )
        .unwrap();
    }
    import_tree(&app.db, dir.path(), &Actor::system("test"), Utc::now())
        .await
        .unwrap();
    (app, dir)
}

#[tokio::test]
async fn managers_get_the_pack_with_organisation_details_and_employees_do_not() {
    let (app, _dir) = app_with_pack(true).await;

    let manager = new_client();
    app.login_with_password(&manager, MANAGER, PASSWORD).await;
    let (status, list) = json(&app, &manager, "/api/content/facilitator-packs", &[]).await;
    assert_eq!(status, 200, "{list}");
    assert_eq!(list[0]["slug"], "data-at-work");
    assert_eq!(list[0]["slides"], 3);
    assert_eq!(list[0]["guide"], true);
    assert_eq!(list[0]["checklist"], true);

    let (status, pack) = json(
        &app,
        &manager,
        "/api/content/facilitator",
        &[("slug", "data-at-work")],
    )
    .await;
    assert_eq!(status, 200, "{pack}");
    let titles: Vec<&str> = pack["slides"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["title"].as_str().unwrap())
        .collect();
    assert_eq!(titles, ["Data at work", "Who to call", "Questions?"]);
    let second = pack["slides"][1]["html"].as_str().unwrap();
    assert!(
        second.contains("Suspected leak: [the security team"),
        "an unset detail shows what is missing: {second}"
    );
    assert!(
        second.contains("<blockquote>"),
        "speaker notes kept: {second}"
    );
    assert_eq!(pack["guide"]["title"], "Discussion guide");
    assert_eq!(pack["checklist"]["title"], "One-on-one checklist");

    // The page renders without JavaScript, with each slide labelled.
    let page = manager
        .get(format!("{}/facilitator/data-at-work", app.address))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    assert!(html.contains("Slide 2 of 3: Who to call"), "{html}");

    // Compliance administrators, who record the sessions, see it too.
    app.login(COMPLIANCE, PASSWORD).await;
    let (status, _) = json(
        &app,
        &app.client,
        "/api/content/facilitator",
        &[("slug", "data-at-work")],
    )
    .await;
    assert_eq!(status, 200);

    // An employee with no reports does not.
    let employee = new_client();
    app.login_with_password(&employee, EMPLOYEE, PASSWORD).await;
    for (path, form) in [
        ("/api/content/facilitator-packs", vec![]),
        ("/api/content/facilitator", vec![("slug", "data-at-work")]),
    ] {
        let (status, _) = json(&app, &employee, path, &form).await;
        assert_eq!(status, 403, "{path}");
    }
}

#[tokio::test]
async fn a_course_without_a_pack_is_not_listed_and_its_pack_is_not_found() {
    let (app, _dir) = app_with_pack(false).await;
    let manager = new_client();
    app.login_with_password(&manager, MANAGER, PASSWORD).await;
    let (status, list) = json(&app, &manager, "/api/content/facilitator-packs", &[]).await;
    assert_eq!(status, 200);
    assert_eq!(list, serde_json::json!([]));
    let (status, _) = json(
        &app,
        &manager,
        "/api/content/facilitator",
        &[("slug", "data-at-work")],
    )
    .await;
    assert_eq!(status, 404);
}
