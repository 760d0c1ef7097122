//! Signing in: the happy path, indistinguishable failures, and the rate limit.

use std::time::{Duration, Instant};

use sea_orm::ConnectionTrait;

use crate::helpers::{
    EMPLOYEE, MANAGER, PASSWORD, TestApp, new_client, spawn_app, spawn_app_on_postgres,
};

#[tokio::test]
async fn signing_in_sets_an_http_only_cookie_and_redirects_home() {
    let app = spawn_app().await;
    let response = app.login(EMPLOYEE, PASSWORD).await;
    assert_eq!(response.status(), 200);
    let set_cookie = response
        .headers()
        .get("set-cookie")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    assert!(
        set_cookie.contains("HttpOnly") && set_cookie.contains("SameSite=Lax"),
        "{set_cookie}"
    );
    assert!(
        response.headers().get("serverfnredirect").is_some()
            || response.headers().get("location").is_some()
    );
    assert_eq!(
        app.whoami_with(&app.client).await.as_deref(),
        Some(EMPLOYEE)
    );
}

#[tokio::test]
async fn email_is_matched_ignoring_case_and_spaces() {
    let app = spawn_app().await;
    let response = app.login("  Erin.Employee@EXAMPLE.com ", PASSWORD).await;
    assert_eq!(response.status(), 200);
}

#[tokio::test]
async fn a_form_post_without_javascript_is_redirected_to_the_next_page() {
    let app = spawn_app().await;
    let response = app
        .client
        .post(format!("{}/api/session/login", app.address))
        .header("origin", &app.address)
        .header("accept", "text/html,application/xhtml+xml")
        .header("referer", format!("{}/login?next=%2Faccount", app.address))
        .form(&[
            ("email", EMPLOYEE),
            ("password", PASSWORD),
            ("next", "/account"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 302);
    assert_eq!(response.headers().get("location").unwrap(), "/account");
}

#[tokio::test]
async fn a_failed_form_post_without_javascript_goes_back_with_the_error() {
    let app = spawn_app().await;
    let response = app
        .client
        .post(format!("{}/api/session/login", app.address))
        .header("origin", &app.address)
        .header("accept", "text/html")
        .header("referer", format!("{}/login", app.address))
        .form(&[
            ("email", EMPLOYEE),
            ("password", "wrong password entirely"),
            ("next", ""),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 302);
    let location = response
        .headers()
        .get("location")
        .unwrap()
        .to_str()
        .unwrap()
        .to_owned();
    assert!(
        location.contains("/login?") && location.contains("__err="),
        "{location}"
    );
    let page = app
        .client
        .get(location)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("The email address or password is not right"),
        "the sign-in page shows the error"
    );
}

#[tokio::test]
async fn an_open_redirect_through_next_goes_home_instead() {
    let app = spawn_app().await;
    let response = app
        .client
        .post(format!("{}/api/session/login", app.address))
        .header("origin", &app.address)
        .header("accept", "text/html")
        .header("referer", format!("{}/login", app.address))
        .form(&[
            ("email", EMPLOYEE),
            ("password", PASSWORD),
            ("next", "//evil.example/phish"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.headers().get("location").unwrap(), "/");
}

#[tokio::test]
async fn wrong_password_and_unknown_email_get_the_same_answer() {
    let app = spawn_app().await;
    let wrong_password = app.login(EMPLOYEE, "not the right passphrase").await;
    let unknown_email = app
        .login("nobody.here@example.com", "not the right passphrase")
        .await;
    assert_eq!(wrong_password.status(), 401);
    assert_eq!(unknown_email.status(), 401);
    assert!(wrong_password.headers().get("set-cookie").is_none());
    let (a, b) = (
        wrong_password.text().await.unwrap(),
        unknown_email.text().await.unwrap(),
    );
    assert_eq!(a, b);
    assert!(a.contains("InvalidCredentials"), "{a}");
}

#[tokio::test]
async fn unknown_email_takes_as_long_as_a_wrong_password() {
    // Without the dummy hash an unknown email would be refused in well under a millisecond
    // while a wrong password costs a full argon2 verification: a ratio near zero.
    let app = spawn_app().await;
    let mut known = Vec::new();
    let mut unknown = Vec::new();
    for round in 0..4 {
        let client = new_client();
        let start = Instant::now();
        app.post_form_with(
            &client,
            "/api/session/login",
            &[
                ("email", EMPLOYEE),
                ("password", &format!("wrong {round} passphrase")),
                ("next", ""),
            ],
        )
        .await;
        known.push(start.elapsed());
        let start = Instant::now();
        app.post_form_with(
            &client,
            "/api/session/login",
            &[
                ("email", &format!("ghost{round}@example.com")),
                ("password", "wrong passphrase here"),
                ("next", ""),
            ],
        )
        .await;
        unknown.push(start.elapsed());
    }
    known.sort();
    unknown.sort();
    let (known, unknown) = (median(&known), median(&unknown));
    let ratio = unknown.as_secs_f64() / known.as_secs_f64();
    assert!(
        ratio > 0.5 && ratio < 2.0,
        "unknown email {unknown:?} vs wrong password {known:?}"
    );
}

fn median(sorted: &[Duration]) -> Duration {
    sorted[sorted.len() / 2]
}

#[tokio::test]
async fn repeated_failures_lock_the_account_even_for_the_right_password() {
    let app = spawn_app().await;
    for _ in 0..5 {
        assert_eq!(
            app.login(EMPLOYEE, "not the right passphrase")
                .await
                .status(),
            401
        );
    }
    let locked = app.login(EMPLOYEE, PASSWORD).await;
    assert_eq!(locked.status(), 429);
    let retry_after: u64 = locked
        .headers()
        .get("retry-after")
        .unwrap()
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(retry_after > 0 && retry_after <= 15 * 60, "{retry_after}");
    let body = locked.text().await.unwrap();
    assert!(body.contains("RateLimited"), "{body}");
}

#[tokio::test]
async fn unknown_accounts_are_locked_exactly_like_real_ones() {
    let app = spawn_app().await;
    for _ in 0..5 {
        assert_eq!(
            app.login("ghost@example.com", "not the right passphrase")
                .await
                .status(),
            401
        );
    }
    assert_eq!(
        app.login("ghost@example.com", "not the right passphrase")
            .await
            .status(),
        429
    );
}

/// A sign-in as the form sends it, with the form's proof of presence (or none).
async fn login_with_presence(
    app: &TestApp,
    client: &reqwest::Client,
    email: &str,
    password: &str,
    presence: &str,
) -> reqwest::Response {
    app.post_form_with(
        client,
        "/api/session/login",
        &[
            ("email", email),
            ("password", password),
            ("next", ""),
            ("presence", presence),
        ],
    )
    .await
}

/// The `presence` field of the sign-in page as served.
async fn presence_from_the_form(app: &TestApp) -> String {
    let html = app.get("/login").await.text().await.unwrap();
    let start = html
        .find("name=\"presence\" value=\"")
        .expect("the sign-in form carries a proof of presence")
        + "name=\"presence\" value=\"".len();
    html[start..]
        .split('"')
        .next()
        .unwrap_or_default()
        .to_owned()
}

#[tokio::test]
async fn many_failures_from_one_address_never_deny_a_correct_password_on_the_form() {
    let app = spawn_app().await;
    for i in 0..20 {
        let status = app
            .login(&format!("guess{i}@example.com"), "not the right passphrase")
            .await
            .status();
        assert_eq!(status, 401, "attempt {i}");
    }
    // A script posting without the form is slowed down...
    let bare = app.login(EMPLOYEE, PASSWORD).await;
    assert_eq!(bare.status(), 429);
    assert_eq!(bare.text().await.unwrap(), "\"PresenceRequired\"");
    // ...while a person on the same network who opens the form signs in.
    let colleague = new_client();
    let proof = presence_from_the_form(&app).await;
    let response = login_with_presence(&app, &colleague, EMPLOYEE, PASSWORD, &proof).await;
    assert_eq!(response.status(), 200, "{:?}", response.text().await);
    assert_eq!(app.whoami_with(&colleague).await.as_deref(), Some(EMPLOYEE));
    // Each proof works once.
    let again = login_with_presence(&app, &new_client(), MANAGER, PASSWORD, &proof).await;
    assert_eq!(again.status(), 429);
    let fresh = presence_from_the_form(&app).await;
    let response = login_with_presence(&app, &new_client(), MANAGER, PASSWORD, &fresh).await;
    assert_eq!(response.status(), 200);
}

#[tokio::test]
async fn thirty_parallel_wrong_passwords_are_checked_at_most_five_times() {
    let app = spawn_app().await;
    let attempts = (0..30).map(|_| {
        let client = new_client();
        let app = &app;
        async move {
            app.login_with_password(&client, EMPLOYEE, "not the right passphrase")
                .await
                .status()
                .as_u16()
        }
    });
    let statuses = futures::future::join_all(attempts).await;
    let checked = statuses.iter().filter(|s| **s == 401).count();
    let refused = statuses.iter().filter(|s| **s == 429).count();
    assert_eq!(checked + refused, 30, "{statuses:?}");
    assert!(
        checked <= 5,
        "{checked} passwords were checked: {statuses:?}"
    );
    let failed_in_audit = app
        .db
        .query_all_raw(sea_orm::Statement::from_string(
            app.db.get_database_backend(),
            "SELECT id FROM audit_events WHERE action = 'account.sign_in_failed'",
        ))
        .await
        .unwrap()
        .len();
    assert_eq!(
        failed_in_audit, checked,
        "every checked failure is in the audit log"
    );
    // Another person from the same address is not affected.
    assert_eq!(app.login_with(&new_client(), MANAGER).await.status(), 200);
}

#[tokio::test]
async fn wrong_current_passwords_on_the_change_form_do_not_lock_sign_in() {
    let app = spawn_app().await;
    app.login(EMPLOYEE, PASSWORD).await;
    for _ in 0..5 {
        let response = app
            .change_password_with(
                &app.client,
                "not the right passphrase",
                "a brand new long passphrase",
            )
            .await;
        assert_eq!(response.status(), 422);
    }
    let sixth = app
        .change_password_with(&app.client, PASSWORD, "a brand new long passphrase")
        .await;
    assert_eq!(sixth.status(), 429, "the change form has its own limit");
    assert_eq!(
        app.login_with(&new_client(), EMPLOYEE).await.status(),
        200,
        "signing in is not locked by it"
    );
}

#[tokio::test]
async fn sign_ins_and_failed_sign_ins_are_in_the_audit_log() {
    let app = spawn_app().await;
    assert_eq!(
        app.login(EMPLOYEE, "not the right passphrase")
            .await
            .status(),
        401
    );
    assert_eq!(app.login(EMPLOYEE, PASSWORD).await.status(), 200);
    let rows = app
        .db
        .query_all_raw(sea_orm::Statement::from_string(
            app.db.get_database_backend(),
            "SELECT action, actor_label, subject FROM audit_events WHERE action LIKE 'account.sign_in%' ORDER BY id",
        ))
        .await
        .unwrap();
    let entries: Vec<(String, String, String)> = rows
        .iter()
        .map(|row| {
            (
                row.try_get("", "action").unwrap(),
                row.try_get("", "actor_label").unwrap(),
                row.try_get("", "subject").unwrap(),
            )
        })
        .collect();
    assert_eq!(entries.len(), 2, "{entries:?}");
    assert_eq!(entries[0].0, "account.sign_in_failed");
    assert!(
        entries[0].1.starts_with("sign-in from 127.0.0.1"),
        "{entries:?}"
    );
    assert_eq!(entries[0].2, format!("account:{EMPLOYEE}"));
    assert_eq!(entries[1].0, "account.sign_in");
    assert!(entries[1].1.contains(EMPLOYEE), "{entries:?}");
}

#[tokio::test]
async fn the_sign_in_flow_works_on_postgres_too() {
    let Some(app) = spawn_app_on_postgres().await else {
        eprintln!("TEST_POSTGRES_URL not set; skipping the PostgreSQL run");
        return;
    };
    assert_eq!(
        app.login(EMPLOYEE, "not the right passphrase")
            .await
            .status(),
        401
    );
    assert_eq!(app.login(EMPLOYEE, PASSWORD).await.status(), 200);
    assert_eq!(
        app.whoami_with(&app.client).await.as_deref(),
        Some(EMPLOYEE)
    );
    assert_eq!(
        app.post_form("/api/session/logout", &[]).await.status(),
        200
    );
    assert_eq!(app.whoami_with(&app.client).await, None);
}
