//! API tokens: made in the browser by an administrator (the secret shown once), used as
//! `Authorization: Bearer …` on the exports and the evidence pack within their scope only,
//! refused once revoked or expired or when their creator loses the right, and audited.

use app::ssr::api_tokens::{self, Operator};
use app::ssr::db::entities::api_token;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, sea_query::Expr};

use crate::helpers::{COMPLIANCE, EMPLOYEE, PASSWORD, PLATFORM, TestApp, new_client, spawn_app};
use crate::training::{json, with_courses};

/// A POST from a script: no cookie, no Origin, just the token.
async fn with_token(
    app: &TestApp,
    path: &str,
    token: &str,
    form: &[(&str, &str)],
) -> reqwest::Response {
    reqwest::Client::new()
        .post(format!("{}{path}", app.address))
        .header("Authorization", format!("Bearer {token}"))
        .form(form)
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn a_token_made_in_the_browser_works_within_its_scope_until_revoked() {
    let app = spawn_app().await;
    let _courses = with_courses(&app).await;

    // Only administrators make tokens, and only of a scope they hold themselves.
    let employee = new_client();
    app.login_with(&employee, EMPLOYEE).await;
    let (status, _) = json(
        &app,
        &employee,
        "/api/admin/tokens/create",
        &[("name", "Mine"), ("scope", "reports:read"), ("days", "30")],
    )
    .await;
    assert_eq!(status, 403);
    app.login(COMPLIANCE, PASSWORD).await;
    let (status, _) = json(
        &app,
        &app.client,
        "/api/admin/tokens/create",
        &[("name", "Directory"), ("scope", "scim"), ("days", "30")],
    )
    .await;
    assert_eq!(status, 403, "SCIM tokens are for platform administrators");
    for (scope, days) in [
        ("admin", "30"),
        ("reports:read", "0"),
        ("reports:read", "731"),
    ] {
        let (status, body) = json(
            &app,
            &app.client,
            "/api/admin/tokens/create",
            &[("name", "Bad"), ("scope", scope), ("days", days)],
        )
        .await;
        assert_eq!(status, 422, "{scope} {days}: {body}");
    }
    assert!(
        api_tokens::all(&app.db).await.unwrap().is_empty(),
        "bad input made nothing"
    );

    let (status, body) = json(
        &app,
        &app.client,
        "/api/admin/tokens/create",
        &[
            ("name", "Quarterly audit export"),
            ("scope", "reports:read"),
            ("days", "30"),
        ],
    )
    .await;
    assert_eq!(status, 200, "{body}");
    // The secret is shown once.
    let (_, shown) = json(&app, &app.client, "/api/admin/tokens/new", &[]).await;
    let secret = shown.as_str().expect("the new token").to_owned();
    assert!(secret.starts_with("vigil_"), "{secret}");
    let (_, again) = json(&app, &app.client, "/api/admin/tokens/new", &[]).await;
    assert!(again.is_null(), "shown a second time: {again}");
    let stored = api_tokens::all(&app.db).await.unwrap();
    assert_eq!(stored.len(), 1);
    assert!(!stored[0].token_hash.contains(&secret) && stored[0].token_hash.len() == 64);

    // A script exports with it: no cookie, no Origin header.
    let export = with_token(&app, "/exports/compliance-status.csv", &secret, &[]).await;
    assert_eq!(export.status(), 200);
    let csv = export.text().await.unwrap();
    assert!(csv.contains(EMPLOYEE), "{csv}");
    // Not beyond its scope.
    let today = chrono::Utc::now().date_naive().to_string();
    let pack = with_token(
        &app,
        "/evidence/pack.zip",
        &secret,
        &[("from", &today), ("to", &today)],
    )
    .await;
    assert_eq!(pack.status(), 403);
    // Bad or absent credentials say so, with the Bearer challenge.
    for bad in ["vigil_not-a-real-token", &format!("{secret}x"), ""] {
        let refused = with_token(&app, "/exports/compliance-status.csv", bad, &[]).await;
        assert_eq!(refused.status(), 401, "{bad}");
        assert!(refused.headers().contains_key("www-authenticate"));
    }

    // Its use is audited under its name, and the list shows when it was last used.
    let (_, audit) = json(
        &app,
        &app.client,
        "/api/admin/audit",
        &[("action", "export")],
    )
    .await;
    let actors: Vec<&str> = audit["rows"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|row| row["actor"].as_str())
        .collect();
    assert!(
        actors
            .iter()
            .any(|a| a.contains("API token \"Quarterly audit export\"")),
        "{actors:?}"
    );
    let (_, list) = json(&app, &app.client, "/api/admin/tokens", &[]).await;
    assert!(!list[0]["last_used_at"].is_null(), "{list}");
    assert!(
        !list.to_string().contains(&secret),
        "the list never shows a secret"
    );

    // Revoking needs confirmation and takes effect at once.
    let id = stored[0].id.to_string();
    let (status, _) = json(
        &app,
        &app.client,
        "/api/admin/tokens/revoke",
        &[("id", &id)],
    )
    .await;
    assert_eq!(status, 422);
    let (status, _) = json(
        &app,
        &app.client,
        "/api/admin/tokens/revoke",
        &[("id", &id), ("confirm", "yes")],
    )
    .await;
    assert_eq!(status, 200);
    let refused = with_token(&app, "/exports/compliance-status.csv", &secret, &[]).await;
    assert_eq!(refused.status(), 401);
    let (_, audit) = json(&app, &app.client, "/api/admin/audit", &[]).await;
    let actions: Vec<&str> = audit["rows"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|row| row["action"].as_str())
        .collect();
    assert!(
        actions.contains(&"token.create") && actions.contains(&"token.revoke"),
        "{actions:?}"
    );
}

#[tokio::test]
async fn a_token_stops_when_it_expires_or_its_creator_loses_the_right() {
    let app = spawn_app().await;
    let _courses = with_courses(&app).await;
    app.login(COMPLIANCE, PASSWORD).await;
    let now = chrono::Utc::now();
    let carl = app::ssr::db::people::find_by_email(&app.db, COMPLIANCE)
        .await
        .unwrap()
        .unwrap();
    let creator = app::ssr::auth::CurrentUser {
        department: None,
        permissions: app::domain::permissions::Permissions::of(
            app::domain::permissions::PermissionFacts {
                active: true,
                has_active_reports: false,
                is_compliance_admin: true,
                is_platform_admin: false,
            },
        ),
        person: carl.clone(),
    };
    let (expiring, expiring_secret) = api_tokens::create(
        &app.db,
        Operator::Person(&creator),
        "Soon gone",
        "evidence:export",
        "1",
        now,
    )
    .await
    .unwrap();
    let (_, kept_secret) = api_tokens::create(
        &app.db,
        Operator::Person(&creator),
        "Kept",
        "reports:read",
        "",
        now,
    )
    .await
    .unwrap();
    let (_, server_secret) = api_tokens::create(
        &app.db,
        Operator::Server,
        "From the server",
        "reports:read",
        "7",
        now,
    )
    .await
    .unwrap();
    let today = now.date_naive().to_string();
    let period = [("from", today.as_str()), ("to", today.as_str())];
    assert_eq!(
        with_token(&app, "/evidence/pack.zip", &expiring_secret, &period)
            .await
            .status(),
        200
    );
    api_token::Entity::update_many()
        .col_expr(
            api_token::Column::ExpiresAt,
            Expr::value(now - chrono::Duration::seconds(1)),
        )
        .filter(api_token::Column::Id.eq(expiring.id))
        .exec(&app.db)
        .await
        .unwrap();
    assert_eq!(
        with_token(&app, "/evidence/pack.zip", &expiring_secret, &period)
            .await
            .status(),
        401,
        "expired"
    );

    // Carl stops being a compliance administrator: his token stops; the server's does not.
    let platform = new_client();
    app.login_with(&platform, PLATFORM).await;
    app::ssr::db::people::set_admin_flags(&app.db, carl.id, false, false, now)
        .await
        .unwrap();
    assert_eq!(
        with_token(&app, "/exports/compliance-status.csv", &kept_secret, &[])
            .await
            .status(),
        403
    );
    assert_eq!(
        with_token(&app, "/exports/compliance-status.csv", &server_secret, &[])
            .await
            .status(),
        200
    );

    // Any administrator may stop any token: a platform administrator revokes a reports token.
    let (other, other_secret) = api_tokens::create(
        &app.db,
        Operator::Server,
        "Stopped by the platform team",
        "reports:read",
        "7",
        now,
    )
    .await
    .unwrap();
    let id = other.id.to_string();
    let (status, _) = json(
        &app,
        &platform,
        "/api/admin/tokens/revoke",
        &[("id", &id), ("confirm", "yes")],
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(
        with_token(&app, "/exports/compliance-status.csv", &other_secret, &[])
            .await
            .status(),
        401
    );
}
