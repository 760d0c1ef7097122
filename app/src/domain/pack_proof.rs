//! The ledger proof an evidence pack carries, checked offline (what the pack's `verify.py` does):
//! the checkpoint is signed by the pack's key; each line of `ledger-records.jsonl` hashes to the
//! `record_hash` that `completions.csv` lists; each record's leaf is in the checkpoint's tree by
//! its inclusion proof; and, given the previous period's pack, the newer checkpoint's tree extends
//! the older one's.

use std::collections::{BTreeMap, HashMap};

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use ed25519_dalek::VerifyingKey;
use serde::Deserialize;
use sha2::{Digest, Sha256};

use super::checkpoint::Checkpoint;
use super::merkle::{Hash, leaf_hash, verify_consistency, verify_inclusion};

/// What a pack's ledger proof showed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LedgerProof {
    pub checkpoint: Checkpoint,
    /// Records of the period proved to be in the checkpoint's tree.
    pub records: usize,
}

#[derive(Deserialize)]
struct Inclusion {
    index: u64,
    tree_size: u64,
    proof: Vec<String>,
}

#[derive(Deserialize)]
struct Consistency {
    from: u64,
    to: u64,
    proof: Vec<String>,
}

#[derive(Deserialize)]
struct Sequence {
    sequence: u64,
}

fn text<'a>(files: &'a BTreeMap<String, Vec<u8>>, name: &str) -> Result<&'a str, String> {
    let bytes = files
        .get(name)
        .ok_or_else(|| format!("the pack has no {name}"))?;
    std::str::from_utf8(bytes).map_err(|_| format!("{name} is not UTF-8 text"))
}

fn hashes(encoded: &[String], name: &str) -> Result<Vec<Hash>, String> {
    encoded
        .iter()
        .map(|one| {
            STANDARD
                .decode(one)
                .ok()
                .and_then(|bytes| bytes.try_into().ok())
                .ok_or_else(|| format!("{name} holds a hash that is not base64 SHA-256"))
        })
        .collect()
}

/// The pack's checkpoint, its signature checked against `key`.
pub fn checkpoint(
    files: &BTreeMap<String, Vec<u8>>,
    key: &VerifyingKey,
) -> Result<Checkpoint, String> {
    let note = text(files, "checkpoint.txt")?;
    let origin = note.lines().next().unwrap_or_default();
    Checkpoint::open(note, origin, key, None).map_err(|err| format!("checkpoint.txt: {err}"))
}

/// Checks the pack's ledger proof.
pub fn check(files: &BTreeMap<String, Vec<u8>>, key: &VerifyingKey) -> Result<LedgerProof, String> {
    let checkpoint = checkpoint(files, key)?;
    let mut listed: HashMap<u64, String> = HashMap::new();
    let mut reader = csv::Reader::from_reader(text(files, "completions.csv")?.as_bytes());
    let headers = reader
        .headers()
        .map_err(|err| format!("completions.csv: {err}"))?
        .clone();
    let column = |name: &str| {
        headers
            .iter()
            .position(|h| h == name)
            .ok_or_else(|| format!("completions.csv has no {name} column"))
    };
    let (record_at, hash_at) = (column("record")?, column("record_hash")?);
    for row in reader.records() {
        let row = row.map_err(|err| format!("completions.csv: {err}"))?;
        let sequence = row[record_at].parse().map_err(|_| {
            format!(
                "completions.csv: {:?} is not a record number",
                &row[record_at]
            )
        })?;
        listed.insert(sequence, row[hash_at].to_owned());
    }
    let mut proofs: HashMap<u64, Inclusion> = HashMap::new();
    for line in text(files, "ledger-proofs.jsonl")?.lines() {
        let proof: Inclusion =
            serde_json::from_str(line).map_err(|err| format!("ledger-proofs.jsonl: {err}"))?;
        proofs.insert(proof.index, proof);
    }
    let mut records = 0;
    for line in text(files, "ledger-records.jsonl")?.lines() {
        let Sequence { sequence } =
            serde_json::from_str(line).map_err(|err| format!("ledger-records.jsonl: {err}"))?;
        if listed.get(&sequence).map(String::as_str) != Some(&hex::encode(Sha256::digest(line))) {
            return Err(format!(
                "record {sequence}: its bytes in ledger-records.jsonl do not hash to the record_hash completions.csv lists"
            ));
        }
        let index = sequence
            .checked_sub(1)
            .ok_or_else(|| "ledger-records.jsonl holds a record 0".to_owned())?;
        let proof = proofs
            .get(&index)
            .ok_or_else(|| format!("record {sequence}: ledger-proofs.jsonl has no proof for it"))?;
        let path = hashes(&proof.proof, "ledger-proofs.jsonl")?;
        if proof.tree_size != checkpoint.size
            || verify_inclusion(
                &leaf_hash(line.as_bytes()),
                index,
                checkpoint.size,
                &path,
                &checkpoint.root,
            )
            .is_err()
        {
            return Err(format!(
                "record {sequence}: it is not in the tree the checkpoint commits to"
            ));
        }
        records += 1;
    }
    if records != listed.len() {
        return Err(format!(
            "completions.csv lists {} records but ledger-records.jsonl proves {records}",
            listed.len()
        ));
    }
    Ok(LedgerProof {
        checkpoint,
        records,
    })
}

/// Checks that `newer`'s checkpoint extends `older`'s, by the consistency proof `newer` carries.
pub fn extends(
    newer: &BTreeMap<String, Vec<u8>>,
    older: &BTreeMap<String, Vec<u8>>,
    key: &VerifyingKey,
) -> Result<(u64, u64), String> {
    let (new, old) = (checkpoint(newer, key)?, checkpoint(older, key)?);
    if new.origin != old.origin {
        return Err(format!(
            "the packs are from different logs: {} and {}",
            new.origin, old.origin
        ));
    }
    if old.size > new.size {
        return Err(format!(
            "the previous pack's checkpoint ({} records) is larger than this one's ({}): give the older pack as --previous",
            old.size, new.size
        ));
    }
    let proof = if old.size == new.size || old.size == 0 {
        Vec::new()
    } else {
        let line = text(newer, "ledger-consistency.jsonl")?
            .lines()
            .filter_map(|line| serde_json::from_str::<Consistency>(line).ok())
            .find(|proof| proof.from == old.size && proof.to == new.size)
            .ok_or_else(|| {
                format!(
                    "the pack carries no consistency proof from the previous pack's checkpoint of {} records",
                    old.size
                )
            })?;
        hashes(&line.proof, "ledger-consistency.jsonl")?
    };
    verify_consistency(old.size, new.size, &old.root, &new.root, &proof).map_err(|_| {
        format!(
            "the ledger of {} records does not extend the previous pack's {}: records the earlier checkpoint committed to were changed or removed",
            new.size, old.size
        )
    })?;
    Ok((old.size, new.size))
}
