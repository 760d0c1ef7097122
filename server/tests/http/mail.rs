//! Email against a real SMTP server (aiosmtpd, started by the test): invitations and password
//! resets that arrive and work once, delivery states that say exactly what happened, retries,
//! a server that is down and comes back, and mail switched off.

use std::time::Duration;

use app::domain::mail::MessageKind;
use app::ssr::db::entities::outbox_message;
use app::ssr::db::outbox::{self, NewMessage};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use serde_json::{Value, json as j};

use crate::helpers::{
    EMPLOYEE, MANAGER, PASSWORD, PLATFORM, TestApp, new_client, smtp_settings, spawn_app,
    spawn_app_with,
};
use crate::smtp::{SmtpSink, closed_port, start_on};
use crate::training::{json, with_courses};

const NEW_PERSON: &str = "nora.new@example.com";
const NEW_PASSWORD: &str = "correct horse battery staple";
const WAIT: Duration = Duration::from_secs(20);

/// An app that mails through `sink`.
async fn app_with(sink: &SmtpSink) -> TestApp {
    spawn_app_with(&smtp_settings(&sink.url())).await
}

/// Adds Nora in the browser's way, as the platform admin, with or without an invitation.
async fn add_nora(app: &TestApp, invite: bool) -> (u16, Value) {
    let admin = new_client();
    app.login_with(&admin, PLATFORM).await;
    let mut form = vec![
        ("public_id", ""),
        ("email", NEW_PERSON),
        ("name", "Nora New"),
        ("department", "Engineering"),
        ("job_title", "Engineer"),
        ("hire_date", "2026-01-05"),
        ("manager_email", MANAGER),
    ];
    if invite {
        form.push(("invite", "yes"));
    }
    json(app, &admin, "/api/people/save", &form).await
}

/// The outbox row for the newest message to `address`.
async fn newest_to(app: &TestApp, address: &str) -> outbox_message::Model {
    let mut rows = outbox_message::Entity::find()
        .filter(outbox_message::Column::Recipient.eq(address))
        .all(&app.db)
        .await
        .unwrap();
    rows.sort_by_key(|m| m.id);
    rows.pop().expect("a message to that address")
}

/// Waits until the newest message to `address` is no longer queued, and returns it.
async fn settled(app: &TestApp, address: &str, timeout: Duration) -> outbox_message::Model {
    let started = std::time::Instant::now();
    loop {
        let message = newest_to(app, address).await;
        if message.status != "queued" {
            return message;
        }
        assert!(
            started.elapsed() < timeout,
            "still queued after {timeout:?}: {message:?}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn accept(
    app: &TestApp,
    client: &reqwest::Client,
    token: &str,
    password: &str,
) -> (u16, Value) {
    json(
        app,
        client,
        "/api/link/use",
        &[
            ("purpose", "Invitation"),
            ("token", token),
            ("new_password", password),
            ("confirm_password", password),
        ],
    )
    .await
}

fn token_of(link: &str) -> &str {
    link.rsplit('/').next().unwrap()
}

#[tokio::test]
async fn an_invitation_arrives_and_its_link_signs_the_person_in_exactly_once() {
    let sink = SmtpSink::start();
    let app = app_with(&sink).await;
    let (status, body) = add_nora(&app, true).await;
    assert_eq!(status, 200, "{body}");

    let received = sink.wait_for(NEW_PERSON, 1, WAIT).await;
    let mail = &received[0];
    assert_eq!(mail.rcpt_tos, [NEW_PERSON]);
    assert!(mail.subject.contains("invited"), "{}", mail.subject);
    assert!(
        mail.text.contains("Pat Platform has added you"),
        "{}",
        mail.text
    );
    assert!(
        mail.html.contains("<a href=\"http://127.0.0.1:"),
        "{}",
        mail.html
    );
    let link = mail.link("/invite/").expect("an invitation link");
    let stored = settled(&app, NEW_PERSON, WAIT).await;
    assert_eq!(stored.status, "sent");
    assert_eq!(
        stored.message_id, mail.message_id,
        "the stored Message-ID is the one sent"
    );
    assert!(
        stored
            .smtp_reply
            .as_deref()
            .unwrap_or_default()
            .starts_with("250"),
        "{stored:?}"
    );
    // Only the hash of the token is stored.
    let token = token_of(&link);
    let tokens = app
        .db
        .query_all_raw(sea_orm::Statement::from_string(
            app.db.get_database_backend(),
            "SELECT token_hash FROM account_tokens",
        ))
        .await
        .unwrap();
    for row in tokens {
        let hash: String = row.try_get("", "token_hash").unwrap();
        assert_ne!(hash, token);
    }

    let page = app.get(&link).await;
    assert_eq!(page.status(), 200);
    assert!(page.text().await.unwrap().contains("Hello Nora New."));

    let browser = new_client();
    let (status, body) = accept(&app, &browser, token, NEW_PASSWORD).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(app.whoami_with(&browser).await.as_deref(), Some(NEW_PERSON));

    let again = new_client();
    let (status, body) = accept(&app, &again, token, "another long enough passphrase").await;
    assert_eq!(status, 410);
    assert_eq!(body, j!({ "Link": "InvitationUsed" }));
    let page = app.get(&link).await;
    assert_eq!(page.status(), 410);
    assert!(page.text().await.unwrap().contains("already been used"));
    // The password chosen with the link is the one that works.
    assert_eq!(app.login(NEW_PERSON, NEW_PASSWORD).await.status(), 200);
}

#[tokio::test]
async fn an_expired_or_replaced_invitation_or_a_leavers_is_refused_with_the_next_step() {
    let sink = SmtpSink::start();
    let app = app_with(&sink).await;
    add_nora(&app, true).await;
    let first = sink.wait_for(NEW_PERSON, 1, WAIT).await[0]
        .link("/invite/")
        .unwrap();

    // Sending a new invitation stops the first link.
    let admin = new_client();
    app.login_with(&admin, PLATFORM).await;
    let nora = app.public_id(NEW_PERSON).await;
    let (status, body) = json(&app, &admin, "/api/people/invite", &[("public_id", &nora)]).await;
    assert_eq!(status, 200, "{body}");
    let second = sink.wait_for(NEW_PERSON, 2, WAIT).await[1]
        .link("/invite/")
        .unwrap();
    assert_ne!(first, second);
    let (status, body) = accept(&app, &new_client(), token_of(&first), NEW_PASSWORD).await;
    assert_eq!((status, body), (410, j!({ "Link": "InvitationExpired" })));
    let page = app.get(&first).await.text().await.unwrap();
    assert!(page.contains("has expired"), "{page}");
    assert!(page.contains("href=\"/forgot-password\""), "{page}");

    // Past its expiry, the second stops too.
    app.db
        .execute_unprepared("UPDATE account_tokens SET expires_at = created_at")
        .await
        .unwrap();
    let (status, _) = accept(&app, &new_client(), token_of(&second), NEW_PASSWORD).await;
    assert_eq!(status, 410);

    // A fresh one stops working when the person is deactivated.
    json(&app, &admin, "/api/people/invite", &[("public_id", &nora)]).await;
    let third = sink.wait_for(NEW_PERSON, 3, WAIT).await[2]
        .link("/invite/")
        .unwrap();
    let (status, body) = json(
        &app,
        &admin,
        "/api/people/deactivate",
        &[("public_id", &nora), ("confirm", "yes")],
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let (status, _) = accept(&app, &new_client(), token_of(&third), NEW_PASSWORD).await;
    assert_eq!(status, 410);

    // A made-up token is simply not valid.
    let (status, body) = accept(&app, &new_client(), &"A".repeat(43), NEW_PASSWORD).await;
    assert_eq!((status, body), (404, j!({ "Link": "Unknown" })));
}

#[tokio::test]
async fn admins_see_who_is_invited_who_accepted_and_each_messages_delivery() {
    let sink = SmtpSink::start();
    let app = app_with(&sink).await;
    add_nora(&app, true).await;
    sink.wait_for(NEW_PERSON, 1, WAIT).await;
    settled(&app, NEW_PERSON, WAIT).await;
    let admin = new_client();
    app.login_with(&admin, PLATFORM).await;
    let nora = app.public_id(NEW_PERSON).await;
    let (_, form) = json(&app, &admin, "/api/people/form", &[("public_id", &nora)]).await;
    assert!(form["invitation"]["state"]["Pending"].is_object(), "{form}");
    assert_eq!(form["invitation"]["delivery"]["status"], "Sent", "{form}");
    assert_eq!(form["messages"][0]["kind"], "Invitation", "{form}");
    let (_, people) = json(&app, &admin, "/api/people/list", &[]).await;
    let row = people
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["email"] == NEW_PERSON)
        .unwrap();
    assert!(row["invitation"]["Pending"].is_object(), "{row}");
    // People with a password cannot be invited again.
    let erin = app.public_id(EMPLOYEE).await;
    let (status, body) = json(&app, &admin, "/api/people/invite", &[("public_id", &erin)]).await;
    assert_eq!(
        (status, body),
        (409, j!({ "Conflict": "InvitationAccepted" }))
    );
}

async fn request_reset(app: &TestApp, client: &reqwest::Client, email: &str) -> reqwest::Response {
    app.post_form_with(client, "/api/password-reset/request", &[("email", email)])
        .await
}

#[tokio::test]
async fn a_reset_link_arrives_works_once_and_ends_every_other_session() {
    let sink = SmtpSink::start();
    let app = app_with(&sink).await;
    let laptop = new_client();
    app.login_with(&laptop, EMPLOYEE).await;
    assert_eq!(app.whoami_with(&laptop).await.as_deref(), Some(EMPLOYEE));

    let phone = new_client();
    let response = request_reset(&app, &phone, "  Erin.Employee@Example.com ").await;
    assert_eq!(response.status(), 200);
    let mail = &sink.wait_for(EMPLOYEE, 1, WAIT).await[0];
    assert!(mail.subject.contains("new password"), "{}", mail.subject);
    let link = mail.link("/reset-password/").expect("a reset link");
    let (status, body) = json(
        &app,
        &phone,
        "/api/link/use",
        &[
            ("purpose", "PasswordReset"),
            ("token", token_of(&link)),
            ("new_password", NEW_PASSWORD),
            ("confirm_password", NEW_PASSWORD),
        ],
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(app.whoami_with(&phone).await.as_deref(), Some(EMPLOYEE));
    assert_eq!(
        app.whoami_with(&laptop).await,
        None,
        "the other session ended"
    );
    let (status, body) = json(
        &app,
        &new_client(),
        "/api/link/use",
        &[
            ("purpose", "PasswordReset"),
            ("token", token_of(&link)),
            ("new_password", "yet another long passphrase"),
            ("confirm_password", "yet another long passphrase"),
        ],
    )
    .await;
    assert_eq!((status, body), (410, j!({ "Link": "ResetUsed" })));
    assert_eq!(app.login(EMPLOYEE, PASSWORD).await.status(), 401);
    assert_eq!(app.login(EMPLOYEE, NEW_PASSWORD).await.status(), 200);

    let actions: Vec<String> = app
        .db
        .query_all_raw(sea_orm::Statement::from_string(
            app.db.get_database_backend(),
            "SELECT action FROM audit_events ORDER BY id",
        ))
        .await
        .unwrap()
        .iter()
        .map(|row| row.try_get("", "action").unwrap())
        .collect();
    assert!(
        actions.contains(&"account.password_reset_requested".to_owned()),
        "{actions:?}"
    );
    assert!(
        actions.contains(&"account.password_reset".to_owned()),
        "{actions:?}"
    );
}

#[tokio::test]
async fn a_reset_request_answers_the_same_for_unknown_addresses_and_is_rate_limited() {
    let sink = SmtpSink::start();
    let app = app_with(&sink).await;
    let client = new_client();
    let known = request_reset(&app, &client, EMPLOYEE).await;
    let unknown = request_reset(&app, &client, "nobody.here@example.com").await;
    assert_eq!(known.status(), unknown.status());
    assert_eq!(
        known.headers().get("location"),
        unknown.headers().get("location")
    );
    assert_eq!(known.text().await.unwrap(), unknown.text().await.unwrap());
    // The known address gets its link; nothing goes to the unknown one.
    sink.wait_for(EMPLOYEE, 1, WAIT).await;
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert!(sink.to("nobody.here@example.com").is_empty());

    // Three requests an hour per address: the fourth is refused, for known and unknown alike.
    for _ in 0..2 {
        assert_eq!(request_reset(&app, &client, EMPLOYEE).await.status(), 200);
        assert_eq!(
            request_reset(&app, &client, "nobody.here@example.com")
                .await
                .status(),
            200
        );
    }
    let (status, body) = {
        let response = request_reset(&app, &client, EMPLOYEE).await;
        (
            response.status().as_u16(),
            response.json::<Value>().await.unwrap(),
        )
    };
    assert_eq!(status, 429);
    assert!(body["TooManyRequests"].is_object(), "{body}");
    assert_eq!(
        request_reset(&app, &client, "nobody.here@example.com")
            .await
            .status(),
        429
    );
    // Someone else from the same place is not locked out by that.
    assert_eq!(request_reset(&app, &client, MANAGER).await.status(), 200);
}

#[tokio::test]
async fn a_reset_request_takes_as_long_for_an_unknown_address_as_for_a_known_one() {
    let sink = SmtpSink::start();
    let app = app_with(&sink).await;
    let client = new_client();
    let known = [EMPLOYEE, MANAGER, PLATFORM, crate::helpers::COMPLIANCE];
    let mut known_times = Vec::new();
    let mut unknown_times = Vec::new();
    for round in 0..2 {
        for (index, email) in known.iter().enumerate() {
            let started = std::time::Instant::now();
            assert_eq!(request_reset(&app, &client, email).await.status(), 200);
            known_times.push(started.elapsed());
            let unknown = format!("nobody{round}{index}@example.com");
            let started = std::time::Instant::now();
            assert_eq!(request_reset(&app, &client, &unknown).await.status(), 200);
            unknown_times.push(started.elapsed());
        }
    }
    known_times.sort();
    unknown_times.sort();
    let median = |times: &[Duration]| times[times.len() / 2];
    let (k, u) = (median(&known_times), median(&unknown_times));
    let gap = k.abs_diff(u);
    assert!(
        gap < Duration::from_millis(25).max(k.max(u) / 2),
        "known {k:?} vs unknown {u:?}: the answer's timing reveals which addresses exist"
    );
}

#[tokio::test]
async fn a_permanent_refusal_fails_at_once_with_the_servers_answer() {
    let sink = SmtpSink::start();
    let app = app_with(&sink).await;
    queue_test_message(&app, "reject-this@example.com").await;
    let message = settled(&app, "reject-this@example.com", WAIT).await;
    assert_eq!(message.status, "failed");
    assert_eq!(message.attempts, 1);
    let error = message.last_error.unwrap_or_default();
    assert!(
        error.contains("550") || error.contains("no such user"),
        "{error}"
    );
    assert!(message.sent_at.is_none());
}

#[tokio::test]
async fn temporary_refusals_are_retried_with_back_off_and_then_fail() {
    let sink = SmtpSink::start();
    let mut settings = smtp_settings(&sink.url());
    settings.push(("VIGIL_MAIL_MAX_ATTEMPTS", "3".to_owned()));
    let app = spawn_app_with(&settings).await;
    let started = std::time::Instant::now();
    queue_test_message(&app, "later-please@example.com").await;
    let message = settled(&app, "later-please@example.com", WAIT).await;
    assert_eq!(message.status, "failed");
    assert_eq!(message.attempts, 3);
    // Waits of 1 s and 2 s between the three attempts.
    assert!(
        started.elapsed() >= Duration::from_secs(3),
        "{:?}",
        started.elapsed()
    );
    let error = message.last_error.unwrap_or_default();
    assert!(
        error.contains("451") || error.contains("try again"),
        "{error}"
    );
}

#[tokio::test]
async fn messages_wait_while_the_smtp_server_is_down_and_go_when_it_comes_back() {
    let port = closed_port();
    let mut settings = smtp_settings(&format!("smtp://127.0.0.1:{port}?tls=none"));
    settings.push(("VIGIL_MAIL_MAX_ATTEMPTS", "6".to_owned()));
    let app = spawn_app_with(&settings).await;
    add_nora(&app, true).await;
    // At least two attempts fail; the message stays queued, and says so.
    let started = std::time::Instant::now();
    let waiting = loop {
        let message = newest_to(&app, NEW_PERSON).await;
        if message.attempts >= 2 {
            break message;
        }
        assert!(started.elapsed() < WAIT, "no retry: {message:?}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    assert_eq!(waiting.status, "queued");
    assert!(waiting.last_error.is_some());
    let admin = new_client();
    app.login_with(&admin, PLATFORM).await;
    let nora = app.public_id(NEW_PERSON).await;
    let (_, form) = json(&app, &admin, "/api/people/form", &[("public_id", &nora)]).await;
    assert_eq!(form["invitation"]["delivery"]["status"], "Queued", "{form}");

    let sink = start_on(port);
    let received = sink.wait_for(NEW_PERSON, 1, Duration::from_secs(30)).await;
    assert_eq!(received.len(), 1);
    let sent = settled(&app, NEW_PERSON, WAIT).await;
    assert_eq!(sent.status, "sent");
    assert_eq!(sent.message_id, received[0].message_id);
}

#[tokio::test]
async fn a_title_with_a_line_break_adds_no_header_and_no_recipient() {
    let sink = SmtpSink::start();
    let app = app_with(&sink).await;
    let _courses = with_courses(&app).await;
    app.db
        .execute_unprepared(
            "UPDATE courses SET title = 'Tiny' || char(13) || char(10) || 'Bcc: everyone@evil.example' WHERE slug = 'tiny'",
        )
        .await
        .unwrap();
    let manager = new_client();
    app.login_with(&manager, MANAGER).await;
    let erin = app.public_id(EMPLOYEE).await;
    let (status, body) = json(
        &app,
        &manager,
        "/api/team/remind",
        &[("public_id", &erin), ("course", "tiny")],
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let mail = &sink.wait_for(EMPLOYEE, 1, WAIT).await[0];
    assert_eq!(mail.rcpt_tos, [EMPLOYEE]);
    assert!(mail.header("Bcc").is_empty(), "{:?}", mail.headers);
    let head = mail.raw.split("\r\n\r\n").next().unwrap_or_default();
    assert!(!head.contains("\nBcc:"), "{head}");
}

#[tokio::test]
async fn a_managers_reminder_is_delivered_shown_with_its_delivery_and_not_repeated_the_same_day() {
    let sink = SmtpSink::start();
    let app = app_with(&sink).await;
    let _courses = with_courses(&app).await;
    app.login(MANAGER, PASSWORD).await;
    let erin = app.public_id(EMPLOYEE).await;
    let (status, body) = json(
        &app,
        &app.client,
        "/api/team/remind",
        &[("public_id", &erin), ("course", "tiny")],
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let mail = &sink.wait_for(EMPLOYEE, 1, WAIT).await[0];
    assert_eq!(
        mail.subject,
        "Reminder from Mona Manager: your security training"
    );
    assert!(mail.text.contains("Tiny course (is due "), "{}", mail.text);
    assert!(
        mail.html.contains("<strong>Tiny course</strong>"),
        "{}",
        mail.html
    );
    settled(&app, EMPLOYEE, WAIT).await;

    let (_, member) = json(
        &app,
        &app.client,
        "/api/team/member",
        &[("public_id", &erin)],
    )
    .await;
    let tiny = member["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["slug"] == "tiny")
        .unwrap();
    assert_eq!(tiny["last_reminder"]["status"], "Sent", "{member}");
    assert_eq!(
        member["reminders"][0]["reason"], "reminder from a manager",
        "{member}"
    );
    assert_eq!(
        member["reminders"][0]["delivery"]["status"], "Sent",
        "{member}"
    );
    let (_, team) = json(&app, &app.client, "/api/team", &[]).await;
    assert_eq!(
        team["people"][0]["last_reminder"]["status"], "Sent",
        "{team}"
    );

    let (status, body) = json(
        &app,
        &app.client,
        "/api/team/remind",
        &[("public_id", &erin), ("course", "tiny")],
    )
    .await;
    assert_eq!((status, body), (409, j!({ "Conflict": "RemindedToday" })));
    assert_eq!(outbox::reminders(&app.db).await.unwrap().len(), 1);
}

#[tokio::test]
async fn a_reminder_not_yet_delivered_is_shown_as_queued_never_as_sent() {
    // Nothing listens: the reminder cannot be delivered.
    let app = spawn_app_with(&smtp_settings(&format!(
        "smtp://127.0.0.1:{}?tls=none",
        closed_port()
    )))
    .await;
    let _courses = with_courses(&app).await;
    app.login(MANAGER, PASSWORD).await;
    let erin = app.public_id(EMPLOYEE).await;
    json(
        &app,
        &app.client,
        "/api/team/remind",
        &[("public_id", &erin)],
    )
    .await;
    let (_, team) = json(&app, &app.client, "/api/team", &[]).await;
    assert_eq!(
        team["people"][0]["last_reminder"]["status"], "Queued",
        "{team}"
    );
    let page = app
        .get(&format!("/team/{erin}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("not sent yet"), "{page}");
    assert!(!page.contains("Sent "), "{page}");
}

#[tokio::test]
async fn deactivating_a_person_cancels_their_queued_mail() {
    let app = spawn_app_with(&smtp_settings(&format!(
        "smtp://127.0.0.1:{}?tls=none",
        closed_port()
    )))
    .await;
    add_nora(&app, true).await;
    let admin = new_client();
    app.login_with(&admin, PLATFORM).await;
    let nora = app.public_id(NEW_PERSON).await;
    json(
        &app,
        &admin,
        "/api/people/deactivate",
        &[("public_id", &nora), ("confirm", "yes")],
    )
    .await;
    let message = newest_to(&app, NEW_PERSON).await;
    assert_eq!(message.status, "cancelled");
    assert!(
        message
            .last_error
            .unwrap_or_default()
            .contains("deactivated"),
    );
}

#[tokio::test]
async fn with_mail_off_nothing_is_queued_and_pages_say_so() {
    let app = spawn_app_with(&[("VIGIL_MAIL", "off".to_owned())]).await;
    let (status, body) = add_nora(&app, true).await;
    assert_eq!((status, body), (409, j!({ "Conflict": "MailOff" })));
    let (status, _) = add_nora(&app, false).await;
    assert_eq!(status, 200);
    let response = request_reset(&app, &new_client(), EMPLOYEE).await;
    assert_eq!(response.status(), 409);
    let page = app.get("/forgot-password").await.text().await.unwrap();
    assert!(page.contains("Email is switched off"), "{page}");
    let admin = new_client();
    app.login_with(&admin, PLATFORM).await;
    let (_, form) = json(&app, &admin, "/api/people/form", &[]).await;
    assert_eq!(form["mail"], "Off");
    let count = outbox_message::Entity::find()
        .all(&app.db)
        .await
        .unwrap()
        .len();
    assert_eq!(count, 0);
}

#[tokio::test]
async fn development_mode_without_smtp_writes_each_message_to_a_file() {
    let app = spawn_app().await;
    add_nora(&app, true).await;
    let message = settled(&app, NEW_PERSON, WAIT).await;
    assert_eq!(message.status, "sent");
    let reply = message.smtp_reply.unwrap_or_default();
    assert!(reply.starts_with("written to "), "{reply}");
    let path = reply.trim_start_matches("written to ");
    let eml = std::fs::read_to_string(path).unwrap();
    assert!(
        eml.contains(&format!("To: {NEW_PERSON}")) || eml.contains(NEW_PERSON),
        "{eml}"
    );
    assert!(eml.contains("/invite/"), "{eml}");
}

/// Queues a test message to `address` the way the app queues any message.
async fn queue_test_message(app: &TestApp, address: &str) {
    outbox::queue(
        &app.db,
        NewMessage {
            kind: MessageKind::Test,
            person_id: None,
            recipient: address.to_owned(),
            course_id: None,
            sent_by: None,
            subject: "Test".to_owned(),
            text_body: "Test".to_owned(),
            html_body: String::new(),
            dedupe_key: None,
        },
        "vigil.test",
        chrono::Utc::now(),
    )
    .await
    .unwrap();
    app.mail.wake();
}

/// Makes the daily run due now (hour 0 UTC) with the default rules.
async fn run_reminders_from_hour_zero(app: &TestApp) {
    app::ssr::db::settings::put(
        &app.db,
        app::ssr::db::settings::REMINDER_SCHEDULE,
        &app::domain::reminders::ReminderSchedule {
            send_hour_utc: 0,
            ..Default::default()
        },
        None,
        chrono::Utc::now(),
    )
    .await
    .unwrap();
}

#[tokio::test]
async fn the_server_runs_the_daily_reminders_by_itself_and_delivers_them() {
    let sink = SmtpSink::start();
    let settings = smtp_settings(&sink.url());
    let first = spawn_app_with(&settings).await;
    let _courses = with_courses(&first).await;
    run_reminders_from_hour_zero(&first).await;
    // A second instance on the same database, which starts scheduled runs.
    let mut scheduling = settings.clone();
    scheduling.push(("VIGIL_RUN_SCHEDULED_REMINDERS", "true".to_owned()));
    let _second = crate::helpers::spawn_instance(first.database_url.clone(), &scheduling).await;
    // Everyone owes the two new courses: one message each, listing both.
    for person in [EMPLOYEE, MANAGER, PLATFORM, crate::helpers::COMPLIANCE] {
        let mail = &sink.wait_for(person, 1, WAIT).await[0];
        assert!(
            mail.text.contains("Tiny course: newly assigned"),
            "{}",
            mail.text
        );
        assert!(mail.text.contains("Rules: newly assigned"), "{}", mail.text);
    }
    tokio::time::sleep(Duration::from_secs(2)).await;
    assert_eq!(sink.messages().len(), 4, "one message per person, once");
    let runs = app::ssr::db::job_runs::recent(&first.db, "reminders", 10)
        .await
        .unwrap();
    assert_eq!(runs.len(), 1);
    assert!(
        runs[0]
            .summary
            .as_deref()
            .unwrap_or_default()
            .starts_with("4 messages")
    );
}

#[tokio::test]
async fn two_instances_on_postgresql_send_each_message_once_and_run_each_day_once() {
    let sink = SmtpSink::start();
    let settings = smtp_settings(&sink.url());
    let Some(first) = crate::helpers::spawn_app_on_postgres_with(&settings).await else {
        eprintln!("TEST_POSTGRES_URL is not set; skipping");
        return;
    };
    let second = crate::helpers::spawn_instance(first.database_url.clone(), &settings).await;
    const MESSAGES: usize = 60;
    for i in 0..MESSAGES {
        queue_test_message(&first, &format!("person{i}@example.com")).await;
        second.mail.wake();
    }
    sink.wait_for("", MESSAGES, Duration::from_secs(60)).await;
    tokio::time::sleep(Duration::from_secs(3)).await;
    let received = sink.messages();
    let distinct: std::collections::HashSet<&str> =
        received.iter().map(|m| m.message_id.as_str()).collect();
    assert_eq!(received.len(), MESSAGES, "nothing was sent twice");
    assert_eq!(distinct.len(), MESSAGES);
    let rows = outbox_message::Entity::find().all(&first.db).await.unwrap();
    assert!(rows.iter().all(|m| m.status == "sent"));

    // The daily run: both instances try at once; it happens once.
    let _courses = with_courses(&first).await;
    let today = chrono::Utc::now().date_naive();
    let (a, b) = tokio::join!(
        app::ssr::mail::scheduled::run_for_day(
            &first.db,
            &first.mail,
            today,
            "first",
            chrono::Utc::now()
        ),
        app::ssr::mail::scheduled::run_for_day(
            &second.db,
            &second.mail,
            today,
            "second",
            chrono::Utc::now()
        ),
    );
    let outcomes = [a.unwrap(), b.unwrap()];
    let ran = outcomes
        .iter()
        .filter(|o| matches!(o, app::ssr::mail::scheduled::RunOutcome::Ran { .. }))
        .count();
    assert_eq!(ran, 1, "{outcomes:?}");
    let scheduled = outbox_message::Entity::find()
        .filter(outbox_message::Column::Kind.eq("scheduled_reminder"))
        .all(&first.db)
        .await
        .unwrap();
    assert_eq!(scheduled.len(), 4, "one scheduled message per person");
}

#[tokio::test]
async fn exports_and_evidence_packs_call_only_delivered_reminders_sent() {
    let mut sink = SmtpSink::start();
    let app = app_with(&sink).await;
    let _courses = with_courses(&app).await;
    let manager = new_client();
    app.login_with(&manager, MANAGER).await;
    let erin = app.public_id(EMPLOYEE).await;
    let remind = |course: &'static str| {
        let (app, manager, erin) = (&app, &manager, erin.clone());
        async move {
            let (status, body) = json(
                app,
                manager,
                "/api/team/remind",
                &[("public_id", &erin), ("course", course)],
            )
            .await;
            assert_eq!(status, 200, "{body}");
        }
    };
    remind("tiny").await;
    sink.wait_for(EMPLOYEE, 1, WAIT).await;
    settled(&app, EMPLOYEE, WAIT).await;
    // The mail server goes away: the second reminder stays queued.
    sink.stop();
    remind("rules").await;

    let compliance = new_client();
    app.login_with(&compliance, crate::helpers::COMPLIANCE)
        .await;
    let csv = app
        .post_form_with(&compliance, "/exports/reminders.csv", &[])
        .await
        .text()
        .await
        .unwrap();
    let rows: Vec<csv::StringRecord> = csv::Reader::from_reader(csv.as_bytes())
        .records()
        .map(Result::unwrap)
        .collect();
    assert_eq!(rows.len(), 2, "{csv}");
    let by_course = |title: &str| rows.iter().find(|r| &r[5] == title).unwrap().clone();
    let tiny = by_course("Tiny course");
    assert_eq!(&tiny[8], "sent");
    assert!(tiny[10].starts_with("250"), "{csv}");
    assert_eq!(&tiny[6], "reminder from a manager");
    assert_eq!(&tiny[7], "Mona Manager");
    let rules = by_course("Rules");
    assert_eq!(&rules[8], "queued", "{csv}");
    assert_eq!(&rules[9], "", "no sent time for a queued message");

    let today = chrono::Utc::now().date_naive().to_string();
    let pack = app
        .post_form_with(
            &compliance,
            "/evidence/pack.zip",
            &[("from", &today), ("to", &today)],
        )
        .await
        .bytes()
        .await
        .unwrap();
    let files = app::ssr::evidence::unzip(&pack).unwrap();
    let reminders = String::from_utf8(files["reminders.csv"].clone()).unwrap();
    assert!(
        reminders.contains(",sent,") && reminders.contains(",queued,"),
        "{reminders}"
    );
    let index = String::from_utf8(files["index.html"].clone()).unwrap();
    assert!(
        index.contains("1 reminder messages to people with outstanding training")
            && index.contains("1 were still queued (not sent)"),
        "the control summary counts only the delivered reminder as sent"
    );
}
