//! The ledger, the engine's stored state and the demo history, on SQLite and (when
//! `TEST_POSTGRES_URL` is set) PostgreSQL.

// Test helpers panic on setup failures: that is how a test reports them.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;

use app::domain::assignment::Status;
use app::domain::audience::Audience;
use app::domain::ledger::{ChainBreak, RecordKind};
use app::ssr::content::tree::import_tree;
use app::ssr::db::audit::Actor;
use app::ssr::db::ledger::{self, NewRecord};
use app::ssr::db::{courses, people, test_support, training};
use app::ssr::people_admin::{self, NewPerson};
use app::ssr::training::engine::{EngineLock, recompute, recompute_person};
use chrono::{Duration, NaiveDate, Utc};
use sea_orm::{ConnectionTrait, DatabaseConnection};

const TOML: &str = "id = \"tiny\"\ntitle = \"Tiny\"\nsummary = \"A tiny course.\"\nkind = \"course\"\nlanguage = \"en\"\nestimated_minutes = 5\npass_mark = 50\nrecurrence = \"12 months\"\ndue_within = \"30 days\"\n\n[audience]\nroles = [\"secure-development-engineer\"]\n\n[version]\nnotes = \"First version.\"\nmaterial = false\n";

fn tiny_tree() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let course = dir.path().join("tiny");
    std::fs::create_dir_all(&course).unwrap();
    std::fs::write(course.join("course.toml"), TOML).unwrap();
    std::fs::write(course.join("01-only.md"), "# Only lesson\n\nText.\n").unwrap();
    std::fs::write(
        course.join("quiz.md"),
        "## Is this tiny?\n\n- [x] Yes\n- [ ] No\n\n> It is.\n",
    )
    .unwrap();
    dir
}

async fn person(db: &DatabaseConnection, email: &str, roles: &[&str]) -> i64 {
    people_admin::add_person(
        db,
        NewPerson {
            email: email.into(),
            name: email.into(),
            hire_date: NaiveDate::from_ymd_opt(2024, 1, 1).unwrap(),
            roles: roles.iter().map(|r| (*r).to_owned()).collect(),
            ..Default::default()
        },
        Utc::now(),
    )
    .await
    .unwrap()
    .id
}

async fn record(db: &DatabaseConnection, person_id: i64, score: i32) -> i64 {
    let course = courses::find_by_slug(db, "tiny").await.unwrap().unwrap();
    let version = courses::latest_version(db, course.id)
        .await
        .unwrap()
        .unwrap();
    ledger::append(
        db,
        NewRecord {
            kind: RecordKind::Attempt,
            person_id,
            course_id: course.id,
            version_id: version.id,
            content_hash: version.content_hash,
            score: Some(score),
            passed: score >= 50,
            answers: Some("{}".into()),
            started_at: Some(Utc::now() - Duration::minutes(5)),
            finished_at: Utc::now(),
            actor_id: None,
            reason: None,
            voids_sequence: None,
            session_id: None,
            language: None,
        },
        Utc::now(),
    )
    .await
    .unwrap()
    .sequence
}

async fn setup() -> Vec<(&'static str, DatabaseConnection, tempfile::TempDir)> {
    let mut all = Vec::new();
    for (backend, db) in test_support::backends().await.unwrap() {
        let tree = tiny_tree();
        import_tree(
            &db,
            tree.path(),
            &Actor::system("test"),
            Utc::now() - Duration::days(10),
        )
        .await
        .unwrap();
        all.push((backend, db, tree));
    }
    all
}

#[tokio::test]
async fn a_changed_row_breaks_the_chain_at_that_record() {
    for (backend, db, _tree) in setup().await {
        let someone = person(&db, "a@example.com", &[]).await;
        for score in [40, 60, 80] {
            record(&db, someone, score).await;
        }
        assert_eq!(ledger::verify(&db).await.unwrap(), Ok(3), "{backend}");
        // The database refuses the change; an insider who removes that guard first is caught.
        assert!(
            db.execute_unprepared("UPDATE completion_records SET score = 100 WHERE sequence = 2")
                .await
                .is_err(),
            "{backend}: records cannot be updated"
        );
        test_support::drop_ledger_guards(&db).await.unwrap();
        db.execute_unprepared("UPDATE completion_records SET score = 100 WHERE sequence = 2")
            .await
            .unwrap();
        assert_eq!(
            ledger::verify(&db).await.unwrap(),
            Err(ChainBreak::Altered { sequence: 2 }),
            "{backend}"
        );
    }
}

#[tokio::test]
async fn a_changed_kind_is_a_break_not_a_silent_default() {
    for (backend, db, _tree) in setup().await {
        let someone = person(&db, "a@example.com", &[]).await;
        for score in [40, 60, 80] {
            record(&db, someone, score).await;
        }
        test_support::drop_ledger_guards(&db).await.unwrap();
        db.execute_unprepared("UPDATE completion_records SET kind = 'Attempt' WHERE sequence = 2")
            .await
            .unwrap();
        assert_eq!(
            ledger::verify(&db).await.unwrap(),
            Err(ChainBreak::UnknownKind {
                sequence: 2,
                kind: "Attempt".to_owned()
            }),
            "{backend}"
        );
    }
}

#[tokio::test]
async fn a_deleted_row_is_reported_missing() {
    for (backend, db, _tree) in setup().await {
        let someone = person(&db, "a@example.com", &[]).await;
        for score in [40, 60, 80] {
            record(&db, someone, score).await;
        }
        assert!(
            db.execute_unprepared("DELETE FROM completion_records WHERE sequence = 2")
                .await
                .is_err(),
            "{backend}: records cannot be deleted"
        );
        test_support::drop_ledger_guards(&db).await.unwrap();
        db.execute_unprepared("DELETE FROM completion_records WHERE sequence = 2")
            .await
            .unwrap();
        assert_eq!(
            ledger::verify(&db).await.unwrap(),
            Err(ChainBreak::Missing {
                expected: 2,
                previous: 1,
                found: 3
            }),
            "{backend}"
        );
    }
}

#[tokio::test]
async fn concurrent_appends_form_one_unbroken_chain() {
    for (backend, db, _tree) in setup().await {
        let someone = person(&db, "a@example.com", &[]).await;
        let appends = (0..8).map(|i| record(&db, someone, 40 + i));
        let sequences = futures::future::join_all(appends).await;
        let mut sorted = sequences.clone();
        sorted.sort_unstable();
        assert_eq!(sorted, (1..=8).collect::<Vec<_>>(), "{backend}");
        assert_eq!(ledger::verify(&db).await.unwrap(), Ok(8), "{backend}");
    }
}

#[tokio::test]
async fn the_engine_stores_obligations_and_running_it_twice_changes_nothing() {
    for (backend, db, _tree) in setup().await {
        let lock = EngineLock::default();
        let developer = person(&db, "dev@example.com", &["secure-development-engineer"]).await;
        let clerk = person(&db, "clerk@example.com", &[]).await;
        let now = Utc::now();
        recompute(&db, &lock, now.date_naive(), now).await.unwrap();
        let first = training::compliance(&db).await.unwrap();
        assert_eq!(
            first.len(),
            1,
            "{backend}: only the developer owes the course"
        );
        assert_eq!(first[0].person_id, developer, "{backend}");
        assert_eq!(first[0].status, Status::NotStarted.as_str(), "{backend}");
        let _ = clerk;

        let (a, b) = tokio::join!(
            recompute(&db, &lock, now.date_naive(), now),
            recompute(&db, &lock, now.date_naive(), now)
        );
        a.unwrap();
        b.unwrap();
        let again = training::compliance(&db).await.unwrap();
        assert_eq!(
            again, first,
            "{backend}: two more runs, at once, give the same state"
        );

        record(&db, developer, 100).await;
        recompute(&db, &lock, now.date_naive(), now).await.unwrap();
        let done = training::compliance(&db).await.unwrap();
        assert_eq!(done[0].status, Status::Completed.as_str(), "{backend}");
        assert_eq!(
            done[0].assigned_on, first[0].assigned_on,
            "{backend}: the assignment date is kept"
        );
    }
}

#[tokio::test]
async fn a_role_change_adds_and_removes_obligations_without_touching_history() {
    for (backend, db, _tree) in setup().await {
        let lock = EngineLock::default();
        let someone = person(&db, "mover@example.com", &[]).await;
        let now = Utc::now();
        recompute(&db, &lock, now.date_naive(), now).await.unwrap();
        assert!(
            training::compliance(&db).await.unwrap().is_empty(),
            "{backend}"
        );

        people_admin::set_roles(
            &db,
            &people_admin::Acting::operator("test"),
            "mover@example.com",
            &["secure-development-engineer".into()],
            None,
            None,
            now,
        )
        .await
        .unwrap();
        recompute(&db, &lock, now.date_naive(), now).await.unwrap();
        let owed = training::compliance(&db).await.unwrap();
        assert_eq!(owed.len(), 1, "{backend}");
        assert_eq!(
            owed[0].assigned_on,
            now.date_naive(),
            "{backend}: a new role is assigned today"
        );

        record(&db, someone, 100).await;
        people_admin::set_roles(
            &db,
            &people_admin::Acting::operator("test"),
            "mover@example.com",
            &[],
            None,
            None,
            now,
        )
        .await
        .unwrap();
        recompute(&db, &lock, now.date_naive(), now).await.unwrap();
        assert!(
            training::compliance(&db).await.unwrap().is_empty(),
            "{backend}: the obligation stops"
        );
        assert_eq!(
            ledger::of_person(&db, someone).await.unwrap().len(),
            1,
            "{backend}: the completion stays"
        );
    }
}

#[tokio::test]
async fn the_demo_history_is_believable_and_its_ledger_verifies() {
    for (backend, db) in test_support::backends().await.unwrap() {
        let now = Utc::now();
        app::ssr::demo::load(&db, now).await.unwrap();
        let content = Path::new(env!("CARGO_MANIFEST_DIR")).join("../content");
        let history = app::ssr::demo_history::load(&db, &content, now)
            .await
            .unwrap();
        assert!(
            history.records > 300,
            "{backend}: {} records",
            history.records
        );
        let lock = EngineLock::default();
        recompute(&db, &lock, now.date_naive(), now).await.unwrap();

        assert_eq!(
            ledger::verify(&db).await.unwrap(),
            Ok(history.records),
            "{backend}"
        );
        let states = training::compliance(&db).await.unwrap();
        for status in [
            Status::Completed,
            Status::Overdue,
            Status::Exempt,
            Status::InProgress,
            Status::NotStarted,
        ] {
            assert!(
                states.iter().any(|s| s.status == status.as_str()),
                "{backend}: somebody is {status:?}"
            );
        }
        let records = ledger::all(&db).await.unwrap();
        assert!(
            records.iter().any(|r| !r.passed),
            "{backend}: some failed attempts"
        );
        let oldest = records.first().unwrap().finished_at;
        assert!(
            now - oldest > Duration::days(500),
            "{backend}: history goes back about 18 months"
        );

        let phishing = courses::find_by_slug(&db, "phishing-and-social-engineering")
            .await
            .unwrap()
            .unwrap();
        let versions = courses::versions(&db, phishing.id).await.unwrap();
        assert_eq!(
            versions.len(),
            2,
            "{backend}: a first and a material second edition"
        );
        assert!(versions[0].material, "{backend}");

        let leaver = people::find_by_email(&db, "peter.novak@demo.vigil.example")
            .await
            .unwrap()
            .unwrap();
        assert!(
            states.iter().all(|s| s.person_id != leaver.id),
            "{backend}: the leaver owes nothing"
        );
        assert!(
            !ledger::of_person(&db, leaver.id).await.unwrap().is_empty(),
            "{backend}: but their history stays"
        );

        let managers_course = courses::find_by_slug(&db, "handling-sensitive-data")
            .await
            .unwrap()
            .unwrap();
        let elena = people::find_by_email(&db, "elena.petrova@demo.vigil.example")
            .await
            .unwrap()
            .unwrap();
        let ravi = people::find_by_email(&db, "ravi.patel@demo.vigil.example")
            .await
            .unwrap()
            .unwrap();
        assert!(
            states
                .iter()
                .any(|s| s.person_id == elena.id && s.course_id == managers_course.id),
            "{backend}: a manager owes sensitive data"
        );
        assert!(
            !states
                .iter()
                .any(|s| s.person_id == ravi.id && s.course_id == managers_course.id),
            "{backend}: an engineer does not"
        );
    }
}

/// Gives the course `audience` as its rule, as an administrator would.
async fn set_rule(db: &DatabaseConnection, course_id: i64, audience: Audience) {
    training::put_rule(
        db,
        course_id,
        serde_json::to_string(&audience).unwrap(),
        true,
        None,
        Utc::now(),
    )
    .await
    .unwrap();
}

/// Each instance keeps the catalogue's facts between runs; a change to a rule or a course made
/// anywhere (here through another instance's connection) must reach its next run for one person.
#[tokio::test]
async fn a_run_for_one_person_sees_catalogue_changes_made_since_the_last() {
    for (backend, db, _tree) in setup().await {
        let this_instance = EngineLock::default();
        let someone = person(&db, "keeper@example.com", &["secure-development-engineer"]).await;
        let course = courses::find_by_slug(&db, "tiny").await.unwrap().unwrap();
        let owed_after_a_run = || async {
            recompute_person(&db, &this_instance, someone)
                .await
                .unwrap();
            training::compliance_of(&db, someone)
                .await
                .unwrap()
                .into_iter()
                .map(|row| row.course_id)
                .collect::<Vec<_>>()
        };
        assert_eq!(owed_after_a_run().await, vec![course.id], "{backend}");

        // Another instance narrows the rule to a role this person does not hold...
        let auditors = Audience {
            roles: vec!["auditor".into()],
            ..Audience::default()
        };
        set_rule(&db, course.id, auditors).await;
        assert!(
            owed_after_a_run().await.is_empty(),
            "{backend}: the narrowed rule applies at once"
        );

        // ... widens it to everyone, then retires the course.
        let everyone = Audience {
            everyone: true,
            ..Audience::default()
        };
        set_rule(&db, course.id, everyone).await;
        assert_eq!(owed_after_a_run().await, vec![course.id], "{backend}");
        courses::set_retired(&db, course.id, Some((Utc::now(), someone, None)))
            .await
            .unwrap();
        assert!(
            owed_after_a_run().await.is_empty(),
            "{backend}: a retired course is no longer owed"
        );
    }
}
