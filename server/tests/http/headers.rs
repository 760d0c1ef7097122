//! Security headers and cross-site request refusal.

use crate::helpers::{EMPLOYEE, PASSWORD, spawn_app};

#[tokio::test]
async fn pages_carry_a_strict_policy_with_a_fresh_nonce_that_the_hydration_script_uses() {
    let app = spawn_app().await;
    let first = app.get("/login").await;
    let policy = first
        .headers()
        .get("content-security-policy")
        .unwrap()
        .to_str()
        .unwrap()
        .to_owned();
    assert!(!policy.contains("unsafe-inline"), "{policy}");
    assert!(policy.contains("frame-ancestors 'none'"), "{policy}");
    assert_eq!(
        first.headers().get("x-content-type-options").unwrap(),
        "nosniff"
    );
    assert_eq!(
        first.headers().get("referrer-policy").unwrap(),
        "same-origin"
    );
    let nonce = policy
        .split("'nonce-")
        .nth(1)
        .and_then(|rest| rest.split('\'').next())
        .unwrap()
        .to_owned();
    let html = first.text().await.unwrap();
    assert!(
        html.contains(&format!("nonce=\"{nonce}\"")),
        "the hydration script carries the response's nonce"
    );

    let second = app.get("/login").await;
    let second_policy = second
        .headers()
        .get("content-security-policy")
        .unwrap()
        .to_str()
        .unwrap();
    assert!(
        !second_policy.contains(&nonce),
        "each response gets its own nonce"
    );
}

#[tokio::test]
async fn a_cross_origin_post_is_refused_and_changes_nothing() {
    let app = spawn_app().await;
    let response = app
        .client
        .post(format!("{}/api/session/login", app.address))
        .header("origin", "https://evil.example")
        .form(&[("email", EMPLOYEE), ("password", PASSWORD), ("next", "")])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 403);
    assert!(response.headers().get("set-cookie").is_none());
    assert!(
        response
            .text()
            .await
            .unwrap()
            .contains("did not come from a Vigil page")
    );
}

#[tokio::test]
async fn cross_site_fetch_metadata_is_refused_even_with_a_matching_origin() {
    let app = spawn_app().await;
    app.login(EMPLOYEE, PASSWORD).await;
    let response = app
        .client
        .post(format!("{}/api/account/sign-out-everywhere", app.address))
        .header("origin", &app.address)
        .header("sec-fetch-site", "cross-site")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 403);
    assert_eq!(
        app.whoami_with(&app.client).await.as_deref(),
        Some(EMPLOYEE),
        "still signed in"
    );
}

#[tokio::test]
async fn a_post_with_no_provenance_is_refused() {
    let app = spawn_app().await;
    let response = app
        .client
        .post(format!("{}/api/session/logout", app.address))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 403);
}
