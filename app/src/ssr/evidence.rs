//! Evidence packs for an audit period: one signed zip an auditor can check offline.
//!
//! The pack holds the roster at the period's end reconciled against obligations, every
//! completion record in the period with its course version and content hash, the exact course
//! versions they refer to, acknowledgements, instructor-led sessions, exemptions, reminders, the
//! audit log, a summary per control, an HTML index, and a signed SHA-256 manifest.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::io::{Cursor, Read, Write};
use std::path::Path;

use chrono::{DateTime, NaiveDate, Utc};
use ed25519_dalek::SigningKey;
use ed25519_dalek::pkcs8::{DecodePrivateKey, EncodePrivateKey, spki::der::pem::LineEnding};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder};

use super::content::drafts::version_files;
use super::db::entities::{audit_event, completion_record, course, exemption, training_session};
use super::db::{courses, ledger, outbox};
use super::internal;
use super::reporting::exports::{Dataset, completion_cells, csv_bytes};
use super::reporting::{ReportData, directory};
use super::training::rules::audience_of;
use super::training::versions::parse_metadata;
use crate::domain::assignment::{EngineInput, Status, obligations};
use crate::domain::controls::{ControlSummary, CourseFact, PackFacts, summaries};
use crate::domain::evidence::{self, PackReport, fingerprint, public_key_pem, seal};
use crate::domain::ledger::RecordKind;
use crate::domain::reporting::{ObligationRow, Timeliness, new_hire_timeliness};
use crate::error::AppError;

/// The server's evidence-signing key. Not `Debug`-printed, never serialised.
pub struct EvidenceKey(SigningKey);

impl EvidenceKey {
    /// Loads the PKCS#8 PEM key at `path`, creating one (readable by the owner only) if there is
    /// none. Returns the key and whether it was created.
    pub fn load_or_create(path: &Path) -> Result<(Self, bool), String> {
        if path.exists() {
            let pem = std::fs::read_to_string(path)
                .map_err(|err| format!("cannot read the evidence key {}: {err}", path.display()))?;
            let key = SigningKey::from_pkcs8_pem(&pem).map_err(|err| {
                format!(
                    "{} is not an Ed25519 private key in PKCS#8 PEM: {err}",
                    path.display()
                )
            })?;
            return Ok((Self(key), false));
        }
        let key = SigningKey::generate(&mut rand::rngs::OsRng);
        let pem = key
            .to_pkcs8_pem(LineEnding::LF)
            .map_err(|err| format!("cannot encode a new evidence key: {err}"))?;
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent)
                .map_err(|err| format!("cannot create {}: {err}", parent.display()))?;
        }
        write_private(path, pem.as_bytes())
            .map_err(|err| format!("cannot write the evidence key {}: {err}", path.display()))?;
        Ok((Self(key), true))
    }

    /// A key from raw bytes (tests).
    pub fn from_bytes(bytes: &[u8; 32]) -> Self {
        Self(SigningKey::from_bytes(bytes))
    }

    /// The public key as PEM, for the admin page and the pack.
    pub fn public_pem(&self) -> String {
        public_key_pem(&self.0.verifying_key())
    }

    /// The public key's fingerprint.
    pub fn fingerprint(&self) -> String {
        fingerprint(&self.0.verifying_key())
    }

    /// The public half.
    pub fn verifying_key(&self) -> ed25519_dalek::VerifyingKey {
        self.0.verifying_key()
    }

    /// The checkpoint as a signed note, signed under the checkpoint's origin as the key's name.
    pub fn sign_checkpoint(&self, checkpoint: &crate::domain::checkpoint::Checkpoint) -> String {
        checkpoint.sign(&checkpoint.origin, &self.0)
    }
}

#[cfg(unix)]
fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::os::unix::fs::OpenOptionsExt;
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)?;
    file.write_all(bytes)
}

#[cfg(not(unix))]
fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    std::fs::write(path, bytes)
}

fn day_start(day: NaiveDate) -> DateTime<Utc> {
    day.and_hms_opt(0, 0, 0)
        .map_or_else(Utc::now, |t| t.and_utc())
}

fn in_period(at: DateTime<Utc>, from: NaiveDate, to: NaiveDate) -> bool {
    let day = at.date_naive();
    day >= from && day <= to
}

fn csv(columns: &[&str], rows: &[Vec<String>]) -> Vec<u8> {
    csv_bytes(columns, rows, true)
}

/// A pack and what it says.
pub struct Pack {
    pub files: BTreeMap<String, Vec<u8>>,
    pub facts: PackFacts,
}

/// Builds the signed pack for `from`–`to` (inclusive).
pub async fn build(
    db: &DatabaseConnection,
    key: &EvidenceKey,
    origin: &str,
    from: NaiveDate,
    to: NaiveDate,
    now: DateTime<Utc>,
) -> Result<Pack, AppError> {
    // The roster at the period's end, as the organisation and its rules stood then (kept
    // history), through the engine as of that day.
    let frozen = super::frozen::at_end_of(db, to, now).await?;
    let then = frozen.input;
    let all_courses = course::Entity::find().all(db).await?;
    let exemptions = exemption::Entity::find().all(db).await?;
    let mut data = directory(db).await?;
    super::frozen::freeze_directory(db, &mut data, &frozen.people).await?;
    // The engine over the whole organisation and the roster's rows: CPU work, off the async
    // runtime.
    let (data, roster, mut facts) = tokio::task::spawn_blocking(move || {
        let mut facts = PackFacts {
            from,
            to,
            ..Default::default()
        };
        let roster = roster_at_end(&data, &then, &mut facts);
        (data, roster, facts)
    })
    .await
    .map_err(|err| internal("building the roster", err))?;
    let mut files: BTreeMap<String, Vec<u8>> = BTreeMap::new();
    files.insert("roster.csv".into(), roster);

    // Every record in the period (read by date, not the whole ledger), and which records any void
    // cancels.
    let records: Vec<completion_record::Model> = ledger::finished_between(
        db,
        day_start(from),
        day_start(to + chrono::Duration::days(1)),
    )
    .await?;
    let voided: HashSet<i64> = ledger::voided_sequences(db).await?.into_iter().collect();
    let period_records: Vec<&completion_record::Model> = records
        .iter()
        .filter(|r| in_period(r.finished_at, from, to))
        .collect();
    let record_rows: Vec<Vec<String>> = period_records
        .iter()
        .map(|r| completion_cells(&data, r, voided.contains(&r.sequence)))
        .collect();
    files.insert(
        "completions.csv".into(),
        csv(Dataset::Completions.columns(), &record_rows),
    );
    let acknowledgements: Vec<Vec<String>> = period_records
        .iter()
        .filter(|r| r.kind == RecordKind::Acknowledgement.as_str())
        .map(|r| completion_cells(&data, r, voided.contains(&r.sequence)))
        .collect();
    files.insert(
        "acknowledgements.csv".into(),
        csv(Dataset::Completions.columns(), &acknowledgements),
    );
    let counts = |kind: RecordKind, passed: bool| {
        period_records
            .iter()
            .filter(|r| {
                r.kind == kind.as_str() && r.passed == passed && !voided.contains(&r.sequence)
            })
            .count()
    };
    facts.completions = counts(RecordKind::Attempt, true)
        + counts(RecordKind::Acknowledgement, true)
        + counts(RecordKind::Manual, true)
        + counts(RecordKind::InstructorLed, true);
    facts.failed_attempts = counts(RecordKind::Attempt, false);
    facts.acknowledgements = acknowledgements.len();
    facts.instructor_led = counts(RecordKind::InstructorLed, true);
    facts.ledger_records = ledger::count(db).await? as usize;
    let verification = ledger::verify(db).await?;
    facts.ledger_intact = verification.is_ok();
    files.insert(
        "ledger-verification.txt".into(),
        match &verification {
            Ok(count) => format!("Verified at {now}: all {count} ledger records match their hashes and each links to the one before.\n"),
            Err(broken) => format!("Verification at {now} FAILED: {broken}\n"),
        }
        .into_bytes(),
    );

    // The ledger's proof: a checkpoint made now, and each record of the period as its canonical
    // bytes with its inclusion proof against that checkpoint (checked by verify.py).
    let proof = super::transparency::pack_files(
        db,
        key,
        origin,
        &period_records,
        (day_start(from), day_start(to + chrono::Duration::days(1))),
        now,
    )
    .await?;
    files.extend(proof);
    let (witness_file, sent, unsent) = witnesses_csv(
        db,
        day_start(from),
        day_start(to + chrono::Duration::days(1)),
    )
    .await?;
    files.insert("witnesses.csv".into(), witness_file);
    facts.witness_checkpoints_sent = sent;
    facts.witness_checkpoints_unsent = unsent;

    // Sessions, exemptions, reminders and the audit log for the period.
    let sessions = training_session::Entity::find()
        .filter(training_session::Column::HeldOn.gte(from))
        .filter(training_session::Column::HeldOn.lte(to))
        .order_by_asc(training_session::Column::HeldOn)
        .all(db)
        .await?;
    facts.sessions = sessions.len();
    files.insert(
        "sessions.csv".into(),
        sessions_csv(&data, &sessions, &records),
    );
    let overlapping: Vec<&exemption::Model> = exemptions
        .iter()
        .filter(|e| {
            e.starts_on <= to
                && e.expires_on.is_none_or(|end| end >= from)
                && e.revoked_at.is_none_or(|r| r.date_naive() >= from)
        })
        .collect();
    facts.exemptions = overlapping.len();
    files.insert("exemptions.csv".into(), exemptions_csv(&data, &overlapping));
    let reminder_messages = outbox::reminders_between(
        db,
        day_start(from),
        day_start(to + chrono::Duration::days(1)),
    )
    .await?;
    let person_name = |id: Option<i64>| data.name_of(id);
    let course_title = |id: i64| data.courses.get(&id).map(|c| c.title.clone());
    let (reminder_rows, tally) = super::reporting::reminders::rows(
        db,
        &reminder_messages,
        &super::reporting::reminders::Names {
            person: &person_name,
            course: &course_title,
        },
    )
    .await?;
    facts.reminders_sent = tally.sent;
    facts.reminders_queued = tally.queued;
    facts.reminders_not_delivered = tally.not_delivered;
    files.insert(
        "reminders.csv".into(),
        csv(&super::reporting::reminders::COLUMNS, &reminder_rows),
    );
    let audit = audit_event::Entity::find()
        .filter(audit_event::Column::At.gte(day_start(from)))
        .filter(audit_event::Column::At.lt(day_start(to + chrono::Duration::days(1))))
        .order_by_asc(audit_event::Column::Id)
        .all(db)
        .await?;
    facts.audit_events = audit.len();
    let audit_rows: Vec<Vec<String>> = audit
        .iter()
        .map(|e| {
            vec![
                e.id.to_string(),
                crate::domain::ledger::timestamp(e.at),
                e.actor_label.clone(),
                e.action.clone(),
                e.subject.clone(),
                e.before_json.clone().unwrap_or_default(),
                e.after_json.clone().unwrap_or_default(),
                e.reason.clone().unwrap_or_default(),
            ]
        })
        .collect();
    files.insert(
        "audit-log.csv".into(),
        csv(
            &[
                "id", "at", "actor", "action", "subject", "before", "after", "reason",
            ],
            &audit_rows,
        ),
    );

    // Reviews of the programme held up to the period's end (PCI DSS 12.6.2).
    let reviews = crate::ssr::programme_reviews::rows(db, Some(to)).await?;
    facts.programme_review = crate::domain::programme_review::standing(
        reviews
            .first()
            .map(|r| (r.reviewed_on, r.reviewers.as_str(), r.summary.as_str())),
        to,
    );
    files.insert(
        "programme-reviews.csv".into(),
        csv(
            &[
                "reviewed_on",
                "reviewers",
                "summary",
                "changes",
                "next_review_on",
                "recorded_at",
                "recorded_by",
            ],
            &reviews
                .iter()
                .map(|r| {
                    vec![
                        r.reviewed_on.to_string(),
                        r.reviewers.clone(),
                        r.summary.clone(),
                        r.changes.clone(),
                        r.next_review_on.to_string(),
                        crate::domain::ledger::timestamp(r.recorded_at),
                        r.recorded_by.clone(),
                    ]
                })
                .collect::<Vec<_>>(),
        ),
    );

    // The course programme and the exact versions referred to.
    let referenced: BTreeSet<i64> = period_records.iter().map(|r| r.version_id).collect();
    let mut course_rows = Vec::new();
    // Only the current versions' metadata: their rendered texts are not needed here.
    let current_ids: Vec<i64> = all_courses
        .iter()
        .filter_map(|c| c.current_version_id)
        .collect();
    let current_metadata = courses::version_metadata(db, &current_ids).await?;
    for course in &all_courses {
        let versions = courses::versions(db, course.id).await?;
        let metadata = course
            .current_version_id
            .and_then(|id| current_metadata.get(&id));
        let (audience, recurrence, controls) = match metadata {
            Some(json) => {
                let meta = parse_metadata(json)?;
                let audience = audience_of(db, course.id)
                    .await?
                    .map_or(meta.audience, |(a, _)| a);
                (
                    audience.describe(),
                    meta.recurrence.to_string(),
                    meta.controls,
                )
            }
            None => (String::new(), String::new(), Vec::new()),
        };
        facts.courses.push(CourseFact {
            id: course.slug.clone(),
            title: course.title.clone(),
            kind: course.kind.clone(),
            audience: if course.retired_at.is_some() {
                "nobody (retired)".into()
            } else {
                audience
            },
            recurrence,
            controls,
            completions_in_period: period_records
                .iter()
                .filter(|r| r.course_id == course.id && r.passed && !voided.contains(&r.sequence))
                .count(),
        });
        for version in &versions {
            let published = in_period(version.published_at, from, to);
            if published {
                facts.versions_published += 1;
                facts.material_versions += usize::from(version.material);
            }
            if published || referenced.contains(&version.id) {
                for (path, bytes) in version_files(db, version.id).await? {
                    files.insert(
                        format!("courses/{}/v{}/{path}", course.slug, version.version),
                        bytes,
                    );
                }
                // The organisation's details the version showed in place of its placeholders.
                if let Some(variables) = &version.variables_json {
                    files.insert(
                        format!(
                            "courses/{}/v{}/{VARIABLES_FILE}",
                            course.slug, version.version
                        ),
                        variables.clone().into_bytes(),
                    );
                }
                course_rows.push(vec![
                    course.slug.clone(),
                    version.title.clone(),
                    version.version.to_string(),
                    version.content_hash.clone(),
                    crate::domain::ledger::timestamp(version.published_at),
                    if version.material { "yes" } else { "no" }.into(),
                    version.notes.clone(),
                    format!("courses/{}/v{}/", course.slug, version.version),
                ]);
            }
        }
    }
    files.insert(
        "courses.csv".into(),
        csv(
            &[
                "course_id",
                "title",
                "version",
                "content_hash",
                "published_at",
                "material",
                "notes",
                "source",
            ],
            &course_rows,
        ),
    );

    let controls = summaries(&facts);
    files.insert("README.txt".into(), readme(&key.fingerprint()).into_bytes());
    files.insert(
        "index.html".into(),
        index_html(&facts, &controls, &files, now, &key.fingerprint()).into_bytes(),
    );
    let files = seal(files, &key.0);
    Ok(Pack { files, facts })
}

/// Beside a version's files in the pack: the organisation variables it was rendered with (JSON,
/// `null` for one that was unset), a name no course file can have (course files are Markdown,
/// `course.toml` and images).
pub const VARIABLES_FILE: &str = "organisation-variables.json";

/// The roster at the period's end (`facts.to`) from the engine's input as it stood then, and the
/// figures it gives.
fn roster_at_end(data: &ReportData, then: &EngineInput, facts: &mut PackFacts) -> Vec<u8> {
    let (from, to) = (facts.from, facts.to);
    let at_end = obligations(then, to);
    let in_scope: BTreeSet<i64> = then
        .people
        .iter()
        .filter(|p| p.active && p.hire_date <= to)
        .map(|p| p.id)
        .collect();
    let roster = roster_csv(data, &in_scope, &at_end);
    facts.people_in_scope = in_scope.len();
    let owing: HashSet<i64> = at_end.iter().map(|o| o.person_id).collect();
    facts.people_without_training = in_scope.iter().filter(|id| !owing.contains(id)).count();
    facts.obligations = at_end.len();
    facts.up_to_date = at_end
        .iter()
        .filter(|o| o.status == Status::Completed)
        .count();
    facts.exempt = at_end.iter().filter(|o| o.status == Status::Exempt).count();
    facts.up_to_date += facts.exempt;
    facts.overdue = at_end
        .iter()
        .filter(|o| o.status == Status::Overdue)
        .count();
    let rows: Vec<ObligationRow> = at_end.iter().map(ObligationRow::from).collect();
    let Timeliness { measured, on_time } = new_hire_timeliness(
        &rows.iter().collect::<Vec<_>>(),
        &data.people,
        &data.courses,
        from,
        to,
    );
    facts.new_hires_measured = measured;
    facts.new_hires_on_time = on_time;
    roster
}

fn roster_csv(
    data: &ReportData,
    in_scope: &BTreeSet<i64>,
    at_end: &[crate::domain::assignment::Obligation],
) -> Vec<u8> {
    let mut rows = Vec::new();
    // By person once: a lookup per person, not a pass over every obligation.
    let mut by_person: HashMap<i64, Vec<&crate::domain::assignment::Obligation>> = HashMap::new();
    for obligation in at_end {
        by_person
            .entry(obligation.person_id)
            .or_default()
            .push(obligation);
    }
    for id in in_scope {
        let person = data.people.get(id);
        let mut base = data.person_cells(*id).to_vec();
        base.extend([
            person.map(|p| p.roles.join("; ")).unwrap_or_default(),
            data.name_of(person.and_then(|p| p.manager_id)),
            person.map(|p| p.hire_date.to_string()).unwrap_or_default(),
        ]);
        let own = by_person.remove(id).unwrap_or_default();
        if own.is_empty() {
            rows.push(
                [
                    base.clone(),
                    vec![
                        "(no training assigned)".into(),
                        String::new(),
                        String::new(),
                        String::new(),
                        String::new(),
                        String::new(),
                    ],
                ]
                .concat(),
            );
        }
        for obligation in own {
            rows.push(
                [
                    base.clone(),
                    vec![
                        data.courses
                            .get(&obligation.course_id)
                            .map(|c| c.title.clone())
                            .unwrap_or_default(),
                        obligation.status.as_str().into(),
                        obligation.due_on.to_string(),
                        obligation
                            .completion
                            .as_ref()
                            .map(|c| c.completed_on.to_string())
                            .unwrap_or_default(),
                        obligation
                            .completion
                            .as_ref()
                            .map(|c| c.record_id.to_string())
                            .unwrap_or_default(),
                        obligation
                            .exemption_id
                            .map(|e| e.to_string())
                            .unwrap_or_default(),
                    ],
                ]
                .concat(),
            );
        }
    }
    csv(
        &[
            "person",
            "email",
            "department",
            "job_title",
            "roles",
            "manager",
            "hired",
            "course",
            "status_at_period_end",
            "due_on",
            "completed_on",
            "record",
            "exemption",
        ],
        &rows,
    )
}

/// The checkpoints queued for witnesses in the period, to whom, and what became of each: only
/// an accepted delivery counts as sent. Returns the file and the sent and not-sent counts.
async fn witnesses_csv(
    db: &DatabaseConnection,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Result<(Vec<u8>, usize, usize), AppError> {
    use crate::domain::mail::DeliveryStatus;
    let sends = super::db::witnesses::sends_between(db, from, to).await?;
    let witnesses = super::db::witnesses::all_by_id(db).await?;
    let sizes: Vec<i64> = sends.iter().map(|(send, _)| send.tree_size).collect();
    let checkpoints: HashMap<i64, String> =
        super::db::ledger_tree::checkpoints_of_sizes(db, &sizes)
            .await?
            .into_iter()
            .map(|c| (c.tree_size, c.root_hash))
            .collect();
    let stamp = |at: Option<DateTime<Utc>>| {
        at.map(|at| at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
            .unwrap_or_default()
    };
    let (mut sent, mut unsent) = (0, 0);
    let mut rows = Vec::with_capacity(sends.len());
    for (send, message) in &sends {
        let witness = witnesses.get(&send.witness_id);
        let delivery = message.as_ref().map(outbox::delivery).transpose()?;
        if delivery
            .as_ref()
            .is_some_and(|d| d.status == DeliveryStatus::Sent)
        {
            sent += 1;
        } else {
            unsent += 1;
        }
        rows.push(vec![
            send.tree_size.to_string(),
            checkpoints
                .get(&send.tree_size)
                .cloned()
                .unwrap_or_default(),
            witness.map(|w| w.name.clone()).unwrap_or_default(),
            witness.map(|w| w.target.clone()).unwrap_or_default(),
            stamp(Some(send.queued_at)),
            delivery
                .as_ref()
                .map_or("missing", |d| d.status.as_str())
                .to_owned(),
            stamp(delivery.as_ref().and_then(|d| d.sent_at)),
            message
                .as_ref()
                .and_then(|m| m.smtp_reply.clone().or_else(|| m.last_error.clone()))
                .unwrap_or_default(),
        ]);
    }
    let file = csv(
        &[
            "tree_size",
            "root_hash",
            "witness",
            "address",
            "queued_at",
            "status",
            "sent_at",
            "answer",
        ],
        &rows,
    );
    Ok((file, sent, unsent))
}

fn sessions_csv(
    data: &ReportData,
    sessions: &[training_session::Model],
    records: &[completion_record::Model],
) -> Vec<u8> {
    let mut attended: HashMap<i64, Vec<String>> = HashMap::new();
    for record in records {
        if let Some(session) = record.session_id {
            attended
                .entry(session)
                .or_default()
                .push(data.name_of(Some(record.person_id)));
        }
    }
    let rows: Vec<Vec<String>> = sessions
        .iter()
        .map(|s| {
            let attendees: Vec<String> = attended.remove(&s.id).unwrap_or_default();
            vec![
                s.id.to_string(),
                s.held_on.to_string(),
                data.courses
                    .get(&s.course_id)
                    .map(|c| c.title.clone())
                    .unwrap_or_default(),
                data.version_numbers
                    .get(&s.version_id)
                    .map(|v| v.to_string())
                    .unwrap_or_default(),
                s.format.clone(),
                s.trainer.clone(),
                attendees.len().to_string(),
                attendees.join("; "),
                s.notes.clone(),
            ]
        })
        .collect();
    csv(
        &[
            "session",
            "held_on",
            "course",
            "version",
            "format",
            "trainer",
            "attendee_count",
            "attendees",
            "notes",
        ],
        &rows,
    )
}

fn exemptions_csv(data: &ReportData, exemptions: &[&exemption::Model]) -> Vec<u8> {
    let rows: Vec<Vec<String>> = exemptions
        .iter()
        .map(|e| {
            vec![
                e.id.to_string(),
                data.name_of(Some(e.person_id)),
                data.courses
                    .get(&e.course_id)
                    .map(|c| c.title.clone())
                    .unwrap_or_default(),
                e.reason.clone(),
                e.starts_on.to_string(),
                e.expires_on.map(|d| d.to_string()).unwrap_or_default(),
                data.name_of(e.created_by),
                e.revoked_at
                    .map(crate::domain::ledger::timestamp)
                    .unwrap_or_default(),
            ]
        })
        .collect();
    csv(
        &[
            "exemption",
            "person",
            "course",
            "reason",
            "starts_on",
            "expires_on",
            "granted_by",
            "revoked_at",
        ],
        &rows,
    )
}

fn readme(fingerprint: &str) -> String {
    format!(
        "Vigil evidence pack\n===================\n\nOpen index.html for the summary by control and the list of files.\n\nTo check that nothing in this pack has changed since Vigil produced it:\n\n  0. The zip file as a whole is signed too (in its comment); docs/evidence.md in Vigil shows\n     how to check that with OpenSSL.\n  1. Check the signature over the manifest (OpenSSL 3):
\n       openssl pkeyutl -verify -pubin -inkey {pk} -rawin -in {manifest} -sigfile {sig}\n     It prints \"Signature Verified Successfully\".\n  2. Check every file against the manifest:\n       sha256sum -c {manifest}\n     Every line ends in OK.\n  3. Compare the key's fingerprint with the one shown in Vigil (Compliance > Evidence):\n       {fingerprint}\n\nOr run: vigil evidence verify pack.zip\n",
        pk = evidence::PUBLIC_KEY,
        manifest = evidence::MANIFEST,
        sig = evidence::SIGNATURE,
    )
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn index_html(
    facts: &PackFacts,
    controls: &[ControlSummary],
    files: &BTreeMap<String, Vec<u8>>,
    now: DateTime<Utc>,
    fingerprint: &str,
) -> String {
    let mut html = format!(
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Evidence pack {from} to {to}</title><style>body{{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;line-height:1.5;color:#1b1f24}}table{{border-collapse:collapse;width:100%}}td,th{{border-bottom:1px solid #d5dbe1;padding:.4rem;text-align:left;vertical-align:top}}h2{{margin-top:2rem}}code{{font-size:.9em}}</style></head><body><h1>Security awareness training: evidence pack</h1><p>Period <strong>{from}</strong> to <strong>{to}</strong>. Produced by Vigil at {now}. Signing key fingerprint <code>{fingerprint}</code>.</p><h2>At a glance</h2><ul><li>{people} people in scope at the period's end ({none} with no training assigned)</li><li>{up} of {obligations} training obligations up to date; {overdue} overdue; {exempt} exempt</li><li>{completions} completions and {failed} failed attempts recorded in the period</li><li>Ledger verification: {ledger}</li><li>Checkpoints sent to witnesses in the period: {witness_sent} delivered, {witness_unsent} not delivered (see <code>witnesses.csv</code>)</li></ul><h2>Controls</h2>",
        from = facts.from,
        to = facts.to,
        now = now.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        people = facts.people_in_scope,
        none = facts.people_without_training,
        up = facts.up_to_date,
        obligations = facts.obligations,
        overdue = facts.overdue,
        exempt = facts.exempt,
        completions = facts.completions,
        failed = facts.failed_attempts,
        witness_sent = facts.witness_checkpoints_sent,
        witness_unsent = facts.witness_checkpoints_unsent,
        ledger = if facts.ledger_intact {
            "intact"
        } else {
            "FAILED"
        },
    );
    for control in controls {
        html.push_str(&format!(
            "<section><h3>{} · {}</h3><p><em>{}</em></p><ul>{}</ul><p>Files: {}</p></section>",
            escape(control.framework),
            escape(control.control),
            escape(control.requirement),
            control
                .evidence
                .iter()
                .map(|e| format!("<li>{}</li>", escape(e)))
                .collect::<String>(),
            control
                .files
                .iter()
                .map(|f| format!("<a href=\"{0}\"><code>{0}</code></a>", escape(f)))
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    html.push_str("<h2>Files</h2><table><thead><tr><th>File</th><th>Bytes</th><th>SHA-256</th></tr></thead><tbody>");
    for (path, bytes) in files {
        html.push_str(&format!(
            "<tr><td><a href=\"{0}\"><code>{0}</code></a></td><td>{1}</td><td><code>{2}</code></td></tr>",
            escape(path),
            bytes.len(),
            evidence::sha256_hex(bytes)
        ));
    }
    html.push_str("</tbody></table><p>How to check this pack without Vigil: see README.txt.</p></body></html>");
    html
}

/// The pack as a zip, with its whole-file signature in the zip comment. Entries carry a fixed
/// timestamp, so the same pack gives the same bytes.
pub fn zip(files: &BTreeMap<String, Vec<u8>>, key: &EvidenceKey) -> Result<Vec<u8>, AppError> {
    let mut writer = zip::ZipWriter::new(Cursor::new(Vec::new()));
    writer
        .set_comment(evidence::container_placeholder())
        .map_err(|err| internal("writing an evidence pack", err))?;

    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (path, bytes) in files {
        writer
            .start_file(path.as_str(), options)
            .map_err(|err| internal("writing an evidence pack", err))?;
        writer
            .write_all(bytes)
            .map_err(|err| internal("writing an evidence pack", err))?;
    }
    let unsigned = writer
        .finish()
        .map_err(|err| internal("writing an evidence pack", err))?
        .into_inner();
    Ok(evidence::sign_container(unsigned, &key.0))
}

/// The files of a zipped pack (for verification). Refuses paths outside the pack.
pub fn unzip(bytes: &[u8]) -> Result<BTreeMap<String, Vec<u8>>, String> {
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes))
        .map_err(|_| "the file is not a zip archive".to_owned())?;
    let mut files = BTreeMap::new();
    for index in 0..archive.len() {
        let mut entry = archive
            .by_index(index)
            .map_err(|err| format!("entry {index} cannot be read: {err}"))?;
        if entry.is_dir() {
            continue;
        }
        let path = entry
            .enclosed_name()
            .map(|p| p.to_string_lossy().replace('\\', "/"))
            .ok_or_else(|| format!("{} points outside the pack", entry.name()))?;
        let mut content = Vec::new();
        entry
            .by_ref()
            .take(512 * 1024 * 1024)
            .read_to_end(&mut content)
            .map_err(|err| format!("{path} cannot be read: {err}"))?;
        files.insert(path, content);
    }
    Ok(files)
}

/// Checks a zipped pack: first every byte of the zip against its whole-file signature (with the
/// trusted key, or else the public key the pack names, read on its own), and only then unpacks
/// it and checks the signed manifest against the files. A pack that fails the first check is
/// never unpacked.
pub fn verify_zip(bytes: &[u8], trusted: Option<&ed25519_dalek::VerifyingKey>) -> PackReport {
    let refused = |problem: String| PackReport {
        problems: vec![problem],
        ..Default::default()
    };
    let key = match trusted {
        Some(key) => *key,
        None => match embedded_key(bytes) {
            Ok(key) => key,
            Err(problem) => return refused(problem),
        },
    };
    if let Err(problem) = evidence::check_container(bytes, &key) {
        // Signed, but by another key than the trusted one?
        if trusted.is_some()
            && let Ok(other) = embedded_key(bytes)
            && evidence::check_container(bytes, &other).is_ok()
        {
            return refused(format!(
                "the pack is signed by key {}, not by the trusted key",
                fingerprint(&other)
            ));
        }
        return refused(problem);
    }
    match unzip(bytes) {
        Ok(files) => {
            let mut report = evidence::verify(&files, trusted);
            // Packs made before the ledger was a transparency log carry no proof.
            if report.is_intact() && files.contains_key("checkpoint.txt") {
                match crate::domain::pack_proof::check(&files, &key) {
                    Ok(proof) => report.ledger = Some(proof),
                    Err(problem) => report.problems.push(problem),
                }
            }
            report
        }
        Err(problem) => refused(problem),
    }
}

/// The public key a pack names, read without unpacking anything else.
pub fn embedded_key(bytes: &[u8]) -> Result<ed25519_dalek::VerifyingKey, String> {
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes))
        .map_err(|_| "the file is not a zip archive".to_owned())?;
    let mut entry = archive
        .by_name(evidence::PUBLIC_KEY)
        .map_err(|_| format!("{} is missing from the pack", evidence::PUBLIC_KEY))?;
    let mut pem = String::new();
    entry
        .by_ref()
        .take(16 * 1024)
        .read_to_string(&mut pem)
        .map_err(|_| format!("{} cannot be read", evidence::PUBLIC_KEY))?;
    <ed25519_dalek::VerifyingKey as ed25519_dalek::pkcs8::DecodePublicKey>::from_public_key_pem(
        &pem,
    )
    .map_err(|_| format!("{} is not an Ed25519 public key", evidence::PUBLIC_KEY))
}
