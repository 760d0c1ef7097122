//! Single sign-on settings: a provider that cannot be discovered stops start-up, naming the
//! setting to fix. (Signing in through a real provider is tested in the browser tests.)

use server::config::{Config, FileConfig, Overrides};
use server::startup::Application;

#[tokio::test]
async fn a_misconfigured_issuer_stops_start_up_naming_the_setting() {
    let dir = tempfile::tempdir().unwrap();
    let secret = dir.path().join("oidc-secret");
    std::fs::write(&secret, "s3cret").unwrap();
    // Nothing listens on this port: discovery cannot succeed.
    let closed = crate::smtp::closed_port();
    let vars = [
        (
            "DATABASE_URL",
            format!("sqlite://{}/vigil.db", dir.path().display()),
        ),
        ("VIGIL_LISTEN", "127.0.0.1:0".to_owned()),
        ("VIGIL_SECRET", crate::helpers::SECRET.to_owned()),
        ("VIGIL_SITE_ROOT", dir.path().display().to_string()),
        (
            "VIGIL_CONTENT_DIR",
            dir.path().join("none").display().to_string(),
        ),
        (
            "VIGIL_EVIDENCE_KEY_FILE",
            dir.path().join("key.pem").display().to_string(),
        ),
        ("VIGIL_MAIL", "off".to_owned()),
        ("VIGIL_OIDC_ISSUER", format!("http://127.0.0.1:{closed}")),
        ("VIGIL_OIDC_CLIENT_ID", "vigil".to_owned()),
        (
            "VIGIL_OIDC_CLIENT_SECRET_FILE",
            secret.display().to_string(),
        ),
    ];
    let config = Config::from_sources(
        FileConfig::default(),
        &|name| {
            vars.iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| v.clone())
        },
        Overrides::default(),
    )
    .expect("the settings themselves are complete");
    let err = match Application::build(&config).await {
        Ok(_) => panic!("start-up must stop when the provider cannot be discovered"),
        Err(err) => err.to_string(),
    };
    assert!(err.contains("VIGIL_OIDC_ISSUER"), "{err}");
    assert!(
        err.contains(&format!(
            "127.0.0.1:{closed}/.well-known/openid-configuration"
        )),
        "{err}"
    );

    // Half a configuration is refused before anything starts.
    let partial = Config::from_sources(
        FileConfig::default(),
        &|name| {
            vars.iter()
                .filter(|(k, _)| *k != "VIGIL_OIDC_CLIENT_ID")
                .find(|(k, _)| *k == name)
                .map(|(_, v)| v.clone())
        },
        Overrides::default(),
    );
    let err = partial.err().expect("refused").to_string();
    assert!(err.contains("VIGIL_OIDC_CLIENT_ID"), "{err}");
}

/// What the provider vouched for, as the callback would hand it on.
fn identity(email: &str) -> app::ssr::auth::oidc::Identity {
    app::ssr::auth::oidc::Identity {
        subject: format!("sub-{email}"),
        email: email.to_owned(),
        name: Some("Quinn Newcomer".to_owned()),
        next: "/".to_owned(),
        id_token: String::new(),
    }
}

#[tokio::test]
async fn someone_unknown_is_created_at_sign_in_only_when_switched_on() {
    use app::ssr::auth::oidc::{NewPeople, Refusal};
    use app::ssr::auth::oidc_sign_in::sign_in;
    let app = crate::helpers::spawn_app().await;
    let now = chrono::Utc::now();
    let newcomer = identity("Quinn.Newcomer@example.com");
    // Off (the default): refused, nobody added.
    let refused = sign_in(&app.state, "Test ID", None, &newcomer, "127.0.0.1", now).await;
    assert!(
        matches!(refused, Err(Refusal::NoAccount(ref a)) if a == "quinn.newcomer@example.com"),
        "{refused:?}"
    );
    assert!(
        app::ssr::db::people::find_by_email(&app.db, "quinn.newcomer@example.com")
            .await
            .unwrap()
            .is_none()
    );

    // On: added to the configured department and role, then signed in; both audited.
    let new = NewPeople {
        department: "Sales".to_owned(),
        role: "department-head".to_owned(),
    };
    let token = sign_in(
        &app.state,
        "Test ID",
        Some(&new),
        &newcomer,
        "127.0.0.1",
        now,
    )
    .await
    .expect("signed in");
    assert!(!token.is_empty());
    let person = app::ssr::db::people::find_by_email(&app.db, "quinn.newcomer@example.com")
        .await
        .unwrap()
        .expect("added");
    assert_eq!(person.name, "Quinn Newcomer");
    assert_eq!(
        app::ssr::db::people::department_name(&app.db, person.department_id)
            .await
            .unwrap()
            .as_deref(),
        Some("Sales")
    );
    let roles = app::ssr::db::people::role_slugs(&app.db, person.id)
        .await
        .unwrap();
    assert!(
        roles.contains(&"department-head".to_owned()) && roles.contains(&"employee".to_owned()),
        "{roles:?}"
    );
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    let actions: Vec<String> = app::ssr::db::entities::audit_event::Entity::find()
        .filter(
            app::ssr::db::entities::audit_event::Column::Subject
                .eq("person:quinn.newcomer@example.com"),
        )
        .all(&app.db)
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.action)
        .collect();
    assert!(
        actions.contains(&"person.add".to_owned())
            && actions.contains(&"account.sign_in".to_owned()),
        "{actions:?}"
    );

    // A deactivated person is refused even with creation on.
    app::ssr::people_admin::deactivate(
        &app.db,
        &app::ssr::people_admin::Acting::operator("test"),
        "quinn.newcomer@example.com",
        now,
    )
    .await
    .unwrap();
    let refused = sign_in(
        &app.state,
        "Test ID",
        Some(&new),
        &newcomer,
        "127.0.0.1",
        now,
    )
    .await;
    assert!(
        matches!(refused, Err(Refusal::Deactivated(_))),
        "{refused:?}"
    );
}

/// The test OpenID Provider (end2end/oidc/provider.mjs, npm oidc-provider) on a free port, ended
/// when dropped; and its issuer.
async fn start_provider() -> (tokio::process::Child, String) {
    use tokio::io::AsyncBufReadExt;
    let script =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../end2end/oidc/provider.mjs");
    let modules = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../end2end/node_modules/oidc-provider");
    assert!(
        modules.exists(),
        "{} is missing: run `make e2e-deps`",
        modules.display()
    );
    let mut child = tokio::process::Command::new("node")
        .arg(script)
        .args([
            "--port",
            "0",
            "--client-id",
            "vigil-test",
            "--client-secret",
            "s3cret",
            "--quiet",
        ])
        .args(["--redirect-uri", "http://127.0.0.1:1/auth/oidc/callback"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .expect("node starts");
    let stdout = child.stdout.take().expect("stdout");
    let mut lines = tokio::io::BufReader::new(stdout).lines();
    let ready = tokio::time::timeout(std::time::Duration::from_secs(30), lines.next_line())
        .await
        .expect("the provider is ready within 30 s")
        .expect("reads")
        .expect("a line");
    let issuer = ready
        .strip_prefix("READY ")
        .expect("READY <issuer>")
        .trim()
        .to_owned();
    (child, issuer)
}

#[tokio::test]
async fn passwords_can_be_kept_for_platform_administrators_only() {
    use crate::helpers::{EMPLOYEE, PASSWORD, PLATFORM, new_client};
    let (_provider, issuer) = start_provider().await;
    let dir = tempfile::tempdir().unwrap();
    let secret = dir.path().join("secret");
    std::fs::write(&secret, "s3cret").unwrap();
    let app = crate::helpers::spawn_app_with(&[
        ("VIGIL_OIDC_ISSUER", issuer),
        ("VIGIL_OIDC_CLIENT_ID", "vigil-test".to_owned()),
        (
            "VIGIL_OIDC_CLIENT_SECRET_FILE",
            secret.display().to_string(),
        ),
        ("VIGIL_OIDC_NAME", "Test ID".to_owned()),
        ("VIGIL_PASSWORD_SIGN_IN", "platform-admins".to_owned()),
    ])
    .await;
    // The right password of an employee gets the same answer as a wrong one.
    let employee = new_client();
    let right = app.login_with_password(&employee, EMPLOYEE, PASSWORD).await;
    let wrong = app
        .login_with_password(&new_client(), EMPLOYEE, "not the password at all")
        .await;
    assert_eq!(right.status(), wrong.status());
    assert_eq!(right.text().await.unwrap(), wrong.text().await.unwrap());
    assert_eq!(app.whoami_with(&employee).await, None);
    // The break-glass platform administrator still signs in with a password.
    let admin = new_client();
    app.login_with_password(&admin, PLATFORM, PASSWORD).await;
    assert_eq!(app.whoami_with(&admin).await.as_deref(), Some(PLATFORM));
    // The sign-in page says so, next to the provider's button.
    let page = app.get("/login").await.text().await.unwrap();
    assert!(page.contains("Sign in with Test ID"), "{page}");
    assert!(
        page.contains("Passwords are only for platform administrators"),
        "{page}"
    );
}
