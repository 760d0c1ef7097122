//! The daily reminder run on a fixture organisation, on chosen dates, with the default schedule:
//! who is mailed, what each message says, what is recorded, and that a day runs once. On SQLite
//! and (when `TEST_POSTGRES_URL` is set) PostgreSQL.

// Test helpers panic on setup failures: that is how a test reports them.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeMap;

use app::domain::mail::MailMode;
use app::domain::reminders::Trigger;
use app::ssr::content::tree::import_tree;
use app::ssr::db::audit::Actor;
use app::ssr::db::entities::{outbox_message, reminder_log};
use app::ssr::db::{people, test_support};
use app::ssr::mail::MailSettings;
use app::ssr::mail::scheduled::{RunOutcome, run_for_day};
use app::ssr::people_admin::{self, NewPerson};
use app::ssr::training::engine::{EngineLock, recompute};
use chrono::{Duration, NaiveDate, Utc};
use sea_orm::{DatabaseConnection, EntityTrait};

const COURSE: &str = "id = \"tiny\"\ntitle = \"Tiny course\"\nsummary = \"A tiny course.\"\nkind = \"course\"\nlanguage = \"en\"\nestimated_minutes = 5\npass_mark = 50\nrecurrence = \"12 months\"\ndue_within = \"30 days\"\n\n[audience]\neveryone = true\n\n[version]\nnotes = \"First version.\"\nmaterial = false\n";

const BOSS: &str = "bea.boss@example.com";
const MANAGER: &str = "max.manager@example.com";
const WORKER: &str = "wendy.worker@example.com";
const LEAVER: &str = "lee.leaver@example.com";

fn mail() -> MailSettings {
    MailSettings::new(
        MailMode::Smtp,
        "https://vigil.example".to_owned(),
        "vigil.example".to_owned(),
        7,
    )
}

/// Bea heads Max, who manages Wendy and Lee (who has left). Everyone owes "Tiny course",
/// assigned today and due in 30 days.
async fn organisation(db: &DatabaseConnection) -> NaiveDate {
    let add = |email: &str, manager: Option<&str>| NewPerson {
        email: email.to_owned(),
        name: email.split('@').next().unwrap().replace('.', " "),
        hire_date: NaiveDate::from_ymd_opt(2024, 1, 1).unwrap(),
        manager_email: manager.map(str::to_owned),
        ..Default::default()
    };
    let now = Utc::now();
    for person in [
        add(BOSS, None),
        add(MANAGER, Some(BOSS)),
        add(WORKER, Some(MANAGER)),
        add(LEAVER, Some(MANAGER)),
    ] {
        people_admin::add_person(db, person, now).await.unwrap();
    }
    people_admin::deactivate(db, &people_admin::Acting::operator("test"), LEAVER, now)
        .await
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let course = dir.path().join("tiny");
    std::fs::create_dir_all(&course).unwrap();
    std::fs::write(course.join("course.toml"), COURSE).unwrap();
    std::fs::write(course.join("01-only.md"), "# Only\n\nText.\n").unwrap();
    std::fs::write(
        course.join("quiz.md"),
        "## Is this tiny?\n\n- [x] Yes\n- [ ] No\n\n> It is.\n",
    )
    .unwrap();
    import_tree(db, dir.path(), &Actor::system("test"), now)
        .await
        .unwrap();
    recompute(db, &EngineLock::default(), now.date_naive(), now)
        .await
        .unwrap();
    now.date_naive()
}

/// Each entry of a message: why, and about whom (their email).
type Entries = Vec<(Trigger, String)>;
/// Messages by recipient email: their entries and plain-text part.
type Queued = BTreeMap<String, (Entries, String)>;

/// What was queued for `day`.
async fn queued_for(db: &DatabaseConnection, day: NaiveDate) -> Queued {
    let messages = outbox_message::Entity::find().all(db).await.unwrap();
    let log = reminder_log::Entity::find().all(db).await.unwrap();
    let mut out = BTreeMap::new();
    for message in messages.iter().filter(|m| {
        m.dedupe_key
            .as_deref()
            .is_some_and(|k| k.ends_with(&day.to_string()))
    }) {
        let mut triggers: Vec<(Trigger, String)> = Vec::new();
        for entry in log.iter().filter(|e| e.outbox_id == message.id) {
            let about = people::find_by_id(db, entry.subject_person_id)
                .await
                .unwrap()
                .unwrap()
                .email;
            triggers.push((Trigger::parse(&entry.trigger).unwrap(), about));
        }
        triggers.sort();
        out.insert(
            message.recipient.clone(),
            (triggers, message.text_body.clone()),
        );
    }
    out
}

fn expect(pairs: &[(&str, &[(Trigger, &str)])]) -> BTreeMap<String, Entries> {
    pairs
        .iter()
        .map(|(to, triggers)| {
            let mut list: Vec<(Trigger, String)> = triggers
                .iter()
                .map(|(t, who)| (*t, (*who).to_owned()))
                .collect();
            list.sort();
            ((*to).to_owned(), list)
        })
        .collect()
}

fn triggers_only(queued: &Queued) -> BTreeMap<String, Entries> {
    queued
        .iter()
        .map(|(k, (t, _))| (k.clone(), t.clone()))
        .collect()
}

#[tokio::test]
async fn the_default_schedule_reminds_and_escalates_on_the_right_days() {
    for (backend, db) in test_support::backends().await.unwrap() {
        let today = organisation(&db).await;
        let mail = mail();
        let run = |day: NaiveDate| {
            let db = db.clone();
            let mail = &mail;
            async move {
                run_for_day(&db, mail, day, "test", Utc::now())
                    .await
                    .unwrap()
            }
        };
        let day = |offset: i64| today + Duration::days(offset);
        use Trigger::*;

        assert!(
            matches!(run(day(0)).await, RunOutcome::Ran { messages: 3, .. }),
            "{backend}"
        );
        let assigned = queued_for(&db, day(0)).await;
        assert_eq!(
            triggers_only(&assigned),
            expect(&[
                (BOSS, &[(Assigned, BOSS)]),
                (MANAGER, &[(Assigned, MANAGER)]),
                (WORKER, &[(Assigned, WORKER)]),
            ]),
            "{backend}: the leaver is never mailed"
        );
        let (_, text) = &assigned[WORKER];
        assert!(text.contains("Tiny course: newly assigned, due "), "{text}");
        assert!(text.contains("https://vigil.example/training"), "{text}");

        // A second run of the same day does nothing.
        assert!(
            matches!(run(day(0)).await, RunOutcome::AlreadyRan { .. }),
            "{backend}"
        );
        // Nothing is due on the days between.
        assert!(
            matches!(run(day(5)).await, RunOutcome::Ran { messages: 0, .. }),
            "{backend}"
        );

        run(day(23)).await;
        assert_eq!(
            triggers_only(&queued_for(&db, day(23)).await),
            expect(&[
                (BOSS, &[(BeforeDue, BOSS)]),
                (MANAGER, &[(BeforeDue, MANAGER)]),
                (WORKER, &[(BeforeDue, WORKER)]),
            ]),
            "{backend}: a week before the due date"
        );
        run(day(30)).await;
        assert_eq!(
            triggers_only(&queued_for(&db, day(30)).await),
            expect(&[
                (BOSS, &[(DueToday, BOSS)]),
                (MANAGER, &[(DueToday, MANAGER)]),
                (WORKER, &[(DueToday, WORKER)]),
            ]),
            "{backend}: on the due date"
        );
        run(day(37)).await;
        let week_late = queued_for(&db, day(37)).await;
        assert_eq!(
            triggers_only(&week_late),
            expect(&[
                (BOSS, &[(Overdue, BOSS), (Escalation, MANAGER)]),
                (MANAGER, &[(Overdue, MANAGER), (Escalation, WORKER)]),
                (WORKER, &[(Overdue, WORKER)]),
            ]),
            "{backend}: a week overdue, and each manager is told once, in the same message"
        );
        let (_, text) = &week_late[MANAGER];
        assert!(text.contains("## Overdue training in your team"), "{text}");
        assert!(
            text.contains("wendy worker, Tiny course: overdue since"),
            "{text}"
        );
        run(day(44)).await;
        assert_eq!(
            triggers_only(&queued_for(&db, day(44)).await),
            expect(&[
                (BOSS, &[(Overdue, BOSS)]),
                (MANAGER, &[(Overdue, MANAGER)]),
                (WORKER, &[(Overdue, WORKER)]),
            ]),
            "{backend}: escalations are not repeated"
        );
        run(day(51)).await;
        assert_eq!(
            triggers_only(&queued_for(&db, day(51)).await),
            expect(&[
                (BOSS, &[(Overdue, BOSS), (SecondEscalation, WORKER)]),
                (MANAGER, &[(Overdue, MANAGER)]),
                (WORKER, &[(Overdue, WORKER)]),
            ]),
            "{backend}: 21 days overdue, the manager's manager is told"
        );
    }
}

#[tokio::test]
async fn someone_a_manager_already_reminded_today_is_told_the_next_day_instead() {
    for (backend, db) in test_support::backends().await.unwrap() {
        let today = organisation(&db).await;
        let worker = people::find_by_email(&db, WORKER).await.unwrap().unwrap();
        app::ssr::db::outbox::queue(
            &db,
            app::ssr::db::outbox::NewMessage {
                kind: app::domain::mail::MessageKind::Reminder,
                person_id: Some(worker.id),
                recipient: WORKER.to_owned(),
                course_id: None,
                sent_by: None,
                subject: "Reminder".to_owned(),
                text_body: "Reminder".to_owned(),
                html_body: String::new(),
                dedupe_key: None,
            },
            "vigil.example",
            Utc::now(),
        )
        .await
        .unwrap();
        let mail = mail();
        run_for_day(&db, &mail, today, "test", Utc::now())
            .await
            .unwrap();
        assert!(
            !queued_for(&db, today).await.contains_key(WORKER),
            "{backend}: one message a day"
        );
        let tomorrow = today + Duration::days(1);
        run_for_day(&db, &mail, tomorrow, "test", Utc::now())
            .await
            .unwrap();
        assert_eq!(
            triggers_only(&queued_for(&db, tomorrow).await),
            expect(&[(WORKER, &[(Trigger::Assigned, WORKER)])]),
            "{backend}"
        );
    }
}

#[tokio::test]
async fn a_switched_off_schedule_or_mail_queues_nothing_and_leaves_the_day_to_run_later() {
    for (backend, db) in test_support::backends().await.unwrap() {
        let today = organisation(&db).await;
        let off = MailSettings::new(MailMode::Off, String::new(), String::new(), 7);
        assert_eq!(
            run_for_day(&db, &off, today, "test", Utc::now())
                .await
                .unwrap(),
            RunOutcome::MailOff,
            "{backend}"
        );
        app::ssr::db::settings::put(
            &db,
            app::ssr::db::settings::REMINDER_SCHEDULE,
            &app::domain::reminders::ReminderSchedule {
                enabled: false,
                ..Default::default()
            },
            None,
            Utc::now(),
        )
        .await
        .unwrap();
        assert_eq!(
            run_for_day(&db, &mail(), today, "test", Utc::now())
                .await
                .unwrap(),
            RunOutcome::Disabled,
            "{backend}"
        );
        assert!(
            outbox_message::Entity::find()
                .all(&db)
                .await
                .unwrap()
                .is_empty()
        );
    }
}
