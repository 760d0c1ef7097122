//! Eighteen months of believable history for the demo organisation, so every page has something
//! true to show: courses published twenty months ago, a material second edition of the phishing
//! course two months ago, a recent threat bulletin, completions mostly on time, some late, some
//! failed attempts and retakes, people now overdue, an exemption, and new hires part-way through.
//!
//! Everything goes through the same code as real use (publishing, the ledger, certificates), so
//! the ledger verifies and the engine computes statuses from it. Deterministic: the same
//! organisation always gets the same history, relative to today.

use std::collections::BTreeSet;
use std::path::Path;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use sea_orm::DatabaseConnection;

use super::content::drafts::set_version;
use super::content::publish::{Via, publish};
use super::content::tree::check_tree;
use super::db::audit::Actor;
use super::db::ledger::{self, NewRecord};
use super::db::training::{self, NewExemption};
use super::db::{courses, people};
use super::demo::demo_email;
use super::internal;
use super::training::certificates::new_code;
use super::training::engine::load_input;
use super::training::learner::parse_version;
use crate::domain::assignment::matches;
use crate::domain::content::course::{METADATA_FILE, RenderedCourse};
use crate::domain::content::{CourseSource, parse_course};
use crate::domain::course_kind::CourseKind;
use crate::domain::ledger::RecordKind;
use crate::domain::period::Recurrence;
use crate::domain::quiz_attempt::{draw, score};
use crate::error::AppError;

/// The course whose git version is a material second edition; the demo publishes a first edition
/// without this lesson.
const SECOND_EDITION_COURSE: &str = "phishing-and-social-engineering";
const SECOND_EDITION_LESSON: &str = "03-beyond-email.md";
/// Published recently, so some people have still to acknowledge it.
const RECENT_BULLETIN: &str = "bulletin-payment-redirection-fraud";

/// How many history records are appended per transaction.
const HISTORY_BATCH: usize = 20_000;

/// One event to write to the ledger.
struct Event {
    at: DateTime<Utc>,
    person_id: i64,
    course_id: i64,
    version_id: i64,
    content_hash: String,
    kind: RecordKind,
    score: Option<i32>,
    passed: bool,
    answers: Option<String>,
    minutes: i64,
}

/// What the history run did.
pub struct HistorySummary {
    pub records: usize,
}

/// Publishes `content_dir` as it was over the last twenty months and writes the history.
/// Expects the demo people to exist and no course to be published yet.
pub async fn load(
    db: &DatabaseConnection,
    content_dir: &Path,
    now: DateTime<Utc>,
) -> Result<HistorySummary, AppError> {
    let start = now - Duration::days(600);
    publish_history(db, content_dir, start, now).await?;
    let events = simulate(db, now).await?;
    let records = events.len();
    // Appended in batches, each batch one transaction with its certificates.
    for batch in events.chunks(HISTORY_BATCH) {
        let appended: Vec<(NewRecord, DateTime<Utc>)> = batch
            .iter()
            .map(|event| {
                (
                    NewRecord {
                        kind: event.kind,
                        person_id: event.person_id,
                        course_id: event.course_id,
                        version_id: event.version_id,
                        content_hash: event.content_hash.clone(),
                        score: event.score,
                        passed: event.passed,
                        answers: event.answers.clone(),
                        started_at: Some(event.at - Duration::minutes(event.minutes)),
                        finished_at: event.at,
                        actor_id: None,
                        reason: None,
                        voids_sequence: None,
                        session_id: None,
                        language: None,
                    },
                    event.at,
                )
            })
            .collect();
        let txn = ledger::begin(db).await?;
        let sequences = ledger::append_batch(&txn, &appended).await?;
        let certificates = sequences
            .into_iter()
            .zip(batch)
            .filter(|(_, event)| event.passed)
            .map(|(sequence, event)| (sequence, new_code(), event.at))
            .collect();
        training::issue_certificates(&txn, certificates).await?;
        txn.commit().await?;
    }
    add_exemption_and_progress(db, now).await?;
    Ok(HistorySummary { records })
}

async fn publish_history(
    db: &DatabaseConnection,
    content_dir: &Path,
    start: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let actor = Actor::system("demo history");
    let reports = check_tree(content_dir)
        .map_err(|err| internal("reading the content folder for the demo", err))?;
    for report in reports {
        let Ok(course) = report.result else { continue };
        let id = course.meta.id.clone();
        if id == SECOND_EDITION_COURSE {
            let first = edition(
                &course.source,
                Some(SECOND_EDITION_LESSON),
                "First edition.",
                false,
            )?;
            let second = edition(
                &course.source,
                None,
                "Second edition: a new lesson on phishing beyond email (calls, texts, QR codes).",
                true,
            )?;
            publish(db, &first, &actor, Via::Git, start).await?;
            publish(db, &second, &actor, Via::Git, now - Duration::days(60)).await?;
        } else if id == RECENT_BULLETIN {
            publish(db, &course, &actor, Via::Git, now - Duration::days(25)).await?;
        } else {
            publish(db, &course, &actor, Via::Git, start).await?;
        }
    }
    Ok(())
}

/// The phishing course as the demo publishes it: the first edition leaves out the newest lesson;
/// the second, the course as it is in git, is marked material because that lesson was added.
fn edition(
    source: &CourseSource,
    without: Option<&str>,
    notes: &str,
    material: bool,
) -> Result<crate::domain::content::ParsedCourse, AppError> {
    let toml = source
        .text(METADATA_FILE)
        .and_then(Result::ok)
        .unwrap_or_default();
    let toml = set_version(toml, notes, material).unwrap_or_default();
    let files = source
        .files()
        // The lesson goes from the course and from its translations.
        .filter(|(path, _)| {
            without.is_none_or(|lesson| *path != lesson && !path.ends_with(&format!("/{lesson}")))
                && *path != METADATA_FILE
        })
        .map(|(path, bytes)| (path.to_owned(), bytes.to_vec()))
        .chain([(METADATA_FILE.to_owned(), toml.into_bytes())]);
    let source = CourseSource::new(files)
        .map_err(|p| internal("building a demo edition", format!("{p:?}")))?;
    parse_course(source).map_err(|p| internal("building a demo edition", format!("{p:?}")))
}

/// A course version as the simulation needs it.
struct VersionInfo {
    id: i64,
    hash: String,
    published: NaiveDate,
    rendered: RenderedCourse,
    pass_mark: u32,
    kind: CourseKind,
    settings: crate::domain::content::metadata::QuizSettings,
}

async fn simulate(db: &DatabaseConnection, now: DateTime<Utc>) -> Result<Vec<Event>, AppError> {
    let input = load_input(db, None).await?;
    let today = now.date_naive();
    let mut events = Vec::new();
    let mut rng = StdRng::seed_from_u64(0x005e_ed0f_d340);

    for course in &input.courses {
        let mut versions = Vec::new();
        for summary in courses::versions(db, course.id).await?.into_iter().rev() {
            let Some(stored) = courses::version_by_id(db, summary.id).await? else {
                continue;
            };
            let (meta, rendered) = parse_version(&stored)?;
            versions.push(VersionInfo {
                id: stored.id,
                hash: stored.content_hash.clone(),
                published: summary.published_at.date_naive(),
                rendered,
                pass_mark: meta.pass_mark.unwrap_or(100),
                kind: meta.kind,
                settings: meta.quiz.clone(),
            });
        }
        let Some(first) = versions.first() else {
            continue;
        };
        let first_published = first.published;
        for person in input.people.iter().filter(|p| matches(&course.audience, p)) {
            let hired_recently = (today - person.hire_date).num_days() < 30;
            if hired_recently || person.hire_date > today {
                continue; // new hires are part-way through or have not started
            }
            let leaver_cutoff = if person.active {
                today
            } else {
                today - Duration::days(45)
            };
            let first_event = events.len();
            let mut assigned = first_published.max(person.hire_date);
            // Walk the per-person clock: one cycle per recurrence period.
            while assigned < leaver_cutoff {
                let version = versions
                    .iter()
                    .rev()
                    .find(|v| v.published <= assigned)
                    .unwrap_or(first);
                let roll: f64 = rng.gen_range(0.0..1.0);
                let delay = if roll < 0.8 {
                    rng.gen_range(1..=27)
                } else if roll < 0.9 {
                    rng.gen_range(35..=80)
                } else {
                    9999 // never done this cycle
                };
                let done_on = assigned + Duration::days(delay);
                if done_on >= leaver_cutoff {
                    break;
                }
                let done_at = at_work_hours(done_on, &mut rng);
                complete(
                    &mut events,
                    &mut rng,
                    person.id,
                    course.id,
                    version,
                    done_at,
                );
                match course.recurrence {
                    Recurrence::Never => break,
                    Recurrence::Every(period) => assigned = period.after(done_on),
                }
            }
            // The second edition: most people who took the first have taken it too.
            if let (Some(latest), true) = (versions.last(), versions.len() > 1) {
                // This person's events for this course are the ones added since `first_event`.
                let took_old = events[first_event..]
                    .iter()
                    .any(|e| e.version_id != latest.id);
                if took_old && person.active && rng.gen_bool(0.6) {
                    let done_on = latest.published + Duration::days(rng.gen_range(2..=50));
                    if done_on < today {
                        let done_at = at_work_hours(done_on, &mut rng);
                        complete(&mut events, &mut rng, person.id, course.id, latest, done_at);
                    }
                }
            }
        }
    }
    events.sort_by_key(|e| (e.at, e.person_id, e.course_id));
    Ok(events)
}

/// Adds the events of one completion: for courses, sometimes a failed attempt first.
fn complete(
    events: &mut Vec<Event>,
    rng: &mut StdRng,
    person_id: i64,
    course_id: i64,
    version: &VersionInfo,
    done_at: DateTime<Utc>,
) {
    let base = |at, kind, score, passed, answers, minutes| Event {
        at,
        person_id,
        course_id,
        version_id: version.id,
        content_hash: version.hash.clone(),
        kind,
        score,
        passed,
        answers,
        minutes,
    };
    if version.kind != CourseKind::Course {
        events.push(base(
            done_at,
            RecordKind::Acknowledgement,
            None,
            true,
            None,
            rng.gen_range(3..=12),
        ));
        return;
    }
    if rng.gen_bool(0.18) {
        let failed_at = done_at - Duration::days(rng.gen_range(1..=3)) - Duration::hours(2);
        let (score, answers) = attempt(rng, version, false);
        events.push(base(
            failed_at,
            RecordKind::Attempt,
            Some(score),
            false,
            Some(answers),
            rng.gen_range(8..=20),
        ));
    }
    let (score, answers) = attempt(rng, version, true);
    events.push(base(
        done_at,
        RecordKind::Attempt,
        Some(score),
        true,
        Some(answers),
        rng.gen_range(10..=30),
    ));
}

/// Draws a quiz and answers it well enough to pass, or badly enough to fail.
fn attempt(rng: &mut StdRng, version: &VersionInfo, pass: bool) -> (i32, String) {
    let drawn = draw(&version.rendered, &version.settings, rng);
    let asked = drawn.len();
    let right_wanted = if pass {
        let minimum = (version.pass_mark as usize * asked).div_ceil(100);
        rng.gen_range(minimum..=asked)
    } else {
        rng.gen_range(asked / 3..(version.pass_mark as usize * asked / 100).max(1))
    };
    let chosen: Vec<BTreeSet<usize>> = drawn
        .iter()
        .enumerate()
        .map(|(index, d)| {
            let options = &version.rendered.pools[d.pool].questions[d.question].options;
            let correct: BTreeSet<usize> = options
                .iter()
                .enumerate()
                .filter(|(_, o)| o.correct)
                .map(|(i, _)| i)
                .collect();
            if index < right_wanted {
                correct
            } else {
                // A plausible wrong answer: the first option that is not correct.
                options
                    .iter()
                    .enumerate()
                    .find(|(_, o)| !o.correct)
                    .map(|(i, _)| BTreeSet::from([i]))
                    .unwrap_or_default()
            }
        })
        .collect();
    let result = score(&version.rendered, &drawn, &chosen, version.pass_mark);
    let answers = serde_json::json!({ "questions": drawn, "chosen": chosen }).to_string();
    (i32::try_from(result.percent).unwrap_or(0), answers)
}

fn at_work_hours(day: NaiveDate, rng: &mut StdRng) -> DateTime<Utc> {
    let minutes = rng.gen_range(8 * 60..17 * 60);
    day.and_hms_opt(0, 0, 0).map_or_else(Utc::now, |midnight| {
        midnight.and_utc() + Duration::minutes(minutes)
    })
}

/// An exemption with a reason and expiry, and a new hire part-way through a course.
async fn add_exemption_and_progress(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let today = now.date_naive();
    if let (Some(person), Some(course)) = (
        people::find_by_email(db, &demo_email("mei.lin")).await?,
        courses::find_by_slug(db, "secure-development").await?,
    ) {
        let admin = people::find_by_email(db, &demo_email("dana.okafor"))
            .await?
            .map(|p| p.id);
        training::add_exemption(
            db,
            NewExemption {
                person_id: person.id,
                course_id: course.id,
                reason: "Holds the OffSec Web Expert (OSWE) certification, renewed this year; covers this course's material in more depth.".to_owned(),
                starts_on: today - Duration::days(40),
                expires_on: Some(today + Duration::days(120)),
                created_by: admin,
            },
            now - Duration::days(40),
        )
        .await?;
    }
    if let (Some(person), Some(course)) = (
        people::find_by_email(db, &demo_email("julia.svensson")).await?,
        courses::find_by_slug(db, "security-basics").await?,
    ) && let Some(version) = course.current_version_id
    {
        training::save_progress(
            db,
            person.id,
            course.id,
            version,
            "[1]".to_owned(),
            now - Duration::days(2),
        )
        .await?;
    }
    Ok(())
}
