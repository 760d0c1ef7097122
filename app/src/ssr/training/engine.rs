//! Running the assignment engine: load its facts, compute, and store the compliance state that
//! pages and reports read.
//!
//! A full run goes through the organisation a slice of people at a time, each slice in its own
//! transaction under the engine's lock taken exclusively (in process, and on PostgreSQL a
//! transaction-scoped advisory lock shared by every instance), so its memory and the time any
//! writer waits are bounded by the slice. A run for one person takes the lock shared plus that
//! person's own lock, and reads only that person's facts, so its cost does not grow with the
//! organisation. Runs write with upserts, so two runs at once end in the same
//! state as one run.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::{ConnectionTrait, DatabaseConnection, EntityTrait};

use crate::domain::assignment::{
    CompletionFacts, CourseFacts, EngineInput, ExemptionFacts, Obligation, PersonFacts, Status,
    VersionFacts, obligations,
};
use crate::domain::audience::Audience;
use crate::domain::content::metadata::CourseMetadata;
use crate::domain::ledger::RecordKind;
use crate::error::AppError;
use crate::ssr::db::entities::{compliance_state, person};

use crate::ssr::db::{IdRange, PersonSet, courses, job_runs, ledger, lock, people, training};
use crate::ssr::internal;

/// Serialises full engine runs within one process (runs for one person share it), keeps the
/// catalogue's facts between runs, and queues learners' writes (quiz submissions and
/// acknowledgements) so that those arriving together commit, and run the engine for their
/// people, together.
#[derive(Default)]
pub struct EngineLock {
    runs: tokio::sync::RwLock<()>,
    catalogue: CatalogueCache,
    learner_writes: super::group_commit::WriteQueue,
}

/// The engine's in-process lock held shared, for a run for one person inside the caller's own
/// transaction ([`recompute_people_in`]). Take it before that transaction begins: a full run
/// takes the lock first and the database's second, so the other order could wait forever.
pub struct OnePersonRun<'a> {
    _shared: tokio::sync::RwLockReadGuard<'a, ()>,
    catalogue: &'a CatalogueCache,
}

impl EngineLock {
    /// Learners' writes waiting to commit together.
    pub fn learner_writes(&self) -> &super::group_commit::WriteQueue {
        &self.learner_writes
    }

    /// Holds the lock for a run for one person.
    pub async fn one_person(&self) -> OnePersonRun<'_> {
        OnePersonRun {
            _shared: self.runs.read().await,
            catalogue: &self.catalogue,
        }
    }
}

/// The catalogue's facts as last read, with the catalogue generation they were read at
/// (`catalogue_generation`, moved on by triggers with every change to courses, versions and
/// rules). A run reads the generation and re-reads the catalogue only when it has moved, so a
/// learner's write does not read every course, version and rule; another instance's change
/// moves the same generation.
///
/// Never read it inside a transaction that changes courses, versions or rules: if that
/// transaction rolled back, facts it never committed would stay cached under a generation that
/// the next committed change takes again, and runs would use them.
#[derive(Default)]
struct CatalogueCache(std::sync::Mutex<Option<(i64, Arc<Vec<CourseFacts>>)>>);

impl CatalogueCache {
    /// The catalogue as of `db`'s view of it. The generation is read before the catalogue, so
    /// facts kept under a generation are never older than it.
    async fn current(&self, db: &impl ConnectionTrait) -> Result<Arc<Vec<CourseFacts>>, AppError> {
        let generation = courses::catalogue_generation(db).await?;
        if let Some((kept_at, kept)) = self.lock().as_ref()
            && *kept_at == generation
        {
            return Ok(Arc::clone(kept));
        }
        let fresh = Arc::new(load_catalogue(db).await?);
        *self.lock() = Some((generation, Arc::clone(&fresh)));
        Ok(fresh)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Option<(i64, Arc<Vec<CourseFacts>>)>> {
        self.0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// The database lock every run takes: exclusively for a full run, shared for one person.
const ENGINE_LOCK: &str = "assignment-engine";

/// Counts of obligations by status after a run.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct EngineSummary {
    pub obligations: usize,
    pub by_status: Vec<(Status, usize)>,
}

/// Recomputes every obligation as of `today` and stores the result.
pub async fn recompute(
    db: &DatabaseConnection,
    lock: &EngineLock,
    today: NaiveDate,
    now: DateTime<Utc>,
) -> Result<EngineSummary, AppError> {
    run(db, lock, today, now, None).await
}

/// Recomputes one person's obligations (after they read, attempt or acknowledge something).
pub async fn recompute_person(
    db: &DatabaseConnection,
    lock: &EngineLock,
    person_id: i64,
) -> Result<EngineSummary, AppError> {
    let now = Utc::now();
    run(db, lock, now.date_naive(), now, Some(person_id)).await
}

/// How many people one step of a full run reads and writes: memory and the time the lock is
/// held stay bounded by this, not by the size of the organisation.
pub const SLICE: i64 = 2_000;

async fn run(
    db: &DatabaseConnection,
    lock: &EngineLock,
    today: NaiveDate,
    now: DateTime<Utc>,
    only: Option<i64>,
) -> Result<EngineSummary, AppError> {
    let mut counts: HashMap<Status, usize> = HashMap::new();
    match only {
        Some(person_id) => {
            let _shared = lock.runs.read().await;
            step(
                db,
                &lock.catalogue,
                today,
                now,
                IdRange::one(person_id).into(),
                Some(person_id),
                &mut counts,
            )
            .await?;
        }
        None => {
            // A slice at a time, each in its own transaction: learners' writes go on between
            // slices, and every slice is computed from its people's complete facts.
            if let Some((low, high)) = people::id_bounds(db).await? {
                for range in IdRange::slices(low, high, SLICE) {
                    let _exclusive = lock.runs.write().await;
                    step(
                        db,
                        &lock.catalogue,
                        today,
                        now,
                        range.into(),
                        None,
                        &mut counts,
                    )
                    .await?;
                }
            }
        }
    }
    let mut by_status: Vec<(Status, usize)> = counts.into_iter().collect();
    by_status.sort();
    Ok(EngineSummary {
        obligations: by_status.iter().map(|(_, n)| n).sum(),
        by_status,
    })
}

/// Computes and stores the obligations of the people in `range` in one transaction, under the
/// engine's database lock (exclusive for a slice of a full run; shared plus the person's own
/// lock for one person).
async fn step(
    db: &DatabaseConnection,
    catalogue: &CatalogueCache,
    today: NaiveDate,
    now: DateTime<Utc>,
    range: PersonSet,
    person: Option<i64>,
    counts: &mut HashMap<Status, usize>,
) -> Result<(), AppError> {
    let txn = crate::ssr::db::begin(db).await?;
    match person {
        None => lock::exclusive(&txn, ENGINE_LOCK).await?,
        Some(person_id) => lock_one_person(&txn, person_id).await?,
    }
    let computed = compute_and_store(&txn, catalogue, today, now, range).await?;
    txn.commit().await?;
    for obligation in &computed {
        *counts.entry(obligation.status).or_default() += 1;
    }
    Ok(())
}

/// Recomputes the obligations of a few people inside the caller's transaction, so that what
/// they did (records in the ledger) and the obligations it changes commit together, with one
/// commit; their facts are read together, as many statements for a batch of learners' writes as
/// for one. The caller's transaction must not have changed the catalogue (see
/// [`CatalogueCache`]).
pub async fn recompute_people_in(
    txn: &impl ConnectionTrait,
    held: &OnePersonRun<'_>,
    person_ids: &[i64],
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let mut ids = person_ids.to_vec();
    ids.sort_unstable();
    ids.dedup();
    if ids.is_empty() {
        return Ok(());
    }
    lock_people(txn, &ids).await?;
    compute_and_store(
        txn,
        held.catalogue,
        now.date_naive(),
        now,
        PersonSet::Ids(ids),
    )
    .await?;
    Ok(())
}

/// The engine's database lock shared, and the person's own exclusively.
async fn lock_one_person(txn: &impl ConnectionTrait, person_id: i64) -> Result<(), AppError> {
    lock_people(txn, &[person_id]).await
}

/// The engine's database lock shared, and each person's own exclusively (in id order, so two
/// transactions locking overlapping people cannot wait for each other).
async fn lock_people(txn: &impl ConnectionTrait, sorted_ids: &[i64]) -> Result<(), AppError> {
    lock::shared(txn, ENGINE_LOCK).await?;
    let names: Vec<String> = sorted_ids
        .iter()
        .map(|id| format!("{ENGINE_LOCK}:person:{id}"))
        .collect();
    lock::exclusive_all(txn, &names).await?;
    Ok(())
}

/// Computes the obligations of the people in `range` and stores them.
async fn compute_and_store(
    txn: &impl ConnectionTrait,
    catalogue: &CatalogueCache,
    today: NaiveDate,
    now: DateTime<Utc>,
    people: PersonSet,
) -> Result<Vec<Obligation>, AppError> {
    let courses = catalogue.current(txn).await?;
    let (input, stored) = load_people_input(txn, Some(&people), courses.to_vec()).await?;
    let computed = obligations(&input, today);
    persist(txn, &input, &stored, &computed, today, now).await?;
    Ok(computed)
}

/// The daily full run's name in `job_runs`.
pub const DAILY_JOB: &str = "daily-recompute";

/// A claimed daily run that has not finished after this long is taken to have died with its
/// instance, and another instance runs it.
const DAILY_STALE_AFTER: chrono::Duration = chrono::Duration::hours(2);

/// What the daily run did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DailyOutcome {
    Ran(EngineSummary),
    /// Another instance ran (or is running) today's.
    AlreadyRan,
}

/// Brings every obligation up to today, once per day however many instances share the
/// database (from start-up and the hourly maintenance loop).
pub async fn daily_once(
    db: &DatabaseConnection,
    lock: &EngineLock,
    instance: &str,
    now: DateTime<Utc>,
) -> Result<DailyOutcome, AppError> {
    let today = now.date_naive();
    let period = today.to_string();
    if !job_runs::claim_or_take_over(
        db,
        DAILY_JOB,
        &period,
        instance,
        now,
        now - DAILY_STALE_AFTER,
    )
    .await?
    {
        return Ok(DailyOutcome::AlreadyRan);
    }
    let summary = recompute(db, lock, today, now).await?;
    job_runs::finish(
        db,
        DAILY_JOB,
        &period,
        &format!("{} obligations", summary.obligations),
        Utc::now(),
    )
    .await?;
    Ok(DailyOutcome::Ran(summary))
}

/// A full run that must happen now (courses changed, or somebody was never evaluated), counted
/// as today's daily run unless one is claimed already.
pub async fn daily_now(
    db: &DatabaseConnection,
    lock: &EngineLock,
    instance: &str,
    now: DateTime<Utc>,
) -> Result<EngineSummary, AppError> {
    let period = now.date_naive().to_string();
    let claimed = job_runs::claim(db, DAILY_JOB, &period, instance, now).await?;
    let summary = recompute(db, lock, now.date_naive(), now).await?;
    if claimed {
        let done = format!("{} obligations", summary.obligations);
        job_runs::finish(db, DAILY_JOB, &period, &done, Utc::now()).await?;
    }
    Ok(summary)
}

/// The daily run, logging rather than failing (the next hour's tick tries again).
pub async fn daily_once_logged(db: &DatabaseConnection, lock: &EngineLock, instance: &str) {
    match daily_once(db, lock, instance, Utc::now()).await {
        Ok(DailyOutcome::Ran(summary)) => {
            tracing::info!(
                obligations = summary.obligations,
                "daily assignment run finished"
            )
        }
        Ok(DailyOutcome::AlreadyRan) => {}
        Err(err) => tracing::error!(%err, "daily assignment run failed"),
    }
}

/// Recomputes, logging rather than failing: used after changes whose own work already succeeded
/// (the nightly run corrects anything a failure here leaves behind).
pub async fn recompute_logged(db: &DatabaseConnection, lock: &EngineLock, reason: &str) {
    let now = Utc::now();
    match recompute(db, lock, now.date_naive(), now).await {
        Ok(summary) => {
            tracing::debug!(%reason, obligations = summary.obligations, "assignment engine ran")
        }
        Err(err) => tracing::error!(%reason, %err, "assignment engine failed"),
    }
}

/// Loads what the engine reads: about everyone, or (`only`) about some people, and the courses.
pub async fn load_input(
    db: &impl ConnectionTrait,
    only: Option<&PersonSet>,
) -> Result<EngineInput, AppError> {
    let courses = load_catalogue(db).await?;
    Ok(load_people_input(db, only, courses).await?.0)
}

/// The engine's facts about the people in `only` (everyone with `None`), with the catalogue's
/// `courses`; and their obligations as stored now.
async fn load_people_input(
    db: &impl ConnectionTrait,
    only: Option<&PersonSet>,
    courses: Vec<CourseFacts>,
) -> Result<(EngineInput, Vec<compliance_state::Model>), AppError> {
    let everyone = match only {
        None => person::Entity::find().all(db).await?,
        Some(set) => people::in_set(db, set).await?,
    };
    let departments = people::department_names(db).await?;
    let ids: Vec<i64> = everyone.iter().map(|p| p.id).collect();
    let mut roles =
        people::roles_by_person(db, |role| role.slug, only.map(|_| ids.as_slice())).await?;

    let managers: HashSet<i64> = match only {
        None => everyone
            .iter()
            .filter(|p| p.active)
            .filter_map(|p| p.manager_id)
            .collect(),
        Some(set) => people::managers_in(db, set).await?,
    };
    let people = everyone
        .iter()
        .map(|p| PersonFacts {
            id: p.id,
            active: p.active,
            hire_date: p.hire_date,
            roles: roles.remove(&p.id).unwrap_or_default(),
            department: p.department_id.and_then(|id| departments.get(&id).cloned()),
            is_manager: managers.contains(&p.id),
        })
        .collect();

    let records = ledger::passes_and_voids(db, only).await?;
    let voided: HashSet<i64> = records
        .iter()
        .filter(|record| record.kind == RecordKind::Void.as_str())
        .filter_map(|record| record.voids_sequence)
        .collect();
    let completions = records
        .into_iter()
        .filter(|record| !voided.contains(&record.sequence))
        .filter(|record| {
            RecordKind::parse(&record.kind).is_some_and(|kind| kind != RecordKind::Void)
        })
        .map(|record| CompletionFacts {
            person_id: record.person_id,
            course_id: record.course_id,
            version_id: record.version_id,
            completed_on: record.finished_at.date_naive(),
            record_id: record.sequence,
        })
        .collect();
    let exemptions = training::exemptions_of(db, only)
        .await?
        .into_iter()
        .map(|e| ExemptionFacts {
            id: e.id,
            person_id: e.person_id,
            course_id: e.course_id,
            starts_on: e.starts_on,
            expires_on: e.expires_on,
            revoked: e.revoked_at.is_some(),
        })
        .collect();
    let stored = match only {
        None => training::compliance(db).await?,
        Some(set) => training::compliance_in(db, set).await?,
    };
    let previously_assigned = stored
        .iter()
        .map(|row| ((row.person_id, row.course_id), row.assigned_on))
        .collect();
    let previously_evaluated = training::evaluated_people(db, only)
        .await?
        .into_iter()
        .collect();
    let started = training::read_versions(db, only)
        .await?
        .into_iter()
        .chain(training::attempted_versions(db, only).await?)
        .collect();
    let input = EngineInput {
        people,
        courses,
        completions,
        exemptions,
        previously_assigned,
        previously_evaluated,
        started,
    };
    Ok((input, stored))
}

/// What the engine needs to know about every course in use: its audience (the assignment rule,
/// or the course's own), recurrence, deadlines and versions.
async fn load_catalogue(db: &impl ConnectionTrait) -> Result<Vec<CourseFacts>, AppError> {
    let rules: HashMap<i64, String> = training::rules(db)
        .await?
        .into_iter()
        .map(|r| (r.course_id, r.audience_json))
        .collect();
    let mut course_facts = Vec::new();
    let all_courses = courses::all(db).await?;
    let current_ids: Vec<i64> = all_courses
        .iter()
        .filter_map(|c| c.current_version_id)
        .collect();
    // Metadata only: the rendered courses are large and the engine needs none of them.
    let metadata = courses::version_metadata(db, &current_ids).await?;
    let mut versions_by_course = courses::versions_by_course(db).await?;
    for course in all_courses {
        let Some(current_id) = course.current_version_id else {
            continue;
        };
        let json = metadata
            .get(&current_id)
            .ok_or_else(|| internal("engine input", "current version missing"))?;
        let meta: CourseMetadata = serde_json::from_str(json)
            .map_err(|err| internal("engine input: course metadata", err))?;
        let audience: Audience = match rules.get(&course.id) {
            Some(json) => serde_json::from_str(json)
                .map_err(|err| internal("engine input: assignment rule", err))?,
            None => meta.audience.clone(),
        };
        let versions: Vec<VersionFacts> = versions_by_course
            .remove(&course.id)
            .unwrap_or_default()
            .into_iter()
            .map(|v| VersionFacts {
                id: v.id,
                number: v.version,
                published_on: v.published_at.date_naive(),
                material: v.material,
            })
            .collect();
        course_facts.push(CourseFacts {
            id: course.id,
            retired: course.retired_at.is_some(),
            audience,
            recurrence: meta.recurrence,
            due_within: meta.due_within,
            start_offset: meta.start_offset,
            versions,
        });
    }

    Ok(course_facts)
}

/// Stores what changed: obligations no longer owed are deleted, and only those that differ from
/// `stored` (in anything but when they were computed) are written, so a learner's write touches
/// the one obligation it completes and the daily run the ones whose day changed something.
async fn persist(
    db: &impl ConnectionTrait,
    input: &EngineInput,
    stored: &[compliance_state::Model],
    computed: &[Obligation],
    today: NaiveDate,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let wanted: HashSet<(i64, i64)> = computed
        .iter()
        .map(|o| (o.person_id, o.course_id))
        .collect();
    for stale in input
        .previously_assigned
        .keys()
        .filter(|key| !wanted.contains(key))
    {
        training::delete_compliance(db, stale.0, stale.1).await?;
    }
    let courses: HashMap<i64, &crate::domain::assignment::CourseFacts> =
        input.courses.iter().map(|c| (c.id, c)).collect();
    let stored: HashMap<(i64, i64), &compliance_state::Model> = stored
        .iter()
        .map(|row| ((row.person_id, row.course_id), row))
        .collect();
    let rows: Vec<compliance_state::ActiveModel> = computed
        .iter()
        .map(|o| compliance_state::Model {
            person_id: o.person_id,
            course_id: o.course_id,
            version_id: o.version_id,
            status: o.status.as_str().to_owned(),
            assigned_on: o.assigned_on,
            due_on: o.due_on,
            first_due_on: courses
                .get(&o.course_id)
                .map(|c| c.first_due_on(o.assigned_on)),
            completed_on: o.completion.as_ref().map(|c| c.completed_on),
            completion_sequence: o.completion.as_ref().map(|c| c.record_id),
            valid_until: o.valid_until,
            exemption_id: o.exemption_id,
            computed_at: now,
        })
        .filter(|row| {
            stored
                .get(&(row.person_id, row.course_id))
                .is_none_or(|kept| {
                    **kept
                        != compliance_state::Model {
                            computed_at: kept.computed_at,
                            ..row.clone()
                        }
                })
        })
        .map(compliance_state::ActiveModel::from)
        .collect();
    for chunk in rows.chunks(500) {
        training::upsert_compliance(db, chunk.to_vec()).await?;
    }
    let eligible: Vec<i64> = input
        .people
        .iter()
        .filter(|p| p.active && p.hire_date <= today)
        .filter(|p| !input.previously_evaluated.contains(&p.id))
        .map(|p| p.id)
        .collect();
    training::mark_evaluated(db, &eligible, now).await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ssr::db::test_support;

    #[tokio::test]
    async fn the_daily_run_happens_once_across_instances_and_a_dead_claim_is_taken_over() {
        for (backend, db) in test_support::backends().await.unwrap() {
            let (first, second) = (EngineLock::default(), EngineLock::default());
            let now = Utc::now();
            let (a, b) = tokio::join!(
                daily_once(&db, &first, "instance-a", now),
                daily_once(&db, &second, "instance-b", now)
            );
            let ran = [a.unwrap(), b.unwrap()]
                .iter()
                .filter(|outcome| matches!(outcome, DailyOutcome::Ran(_)))
                .count();
            assert_eq!(ran, 1, "{backend}: one instance runs the day");
            let today = now.date_naive().to_string();
            assert!(job_runs::finished(&db, DAILY_JOB, &today).await.unwrap());

            // An instance claimed tomorrow's run at 01:00 and died part-way (01:00, so that three
            // hours later is still the same day whatever time the test runs).
            let tomorrow = (now.date_naive() + chrono::Days::new(1))
                .and_hms_opt(1, 0, 0)
                .expect("01:00 exists")
                .and_utc();
            let period = tomorrow.date_naive().to_string();
            assert!(
                job_runs::claim(&db, DAILY_JOB, &period, "died", tomorrow)
                    .await
                    .unwrap()
            );
            let soon = tomorrow + chrono::Duration::minutes(5);
            assert_eq!(
                daily_once(&db, &first, "instance-a", soon).await.unwrap(),
                DailyOutcome::AlreadyRan,
                "{backend}: a recent claim may still be running"
            );
            let later = tomorrow + chrono::Duration::hours(3);
            assert!(
                matches!(
                    daily_once(&db, &first, "instance-a", later).await.unwrap(),
                    DailyOutcome::Ran(_)
                ),
                "{backend}: a claim that never finished is taken over"
            );
            assert!(job_runs::finished(&db, DAILY_JOB, &period).await.unwrap());
        }
    }
}
