//! `vigil evidence export | verify | key`.

use std::path::Path;

use app::domain::evidence::fingerprint;
use app::ssr::db::audit::{self, Actor, AuditEntry};
use app::ssr::evidence::{EvidenceKey, build, embedded_key, unzip, verify_zip, zip};
use chrono::NaiveDate;
use ed25519_dalek::VerifyingKey;
use ed25519_dalek::pkcs8::DecodePublicKey;
use sea_orm::DatabaseConnection;

use super::CommandError;

fn date(raw: &str, flag: &str) -> Result<NaiveDate, CommandError> {
    NaiveDate::parse_from_str(raw.trim(), "%Y-%m-%d").map_err(|_| {
        CommandError::Usage(format!(
            "{flag} must be a date written as YYYY-MM-DD, not {raw:?}"
        ))
    })
}

pub(super) fn key(path: &Path) -> Result<EvidenceKey, CommandError> {
    let (key, created) = EvidenceKey::load_or_create(path).map_err(CommandError::Usage)?;
    if created {
        eprintln!(
            "Created a new evidence-signing key at {} (fingerprint {}). Back it up.",
            path.display(),
            key.fingerprint()
        );
    }
    Ok(key)
}

pub async fn export(
    db: &DatabaseConnection,
    key_path: &Path,
    origin: &str,
    from: &str,
    to: &str,
    out: &Path,
) -> Result<(), CommandError> {
    let (from, to) = (date(from, "--from")?, date(to, "--to")?);
    if from > to {
        return Err(CommandError::Usage(
            "--from must be on or before --to".to_owned(),
        ));
    }
    let key = key(key_path)?;
    let now = chrono::Utc::now();
    let pack = build(db, &key, origin, from, to, now).await?;
    let bytes = zip(&pack.files, &key)?;
    std::fs::write(out, &bytes)?;
    audit::record(
        db,
        AuditEntry {
            actor: Actor::system("vigil evidence export"),
            action: "export",
            subject: "export:evidence-pack".to_owned(),
            before: None,
            after: Some(serde_json::json!({ "from": from, "to": to, "files": pack.files.len() })),
            reason: None,
        },
        now,
    )
    .await
    .map_err(app::error::AppError::from)?;
    println!(
        "Wrote {}: {} files for {from} to {to}; {} people in scope, {} completions; signed with key {}.",
        out.display(),
        pack.files.len(),
        pack.facts.people_in_scope,
        pack.facts.completions,
        key.fingerprint()
    );
    Ok(())
}

pub fn verify(
    pack: &Path,
    public_key: Option<&Path>,
    previous: Option<&Path>,
) -> Result<(), CommandError> {
    let bytes = std::fs::read(pack)?;
    let trusted = match public_key {
        Some(path) => {
            let pem = std::fs::read_to_string(path)?;
            Some(VerifyingKey::from_public_key_pem(&pem).map_err(|err| {
                CommandError::Usage(format!(
                    "{} is not an Ed25519 public key: {err}",
                    path.display()
                ))
            })?)
        }
        None => None,
    };
    let mut report = verify_zip(&bytes, trusted.as_ref());
    let mut consistent = None;
    if let (true, Some(previous)) = (report.is_intact(), previous) {
        let older = std::fs::read(previous)?;
        let older_report = verify_zip(&older, trusted.as_ref());
        let key = match (trusted, embedded_key(&bytes)) {
            (Some(key), _) | (None, Ok(key)) => Some(key),
            (None, Err(_)) => None,
        };
        match (older_report.is_intact(), unzip(&bytes), unzip(&older), key) {
            (false, ..) => report.problems.extend(
                older_report
                    .problems
                    .iter()
                    .map(|problem| format!("{}: {problem}", previous.display())),
            ),
            (true, Ok(newer), Ok(older), Some(key)) => {
                match app::domain::pack_proof::extends(&newer, &older, &key) {
                    Ok(sizes) => consistent = Some(sizes),
                    Err(problem) => report.problems.push(problem),
                }
            }
            _ => report
                .problems
                .push("the packs could not be read for a consistency check".to_owned()),
        }
    }
    if report.is_intact() {
        println!(
            "The pack is intact: the signature is valid and all {} files match the manifest. Signed by key {}{}.",
            report.files_checked,
            report.fingerprint.unwrap_or_default(),
            if trusted.is_some() {
                " (the trusted key)"
            } else {
                "; compare it with the fingerprint Vigil shows under Compliance > Evidence"
            }
        );
        match &report.ledger {
            Some(proof) => println!(
                "Ledger proof: all {} records of the period are in the ledger of {} records that the signed checkpoint of {} commits to.",
                proof.records, proof.checkpoint.size, proof.checkpoint.origin
            ),
            None => println!(
                "Ledger proof: this pack carries none (it was made before checkpoints were kept)."
            ),
        }
        if let Some((old, new)) = consistent {
            println!(
                "Consistency: the ledger of {new} records begins with exactly the {old} records the previous pack's checkpoint committed to."
            );
        }
        Ok(())
    } else {
        for problem in &report.problems {
            println!("{problem}");
        }
        Err(CommandError::Failed(format!(
            "The pack does not verify: {} problem(s)",
            report.problems.len()
        )))
    }
}

pub fn show_key(path: &Path) -> Result<(), CommandError> {
    let key = key(path)?;
    print!("{}", key.public_pem());
    println!("Fingerprint: {}", fingerprint(&key.verifying_key()));
    Ok(())
}
