//! More than one language: a course holds a German translation; a learner who prefers German
//! reads and answers it in German, the page says so (`lang`), and the record, the export and the
//! evidence pack carry the language actually taken. Learners without a preference get the
//! course's own language.

use app::ssr::content::tree::import_tree;
use app::ssr::db::audit::Actor;
use app::ssr::training::engine::{EngineLock, recompute};
use chrono::Utc;

use crate::helpers::{
    COMPLIANCE, EMPLOYEE, MANAGER, PASSWORD, PLATFORM, TestApp, new_client, spawn_app,
};
use crate::training::json;

const COURSE: &str = "id = \"tiny\"\ntitle = \"Tiny course\"\nsummary = \"A tiny course.\"\nkind = \"course\"\nlanguage = \"en\"\nestimated_minutes = 5\npass_mark = 100\nrecurrence = \"12 months\"\ndue_within = \"30 days\"\n\n[audience]\neveryone = true\n\n[version]\nnotes = \"First version.\"\nmaterial = false\n";
const QUIZ: &str = "## Is this tiny?\n\n- [x] Yes\n- [ ] No\n\n> It is.\n\n## Which are small? {.multiple}\n\n- [x] An ant\n- [x] A grain of sand\n- [ ] A whale\n\n> Ants and sand are small.\n";
const QUIZ_DE: &str = "## Ist das winzig?\n\n- [x] Ja\n- [ ] Nein\n\n> Das ist es.\n\n## Was ist klein? {.multiple}\n\n- [x] Eine Ameise\n- [x] Ein Sandkorn\n- [ ] Ein Wal\n\n> Ameisen und Sand sind klein.\n";

async fn app_with_translated_course() -> (TestApp, tempfile::TempDir) {
    let app = spawn_app().await;
    let dir = tempfile::tempdir().unwrap();
    let course = dir.path().join("tiny");
    let german = course.join("translations/de");
    std::fs::create_dir_all(&german).unwrap();
    std::fs::write(course.join("course.toml"), COURSE).unwrap();
    std::fs::write(course.join("01-one.md"), "# One\n\nFirst lesson.\n").unwrap();
    std::fs::write(course.join("quiz.md"), QUIZ).unwrap();
    std::fs::write(
        german.join("translation.toml"),
        "title = \"Winziger Kurs\"\nsummary = \"Ein winziger Kurs.\"\n",
    )
    .unwrap();
    std::fs::write(german.join("01-one.md"), "# Eins\n\nErste Lektion.\n").unwrap();
    std::fs::write(german.join("quiz.md"), QUIZ_DE).unwrap();
    import_tree(&app.db, dir.path(), &Actor::system("test"), Utc::now())
        .await
        .unwrap();
    let now = Utc::now();
    recompute(&app.db, &EngineLock::default(), now.date_naive(), now)
        .await
        .unwrap();
    (app, dir)
}

/// The last segment of where a response redirects (an attempt's or a record's number).
fn redirected_to_id(response: &reqwest::Response) -> String {
    let location = response.headers()["location"].to_str().unwrap();
    location.rsplit('/').next().unwrap().to_owned()
}

/// Takes the quiz with every answer right, choosing `switch_to` as the course language while the
/// attempt is open; returns the result.
async fn pass_quiz(
    app: &TestApp,
    client: &reqwest::Client,
    switch_to: Option<&str>,
) -> serde_json::Value {
    let started = app
        .post_form_with(client, "/api/training/quiz/start", &[("slug", "tiny")])
        .await;
    let attempt = redirected_to_id(&started);
    let (_, quiz) = json(
        app,
        client,
        "/api/training/quiz",
        &[("attempt_id", &attempt)],
    )
    .await;
    let mut fields = vec![("attempt_id".to_owned(), attempt.clone())];
    for question in quiz["questions"].as_array().unwrap() {
        let number = question["number"].as_u64().unwrap();
        if question["multiple"].as_bool().unwrap() {
            fields.push((format!("multiple[{number}][0]"), "yes".to_owned()));
            fields.push((format!("multiple[{number}][1]"), "yes".to_owned()));
        } else {
            fields.push((format!("single[{number}]"), "0".to_owned()));
        }
    }
    if let Some(language) = switch_to {
        app.post_form_with(
            client,
            "/api/account/language/save",
            &[("language", language)],
        )
        .await;
    }
    let form: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let submitted = app
        .post_form_with(client, "/api/training/quiz/submit", &form)
        .await;
    let sequence = redirected_to_id(&submitted);
    let (_, result) = json(
        app,
        client,
        "/api/training/result",
        &[("sequence", &sequence)],
    )
    .await;
    result
}

#[tokio::test]
async fn a_learner_takes_a_course_in_their_language_and_the_record_says_so() {
    let (app, _dir) = app_with_translated_course().await;
    let erin = new_client();
    app.login_with_password(&erin, EMPLOYEE, PASSWORD).await;

    // The languages on offer are the course's own and its translation's.
    let (status, choice) = json(&app, &erin, "/api/account/language", &[]).await;
    assert_eq!(status, 200, "{choice}");
    assert_eq!(choice["current"], serde_json::Value::Null);
    assert_eq!(choice["available"], serde_json::json!(["de", "en"]));

    // A language no course has is refused, and nothing changes.
    let (status, refused) = json(
        &app,
        &erin,
        "/api/account/language/save",
        &[("language", "fr")],
    )
    .await;
    assert_eq!(status, 422, "{refused}");
    let (_, choice) = json(&app, &erin, "/api/account/language", &[]).await;
    assert_eq!(choice["current"], serde_json::Value::Null);

    let saved = app
        .post_form_with(&erin, "/api/account/language/save", &[("language", "de")])
        .await;
    assert_eq!(saved.headers()["location"], "/account?language_saved=1");

    // Erin reads and answers in German.
    let (_, lesson) = json(
        &app,
        &erin,
        "/api/training/lesson",
        &[("slug", "tiny"), ("number", "1")],
    )
    .await;
    assert_eq!(lesson["language"], "de");
    assert_eq!(lesson["title"], "Eins");
    assert_eq!(lesson["course_title"], "Winziger Kurs");
    let page = app.page_with(&erin, "/training/tiny/lesson/1").await;
    assert!(
        page.contains(r#"lang="de""#) && page.contains("Erste Lektion."),
        "{page}"
    );
    // She switches back to English mid-attempt: the attempt stays in the German it started in.
    let result = pass_quiz(&app, &erin, Some("")).await;
    assert_eq!(result["passed"], true, "{result}");
    assert_eq!(result["language"], "de");
    let prompts: Vec<&str> = result["questions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|q| q["prompt"].as_str().unwrap())
        .collect();
    assert!(prompts.contains(&"Ist das winzig?"), "{prompts:?}");

    // Her certificate names the course as she took it, and says in which language.
    let code = result["certificate_code"].as_str().expect("a certificate");
    let (_, certificate) = json(&app, &new_client(), "/api/verify", &[("code", code)]).await;
    assert_eq!(
        certificate["course_title"], "Winziger Kurs",
        "{certificate}"
    );
    assert_eq!(certificate["language"], "de");
    let page = app
        .page_with(&new_client(), &format!("/verify/{code}"))
        .await;
    assert!(
        page.contains(r#"<p lang="de" class="certificate-course">Winziger Kurs"#)
            && page.contains("Deutsch"),
        "{page}"
    );

    // Mona has no preference: she gets the course's own language, and her record says so.
    let mona = new_client();
    app.login_with_password(&mona, MANAGER, PASSWORD).await;
    let (_, lesson) = json(
        &app,
        &mona,
        "/api/training/lesson",
        &[("slug", "tiny"), ("number", "1")],
    )
    .await;
    assert_eq!(lesson["language"], "en");
    assert_eq!(lesson["title"], "One");
    let result = pass_quiz(&app, &mona, None).await;
    assert_eq!(result["language"], "en");
    let code = result["certificate_code"].as_str().expect("a certificate");
    let (_, certificate) = json(&app, &new_client(), "/api/verify", &[("code", code)]).await;
    assert_eq!(certificate["course_title"], "Tiny course", "{certificate}");

    // The records export and the evidence pack carry the language taken.
    let admin = new_client();
    app.login_with(&admin, COMPLIANCE).await;

    // Question analytics count both languages together, and each apart.
    let (status, stats) = json(
        &app,
        &admin,
        "/api/content/questions",
        &[("slug", "tiny"), ("version", "1")],
    )
    .await;
    assert_eq!(status, 200, "{stats}");
    assert_eq!(stats["people"], 2);
    for question in stats["questions"].as_array().unwrap() {
        assert_eq!(question["asked"], 2, "{question}");
        assert_eq!(
            question["by_language"],
            serde_json::json!([
                {"language": "de", "asked": 1, "percent_right": 100},
                {"language": "en", "asked": 1, "percent_right": 100},
            ]),
            "{question}"
        );
    }
    let page = app
        .page_with(&admin, "/content/course/tiny/v/1/questions")
        .await;
    assert!(
        page.contains("Deutsch 100% of 1 · English 100% of 1"),
        "{page}"
    );

    let csv = app
        .post_form_with(
            &admin,
            "/exports/completion-records.csv",
            &[("course", "tiny")],
        )
        .await
        .text()
        .await
        .unwrap();
    let language_of = |csv: &str, email: &str| -> String {
        let mut lines = csv.lines();
        let header: Vec<&str> = lines.next().unwrap().split(',').collect();
        let column = header.iter().position(|c| *c == "language").unwrap();
        lines
            .find(|line| line.contains(email))
            .map(|line| line.split(',').nth(column).unwrap().to_owned())
            .unwrap_or_default()
    };
    assert_eq!(language_of(&csv, EMPLOYEE), "de", "{csv}");
    assert_eq!(language_of(&csv, MANAGER), "en", "{csv}");

    let today = Utc::now().date_naive();
    let pack = app
        .post_form_with(
            &admin,
            "/evidence/pack.zip",
            &[
                ("from", &(today - chrono::Days::new(1)).to_string()),
                ("to", &today.to_string()),
            ],
        )
        .await;
    assert_eq!(pack.status(), 200);
    let files = app::ssr::evidence::unzip(&pack.bytes().await.unwrap()).unwrap();
    let records = files
        .iter()
        .find(|(name, _)| name.ends_with("completions.csv"))
        .map(|(_, bytes)| String::from_utf8(bytes.clone()).unwrap())
        .expect("the pack has the records");
    assert_eq!(language_of(&records, EMPLOYEE), "de", "{records}");

    // The language is part of what each record's hash covers, and the chain still verifies.
    assert_eq!(app::ssr::db::ledger::verify(&app.db).await.unwrap(), Ok(2));
}

/// The lesson's language and title for `client`.
async fn lesson_language(app: &TestApp, client: &reqwest::Client) -> (String, String) {
    let (status, lesson) = json(
        app,
        client,
        "/api/training/lesson",
        &[("slug", "tiny"), ("number", "1")],
    )
    .await;
    assert_eq!(status, 200, "{lesson}");
    (
        lesson["language"].as_str().unwrap().to_owned(),
        lesson["title"].as_str().unwrap().to_owned(),
    )
}

#[tokio::test]
async fn a_directory_sets_the_language_over_scim_and_the_learner_takes_courses_in_it() {
    use reqwest::Method;
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    use serde_json::json;

    use crate::scim::{scim, token};
    let (app, _dir) = app_with_translated_course().await;
    let token = token(&app, "scim").await;
    let erin_id = app::ssr::db::people::find_by_email(&app.db, EMPLOYEE)
        .await
        .unwrap()
        .unwrap()
        .public_id;
    let path = format!("/Users/{erin_id}");
    let erin = new_client();
    app.login_with_password(&erin, EMPLOYEE, PASSWORD).await;
    assert_eq!(lesson_language(&app, &erin).await.0, "en");

    // The directory sends a preference list, as Accept-Language: the first range a course has.
    let replace = |value: serde_json::Value| {
        json!({"schemas": [app::domain::scim::PATCH_SCHEMA],
               "Operations": [{"op": "replace", "path": "preferredLanguage", "value": value}]})
    };
    let (status, user) = scim(
        &app,
        &token,
        Method::PATCH,
        &path,
        Some(replace(json!("fr-CH, de-CH;q=0.9, en;q=0.5"))),
    )
    .await;
    assert_eq!(status, 200, "{user}");
    assert_eq!(user["preferredLanguage"], "fr-CH, de-CH;q=0.9, en;q=0.5");
    assert_eq!(
        lesson_language(&app, &erin).await,
        ("de".to_owned(), "Eins".to_owned())
    );

    // A PUT that leaves the attribute out keeps it; the audit log shows who set it.
    let mut representation = user.clone();
    representation
        .as_object_mut()
        .unwrap()
        .remove("preferredLanguage");
    let (status, user) = scim(&app, &token, Method::PUT, &path, Some(representation)).await;
    assert_eq!(status, 200, "{user}");
    assert_eq!(user["preferredLanguage"], "fr-CH, de-CH;q=0.9, en;q=0.5");
    assert_eq!(lesson_language(&app, &erin).await.0, "de");

    // A value that is not a language is refused and changes nothing.
    let (status, refused) = scim(
        &app,
        &token,
        Method::PATCH,
        &path,
        Some(replace(json!("de<script>"))),
    )
    .await;
    assert_eq!(status, 400, "{refused}");
    assert_eq!(refused["scimType"], "invalidValue");
    assert!(
        refused["detail"]
            .as_str()
            .unwrap()
            .contains("preferredLanguage")
    );
    assert_eq!(lesson_language(&app, &erin).await.0, "de");

    // Removed by the directory: back to each course's own language.
    let (status, user) = scim(
        &app,
        &token,
        Method::PATCH,
        &path,
        Some(json!({"schemas": [app::domain::scim::PATCH_SCHEMA],
                    "Operations": [{"op": "remove", "path": "preferredLanguage"}]})),
    )
    .await;
    assert_eq!(status, 200, "{user}");
    assert!(user.get("preferredLanguage").is_none(), "{user}");
    assert_eq!(lesson_language(&app, &erin).await.0, "en");
    let changes = app::ssr::db::entities::audit_event::Entity::find()
        .filter(app::ssr::db::entities::audit_event::Column::Action.eq("person.update"))
        .all(&app.db)
        .await
        .unwrap();
    assert!(
        changes.iter().any(|e| {
            e.after_json
                .as_deref()
                .is_some_and(|after| after.contains("fr-CH, de-CH;q=0.9"))
        }),
        "the audit log records the language the directory set"
    );
}

#[tokio::test]
async fn a_people_administrator_sets_the_language_a_person_takes_courses_in() {
    let (app, _dir) = app_with_translated_course().await;
    let admin = new_client();
    app.login_with_password(&admin, PLATFORM, PASSWORD).await;
    let erin_id = app.public_id(EMPLOYEE).await;
    let (status, form) = json(&app, &admin, "/api/people/form", &[("public_id", &erin_id)]).await;
    assert_eq!(status, 200, "{form}");
    assert_eq!(form["language"], "");
    assert_eq!(form["languages"], serde_json::json!(["de", "en"]));
    let field = |name: &str| form[name].as_str().unwrap().to_owned();
    let mut fields: Vec<(String, String)> = [
        "public_id",
        "email",
        "name",
        "department",
        "job_title",
        "hire_date",
        "manager_email",
    ]
    .iter()
    .map(|name| (name.to_string(), field(name)))
    .collect();
    for role in form["roles"].as_array().unwrap() {
        fields.push((format!("roles[{}]", role.as_str().unwrap()), "yes".into()));
    }
    let save = |language: Option<&str>| {
        let mut all = fields.clone();
        if let Some(language) = language {
            all.push(("language_shown".into(), "yes".into()));
            all.push(("language".into(), language.into()));
        }
        all
    };
    let send = |all: Vec<(String, String)>| {
        let app = &app;
        let admin = &admin;
        async move {
            let pairs: Vec<(&str, &str)> =
                all.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
            json(app, admin, "/api/people/save", &pairs).await
        }
    };
    let erin = new_client();
    app.login_with_password(&erin, EMPLOYEE, PASSWORD).await;

    // A language no course is available in is refused, and nothing changes.
    let (status, refused) = send(save(Some("fr"))).await;
    assert_eq!(status, 422, "{refused}");
    assert_eq!(lesson_language(&app, &erin).await.0, "en");

    let (status, saved) = send(save(Some("de"))).await;
    assert!(status < 400, "{status} {saved}");
    assert_eq!(
        lesson_language(&app, &erin).await,
        ("de".to_owned(), "Eins".to_owned())
    );
    let (_, form) = json(&app, &admin, "/api/people/form", &[("public_id", &erin_id)]).await;
    assert_eq!(form["language"], "de");

    // A form without the field (an older page, a script) keeps it; an empty choice clears it.
    let (status, _) = send(save(None)).await;
    assert!(status < 400);
    assert_eq!(lesson_language(&app, &erin).await.0, "de");
    let (status, _) = send(save(Some(""))).await;
    assert!(status < 400);
    assert_eq!(lesson_language(&app, &erin).await.0, "en");
}

#[tokio::test]
async fn a_csv_import_sets_the_language_people_take_courses_in() {
    use crate::people_admin::{import_id, upload};
    let (app, _dir) = app_with_translated_course().await;
    let admin = new_client();
    app.login_with_password(&admin, PLATFORM, PASSWORD).await;
    let preview = |id: String| {
        let app = &app;
        let admin = &admin;
        async move {
            let (status, preview) =
                json(app, admin, "/api/people/import/preview", &[("id", &id)]).await;
            assert_eq!(status, 200, "{preview}");
            preview
        }
    };

    // A language no course is offered in fails the whole file, naming the line and the choices.
    let bad = format!(
        "email,name,hire_date,language\nnew.hire@example.com,New Hire,2026-11-02,de\n{EMPLOYEE},Erin Employee,2024-01-15,fr\n"
    );
    let id = import_id(&upload(&app, &admin, &bad).await);
    let checked = preview(id.clone()).await;
    assert_eq!(
        checked["plan"]["errors"][0]["message"],
        "no course is available in language \"fr\"; use one of de, en or default for each course's own"
    );
    let (status, _) = json(&app, &admin, "/api/people/import/commit", &[("id", &id)]).await;
    assert_eq!(status, 422);
    assert!(
        app::ssr::db::people::find_by_email(&app.db, "new.hire@example.com")
            .await
            .unwrap()
            .is_none()
    );

    // A new person and an existing one in German; the preview shows it before anything changes.
    let good = format!(
        "email,name,hire_date,language\nnew.hire@example.com,New Hire,2026-11-02,de\n{EMPLOYEE},Erin Employee,2024-01-15,de\n"
    );
    let id = import_id(&upload(&app, &admin, &good).await);
    let checked = preview(id.clone()).await;
    assert_eq!(checked["plan"]["people"][0]["language"], "de", "{checked}");
    let erin = new_client();
    app.login_with_password(&erin, EMPLOYEE, PASSWORD).await;
    assert_eq!(lesson_language(&app, &erin).await.0, "en");
    let (status, body) = json(&app, &admin, "/api/people/import/commit", &[("id", &id)]).await;
    assert!(status < 400, "{status} {body}");
    assert_eq!(
        lesson_language(&app, &erin).await,
        ("de".to_owned(), "Eins".to_owned())
    );
    let new_hire = app::ssr::db::people::find_by_email(&app.db, "new.hire@example.com")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(new_hire.language.as_deref(), Some("de"));

    // An empty cell keeps the language; `default` goes back to each course's own.
    let keep = format!("email,name,hire_date,language\n{EMPLOYEE},Erin Employee,2024-01-15,\n");
    let id = import_id(&upload(&app, &admin, &keep).await);
    let (status, _) = json(&app, &admin, "/api/people/import/commit", &[("id", &id)]).await;
    assert!(status < 400);
    assert_eq!(lesson_language(&app, &erin).await.0, "de");
    let clear =
        format!("email,name,hire_date,language\n{EMPLOYEE},Erin Employee,2024-01-15,default\n");
    let id = import_id(&upload(&app, &admin, &clear).await);
    let (status, _) = json(&app, &admin, "/api/people/import/commit", &[("id", &id)]).await;
    assert!(status < 400);
    assert_eq!(lesson_language(&app, &erin).await.0, "en");
}
