//! Organisation details: courses name contacts through placeholders, filled from values set in
//! the browser or fixed by the configuration; every version records the values it showed, and
//! evidence packs carry them.

use app::ssr::content::tree::import_tree;
use app::ssr::db::audit::Actor;
use app::ssr::training::engine::{EngineLock, recompute};
use chrono::Utc;
use serde_json::Value;

use crate::helpers::{COMPLIANCE, EMPLOYEE, PASSWORD, TestApp, new_client, spawn_app_with};
use crate::training::json;

const COURSE: &str = "id = \"report-it\"\ntitle = \"Report it\"\nsummary = \"Who to tell.\"\nkind = \"course\"\nlanguage = \"en\"\nestimated_minutes = 5\npass_mark = 100\nrecurrence = \"12 months\"\ndue_within = \"30 days\"\n\n[audience]\neveryone = true\n\n[version]\nnotes = \"First version.\"\nmaterial = false\n";
const LESSON: &str = "# Who to tell at {{org.name}}\n\nWrite to [{{contacts.security_email}}](mailto:{{contacts.security_email}}) or call {{contacts.security_phone}}.\n";
const QUIZ: &str = "## You see something odd. Who do you tell at {{org.name}}?\n\n- [x] The security team, at {{contacts.security_email}}\n- [ ] Nobody\n\n> Tell the security team.\n";

async fn app_with_course() -> (TestApp, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("organisation.toml");
    std::fs::write(&file, "[org]\nname = \"Acme Ltd\"\n").unwrap();
    let app = spawn_app_with(&[("VIGIL_ORGANISATION_FILE", file.display().to_string())]).await;
    let course = dir.path().join("content/report-it");
    std::fs::create_dir_all(&course).unwrap();
    std::fs::write(course.join("course.toml"), COURSE).unwrap();
    std::fs::write(course.join("01-who.md"), LESSON).unwrap();
    std::fs::write(course.join("quiz.md"), QUIZ).unwrap();
    import_tree(
        &app.db,
        &dir.path().join("content"),
        &Actor::system("test"),
        Utc::now(),
    )
    .await
    .unwrap();
    let now = Utc::now();
    recompute(&app.db, &EngineLock::default(), now.date_naive(), now)
        .await
        .unwrap();
    (app, dir)
}

async fn lesson_html(app: &TestApp, learner: &reqwest::Client) -> String {
    let (status, lesson) = json(
        app,
        learner,
        "/api/training/lesson",
        &[("slug", "report-it"), ("number", "1")],
    )
    .await;
    assert_eq!(status, 200, "{lesson}");
    format!(
        "{} {}",
        lesson["title"].as_str().unwrap(),
        lesson["html"].as_str().unwrap()
    )
}

async fn save(app: &TestApp, fields: &[(&str, &str)]) -> reqwest::Response {
    let form: Vec<(String, &str)> = fields
        .iter()
        .map(|(key, value)| (format!("values[{key}]"), *value))
        .collect();
    let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (k.as_str(), *v)).collect();
    app.post_form("/api/content/organisation/save", &form).await
}

async fn versions(app: &TestApp) -> Vec<Value> {
    let (_, detail) = json(
        app,
        &app.client,
        "/api/content/course",
        &[("slug", "report-it")],
    )
    .await;
    detail["versions"].as_array().unwrap().clone()
}

#[tokio::test]
async fn courses_show_the_organisations_details_and_each_version_records_them() {
    let (app, _dir) = app_with_course().await;
    let learner = new_client();
    app.login_with_password(&learner, EMPLOYEE, PASSWORD).await;

    // The configured name is filled in; unset details show what is missing.
    let html = lesson_html(&app, &learner).await;
    assert!(html.contains("Who to tell at Acme Ltd"), "{html}");
    assert!(
        html.contains("[the security team&#39;s email address]")
            || html.contains("[the security team's email address]"),
        "{html}"
    );

    app.login(COMPLIANCE, PASSWORD).await;
    let (status, page) = json(&app, &app.client, "/api/content/organisation", &[]).await;
    assert_eq!(status, 200);
    let row = |key: &str| {
        page["variables"]
            .as_array()
            .unwrap()
            .iter()
            .find(|v| v["key"] == key)
            .cloned()
            .unwrap()
    };
    assert_eq!(row("org.name")["configured"], true);
    assert_eq!(row("org.name")["value"], "Acme Ltd");
    assert_eq!(row("contacts.security_email")["value"], "");
    assert_eq!(
        row("contacts.security_email")["used_by"],
        serde_json::json!(["Report it"])
    );
    assert_eq!(row("contacts.dpo_email")["used_by"], serde_json::json!([]));

    // Bad input gets a sentence naming the detail, and changes nothing.
    let refused = save(&app, &[("contacts-security_email", "not an address")]).await;
    assert_eq!(refused.status(), 422);
    let message = refused.text().await.unwrap();
    assert!(
        message.contains("The security team's email address must be an email address"),
        "{message}"
    );
    let refused = save(&app, &[("org-name", "Someone Else Ltd")]).await;
    assert_eq!(refused.status(), 422);
    assert!(
        refused
            .text()
            .await
            .unwrap()
            .contains("set in the configuration file")
    );
    let refused = save(&app, &[("contacts-nonsense", "x")]).await;
    assert_eq!(refused.status(), 422);
    assert_eq!(versions(&app).await.len(), 1, "nothing was published");

    // A change publishes a new version, not a material one, which records what it shows.
    let saved = save(
        &app,
        &[
            ("contacts-security_email", "security@acme.example"),
            ("contacts-security_phone", "extension 4444"),
            ("org-name", "Acme Ltd"),
        ],
    )
    .await;
    assert_eq!(saved.status(), 200);
    assert_eq!(saved.headers()["location"], "/content/organisation?saved=1");
    let listed = versions(&app).await;
    assert_eq!(listed.len(), 2, "{listed:?}");
    assert_eq!(listed[0]["version"], 2);
    assert_eq!(listed[0]["material"], false);
    assert_eq!(listed[0]["via"], "variables");
    assert_ne!(listed[0]["content_hash"], listed[1]["content_hash"]);

    let html = lesson_html(&app, &learner).await;
    assert!(
        html.contains(r#"href="mailto:security@acme.example""#),
        "{html}"
    );
    assert!(html.contains("call extension 4444"), "{html}");

    // Saving the same values again publishes nothing.
    let again = save(
        &app,
        &[("contacts-security_email", "security@acme.example")],
    )
    .await;
    assert_eq!(again.headers()["location"], "/content/organisation?saved=0");
    assert_eq!(versions(&app).await.len(), 2);

    // The evidence pack has each version's values beside its files.
    let today = Utc::now().date_naive();
    let pack = app
        .post_form(
            "/evidence/pack.zip",
            &[
                ("from", &(today - chrono::Days::new(1)).to_string()),
                ("to", &today.to_string()),
            ],
        )
        .await;
    assert_eq!(pack.status(), 200);
    let files = app::ssr::evidence::unzip(&pack.bytes().await.unwrap()).unwrap();
    let recorded = |version: u32| -> Value {
        serde_json::from_slice(
            files
                .get(&format!(
                    "courses/report-it/v{version}/organisation-variables.json"
                ))
                .unwrap_or_else(|| panic!("v{version} has its values in the pack")),
        )
        .unwrap()
    };
    assert_eq!(
        recorded(1),
        serde_json::json!({
            "contacts.security_email": null,
            "contacts.security_phone": null,
            "org.name": "Acme Ltd",
        })
    );
    assert_eq!(
        recorded(2)["contacts.security_email"],
        "security@acme.example"
    );
    let audit = String::from_utf8(files["audit-log.csv"].clone()).unwrap();
    assert!(audit.contains("organisation.variables"), "{audit}");
    assert!(audit.contains("content.publish"), "{audit}");

    // Learners cannot see or change the details.
    let (status, _) = json(&app, &learner, "/api/content/organisation", &[]).await;
    assert_eq!(status, 403);
    let forbidden = app
        .post_form_with(
            &learner,
            "/api/content/organisation/save",
            &[("values[contacts-security_email]", "evil@example.org")],
        )
        .await;
    assert_eq!(forbidden.status(), 403);
}
