//! Evidence packs over HTTP: what is in them, that they verify, and that any change is caught.

use std::collections::BTreeMap;

use app::domain::evidence::verify;
use app::ssr::evidence::{EvidenceKey, unzip, verify_zip, zip};

use crate::helpers::{
    COMPLIANCE, EMPLOYEE, MANAGER, PASSWORD, TestApp, new_client, spawn_app, spawn_app_on_postgres,
};
use crate::training::{json, with_courses};

async fn pack(app: &TestApp, client: &reqwest::Client, from: &str, to: &str) -> reqwest::Response {
    app.post_form_with(client, "/evidence/pack.zip", &[("from", from), ("to", to)])
        .await
}

fn problems(files: &BTreeMap<String, Vec<u8>>) -> Vec<String> {
    verify(files, None).problems
}

#[tokio::test]
async fn an_evidence_pack_holds_the_records_and_sources_verifies_and_reports_any_change() {
    pack_contents_and_verification(spawn_app().await).await;
}

#[tokio::test]
async fn an_evidence_pack_holds_the_records_and_sources_verifies_and_reports_any_change_on_postgres()
 {
    let Some(app) = spawn_app_on_postgres().await else {
        eprintln!("TEST_POSTGRES_URL not set; skipping the PostgreSQL run");
        return;
    };
    pack_contents_and_verification(app).await;
}

/// The pack, on either database.
async fn pack_contents_and_verification(app: TestApp) {
    let _courses = with_courses(&app).await;
    app.login(COMPLIANCE, PASSWORD).await;
    let today = chrono::Utc::now().date_naive();
    let (status, _) = json(
        &app,
        &app.client,
        "/api/admin/sessions/record",
        &[
            ("course", "tiny"),
            ("held_on", &today.to_string()),
            ("format", "presentation"),
            ("trainer", "Tess Trainer"),
            ("attendees", EMPLOYEE),
        ],
    )
    .await;
    assert_eq!(status, 200);

    let from = (today - chrono::Days::new(30)).to_string();
    let response = pack(&app, &app.client, &from, &today.to_string()).await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], "application/zip");
    let bytes = response.bytes().await.unwrap().to_vec();

    // It verifies, with the key Vigil shows administrators.
    let (_, key) = json(&app, &app.client, "/api/admin/evidence-key", &[]).await;
    let report = verify_zip(&bytes, None);
    assert!(report.is_intact(), "{:?}", report.problems);
    assert_eq!(report.fingerprint.as_deref(), key["fingerprint"].as_str());

    let files = unzip(&bytes).unwrap();
    for expected in [
        "index.html",
        "README.txt",
        "roster.csv",
        "completions.csv",
        "acknowledgements.csv",
        "sessions.csv",
        "exemptions.csv",
        "reminders.csv",
        "audit-log.csv",
        "courses.csv",
        "ledger-verification.txt",
        "checkpoint.txt",
        "ledger-records.jsonl",
        "ledger-proofs.jsonl",
        "checkpoints.csv",
        "verify.py",
        "courses/tiny/v1/course.toml",
        "courses/tiny/v1/quiz.md",
        "MANIFEST.sha256",
        "MANIFEST.sha256.sig",
        "signing-key.pub.pem",
    ] {
        assert!(
            files.contains_key(expected),
            "{expected} is missing from {:?}",
            files.keys().collect::<Vec<_>>()
        );
    }
    ledger_proof_checks_offline(&files);

    // The completion names the exact version and its content hash, and is marked instructor-led.
    let version = app::ssr::db::courses::find_by_slug(&app.db, "tiny")
        .await
        .unwrap()
        .unwrap();
    let version =
        app::ssr::db::courses::version_by_id(&app.db, version.current_version_id.unwrap())
            .await
            .unwrap()
            .unwrap();
    let completions = String::from_utf8(files["completions.csv"].clone()).unwrap();
    let erin = completions
        .lines()
        .find(|l| l.contains(EMPLOYEE))
        .expect("Erin's record");
    assert!(
        erin.contains(&version.content_hash)
            && erin.contains("instructor_led")
            && erin.contains(",1,"),
        "{erin}"
    );
    // The roster reconciles: Erin is up to date on "tiny", everyone else is not.
    let roster = String::from_utf8(files["roster.csv"].clone()).unwrap();
    assert_eq!(
        roster
            .lines()
            .filter(|l| l.contains("Tiny course") && l.contains("completed"))
            .count(),
        1,
        "{roster}"
    );
    // Every control has its summary.
    let index = String::from_utf8(files["index.html"].clone()).unwrap();
    for control in [
        "A.6.3",
        "CC1.4",
        "CC2.2",
        "12.6.1",
        "12.6.2",
        "12.6.3",
        "164.308(a)(5)",
        "AT-2",
        "AT-3",
        "AT-4",
    ] {
        assert!(index.contains(control), "index.html lacks {control}");
    }

    // One changed byte in any file is reported, naming the file.
    let mut changed = files.clone();
    changed.get_mut("completions.csv").unwrap()[10] ^= 0x01;
    assert_eq!(
        problems(&changed),
        ["completions.csv has been changed: its hash does not match the manifest"]
    );
    // So is a changed manifest (the signature no longer matches), an added file and a removed one.
    let mut manifest = files.clone();
    manifest.get_mut("MANIFEST.sha256").unwrap()[0] ^= 0x01;
    assert!(
        problems(&manifest)
            .iter()
            .any(|p| p.starts_with("the signature does not match"))
    );
    let mut added = files.clone();
    added.insert("extra.csv".to_owned(), b"x".to_vec());
    assert_eq!(
        problems(&added),
        ["extra.csv is in the pack but not in the manifest (it was added)"]
    );
    let mut removed = files.clone();
    removed.remove("audit-log.csv");
    assert_eq!(
        problems(&removed),
        ["audit-log.csv is listed in the manifest but missing from the pack"]
    );
    // A flipped bit in the zip itself, headers and padding included: a spread of positions
    // through the file and every byte of its last 400 (central directory, end record, comment).
    // (The domain tests flip every single byte of a signed container.)
    let stride = (bytes.len() / 400).max(1);
    for position in (0..bytes.len())
        .step_by(stride)
        .chain(bytes.len().saturating_sub(400)..bytes.len())
    {
        let mut raw = bytes.clone();
        raw[position] ^= 0x01;
        assert!(
            !verify_zip(&raw, None).is_intact(),
            "a change at byte {position} went unnoticed"
        );
    }
    // A changed file re-packed by someone without the key: refused on the whole-file signature,
    // before anything is unpacked.
    let forged = zip(&changed, &EvidenceKey::from_bytes(&[9u8; 32])).unwrap();
    let report = verify_zip(&forged, None);
    assert_eq!(
        report.problems,
        ["the zip file was changed after it was signed: its whole-file signature does not match"]
    );

    // Making a pack is an audited admin action.
    let (_, audit) = json(
        &app,
        &app.client,
        "/api/admin/audit",
        &[("action", "export")],
    )
    .await;
    assert_eq!(audit["rows"][0]["subject"], "export:evidence-pack");
}

#[tokio::test]
async fn evidence_packs_are_for_compliance_admins_and_need_a_period() {
    let app = spawn_app().await;
    app.login(COMPLIANCE, PASSWORD).await;
    let response = pack(&app, &app.client, "", "2026-01-01").await;
    assert_eq!(response.status(), 422);
    let response = pack(&app, &app.client, "2026-06-01", "2026-01-01").await;
    assert_eq!(response.status(), 422);
    assert_eq!(
        response.text().await.unwrap(),
        "The period must start on or before its end."
    );
    for email in [EMPLOYEE, MANAGER] {
        let client = new_client();
        app.login_with(&client, email).await;
        assert_eq!(
            pack(&app, &client, "2026-01-01", "2026-06-30")
                .await
                .status(),
            403,
            "{email}"
        );
    }
}

/// The pack's `verify.py` (Python standard library and openssl only) finds every record of the
/// period in the signed checkpoint's tree, and fails on a changed record or checkpoint.
fn ledger_proof_checks_offline(files: &BTreeMap<String, Vec<u8>>) {
    let run = |files: &BTreeMap<String, Vec<u8>>| {
        let dir = tempfile::tempdir().unwrap();
        for (name, bytes) in files {
            let path = dir.path().join(name);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, bytes).unwrap();
        }
        let output = std::process::Command::new("python3")
            .arg("verify.py")
            .current_dir(dir.path())
            .output()
            .expect("python3 runs");
        let text = String::from_utf8_lossy(&output.stdout).into_owned()
            + &String::from_utf8_lossy(&output.stderr);
        (output.status.success(), text)
    };
    let (ok, text) = run(files);
    assert!(ok, "{text}");
    assert!(
        text.contains("each of the 1 records is in the checkpoint's tree"),
        "{text}"
    );

    let mut changed = files.clone();
    let records = String::from_utf8(changed["ledger-records.jsonl"].clone()).unwrap();
    assert!(records.starts_with("{\"sequence\":1,"), "{records}");
    changed.insert(
        "ledger-records.jsonl".into(),
        records
            .replacen("\"passed\":true", "\"passed\":false", 1)
            .into_bytes(),
    );
    let (ok, text) = run(&changed);
    assert!(
        !ok && text.contains("record 1: its bytes do not hash"),
        "{text}"
    );

    let mut forged = files.clone();
    let note = String::from_utf8(files["checkpoint.txt"].clone()).unwrap();
    let mut lines: Vec<String> = note.split('\n').map(str::to_owned).collect();
    lines[1] = (lines[1].parse::<u64>().unwrap() + 1).to_string();
    forged.insert("checkpoint.txt".into(), lines.join("\n").into_bytes());
    let (ok, text) = run(&forged);
    assert!(
        !ok && text.contains("not signed by signing-key.pub.pem"),
        "{text}"
    );
}

#[tokio::test]
async fn a_closed_period_exports_the_same_roster_after_a_reorganisation_a_rule_change_and_a_leaver()
{
    closed_period_stays_as_it_was(spawn_app().await).await;
}

#[tokio::test]
async fn a_closed_period_exports_the_same_roster_after_changes_on_postgres() {
    let Some(app) = spawn_app_on_postgres().await else {
        eprintln!("TEST_POSTGRES_URL not set; skipping the PostgreSQL run");
        return;
    };
    closed_period_stays_as_it_was(app).await;
}

async fn roster_for(app: &TestApp, from: &str, to: &str) -> String {
    let response = pack(app, &app.client, from, to).await;
    assert_eq!(response.status(), 200);
    let files = unzip(&response.bytes().await.unwrap()).unwrap();
    String::from_utf8(files["roster.csv"].clone()).unwrap()
}

/// Last month's pack, exported before and after the organisation changes today.
async fn closed_period_stays_as_it_was(app: TestApp) {
    use sea_orm::{EntityTrait, sea_query::Expr};
    let _courses = with_courses(&app).await;
    // The courses have been in force for three months.
    let now = chrono::Utc::now();
    app::ssr::db::entities::course_version::Entity::update_many()
        .col_expr(
            app::ssr::db::entities::course_version::Column::PublishedAt,
            Expr::value(now - chrono::Duration::days(90)),
        )
        .exec(&app.db)
        .await
        .unwrap();
    app.login(COMPLIANCE, PASSWORD).await;
    let today = now.date_naive();
    let from = (today - chrono::Days::new(30)).to_string();
    let closed = (today - chrono::Days::new(1)).to_string();
    let before = roster_for(&app, &from, &closed).await;
    let erin_before = before
        .lines()
        .find(|l| l.contains(EMPLOYEE) && l.contains("Tiny course"))
        .unwrap_or_else(|| panic!("Erin owes the tiny course:\n{before}"));
    assert!(
        erin_before.contains("Engineering") && erin_before.contains("Mona Manager"),
        "{erin_before}"
    );
    assert!(before.contains(MANAGER), "{before}");

    // Today: Erin moves department, title, manager and roles; Mona leaves; the tiny course's
    // rule narrows to managers.
    let admin = new_client();
    app.login_with(&admin, crate::helpers::PLATFORM).await;
    let erin = app.public_id(EMPLOYEE).await;
    let moved = app
        .post_form_with(
            &admin,
            "/api/people/save",
            &[
                ("public_id", &erin),
                ("email", EMPLOYEE),
                ("name", "Erin Employee"),
                ("department", "Sales"),
                ("job_title", "Account executive"),
                ("hire_date", "2024-01-15"),
                ("manager_email", ""),
                ("roles[employee]", "yes"),
                ("roles[security-operations-engineer]", "yes"),
            ],
        )
        .await;
    assert!(moved.status().is_success() || moved.status().is_redirection());
    let mona = app.public_id(MANAGER).await;
    let left = app
        .post_form_with(
            &admin,
            "/api/people/deactivate",
            &[("public_id", &mona), ("confirm", "yes")],
        )
        .await;
    assert!(left.status().is_success() || left.status().is_redirection());
    let narrowed = app
        .post_form(
            "/api/admin/rules/save",
            &[("slug", "tiny"), ("managers", "yes")],
        )
        .await;
    assert_eq!(narrowed.status(), 200);

    // The closed period reads exactly as it did; a period that includes today does not.
    let after = roster_for(&app, &from, &closed).await;
    assert_eq!(before, after, "the closed period's roster changed");
    let current = roster_for(&app, &from, &today.to_string()).await;
    assert!(!current.contains(MANAGER), "Mona left today:\n{current}");
    assert!(
        current
            .lines()
            .any(|l| l.contains(EMPLOYEE) && l.contains("Sales")),
        "{current}"
    );
    assert!(
        !current
            .lines()
            .any(|l| l.contains(EMPLOYEE) && l.contains("Tiny course")),
        "the tiny course is for managers now:\n{current}"
    );
}

#[tokio::test]
async fn a_programme_review_is_recorded_once_it_happened_and_the_pack_shows_it() {
    let app = spawn_app().await;
    app.login(COMPLIANCE, PASSWORD).await;
    let today = chrono::Utc::now().date_naive();
    let pack_files = |bytes: Vec<u8>| unzip(&bytes).unwrap();
    let from = (today - chrono::Days::new(30)).to_string();

    let before = pack(&app, &app.client, &from, &today.to_string()).await;
    let files = pack_files(before.bytes().await.unwrap().to_vec());
    let index = String::from_utf8(files["index.html"].clone()).unwrap();
    assert!(
        index.contains("No review of the training programme is recorded in Vigil"),
        "the pack says when there is none"
    );

    // A review in the future, or with its next one more than 12 months on, changes nothing.
    let tomorrow = (today + chrono::Days::new(1)).to_string();
    let (status, _) = json(
        &app,
        &app.client,
        "/api/admin/reviews/record",
        &[
            ("reviewed_on", &tomorrow),
            ("reviewers", "Carl"),
            ("summary", "Soon."),
        ],
    )
    .await;
    assert_eq!(status, 422);
    let late = (today + chrono::Months::new(13)).to_string();
    let (status, _) = json(
        &app,
        &app.client,
        "/api/admin/reviews/record",
        &[
            ("reviewed_on", &today.to_string()),
            ("reviewers", "Carl"),
            ("summary", "Late."),
            ("next_review_on", &late),
        ],
    )
    .await;
    assert_eq!(status, 422);
    let (_, listed) = json(&app, &app.client, "/api/admin/reviews", &[]).await;
    assert_eq!(listed["reviews"], serde_json::json!([]));

    let reviewed_on = (today - chrono::Days::new(3)).to_string();
    let recorded = app
        .post_form(
            "/api/admin/reviews/record",
            &[
                ("reviewed_on", &reviewed_on),
                ("reviewers", "Carl Compliance, Isa Officer"),
                (
                    "summary",
                    "Coverage 94%; phishing reports up.\nAdded incident investigation.",
                ),
                ("changes", "New course for the security team."),
            ],
        )
        .await;
    assert_eq!(recorded.status(), 200);
    let (_, listed) = json(&app, &app.client, "/api/admin/reviews", &[]).await;
    let review = &listed["reviews"][0];
    assert_eq!(review["recorded_by"], "Carl Compliance");
    assert_eq!(
        review["next_review_on"],
        (today - chrono::Days::new(3) + chrono::Months::new(12)).to_string()
    );

    let after = pack(&app, &app.client, &from, &today.to_string()).await;
    let files = pack_files(after.bytes().await.unwrap().to_vec());
    let csv = String::from_utf8(files["programme-reviews.csv"].clone()).unwrap();
    assert!(csv.contains("Carl Compliance, Isa Officer"), "{csv}");
    assert!(csv.contains("New course for the security team."), "{csv}");
    let index = String::from_utf8(files["index.html"].clone()).unwrap();
    assert!(
        index.contains(&format!(
            "The programme was last reviewed on {reviewed_on} by Carl Compliance, Isa Officer"
        )),
        "{index}"
    );
    assert!(index.contains("within 12 months of the period"), "{index}");
    let audit = String::from_utf8(files["audit-log.csv"].clone()).unwrap();
    assert!(audit.contains("programme.review"), "{audit}");
    assert!(problems(&files).is_empty(), "{:?}", problems(&files));

    // A period that ended before the review does not count it.
    let old_end = (today - chrono::Days::new(10)).to_string();
    let old = pack(&app, &app.client, "2026-01-01", &old_end).await;
    let files = pack_files(old.bytes().await.unwrap().to_vec());
    let index = String::from_utf8(files["index.html"].clone()).unwrap();
    assert!(
        index.contains("No review of the training programme"),
        "{index}"
    );
}
