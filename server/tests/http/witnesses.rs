//! Witnesses: a compliance administrator lists an email address and a web witness; each new
//! checkpoint reaches the web witness as a signed note (after its first answer, 503, is retried)
//! and the email witness once a day; the evidence pack lists what was sent to whom; removing a
//! witness needs confirmation and stops the checkpoints. SQLite, and PostgreSQL when
//! `TEST_POSTGRES_URL` is set.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use app::domain::checkpoint::Checkpoint;
use app::ssr::db::entities::outbox_message;
use app::ssr::evidence::unzip;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

use crate::helpers::{
    COMPLIANCE, EMPLOYEE, PASSWORD, TestApp, new_client, spawn_app_on_postgres_with, spawn_app_with,
};
use crate::training::{json, with_courses};

/// A web witness on 127.0.0.1: keeps every body it is sent, and answers the first with 503.
#[derive(Clone, Default)]
struct Receiver {
    bodies: Arc<Mutex<Vec<String>>>,
    calls: Arc<Mutex<usize>>,
}

async fn start_receiver() -> (String, Receiver) {
    let receiver = Receiver::default();
    let kept = receiver.clone();
    let router = axum::Router::new().route(
        "/checkpoints",
        axum::routing::post(move |headers: axum::http::HeaderMap, body: String| {
            let kept = kept.clone();
            async move {
                let mut calls = kept.calls.lock().unwrap();
                *calls += 1;
                if *calls == 1 {
                    return axum::http::StatusCode::SERVICE_UNAVAILABLE;
                }
                assert_eq!(headers["content-type"], "text/plain; charset=utf-8");
                kept.bodies.lock().unwrap().push(body);
                axum::http::StatusCode::NO_CONTENT
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, router).await });
    (format!("http://{address}/checkpoints"), receiver)
}

fn fast() -> Vec<(&'static str, String)> {
    vec![
        ("VIGIL_CHECKPOINT_SECONDS", "1".to_owned()),
        ("VIGIL_MAIL_POLL_SECS", "1".to_owned()),
        ("VIGIL_MAIL_RETRY_BASE_SECS", "1".to_owned()),
    ]
}

/// Appends a manual completion of the tiny course for the employee.
pub(crate) async fn record_completion(app: &TestApp, label: &str) {
    let course = app::ssr::db::courses::find_by_slug(&app.db, "tiny")
        .await
        .unwrap()
        .unwrap();
    let person = app::ssr::db::people::find_by_email(&app.db, EMPLOYEE)
        .await
        .unwrap()
        .unwrap();
    let now = chrono::Utc::now();
    let record = app::ssr::db::test_support::manual_completion(
        person.id,
        &course,
        app.current_content_hash("tiny").await,
        label,
        now,
    );
    app::ssr::db::ledger::append(&app.db, record, now)
        .await
        .unwrap();
}

async fn witness_messages(app: &TestApp) -> Vec<outbox_message::Model> {
    outbox_message::Entity::find()
        .filter(outbox_message::Column::Kind.is_in(["witness_email", "witness_post"]))
        .all(&app.db)
        .await
        .unwrap()
}

/// Waits until `done` holds, for up to 20 s.
async fn eventually<F, Fut>(what: &str, mut done: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    for _ in 0..200 {
        if done().await {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("{what} did not happen within 20 s");
}

#[tokio::test]
async fn witnesses_are_sent_checkpoints_and_the_pack_lists_what_reached_whom() {
    witnesses_flow(spawn_app_with(&fast()).await).await;
}

#[tokio::test]
async fn witnesses_are_sent_checkpoints_on_postgres() {
    // Two instances of one installation (sharing its evidence key) on the same database: still
    // one delivery per witness and checkpoint.
    let keys = tempfile::tempdir().unwrap();
    let mut settings = fast();
    settings.push((
        "VIGIL_EVIDENCE_KEY_FILE",
        keys.path().join("evidence-key.pem").display().to_string(),
    ));
    let Some(app) = spawn_app_on_postgres_with(&settings).await else {
        eprintln!("TEST_POSTGRES_URL not set; skipping the PostgreSQL run");
        return;
    };
    let _second = crate::helpers::spawn_instance(app.database_url.clone(), &settings).await;
    witnesses_flow(app).await;
}

async fn witnesses_flow(app: TestApp) {
    let _courses = with_courses(&app).await;
    let (url, receiver) = start_receiver().await;

    // Only compliance administrators keep the list.
    let employee = new_client();
    app.login_with(&employee, EMPLOYEE).await;
    let (status, _) = json(
        &app,
        &employee,
        "/api/admin/witnesses/add",
        &[("name", "Me"), ("target", &url), ("cadence", "each")],
    )
    .await;
    assert_eq!(status, 403);

    app.login(COMPLIANCE, PASSWORD).await;
    // Bad input is refused with a reason, and adds nothing.
    for (target, cadence) in [
        ("ftp://127.0.0.1/x", "each"),
        ("http://witness.example.org/in", "each"),
        ("not an address", "each"),
        (url.as_str(), "hourly"),
    ] {
        let (status, body) = json(
            &app,
            &app.client,
            "/api/admin/witnesses/add",
            &[("name", "Bad"), ("target", target), ("cadence", cadence)],
        )
        .await;
        assert_eq!(status, 422, "{target} {cadence}: {body}");
        assert!(body.to_string().contains("Witness"), "{body}");
    }
    for (name, target, cadence) in [
        ("Audit service", url.as_str(), "each"),
        ("Internal audit", "Internal.Audit@example.com", "daily"),
    ] {
        let (status, body) = json(
            &app,
            &app.client,
            "/api/admin/witnesses/add",
            &[("name", name), ("target", target), ("cadence", cadence)],
        )
        .await;
        assert_eq!(status, 200, "{body}");
    }
    let (status, _) = json(
        &app,
        &app.client,
        "/api/admin/witnesses/add",
        &[("name", "Again"), ("target", &url), ("cadence", "daily")],
    )
    .await;
    assert_eq!(status, 422, "the same witness twice");

    // A record, a checkpoint: the web witness gets the signed note (after a 503 and a retry).
    record_completion(&app, "first").await;
    eventually("the web witness receiving a checkpoint", || {
        let receiver = receiver.clone();
        async move { !receiver.bodies.lock().unwrap().is_empty() }
    })
    .await;
    let note = receiver.bodies.lock().unwrap()[0].clone();
    let origin = note.lines().next().unwrap().to_owned();
    let opened = Checkpoint::open(&note, &origin, &app.evidence_public, None)
        .expect("the witness holds a checkpoint signed by the evidence key");
    assert!(opened.size >= 1);
    assert!(*receiver.calls.lock().unwrap() >= 2, "the 503 was retried");

    // The email witness's message is delivered too, carrying the same note.
    eventually("both deliveries being recorded as sent", || {
        let app = &app;
        async move {
            let messages = witness_messages(app).await;
            messages.len() >= 2 && messages.iter().all(|m| m.status == "sent")
        }
    })
    .await;
    let email = witness_messages(&app)
        .await
        .into_iter()
        .find(|m| m.kind == "witness_email")
        .unwrap();
    assert_eq!(email.recipient, "internal.audit@example.com");
    // It quotes a checkpoint exactly, signed by the evidence key.
    let quoted = email
        .text_body
        .split("-----\n")
        .nth(1)
        .unwrap_or_else(|| panic!("no quoted checkpoint: {}", email.text_body));
    let emailed = Checkpoint::open(quoted, &origin, &app.evidence_public, None)
        .expect("the emailed checkpoint verifies");
    assert!(
        emailed.size >= 1,
        "an empty ledger's checkpoint is not sent"
    );

    // A second record: the web witness gets the new checkpoint; the daily one does not, today.
    record_completion(&app, "second").await;
    eventually("the web witness receiving the next checkpoint", || {
        let receiver = receiver.clone();
        async move { receiver.bodies.lock().unwrap().len() >= 2 }
    })
    .await;
    let emails = witness_messages(&app)
        .await
        .into_iter()
        .filter(|m| m.kind == "witness_email")
        .count();
    assert_eq!(emails, 1, "a daily witness gets one checkpoint a day");

    // The pack lists the checkpoints sent in the period and to whom, as delivered.
    let today = chrono::Utc::now().date_naive().to_string();
    let response = app
        .post_form("/evidence/pack.zip", &[("from", &today), ("to", &today)])
        .await;
    assert_eq!(response.status(), 200);
    let files = unzip(&response.bytes().await.unwrap()).unwrap();
    let listed = String::from_utf8(files["witnesses.csv"].clone()).unwrap();
    let rows: Vec<&str> = listed.lines().skip(1).collect();
    assert!(rows.len() >= 3, "{listed}");
    assert!(
        rows.iter().any(|r| r.contains("Internal audit")
            && r.contains("internal.audit@example.com")
            && r.contains(",sent,")),
        "{listed}"
    );
    assert!(
        rows.iter()
            .any(|r| r.contains("Audit service") && r.contains(&url) && r.contains(",sent,")),
        "{listed}"
    );

    // Removing needs confirmation, is audited, and stops the checkpoints.
    let service = app::ssr::db::witnesses::current(&app.db)
        .await
        .unwrap()
        .into_iter()
        .find(|w| w.name == "Audit service")
        .unwrap();
    let id = service.id.to_string();
    let (status, _) = json(
        &app,
        &app.client,
        "/api/admin/witnesses/remove",
        &[("id", &id)],
    )
    .await;
    assert_eq!(status, 422, "not confirmed");
    let (status, _) = json(
        &app,
        &app.client,
        "/api/admin/witnesses/remove",
        &[("id", &id), ("confirm", "yes")],
    )
    .await;
    assert_eq!(status, 200);
    let (_, audit) = json(&app, &app.client, "/api/admin/audit", &[]).await;
    let actions: Vec<&str> = audit["rows"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|r| r["action"].as_str())
        .collect();
    assert!(
        actions.contains(&"witness.add") && actions.contains(&"witness.remove"),
        "{actions:?}"
    );
    // What was queued for them is cancelled; a delivery already under way may still land.
    eventually("no checkpoint waiting for the removed witness", || {
        let app = &app;
        async move {
            witness_messages(app)
                .await
                .iter()
                .all(|m| m.kind != "witness_post" || m.status != "queued")
        }
    })
    .await;
    let before = receiver.bodies.lock().unwrap().len();
    record_completion(&app, "third").await;
    tokio::time::sleep(Duration::from_secs(3)).await;
    assert_eq!(
        receiver.bodies.lock().unwrap().len(),
        before,
        "a removed witness gets nothing"
    );
    let bodies = receiver.bodies.lock().unwrap().clone();
    let distinct: std::collections::HashSet<&String> = bodies.iter().collect();
    assert_eq!(
        distinct.len(),
        bodies.len(),
        "each checkpoint reached the witness once"
    );
}
