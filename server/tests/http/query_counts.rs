//! The manager's team page, the member page and the compliance dashboard ask the database a fixed
//! number of questions, whatever the size of the organisation, and the database's answers agree
//! with the same figures computed in Rust over the whole organisation (the reporting tree, every
//! breakdown, every filter, the trend). Generated organisations of two sizes, SQLite (and
//! PostgreSQL when `TEST_POSTGRES_URL` is set).

use std::collections::HashSet;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use app::api::dashboard::DashboardQuery;
use app::domain::mail::MailMode;
use app::domain::permissions::{PermissionFacts, Permissions};
use app::domain::reporting::{
    Filter, by_course, by_department, by_manager, by_role, filter, new_hire_timeliness, overall,
};
use app::domain::team::{Scope, reports_of};
use app::ssr::auth::CurrentUser;
use app::ssr::db::{self, org_tree, people};
use app::ssr::mail::MailSettings;
use app::ssr::reporting::{self, dashboard, team, trend};
use sea_orm::DatabaseConnection;

fn content_dir() -> std::path::PathBuf {
    std::path::PathBuf::from(format!("{}/../content", env!("CARGO_MANIFEST_DIR")))
}

/// A connection to `url` that counts every statement it runs.
async fn counted(url: &str) -> (DatabaseConnection, Arc<AtomicUsize>) {
    let mut connection = db::connect(url).await.unwrap();
    let queries = Arc::new(AtomicUsize::new(0));
    let counter = queries.clone();
    connection.set_metric_callback(move |_| {
        counter.fetch_add(1, Ordering::SeqCst);
    });
    (connection, queries)
}

async fn manager(db: &DatabaseConnection, email: &str) -> CurrentUser {
    let person = people::find_by_email(db, email).await.unwrap().unwrap();
    CurrentUser {
        department: None,
        permissions: Permissions::of(PermissionFacts {
            active: true,
            has_active_reports: true,
            is_compliance_admin: false,
            is_platform_admin: false,
        }),
        person,
    }
}

/// The dashboard for `query` agrees with the figures computed in Rust from everything loaded.
async fn dashboard_agrees(db: &DatabaseConnection, query: DashboardQuery) {
    let today = chrono::Utc::now().date_naive();
    let view = dashboard::dashboard(db, query.clone(), today)
        .await
        .unwrap();
    let data = reporting::load(db).await.unwrap();
    let mut wanted: Filter = dashboard::to_filter(&data, &query);
    if !query.manager.is_empty() {
        wanted.manager_id = Some(
            people::find_by_email_or_public_id(db, &query.manager)
                .await
                .unwrap()
                .map_or(-1, |p| p.id),
        );
    }
    let links = people::active_links(db).await.unwrap();
    let below: HashSet<i64> = wanted
        .manager_id
        .map(|m| reports_of(m, &links, Scope::AllBelow).into_iter().collect())
        .unwrap_or_default();
    let rows = filter(&data.rows, &data.people, &wanted, &below);
    let context = format!("{query:?}");
    assert_eq!(view.overall, overall(&rows), "overall, {context}");
    assert_eq!(
        view.by_course,
        by_course(&rows, &data.courses),
        "by course, {context}"
    );
    assert_eq!(
        view.by_department,
        by_department(&rows, &data.people),
        "by department, {context}"
    );
    assert_eq!(
        view.by_role,
        by_role(&rows, &data.people, wanted.role.as_deref()),
        "by role, {context}"
    );
    let all_managers = by_manager(&rows, &data.people);
    assert_eq!(
        view.by_manager_total,
        all_managers.len(),
        "managers, {context}"
    );
    assert_eq!(
        view.by_manager,
        all_managers[..all_managers.len().min(dashboard::MANAGERS_SHOWN)],
        "by manager, the most overdue, {context}"
    );
    let since = reporting::year_before(today);
    assert_eq!(
        view.new_hires,
        new_hire_timeliness(&rows, &data.people, &data.courses, since, today),
        "new hires, {context}"
    );
    let unfiltered = [
        &query.course,
        &query.department,
        &query.role,
        &query.manager,
        &query.status,
    ]
    .iter()
    .all(|value| value.is_empty());
    if unfiltered {
        // The generated organisation has new hires both on time and late: the comparison above
        // is not between two zeros.
        assert!(
            view.new_hires.on_time > 0 && view.new_hires.on_time < view.new_hires.measured,
            "new hires, {context}: {:?}",
            view.new_hires
        );
    }
    assert_eq!(
        view.overdue.len(),
        view.overall.overdue.min(50),
        "{context}"
    );
}

/// Queries for: the team page (all below, first and a later page), the home page's team card,
/// one member's page, and the compliance dashboard (everything; narrowed to a manager's tree).
/// Also checks the answers against the same figures computed in Rust.
async fn measure(url: &str, people_count: usize) -> [usize; 6] {
    let db = db::connect(url).await.unwrap();
    server::startup::load_demo(&db, &content_dir(), people_count)
        .await
        .unwrap();
    let now = chrono::Utc::now();
    app::ssr::training::engine::recompute(
        &db,
        &app::ssr::training::engine::EngineLock::default(),
        now.date_naive(),
        now,
    )
    .await
    .unwrap();
    let head_email = app::ssr::demo_scale::head_email(0);
    let head = manager(&db, &head_email).await;
    let links = people::active_links(&db).await.unwrap();
    let below = reports_of(head.person.id, &links, Scope::AllBelow);
    assert!(
        below.len() + 50 > people_count,
        "the generated head has almost everyone below"
    );

    let (counted_db, queries) = counted(url).await;
    let mail = MailSettings::new(
        MailMode::Off,
        "http://127.0.0.1".into(),
        "vigil.test".into(),
        7,
    );
    let mut counts = [0; 6];

    queries.store(0, Ordering::SeqCst);
    let first = team::team(&counted_db, &head, Scope::AllBelow, 1)
        .await
        .unwrap();
    counts[0] = queries.load(Ordering::SeqCst);
    assert_eq!(first.total as usize, below.len());
    assert_eq!(first.people.len(), 50, "a page holds 50 people");
    assert_eq!(first.pages as usize, below.len().div_ceil(50));
    let assigned: usize = first.courses.iter().map(|c| c.tally.assigned).sum();
    assert_eq!(assigned, first.overall.assigned);
    assert!(
        first.overall.assigned > below.len(),
        "everyone owes something"
    );
    let overdue: Vec<usize> = first.people.iter().map(|p| p.tally.overdue).collect();
    assert!(
        overdue.windows(2).all(|w| w[0] >= w[1]),
        "most overdue first"
    );

    queries.store(0, Ordering::SeqCst);
    let second = team::team(&counted_db, &head, Scope::AllBelow, 2)
        .await
        .unwrap();
    counts[1] = queries.load(Ordering::SeqCst);
    let first_ids: HashSet<_> = first.people.iter().map(|p| p.public_id.clone()).collect();
    assert!(
        second
            .people
            .iter()
            .all(|p| !first_ids.contains(&p.public_id)),
        "pages do not overlap"
    );

    queries.store(0, Ordering::SeqCst);
    let card = team::summary(&counted_db, &head).await.unwrap();
    counts[2] = queries.load(Ordering::SeqCst);
    assert_eq!(card, first.overall);

    let member = &first.people[0];
    queries.store(0, Ordering::SeqCst);
    let view = team::member(&counted_db, &mail, &head, &member.public_id)
        .await
        .unwrap();
    counts[3] = queries.load(Ordering::SeqCst);
    assert_eq!(view.tally, member.tally);

    // The database's walk agrees with Rust's, for a sample of people in and outside the tree.
    let below_set: HashSet<i64> = below.iter().copied().collect();
    let everyone = people::all(&db).await.unwrap();
    let middle = manager(&db, &everyone[everyone.len() / 2].email).await;
    let theirs: HashSet<i64> = reports_of(middle.person.id, &links, Scope::AllBelow)
        .into_iter()
        .collect();
    for person in everyone.iter().step_by(7) {
        assert_eq!(
            org_tree::is_below(&db, head.person.id, person.id)
                .await
                .unwrap(),
            below_set.contains(&person.id),
            "{} below the head",
            person.email
        );
        assert_eq!(
            org_tree::is_below(&db, middle.person.id, person.id)
                .await
                .unwrap(),
            theirs.contains(&person.id),
            "{} below {}",
            person.email,
            middle.person.email
        );
    }
    // The dashboard: query counts, and every figure against Rust's, under each filter.
    let today = chrono::Utc::now().date_naive();
    assert!(
        trend::fill_month_ends(&db, today, chrono::Utc::now())
            .await
            .unwrap()
            > 0
    );
    queries.store(0, Ordering::SeqCst);
    let view = dashboard::dashboard(&counted_db, DashboardQuery::default(), today)
        .await
        .unwrap();
    counts[4] = queries.load(Ordering::SeqCst);
    assert_eq!(view.trend.len(), 12);
    assert!(
        view.trend.iter().filter(|(_, p)| p.is_some()).count() >= 11,
        "eighteen months of history give a figure for every month end: {:?}",
        view.trend
    );
    let narrowed = DashboardQuery {
        manager: middle.person.public_id.clone(),
        ..Default::default()
    };
    queries.store(0, Ordering::SeqCst);
    dashboard::dashboard(&counted_db, narrowed.clone(), today)
        .await
        .unwrap();
    counts[5] = queries.load(Ordering::SeqCst);
    let course = view.courses[0].value.clone();
    let department = view.departments[0].value.clone();
    let role = view
        .roles
        .iter()
        .find(|r| r.value != "Employee")
        .unwrap()
        .value
        .clone();
    for query in [
        DashboardQuery::default(),
        narrowed,
        DashboardQuery {
            manager: head.person.public_id.clone(),
            ..Default::default()
        },
        DashboardQuery {
            course: course.clone(),
            ..Default::default()
        },
        DashboardQuery {
            department: department.clone(),
            status: "overdue".into(),
            ..Default::default()
        },
        DashboardQuery {
            role,
            course,
            ..Default::default()
        },
        DashboardQuery {
            manager: "nobody".into(),
            ..Default::default()
        },
    ] {
        dashboard_agrees(&db, query).await;
    }

    let direct = team::team(&db, &head, Scope::Direct, 1).await.unwrap();
    assert_eq!(
        direct.total as usize,
        reports_of(head.person.id, &links, Scope::Direct).len()
    );
    // The tallies the dashboard sums follow every change: people moved to another department
    // and manager, job roles taken away and given, a leaver, and statuses moved on a year.
    reorganise(&db, head.person.id).await;
    for query in [
        DashboardQuery::default(),
        DashboardQuery {
            role: "Employee".into(),
            ..Default::default()
        },
        DashboardQuery {
            department: department.clone(),
            ..Default::default()
        },
        DashboardQuery {
            manager: head.person.public_id.clone(),
            status: "overdue".into(),
            ..Default::default()
        },
        DashboardQuery {
            manager: head.person.email.to_uppercase(),
            ..Default::default()
        },
    ] {
        dashboard_agrees(&db, query).await;
    }
    status_export_agrees(&db).await;

    counts
}

/// The status export, read page by page as the server streams it, holds every obligation once, each
/// as the whole organisation loaded in Rust has it, under its person and course.
async fn status_export_agrees(db: &DatabaseConnection) {
    use app::ssr::reporting::exports::{Cursor, Dataset, Exporter, STATUS_PAGE};
    let data = reporting::load(db).await.unwrap();
    let mut exporter =
        Exporter::prepare(db, Dataset::Status, &DashboardQuery::default(), None, None)
            .await
            .unwrap();
    let (mut cursor, mut pages, mut exported) = (Cursor::Start, 0, Vec::new());
    while cursor != Cursor::Done {
        let (rows, next) = exporter.next_page(db, cursor).await.unwrap();
        pages += 1;
        exported.extend(rows);
        cursor = next;
    }
    // Full pages, then the last (which may be empty): several pages for the larger organisations.
    assert_eq!(pages, exported.len() / STATUS_PAGE as usize + 1);
    let expected: Vec<Vec<String>> = data
        .rows
        .iter()
        .map(|row| {
            let person = &data.person_details[&row.person_id];
            let course = &data.course_details[&row.course_id];
            let mut roles = data.people[&row.person_id].roles.clone();
            roles.sort();
            vec![
                person.email.clone(),
                roles.join("; "),
                course.slug.clone(),
                row.status.as_str().to_owned(),
                row.assigned_on.to_string(),
                row.due_on.to_string(),
                row.completed_on.map(|d| d.to_string()).unwrap_or_default(),
            ]
        })
        .collect();
    let got: Vec<Vec<String>> = exported
        .iter()
        .map(|cells| [1, 5, 7, 9, 10, 11, 12].map(|i| cells[i].clone()).to_vec())
        .collect();
    let (mut expected_sorted, mut got_sorted) = (expected.clone(), got.clone());
    expected_sorted.sort();
    got_sorted.sort();
    assert_eq!(
        got_sorted.len(),
        expected_sorted.len(),
        "every obligation once"
    );
    assert_eq!(got_sorted, expected_sorted);
}

/// Changes the organisation behind the engine's back (as an import or SCIM would), then brings
/// obligations up to a year from now.
async fn reorganise(db: &DatabaseConnection, head_id: i64) {
    use sea_orm::ConnectionTrait;
    for sql in [
        format!(
            "UPDATE people SET department_id = (SELECT MAX(id) FROM departments), \
             manager_id = {head_id} \
             WHERE id IN (SELECT id FROM people WHERE id <> {head_id} ORDER BY id DESC LIMIT 25)"
        ),
        "UPDATE people SET department_id = NULL \
         WHERE id IN (SELECT id FROM people ORDER BY id DESC LIMIT 5)"
            .to_owned(),
        "DELETE FROM person_roles WHERE person_id IN \
         (SELECT id FROM people ORDER BY id DESC LIMIT 40)"
            .to_owned(),
        "INSERT INTO person_roles (person_id, role_id) \
         SELECT p.id, (SELECT MAX(id) FROM job_roles) FROM people p \
         WHERE p.id IN (SELECT id FROM people ORDER BY id DESC LIMIT 15)"
            .to_owned(),
        "UPDATE people SET active = FALSE \
         WHERE id = (SELECT MAX(id) FROM people WHERE manager_id IS NOT NULL)"
            .to_owned(),
    ] {
        db.execute_unprepared(&sql).await.unwrap();
    }
    let later = chrono::Utc::now() + chrono::Duration::days(400);
    app::ssr::training::engine::recompute(
        db,
        &app::ssr::training::engine::EngineLock::default(),
        later.date_naive(),
        later,
    )
    .await
    .unwrap();
}

async fn constant_in_people(small_url: &str, large_url: &str, small: usize, large: usize) {
    let few = measure(small_url, small).await;
    let many = measure(large_url, large).await;
    assert_eq!(
        few, many,
        "queries for [team page 1, team page 2, team card, member page, dashboard, dashboard for a manager's tree] with {small} and {large} people"
    );
    assert!(few.iter().all(|n| *n <= 50), "a handful each: {few:?}");
    eprintln!("queries per request at {small} and {large} people: {few:?}");
}

#[tokio::test]
async fn reports_ask_a_fixed_number_of_queries_and_agree_with_rust_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let url = |name: &str| format!("sqlite://{}/{name}.db", dir.path().display());
    for name in ["small", "large"] {
        let db = db::connect(&url(name)).await.unwrap();
        db::migrate(&db).await.unwrap();
        db::job_roles::seed(&db).await.unwrap();
    }
    constant_in_people(&url("small"), &url("large"), 200, 1_200).await;
}

#[tokio::test]
async fn reports_ask_a_fixed_number_of_queries_and_agree_with_rust_on_postgres() {
    let Some((small, _)) = db::test_support::postgres_fresh().await.unwrap() else {
        return;
    };
    let (large, _) = db::test_support::postgres_fresh().await.unwrap().unwrap();
    constant_in_people(&small, &large, 120, 600).await;
}

/// Asks for the signed-in person three times at once, as a page's server functions do while it
/// renders, inside one request's context with `cookie`; returns the answers and the statements
/// run.
async fn three_checks_in_one_request(
    app: &crate::helpers::TestApp,
    cookie: &str,
) -> (Vec<Result<String, String>>, usize) {
    use leptos::prelude::provide_context;
    use leptos::reactive::computed::ScopedFuture;
    use leptos::reactive::owner::Owner;

    let (counted_db, queries) = counted(&app.database_url).await;
    let mut state = app.state.clone();
    state.db = counted_db;
    let (parts, ()) = http::Request::builder()
        .header(http::header::COOKIE, cookie)
        .body(())
        .unwrap()
        .into_parts();
    let owner = Owner::new();
    owner.with(|| {
        provide_context(state);
        provide_context(parts);
        provide_context(app::ssr::auth::RequestUser::default());
    });
    let check = || async {
        app::ssr::auth::current_user()
            .await
            .map(|user| user.person.email)
            .map_err(|err| err.to_string())
    };
    let answers = owner
        .with(|| ScopedFuture::new(async { futures::join!(check(), check(), check()) }))
        .await;
    (
        vec![answers.0, answers.1, answers.2],
        queries.load(Ordering::SeqCst),
    )
}

/// A page's server functions run side by side and each asks who is signed in: the session is
/// checked against the database once per request, not once per server function, and a failed
/// check is failed for each of them.
#[tokio::test]
async fn one_request_checks_its_session_once_however_many_server_functions_ask() {
    use crate::helpers::{EMPLOYEE, PASSWORD, session_cookie, spawn_app};

    let app = spawn_app().await;
    let cookie = session_cookie(&app.login(EMPLOYEE, PASSWORD).await);
    let (answers, queries) = three_checks_in_one_request(&app, &cookie).await;
    assert_eq!(answers, vec![Ok(EMPLOYEE.to_owned()); 3]);
    assert_eq!(
        queries, 1,
        "one session check for the three server functions"
    );

    let (answers, _) = three_checks_in_one_request(&app, "vigil_session=forged").await;
    assert!(answers.iter().all(Result::is_err), "{answers:?}");
}
