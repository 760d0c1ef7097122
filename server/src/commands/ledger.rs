//! `vigil ledger verify [--checkpoint FILE] | checkpoint`.

use std::path::Path;

use app::domain::checkpoint::Checkpoint;
use app::ssr::transparency::{self, Against};
use base64::Engine as _;
use ed25519_dalek::VerifyingKey;
use ed25519_dalek::pkcs8::DecodePublicKey;
use sea_orm::DatabaseConnection;

use super::CommandError;

/// Checks the hash chain and, given a checkpoint, that the ledger extends it.
pub async fn verify(
    db: &DatabaseConnection,
    key_file: &Path,
    checkpoint: Option<&Path>,
    public_key: Option<&Path>,
) -> Result<(), CommandError> {
    let chain = app::ssr::db::ledger::verify(db)
        .await
        .map_err(app::error::AppError::from)?;
    let mut problems = Vec::new();
    match &chain {
        Ok(count) => {
            println!(
                "The hash chain is intact: {count} records checked, every hash and link matches."
            )
        }
        Err(broken) => problems.push(format!("The hash chain is broken at {broken}.")),
    }
    if let Some(path) = checkpoint {
        let note = std::fs::read_to_string(path)?;
        let key = trusted_key(key_file, public_key)?;
        let origin = note.lines().next().unwrap_or_default().to_owned();
        let kept = Checkpoint::open(&note, &origin, &key, None)
            .map_err(|err| CommandError::Usage(format!("{}: {err}", path.display())))?;
        let root = base64::engine::general_purpose::STANDARD.encode(kept.root);
        match transparency::verify_extends(db, &kept).await? {
            Against::Extends {
                checkpoint_size,
                ledger_size,
            } => println!(
                "The ledger extends the checkpoint of {origin}: its first {checkpoint_size} records are exactly those the checkpoint commits to (root {root}); it now holds {ledger_size}."
            ),
            Against::Shrunk {
                checkpoint_size,
                ledger_size,
                first_missing,
            } => problems.push(format!(
                "Records the checkpoint commits to are gone: it covers {checkpoint_size} records, the ledger holds {ledger_size}. The first missing is index {first_missing} (record {}).",
                first_missing + 1
            )),
            Against::Changed {
                first_changed: Some(index),
            } => problems.push(format!(
                "The ledger no longer matches the checkpoint of {} records (root {root}): index {index} (record {}) is the first record that differs from what was logged.",
                kept.size,
                index + 1
            )),
            Against::Changed {
                first_changed: None,
            } => problems.push(format!(
                "The ledger no longer matches the checkpoint of {} records (root {root}): its first {} records were rewritten, and the stored tree with them, so the first changed record cannot be named from this checkpoint alone (compare with an evidence pack's records).",
                kept.size, kept.size
            )),
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(CommandError::Failed(problems.join("\n")))
    }
}

/// The key checkpoints must be signed by: the given PEM, or the evidence key's public half.
fn trusted_key(key_file: &Path, public_key: Option<&Path>) -> Result<VerifyingKey, CommandError> {
    match public_key {
        Some(path) => {
            let pem = std::fs::read_to_string(path)?;
            VerifyingKey::from_public_key_pem(&pem).map_err(|err| {
                CommandError::Usage(format!(
                    "{} is not an Ed25519 public key: {err}",
                    path.display()
                ))
            })
        }
        None if key_file.exists() => Ok(super::evidence::key(key_file)?.verifying_key()),
        None => Err(CommandError::Usage(format!(
            "There is no evidence key at {}: give the checkpoint's public key with --public-key.",
            key_file.display()
        ))),
    }
}

/// Extends the tree, signs a checkpoint if it grew, and prints the newest.
pub async fn checkpoint(
    db: &DatabaseConnection,
    key_file: &Path,
    origin: &str,
) -> Result<(), CommandError> {
    let key = super::evidence::key(key_file)?;
    match transparency::checkpoint(db, &key, origin, chrono::Utc::now()).await? {
        Ok(latest) => {
            print!("{}", latest.note);
            Ok(())
        }
        Err(refused) => Err(CommandError::Failed(format!(
            "No checkpoint: {refused}. Run `vigil ledger verify`."
        ))),
    }
}
