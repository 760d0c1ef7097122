//! The transparency log's public wire format: proofs as JSON, hashes in standard base64 (as in
//! the checkpoint's root line). Served without authentication: they hold hashes only.

use serde::{Deserialize, Serialize};

/// `GET /ledger/proof/inclusion?index=I&size=N`.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct InclusionQuery {
    pub index: Option<String>,
    pub size: Option<String>,
}

/// `GET /ledger/proof/consistency?from=N&to=M`.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct ConsistencyQuery {
    pub from: Option<String>,
    pub to: Option<String>,
}

/// Leaf `index` (record `index + 1`) is in the tree of `tree_size` leaves with `root_hash`:
/// RFC 9162 `PATH(index, D[tree_size])`, nearest the leaf first.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct InclusionProof {
    pub index: u64,
    pub tree_size: u64,
    pub leaf_hash: String,
    pub root_hash: String,
    pub proof: Vec<String>,
}

/// The tree of `from` leaves is a prefix of the tree of `to` leaves with `to_root_hash`:
/// RFC 9162 `PROOF(from, D[to])`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConsistencyProof {
    pub from: u64,
    pub to: u64,
    pub to_root_hash: String,
    pub proof: Vec<String>,
}
