//! Administrator rights: each is granted and removed only by its holders, nobody changes their
//! own, an administrator is edited only by someone holding their rights, the last holder stays,
//! and forms and imports never drop a right they do not mention.

use app::ssr::people_admin::{self, Acting, NewPerson};
use sea_orm::ConnectionTrait;
use serde_json::{Value, json as j};

use crate::helpers::{COMPLIANCE, EMPLOYEE, PLATFORM, TestApp, new_client, spawn_app};
use crate::training::json;

/// The people form for `email` as an administrator would post it, plus `extra` fields.
async fn save(
    app: &TestApp,
    client: &reqwest::Client,
    email: &str,
    extra: &[(&str, &str)],
) -> (u16, Value) {
    let public_id = app.public_id(email).await;
    let mut form = vec![
        ("public_id", public_id.as_str()),
        ("email", email),
        ("name", "Same Name"),
        ("hire_date", "2024-01-15"),
        ("department", "Engineering"),
    ];
    form.extend_from_slice(extra);
    json(app, client, "/api/people/save", &form).await
}

async fn as_(app: &TestApp, email: &str) -> reqwest::Client {
    let client = new_client();
    assert_eq!(app.login_with(&client, email).await.status(), 200);
    client
}

async fn flags(app: &TestApp, email: &str) -> (bool, bool) {
    let person = app::ssr::db::people::find_by_email(&app.db, email)
        .await
        .unwrap()
        .unwrap();
    (person.is_compliance_admin, person.is_platform_admin)
}

#[tokio::test]
async fn a_platform_admin_cannot_give_anyone_compliance_rights_least_of_all_themselves() {
    let app = spawn_app().await;
    let pat = as_(&app, PLATFORM).await;
    let (status, _) = json(&app, &pat, "/api/admin/audit", &[]).await;
    assert_eq!(status, 403);

    let (status, body) = save(&app, &pat, PLATFORM, &[("compliance_admin", "yes")]).await;
    assert_eq!((status, body), (403, j!({ "Rights": "OwnRights" })));
    let (status, body) = save(&app, &pat, EMPLOYEE, &[("compliance_admin", "yes")]).await;
    assert_eq!((status, body), (403, j!({ "Rights": "ComplianceOnly" })));

    assert_eq!(flags(&app, PLATFORM).await, (false, true));
    assert_eq!(flags(&app, EMPLOYEE).await, (false, false));
    let (status, _) = json(&app, &pat, "/api/admin/audit", &[]).await;
    assert_eq!(status, 403, "still no access to the audit log");
}

#[tokio::test]
async fn a_compliance_admin_cannot_grant_platform_rights_nor_touch_a_platform_admin() {
    let app = spawn_app().await;
    let carl = as_(&app, COMPLIANCE).await;
    let (status, body) = save(&app, &carl, EMPLOYEE, &[("platform_admin", "yes")]).await;
    assert_eq!((status, body), (403, j!({ "Rights": "PlatformOnly" })));

    // Taking over a platform admin's account by changing its email is refused.
    let pat_id = app.public_id(PLATFORM).await;
    let (status, body) = json(
        &app,
        &carl,
        "/api/people/save",
        &[
            ("public_id", &pat_id),
            ("email", "carl.second.address@example.com"),
            ("name", "Pat Platform"),
            ("hire_date", "2024-01-15"),
        ],
    )
    .await;
    assert_eq!((status, body), (403, j!({ "Rights": "OutranksYou" })));
    let (status, body) = json(
        &app,
        &carl,
        "/api/people/deactivate",
        &[("public_id", &pat_id), ("confirm", "yes")],
    )
    .await;
    assert_eq!((status, body), (403, j!({ "Rights": "OutranksYou" })));
    assert!(
        app::ssr::db::people::find_by_email(&app.db, PLATFORM)
            .await
            .unwrap()
            .is_some_and(|p| p.active)
    );

    // The form shows Carl only what he may change.
    let (_, form) = json(&app, &carl, "/api/people/form", &[("public_id", &pat_id)]).await;
    assert_eq!(form["editable"], false, "{form}");
    let erin = app.public_id(EMPLOYEE).await;
    let (_, form) = json(&app, &carl, "/api/people/form", &[("public_id", &erin)]).await;
    assert_eq!(
        (&form["may_change_compliance"], &form["may_change_platform"]),
        (&j!(true), &j!(false)),
        "{form}"
    );
    let own = app.public_id(COMPLIANCE).await;
    let (_, form) = json(&app, &carl, "/api/people/form", &[("public_id", &own)]).await;
    assert_eq!(
        form["may_change_compliance"], false,
        "not their own: {form}"
    );
}

#[tokio::test]
async fn the_last_holder_of_each_right_keeps_it_and_stays_active() {
    let app = spawn_app().await;
    let operator = Acting::operator("test");
    let err = people_admin::set_roles(
        &app.db,
        &operator,
        COMPLIANCE,
        &[],
        Some(false),
        None,
        chrono::Utc::now(),
    )
    .await
    .unwrap_err();
    assert_eq!(err.status(), 409, "{err}");
    let err = people_admin::deactivate(&app.db, &operator, PLATFORM, chrono::Utc::now())
        .await
        .unwrap_err();
    assert!(
        err.to_string()
            .contains("last active platform administrator"),
        "{err}"
    );

    let carl = as_(&app, COMPLIANCE).await;
    let own = app.public_id(COMPLIANCE).await;
    let (status, body) = json(
        &app,
        &carl,
        "/api/people/deactivate",
        &[("public_id", &own), ("confirm", "yes")],
    )
    .await;
    assert_eq!((status, body), (403, j!({ "Rights": "DeactivateSelf" })));
}

#[tokio::test]
async fn a_form_or_import_that_does_not_mention_a_right_or_the_roles_keeps_them() {
    let app = spawn_app().await;
    let now = chrono::Utc::now();
    people_admin::add_person(
        &app.db,
        NewPerson {
            email: "cora.compliance@example.com".to_owned(),
            name: "Cora".to_owned(),
            hire_date: chrono::NaiveDate::from_ymd_opt(2024, 1, 1).unwrap(),
            roles: vec!["department-head".to_owned()],
            compliance_admin: true,
            ..Default::default()
        },
        now,
    )
    .await
    .unwrap();
    let carl = as_(&app, COMPLIANCE).await;
    // The form without the compliance box's marker: a form that did not show it.
    let (status, body) = save(
        &app,
        &carl,
        "cora.compliance@example.com",
        &[("roles[department-head]", "yes")],
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        flags(&app, "cora.compliance@example.com").await,
        (true, false)
    );

    // An import without the admin and roles columns.
    let csv = "email,name,hire_date\ncora.compliance@example.com,Cora Renamed,2024-01-01\n";
    let staged = crate::people_admin::upload(&app, &carl, csv).await;
    let id = crate::people_admin::import_id(&staged);
    let (status, body) = json(&app, &carl, "/api/people/import/commit", &[("id", &id)]).await;
    assert_eq!(status, 200, "{body}");
    let cora = app::ssr::db::people::find_by_email(&app.db, "cora.compliance@example.com")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(cora.name, "Cora Renamed");
    assert!(cora.is_compliance_admin, "the right was kept");
    let roles = app::ssr::db::people::role_slugs(&app.db, cora.id)
        .await
        .unwrap();
    assert!(roles.contains(&"department-head".to_owned()), "{roles:?}");

    // An import that grants a right the importer does not hold names the line and changes
    // nothing.
    let csv =
        "email,name,hire_date,platform_admin\ncora.compliance@example.com,Cora,2024-01-01,yes\n";
    let staged = crate::people_admin::upload(&app, &carl, csv).await;
    let id = crate::people_admin::import_id(&staged);
    let (_, preview) = json(&app, &carl, "/api/people/import/preview", &[("id", &id)]).await;
    assert_eq!(
        preview["plan"]["errors"][0]["message"],
        "Only a platform administrator can grant or remove platform administration.",
        "{preview}"
    );
    let (status, _) = json(&app, &carl, "/api/people/import/commit", &[("id", &id)]).await;
    assert_eq!(status, 422);
    assert_eq!(
        flags(&app, "cora.compliance@example.com").await,
        (true, false)
    );
}

#[tokio::test]
async fn the_same_import_committed_twice_at_once_applies_once() {
    let app = spawn_app().await;
    let carl = as_(&app, COMPLIANCE).await;
    let csv = "email,name,hire_date\nonce.only@example.com,Once,2024-01-01\n";
    let staged = crate::people_admin::upload(&app, &carl, csv).await;
    let id = crate::people_admin::import_id(&staged);
    let form = [("id", id.as_str())];
    let (a, b) = tokio::join!(
        json(&app, &carl, "/api/people/import/commit", &form),
        json(&app, &carl, "/api/people/import/commit", &form),
    );
    let mut statuses = [a.0, b.0];
    statuses.sort_unstable();
    assert_eq!(statuses, [200, 409], "{a:?} {b:?}");
    let imports = app
        .db
        .query_all_raw(sea_orm::Statement::from_string(
            app.db.get_database_backend(),
            "SELECT id FROM audit_events WHERE action = 'people.import'",
        ))
        .await
        .unwrap();
    assert_eq!(imports.len(), 1);
    assert_eq!(
        app::ssr::db::people::find_by_email(&app.db, "once.only@example.com")
            .await
            .unwrap()
            .map(|p| p.name),
        Some("Once".to_owned())
    );
}
