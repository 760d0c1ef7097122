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

/// A token with this header and these claims, signed (HMAC-SHA256) with `key` whatever the
/// header says.
fn forge(header: serde_json::Value, claims: &serde_json::Value, key: &[u8]) -> String {
    use hmac::Mac as _;
    let signing_input = format!(
        "{}.{}",
        URL_SAFE_NO_PAD.encode(header.to_string()),
        URL_SAFE_NO_PAD.encode(claims.to_string())
    );
    let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(key).unwrap();
    mac.update(signing_input.as_bytes());
    format!(
        "{signing_input}.{}",
        URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes())
    )
}

/// An Ed25519 key (PKCS#8 DER around a fixed seed), for genuinely asymmetric signatures.
fn ed25519_key() -> EncodingKey {
    let mut der = hex_bytes("302e020100300506032b657004220420");
    der.extend_from_slice(&[7u8; 32]);
    EncodingKey::from_ed_der(&der)
}

fn hex_bytes(hex: &str) -> Vec<u8> {
    (0..hex.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).unwrap())
        .collect()
}

/// The bad-token corpus: every token here names the platform admin, and none may act as them.
#[tokio::test]
async fn a_corpus_of_bad_session_tokens_is_refused() {
    let app = spawn_app().await;
    let admin = app.public_id(PLATFORM).await;
    let employee = app.public_id(EMPLOYEE).await;
    let now = chrono::Utc::now().timestamp();
    let good = || claims(&admin, "vigil-web", now_ms(), now + 600);
    let without = |field: &str| {
        let mut claims = good();
        claims.as_object_mut().unwrap().remove(field);
        claims
    };
    let with = |field: &str, value: serde_json::Value| {
        let mut claims = good();
        claims[field] = value;
        claims
    };
    let hs256 = json!({"alg": "HS256", "typ": "JWT"});
    let secret = SECRET.as_bytes();

    // An employee's genuine token with the subject swapped for the admin's, signature kept.
    let genuine = sign(
        claims(&employee, "vigil-web", now_ms(), now + 600),
        Algorithm::HS256,
    );
    let parts: Vec<&str> = genuine.split('.').collect();
    let tampered = format!(
        "{}.{}.{}",
        parts[0],
        URL_SAFE_NO_PAD.encode(good().to_string()),
        parts[2]
    );

    let corpus: Vec<(&str, String)> = vec![
        // Algorithms.
        (
            "alg none, no signature",
            format!(
                "{}.{}.",
                URL_SAFE_NO_PAD.encode(r#"{"alg":"none","typ":"JWT"}"#),
                URL_SAFE_NO_PAD.encode(good().to_string())
            ),
        ),
        (
            "alg None (case)",
            forge(json!({"alg": "None"}), &good(), secret),
        ),
        (
            "alg HS384 with the right secret",
            sign(good(), Algorithm::HS384),
        ),
        (
            "alg HS512 with the right secret",
            sign(good(), Algorithm::HS512),
        ),
        // HS/RS confusion: an asymmetric algorithm named, the shared secret used as the key.
        (
            "alg RS256, HMAC with the secret",
            forge(json!({"alg": "RS256"}), &good(), secret),
        ),
        (
            "alg ES256, HMAC with the secret",
            forge(json!({"alg": "ES256"}), &good(), secret),
        ),
        // And the other way: a real asymmetric signature by a key the attacker owns.
        (
            "EdDSA signed by another key",
            encode(&Header::new(Algorithm::EdDSA), &good(), &ed25519_key()).unwrap(),
        ),
        (
            "jwk header naming the attacker's key",
            forge(
                json!({"alg": "HS256", "jwk": {"kty": "oct", "k": URL_SAFE_NO_PAD.encode("attacker")}}),
                &good(),
                b"attacker",
            ),
        ),
        (
            "kid header pointing elsewhere",
            forge(
                json!({"alg": "HS256", "kid": "../../dev/null"}),
                &good(),
                b"",
            ),
        ),
        // Keys and signatures.
        (
            "signed with another secret",
            forge(
                hs256.clone(),
                &good(),
                b"some-other-secret-some-other-secret!!",
            ),
        ),
        (
            "signed with an empty key",
            forge(hs256.clone(), &good(), b""),
        ),
        ("payload swapped, signature kept", tampered),
        ("signature stripped", format!("{}.{}.", parts[0], parts[1])),
        ("not a JWT", "vigil".to_owned()),
        ("four segments", format!("{genuine}.{}", parts[2])),
        // Audience and issuer.
        ("aud missing", forge(hs256.clone(), &without("aud"), secret)),
        (
            "aud of the sign-in form's proof",
            forge(
                hs256.clone(),
                &with("aud", json!("vigil-sign-in-form")),
                secret,
            ),
        ),
        (
            "aud of another service",
            forge(hs256.clone(), &with("aud", json!("vigil-api")), secret),
        ),
        (
            "aud as a list of others",
            forge(hs256.clone(), &with("aud", json!(["x", "y"])), secret),
        ),
        ("iss missing", forge(hs256.clone(), &without("iss"), secret)),
        (
            "iss of another site",
            forge(
                hs256.clone(),
                &with("iss", json!("https://evil.example")),
                secret,
            ),
        ),
        ("sub missing", forge(hs256.clone(), &without("sub"), secret)),
        (
            "sub of nobody",
            forge(hs256.clone(), &with("sub", json!("no-such-person")), secret),
        ),
        // Time.
        (
            "expired a second ago",
            forge(hs256.clone(), &with("exp", json!(now - 1)), secret),
        ),
        (
            "expiring now (zero leeway)",
            forge(hs256.clone(), &with("exp", json!(now)), secret),
        ),
        ("exp missing", forge(hs256.clone(), &without("exp"), secret)),
        (
            "exp as a string",
            forge(
                hs256.clone(),
                &with("exp", json!((now + 600).to_string())),
                secret,
            ),
        ),
        (
            "exp negative",
            forge(hs256.clone(), &with("exp", json!(-1)), secret),
        ),
        (
            "exp as an object",
            forge(hs256.clone(), &with("exp", json!({"$gt": 0})), secret),
        ),
        (
            "exp null",
            forge(hs256.clone(), &with("exp", serde_json::Value::Null), secret),
        ),
        ("iat missing", forge(hs256.clone(), &without("iat"), secret)),
        (
            "iat in the future",
            forge(hs256.clone(), &with("iat", json!(now + 120)), secret),
        ),
        (
            "iat as a string",
            forge(hs256.clone(), &with("iat", json!(now.to_string())), secret),
        ),
        (
            "iat huge",
            forge(hs256.clone(), &with("iat", json!(1e300)), secret),
        ),
        (
            "iat before the person existed",
            forge(
                hs256.clone(),
                &with("iat", json!(now - 86_400 * 365)),
                secret,
            ),
        ),
    ];
    for (label, token) in &corpus {
        let response = app
            .people_list_with_cookie(&format!("vigil_session={token}"))
            .await;
        assert_eq!(response.status(), 401, "{label}: token must be refused");
        let whoami = reqwest::Client::new()
            .post(format!("{}/api/session/current", app.address))
            .header("origin", &app.address)
            .header("accept", "application/json")
            .header("cookie", format!("vigil_session={token}"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(
            !whoami.contains(PLATFORM),
            "{label}: nobody is signed in, got {whoami}"
        );
    }
    // The well-formed control token, built the same way, is accepted: the corpus fails for
    // the reason each entry names, not because the forging is broken.
    assert_eq!(
        app.people_list_with_cookie(&format!("vigil_session={}", forge(hs256, &good(), secret)))
            .await
            .status(),
        200
    );
}

#[tokio::test]
async fn a_token_is_refused_after_a_password_change_or_deactivation() {
    let app = spawn_app().await;
    // Password change (by a reset on another device): the old session's token is refused.
    let old = session_cookie(&app.login(PLATFORM, PASSWORD).await);
    assert_eq!(app.people_list_with_cookie(&old).await.status(), 200);
    let elsewhere = new_client();
    app.login_with(&elsewhere, PLATFORM).await;
    let new_password = "another long passphrase here";
    let changed = app
        .change_password_with(&elsewhere, PASSWORD, new_password)
        .await;
    assert_eq!(changed.status(), 200);
    assert_eq!(app.people_list_with_cookie(&old).await.status(), 401);

    // Deactivation: the session's token is refused at once, and so is a new sign-in.
    let employee = new_client();
    let cookie = session_cookie(&app.login_with(&employee, EMPLOYEE).await);
    assert_eq!(app.whoami_with(&employee).await.as_deref(), Some(EMPLOYEE));
    app::ssr::people_admin::deactivate(
        &app.db,
        &app::ssr::people_admin::Acting::operator("test"),
        EMPLOYEE,
        chrono::Utc::now(),
    )
    .await
    .unwrap();
    let mine = reqwest::Client::new()
        .post(format!("{}/api/training/mine", app.address))
        .header("origin", &app.address)
        .header("accept", "application/json")
        .header("cookie", &cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(mine.status(), 401);
    assert_eq!(app.login_with(&new_client(), EMPLOYEE).await.status(), 401);
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
        .change_password_with(&laptop, PASSWORD, new_password)
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
        .change_password_with(
            &app.client,
            "not my password at all",
            "brand new long passphrase",
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
        .change_password_with(&app.client, PASSWORD, "short")
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
