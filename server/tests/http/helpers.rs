//! `spawn_app()` and typed helpers for talking to it.

use std::collections::HashMap;

use app::ssr::people_admin::{self, NewPerson};
use chrono::NaiveDate;
use reqwest::{Client, Response, header};
use sea_orm::DatabaseConnection;
use server::config::{Config, FileConfig, Overrides};
use server::startup::Application;

pub const PASSWORD: &str = "a long enough test passphrase";
pub const SECRET: &str = "test-secret-test-secret-test-secret-0123";

/// People every test app starts with.
pub const EMPLOYEE: &str = "erin.employee@example.com";
pub const MANAGER: &str = "mona.manager@example.com";
pub const COMPLIANCE: &str = "carl.compliance@example.com";
pub const PLATFORM: &str = "pat.platform@example.com";

/// A running application and a client with its own cookie jar.
pub struct TestApp {
    pub address: String,
    pub client: Client,
    pub db: DatabaseConnection,
    /// The app's mail settings (to queue messages as the app would).
    pub mail: std::sync::Arc<app::ssr::mail::MailSettings>,
    pub database_url: String,
    /// The public half of the key that signs evidence packs and checkpoints.
    pub evidence_public: ed25519_dalek::VerifyingKey,
    /// The running app's state (to call what a route would, with a made-up input).
    pub state: app::ssr::AppState,
    _dir: tempfile::TempDir,
}

/// Starts Vigil on a random port with a fresh SQLite file and four people. Mail goes to
/// `.eml` files in a temporary folder (development mode without SMTP).
pub async fn spawn_app() -> TestApp {
    spawn_app_with(&[]).await
}

/// As `spawn_app`, with more settings (they win over the defaults), e.g. an SMTP server.
pub async fn spawn_app_with(settings: &[(&str, String)]) -> TestApp {
    let dir = tempfile::tempdir().expect("temporary directory");
    let database_url = format!("sqlite://{}/vigil.db", dir.path().display());
    spawn_with(database_url, dir, settings).await
}

/// Settings for an app that sends through `sink`, retrying quickly.
pub fn smtp_settings(sink_url: &str) -> Vec<(&'static str, String)> {
    vec![
        ("VIGIL_SMTP_URL", sink_url.to_owned()),
        ("VIGIL_MAIL_FROM", "Vigil <vigil@vigil.test>".to_owned()),
        ("VIGIL_MAIL_POLL_SECS", "1".to_owned()),
        ("VIGIL_MAIL_RETRY_BASE_SECS", "1".to_owned()),
        ("VIGIL_SMTP_TIMEOUT_SECS", "5".to_owned()),
    ]
}

/// Starts Vigil on PostgreSQL if `TEST_POSTGRES_URL` is set.
pub async fn spawn_app_on_postgres() -> Option<TestApp> {
    spawn_app_on_postgres_with(&[]).await
}

/// As `spawn_app_on_postgres`, with more settings.
pub async fn spawn_app_on_postgres_with(settings: &[(&str, String)]) -> Option<TestApp> {
    let (url, db) = app::ssr::db::test_support::postgres_fresh()
        .await
        .expect("postgres")?;
    db.close().await.expect("close");
    Some(
        spawn_with(
            url,
            tempfile::tempdir().expect("temporary directory"),
            settings,
        )
        .await,
    )
}

/// Starts Vigil on an existing database (a second instance, say) without seeding people.
pub async fn spawn_instance(database_url: String, settings: &[(&str, String)]) -> TestApp {
    start(
        database_url,
        tempfile::tempdir().expect("temporary directory"),
        settings,
    )
    .await
}

async fn spawn_with(
    database_url: String,
    dir: tempfile::TempDir,
    settings: &[(&str, String)],
) -> TestApp {
    let app = start(database_url, dir, settings).await;
    seed_people(&app.db).await;
    app
}

async fn start(
    database_url: String,
    dir: tempfile::TempDir,
    settings: &[(&str, String)],
) -> TestApp {
    server::telemetry::init();
    let mut vars: HashMap<&str, String> = [
        ("DATABASE_URL", database_url),
        ("VIGIL_LISTEN", "127.0.0.1:0".to_owned()),
        ("VIGIL_SECRET", SECRET.to_owned()),
        ("VIGIL_DEMO", "false".to_owned()),
        ("VIGIL_SITE_ROOT", dir.path().display().to_string()),
        (
            "VIGIL_CONTENT_DIR",
            dir.path().join("no-content").display().to_string(),
        ),
        (
            "VIGIL_EVIDENCE_KEY_FILE",
            dir.path().join("evidence-key.pem").display().to_string(),
        ),
        (
            "VIGIL_MAIL_DIR",
            dir.path().join("mail").display().to_string(),
        ),
        // Tests start the daily reminder run themselves, so it never depends on the hour.
        ("VIGIL_RUN_SCHEDULED_REMINDERS", "false".to_owned()),
    ]
    .into_iter()
    .collect();
    for (name, value) in settings {
        vars.insert(name, value.clone());
    }
    let config = Config::from_sources(
        FileConfig::default(),
        &|name| vars.get(name).cloned(),
        Overrides::default(),
    )
    .expect("config");
    let application = Application::build(&config)
        .await
        .expect("application starts");
    let port = application.local_addr().expect("bound").port();
    let db = application.state.db.clone();
    let mail = application.state.mail.clone();
    let evidence_public = application.state.evidence_key.verifying_key();
    let state = application.state.clone();
    tokio::spawn(application.run_until_stopped());
    TestApp {
        address: format!("http://127.0.0.1:{port}"),
        client: new_client(),
        db,
        mail,
        database_url: config.database_url.clone(),
        evidence_public,
        state,
        _dir: dir,
    }
}

/// A client with an empty cookie jar that does not follow redirects.
pub fn new_client() -> Client {
    Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client")
}

async fn seed_people(db: &DatabaseConnection) {
    let hire = NaiveDate::from_ymd_opt(2024, 1, 15).expect("date");
    let person = |email: &str, name: &str, manager: Option<&str>| NewPerson {
        email: email.to_owned(),
        name: name.to_owned(),
        department: Some("Engineering".to_owned()),
        job_title: "Engineer".to_owned(),
        hire_date: hire,
        manager_email: manager.map(str::to_owned),
        password: Some(PASSWORD.to_owned()),
        ..Default::default()
    };
    let now = chrono::Utc::now();
    people_admin::add_person(db, person(MANAGER, "Mona Manager", None), now)
        .await
        .expect("manager");
    people_admin::add_person(db, person(EMPLOYEE, "Erin Employee", Some(MANAGER)), now)
        .await
        .expect("employee");
    people_admin::add_person(
        db,
        NewPerson {
            compliance_admin: true,
            ..person(COMPLIANCE, "Carl Compliance", None)
        },
        now,
    )
    .await
    .expect("compliance admin");
    people_admin::add_person(
        db,
        NewPerson {
            platform_admin: true,
            ..person(PLATFORM, "Pat Platform", None)
        },
        now,
    )
    .await
    .expect("platform admin");
}

impl TestApp {
    /// POSTs a form the way a same-origin page would (with `Origin`), asking for JSON.
    pub async fn post_form(&self, path: &str, form: &[(&str, &str)]) -> Response {
        self.post_form_with(&self.client, path, form).await
    }

    /// As `post_form`, with another client (another "device").
    pub async fn post_form_with(
        &self,
        client: &Client,
        path: &str,
        form: &[(&str, &str)],
    ) -> Response {
        client
            .post(format!("{}{path}", self.address))
            .header(header::ORIGIN, &self.address)
            .header(header::ACCEPT, "application/json")
            .form(form)
            .send()
            .await
            .expect("request")
    }

    /// Signs in with this app's client.
    pub async fn login(&self, email: &str, password: &str) -> Response {
        self.post_form(
            "/api/session/login",
            &[("email", email), ("password", password), ("next", "")],
        )
        .await
    }

    /// Signs in with another client and a chosen password.
    pub async fn login_with_password(
        &self,
        client: &Client,
        email: &str,
        password: &str,
    ) -> Response {
        self.post_form_with(
            client,
            "/api/session/login",
            &[("email", email), ("password", password), ("next", "")],
        )
        .await
    }

    /// Signs in with another client.
    pub async fn login_with(&self, client: &Client, email: &str) -> Response {
        self.post_form_with(
            client,
            "/api/session/login",
            &[("email", email), ("password", PASSWORD), ("next", "")],
        )
        .await
    }

    /// GETs a page the way a browser navigates to it.
    pub async fn get(&self, path: &str) -> Response {
        self.get_with(&self.client, path).await
    }

    /// GETs a page on `client` the way a browser navigates to it.
    pub async fn get_with(&self, client: &Client, path: &str) -> Response {
        client
            .get(format!("{}{path}", self.address))
            .header(header::ACCEPT, "text/html,application/xhtml+xml")
            .send()
            .await
            .expect("request")
    }

    /// The text of a page fetched on `client`.
    pub async fn page_with(&self, client: &Client, path: &str) -> String {
        self.get_with(client, path)
            .await
            .text()
            .await
            .expect("page text")
    }

    /// Changes the password of whoever is signed in on `client` (the new one typed twice).
    pub async fn change_password_with(
        &self,
        client: &Client,
        current: &str,
        new: &str,
    ) -> Response {
        self.post_form_with(
            client,
            "/api/account/password",
            &[
                ("current_password", current),
                ("new_password", new),
                ("confirm_password", new),
            ],
        )
        .await
    }

    /// The content hash of a course's current version.
    pub async fn current_content_hash(&self, slug: &str) -> String {
        let version = app::ssr::db::courses::find_by_slug(&self.db, slug)
            .await
            .expect("query")
            .and_then(|course| course.current_version_id)
            .expect("a published course");
        app::ssr::db::courses::version_by_id(&self.db, version)
            .await
            .expect("query")
            .expect("its version")
            .content_hash
    }

    /// A person's public id (as in `/team/<id>` links).
    pub async fn public_id(&self, email: &str) -> String {
        app::ssr::db::people::find_by_email(&self.db, email)
            .await
            .expect("query")
            .expect("person exists")
            .public_id
    }

    /// The signed-in person's email according to the server, or `None`.
    pub async fn whoami_with(&self, client: &Client) -> Option<String> {
        let response = self
            .post_form_with(client, "/api/session/current", &[])
            .await;
        assert_eq!(
            response.status(),
            200,
            "session/current should always answer 200"
        );
        let body: serde_json::Value = response.json().await.expect("json");
        body.get("email")
            .and_then(|email| email.as_str())
            .map(str::to_owned)
    }

    /// Calls the people list (platform admins only) with a raw Cookie header.
    pub async fn people_list_with_cookie(&self, cookie: &str) -> Response {
        Client::new()
            .post(format!("{}/api/people/list", self.address))
            .header(header::ORIGIN, &self.address)
            .header(header::ACCEPT, "application/json")
            .header(header::COOKIE, cookie)
            .send()
            .await
            .expect("request")
    }
}

/// The session cookie's `name=value` from a sign-in response.
pub fn session_cookie(response: &Response) -> String {
    response
        .headers()
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .find(|value| value.starts_with("vigil_session="))
        .and_then(|value| value.split(';').next())
        .expect("a session cookie")
        .to_owned()
}
