//! Publishing through the browser's server functions: editing, uploading, checking, publishing,
//! retiring, and who may do it.

use std::io::Write;

use reqwest::multipart::{Form, Part};
use serde_json::Value;

use crate::helpers::{COMPLIANCE, EMPLOYEE, PASSWORD, PLATFORM, TestApp, new_client, spawn_app};

const TOML: &str = "id = \"wire-fraud\"\ntitle = \"Wire fraud\"\nsummary = \"Stop payment fraud.\"\nkind = \"course\"\nlanguage = \"en\"\nestimated_minutes = 10\npass_mark = 80\nrecurrence = \"12 months\"\ndue_within = \"30 days\"\n\n[audience]\nroles = [\"department-head\"]\n\n[version]\nnotes = \"First version.\"\nmaterial = false\n";
const QUIZ: &str = "## Who confirms a change of bank details?\n\n- [x] You, by calling a number already on file\n- [ ] The sender of the email\n\n> Never verify through the channel that asked.\n";

fn zip_of(files: &[(&str, &[u8])]) -> Vec<u8> {
    let mut writer = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for (name, bytes) in files {
        writer
            .start_file(*name, zip::write::SimpleFileOptions::default())
            .unwrap();
        writer.write_all(bytes).unwrap();
    }
    writer.finish().unwrap().into_inner()
}

fn course_zip() -> Vec<u8> {
    zip_of(&[
        ("wire-fraud/course.toml", TOML.as_bytes()),
        (
            "wire-fraud/01-the-scam.md",
            b"# The scam\n\nA supplier 'changes' bank details.\n\n![The email](images/email.png)\n",
        ),
        (
            "wire-fraud/images/email.png",
            b"\x89PNG\r\n\x1a\nnot really",
        ),
        ("wire-fraud/quiz.md", QUIZ.as_bytes()),
    ])
}

async fn upload(app: &TestApp, bytes: Vec<u8>) -> reqwest::Response {
    let form = Form::new().part(
        "course",
        Part::bytes(bytes)
            .file_name("course.zip")
            .mime_str("application/zip")
            .unwrap(),
    );
    app.client
        .post(format!("{}/api/content/upload", app.address))
        .header("origin", &app.address)
        .header("accept", "application/json")
        .multipart(form)
        .send()
        .await
        .unwrap()
}

fn draft_id_from(response: &reqwest::Response) -> i64 {
    let location = response
        .headers()
        .get("location")
        .expect("a redirect to the draft")
        .to_str()
        .unwrap();
    location
        .rsplit('/')
        .next()
        .unwrap()
        .parse()
        .expect("a draft id")
}

async fn json(app: &TestApp, path: &str, form: &[(&str, &str)]) -> Value {
    let response = app.post_form(path, form).await;
    assert_eq!(response.status(), 200, "{path}");
    response.json().await.unwrap()
}

#[tokio::test]
async fn an_uploaded_course_is_checked_previewed_and_published_with_its_history() {
    let app = spawn_app().await;
    app.login(COMPLIANCE, PASSWORD).await;
    let response = upload(&app, course_zip()).await;
    assert_eq!(response.status(), 200);
    let draft = draft_id_from(&response);

    let view = json(
        &app,
        "/api/content/draft",
        &[("draft_id", &draft.to_string())],
    )
    .await;
    assert_eq!(view["problems"], Value::Array(vec![]));
    let lesson_html = view["preview"]["lessons"][0][1].as_str().unwrap();
    assert!(
        lesson_html.contains(&format!("/draft-assets/{draft}/images/email.png")),
        "{lesson_html}"
    );
    let image = app
        .client
        .get(format!(
            "{}/draft-assets/{draft}/images/email.png",
            app.address
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(image.status(), 200);
    assert_eq!(image.headers()["content-type"], "image/png");

    let published = app
        .post_form(
            "/api/content/draft/save",
            &[
                ("draft_id", &draft.to_string()),
                ("intent", "publish"),
                ("version_notes", "First version."),
            ],
        )
        .await;
    assert_eq!(published.status(), 200);
    assert_eq!(
        published.headers()["location"],
        "/content/course/wire-fraud?published=1"
    );

    let detail = json(&app, "/api/content/course", &[("slug", "wire-fraud")]).await;
    assert_eq!(detail["course"]["version"], 1);
    assert_eq!(detail["audience"], "roles: department-head");
    assert_eq!(detail["versions"][0]["published_by"], "Carl Compliance");
    assert_eq!(detail["versions"][0]["via"], "web");
    assert_eq!(
        detail["draft_id"],
        Value::Null,
        "the draft is gone once published"
    );
}

#[tokio::test]
async fn editing_in_the_browser_makes_a_new_version_marked_material() {
    let app = spawn_app().await;
    app.login(COMPLIANCE, PASSWORD).await;
    let draft = draft_id_from(&upload(&app, course_zip()).await);
    app.post_form(
        "/api/content/draft/save",
        &[
            ("draft_id", &draft.to_string()),
            ("intent", "publish"),
            ("version_notes", "First version."),
        ],
    )
    .await;

    let edit = app
        .post_form("/api/content/edit", &[("slug", "wire-fraud")])
        .await;
    assert_eq!(edit.status(), 200);
    let draft = draft_id_from(&edit);
    let view = json(
        &app,
        "/api/content/draft",
        &[("draft_id", &draft.to_string())],
    )
    .await;
    let files: Vec<String> = view["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["path"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(files[0], "course.toml", "metadata comes first");

    let saved = app
        .post_form(
            "/api/content/draft/save",
            &[
                ("draft_id", &draft.to_string()),
                ("paths[0]", "01-the-scam.md"),
                ("contents[0]", "# The scam\r\n\r\nCall the number **on file**, never the one in the email.\r\n"),
                ("intent", "publish"),
                ("version_notes", "Added how to verify."),
                ("material", "yes"),
            ],
        )
        .await;
    assert_eq!(
        saved.headers()["location"],
        "/content/course/wire-fraud?published=2"
    );

    let detail = json(&app, "/api/content/course", &[("slug", "wire-fraud")]).await;
    assert_eq!(detail["versions"][0]["version"], 2);
    assert_eq!(detail["versions"][0]["material"], true);
    assert_eq!(detail["versions"][0]["notes"], "Added how to verify.");
    assert_eq!(detail["versions"][1]["material"], false);
    let v2 = json(
        &app,
        "/api/content/version",
        &[("slug", "wire-fraud"), ("version", "2")],
    )
    .await;
    assert!(
        v2[1]["lessons"][0][1]
            .as_str()
            .unwrap()
            .contains("<strong>on file</strong>")
    );
    let v1 = json(
        &app,
        "/api/content/version",
        &[("slug", "wire-fraud"), ("version", "1")],
    )
    .await;
    assert!(
        !v1[1]["lessons"][0][1].as_str().unwrap().contains("on file"),
        "version 1 is unchanged"
    );
}

#[tokio::test]
async fn a_course_with_problems_shows_them_and_is_not_published() {
    let app = spawn_app().await;
    app.login(COMPLIANCE, PASSWORD).await;
    let broken = zip_of(&[
        ("course.toml", TOML.as_bytes()),
        ("01-a.md", b"# A\n"),
        ("quiz.md", b"## Q?\n\n- [ ] A\n- [ ] B\n\n> Why.\n"),
    ]);
    let draft = draft_id_from(&upload(&app, broken).await);
    let view = json(
        &app,
        "/api/content/draft",
        &[("draft_id", &draft.to_string())],
    )
    .await;
    assert_eq!(
        view["problems"][0],
        "quiz.md:1: question \"Q?\" has no correct option; mark the right ones with - [x]"
    );
    assert_eq!(view["preview"], Value::Null);

    let publish = app
        .post_form(
            "/api/content/draft/save",
            &[
                ("draft_id", &draft.to_string()),
                ("intent", "publish"),
                ("version_notes", "x"),
            ],
        )
        .await;
    assert_eq!(publish.status(), 422);
    assert!(publish.text().await.unwrap().contains("HasProblems"));
    let list = json(&app, "/api/content/list", &[]).await;
    assert_eq!(list[0], Value::Array(vec![]), "nothing was published");
}

#[tokio::test]
async fn something_that_is_not_a_course_zip_is_refused_clearly() {
    let app = spawn_app().await;
    app.login(COMPLIANCE, PASSWORD).await;
    let response = upload(&app, b"%PDF-1.7 not a zip".to_vec()).await;
    assert_eq!(response.status(), 422);
    assert!(response.text().await.unwrap().contains("UploadUnreadable"));
}

#[tokio::test]
async fn retiring_needs_confirmation_and_is_recorded() {
    let app = spawn_app().await;
    app.login(COMPLIANCE, PASSWORD).await;
    let draft = draft_id_from(&upload(&app, course_zip()).await);
    app.post_form(
        "/api/content/draft/save",
        &[
            ("draft_id", &draft.to_string()),
            ("intent", "publish"),
            ("version_notes", "v1"),
        ],
    )
    .await;

    let unconfirmed = app
        .post_form(
            "/api/content/retire",
            &[("slug", "wire-fraud"), ("reason", "Merged")],
        )
        .await;
    assert_eq!(unconfirmed.status(), 422);
    let retired = app
        .post_form(
            "/api/content/retire",
            &[
                ("slug", "wire-fraud"),
                ("reason", "Merged into phishing"),
                ("confirm", "yes"),
            ],
        )
        .await;
    assert_eq!(retired.status(), 200);
    let detail = json(&app, "/api/content/course", &[("slug", "wire-fraud")]).await;
    assert_eq!(detail["course"]["retired"], true);
    assert_eq!(detail["retired_by"], "Carl Compliance");
    assert_eq!(detail["retired_reason"], "Merged into phishing");
    assert_eq!(
        app.post_form("/api/content/restore", &[("slug", "wire-fraud")])
            .await
            .status(),
        200
    );
}

#[tokio::test]
async fn only_compliance_admins_may_publish_and_drafts_are_private() {
    let app = spawn_app().await;
    app.login(COMPLIANCE, PASSWORD).await;
    let draft = draft_id_from(&upload(&app, course_zip()).await);

    for email in [EMPLOYEE, PLATFORM] {
        let other = new_client();
        app.login_with(&other, email).await;
        for (path, form) in [
            ("/api/content/list", vec![]),
            ("/api/content/draft", vec![("draft_id", draft.to_string())]),
            (
                "/api/content/new",
                vec![
                    ("course_id", "x-course".to_owned()),
                    ("kind", "course".to_owned()),
                ],
            ),
            (
                "/api/content/retire",
                vec![
                    ("slug", "wire-fraud".to_owned()),
                    ("confirm", "yes".to_owned()),
                ],
            ),
        ] {
            let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
            let response = app.post_form_with(&other, path, &form).await;
            assert_eq!(response.status(), 403, "{email} {path}");
        }
        let image = other
            .get(format!(
                "{}/draft-assets/{draft}/images/email.png",
                app.address
            ))
            .send()
            .await
            .unwrap();
        assert_eq!(
            image.status(),
            404,
            "{email} cannot fetch another person's draft image"
        );
    }

    // Another compliance admin cannot open this admin's draft either.
    let second_admin = app::ssr::people_admin::add_person(
        &app.db,
        app::ssr::people_admin::NewPerson {
            email: "second.admin@example.com".into(),
            name: "Second Admin".into(),
            compliance_admin: true,
            password: Some(PASSWORD.into()),
            ..Default::default()
        },
        chrono::Utc::now(),
    )
    .await
    .unwrap();
    let other = new_client();
    app.login_with(&other, &second_admin.email).await;
    let response = app
        .post_form_with(
            &other,
            "/api/content/draft",
            &[("draft_id", &draft.to_string())],
        )
        .await;
    assert_eq!(response.status(), 404);
    let anonymous = reqwest::Client::new()
        .get(format!(
            "{}/draft-assets/{draft}/images/email.png",
            app.address
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(anonymous.status(), 401);
}

#[tokio::test]
async fn published_images_need_a_session_and_svg_is_sandboxed() {
    let app = spawn_app().await;
    app.login(COMPLIANCE, PASSWORD).await;
    let svg = b"<svg xmlns=\"http://www.w3.org/2000/svg\"><script>alert(1)</script></svg>";
    let bytes = zip_of(&[
        ("course.toml", TOML.as_bytes()),
        ("01-a.md", b"# A\n\n![diagram](d.svg)\n"),
        ("d.svg", svg),
        ("quiz.md", QUIZ.as_bytes()),
    ]);
    let draft = draft_id_from(&upload(&app, bytes).await);
    app.post_form(
        "/api/content/draft/save",
        &[
            ("draft_id", &draft.to_string()),
            ("intent", "publish"),
            ("version_notes", "v1"),
        ],
    )
    .await;
    let version = json(
        &app,
        "/api/content/version",
        &[("slug", "wire-fraud"), ("version", "1")],
    )
    .await;
    let hash = version[0]["content_hash"].as_str().unwrap().to_owned();

    let image = app
        .client
        .get(format!("{}/course-assets/{hash}/d.svg", app.address))
        .send()
        .await
        .unwrap();
    assert_eq!(image.status(), 200);
    assert_eq!(image.headers()["content-type"], "image/svg+xml");
    assert!(
        image.headers()["content-security-policy"]
            .to_str()
            .unwrap()
            .contains("sandbox")
    );
    assert!(
        image.headers()["cache-control"]
            .to_str()
            .unwrap()
            .contains("immutable")
    );

    let anonymous = reqwest::Client::new()
        .get(format!("{}/course-assets/{hash}/d.svg", app.address))
        .send()
        .await
        .unwrap();
    assert_eq!(anonymous.status(), 401);
}

#[tokio::test]
async fn the_content_pages_render_without_javascript() {
    let app = spawn_app().await;
    app.login(COMPLIANCE, PASSWORD).await;
    let draft = draft_id_from(&upload(&app, course_zip()).await);
    let editor = app
        .get(&format!("/content/draft/{draft}"))
        .await
        .text()
        .await
        .unwrap()
        .replace("<!>", "");
    assert!(editor.contains("Editing wire-fraud"), "editor heading");
    assert!(
        editor.contains("name=\"contents[0]\""),
        "files are editable text areas"
    );
    assert!(editor.contains("No problems found"), "checks are shown");
    app.post_form(
        "/api/content/draft/save",
        &[
            ("draft_id", &draft.to_string()),
            ("intent", "publish"),
            ("version_notes", "v1"),
        ],
    )
    .await;
    let list = app
        .get("/content")
        .await
        .text()
        .await
        .unwrap()
        .replace("<!>", "");
    assert!(
        list.contains("Wire fraud") && list.contains("v1"),
        "the list shows the course"
    );
    let history = app
        .get("/content/course/wire-fraud")
        .await
        .text()
        .await
        .unwrap()
        .replace("<!>", "");
    assert!(history.contains("Version history") && history.contains("Carl Compliance"));
}

#[tokio::test]
async fn a_pathological_lesson_is_refused_with_its_line_and_stalls_nobody() {
    let app = spawn_app().await;
    app.login(COMPLIANCE, PASSWORD).await;
    let lesson = format!(
        "# Nested\n\n{}x\n\n{}x\n\n{}\n",
        ">".repeat(20_000),
        "- ".repeat(20_000),
        "[ (](".repeat(40_000)
    );
    let zip = zip_of(&[
        ("course.toml", TOML.as_bytes()),
        ("01-nested.md", lesson.as_bytes()),
        ("quiz.md", QUIZ.as_bytes()),
    ]);
    let draft = draft_id_from(&upload(&app, zip).await).to_string();
    // Viewing the draft again and again while others use Vigil: everyone is answered promptly.
    let form = [("draft_id", draft.as_str())];
    let views = (0..5).map(|_| json(&app, "/api/content/draft", &form));
    let employee = new_client();
    assert_eq!(app.login_with(&employee, EMPLOYEE).await.status(), 200);
    let others = (0..20).map(|_| async {
        let started = std::time::Instant::now();
        let response = app
            .post_form_with(&employee, "/api/training/mine", &[])
            .await;
        assert_eq!(response.status(), 200);
        started.elapsed()
    });
    let (views, waits) = tokio::join!(
        futures::future::join_all(views),
        futures::future::join_all(others)
    );
    for view in views {
        assert_eq!(
            view["problems"][0],
            "01-nested.md:3: block quotes and lists nested 20000 deep; the limit is 16"
        );
    }
    let slowest = waits.into_iter().max().unwrap();
    assert!(
        slowest < std::time::Duration::from_secs(10),
        "another person waited {slowest:?}"
    );
}

fn write_tree(root: &std::path::Path, lesson: &str) {
    let folder = root.join("wire-fraud");
    std::fs::create_dir_all(&folder).unwrap();
    std::fs::write(folder.join("course.toml"), TOML).unwrap();
    std::fs::write(folder.join("01-the-scam.md"), lesson).unwrap();
    std::fs::write(folder.join("quiz.md"), QUIZ).unwrap();
}

async fn versions_of(app: &TestApp) -> Vec<(i64, String)> {
    let detail = json(app, "/api/content/course", &[("slug", "wire-fraud")]).await;
    detail["versions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| {
            (
                v["version"].as_i64().unwrap(),
                v["via"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

#[tokio::test]
async fn a_browser_edit_survives_restarts_and_goes_back_to_git_as_the_same_version() {
    let tree = tempfile::tempdir().unwrap();
    write_tree(
        tree.path(),
        "# The scam\n\nA supplier 'changes' bank details.\n",
    );
    let settings = [("VIGIL_CONTENT_DIR", tree.path().display().to_string())];
    let app = crate::helpers::spawn_app_with(&settings).await;
    app.login(COMPLIANCE, PASSWORD).await;
    assert_eq!(versions_of(&app).await, [(1, "git".to_owned())]);

    // Edited and published in the browser.
    let draft = draft_id_from(
        &app.post_form("/api/content/edit", &[("slug", "wire-fraud")])
            .await,
    );
    let saved = app
        .post_form(
            "/api/content/draft/save",
            &[
                ("draft_id", &draft.to_string()),
                ("paths[0]", "01-the-scam.md"),
                ("contents[0]", "# The scam\n\nCall the number on file.\n"),
                ("intent", "publish"),
                ("version_notes", "Added how to verify."),
            ],
        )
        .await;
    assert_eq!(
        saved.headers()["location"],
        "/content/course/wire-fraud?published=2"
    );

    // A restart imports the unchanged git tree: the browser's version stands.
    let restarted = crate::helpers::spawn_instance(app.database_url.clone(), &settings).await;
    restarted.login(COMPLIANCE, PASSWORD).await;
    assert_eq!(
        versions_of(&restarted).await,
        [(2, "web".to_owned()), (1, "git".to_owned())]
    );

    // Git changes too: the import reports the conflict and publishes nothing.
    write_tree(tree.path(), "# The scam\n\nA different git edit.\n");
    let results = app::ssr::content::tree::import_tree(
        &restarted.db,
        tree.path(),
        &app::ssr::db::audit::Actor::system("test"),
        chrono::Utc::now(),
    )
    .await
    .unwrap();
    assert!(
        matches!(
            results[0].1,
            app::ssr::content::tree::ImportResult::Conflict { version: 2, .. }
        ),
        "a conflict with version 2"
    );
    assert_eq!(versions_of(&restarted).await.len(), 2);

    // Version 2 downloaded, unpacked into the tree and committed: checked, and imported as
    // the same version.
    let download = restarted
        .get("/content/course/wire-fraud/v/2/source.zip")
        .await;
    assert_eq!(download.status(), 200);
    assert_eq!(download.headers()["content-type"], "application/zip");
    assert!(
        download.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .contains("wire-fraud-v2.zip")
    );
    let bytes = download.bytes().await.unwrap();
    std::fs::remove_dir_all(tree.path().join("wire-fraud")).unwrap();
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes.to_vec())).unwrap();
    archive.extract(tree.path()).unwrap();
    let reports = app::ssr::content::tree::check_tree(tree.path()).unwrap();
    assert!(
        reports[0].problem_lines().is_empty(),
        "vigil content check accepts it"
    );
    assert_eq!(
        std::fs::read_to_string(tree.path().join("wire-fraud/01-the-scam.md")).unwrap(),
        "# The scam\n\nCall the number on file.\n"
    );
    let results = app::ssr::content::tree::import_tree(
        &restarted.db,
        tree.path(),
        &app::ssr::db::audit::Actor::system("test"),
        chrono::Utc::now(),
    )
    .await
    .unwrap();
    assert!(
        matches!(
            results[0].1,
            app::ssr::content::tree::ImportResult::Unchanged { version: 2, .. }
        ),
        "the same version"
    );

    // From now on git edits publish again.
    write_tree(
        tree.path(),
        "# The scam\n\nCall the number on file, always.\n",
    );
    let results = app::ssr::content::tree::import_tree(
        &restarted.db,
        tree.path(),
        &app::ssr::db::audit::Actor::system("test"),
        chrono::Utc::now(),
    )
    .await
    .unwrap();
    assert!(
        matches!(
            results[0].1,
            app::ssr::content::tree::ImportResult::Published { version: 3, .. }
        ),
        "git's change published"
    );

    // Only compliance administrators may download.
    let other = new_client();
    app.login_with(&other, EMPLOYEE).await;
    let refused = other
        .get(format!(
            "{}/content/course/wire-fraud/v/2/source.zip",
            app.address
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 403);
}
