//! The learner's journey over HTTP, and that nobody can read or submit another person's work.

use app::ssr::content::tree::import_tree;
use app::ssr::db::audit::Actor;
use app::ssr::training::engine::{EngineLock, recompute};
use chrono::Utc;
use sea_orm::ConnectionTrait;
use serde_json::Value;

use crate::helpers::{COMPLIANCE, EMPLOYEE, MANAGER, PASSWORD, TestApp, new_client, spawn_app};

const COURSE: &str = "id = \"tiny\"\ntitle = \"Tiny course\"\nsummary = \"A tiny course.\"\nkind = \"course\"\nlanguage = \"en\"\nestimated_minutes = 5\npass_mark = 100\nrecurrence = \"12 months\"\ndue_within = \"30 days\"\n\n[audience]\neveryone = true\n\n[version]\nnotes = \"First version.\"\nmaterial = false\n\n[quiz]\nmax_attempts = 2\ncooldown_hours = 24\n";
const QUIZ: &str = "## Is this tiny?\n\n- [x] Yes\n- [ ] No\n- [ ] Maybe\n\n> It is.\n\n## Which are small? {.multiple}\n\n- [x] An ant\n- [x] A grain of sand\n- [ ] A whale\n\n> Ants and sand are small.\n";
const POLICY: &str = "id = \"rules\"\ntitle = \"Rules\"\nsummary = \"The rules.\"\nkind = \"policy\"\nlanguage = \"en\"\nestimated_minutes = 5\nrecurrence = \"12 months\"\ndue_within = \"14 days\"\n\n[audience]\neveryone = true\n\n[version]\nnotes = \"First.\"\nmaterial = false\n\n[acknowledgement]\nstatement = \"I will follow the rules.\"\nminimum_reading_seconds = 60\n";

/// Publishes a small course and a policy into the app and assigns them.
pub(crate) async fn with_courses(app: &TestApp) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let course = dir.path().join("tiny");
    std::fs::create_dir_all(&course).unwrap();
    std::fs::write(course.join("course.toml"), COURSE).unwrap();
    std::fs::write(course.join("01-one.md"), "# One\n\nFirst lesson.\n").unwrap();
    std::fs::write(course.join("02-two.md"), "# Two\n\nSecond lesson.\n").unwrap();
    std::fs::write(course.join("quiz.md"), QUIZ).unwrap();
    let policy = dir.path().join("rules");
    std::fs::create_dir_all(&policy).unwrap();
    std::fs::write(policy.join("course.toml"), POLICY).unwrap();
    std::fs::write(policy.join("policy.md"), "# Rules\n\nFollow them.\n").unwrap();
    import_tree(&app.db, dir.path(), &Actor::system("test"), Utc::now())
        .await
        .unwrap();
    let now = Utc::now();
    recompute(&app.db, &EngineLock::default(), now.date_naive(), now)
        .await
        .unwrap();
    dir
}

/// Moves every opening of a policy or bulletin two minutes back, past its minimum reading time.
pub(crate) async fn opened_two_minutes_ago(app: &TestApp) {
    app.db
        .execute_unprepared(&format!(
            "UPDATE reading_progress SET opened_at = '{}'",
            (Utc::now() - chrono::Duration::minutes(2)).to_rfc3339()
        ))
        .await
        .unwrap();
}

/// Acknowledges the `rules` policy with its statement ticked, as the signed-in person.
async fn accept_rules(app: &TestApp) -> reqwest::Response {
    app.post_form(
        "/api/training/acknowledge",
        &[("slug", "rules"), ("accept", "yes")],
    )
    .await
}

fn attempt_from(response: &reqwest::Response) -> i64 {
    let location = response
        .headers()
        .get("location")
        .expect("a redirect to the quiz")
        .to_str()
        .unwrap();
    location.rsplit('/').next().unwrap().parse().unwrap()
}

fn sequence_from(response: &reqwest::Response) -> i64 {
    attempt_from(response)
}

pub(crate) async fn json(
    app: &TestApp,
    client: &reqwest::Client,
    path: &str,
    form: &[(&str, &str)],
) -> (u16, Value) {
    let response = app.post_form_with(client, path, form).await;
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

/// The form fields that answer this attempt correctly (option 0 of question "Is this tiny?",
/// options 0 and 1 of "Which are small?"), whatever order the questions were drawn in.
async fn right_answers(
    app: &TestApp,
    client: &reqwest::Client,
    attempt: i64,
) -> Vec<(String, String)> {
    let (_, quiz) = json(
        app,
        client,
        "/api/training/quiz",
        &[("attempt_id", &attempt.to_string())],
    )
    .await;
    let mut fields = Vec::new();
    for question in quiz["questions"].as_array().unwrap() {
        let number = question["number"].as_u64().unwrap();
        if question["multiple"].as_bool().unwrap() {
            fields.push((format!("multiple[{number}][0]"), "yes".to_owned()));
            fields.push((format!("multiple[{number}][1]"), "yes".to_owned()));
        } else {
            fields.push((format!("single[{number}]"), "0".to_owned()));
        }
    }
    fields
}

#[tokio::test]
async fn a_learner_reads_fails_retakes_passes_and_gets_a_certificate() {
    let app = spawn_app().await;
    let _content = with_courses(&app).await;
    app.login(EMPLOYEE, PASSWORD).await;

    let (_, mine) = json(&app, &app.client, "/api/training/mine", &[]).await;
    let due: Vec<&str> = mine["due"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["slug"].as_str().unwrap())
        .collect();
    assert!(due.contains(&"tiny") && due.contains(&"rules"), "{mine}");

    let read = app
        .post_form(
            "/api/training/lesson/read",
            &[("slug", "tiny"), ("number", "1")],
        )
        .await;
    assert_eq!(read.headers()["location"], "/training/tiny/lesson/2");
    let (_, overview) = json(
        &app,
        &app.client,
        "/api/training/course",
        &[("slug", "tiny")],
    )
    .await;
    assert_eq!(overview["status"], "InProgress");
    assert_eq!(overview["lessons"][0]["read"], true);
    assert_eq!(overview["lessons"][1]["read"], false);

    // A wrong answer fails.
    let attempt = attempt_from(
        &app.post_form("/api/training/quiz/start", &[("slug", "tiny")])
            .await,
    );
    let submitted = app
        .post_form(
            "/api/training/quiz/submit",
            &[("attempt_id", &attempt.to_string())],
        )
        .await;
    let failed = sequence_from(&submitted);
    let (_, result) = json(
        &app,
        &app.client,
        "/api/training/result",
        &[("sequence", &failed.to_string())],
    )
    .await;
    assert_eq!(
        (result["passed"].as_bool(), result["score"].as_i64()),
        (Some(false), Some(0))
    );
    // A failed attempt with attempts left reveals nothing a retake could copy.
    assert_eq!(result["answers_revealed"], false);
    for question in result["questions"].as_array().unwrap() {
        assert_eq!(question["explanation_html"], "", "{question}");
        assert_eq!(question["right"], false);
        assert!(
            question["options"]
                .as_array()
                .unwrap()
                .iter()
                .all(|o| o["correct"] == false),
            "{question}"
        );
    }
    assert_eq!(result["certificate_code"], Value::Null);

    // Resubmitting the same attempt records nothing more.
    let again = app
        .post_form(
            "/api/training/quiz/submit",
            &[("attempt_id", &attempt.to_string())],
        )
        .await;
    assert_eq!(again.status(), 409);

    // The retake, answered right, passes and issues a certificate.
    let retake = attempt_from(
        &app.post_form("/api/training/quiz/start", &[("slug", "tiny")])
            .await,
    );
    assert_ne!(retake, attempt);
    let answers = right_answers(&app, &app.client, retake).await;
    let mut form: Vec<(&str, &str)> = vec![("attempt_id", "")];
    let retake_id = retake.to_string();
    form[0].1 = &retake_id;
    form.extend(answers.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    let passed = sequence_from(&app.post_form("/api/training/quiz/submit", &form).await);
    let (_, result) = json(
        &app,
        &app.client,
        "/api/training/result",
        &[("sequence", &passed.to_string())],
    )
    .await;
    assert_eq!(
        (result["passed"].as_bool(), result["score"].as_i64()),
        (Some(true), Some(100))
    );
    assert_eq!(
        result["answers_revealed"], true,
        "passed: the answers are shown"
    );
    assert!(
        result["questions"][0]["explanation_html"]
            .as_str()
            .unwrap()
            .contains("<p>"),
        "explanations are shown once passed"
    );
    let code = result["certificate_code"].as_str().unwrap().to_owned();

    let (_, mine) = json(&app, &app.client, "/api/training/mine", &[]).await;
    assert_eq!(mine["completed"][0]["slug"], "tiny");
    assert_eq!(mine["completed"][0]["certificate_code"], code.as_str());

    // Anyone can verify the certificate without signing in.
    let anonymous = reqwest::Client::new();
    let (status, certificate) = json(
        &app,
        &anonymous,
        "/api/verify",
        &[("code", &code.to_lowercase())],
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(certificate["name"], "Erin Employee");
    assert_eq!(certificate["course_title"], "Tiny course");
    assert_eq!(certificate["version"], 1);
    assert!(certificate["status"]["Valid"].is_object(), "{certificate}");
    let page = app
        .client
        .get(format!("{}/verify/{code}", app.address))
        .header("accept", "text/html")
        .send()
        .await
        .unwrap();
    assert!(
        page.text()
            .await
            .unwrap()
            .replace("<!>", "")
            .contains("Erin Employee")
    );
}

#[tokio::test]
async fn retakes_are_limited_then_cool_down() {
    let app = spawn_app().await;
    let _content = with_courses(&app).await;
    app.login(EMPLOYEE, PASSWORD).await;
    for _ in 0..2 {
        let attempt = attempt_from(
            &app.post_form("/api/training/quiz/start", &[("slug", "tiny")])
                .await,
        );
        app.post_form(
            "/api/training/quiz/submit",
            &[("attempt_id", &attempt.to_string())],
        )
        .await;
    }
    let refused = app
        .post_form("/api/training/quiz/start", &[("slug", "tiny")])
        .await;
    assert_eq!(refused.status(), 429);
    assert!(refused.text().await.unwrap().contains("RetakeLater"));
}

#[tokio::test]
async fn nobody_can_read_or_submit_another_persons_work() {
    let app = spawn_app().await;
    let _content = with_courses(&app).await;
    app.login(EMPLOYEE, PASSWORD).await;
    let attempt = attempt_from(
        &app.post_form("/api/training/quiz/start", &[("slug", "tiny")])
            .await,
    );

    for intruder in [MANAGER, COMPLIANCE] {
        let other = new_client();
        app.login_with(&other, intruder).await;
        let (status, _) = json(
            &app,
            &other,
            "/api/training/quiz",
            &[("attempt_id", &attempt.to_string())],
        )
        .await;
        assert_eq!(status, 404, "{intruder} cannot see the attempt");
        let (status, _) = json(
            &app,
            &other,
            "/api/training/quiz/submit",
            &[("attempt_id", &attempt.to_string()), ("single[1]", "0")],
        )
        .await;
        assert_eq!(status, 404, "{intruder} cannot submit it");
    }
    // The attempt is still open for its owner.
    let (status, _) = json(
        &app,
        &app.client,
        "/api/training/quiz",
        &[("attempt_id", &attempt.to_string())],
    )
    .await;
    assert_eq!(status, 200);

    let sequence = sequence_from(
        &app.post_form(
            "/api/training/quiz/submit",
            &[("attempt_id", &attempt.to_string())],
        )
        .await,
    );
    let other = new_client();
    app.login_with(&other, MANAGER).await;
    let (status, _) = json(
        &app,
        &other,
        "/api/training/result",
        &[("sequence", &sequence.to_string())],
    )
    .await;
    assert_eq!(status, 404, "another person's result is not found");
    let (_, theirs) = json(&app, &other, "/api/training/course", &[("slug", "tiny")]).await;
    assert_eq!(
        theirs["history"],
        Value::Array(vec![]),
        "another person's history is their own"
    );

    let anonymous = reqwest::Client::new();
    let (status, _) = json(&app, &anonymous, "/api/training/mine", &[]).await;
    assert_eq!(status, 401);
}

#[tokio::test]
async fn a_policy_cannot_be_accepted_before_its_minimum_reading_time() {
    let app = spawn_app().await;
    let _content = with_courses(&app).await;
    app.login(EMPLOYEE, PASSWORD).await;

    let unread = accept_rules(&app).await;
    assert_eq!(unread.status(), 422);
    assert!(unread.text().await.unwrap().contains("ReadingNotStarted"));

    app.post_form("/api/training/read", &[("slug", "rules")])
        .await;
    let (_, overview) = json(
        &app,
        &app.client,
        "/api/training/course",
        &[("slug", "rules")],
    )
    .await;
    assert!(
        overview["document_html"]
            .as_str()
            .unwrap()
            .contains("Follow them.")
    );
    let hasty = accept_rules(&app).await;
    assert_eq!(hasty.status(), 422);
    assert!(hasty.text().await.unwrap().contains("ReadingTooShort"));

    let unticked = app
        .post_form("/api/training/acknowledge", &[("slug", "rules")])
        .await;
    assert!(unticked.text().await.unwrap().contains("AcceptStatement"));

    // Two minutes later (moved back in the database), it is accepted.
    opened_two_minutes_ago(&app).await;
    let accepted = accept_rules(&app).await;
    assert_eq!(accepted.status(), 200);
    let (_, mine) = json(&app, &app.client, "/api/training/mine", &[]).await;
    assert!(
        mine["completed"]
            .as_array()
            .unwrap()
            .iter()
            .any(|i| i["slug"] == "rules"),
        "{mine}"
    );
}

#[tokio::test]
async fn an_unassigned_course_cannot_be_taken() {
    let app = spawn_app().await;
    let _content = with_courses(&app).await;
    app.login(EMPLOYEE, PASSWORD).await;
    let response = app
        .post_form("/api/training/quiz/start", &[("slug", "not-a-course")])
        .await;
    assert_eq!(response.status(), 404);
}

#[tokio::test]
async fn corrections_are_new_records_with_actor_and_reason() {
    let app = spawn_app().await;
    let _content = with_courses(&app).await;
    app.login(COMPLIANCE, PASSWORD).await;

    let missing_reason = app
        .post_form(
            "/api/admin/records/manual",
            &[
                ("email", EMPLOYEE),
                ("course", "tiny"),
                ("completed_on", "2026-01-15"),
                ("reason", " "),
            ],
        )
        .await;
    assert_eq!(missing_reason.status(), 422);

    let manual = app
        .post_form(
            "/api/admin/records/manual",
            &[
                ("email", EMPLOYEE),
                ("course", "tiny"),
                ("completed_on", "2026-01-15"),
                ("reason", "Classroom session, signed sheet #41"),
            ],
        )
        .await;
    assert_eq!(manual.status(), 200);
    let employee = app::ssr::db::people::find_by_email(&app.db, EMPLOYEE)
        .await
        .unwrap()
        .unwrap();
    let records = app::ssr::db::ledger::of_person(&app.db, employee.id)
        .await
        .unwrap();
    assert_eq!(records.len(), 1);
    assert_eq!(records[0].kind, "manual");
    assert_eq!(
        records[0].reason.as_deref(),
        Some("Classroom session, signed sheet #41")
    );
    let admin = app::ssr::db::people::find_by_email(&app.db, COMPLIANCE)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(records[0].actor_id, Some(admin.id));
    let tiny = app::ssr::db::courses::find_by_slug(&app.db, "tiny")
        .await
        .unwrap()
        .unwrap();
    let state_of = |rows: Vec<app::ssr::db::entities::compliance_state::Model>| {
        rows.into_iter()
            .find(|r| r.course_id == tiny.id)
            .map(|r| r.status)
    };
    assert_eq!(
        state_of(
            app::ssr::db::training::compliance_of(&app.db, employee.id)
                .await
                .unwrap()
        )
        .as_deref(),
        Some("completed")
    );

    let void = app
        .post_form(
            "/api/admin/records/void",
            &[
                ("sequence", &records[0].sequence.to_string()),
                ("reason", "Wrong person signed"),
            ],
        )
        .await;
    assert_eq!(void.status(), 200);
    let records = app::ssr::db::ledger::of_person(&app.db, employee.id)
        .await
        .unwrap();
    assert_eq!(
        records.len(),
        2,
        "the original stays; the void is a new record"
    );
    assert_eq!(
        (records[1].kind.as_str(), records[1].voids_sequence),
        ("void", Some(records[0].sequence))
    );
    assert_ne!(
        state_of(
            app::ssr::db::training::compliance_of(&app.db, employee.id)
                .await
                .unwrap()
        )
        .as_deref(),
        Some("completed")
    );
    assert_eq!(app::ssr::db::ledger::verify(&app.db).await.unwrap(), Ok(2));

    let twice = app
        .post_form(
            "/api/admin/records/void",
            &[
                ("sequence", &records[0].sequence.to_string()),
                ("reason", "Again"),
            ],
        )
        .await;
    assert_eq!(twice.status(), 422, "a record is voided once");
}

#[tokio::test]
async fn rules_and_exemptions_change_who_owes_what() {
    let app = spawn_app().await;
    let _content = with_courses(&app).await;
    app.login(COMPLIANCE, PASSWORD).await;
    let employee = app::ssr::db::people::find_by_email(&app.db, EMPLOYEE)
        .await
        .unwrap()
        .unwrap();
    let tiny = app::ssr::db::courses::find_by_slug(&app.db, "tiny")
        .await
        .unwrap()
        .unwrap();
    let owes = |rows: Vec<app::ssr::db::entities::compliance_state::Model>| {
        rows.into_iter()
            .find(|r| r.course_id == tiny.id)
            .map(|r| r.status)
    };

    let empty = app
        .post_form("/api/admin/rules/save", &[("slug", "tiny")])
        .await;
    assert_eq!(empty.status(), 422, "a rule that selects nobody is refused");
    let saved = app
        .post_form(
            "/api/admin/rules/save",
            &[("slug", "tiny"), ("managers", "yes")],
        )
        .await;
    assert_eq!(saved.status(), 200);
    assert_eq!(
        owes(
            app::ssr::db::training::compliance_of(&app.db, employee.id)
                .await
                .unwrap()
        ),
        None,
        "only managers owe it now"
    );
    let manager = app::ssr::db::people::find_by_email(&app.db, MANAGER)
        .await
        .unwrap()
        .unwrap();
    assert!(
        owes(
            app::ssr::db::training::compliance_of(&app.db, manager.id)
                .await
                .unwrap()
        )
        .is_some()
    );
    let (_, rule) = json(&app, &app.client, "/api/admin/rules", &[("slug", "tiny")]).await;
    assert_eq!(
        (rule["managers"].as_bool(), rule["customised"].as_bool()),
        (Some(true), Some(true))
    );

    let granted = app
        .post_form(
            "/api/admin/exemptions/grant",
            &[
                ("email", MANAGER),
                ("course", "tiny"),
                ("reason", "On parental leave"),
                ("starts_on", "2026-01-01"),
                ("expires_on", "2030-01-01"),
            ],
        )
        .await;
    assert_eq!(granted.status(), 200);
    assert_eq!(
        owes(
            app::ssr::db::training::compliance_of(&app.db, manager.id)
                .await
                .unwrap()
        )
        .as_deref(),
        Some("exempt")
    );
    let backwards = app
        .post_form(
            "/api/admin/exemptions/grant",
            &[
                ("email", MANAGER),
                ("course", "tiny"),
                ("reason", "x"),
                ("starts_on", "2026-01-01"),
                ("expires_on", "2025-01-01"),
            ],
        )
        .await;
    assert_eq!(backwards.status(), 422);
}

#[tokio::test]
async fn employees_cannot_use_administration() {
    let app = spawn_app().await;
    let _content = with_courses(&app).await;
    app.login(EMPLOYEE, PASSWORD).await;
    for (path, form) in [
        ("/api/admin/records", vec![]),
        (
            "/api/admin/records/manual",
            vec![
                ("email", EMPLOYEE),
                ("course", "tiny"),
                ("completed_on", "2026-01-01"),
                ("reason", "me"),
            ],
        ),
        (
            "/api/admin/records/void",
            vec![("sequence", "1"), ("reason", "x")],
        ),
        (
            "/api/admin/rules/save",
            vec![("slug", "tiny"), ("everyone", "yes")],
        ),
        (
            "/api/admin/exemptions/grant",
            vec![
                ("email", EMPLOYEE),
                ("course", "tiny"),
                ("reason", "x"),
                ("starts_on", "2026-01-01"),
            ],
        ),
    ] {
        assert_eq!(app.post_form(path, &form).await.status(), 403, "{path}");
    }
}

/// Someone added behind the engine's back (their start date arrived, or a direct import) has their
/// training the moment an instance starts, without waiting for the day's full run.
#[tokio::test]
async fn a_start_evaluates_people_never_evaluated_before_serving() {
    use app::ssr::people_admin::{self, NewPerson};
    let first = spawn_app().await;
    let _courses = with_courses(&first).await;
    let newcomer = people_admin::add_person(
        &first.db,
        NewPerson {
            email: "nina@vigil.test".into(),
            name: "Nina Newcomer".into(),
            job_title: "Engineer".into(),
            hire_date: Utc::now().date_naive(),
            ..Default::default()
        },
        Utc::now(),
    )
    .await
    .unwrap();
    let owed = |db: sea_orm::DatabaseConnection, id: i64| async move {
        db.query_one_raw(sea_orm::Statement::from_string(
            db.get_database_backend(),
            format!("SELECT COUNT(*) AS n FROM compliance_state WHERE person_id = {id}"),
        ))
        .await
        .unwrap()
        .unwrap()
        .try_get::<i64>("", "n")
        .unwrap()
    };
    assert_eq!(
        owed(first.db.clone(), newcomer.id).await,
        0,
        "not evaluated yet"
    );
    let second = crate::helpers::spawn_instance(first.database_url.clone(), &[]).await;
    assert_eq!(
        owed(second.db.clone(), newcomer.id).await,
        2,
        "the course and the policy, before the first page"
    );
}

#[tokio::test]
async fn question_analytics_count_first_attempts_and_the_wrong_option_chosen_most() {
    let app = spawn_app().await;
    let _content = with_courses(&app).await;
    let erin = new_client();
    app.login_with(&erin, EMPLOYEE).await;
    let mona = new_client();
    app.login_with(&mona, MANAGER).await;

    // Erin answers "No" to "Is this tiny?" and nothing to the other; Mona gets both right.
    let attempt = attempt_from(
        &app.post_form_with(&erin, "/api/training/quiz/start", &[("slug", "tiny")])
            .await,
    );
    let (_, quiz) = json(
        &app,
        &erin,
        "/api/training/quiz",
        &[("attempt_id", &attempt.to_string())],
    )
    .await;
    let tiny_number = quiz["questions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|q| !q["multiple"].as_bool().unwrap())
        .unwrap()["number"]
        .as_u64()
        .unwrap();
    let id = attempt.to_string();
    let field = format!("single[{tiny_number}]");
    app.post_form_with(
        &erin,
        "/api/training/quiz/submit",
        &[("attempt_id", id.as_str()), (field.as_str(), "1")],
    )
    .await;
    let mona_attempt = attempt_from(
        &app.post_form_with(&mona, "/api/training/quiz/start", &[("slug", "tiny")])
            .await,
    );
    let answers = right_answers(&app, &mona, mona_attempt).await;
    let id = mona_attempt.to_string();
    let mut form: Vec<(&str, &str)> = vec![("attempt_id", &id)];
    form.extend(answers.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    app.post_form_with(&mona, "/api/training/quiz/submit", &form)
        .await;
    // Erin's retake, right this time, is not a first attempt.
    let retake = attempt_from(
        &app.post_form_with(&erin, "/api/training/quiz/start", &[("slug", "tiny")])
            .await,
    );
    let answers = right_answers(&app, &erin, retake).await;
    let _ = take_quiz_with(&app, &erin, retake, &answers).await;

    app.login(COMPLIANCE, PASSWORD).await;
    let (status, stats) = json(
        &app,
        &app.client,
        "/api/content/questions",
        &[("slug", "tiny"), ("version", "1")],
    )
    .await;
    assert_eq!(status, 200, "{stats}");
    assert_eq!(stats["people"], 2);
    let questions = stats["questions"].as_array().unwrap();
    // Weakest first: each was answered right by one of the two first attempts.
    let tiny = questions
        .iter()
        .find(|q| q["prompt"] == "Is this tiny?")
        .unwrap();
    assert_eq!(tiny["asked"], 2);
    assert_eq!(tiny["percent_right"], 50);
    assert_eq!(tiny["top_wrong"], serde_json::json!(["No", 1]));
    let small = questions
        .iter()
        .find(|q| q["prompt"] == "Which are small?")
        .unwrap();
    assert_eq!(
        (small["asked"].as_u64(), small["percent_right"].as_u64()),
        (Some(2), Some(50))
    );
    assert_eq!(small["top_wrong"], Value::Null, "Erin left it blank");

    // Learners cannot see it.
    let (status, _) = json(
        &app,
        &erin,
        "/api/content/questions",
        &[("slug", "tiny"), ("version", "1")],
    )
    .await;
    assert_eq!(status, 403);
}

async fn take_quiz_with(
    app: &TestApp,
    client: &reqwest::Client,
    attempt: i64,
    answers: &[(String, String)],
) -> i64 {
    let id = attempt.to_string();
    let mut form: Vec<(&str, &str)> = vec![("attempt_id", &id)];
    form.extend(answers.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    sequence_from(
        &app.post_form_with(client, "/api/training/quiz/submit", &form)
            .await,
    )
}

/// When each obligation was last written, by (person, course slug).
async fn written_at(
    app: &TestApp,
) -> std::collections::BTreeMap<(i64, String), chrono::DateTime<Utc>> {
    use sea_orm::EntityTrait;
    let slugs: std::collections::HashMap<i64, String> =
        app::ssr::db::entities::course::Entity::find()
            .all(&app.db)
            .await
            .unwrap()
            .into_iter()
            .map(|c| (c.id, c.slug))
            .collect();
    app::ssr::db::training::compliance(&app.db)
        .await
        .unwrap()
        .into_iter()
        .map(|row| {
            (
                (row.person_id, slugs[&row.course_id].clone()),
                row.computed_at,
            )
        })
        .collect()
}

#[tokio::test]
async fn the_engine_writes_only_the_obligations_that_changed() {
    let app = spawn_app().await;
    let _content = with_courses(&app).await;
    let first = written_at(&app).await;
    assert!(!first.is_empty());

    // Run again a moment later: nothing changed, so nothing is written.
    let later = Utc::now() + chrono::Duration::seconds(5);
    recompute(&app.db, &EngineLock::default(), later.date_naive(), later)
        .await
        .unwrap();
    assert_eq!(
        written_at(&app).await,
        first,
        "an idle run rewrote obligations"
    );

    // Accepting the policy writes that one obligation, completed, and leaves the person's others.
    app.login(EMPLOYEE, PASSWORD).await;
    app.post_form("/api/training/read", &[("slug", "rules")])
        .await;
    opened_two_minutes_ago(&app).await;
    let accepted = accept_rules(&app).await;
    assert_eq!(accepted.status(), 200);
    let erin = app::ssr::db::people::find_by_email(&app.db, EMPLOYEE)
        .await
        .unwrap()
        .unwrap()
        .id;
    let after = written_at(&app).await;
    let changed: Vec<&(i64, String)> = after
        .iter()
        .filter(|(key, at)| first.get(*key) != Some(*at))
        .map(|(key, _)| key)
        .collect();
    assert_eq!(changed, [&(erin, "rules".to_owned())]);
    let policy = app::ssr::db::courses::find_by_slug(&app.db, "rules")
        .await
        .unwrap()
        .unwrap();
    let obligation = app::ssr::db::training::compliance_of(&app.db, erin)
        .await
        .unwrap()
        .into_iter()
        .find(|o| o.course_id == policy.id)
        .unwrap();
    assert_eq!(obligation.status, "completed");
}
