//! `kill -9` of the `vigil` process in the middle of delivering mail: every message queued
//! before the crash is delivered after the restart, each recognisable by its one Message-ID.

// Test helpers panic on setup failures: that is how a test reports them.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[allow(dead_code)]
#[path = "support/smtp.rs"]
mod smtp;
#[path = "support/vigil_process.rs"]
mod vigil_process;

use std::collections::HashSet;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use app::ssr::db::entities::outbox_message;
use sea_orm::EntityTrait;
use smtp::{SinkOptions, SmtpSink};
use vigil_process::vigil_command;

const PEOPLE: usize = 6;

struct Setup {
    dir: tempfile::TempDir,
    database: String,
    smtp_url: String,
}

impl Setup {
    fn command(&self) -> Command {
        let mut command = vigil_command(
            self.dir.path(),
            &self.database,
            "crash-test-secret-crash-test-secret-0123",
        );
        command
            .env("VIGIL_SMTP_URL", &self.smtp_url)
            .env("VIGIL_MAIL_FROM", "Vigil <vigil@vigil.test>")
            .env("VIGIL_MAIL_POLL_SECS", "1")
            .env("VIGIL_SMTP_TIMEOUT_SECS", "3")
            .env("VIGIL_CONTENT_DIR", self.dir.path().join("no-content"))
            .env("VIGIL_LISTEN", "127.0.0.1:0");
        command
    }

    fn serve(&self) -> Child {
        self.command()
            .arg("serve")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("vigil serve starts")
    }

    async fn messages(&self) -> Vec<outbox_message::Model> {
        let db = app::ssr::db::connect(&self.database).await.unwrap();
        let rows = outbox_message::Entity::find().all(&db).await.unwrap();
        db.close().await.unwrap();
        rows
    }
}

#[tokio::test]
async fn a_kill_9_during_delivery_loses_no_queued_message() {
    // Each message takes the SMTP server a second to accept, so one is always in flight.
    let sink = SmtpSink::start_with(SinkOptions {
        delay: Some(1.0),
        ..SinkOptions::default()
    });
    let dir = tempfile::tempdir().unwrap();
    let setup = Setup {
        database: format!("sqlite://{}/vigil.db", dir.path().display()),
        smtp_url: sink.url(),
        dir,
    };
    for i in 0..PEOPLE {
        let output = setup
            .command()
            .args(["user", "add", "--invite", "--name", &format!("Person {i}")])
            .args(["--email", &format!("person{i}@example.com")])
            .output()
            .unwrap();
        assert!(output.status.success(), "{output:?}");
    }
    let queued = setup.messages().await;
    assert_eq!(queued.len(), PEOPLE);
    assert!(queued.iter().all(|m| m.status == "queued"));

    let mut server = setup.serve();
    sink.wait_for("", 2, Duration::from_secs(30)).await;
    // In the middle of the third delivery.
    tokio::time::sleep(Duration::from_millis(400)).await;
    server.kill().expect("kill -9");
    server.wait().unwrap();
    let after_crash = setup.messages().await;
    let sent_before = after_crash.iter().filter(|m| m.status == "sent").count();
    assert!(
        sent_before < PEOPLE,
        "the crash came too late to test anything"
    );

    let mut server = setup.serve();
    let started = Instant::now();
    let rows = loop {
        let rows = setup.messages().await;
        if rows.iter().all(|m| m.status == "sent") {
            break rows;
        }
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "not everything was delivered after the restart: {rows:?}"
        );
        tokio::time::sleep(Duration::from_millis(250)).await;
    };
    server.kill().unwrap();
    server.wait().unwrap();

    let stored: HashSet<String> = rows.iter().map(|m| m.message_id.clone()).collect();
    let received = sink.messages();
    let arrived: HashSet<String> = received.iter().map(|m| m.message_id.clone()).collect();
    assert_eq!(
        arrived, stored,
        "every queued message arrived, and nothing else"
    );
    // A message cut off mid-delivery may arrive twice, but as the same message.
    assert!(
        received.len() <= PEOPLE + 1,
        "{} deliveries",
        received.len()
    );
    eprintln!(
        "kill -9 after {sent_before} of {PEOPLE} sent; after restart all {PEOPLE} sent; {} deliveries in all",
        received.len()
    );
}
