//! The completion ledger's tamper evidence: each record carries a SHA-256 hash over its canonical
//! fields and the previous record's hash, so changing, removing or reordering any record breaks
//! the chain from that record on. Corrections are new records that point at what they correct.

use chrono::{DateTime, SecondsFormat, Utc};
use serde::Serialize;
use sha2::{Digest, Sha256};

/// The `prev_hash` of the first record.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// What a record is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RecordKind {
    /// A quiz attempt, passed or failed.
    Attempt,
    /// A policy or bulletin acknowledgement.
    Acknowledgement,
    /// An administrator recording a completion done elsewhere.
    Manual,
    /// Attendance at an instructor-led session.
    InstructorLed,
    /// An administrator cancelling an earlier record.
    Void,
}

impl RecordKind {
    /// The stored spelling.
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Attempt => "attempt",
            Self::Acknowledgement => "acknowledgement",
            Self::Manual => "manual",
            Self::InstructorLed => "instructor_led",
            Self::Void => "void",
        }
    }

    /// Parses the stored spelling.
    pub fn parse(input: &str) -> Option<Self> {
        [
            Self::Attempt,
            Self::Acknowledgement,
            Self::Manual,
            Self::InstructorLed,
            Self::Void,
        ]
        .into_iter()
        .find(|k| k.as_str() == input)
    }

    /// A label for people.
    pub fn label(&self) -> &'static str {
        match self {
            Self::Attempt => "Quiz attempt",
            Self::Acknowledgement => "Acknowledgement",
            Self::Manual => "Manual completion",
            Self::InstructorLed => "Instructor-led session",
            Self::Void => "Voided a record",
        }
    }
}

/// The fields a record's hash covers, in a fixed order.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RecordFields {
    pub sequence: i64,
    pub kind: RecordKind,
    pub person_id: i64,
    pub course_id: i64,
    pub version_id: i64,
    pub content_hash: String,
    pub score: Option<i32>,
    pub passed: bool,
    pub answers: Option<String>,
    pub started_at: Option<String>,
    pub finished_at: String,
    pub recorded_at: String,
    pub actor_id: Option<i64>,
    pub reason: Option<String>,
    pub voids_sequence: Option<i64>,
    pub session_id: Option<i64>,
    /// The language the record was taken in. Left out of the canonical bytes when there is
    /// none, so records made before languages existed keep their hashes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub language: Option<String>,
    pub prev_hash: String,
}

/// Timestamps as hashed: UTC, millisecond precision (what the database keeps).
pub fn timestamp(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Millis, true)
}

/// The record's canonical bytes: compact JSON, its fields in the order above (see
/// `docs/evidence.md`). Its hash is `record_hash`; its Merkle leaf hash is
/// `merkle::leaf_hash(canonical_bytes)`.
pub fn canonical_bytes(fields: &RecordFields) -> Vec<u8> {
    // Serialising a plain struct of strings and numbers cannot fail.
    serde_json::to_vec(fields).unwrap_or_default()
}

/// The record's hash.
pub fn record_hash(fields: &RecordFields) -> String {
    hex::encode(Sha256::digest(canonical_bytes(fields)))
}

/// Where the chain is broken.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ChainBreak {
    #[error(
        "record {sequence}: its contents do not match its stored hash (the record was changed)"
    )]
    Altered { sequence: i64 },
    #[error(
        "record {sequence}: it does not follow record {previous} (a record before it was changed, removed or reordered)"
    )]
    Unlinked { sequence: i64, previous: i64 },
    #[error(
        "record {sequence}: its kind {kind:?} is not one Vigil writes (the record was changed)"
    )]
    UnknownKind { sequence: i64, kind: String },
    #[error("record {expected} is missing: the records jump from {previous} to {found}")]
    Missing {
        expected: i64,
        previous: i64,
        found: i64,
    },
}

/// Checks records in sequence order, returning how many were checked or the first break.
pub fn verify_chain<I>(records: I) -> Result<usize, ChainBreak>
where
    I: IntoIterator<Item = (RecordFields, String)>,
{
    verify_chain_from(0, GENESIS, records)
}

/// Checks records that follow record `previous_sequence` (whose hash is `previous_hash`; 0 and
/// `GENESIS` for the start of the ledger), returning how many were checked or the first break.
pub fn verify_chain_from<I>(
    previous_sequence: i64,
    previous_hash: &str,
    records: I,
) -> Result<usize, ChainBreak>
where
    I: IntoIterator<Item = (RecordFields, String)>,
{
    let mut previous_hash = previous_hash.to_owned();
    let mut previous_sequence = previous_sequence;
    let mut count = 0;
    for (fields, stored_hash) in records {
        let expected = previous_sequence + 1;
        if fields.sequence != expected {
            return Err(ChainBreak::Missing {
                expected,
                previous: previous_sequence,
                found: fields.sequence,
            });
        }
        if record_hash(&fields) != stored_hash {
            return Err(ChainBreak::Altered {
                sequence: fields.sequence,
            });
        }
        if fields.prev_hash != previous_hash {
            return Err(ChainBreak::Unlinked {
                sequence: fields.sequence,
                previous: previous_sequence,
            });
        }
        previous_hash = stored_hash;
        previous_sequence = fields.sequence;
        count += 1;
    }
    Ok(count)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chain(length: i64) -> Vec<(RecordFields, String)> {
        let mut previous = GENESIS.to_owned();
        (1..=length)
            .map(|sequence| {
                let fields = RecordFields {
                    sequence,
                    kind: RecordKind::Attempt,
                    person_id: 1,
                    course_id: 2,
                    version_id: 3,
                    content_hash: "ab".repeat(32),
                    score: Some(80),
                    passed: true,
                    answers: Some("[[1]]".into()),
                    started_at: Some("2026-01-01T10:00:00.000Z".into()),
                    finished_at: "2026-01-01T10:05:00.000Z".into(),
                    recorded_at: "2026-01-01T10:05:00.000Z".into(),
                    actor_id: None,
                    reason: None,
                    voids_sequence: None,
                    session_id: None,
                    language: None,
                    prev_hash: previous.clone(),
                };
                let hash = record_hash(&fields);
                previous = hash.clone();
                (fields, hash)
            })
            .collect()
    }

    #[test]
    fn an_untouched_chain_verifies() {
        assert_eq!(verify_chain(chain(5)), Ok(5));
        assert_eq!(verify_chain(Vec::new()), Ok(0));
    }

    #[test]
    fn a_changed_field_is_found_at_its_record() {
        let mut records = chain(5);
        records[2].0.score = Some(100);
        assert_eq!(
            verify_chain(records),
            Err(ChainBreak::Altered { sequence: 3 })
        );
    }

    #[test]
    fn a_recomputed_hash_still_breaks_the_next_link() {
        let mut records = chain(5);
        records[2].0.passed = false;
        records[2].1 = record_hash(&records[2].0);
        assert_eq!(
            verify_chain(records),
            Err(ChainBreak::Unlinked {
                sequence: 4,
                previous: 3
            })
        );
    }

    #[test]
    fn a_removed_record_is_reported_as_missing() {
        let mut records = chain(5);
        records.remove(1);
        assert_eq!(
            verify_chain(records),
            Err(ChainBreak::Missing {
                expected: 2,
                previous: 1,
                found: 3
            })
        );
    }

    #[test]
    fn timestamps_are_utc_milliseconds() {
        let at = DateTime::<Utc>::from_timestamp_millis(1_795_000_000_123).unwrap();
        assert_eq!(timestamp(at), "2026-11-18T11:06:40.123Z");
    }
}
