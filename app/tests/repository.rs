//! Repository tests: the same bodies run on in-memory SQLite and, when `TEST_POSTGRES_URL` is set,
//! on a fresh PostgreSQL database.

// Test helpers panic on setup failures: that is how a test reports them.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use app::error::{AppError, Conflict, Invalid};
use app::ssr::db::{login_failures, people, revoked_sessions, test_support};
use app::ssr::people_admin::{self, NewPerson};
use chrono::{Duration, NaiveDate, Utc};
use migrations::{Migrator, MigratorTrait};

fn person(email: &str, manager: Option<&str>) -> NewPerson {
    NewPerson {
        email: email.to_owned(),
        name: format!("Person {email}"),
        department: Some("Finance".to_owned()),
        job_title: "Analyst".to_owned(),
        hire_date: NaiveDate::from_ymd_opt(2025, 2, 28).unwrap(),
        manager_email: manager.map(str::to_owned),
        ..Default::default()
    }
}

#[tokio::test]
async fn migrations_can_be_undone_and_reapplied() {
    for (backend, db) in test_support::backends().await.unwrap() {
        Migrator::down(&db, None)
            .await
            .unwrap_or_else(|e| panic!("{backend}: down: {e}"));
        assert!(
            Migrator::get_applied_migrations(&db)
                .await
                .unwrap()
                .is_empty(),
            "{backend}"
        );
        Migrator::up(&db, None)
            .await
            .unwrap_or_else(|e| panic!("{backend}: up: {e}"));
        assert!(
            Migrator::get_pending_migrations(&db)
                .await
                .unwrap()
                .is_empty(),
            "{backend}"
        );
    }
}

#[tokio::test]
async fn people_are_stored_with_roles_departments_and_managers() {
    for (backend, db) in test_support::backends().await.unwrap() {
        let now = Utc::now();
        let manager = people_admin::add_person(&db, person("boss@example.com", None), now)
            .await
            .unwrap();
        let report = people_admin::add_person(
            &db,
            NewPerson {
                roles: vec!["department-head".to_owned()],
                ..person("Report@Example.com", Some("boss@example.com"))
            },
            now,
        )
        .await
        .unwrap();

        let stored = people::find_by_email(&db, "report@example.com")
            .await
            .unwrap()
            .expect("stored lower-cased");
        assert_eq!(stored.manager_id, Some(manager.id), "{backend}");
        assert_eq!(
            stored.hire_date,
            NaiveDate::from_ymd_opt(2025, 2, 28).unwrap(),
            "{backend}"
        );
        assert_eq!(
            people::role_slugs(&db, report.id).await.unwrap(),
            ["department-head", "employee"],
            "{backend}"
        );
        assert_eq!(
            people::department_name(&db, stored.department_id)
                .await
                .unwrap()
                .as_deref(),
            Some("Finance")
        );
        assert!(
            people::has_active_reports(&db, manager.id).await.unwrap(),
            "{backend}"
        );

        people_admin::deactivate(
            &db,
            &people_admin::Acting::operator("test"),
            "report@example.com",
            now,
        )
        .await
        .unwrap();
        assert!(
            !people::has_active_reports(&db, manager.id).await.unwrap(),
            "{backend}: a leaver is nobody's report"
        );
        let gone = people::find_by_id(&db, report.id).await.unwrap().unwrap();
        assert!(!gone.active && gone.deactivated_at.is_some(), "{backend}");
        assert!(
            people::role_slugs(&db, report.id)
                .await
                .unwrap()
                .contains(&"department-head".to_owned()),
            "{backend}: history kept"
        );
    }
}

#[tokio::test]
async fn duplicates_unknown_roles_and_missing_managers_are_refused_without_writing() {
    for (backend, db) in test_support::backends().await.unwrap() {
        let now = Utc::now();
        people_admin::add_person(&db, person("one@example.com", None), now)
            .await
            .unwrap();
        let duplicate = people_admin::add_person(&db, person("ONE@example.com", None), now).await;
        assert_eq!(
            duplicate.err(),
            Some(AppError::Conflict(Conflict::EmailTaken)),
            "{backend}"
        );
        let unknown_role = people_admin::add_person(
            &db,
            NewPerson {
                roles: vec!["wizard".to_owned()],
                ..person("two@example.com", None)
            },
            now,
        )
        .await;
        assert_eq!(
            unknown_role.err(),
            Some(AppError::Invalid(Invalid::UnknownJobRole)),
            "{backend}"
        );
        let no_manager = people_admin::add_person(
            &db,
            person("three@example.com", Some("ghost@example.com")),
            now,
        )
        .await;
        assert!(
            matches!(no_manager, Err(AppError::NotFound(_))),
            "{backend}"
        );
        assert_eq!(
            people::count(&db).await.unwrap(),
            1,
            "{backend}: nothing else was written"
        );
    }
}

#[tokio::test]
async fn sign_in_failures_are_counted_per_account_and_per_client_within_the_window() {
    for (backend, db) in test_support::backends().await.unwrap() {
        let now = Utc::now();
        login_failures::record(
            &db,
            "a@example.com",
            "10.0.0.1",
            now - Duration::minutes(20),
        )
        .await
        .unwrap();
        login_failures::record(&db, "a@example.com", "10.0.0.1", now - Duration::minutes(5))
            .await
            .unwrap();
        login_failures::record(&db, "b@example.com", "10.0.0.1", now - Duration::minutes(1))
            .await
            .unwrap();
        let since = now - Duration::minutes(15);
        assert_eq!(
            login_failures::since_for_account(&db, "a@example.com", since)
                .await
                .unwrap()
                .len(),
            1,
            "{backend}"
        );
        assert_eq!(
            login_failures::since_for_client(&db, "10.0.0.1", since)
                .await
                .unwrap()
                .len(),
            2,
            "{backend}"
        );
        login_failures::clear_account(&db, "a@example.com")
            .await
            .unwrap();
        assert!(
            login_failures::since_for_account(&db, "a@example.com", since)
                .await
                .unwrap()
                .is_empty(),
            "{backend}"
        );
        assert_eq!(
            login_failures::prune(&db, now - Duration::minutes(2))
                .await
                .unwrap(),
            0,
            "{backend}"
        );
        assert_eq!(
            login_failures::prune(&db, now).await.unwrap(),
            1,
            "{backend}"
        );
    }
}

#[tokio::test]
async fn revoked_sessions_are_remembered_until_they_expire() {
    for (backend, db) in test_support::backends().await.unwrap() {
        let now = Utc::now();
        let someone = people_admin::add_person(&db, person("r@example.com", None), now)
            .await
            .unwrap();
        let revoked = |token: &'static str| {
            let db = db.clone();
            let public_id = someone.public_id.clone();
            async move {
                revoked_sessions::holder(&db, &public_id, token)
                    .await
                    .unwrap()
                    .expect("the person holds the session")
                    .revoked
            }
        };
        revoked_sessions::revoke(&db, "jti-1", someone.id, now + Duration::hours(1))
            .await
            .unwrap();
        revoked_sessions::revoke(&db, "jti-1", someone.id, now + Duration::hours(1))
            .await
            .unwrap();
        assert!(revoked("jti-1").await, "{backend}");
        assert!(!revoked("jti-2").await, "{backend}");
        assert_eq!(
            revoked_sessions::prune(&db, now + Duration::hours(2))
                .await
                .unwrap(),
            1,
            "{backend}"
        );
        assert!(!revoked("jti-1").await, "{backend}");
    }
}

/// One statement gives a session's holder, and whether they have an active report (who may
/// then see their team); nobody for an unknown public id.
#[tokio::test]
async fn a_session_holder_comes_with_whether_anyone_reports_to_them() {
    for (backend, db) in test_support::backends().await.unwrap() {
        let now = Utc::now();
        let boss = people_admin::add_person(&db, person("boss@example.com", None), now)
            .await
            .unwrap();
        let holder = revoked_sessions::holder(&db, &boss.public_id, "jti")
            .await
            .unwrap()
            .unwrap();
        assert_eq!(holder.person.id, boss.id, "{backend}");
        assert!(!holder.has_active_reports, "{backend}");
        people_admin::add_person(
            &db,
            person("report@example.com", Some("boss@example.com")),
            now,
        )
        .await
        .unwrap();
        let holder = revoked_sessions::holder(&db, &boss.public_id, "jti")
            .await
            .unwrap()
            .unwrap();
        assert!(holder.has_active_reports, "{backend}");
        assert!(!holder.revoked, "{backend}");
        assert!(
            revoked_sessions::holder(&db, "no-such-person", "jti")
                .await
                .unwrap()
                .is_none(),
            "{backend}"
        );
    }
}

#[tokio::test]
async fn timestamps_keep_millisecond_precision_for_session_revocation() {
    for (backend, db) in test_support::backends().await.unwrap() {
        let now = Utc::now();
        let someone = people_admin::add_person(&db, person("t@example.com", None), now)
            .await
            .unwrap();
        people::revoke_sessions(&db, someone.id, now).await.unwrap();
        let stored = people::find_by_id(&db, someone.id).await.unwrap().unwrap();
        assert_eq!(
            stored.sessions_valid_after.timestamp_millis(),
            now.timestamp_millis(),
            "{backend}"
        );
    }
}

#[tokio::test]
async fn a_sqlite_file_database_is_created_in_write_ahead_logging_mode() {
    use sea_orm::{ConnectionTrait, Statement};
    let dir = tempfile::tempdir().unwrap();
    let (_, db) = test_support::sqlite_file(&dir.path().join("nested"))
        .await
        .unwrap();
    let row = db
        .query_one_raw(Statement::from_string(
            db.get_database_backend(),
            "PRAGMA journal_mode",
        ))
        .await
        .unwrap()
        .unwrap();
    let mode: String = row.try_get_by_index(0).unwrap();
    assert_eq!(mode, "wal");
    assert!(dir.path().join("nested/vigil-test.db").exists());
}

#[tokio::test]
async fn the_demo_organisation_loads_once() {
    for (backend, db) in test_support::backends().await.unwrap() {
        let now = Utc::now();
        assert!(app::ssr::demo::load(&db, now).await.unwrap(), "{backend}");
        assert!(!app::ssr::demo::load(&db, now).await.unwrap(), "{backend}");
        assert_eq!(people::count(&db).await.unwrap(), 40, "{backend}");
        let listings = people_admin::list(&db).await.unwrap();
        assert_eq!(
            listings.iter().filter(|l| !l.person.active).count(),
            1,
            "{backend}: one leaver"
        );
    }
}

#[tokio::test]
async fn the_audit_log_refuses_updates_and_deletes_in_the_database_itself() {
    use app::ssr::db::audit::{self, Actor, AuditEntry};
    use sea_orm::ConnectionTrait;
    for (backend, db) in test_support::backends().await.unwrap() {
        let entry = AuditEntry {
            actor: Actor::system("test"),
            action: "export",
            subject: "export:test".to_owned(),
            before: None,
            after: None,
            reason: None,
        };
        audit::record(&db, entry, Utc::now()).await.unwrap();
        for statement in [
            "UPDATE audit_events SET actor_label = 'someone else'",
            "DELETE FROM audit_events",
        ] {
            let refused = db.execute_unprepared(statement).await;
            let message = refused.expect_err(statement).to_string();
            assert!(message.contains("append-only"), "{backend}: {message}");
        }
        let rows = db
            .query_one_raw(sea_orm::Statement::from_string(
                db.get_database_backend(),
                "SELECT COUNT(*) AS n, MIN(actor_label) AS who FROM audit_events",
            ))
            .await
            .unwrap()
            .unwrap();
        assert_eq!(rows.try_get::<i64>("", "n").unwrap(), 1, "{backend}");
        assert_eq!(
            rows.try_get::<String>("", "who").unwrap(),
            "test",
            "{backend}"
        );
    }
}

#[tokio::test]
async fn history_keeps_each_state_with_its_interval_and_catches_changes_made_behind_its_back() {
    use app::ssr::db::history;
    use sea_orm::ConnectionTrait;
    for (backend, db) in test_support::backends().await.unwrap() {
        let created = Utc::now() - Duration::hours(2);
        let added = people_admin::add_person(
            &db,
            NewPerson {
                roles: vec!["department-head".to_owned()],
                ..person("kept@example.com", None)
            },
            created,
        )
        .await
        .unwrap();
        // Created with roles in one change: one state, holding from before Vigil knew them.
        let long_ago = created - Duration::days(400);
        let first = history::people_at(&db, long_ago).await.unwrap();
        assert_eq!(
            first[&added.id].roles,
            vec!["department-head".to_owned(), "employee".to_owned()],
            "{backend}"
        );

        // Leaving an hour later closes that state and opens the next.
        let left = created + Duration::hours(1);
        people::deactivate(&db, added.id, left).await.unwrap();
        assert!(
            history::people_at(&db, left - Duration::milliseconds(1))
                .await
                .unwrap()[&added.id]
                .active,
            "{backend}"
        );
        assert!(
            !history::people_at(&db, left).await.unwrap()[&added.id].active,
            "{backend}"
        );

        // A change made in the database directly is recorded when history is reconciled.
        db.execute_unprepared(&format!(
            "UPDATE people SET job_title = 'Changed by hand' WHERE id = {}",
            added.id
        ))
        .await
        .unwrap();
        let reconciled = Utc::now();
        assert_eq!(
            history::reconcile(&db, reconciled).await.unwrap(),
            1,
            "{backend}"
        );
        assert_eq!(
            history::reconcile(&db, Utc::now()).await.unwrap(),
            0,
            "{backend}"
        );
        let now = history::people_at(&db, Utc::now()).await.unwrap();
        assert_eq!(now[&added.id].job_title, "Changed by hand", "{backend}");
        let before = history::people_at(&db, left).await.unwrap();
        assert_eq!(before[&added.id].job_title, "Analyst", "{backend}");
    }
}
