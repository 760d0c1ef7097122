//! The completion ledger: append-only, hash-chained. Rows are inserted, never updated or deleted
//! (database triggers refuse both).
//!
//! Appends are serialised by a lock (`begin`): on PostgreSQL a transaction-scoped advisory lock
//! shared by every instance, on SQLite the write lock taken at the start of the transaction. A
//! caller that must check something and append in one step (an acknowledgement not already
//! given, a record not already voided) does both in one `begin` transaction.

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection,
    DatabaseTransaction, DbErr, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
};

use super::PersonSet;
use super::entities::completion_record::{self, Column, Entity};
use super::people::to_millis;
use crate::domain::ledger::{
    ChainBreak, GENESIS, RecordFields, RecordKind, record_hash, timestamp, verify_chain_from,
};

/// A record to append; sequence, hashes and the recording time are filled in.
#[derive(Clone, Debug)]
pub struct NewRecord {
    pub kind: RecordKind,
    pub person_id: i64,
    pub course_id: i64,
    pub version_id: i64,
    pub content_hash: String,
    pub score: Option<i32>,
    pub passed: bool,
    pub answers: Option<String>,
    pub started_at: Option<DateTime<Utc>>,
    pub finished_at: DateTime<Utc>,
    pub actor_id: Option<i64>,
    pub reason: Option<String>,
    pub voids_sequence: Option<i64>,
    pub session_id: Option<i64>,
    /// The language it was taken in (attempts and acknowledgements).
    pub language: Option<String>,
}

/// The fields a stored row's hash covers, or `None` if its kind is not one Vigil writes (a
/// changed record: never read as some default kind).
pub fn fields_of(row: &completion_record::Model) -> Option<RecordFields> {
    Some(RecordFields {
        sequence: row.sequence,
        kind: RecordKind::parse(&row.kind)?,
        person_id: row.person_id,
        course_id: row.course_id,
        version_id: row.version_id,
        content_hash: row.content_hash.clone(),
        score: row.score,
        passed: row.passed,
        answers: row.answers_json.clone(),
        started_at: row.started_at.map(timestamp),
        finished_at: timestamp(row.finished_at),
        recorded_at: timestamp(row.recorded_at),
        actor_id: row.actor_id,
        reason: row.reason.clone(),
        voids_sequence: row.voids_sequence,
        session_id: row.session_id,
        language: row.language.clone(),
        prev_hash: row.prev_hash.clone(),
    })
}

/// The lock every append takes.
const LEDGER_LOCK: &str = "completion-ledger";

/// Starts a transaction that may append to the ledger: appends (and checks made in it) happen
/// one at a time, across instances.
pub async fn begin(db: &DatabaseConnection) -> Result<DatabaseTransaction, DbErr> {
    let txn = crate::ssr::db::begin(db).await?;
    super::lock::exclusive(&txn, LEDGER_LOCK).await?;
    Ok(txn)
}

/// Appends one record on its own.
pub async fn append(
    db: &DatabaseConnection,
    record: NewRecord,
    recorded_at: DateTime<Utc>,
) -> Result<completion_record::Model, DbErr> {
    let txn = begin(db).await?;
    let row = append_in(&txn, &record, recorded_at).await?;
    txn.commit().await?;
    Ok(row)
}

/// Appends a record after the current last one, in a transaction from `begin`.
pub async fn append_in(
    txn: &DatabaseTransaction,
    record: &NewRecord,
    recorded_at: DateTime<Utc>,
) -> Result<completion_record::Model, DbErr> {
    let (sequence, prev_hash) = chain_end(txn).await?;
    row(record, sequence, prev_hash, recorded_at)
        .0
        .insert(txn)
        .await
}

/// How many rows one batch insert carries (well under SQLite's limit on bound values).
const BATCH_ROWS: usize = 1_000;

/// Appends many records in order, in a transaction from `begin`, with one insert per
/// thousand: for loading history (the demo and benchmark organisations) and for
/// acknowledgements that commit together. Returns the sequence
/// numbers given, in order.
pub async fn append_batch(
    txn: &DatabaseTransaction,
    records: &[(NewRecord, DateTime<Utc>)],
) -> Result<Vec<i64>, DbErr> {
    let (mut sequence, mut prev_hash) = chain_end(txn).await?;
    let mut sequences = Vec::with_capacity(records.len());
    for chunk in records.chunks(BATCH_ROWS) {
        let mut rows = Vec::with_capacity(chunk.len());
        for (record, recorded_at) in chunk {
            let (model, hash) = row(record, sequence, prev_hash, *recorded_at);
            rows.push(model);
            sequences.push(sequence);
            sequence += 1;
            prev_hash = hash;
        }
        Entity::insert_many(rows)
            .exec_without_returning(txn)
            .await?;
    }
    Ok(sequences)
}

/// The next sequence number and the hash it links to.
async fn chain_end(txn: &DatabaseTransaction) -> Result<(i64, String), DbErr> {
    let last = Entity::find()
        .order_by_desc(Column::Sequence)
        .one(txn)
        .await?;
    Ok(match last {
        Some(last) => (last.sequence + 1, last.record_hash),
        None => (1, GENESIS.to_owned()),
    })
}

/// The row for `record` at `sequence` after `prev_hash`, and its hash.
fn row(
    record: &NewRecord,
    sequence: i64,
    prev_hash: String,
    recorded_at: DateTime<Utc>,
) -> (completion_record::ActiveModel, String) {
    // Store what is hashed: timestamps at millisecond precision.
    let started_at = record.started_at.map(to_millis);
    let finished_at = to_millis(record.finished_at);
    let recorded_at = to_millis(recorded_at);
    let fields = RecordFields {
        sequence,
        kind: record.kind,
        person_id: record.person_id,
        course_id: record.course_id,
        version_id: record.version_id,
        content_hash: record.content_hash.clone(),
        score: record.score,
        passed: record.passed,
        answers: record.answers.clone(),
        started_at: started_at.map(timestamp),
        finished_at: timestamp(finished_at),
        recorded_at: timestamp(recorded_at),
        actor_id: record.actor_id,
        reason: record.reason.clone(),
        voids_sequence: record.voids_sequence,
        session_id: record.session_id,
        language: record.language.clone(),
        prev_hash: prev_hash.clone(),
    };
    let hash = record_hash(&fields);
    let model = completion_record::ActiveModel {
        sequence: Set(sequence),
        kind: Set(record.kind.as_str().to_owned()),
        person_id: Set(record.person_id),
        course_id: Set(record.course_id),
        version_id: Set(record.version_id),
        content_hash: Set(record.content_hash.clone()),
        score: Set(record.score),
        passed: Set(record.passed),
        answers_json: Set(record.answers.clone()),
        started_at: Set(started_at),
        finished_at: Set(finished_at),
        recorded_at: Set(recorded_at),
        actor_id: Set(record.actor_id),
        reason: Set(record.reason.clone()),
        voids_sequence: Set(record.voids_sequence),
        session_id: Set(record.session_id),
        language: Set(record.language.clone()),
        prev_hash: Set(prev_hash),
        record_hash: Set(hash.clone()),
        ..Default::default()
    };
    (model, hash)
}

/// What the assignment engine reads of a record.
#[derive(Debug, sea_orm::FromQueryResult)]
pub struct PassFacts {
    pub sequence: i64,
    pub kind: String,
    pub person_id: i64,
    pub course_id: i64,
    pub version_id: i64,
    pub finished_at: DateTime<Utc>,
    pub voids_sequence: Option<i64>,
}

/// Passed records and voids (of everyone, or of some people: a void names the person of the
/// record it cancels), without the answers and hashes the engine does not need.
pub async fn passes_and_voids(
    db: &impl ConnectionTrait,
    only: Option<&PersonSet>,
) -> Result<Vec<PassFacts>, DbErr> {
    let mut query = Entity::find()
        .select_only()
        .columns([
            Column::Sequence,
            Column::Kind,
            Column::PersonId,
            Column::CourseId,
            Column::VersionId,
            Column::FinishedAt,
            Column::VoidsSequence,
        ])
        .filter(
            sea_orm::Condition::any()
                .add(Column::Passed.eq(true))
                .add(Column::Kind.eq(RecordKind::Void.as_str())),
        );
    if let Some(set) = only {
        query = query.filter(set.condition(Column::PersonId));
    }
    query.into_model::<PassFacts>().all(db).await
}

/// Checks the whole chain, a page at a time (memory stays flat however long the ledger). A record
/// whose kind is not one Vigil writes is a break (it was changed), unless the chain breaks earlier.
pub async fn verify(db: &DatabaseConnection) -> Result<Result<usize, ChainBreak>, DbErr> {
    let (mut sequence, mut hash, mut checked) = (0, GENESIS.to_owned(), 0);
    loop {
        let page = after(db, sequence, 5_000).await?;
        let Some(last) = page.last() else {
            return Ok(Ok(checked));
        };
        let (next_sequence, next_hash) = (last.sequence, last.record_hash.clone());
        let mut rows = Vec::with_capacity(page.len());
        let mut unknown = None;
        for row in page {
            match fields_of(&row) {
                Some(fields) => rows.push((fields, row.record_hash)),
                None => {
                    unknown = Some(ChainBreak::UnknownKind {
                        sequence: row.sequence,
                        kind: row.kind,
                    });
                    break;
                }
            }
        }
        // Hashing a page is CPU work: off the async runtime.
        let start = (sequence, hash.clone());
        let result =
            tokio::task::spawn_blocking(move || verify_chain_from(start.0, &start.1, rows))
                .await
                .map_err(|err| DbErr::Custom(format!("checking the chain stopped: {err}")))?;
        match (result, unknown) {
            (Err(broken), _) => return Ok(Err(broken)),
            (Ok(_), Some(unknown)) => return Ok(Err(unknown)),
            (Ok(count), None) => checked += count,
        }
        (sequence, hash) = (next_sequence, next_hash);
    }
}

/// Records finished from `from` (inclusive) to `to` (exclusive), in order.
pub async fn finished_between(
    db: &impl ConnectionTrait,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Result<Vec<completion_record::Model>, DbErr> {
    Entity::find()
        .filter(Column::FinishedAt.gte(from))
        .filter(Column::FinishedAt.lt(to))
        .order_by_asc(Column::Sequence)
        .all(db)
        .await
}

/// Every record of a person, oldest first.
pub async fn of_person(
    db: &impl ConnectionTrait,
    person_id: i64,
) -> Result<Vec<completion_record::Model>, DbErr> {
    Entity::find()
        .filter(Column::PersonId.eq(person_id))
        .order_by_asc(Column::Sequence)
        .all(db)
        .await
}

/// Every record of a person for a course, oldest first.
pub async fn of_person_course(
    db: &impl ConnectionTrait,
    person_id: i64,
    course_id: i64,
) -> Result<Vec<completion_record::Model>, DbErr> {
    Entity::find()
        .filter(Column::PersonId.eq(person_id))
        .filter(Column::CourseId.eq(course_id))
        .order_by_asc(Column::Sequence)
        .all(db)
        .await
}

/// A record by its sequence number.
pub async fn by_sequence(
    db: &impl ConnectionTrait,
    sequence: i64,
) -> Result<Option<completion_record::Model>, DbErr> {
    Entity::find()
        .filter(Column::Sequence.eq(sequence))
        .one(db)
        .await
}

/// How many records the ledger holds.
pub async fn count(db: &impl ConnectionTrait) -> Result<u64, DbErr> {
    Entity::find().count(db).await
}

/// Up to `limit` records after record `sequence`, in order.
pub async fn after(
    db: &impl ConnectionTrait,
    sequence: i64,
    limit: u64,
) -> Result<Vec<completion_record::Model>, DbErr> {
    Entity::find()
        .filter(Column::Sequence.gt(sequence))
        .order_by_asc(Column::Sequence)
        .limit(limit)
        .all(db)
        .await
}

/// The latest acknowledgement (sequence, when) of each of these (person, version) pairs that
/// has one not voided: two statements however many pairs.
pub async fn latest_acknowledgements(
    db: &impl ConnectionTrait,
    pairs: &[(i64, i64)],
) -> Result<std::collections::HashMap<(i64, i64), (i64, DateTime<Utc>)>, DbErr> {
    use std::collections::{HashMap, HashSet};
    if pairs.is_empty() {
        return Ok(HashMap::new());
    }
    let wanted: HashSet<(i64, i64)> = pairs.iter().copied().collect();
    let people: HashSet<i64> = pairs.iter().map(|(person, _)| *person).collect();
    let versions: HashSet<i64> = pairs.iter().map(|(_, version)| *version).collect();
    let rows: Vec<(i64, i64, i64, DateTime<Utc>)> = Entity::find()
        .select_only()
        .columns([
            Column::Sequence,
            Column::PersonId,
            Column::VersionId,
            Column::FinishedAt,
        ])
        .filter(Column::PersonId.is_in(people))
        .filter(Column::VersionId.is_in(versions))
        .filter(Column::Kind.eq(RecordKind::Acknowledgement.as_str()))
        .order_by_desc(Column::Sequence)
        .into_tuple()
        .all(db)
        .await?;
    let rows: Vec<_> = rows
        .into_iter()
        .filter(|(_, person, version, _)| wanted.contains(&(*person, *version)))
        .collect();
    let sequences: Vec<i64> = rows.iter().map(|row| row.0).collect();
    let voided: HashSet<i64> = voided_among(db, &sequences).await?.into_iter().collect();
    let mut latest = HashMap::new();
    for (sequence, person, version, at) in rows {
        if !voided.contains(&sequence) {
            latest.entry((person, version)).or_insert((sequence, at));
        }
    }
    Ok(latest)
}

/// (person, answers JSON) of every quiz attempt at a version, oldest first, voided ones left
/// out: for question analytics.
pub async fn attempt_answers(
    db: &impl ConnectionTrait,
    version_id: i64,
) -> Result<Vec<StoredAttempt>, DbErr> {
    let rows: Vec<(i64, i64, Option<String>, Option<String>)> = Entity::find()
        .select_only()
        .columns([
            Column::Sequence,
            Column::PersonId,
            Column::Language,
            Column::AnswersJson,
        ])
        .filter(Column::VersionId.eq(version_id))
        .filter(Column::Kind.eq(RecordKind::Attempt.as_str()))
        .order_by_asc(Column::Sequence)
        .into_tuple()
        .all(db)
        .await?;
    // Voids are rare corrections: all of them, rather than a list as long as the attempts.
    let voided: std::collections::HashSet<i64> = voided_sequences(db).await?.into_iter().collect();
    Ok(rows
        .into_iter()
        .filter(|(sequence, ..)| !voided.contains(sequence))
        .filter_map(|(_, person_id, language, answers)| {
            Some(StoredAttempt {
                person_id,
                language,
                answers_json: answers?,
            })
        })
        .collect())
}

/// An attempt's answers as stored, for question analytics.
pub struct StoredAttempt {
    pub person_id: i64,
    /// `None` on attempts from before translations existed.
    pub language: Option<String>,
    pub answers_json: String,
}

/// Every record, oldest first (the engine reads completions from these).
pub async fn all(db: &impl ConnectionTrait) -> Result<Vec<completion_record::Model>, DbErr> {
    Entity::find().order_by_asc(Column::Sequence).all(db).await
}

/// Which of `sequences` a later void record cancels.
pub async fn voided_among(db: &impl ConnectionTrait, sequences: &[i64]) -> Result<Vec<i64>, DbErr> {
    if sequences.is_empty() {
        return Ok(Vec::new());
    }
    Ok(Entity::find()
        .filter(Column::Kind.eq(RecordKind::Void.as_str()))
        .filter(Column::VoidsSequence.is_in(sequences.iter().copied()))
        .all(db)
        .await?
        .into_iter()
        .filter_map(|row| row.voids_sequence)
        .collect())
}

/// Sequences of records that a later void record cancels.
pub async fn voided_sequences(db: &impl ConnectionTrait) -> Result<Vec<i64>, DbErr> {
    Ok(Entity::find()
        .filter(Column::Kind.eq(RecordKind::Void.as_str()))
        .all(db)
        .await?
        .into_iter()
        .filter_map(|row| row.voids_sequence)
        .collect())
}
