//! Publishing content: importing a tree, versions and history, retirement, the audit trail.
//! Each test runs on in-memory SQLite and, when `TEST_POSTGRES_URL` is set, on PostgreSQL.

// Test helpers panic on setup failures: that is how a test reports them.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};

use app::domain::content::course::RenderedCourse;
use app::ssr::content::drafts::version_files;
use app::ssr::content::tree::{ImportResult, check_tree, import_tree};
use app::ssr::db::audit::Actor;
use app::ssr::db::entities::audit_event;
use app::ssr::db::{courses, test_support};
use chrono::Utc;
use sea_orm::{EntityTrait, PaginatorTrait};

fn curriculum() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../content")
}

fn actor() -> Actor {
    Actor::system("test import")
}

const COURSE_TOML: &str = "id = \"tiny\"\ntitle = \"Tiny\"\nsummary = \"A tiny course.\"\nkind = \"course\"\nlanguage = \"en\"\nestimated_minutes = 5\npass_mark = 50\nrecurrence = \"12 months\"\ndue_within = \"30 days\"\n\n[audience]\neveryone = true\n\n[version]\nnotes = \"First version.\"\nmaterial = false\n";
const QUIZ: &str = "## Is this tiny?\n\n- [x] Yes\n- [ ] No\n\n> It is.\n";

/// A content tree with one small course, in a temporary folder.
fn tiny_tree() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let course = dir.path().join("tiny");
    std::fs::create_dir_all(course.join("images")).unwrap();
    std::fs::write(course.join("course.toml"), COURSE_TOML).unwrap();
    std::fs::write(
        course.join("01-only.md"),
        "# Only lesson\n\n![diagram](images/d.png)\n",
    )
    .unwrap();
    std::fs::write(course.join("images/d.png"), b"\x89PNG\r\n\x1a\nfake").unwrap();
    std::fs::write(course.join("quiz.md"), QUIZ).unwrap();
    dir
}

#[test]
fn the_starter_curriculum_is_valid_and_complete() {
    let reports = check_tree(&curriculum()).unwrap();
    let problems: Vec<String> = reports.iter().flat_map(|r| r.problem_lines()).collect();
    assert!(problems.is_empty(), "{problems:#?}");
    let warnings: Vec<String> = reports.iter().flat_map(|r| r.warning_lines()).collect();
    assert!(warnings.is_empty(), "{warnings:#?}");
    assert!(reports.len() >= 16, "at least 16 courses");
    // Values unlike the demo ones, so that any organisation detail left in the text shows.
    let values: app::domain::content::variables::Values =
        app::domain::content::variables::VARIABLES
            .iter()
            .map(|v| (v.key.to_owned(), format!("value-of-{}", v.key)))
            .collect();
    for report in &reports {
        let course = report.result.as_ref().unwrap();
        let rendered = app::domain::content::course::render_course(course, "/a", &values);
        let html: String = rendered
            .lessons
            .iter()
            .chain(rendered.document.iter())
            .map(|d| d.html.as_str())
            .collect();
        for hard_coded in ["{{", "4444", "company.example"] {
            assert!(
                !html.contains(hard_coded),
                "{}: rendered text still holds {hard_coded:?}",
                course.meta.id
            );
        }
        for (language, translation) in &rendered.translations {
            let text: String = translation
                .lessons
                .iter()
                .chain(translation.document.iter())
                .map(|d| d.html.as_str())
                .collect();
            assert!(
                !text.contains("{{") && !text.contains("4444"),
                "{} ({language}): organisation details left in the text",
                course.meta.id
            );
        }
        // The employee baseline can be taken in German as well.
        if course.meta.audience.everyone
            && course.meta.recurrence != app::domain::period::Recurrence::Never
        {
            assert!(
                course.translations.contains_key("de"),
                "{} has no German translation",
                course.meta.id
            );
        }
        if course.meta.kind == app::domain::course_kind::CourseKind::Course {
            assert!(
                rendered.asked_per_attempt() >= 4,
                "{}: asks {}",
                course.meta.id,
                rendered.asked_per_attempt()
            );
            for pool in &rendered.pools {
                let asked = pool.ask.unwrap_or(pool.questions.len());
                assert!(
                    pool.questions.len() >= 2 * asked,
                    "{}: a pool asks {asked} of {}",
                    course.meta.id,
                    pool.questions.len()
                );
            }
        }
    }
    // The managers' course carries a facilitator pack for the sessions it is taught in.
    let managers = reports
        .iter()
        .filter_map(|r| r.result.as_ref().ok())
        .find(|c| c.meta.id == "handling-sensitive-data")
        .unwrap();
    assert!(managers.facilitator.slides.len() >= 10, "a slide deck");
    assert!(managers.facilitator.guide.is_some() && managers.facilitator.checklist.is_some());
    let ids: Vec<&str> = reports
        .iter()
        .map(|r| r.result.as_ref().unwrap().meta.id.as_str())
        .collect();
    for required in [
        "security-basics",
        "phishing-and-social-engineering",
        "passwords-and-mfa",
        "handling-sensitive-data",
        "acceptable-use",
        "reporting-incidents",
        "secure-development",
        "hardening-servers-and-network-equipment",
        "tracking-and-fixing-vulnerabilities",
        "preparing-for-compliance-inspections",
        "information-security-policy",
        "information-security-officer",
        "department-heads",
        "penetration-testing-and-code-audit",
        "incident-investigation",
        "handling-data-safely",
    ] {
        assert!(ids.contains(&required), "{required} is in the curriculum");
    }
}

/// The employee baseline (every course for everyone that recurs) is spread over the year: for a
/// new hire on any day of a year, no calendar month has more than 30 minutes of it due, and
/// the same holds at roll-out, when everyone starts at once.
#[test]
fn the_employee_baseline_asks_at_most_30_minutes_in_any_month() {
    use app::domain::assignment::{
        CourseFacts, EngineInput, PersonFacts, VersionFacts, obligations,
    };
    use app::domain::period::Recurrence;
    use chrono::{Datelike, Days, NaiveDate};
    use std::collections::BTreeMap;

    let published = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
    let baseline: Vec<(CourseFacts, u32)> = check_tree(&curriculum())
        .unwrap()
        .into_iter()
        .filter_map(|report| report.result.ok())
        .filter(|c| c.meta.audience.everyone && c.meta.recurrence != Recurrence::Never)
        .enumerate()
        .map(|(i, c)| {
            let id = i64::try_from(i).unwrap();
            let facts = CourseFacts {
                id,
                retired: false,
                audience: c.meta.audience.clone(),
                recurrence: c.meta.recurrence,
                due_within: c.meta.due_within,
                start_offset: c.meta.start_offset,
                versions: vec![VersionFacts {
                    id,
                    number: 1,
                    published_on: published,
                    material: false,
                }],
            };
            (facts, c.meta.estimated_minutes)
        })
        .collect();
    let minutes: BTreeMap<i64, u32> = baseline.iter().map(|(c, m)| (c.id, *m)).collect();
    let yearly: u32 = minutes.values().sum();
    assert!(
        yearly >= 120,
        "the baseline is the whole of it: {yearly} minutes"
    );

    let mut worst = (0, published);
    for offset in 0..366 {
        let hired = published + Days::new(offset);
        let input = EngineInput {
            people: vec![PersonFacts {
                id: 1,
                active: true,
                hire_date: hired,
                roles: vec!["employee".into()],
                department: None,
                is_manager: false,
            }],
            courses: baseline.iter().map(|(c, _)| c.clone()).collect(),
            ..Default::default()
        };
        let mut by_month: BTreeMap<(i32, u32), u32> = BTreeMap::new();
        for obligation in obligations(&input, hired) {
            let due = obligation.due_on;
            *by_month.entry((due.year(), due.month())).or_default() +=
                minutes[&obligation.course_id];
        }
        let most = by_month.values().copied().max().unwrap_or(0);
        if most > worst.0 {
            worst = (most, hired);
        }
    }
    assert!(
        worst.0 <= 30,
        "hired on {}, {} minutes fall due in one month (of {yearly} a year)",
        worst.1,
        worst.0
    );
}

#[tokio::test]
async fn importing_twice_publishes_nothing_the_second_time() {
    for (backend, db) in test_support::backends().await.unwrap() {
        let first = import_tree(&db, &curriculum(), &actor(), Utc::now())
            .await
            .unwrap();
        assert!(
            first
                .iter()
                .all(|(_, r)| matches!(r, ImportResult::Published { version: 1, .. })),
            "{backend}"
        );
        let second = import_tree(&db, &curriculum(), &actor(), Utc::now())
            .await
            .unwrap();
        assert!(
            second
                .iter()
                .all(|(_, r)| matches!(r, ImportResult::Unchanged { version: 1, .. })),
            "{backend}"
        );
        let versions = app::ssr::db::entities::course_version::Entity::find()
            .count(&db)
            .await
            .unwrap();
        assert_eq!(
            versions as usize,
            first.len(),
            "{backend}: one version per course"
        );
    }
}

#[tokio::test]
async fn a_changed_course_gets_a_new_version_and_the_old_one_is_kept_exactly() {
    for (backend, db) in test_support::backends().await.unwrap() {
        let tree = tiny_tree();
        import_tree(&db, tree.path(), &actor(), Utc::now())
            .await
            .unwrap();
        let course = courses::find_by_slug(&db, "tiny").await.unwrap().unwrap();
        let v1 = courses::latest_version(&db, course.id)
            .await
            .unwrap()
            .unwrap();
        let original = version_files(&db, v1.id).await.unwrap();

        let toml = COURSE_TOML.replace(
            "notes = \"First version.\"\nmaterial = false",
            "notes = \"Corrected the answer.\"\nmaterial = true",
        );
        std::fs::write(tree.path().join("tiny/course.toml"), toml).unwrap();
        std::fs::write(
            tree.path().join("tiny/01-only.md"),
            "# Only lesson\n\nNow with more text.\n\n![diagram](images/d.png)\n",
        )
        .unwrap();
        let result = import_tree(&db, tree.path(), &actor(), Utc::now())
            .await
            .unwrap();
        assert!(
            matches!(result[0].1, ImportResult::Published { version: 2, .. }),
            "{backend}"
        );

        let history = courses::versions(&db, course.id).await.unwrap();
        assert_eq!(
            history
                .iter()
                .map(|v| (v.version, v.material))
                .collect::<Vec<_>>(),
            [(2, true), (1, false)],
            "{backend}"
        );
        assert_eq!(history[0].notes, "Corrected the answer.", "{backend}");
        assert_ne!(
            history[0].content_hash, history[1].content_hash,
            "{backend}"
        );
        assert_eq!(
            version_files(&db, v1.id).await.unwrap(),
            original,
            "{backend}: version 1 is untouched"
        );

        let v2 = courses::version_by_id(&db, history[0].id)
            .await
            .unwrap()
            .unwrap();
        let rendered: RenderedCourse = serde_json::from_str(&v2.rendered_json).unwrap();
        let image = format!("/course-assets/{}/images/d.png", v2.content_hash);
        assert!(
            rendered.lessons[0].html.contains(&image),
            "{backend}: {}",
            rendered.lessons[0].html
        );
        let (asset, course_id) = courses::asset_by_hash(&db, &v2.content_hash, "images/d.png")
            .await
            .unwrap()
            .unwrap();
        assert_eq!(asset.media_type, "image/png", "{backend}");
        assert_eq!(
            Some(course_id),
            courses::find_by_slug(&db, "tiny")
                .await
                .unwrap()
                .map(|c| c.id),
            "{backend}"
        );
    }
}

#[tokio::test]
async fn a_retired_course_is_not_republished_until_restored() {
    for (backend, db) in test_support::backends().await.unwrap() {
        let tree = tiny_tree();
        import_tree(&db, tree.path(), &actor(), Utc::now())
            .await
            .unwrap();
        let course = courses::find_by_slug(&db, "tiny").await.unwrap().unwrap();
        let admin = app::ssr::people_admin::add_person(
            &db,
            app::ssr::people_admin::NewPerson {
                email: "admin@example.com".into(),
                name: "Admin".into(),
                ..Default::default()
            },
            Utc::now(),
        )
        .await
        .unwrap();
        courses::set_retired(
            &db,
            course.id,
            Some((Utc::now(), admin.id, Some("Replaced".into()))),
        )
        .await
        .unwrap();
        std::fs::write(
            tree.path().join("tiny/quiz.md"),
            QUIZ.replace("It is.", "It really is."),
        )
        .unwrap();
        let result = import_tree(&db, tree.path(), &actor(), Utc::now())
            .await
            .unwrap();
        assert!(
            matches!(result[0].1, ImportResult::Retired { .. }),
            "{backend}"
        );
        courses::set_retired(&db, course.id, None).await.unwrap();
        let result = import_tree(&db, tree.path(), &actor(), Utc::now())
            .await
            .unwrap();
        assert!(
            matches!(result[0].1, ImportResult::Published { version: 2, .. }),
            "{backend}"
        );
    }
}

#[tokio::test]
async fn every_publish_is_in_the_audit_log_with_who_and_when() {
    for (backend, db) in test_support::backends().await.unwrap() {
        let tree = tiny_tree();
        let before = Utc::now();
        import_tree(
            &db,
            tree.path(),
            &Actor::system("vigil content import"),
            Utc::now(),
        )
        .await
        .unwrap();
        import_tree(
            &db,
            tree.path(),
            &Actor::system("vigil content import"),
            Utc::now(),
        )
        .await
        .unwrap();
        let events = audit_event::Entity::find().all(&db).await.unwrap();
        assert_eq!(
            events.len(),
            1,
            "{backend}: an unchanged import logs nothing"
        );
        assert_eq!(events[0].action, "content.publish");
        assert_eq!(events[0].subject, "course:tiny");
        assert_eq!(events[0].actor_label, "vigil content import");
        assert!(
            events[0].at >= before - chrono::Duration::seconds(1),
            "{backend}"
        );
        assert!(
            events[0]
                .after_json
                .as_deref()
                .unwrap()
                .contains("\"version\":1"),
            "{backend}"
        );
    }
}

#[tokio::test]
async fn publishing_the_same_content_twice_at_once_makes_one_version() {
    for (backend, db) in test_support::backends().await.unwrap() {
        let tree = tiny_tree();
        let (first, second) = (actor(), actor());
        let (a, b) = tokio::join!(
            import_tree(&db, tree.path(), &first, Utc::now()),
            import_tree(&db, tree.path(), &second, Utc::now())
        );
        a.unwrap();
        b.unwrap();
        let versions = app::ssr::db::entities::course_version::Entity::find()
            .count(&db)
            .await
            .unwrap();
        assert_eq!(versions, 1, "{backend}");
    }
}
