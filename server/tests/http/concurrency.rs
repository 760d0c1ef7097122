//! Many people submitting at the same moment: on SQLite nobody gets "database is locked" and
//! nothing is lost; on PostgreSQL two instances on one database keep one valid chain with no
//! duplicate records.

use std::collections::BTreeSet;
use std::sync::Arc;

use app::domain::ledger::RecordKind;
use app::ssr::auth::jwt::SessionTokens;
use app::ssr::people_admin::{self, NewPerson};
use chrono::{NaiveDate, Utc};
use reqwest::header;
use tokio::sync::Barrier;

use crate::helpers::{SECRET, TestApp, spawn_app, spawn_app_on_postgres, spawn_instance};
use crate::training::{opened_two_minutes_ago, with_courses};

const PEOPLE: usize = 200;

/// The issuer of session tokens in tests (the development default for `127.0.0.1:0`).
const ISSUER: &str = "http://127.0.0.1:0";

/// `PEOPLE` more people, each with a session cookie (as if each had signed in earlier).
async fn crowd(app: &TestApp) -> Vec<(String, String)> {
    let now = Utc::now();
    let tokens = SessionTokens::new(
        SECRET.as_bytes(),
        ISSUER.to_owned(),
        chrono::Duration::hours(1),
    );
    let mut people = Vec::with_capacity(PEOPLE);
    for i in 0..PEOPLE {
        let person = people_admin::add_person(
            &app.db,
            NewPerson {
                email: format!("crowd{i}@example.com"),
                name: format!("Crowd {i}"),
                hire_date: NaiveDate::from_ymd_opt(2024, 3, 1).unwrap(),
                ..Default::default()
            },
            now,
        )
        .await
        .unwrap();
        // Tokens are issued a moment after the person exists (sessions are valid from then).
        let later = now + chrono::Duration::seconds(1);
        let token = tokens.issue(&person.public_id, later).unwrap();
        people.push((person.public_id, format!("vigil_session={token}")));
    }
    // Wait until those tokens are no longer "issued in the future".
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    people
}

/// Posts a form with a session cookie as a same-origin page would.
async fn post(
    client: &reqwest::Client,
    address: &str,
    cookie: &str,
    path: &str,
    form: &[(&str, &str)],
) -> (u16, Option<String>, String) {
    let response = client
        .post(format!("{address}{path}"))
        .header(header::ORIGIN, address)
        .header(header::ACCEPT, "application/json")
        .header(header::COOKIE, cookie)
        .form(form)
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    let location = response
        .headers()
        .get(header::LOCATION)
        .map(|l| l.to_str().unwrap().rsplit('/').next().unwrap().to_owned());
    (status, location, response.text().await.unwrap())
}

/// Everyone starts the quiz, then all submit at the same moment, each to one of `addresses`.
/// Returns the result sequence each submission was acknowledged with.
async fn everyone_submits_at_once(addresses: &[String], people: &[(String, String)]) -> Vec<i64> {
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .pool_max_idle_per_host(PEOPLE)
        .build()
        .unwrap();
    let barrier = Arc::new(Barrier::new(people.len()));
    let mut tasks = Vec::new();
    for (i, (_, cookie)) in people.iter().enumerate() {
        let (client, barrier, cookie) = (client.clone(), barrier.clone(), cookie.clone());
        let address = addresses[i % addresses.len()].clone();
        tasks.push(tokio::spawn(async move {
            let (status, attempt, body) = post(
                &client,
                &address,
                &cookie,
                "/api/training/quiz/start",
                &[("slug", "tiny")],
            )
            .await;
            assert!(status < 400, "starting: {status} {body}");
            let attempt = attempt.expect("a redirect to the attempt");
            barrier.wait().await;
            let released = std::time::Instant::now();
            let answer = post(
                &client,
                &address,
                &cookie,
                "/api/training/quiz/submit",
                &[("attempt_id", &attempt)],
            )
            .await;
            (answer, released, std::time::Instant::now())
        }));
    }
    let mut sequences = Vec::new();
    let mut failures = Vec::new();
    let (mut first, mut last) = (None::<std::time::Instant>, None::<std::time::Instant>);
    for task in tasks {
        let ((status, location, body), released, done) = task.await.unwrap();
        first = Some(first.map_or(released, |f| f.min(released)));
        last = Some(last.map_or(done, |l| l.max(done)));
        assert!(
            !body.contains("locked"),
            "a submission met a locked database: {body}"
        );
        match location.and_then(|l| l.parse::<i64>().ok()) {
            Some(sequence) if status < 400 => sequences.push(sequence),
            _ => failures.push(format!("{status}: {body}")),
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {PEOPLE} submissions failed: {failures:?}",
        failures.len()
    );
    if let (Some(first), Some(last)) = (first, last) {
        eprintln!(
            "{PEOPLE} simultaneous submissions to {} instance(s) all recorded in {:?}",
            addresses.len(),
            last - first
        );
    }
    sequences
}

/// Every acknowledged submission is in the ledger, once, as the attempt of the person who
/// made it, and the chain verifies.
async fn check_ledger(app: &TestApp, people: &[(String, String)], sequences: &[i64]) {
    let distinct: BTreeSet<i64> = sequences.iter().copied().collect();
    assert_eq!(distinct.len(), PEOPLE, "each submission has its own record");
    let rows = app::ssr::db::ledger::all(&app.db).await.unwrap();
    let attempts: Vec<_> = rows
        .iter()
        .filter(|r| r.kind == RecordKind::Attempt.as_str())
        .collect();
    assert_eq!(attempts.len(), PEOPLE, "no record is missing or doubled");
    let stored: BTreeSet<i64> = attempts.iter().map(|r| r.sequence).collect();
    assert_eq!(stored, distinct);
    let owners: BTreeSet<i64> = attempts.iter().map(|r| r.person_id).collect();
    assert_eq!(owners.len(), PEOPLE, "one record per person");
    let mut expected_owners = BTreeSet::new();
    for (public_id, _) in people {
        expected_owners.insert(
            app::ssr::db::people::find_by_public_id(&app.db, public_id)
                .await
                .unwrap()
                .unwrap()
                .id,
        );
    }
    assert_eq!(owners, expected_owners);
    let verified = app::ssr::db::ledger::verify(&app.db).await.unwrap();
    assert_eq!(verified, Ok(rows.len()), "the chain verifies");
}

#[tokio::test]
async fn two_hundred_people_submitting_at_once_on_sqlite_all_succeed() {
    let app = spawn_app().await;
    let people = crowd(&app).await;
    let _courses = with_courses(&app).await;
    let sequences = everyone_submits_at_once(std::slice::from_ref(&app.address), &people).await;
    check_ledger(&app, &people, &sequences).await;
}

#[tokio::test]
async fn two_instances_on_postgresql_keep_one_chain_under_the_same_load() {
    let Some(first) = spawn_app_on_postgres().await else {
        eprintln!("TEST_POSTGRES_URL is not set; skipping");
        return;
    };
    let second = spawn_instance(first.database_url.clone(), &[]).await;
    let people = crowd(&first).await;
    let _courses = with_courses(&first).await;
    let sequences =
        everyone_submits_at_once(&[first.address.clone(), second.address.clone()], &people).await;
    check_ledger(&first, &people, &sequences).await;
}

/// Everyone (each from two tabs at once) accepts the policy at the same moment, each to one of
/// `addresses`; then checks what the ledger and the obligations say.
async fn everyone_acknowledges_at_once(
    app: &TestApp,
    addresses: &[String],
    people: &[(String, String)],
) {
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .pool_max_idle_per_host(PEOPLE * 2)
        .build()
        .unwrap();
    for (i, (_, cookie)) in people.iter().enumerate() {
        let address = &addresses[i % addresses.len()];
        let (status, _, body) = post(
            &client,
            address,
            cookie,
            "/api/training/read",
            &[("slug", "rules")],
        )
        .await;
        assert!(status < 400, "opening: {status} {body}");
    }
    opened_two_minutes_ago(app).await;
    let barrier = Arc::new(Barrier::new(people.len() * 2));
    let mut tasks = Vec::new();
    for (i, (_, cookie)) in people.iter().enumerate() {
        for _tab in 0..2 {
            let (client, barrier, cookie) = (client.clone(), barrier.clone(), cookie.clone());
            let address = addresses[i % addresses.len()].clone();
            tasks.push(tokio::spawn(async move {
                barrier.wait().await;
                post(
                    &client,
                    &address,
                    &cookie,
                    "/api/training/acknowledge",
                    &[("slug", "rules"), ("accept", "yes")],
                )
                .await
            }));
        }
    }
    for task in tasks {
        let (status, _, body) = task.await.unwrap();
        assert!(status < 400, "accepting: {status} {body}");
    }

    let rows = app::ssr::db::ledger::all(&app.db).await.unwrap();
    let acknowledgements: Vec<_> = rows
        .iter()
        .filter(|r| r.kind == RecordKind::Acknowledgement.as_str())
        .collect();
    let owners: BTreeSet<i64> = acknowledgements.iter().map(|r| r.person_id).collect();
    assert_eq!(
        acknowledgements.len(),
        PEOPLE,
        "one record per person, though each accepted twice at once"
    );
    assert_eq!(owners.len(), PEOPLE);
    for record in &acknowledgements {
        assert!(
            app::ssr::db::training::certificate_of(&app.db, record.sequence)
                .await
                .unwrap()
                .is_some(),
            "record {} has its certificate",
            record.sequence
        );
    }
    let policy = app::ssr::db::courses::find_by_slug(&app.db, "rules")
        .await
        .unwrap()
        .unwrap();
    for (public_id, _) in people {
        let person = app::ssr::db::people::find_by_public_id(&app.db, public_id)
            .await
            .unwrap()
            .unwrap();
        let obligation = app::ssr::db::training::compliance_of(&app.db, person.id)
            .await
            .unwrap()
            .into_iter()
            .find(|o| o.course_id == policy.id)
            .expect("the policy is owed");
        let record = acknowledgements
            .iter()
            .find(|r| r.person_id == person.id)
            .unwrap();
        assert_eq!(obligation.status, "completed", "{public_id}");
        assert_eq!(obligation.completion_sequence, Some(record.sequence));
    }
    let verified = app::ssr::db::ledger::verify(&app.db).await.unwrap();
    assert_eq!(verified, Ok(rows.len()), "the chain verifies");
}

#[tokio::test]
async fn two_hundred_people_accepting_a_policy_at_once_on_sqlite_get_one_record_each() {
    let app = spawn_app().await;
    let people = crowd(&app).await;
    let _courses = with_courses(&app).await;
    everyone_acknowledges_at_once(&app, std::slice::from_ref(&app.address), &people).await;
}

#[tokio::test]
async fn two_instances_on_postgresql_record_each_acknowledgement_once() {
    let Some(first) = spawn_app_on_postgres().await else {
        eprintln!("TEST_POSTGRES_URL is not set; skipping");
        return;
    };
    let second = spawn_instance(first.database_url.clone(), &[]).await;
    let people = crowd(&first).await;
    let _courses = with_courses(&first).await;
    everyone_acknowledges_at_once(
        &first,
        &[first.address.clone(), second.address.clone()],
        &people,
    )
    .await;
}
