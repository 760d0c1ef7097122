//! The ledger as a transparency log: the Merkle tree over the completion records is extended as
//! records are added (each new record's chain link checked first), checkpoints of it are signed
//! with the evidence key and kept, and inclusion and consistency proofs are served from the stored
//! subtrees. `verify_extends` checks, from the records themselves, that today's ledger still
//! begins with what an old checkpoint committed to.

use sea_orm::DatabaseConnection;

use super::db::entities::{completion_record, ledger_checkpoint};
use super::db::{ledger, ledger_tree, lock};
use super::evidence::EvidenceKey;
use crate::domain::checkpoint::{Checkpoint, base64};
use crate::domain::ledger::{ChainBreak, GENESIS, canonical_bytes, verify_chain_from};
use crate::domain::merkle::{
    self, Frontier, Hash, Node, ProofError, consistency_ranges, fold_range, inclusion_ranges,
    range_nodes,
};
use crate::error::AppError;
use crate::ssr::failure::internal;

/// Records read, checked and hashed per step.
const CHUNK: u64 = 2_000;

/// The lock that makes one instance at a time extend the tree.
const TREE_LOCK: &str = "ledger-tree";

/// The hash chain broke at a record the tree was about to take: the tree stops before it.
pub type Broken = ChainBreak;

/// Why no checkpoint can be made.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum NoCheckpoint {
    #[error("the hash chain is broken at {0}")]
    Chain(ChainBreak),
    #[error(
        "the stored Merkle tree of {size} records no longer has the root the checkpoint of that size signed: the tree was rewritten"
    )]
    TreeRewritten { size: u64 },
}

/// Adds every record not yet in the tree, oldest first, after checking each one's hash and link;
/// returns how many were added. Work is done a chunk at a time, hashing off the async runtime and
/// outside any transaction.
pub async fn extend_tree(db: &DatabaseConnection) -> Result<Result<u64, Broken>, AppError> {
    let mut added = 0;
    loop {
        let size = ledger_tree::size(db).await?;
        let edge = Frontier::new(size, ledger_tree::hashes(db, &range_nodes(0, size)).await?)
            .ok_or_else(|| {
                internal(
                    "extending the ledger tree",
                    "the stored tree is missing nodes on its edge",
                )
            })?;
        let previous_hash = match size {
            0 => GENESIS.to_owned(),
            _ => ledger::by_sequence(db, size as i64)
                .await?
                .map(|record| record.record_hash)
                .ok_or_else(|| {
                    internal("extending the ledger tree", "a tree leaf has no record")
                })?,
        };
        let records = ledger::after(db, size as i64, CHUNK).await?;
        if records.is_empty() {
            return Ok(Ok(added));
        }
        let count = records.len() as u64;
        let made =
            tokio::task::spawn_blocking(move || hash_leaves(size, edge, &previous_hash, &records))
                .await
                .map_err(|err| internal("hashing ledger leaves", err))?;
        let made = match made {
            Ok(made) => made,
            Err(broken) => return Ok(Err(broken)),
        };
        let txn = crate::ssr::db::begin(db).await?;
        lock::exclusive(&txn, TREE_LOCK).await?;
        // Another instance may have added these meanwhile; then read again.
        if ledger_tree::size(&txn).await? == size {
            ledger_tree::insert(&txn, &made).await?;
            txn.commit().await?;
            added += count;
        }
    }
}

/// Checks `records` (which follow leaf `size - 1`, whose record hash is `previous_hash`) and
/// returns the tree nodes they complete.
fn hash_leaves(
    size: u64,
    mut frontier: Frontier,
    previous_hash: &str,
    records: &[completion_record::Model],
) -> Result<Vec<(Node, Hash)>, ChainBreak> {
    let fields = records
        .iter()
        .map(|record| {
            ledger::fields_of(record)
                .map(|fields| (fields, record.record_hash.clone()))
                .ok_or_else(|| ChainBreak::UnknownKind {
                    sequence: record.sequence,
                    kind: record.kind.clone(),
                })
        })
        .collect::<Result<Vec<_>, _>>()?;
    verify_chain_from(size as i64, previous_hash, fields.iter().cloned())?;
    Ok(fields
        .iter()
        .flat_map(|(fields, _)| frontier.push(merkle::leaf_hash(&canonical_bytes(fields))))
        .collect())
}

/// The root of the stored tree's first `size` leaves.
pub async fn root_at(db: &DatabaseConnection, size: u64) -> Result<Hash, AppError> {
    Ok(fold_range(
        &ledger_tree::hashes(db, &range_nodes(0, size)).await?,
    ))
}

/// Extends the tree and, if it grew since the newest checkpoint (or there is none), signs and
/// keeps a checkpoint of it. Returns the newest checkpoint, after checking that the stored tree
/// still has its root.
pub async fn checkpoint(
    db: &DatabaseConnection,
    key: &EvidenceKey,
    origin: &str,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<Result<ledger_checkpoint::Model, NoCheckpoint>, AppError> {
    if let Err(broken) = extend_tree(db).await? {
        return Ok(Err(NoCheckpoint::Chain(broken)));
    }
    let size = ledger_tree::size(db).await?;
    let root = root_at(db, size).await?;
    let latest = ledger_tree::latest_checkpoint(db).await?;
    if let Some(latest) = latest.filter(|latest| latest.tree_size as u64 == size) {
        return Ok(if latest.root_hash == hex::encode(root) {
            Ok(latest)
        } else {
            Err(NoCheckpoint::TreeRewritten { size })
        });
    }
    let note = key.sign_checkpoint(&Checkpoint {
        origin: origin.to_owned(),
        size,
        root,
    });
    ledger_tree::insert_checkpoint(db, size, &root, note, now).await?;
    ledger_tree::latest_checkpoint(db)
        .await?
        .map(Ok)
        .ok_or_else(|| internal("keeping a checkpoint", "the checkpoint was not kept"))
}

/// An inclusion proof: leaf `index` of the tree of `size`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Inclusion {
    pub leaf: Hash,
    pub proof: Vec<Hash>,
    pub root: Hash,
}

/// The roots of leaf ranges, read from the stored subtrees in one go.
async fn range_roots(
    db: &DatabaseConnection,
    ranges: &[(u64, u64)],
) -> Result<Vec<Hash>, AppError> {
    let per_range: Vec<Vec<Node>> = ranges
        .iter()
        .map(|(start, end)| range_nodes(*start, *end))
        .collect();
    let all: Vec<Node> = per_range.iter().flatten().copied().collect();
    let hashes = ledger_tree::hashes(db, &all).await?;
    let mut at = 0;
    Ok(per_range
        .iter()
        .map(|nodes| {
            let root = fold_range(&hashes[at..at + nodes.len()]);
            at += nodes.len();
            root
        })
        .collect())
}

/// Leaf `index`'s inclusion in the tree of `size` (no larger than the stored tree).
pub async fn inclusion(
    db: &DatabaseConnection,
    index: u64,
    size: u64,
) -> Result<Result<Inclusion, ProofError>, AppError> {
    let available = ledger_tree::size(db).await?;
    if size > available {
        return Ok(Err(ProofError::TooLarge { size, available }));
    }
    if index >= size {
        return Ok(Err(ProofError::IndexOutOfRange { index, size }));
    }
    let proof = range_roots(db, &inclusion_ranges(index, size)).await?;
    let leaf = ledger_tree::hashes(db, &[Node { level: 0, index }]).await?[0];
    Ok(Ok(Inclusion {
        leaf,
        proof,
        root: root_at(db, size).await?,
    }))
}

/// That the tree of `from` leaves is a prefix of the tree of `to` (no larger than the stored
/// tree).
pub async fn consistency(
    db: &DatabaseConnection,
    from: u64,
    to: u64,
) -> Result<Result<Vec<Hash>, ProofError>, AppError> {
    let available = ledger_tree::size(db).await?;
    if to > available {
        return Ok(Err(ProofError::TooLarge {
            size: to,
            available,
        }));
    }
    if from > to {
        return Ok(Err(ProofError::SizesReversed { from, to }));
    }
    Ok(Ok(range_roots(db, &consistency_ranges(from, to)).await?))
}

/// How today's ledger stands against a checkpoint someone kept.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Against {
    /// Its first `checkpoint_size` records are the ones the checkpoint committed to.
    Extends {
        checkpoint_size: u64,
        ledger_size: u64,
    },
    /// Records the checkpoint committed to are gone: the first missing one is leaf `first_missing`
    /// (record `first_missing + 1`).
    Shrunk {
        checkpoint_size: u64,
        ledger_size: u64,
        first_missing: u64,
    },
    /// The records no longer hash to the checkpoint's root. `first_changed` is the first leaf
    /// whose record no longer matches the tree kept when it was added, when that tree was left
    /// alone.
    Changed { first_changed: Option<u64> },
}

/// Recomputes, from the records themselves, the tree of the first `checkpoint.size` records and
/// compares it with the checkpoint (whose signature the caller has checked).
pub async fn verify_extends(
    db: &DatabaseConnection,
    checkpoint: &Checkpoint,
) -> Result<Against, AppError> {
    let mut frontier = Frontier::default();
    let mut first_changed = None;
    while frontier.size() < checkpoint.size {
        let from = frontier.size();
        let want = (checkpoint.size - from).min(CHUNK);
        let records = ledger::after(db, from as i64, want).await?;
        let stored = ledger_tree::leaves(db, from, from + want).await?;
        if records.is_empty() {
            break;
        }
        let (next, changed) = tokio::task::spawn_blocking(move || {
            let mut frontier = frontier;
            let mut changed = None;
            for (offset, record) in records.iter().enumerate() {
                // A record out of sequence (one removed before it) changes the leaf at its place.
                let leaf = match ledger::fields_of(record) {
                    Some(fields) if record.sequence as u64 == frontier.size() + 1 => {
                        merkle::leaf_hash(&canonical_bytes(&fields))
                    }
                    _ => merkle::leaf_hash(record.record_hash.as_bytes()),
                };
                if changed.is_none() && stored.get(offset) != Some(&leaf) {
                    changed = Some(frontier.size());
                }
                frontier.push(leaf);
            }
            (frontier, changed)
        })
        .await
        .map_err(|err| internal("hashing ledger leaves", err))?;
        frontier = next;
        first_changed = first_changed.or(changed);
    }
    let ledger_size = ledger::count(db).await?;
    // A record changed or removed in the middle is named before any missing at the end: it is
    // the first bad index.
    if first_changed.is_some() {
        return Ok(Against::Changed { first_changed });
    }
    if frontier.size() < checkpoint.size {
        return Ok(Against::Shrunk {
            checkpoint_size: checkpoint.size,
            ledger_size,
            first_missing: frontier.size(),
        });
    }
    if frontier.root() != checkpoint.root {
        return Ok(Against::Changed { first_changed });
    }
    Ok(Against::Extends {
        checkpoint_size: checkpoint.size,
        ledger_size,
    })
}

/// The files an evidence pack carries to prove its records are in the ledger: `checkpoint.txt`
/// (made now), `ledger-records.jsonl` (each record's canonical bytes, one per line),
/// `ledger-proofs.jsonl` (each one's inclusion proof against the checkpoint),
/// `ledger-consistency.jsonl` (from each earlier pack's checkpoint to this one), `checkpoints.csv`
/// (the checkpoints kept during `period`) and `verify.py` (which checks them with the Python
/// standard library and openssl). A broken chain gives `ledger-proof-missing.txt` instead.
pub async fn pack_files(
    db: &DatabaseConnection,
    key: &EvidenceKey,
    origin: &str,
    records: &[&completion_record::Model],
    period: (chrono::DateTime<chrono::Utc>, chrono::DateTime<chrono::Utc>),
    now: chrono::DateTime<chrono::Utc>,
) -> Result<Vec<(String, Vec<u8>)>, AppError> {
    let kept = match checkpoint(db, key, origin, now).await? {
        Ok(kept) => kept,
        Err(broken) => {
            return Ok(vec![(
                "ledger-proof-missing.txt".to_owned(),
                format!(
                    "No checkpoint could be made at {now}: the hash chain is broken at {broken}.\n"
                )
                .into_bytes(),
            )]);
        }
    };
    let size = kept.tree_size as u64;
    let root = root_at(db, size).await?;
    let mut lines = Vec::new();
    let mut proofs = Vec::new();
    let in_tree: Vec<&&completion_record::Model> = records
        .iter()
        .filter(|r| r.sequence >= 1 && r.sequence as u64 <= size)
        .collect();
    // A chunk of records at a time: their proofs share most nodes, read once per chunk.
    let mut known: std::collections::HashMap<Node, Hash> = std::collections::HashMap::new();
    for chunk in in_tree.chunks(200) {
        // Low nodes are rarely shared between chunks; keep the upper ones.
        known.retain(|node, _| node.level > 7);
        let needed: Vec<Node> = chunk
            .iter()
            .flat_map(|record| {
                let index = record.sequence as u64 - 1;
                inclusion_ranges(index, size)
                    .into_iter()
                    .flat_map(|(start, end)| range_nodes(start, end))
                    .chain(std::iter::once(Node { level: 0, index }))
            })
            .filter(|node| !known.contains_key(node))
            .collect::<std::collections::BTreeSet<Node>>()
            .into_iter()
            .collect();
        let hashes = ledger_tree::hashes(db, &needed).await?;
        known.extend(needed.into_iter().zip(hashes));
        for record in chunk {
            let Some(fields) = ledger::fields_of(record) else {
                continue;
            };
            lines.extend_from_slice(&canonical_bytes(&fields));
            lines.push(b'\n');
            let index = record.sequence as u64 - 1;
            let path: Vec<Hash> = inclusion_ranges(index, size)
                .into_iter()
                .map(|(start, end)| {
                    let nodes: Vec<Hash> = range_nodes(start, end)
                        .iter()
                        .map(|node| known[node])
                        .collect();
                    fold_range(&nodes)
                })
                .collect();
            let proof = crate::api::ledger::InclusionProof {
                index,
                tree_size: size,
                leaf_hash: base64(&known[&Node { level: 0, index }]),
                root_hash: base64(&root),
                proof: path.iter().map(base64).collect(),
            };
            proofs.extend_from_slice(
                &serde_json::to_vec(&proof).map_err(|err| internal("writing a proof", err))?,
            );
            proofs.push(b'\n');
        }
    }
    // A consistency proof from each earlier pack's checkpoint, so that the previous period's
    // pack and this one can be checked against each other.
    let mut consistency_lines = Vec::new();
    for from in ledger_tree::pack_sizes_below(db, size).await? {
        let proof = crate::api::ledger::ConsistencyProof {
            from,
            to: size,
            to_root_hash: base64(&root),
            proof: range_roots(db, &consistency_ranges(from, size))
                .await?
                .iter()
                .map(base64)
                .collect(),
        };
        consistency_lines.extend_from_slice(
            &serde_json::to_vec(&proof).map_err(|err| internal("writing a proof", err))?,
        );
        consistency_lines.push(b'\n');
    }
    ledger_tree::remember_pack(db, size, now).await?;
    let mut kept_rows = Vec::new();
    for row in ledger_tree::checkpoints_between(db, period.0, period.1).await? {
        kept_rows.push(vec![
            row.tree_size.to_string(),
            base64(&ledger_tree::decode(&row.root_hash)?),
            crate::domain::ledger::timestamp(row.created_at),
        ]);
    }
    let kept_csv = crate::ssr::reporting::exports::csv_bytes(
        &["tree_size", "root_hash", "created_at"],
        &kept_rows,
        true,
    );
    Ok(vec![
        ("checkpoint.txt".to_owned(), kept.note.into_bytes()),
        ("ledger-records.jsonl".to_owned(), lines),
        ("ledger-proofs.jsonl".to_owned(), proofs),
        ("ledger-consistency.jsonl".to_owned(), consistency_lines),
        ("checkpoints.csv".to_owned(), kept_csv),
        ("verify.py".to_owned(), VERIFY_PY.as_bytes().to_vec()),
    ])
}

/// The pack's own checker.
pub const VERIFY_PY: &str = include_str!("evidence_verify.py");
