//! Session tokens: which ones are refused, and how sessions end.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::{Algorithm, EncodingKey, Header, encode};
use serde_json::json;

use crate::helpers::{EMPLOYEE, PASSWORD, PLATFORM, SECRET, new_client, session_cookie, spawn_app};

const ISSUER: &str = "http://127.0.0.1:0";

fn sign(claims: serde_json::Value, algorithm: Algorithm) -> String {
    encode(
        &Header::new(algorithm),
        &claims,
        &EncodingKey::from_secret(SECRET.as_bytes()),
    )
    .unwrap()
}

fn claims(sub: &str, aud: &str, iat: f64, exp: i64) -> serde_json::Value {
    json!({ "iss": ISSUER, "aud": aud, "sub": sub, "iat": iat, "exp": exp, "jti": "test-token" })
}

/// Now as a NumericDate to the millisecond, as Vigil issues it: a person's sessions are valid
/// from their creation to the millisecond, so a whole-second `iat` could predate it.
fn now_ms() -> f64 {
    chrono::Utc::now().timestamp_millis() as f64 / 1000.0
}

#[tokio::test]
async fn a_valid_token_for_a_platform_admin_is_accepted() {
    let app = spawn_app().await;
    let now = chrono::Utc::now().timestamp();
    let token = sign(
        claims(
            &app.public_id(PLATFORM).await,
            "vigil-web",
            now_ms(),
            now + 600,
        ),
        Algorithm::HS256,
    );
    assert_eq!(
        app.people_list_with_cookie(&format!("vigil_session={token}"))
            .await
            .status(),
        200
    );
}

#[tokio::test]
async fn expired_tampered_unsigned_and_misdirected_tokens_are_refused() {
    let app = spawn_app().await;
    let admin = app.public_id(PLATFORM).await;
    let employee = app.public_id(EMPLOYEE).await;
    let now = chrono::Utc::now().timestamp();

    let expired = sign(
        claims(&admin, "vigil-web", (now - 7200) as f64, now - 1),
        Algorithm::HS256,
    );
    let wrong_audience = sign(
        claims(&admin, "vigil-api", now_ms(), now + 600),
        Algorithm::HS256,
    );
    let wrong_algorithm = sign(
        claims(&admin, "vigil-web", now_ms(), now + 600),
        Algorithm::HS384,
    );
    let unsigned = format!(
        "{}.{}.",
        URL_SAFE_NO_PAD.encode(r#"{"alg":"none","typ":"JWT"}"#),
        URL_SAFE_NO_PAD.encode(claims(&admin, "vigil-web", now_ms(), now + 600).to_string())
    );
    // An employee's genuine token with the subject swapped for the admin's, signature kept.
    let genuine = sign(
        claims(&employee, "vigil-web", now_ms(), now + 600),
        Algorithm::HS256,
    );
    let parts: Vec<&str> = genuine.split('.').collect();
    let tampered = format!(
        "{}.{}.{}",
        parts[0],
        URL_SAFE_NO_PAD.encode(claims(&admin, "vigil-web", now_ms(), now + 600).to_string()),
        parts[2]
    );
    let other_key = encode(
        &Header::new(Algorithm::HS256),
        &claims(&admin, "vigil-web", now_ms(), now + 600),
        &EncodingKey::from_secret(b"some-other-secret-some-other-secret!!"),
    )
    .unwrap();

    for (label, token) in [
        ("expired", expired),
        ("wrong audience", wrong_audience),
        ("wrong algorithm", wrong_algorithm),
        ("alg none", unsigned),
        ("tampered", tampered),
        ("other key", other_key),
    ] {
        let response = app
            .people_list_with_cookie(&format!("vigil_session={token}"))
            .await;
        assert_eq!(response.status(), 401, "{label} token must be refused");
    }
}

#[tokio::test]
async fn a_token_signed_out_on_this_device_cannot_be_replayed() {
    let app = spawn_app().await;
    let cookie = session_cookie(&app.login(PLATFORM, PASSWORD).await);
    assert_eq!(app.people_list_with_cookie(&cookie).await.status(), 200);
    assert_eq!(
        app.post_form("/api/session/logout", &[]).await.status(),
        200
    );
    assert_eq!(
        app.people_list_with_cookie(&cookie).await.status(),
        401,
        "a copied token stops working after sign-out"
    );
    assert_eq!(app.whoami_with(&app.client).await, None);
}

#[tokio::test]
async fn signing_out_everywhere_ends_sessions_on_other_devices() {
    let app = spawn_app().await;
    let laptop = new_client();
    let phone = new_client();
    app.login_with(&laptop, EMPLOYEE).await;
    app.login_with(&phone, EMPLOYEE).await;
    assert_eq!(app.whoami_with(&phone).await.as_deref(), Some(EMPLOYEE));

    let response = app
        .post_form_with(&laptop, "/api/account/sign-out-everywhere", &[])
        .await;
    assert_eq!(response.status(), 200);
    assert_eq!(app.whoami_with(&phone).await, None);
    assert_eq!(app.whoami_with(&laptop).await, None);

    // Signing in again straight afterwards works (revocation is not off by a second).
    assert_eq!(app.login_with(&phone, EMPLOYEE).await.status(), 200);
    assert_eq!(app.whoami_with(&phone).await.as_deref(), Some(EMPLOYEE));
}

#[tokio::test]
async fn changing_the_password_ends_other_sessions_but_keeps_this_one() {
    let app = spawn_app().await;
    let laptop = new_client();
    let phone = new_client();
    app.login_with(&laptop, EMPLOYEE).await;
    app.login_with(&phone, EMPLOYEE).await;

    let new_password = "a different long passphrase";
    let response = app
        .post_form_with(
            &laptop,
            "/api/account/password",
            &[
                ("current_password", PASSWORD),
                ("new_password", new_password),
                ("confirm_password", new_password),
            ],
        )
        .await;
    assert_eq!(response.status(), 200);
    assert_eq!(
        app.whoami_with(&laptop).await.as_deref(),
        Some(EMPLOYEE),
        "this device stays signed in"
    );
    assert_eq!(
        app.whoami_with(&phone).await,
        None,
        "the other device is signed out"
    );
    assert_eq!(
        app.login(EMPLOYEE, PASSWORD).await.status(),
        401,
        "the old password no longer works"
    );
    assert_eq!(app.login(EMPLOYEE, new_password).await.status(), 200);
}

#[tokio::test]
async fn a_password_change_with_the_wrong_current_password_changes_nothing() {
    let app = spawn_app().await;
    app.login(EMPLOYEE, PASSWORD).await;
    let response = app
        .post_form(
            "/api/account/password",
            &[
                ("current_password", "not my password at all"),
                ("new_password", "brand new long passphrase"),
                ("confirm_password", "brand new long passphrase"),
            ],
        )
        .await;
    assert_eq!(response.status(), 422);
    assert!(
        response
            .text()
            .await
            .unwrap()
            .contains("CurrentPasswordWrong")
    );
    assert_eq!(
        app.login(EMPLOYEE, PASSWORD).await.status(),
        200,
        "the old password still works"
    );
}

#[tokio::test]
async fn a_weak_new_password_is_refused_with_the_rule() {
    let app = spawn_app().await;
    app.login(EMPLOYEE, PASSWORD).await;
    let response = app
        .post_form(
            "/api/account/password",
            &[
                ("current_password", PASSWORD),
                ("new_password", "short"),
                ("confirm_password", "short"),
            ],
        )
        .await;
    assert_eq!(response.status(), 422);
    assert!(response.text().await.unwrap().contains("PasswordTooShort"));
}

#[tokio::test]
async fn deactivation_ends_a_live_session_at_once() {
    let app = spawn_app().await;
    app.login(EMPLOYEE, PASSWORD).await;
    assert_eq!(
        app.whoami_with(&app.client).await.as_deref(),
        Some(EMPLOYEE)
    );
    app::ssr::people_admin::deactivate(
        &app.db,
        &app::ssr::people_admin::Acting::operator("test"),
        EMPLOYEE,
        chrono::Utc::now(),
    )
    .await
    .unwrap();
    assert_eq!(app.whoami_with(&app.client).await, None);
    assert_eq!(
        app.login(EMPLOYEE, PASSWORD).await.status(),
        401,
        "a deactivated person cannot sign in"
    );
}

#[tokio::test]
async fn server_functions_refuse_anonymous_and_unauthorised_callers() {
    let app = spawn_app().await;
    assert_eq!(app.post_form("/api/people/list", &[]).await.status(), 401);
    app.login(EMPLOYEE, PASSWORD).await;
    assert_eq!(app.post_form("/api/people/list", &[]).await.status(), 403);
}
