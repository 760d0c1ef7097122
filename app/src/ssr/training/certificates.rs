//! Certificates: one per passed completion, with a verification code anyone can check.

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::{ConnectionTrait, DatabaseConnection, DbErr};

use super::learner::course_version;
use super::versions::VersionCache;
use crate::domain::certificate::{Standing, standing};
use crate::dto::training::{CertificateStatus, CertificateView};
use crate::error::{AppError, Resource};
use crate::ssr::db::entities::completion_record;
use crate::ssr::db::{courses, ledger, people, training};

/// Crockford's base32 alphabet: no I, L, O or U to misread.
const ALPHABET: &[u8] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/// A fresh code like `K7QF-3M2X-9TZA` (60 random bits).
pub fn new_code() -> String {
    let symbols: Vec<char> = (0..12)
        .map(|_| ALPHABET[usize::from(rand::random::<u8>() % 32)] as char)
        .collect();
    symbols
        .chunks(4)
        .map(|chunk| chunk.iter().collect::<String>())
        .collect::<Vec<_>>()
        .join("-")
}

/// Accepts a code typed with spaces, lower case or the letters people confuse with digits.
pub fn normalise_code(input: &str) -> String {
    let symbols: String = input
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| match c.to_ascii_uppercase() {
            'O' => '0',
            'I' | 'L' => '1',
            other => other,
        })
        .collect();
    symbols
        .as_bytes()
        .chunks(4)
        .map(|chunk| String::from_utf8_lossy(chunk).into_owned())
        .collect::<Vec<_>>()
        .join("-")
}

/// Issues the certificate of a passed record (in the transaction that appended it), or returns
/// the one it already has.
pub async fn issue(
    db: &impl ConnectionTrait,
    sequence: i64,
    now: DateTime<Utc>,
) -> Result<String, DbErr> {
    if let Some(existing) = training::certificate_of(db, sequence).await? {
        return Ok(existing.code);
    }
    // A collision of two 60-bit codes would fail the unique index: an error, never a duplicate.
    training::issue_certificate(db, sequence, &new_code(), now)
        .await
        .map(|certificate| certificate.code)
}

async fn view(
    db: &DatabaseConnection,
    cache: &VersionCache,
    record: &completion_record::Model,
    code: String,
    today: NaiveDate,
) -> Result<CertificateView, AppError> {
    let course = courses::find_by_id(db, record.course_id)
        .await?
        .ok_or(AppError::NotFound(Resource::Certificate))?;
    let context = course_version(db, cache, course, record.version_id)
        .await?
        .in_language(record.language.as_deref());
    let current = match context.course.current_version_id {
        Some(id) => cache.get(db, id).await?,
        None => None,
    };
    let recurrence = match &current {
        Some(version) => version.meta.recurrence,
        None => context.meta.recurrence,
    };
    let versions: Vec<(i32, bool)> = courses::versions(db, context.course.id)
        .await?
        .iter()
        .map(|v| (v.version, v.material))
        .collect();
    let voided = ledger::voided_sequences(db)
        .await?
        .contains(&record.sequence);
    let person = people::find_by_id(db, record.person_id)
        .await?
        .ok_or(AppError::NotFound(Resource::Certificate))?;
    let status = match standing(
        record.finished_at.date_naive(),
        context.version.version,
        recurrence,
        &versions,
        voided,
        today,
    ) {
        Standing::Valid { until } => CertificateStatus::Valid { until },
        Standing::Expired { on } => CertificateStatus::Expired { on },
        Standing::Superseded { version } => CertificateStatus::Superseded { version },
        Standing::Voided => CertificateStatus::Voided,
    };
    Ok(CertificateView {
        code,
        name: person.name,
        course_title: context.title.clone(),
        language: record.language.clone(),
        kind: context.meta.kind,
        version: context.version.version,
        content_hash: record.content_hash.clone(),
        completed_on: record.finished_at.date_naive(),
        score: record.score,
        status,
    })
}

/// Public verification by code.
pub async fn verify(
    db: &DatabaseConnection,
    cache: &VersionCache,
    code: &str,
    today: NaiveDate,
) -> Result<CertificateView, AppError> {
    let certificate = training::certificate_by_code(db, &normalise_code(code))
        .await?
        .ok_or(AppError::NotFound(Resource::Certificate))?;
    let record = ledger::by_sequence(db, certificate.record_sequence)
        .await?
        .ok_or(AppError::NotFound(Resource::Certificate))?;
    view(db, cache, &record, certificate.code, today).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_grouped_and_unambiguous() {
        let code = new_code();
        assert_eq!(code.len(), 14);
        assert!(
            code.chars()
                .all(|c| c == '-' || ALPHABET.contains(&(c as u8))),
            "{code}"
        );
    }

    #[test]
    fn typed_codes_are_normalised() {
        assert_eq!(normalise_code(" k7qf 3m2x-9tza "), "K7QF-3M2X-9TZA");
        assert_eq!(normalise_code("OIL0-0000-0000"), "0110-0000-0000");
    }
}
