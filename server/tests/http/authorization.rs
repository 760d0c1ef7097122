//! The authorization matrix: every server function, every page and every other HTTP route,
//! called as each kind of person, on objects they own and objects they do not.
//!
//! The list of endpoints comes from the running code (Leptos' server-function registry, the page
//! route list and `startup::HTTP_ROUTES`); an endpoint without an entry here fails the test, so
//! nothing new ships without a decision about who may use it.

use std::collections::{BTreeMap, BTreeSet};

use app::ssr::people_admin::{self, Acting, NewPerson};
use chrono::NaiveDate;
use reqwest::header;

use crate::helpers::{
    COMPLIANCE, EMPLOYEE, MANAGER, PASSWORD, PLATFORM, TestApp, new_client, spawn_app,
};
use crate::training::with_courses;

/// Who asks.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Role {
    SignedOut,
    /// Erin: an employee, the owner of the quiz attempt and result used below.
    Employee,
    /// Mona: Erin's manager.
    ManagerOfTarget,
    /// Otto: manages someone else.
    OtherManager,
    /// Carl: compliance admin, author of the draft and the import used below.
    Compliance,
    /// Pat: platform admin.
    Platform,
    /// Dee: signed in, then deactivated.
    Deactivated,
}

/// Who an endpoint is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Who {
    /// Anybody, signed in or not.
    Anyone,
    /// Any active signed-in person.
    SignedIn,
    /// People with reports.
    Managers,
    /// Only the manager above the target person (Erin).
    ManagerOfTarget,
    /// Only the owner of the object (Erin's attempt and result).
    Owner,
    /// Compliance administrators.
    Compliance,
    /// Platform and compliance administrators.
    PeopleAdmins,
    /// Managers and compliance administrators.
    Teachers,
    /// Only the author of the object (Carl's draft and import).
    Author,
    /// People the course concerns (it is assigned to everyone here), and compliance admins.
    CourseReaders,
    /// Anybody, but only signed-in people get anything: others get an empty list.
    EmptyUnlessSignedIn,
}

impl Who {
    fn allows(self, role: Role) -> bool {
        use Role::*;
        match self {
            Self::Anyone => true,
            Self::SignedIn | Self::CourseReaders | Self::EmptyUnlessSignedIn => {
                !matches!(role, SignedOut | Deactivated)
            }
            Self::Managers => matches!(role, ManagerOfTarget | OtherManager),
            Self::ManagerOfTarget => role == ManagerOfTarget,
            Self::Owner => role == Employee,
            Self::Compliance | Self::Author => role == Compliance,
            Self::PeopleAdmins => matches!(role, Compliance | Platform),
            Self::Teachers => matches!(role, ManagerOfTarget | OtherManager | Compliance),
        }
    }

    /// Whether a refusal may look like "not found" (object-level checks hide what exists).
    fn is_object_level(self) -> bool {
        matches!(self, Self::ManagerOfTarget | Self::Owner | Self::Author)
    }
}

/// The objects the cases refer to, as `{name}` placeholders.
struct Objects(BTreeMap<&'static str, String>);

impl Objects {
    fn fill(&self, text: &str) -> String {
        let mut out = text.to_owned();
        for (name, value) in &self.0 {
            out = out.replace(&format!("{{{name}}}"), value);
        }
        out
    }
}

/// One server function call.
struct Call {
    path: &'static str,
    who: Who,
    form: &'static [(&'static str, &'static str)],
}

const fn call(path: &'static str, who: Who, form: &'static [(&'static str, &'static str)]) -> Call {
    Call { path, who, form }
}

/// Every server function. Calls that change the caller's session or delete things come last.
const SERVER_FUNCTIONS: &[Call] = &[
    call("/api/session/current", Who::Anyone, &[]),
    call("/api/session/presence", Who::Anyone, &[]),
    call("/api/session/single-sign-on", Who::Anyone, &[]),
    call("/api/mail/status", Who::Anyone, &[]),
    call("/api/verify", Who::Anyone, &[("code", "{certificate}")]),
    call(
        "/api/link/check",
        Who::Anyone,
        &[
            ("purpose", "Invitation"),
            ("token", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"),
        ],
    ),
    call(
        "/api/link/use",
        Who::Anyone,
        &[
            ("purpose", "PasswordReset"),
            ("token", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"),
            ("new_password", "x"),
            ("confirm_password", "x"),
        ],
    ),
    call(
        "/api/password-reset/request",
        Who::Anyone,
        &[("email", "nobody@example.com")],
    ),
    call("/api/training/mine", Who::SignedIn, &[]),
    call("/api/training/bulletins", Who::EmptyUnlessSignedIn, &[]),
    call("/api/training/course", Who::SignedIn, &[("slug", "tiny")]),
    call(
        "/api/training/lesson",
        Who::SignedIn,
        &[("slug", "tiny"), ("number", "1")],
    ),
    call(
        "/api/training/lesson/read",
        Who::SignedIn,
        &[("slug", "tiny"), ("number", "1")],
    ),
    call("/api/training/read", Who::SignedIn, &[("slug", "rules")]),
    call(
        "/api/training/acknowledge",
        Who::SignedIn,
        &[("slug", "rules")],
    ),
    call(
        "/api/training/quiz",
        Who::Owner,
        &[("attempt_id", "{attempt}")],
    ),
    call(
        "/api/training/result",
        Who::Owner,
        &[("sequence", "{sequence}")],
    ),
    call(
        "/api/training/quiz/submit",
        Who::Owner,
        &[("attempt_id", "{attempt}")],
    ),
    call(
        "/api/training/quiz/start",
        Who::SignedIn,
        &[("slug", "tiny")],
    ),
    call(
        "/api/account/password",
        Who::SignedIn,
        &[
            ("current_password", "wrong one"),
            ("new_password", "a new long passphrase"),
            ("confirm_password", "a new long passphrase"),
        ],
    ),
    call("/api/team", Who::Managers, &[]),
    call(
        "/api/team/member",
        Who::ManagerOfTarget,
        &[("public_id", "{erin}")],
    ),
    call(
        "/api/team/remind",
        Who::ManagerOfTarget,
        &[("public_id", "{erin}"), ("course", "tiny")],
    ),
    call("/api/dashboard", Who::Compliance, &[]),
    call("/api/admin/rules", Who::Compliance, &[("slug", "tiny")]),
    call(
        "/api/admin/rules/save",
        Who::Compliance,
        &[("slug", "tiny"), ("everyone", "yes")],
    ),
    call("/api/admin/exemptions", Who::Compliance, &[]),
    call(
        "/api/admin/exemptions/grant",
        Who::Compliance,
        &[
            ("email", "rita.report@example.com"),
            ("course", "tiny"),
            ("reason", "r"),
            ("starts_on", "2026-01-01"),
        ],
    ),
    call(
        "/api/admin/exemptions/revoke",
        Who::Compliance,
        &[("id", "999999")],
    ),
    call("/api/admin/records", Who::Compliance, &[]),
    call(
        "/api/admin/records/manual",
        Who::Compliance,
        &[
            ("email", "rita.report@example.com"),
            ("course", "tiny"),
            ("completed_on", "2026-01-02"),
            ("reason", "paper"),
        ],
    ),
    call(
        "/api/admin/records/void",
        Who::Compliance,
        &[("sequence", "{sequence}"), ("reason", "wrong person")],
    ),
    call("/api/admin/sessions", Who::Compliance, &[]),
    call(
        "/api/admin/sessions/record",
        Who::Compliance,
        &[
            ("course", "tiny"),
            ("held_on", "2026-01-05"),
            ("format", "presentation"),
            ("trainer", "T"),
            ("attendees", "rita.report@example.com"),
        ],
    ),
    call("/api/admin/evidence-key", Who::Compliance, &[]),
    call("/api/admin/witnesses", Who::Compliance, &[]),
    call("/api/admin/tokens", Who::PeopleAdmins, &[]),
    call("/api/admin/tokens/new", Who::PeopleAdmins, &[]),
    call(
        "/api/admin/tokens/create",
        Who::Compliance,
        &[
            ("name", "Export"),
            ("scope", "reports:read"),
            ("days", "30"),
        ],
    ),
    call(
        "/api/admin/tokens/revoke",
        Who::PeopleAdmins,
        &[("id", "999999"), ("confirm", "yes")],
    ),
    call(
        "/api/admin/witnesses/add",
        Who::Compliance,
        &[
            ("name", "Auditor"),
            ("target", "auditor@example.com"),
            ("cadence", "daily"),
        ],
    ),
    call(
        "/api/admin/witnesses/remove",
        Who::Compliance,
        &[("id", "999999"), ("confirm", "yes")],
    ),
    call("/api/admin/audit", Who::Compliance, &[]),
    call("/api/content/list", Who::Compliance, &[]),
    call("/api/content/organisation", Who::Compliance, &[]),
    call("/api/admin/reviews", Who::Compliance, &[]),
    call("/api/account/language", Who::SignedIn, &[]),
    call(
        "/api/account/language/save",
        Who::SignedIn,
        &[("language", "")],
    ),
    call("/api/content/facilitator-packs", Who::Teachers, &[]),
    call(
        "/api/content/facilitator",
        Who::Teachers,
        &[("slug", "tiny")],
    ),
    call(
        "/api/content/questions",
        Who::Compliance,
        &[("slug", "tiny"), ("version", "1")],
    ),
    call(
        "/api/admin/reviews/record",
        Who::Compliance,
        &[
            ("reviewed_on", "2026-01-15"),
            ("reviewers", "Carl Compliance"),
            ("summary", "Reviewed coverage and results."),
        ],
    ),
    call(
        "/api/content/organisation/save",
        Who::Compliance,
        &[("values[contacts-security_phone]", "extension 4444")],
    ),
    call("/api/content/course", Who::Compliance, &[("slug", "tiny")]),
    call(
        "/api/content/version",
        Who::Compliance,
        &[("slug", "tiny"), ("version", "1")],
    ),
    call("/api/content/edit", Who::Compliance, &[("slug", "rules")]),
    call(
        "/api/content/new",
        Who::Compliance,
        &[("course_id", "brand-new"), ("kind", "course")],
    ),
    call(
        "/api/content/draft",
        Who::Author,
        &[("draft_id", "{draft}")],
    ),
    call(
        "/api/content/draft/save",
        Who::Author,
        &[("draft_id", "{draft}"), ("intent", "save")],
    ),
    call(
        "/api/content/draft/add-lesson",
        Who::Author,
        &[("draft_id", "{draft}"), ("file_name", "09-more.md")],
    ),
    call(
        "/api/content/draft/remove-file",
        Who::Author,
        &[("draft_id", "{draft}"), ("path", "09-more.md")],
    ),
    call("/api/content/upload", Who::Compliance, &[]),
    call("/api/content/retire", Who::Compliance, &[("slug", "tiny")]),
    call("/api/content/restore", Who::Compliance, &[("slug", "tiny")]),
    call("/api/reminders/settings", Who::Compliance, &[]),
    call(
        "/api/reminders/save",
        Who::Compliance,
        &[("send_hour_utc", "8")],
    ),
    call("/api/mail/templates", Who::Compliance, &[]),
    call("/api/mail/queue", Who::Compliance, &[]),
    call("/api/people/list", Who::PeopleAdmins, &[]),
    call(
        "/api/people/form",
        Who::PeopleAdmins,
        &[("public_id", "{erin}")],
    ),
    call(
        "/api/people/save",
        Who::PeopleAdmins,
        &[
            ("public_id", "{rita}"),
            ("email", "rita.report@example.com"),
            ("name", "Rita Report"),
            ("hire_date", "2024-03-01"),
        ],
    ),
    call(
        "/api/people/invite",
        Who::PeopleAdmins,
        &[("public_id", "{rita}")],
    ),
    call("/api/people/import/upload", Who::PeopleAdmins, &[]),
    call(
        "/api/people/import/preview",
        Who::Author,
        &[("id", "{import}")],
    ),
    call(
        "/api/people/import/commit",
        Who::Author,
        &[("id", "{import}")],
    ),
    call(
        "/api/content/draft/discard",
        Who::Author,
        &[("draft_id", "{draft}")],
    ),
    call(
        "/api/people/deactivate",
        Who::PeopleAdmins,
        &[("public_id", "{rita}"), ("confirm", "yes")],
    ),
    call(
        "/api/session/login",
        Who::Anyone,
        &[
            ("email", "nobody@example.com"),
            ("password", "not it"),
            ("next", ""),
        ],
    ),
    call("/api/account/sign-out-everywhere", Who::SignedIn, &[]),
    call("/api/session/logout", Who::Anyone, &[]),
];

/// Every page (GET), with its parameters filled in.
const PAGES: &[(&str, Who, &str)] = &[
    ("/login", Who::Anyone, "/login"),
    ("/forgot-password", Who::Anyone, "/forgot-password"),
    (
        "/invite/{token}",
        Who::Anyone,
        "/invite/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
    ),
    (
        "/reset-password/{token}",
        Who::Anyone,
        "/reset-password/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
    ),
    ("/verify/{code}", Who::Anyone, "/verify/{certificate}"),
    ("/", Who::SignedIn, "/"),
    ("/account", Who::SignedIn, "/account"),
    ("/training", Who::SignedIn, "/training"),
    ("/training/{slug}", Who::SignedIn, "/training/tiny"),
    (
        "/training/{slug}/lesson/{number}",
        Who::SignedIn,
        "/training/tiny/lesson/1",
    ),
    (
        "/training/{slug}/quiz/{attempt}",
        Who::Owner,
        "/training/tiny/quiz/{open_attempt}",
    ),
    (
        "/training/{slug}/result/{sequence}",
        Who::Owner,
        "/training/tiny/result/{sequence}",
    ),
    ("/team", Who::Managers, "/team"),
    ("/team/{id}", Who::ManagerOfTarget, "/team/{erin}"),
    ("/compliance", Who::Compliance, "/compliance"),
    (
        "/compliance/exemptions",
        Who::Compliance,
        "/compliance/exemptions",
    ),
    (
        "/compliance/records",
        Who::Compliance,
        "/compliance/records",
    ),
    (
        "/compliance/sessions",
        Who::Compliance,
        "/compliance/sessions",
    ),
    (
        "/compliance/evidence",
        Who::Compliance,
        "/compliance/evidence",
    ),
    ("/compliance/audit", Who::Compliance, "/compliance/audit"),
    ("/compliance/mail", Who::Compliance, "/compliance/mail"),
    (
        "/compliance/mail/templates",
        Who::Compliance,
        "/compliance/mail/templates",
    ),
    (
        "/compliance/reminders",
        Who::Compliance,
        "/compliance/reminders",
    ),
    ("/content", Who::Compliance, "/content"),
    (
        "/compliance/reviews",
        Who::Compliance,
        "/compliance/reviews",
    ),
    (
        "/content/course/{slug}/v/{version}/questions",
        Who::Compliance,
        "/content/course/tiny/v/1/questions",
    ),
    (
        "/content/organisation",
        Who::Compliance,
        "/content/organisation",
    ),
    ("/facilitator", Who::Teachers, "/facilitator"),
    ("/facilitator/{slug}", Who::Teachers, "/facilitator/tiny"),
    (
        "/content/course/{slug}",
        Who::Compliance,
        "/content/course/tiny",
    ),
    (
        "/content/course/{slug}/v/{version}",
        Who::Compliance,
        "/content/course/tiny/v/1",
    ),
    (
        "/content/course/{slug}/retire",
        Who::Compliance,
        "/content/course/tiny/retire",
    ),
    ("/content/draft/{id}", Who::Author, "/content/draft/{draft}"),
    ("/admin/people", Who::PeopleAdmins, "/admin/people"),
    ("/admin/people/new", Who::PeopleAdmins, "/admin/people/new"),
    ("/admin/tokens", Who::PeopleAdmins, "/admin/tokens"),
    (
        "/admin/people/import",
        Who::PeopleAdmins,
        "/admin/people/import",
    ),
    (
        "/admin/people/import/{id}",
        Who::Author,
        "/admin/people/import/{import}",
    ),
    (
        "/admin/people/{id}",
        Who::PeopleAdmins,
        "/admin/people/{erin}",
    ),
];

/// The other HTTP routes: (route, who, method, path).
const ROUTES: &[(&str, Who, &str, &str)] = &[
    (
        "/course-assets/{hash}/{*path}",
        Who::CourseReaders,
        "GET",
        "/course-assets/{hash}/picture.png",
    ),
    (
        "/draft-assets/{id}/{*path}",
        Who::Author,
        "GET",
        "/draft-assets/{draft}/picture.png",
    ),
    (
        "/exports/{file}",
        Who::Compliance,
        "POST",
        "/exports/compliance-status.csv",
    ),
    (
        "/evidence/pack.zip",
        Who::Compliance,
        "POST",
        "/evidence/pack.zip",
    ),
    (
        "/content/course/{slug}/v/{version}/source.zip",
        Who::Compliance,
        "GET",
        "/content/course/tiny/v/1/source.zip",
    ),
];

const BULLETIN: &str = "id = \"alert\"\ntitle = \"Alert\"\nsummary = \"Beware.\"\nkind = \"bulletin\"\nlanguage = \"en\"\nestimated_minutes = 3\nrecurrence = \"never\"\ndue_within = \"7 days\"\n\n[audience]\neveryone = true\n\n[version]\nnotes = \"First.\"\nmaterial = false\n\n[acknowledgement]\nstatement = \"I have read it.\"\n";
const OTHER_MANAGER: &str = "otto.other@example.com";
const OTHER_REPORT: &str = "rita.report@example.com";
const DEACTIVATED: &str = "dee.departed@example.com";

/// An app with the fixtures every case refers to, and a client signed in as `role`.
async fn fixture(role: Role) -> (TestApp, reqwest::Client, Objects) {
    let app = spawn_app().await;
    let course_dir = with_courses(&app).await;
    // A picture in the "tiny" course, for the asset route.
    std::fs::write(
        course_dir.path().join("tiny/picture.png"),
        b"\x89PNG\r\n\x1a\nx",
    )
    .unwrap();
    let lesson = course_dir.path().join("tiny/01-one.md");
    std::fs::write(
        &lesson,
        "# One\n\nFirst lesson.\n\n![A picture](picture.png)\n",
    )
    .unwrap();
    // A threat bulletin, so that signed-in people have one outstanding.
    let bulletin = course_dir.path().join("alert");
    std::fs::create_dir_all(&bulletin).unwrap();
    std::fs::write(bulletin.join("course.toml"), BULLETIN).unwrap();
    std::fs::write(bulletin.join("bulletin.md"), "# Alert\n\nBeware.\n").unwrap();
    app::ssr::content::tree::import_tree(
        &app.db,
        course_dir.path(),
        &app::ssr::db::audit::Actor::system("test"),
        chrono::Utc::now(),
    )
    .await
    .unwrap();
    let now = chrono::Utc::now();
    let person = |email: &str, name: &str, manager: Option<&str>| NewPerson {
        email: email.to_owned(),
        name: name.to_owned(),
        hire_date: NaiveDate::from_ymd_opt(2024, 3, 1).unwrap(),
        manager_email: manager.map(str::to_owned),
        password: Some(PASSWORD.to_owned()),
        ..Default::default()
    };
    for new in [
        person(OTHER_MANAGER, "Otto Other", None),
        person(OTHER_REPORT, "Rita Report", Some(OTHER_MANAGER)),
        person(DEACTIVATED, "Dee Departed", None),
    ] {
        people_admin::add_person(&app.db, new, now).await.unwrap();
    }
    app::ssr::training::engine::recompute(
        &app.db,
        &app::ssr::training::engine::EngineLock::default(),
        now.date_naive(),
        now,
    )
    .await
    .unwrap();

    // Erin fails an attempt (a result) and opens another; Carl starts a draft and an import.
    let erin = new_client();
    app.login_with(&erin, EMPLOYEE).await;
    let location = |response: &reqwest::Response| {
        response.headers()["location"]
            .to_str()
            .unwrap()
            .rsplit('/')
            .next()
            .unwrap()
            .to_owned()
    };
    let attempt = location(
        &app.post_form_with(&erin, "/api/training/quiz/start", &[("slug", "tiny")])
            .await,
    );
    let sequence = location(
        &app.post_form_with(
            &erin,
            "/api/training/quiz/submit",
            &[("attempt_id", &attempt)],
        )
        .await,
    );
    let open_attempt = location(
        &app.post_form_with(&erin, "/api/training/quiz/start", &[("slug", "tiny")])
            .await,
    );
    let carl = new_client();
    app.login_with(&carl, COMPLIANCE).await;
    let draft = location(
        &app.post_form_with(&carl, "/api/content/edit", &[("slug", "tiny")])
            .await,
    );
    let import = crate::people_admin::import_id(
        &crate::people_admin::upload(
            &app,
            &carl,
            "email,name,hire_date\nnew.one@example.com,New One,2026-01-01\n",
        )
        .await,
    );
    let tiny = app::ssr::db::courses::find_by_slug(&app.db, "tiny")
        .await
        .unwrap()
        .unwrap();
    let hash = app.current_content_hash("tiny").await;
    // A certificate to verify: Rita completes the course on paper.
    let rita = app::ssr::db::people::find_by_email(&app.db, OTHER_REPORT)
        .await
        .unwrap()
        .unwrap();
    let record = app::ssr::db::ledger::append(
        &app.db,
        app::ssr::db::test_support::manual_completion(rita.id, &tiny, hash.clone(), "paper", now),
        now,
    )
    .await
    .unwrap();
    let certificate = app::ssr::training::certificates::issue(&app.db, record.sequence, now)
        .await
        .unwrap();

    let client = new_client();
    let email = match role {
        Role::SignedOut => None,
        Role::Employee => Some(EMPLOYEE),
        Role::ManagerOfTarget => Some(MANAGER),
        Role::OtherManager => Some(OTHER_MANAGER),
        Role::Compliance => Some(COMPLIANCE),
        Role::Platform => Some(PLATFORM),
        Role::Deactivated => Some(DEACTIVATED),
    };
    if let Some(email) = email {
        assert_eq!(
            app.login_with(&client, email).await.status(),
            200,
            "{role:?}"
        );
    }
    if role == Role::Deactivated {
        people_admin::deactivate(&app.db, &Acting::operator("test"), DEACTIVATED, now)
            .await
            .unwrap();
    }
    let objects = Objects(BTreeMap::from([
        ("erin", app.public_id(EMPLOYEE).await),
        ("rita", rita.public_id.clone()),
        ("attempt", attempt),
        ("open_attempt", open_attempt),
        ("sequence", sequence),
        ("draft", draft),
        ("import", import),
        ("hash", hash),
        ("certificate", certificate),
    ]));
    (app, client, objects)
}

/// Whether an answer means the request was refused for who asked.
fn refused(status: u16, body: &str, who: Who) -> bool {
    match who {
        // Open to all: only an explicit "forbidden" would be a refusal (a wrong password's 401
        // is an answer, not a refusal).
        Who::Anyone => status == 403,
        Who::EmptyUnlessSignedIn => status == 401 || status == 403 || body.trim() == "[]",
        _ => status == 401 || status == 403 || (who.is_object_level() && status == 404),
    }
}

async fn check_role(role: Role) -> Vec<String> {
    let (app, client, objects) = fixture(role).await;
    let mut wrong = Vec::new();
    let mut judge = |what: String, who: Who, status: u16, body: &str| {
        let expected = who.allows(role);
        if expected == refused(status, body, who) {
            wrong.push(format!(
                "{role:?} {what}: {} expected, got {status}",
                if expected { "allowed" } else { "refused" }
            ));
        }
    };
    for (_, who, url) in PAGES {
        let response = client
            .get(format!("{}{}", app.address, objects.fill(url)))
            .header(header::ACCEPT, "text/html")
            .send()
            .await
            .unwrap();
        // A protected page sends people who are not signed in to the sign-in page: a refusal.
        // Other redirects (the sign-in page sends signed-in people home) are answers.
        let status = match response.headers().get(header::LOCATION) {
            Some(to) if to.to_str().unwrap().starts_with("/login") => 401,
            Some(_) => 200,
            None => response.status().as_u16(),
        };
        judge(format!("GET {url}"), *who, status, "");
    }
    for (_, who, method, url) in ROUTES {
        let request = match *method {
            "GET" => client.get(format!("{}{}", app.address, objects.fill(url))),
            _ => client
                .post(format!("{}{}", app.address, objects.fill(url)))
                .header(header::ORIGIN, &app.address)
                .form(&[("from", "2026-01-01"), ("to", "2026-12-31")]),
        };
        let status = request.send().await.unwrap().status().as_u16();
        judge(format!("{method} {url}"), *who, status, "");
    }
    for case in SERVER_FUNCTIONS {
        let filled: Vec<(String, String)> = case
            .form
            .iter()
            .map(|(k, v)| ((*k).to_owned(), objects.fill(v)))
            .collect();
        let form: Vec<(&str, &str)> = filled
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        let response = if case.path.ends_with("/upload") {
            // Uploads are multipart: an empty one.
            client
                .post(format!("{}{}", app.address, case.path))
                .header(header::ORIGIN, &app.address)
                .header(header::ACCEPT, "application/json")
                .multipart(reqwest::multipart::Form::new().text("nothing", "here"))
                .send()
                .await
                .unwrap()
        } else {
            app.post_form_with(&client, case.path, &form).await
        };
        let status = response.status().as_u16();
        let body = response.text().await.unwrap();
        judge(format!("POST {}", case.path), case.who, status, &body);
    }
    wrong
}

#[tokio::test]
async fn every_endpoint_has_an_entry_in_the_matrix() {
    let known: BTreeSet<&str> = SERVER_FUNCTIONS.iter().map(|c| c.path).collect();
    let registered: BTreeSet<&str> = leptos::server_fn::axum::server_fn_paths()
        .map(|(path, _)| path)
        .collect();
    let missing: Vec<_> = registered.difference(&known).collect();
    assert!(
        missing.is_empty(),
        "server functions without an entry: {missing:?}"
    );
    let stale: Vec<_> = known.difference(&registered).collect();
    assert!(
        stale.is_empty(),
        "entries for no server function: {stale:?}"
    );

    let pages: BTreeSet<String> = leptos_axum::generate_route_list(app::app::App)
        .iter()
        .map(|route| route.path().to_owned())
        .collect();
    let known_pages: BTreeSet<String> = PAGES.iter().map(|(p, _, _)| (*p).to_owned()).collect();
    assert_eq!(pages, known_pages, "pages and their entries differ");

    let routes: BTreeSet<&str> = server::startup::HTTP_ROUTES.into_iter().collect();
    let known_routes: BTreeSet<&str> = ROUTES.iter().map(|(r, _, _, _)| *r).collect();
    assert_eq!(routes, known_routes, "HTTP routes and their entries differ");
}

macro_rules! matrix_row {
    ($name:ident, $role:expr) => {
        #[tokio::test]
        async fn $name() {
            let wrong = check_role($role).await;
            assert!(wrong.is_empty(), "{}", wrong.join("\n"));
        }
    };
}

matrix_row!(the_matrix_signed_out, Role::SignedOut);
matrix_row!(the_matrix_as_an_employee, Role::Employee);
matrix_row!(
    the_matrix_as_the_manager_of_the_target,
    Role::ManagerOfTarget
);
matrix_row!(the_matrix_as_a_manager_of_someone_else, Role::OtherManager);
matrix_row!(the_matrix_as_a_compliance_admin, Role::Compliance);
matrix_row!(the_matrix_as_a_platform_admin, Role::Platform);
matrix_row!(the_matrix_as_a_deactivated_person, Role::Deactivated);
