//! The ledger's Merkle tree, as RFC 9162 (Certificate Transparency 2.0) §2.1 defines it: leaf
//! hashes `SHA-256(0x00 || leaf)`, node hashes `SHA-256(0x01 || left || right)`, the tree split at
//! the largest power of two below its size; inclusion proofs (`PATH`) and consistency proofs
//! (`PROOF`), and their verification (§2.1.3.2, §2.1.4.2).
//!
//! Everything here works on leaf hashes, so a caller hashes each leaf's canonical bytes once
//! (`leaf_hash`) and keeps them.

use sha2::{Digest, Sha256};

/// A SHA-256 digest.
pub type Hash = [u8; 32];

/// `SHA-256(0x00 || leaf)`.
pub fn leaf_hash(leaf: &[u8]) -> Hash {
    let mut hasher = Sha256::new();
    hasher.update([0x00]);
    hasher.update(leaf);
    hasher.finalize().into()
}

/// `SHA-256(0x01 || left || right)`.
pub fn node_hash(left: &Hash, right: &Hash) -> Hash {
    let mut hasher = Sha256::new();
    hasher.update([0x01]);
    hasher.update(left);
    hasher.update(right);
    hasher.finalize().into()
}

/// The largest power of two strictly below `n` (n ≥ 2).
fn split(n: usize) -> usize {
    debug_assert!(n >= 2);
    1 << (usize::BITS - 1 - (n - 1).leading_zeros())
}

/// `MTH(D[n])` over leaf hashes: the root of the tree of these leaves (the hash of no bytes for
/// none).
pub fn root(leaves: &[Hash]) -> Hash {
    match leaves.len() {
        0 => Sha256::digest([]).into(),
        1 => leaves[0],
        n => {
            let k = split(n);
            node_hash(&root(&leaves[..k]), &root(&leaves[k..]))
        }
    }
}

/// Why a proof cannot be made or does not hold.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ProofError {
    #[error("leaf {index} is not in a tree of {size}")]
    IndexOutOfRange { index: u64, size: u64 },
    #[error("a tree of {from} cannot be proved consistent with a smaller tree of {to}")]
    SizesReversed { from: u64, to: u64 },
    #[error("the tree holds {available} leaves, fewer than the {size} asked for")]
    TooLarge { size: u64, available: u64 },
    #[error("the proof does not lead to the root: the log does not hold what was claimed")]
    Mismatch,
    #[error("the proof has the wrong number of hashes for these sizes")]
    WrongLength,
}

/// `PATH(m, D[n])`: the inclusion proof of leaf `index` in the tree of `leaves`.
pub fn inclusion_proof(index: u64, leaves: &[Hash]) -> Result<Vec<Hash>, ProofError> {
    let size = leaves.len() as u64;
    if index >= size {
        return Err(ProofError::IndexOutOfRange { index, size });
    }
    let mut proof = Vec::new();
    path(index as usize, leaves, &mut proof);
    Ok(proof)
}

fn path(m: usize, leaves: &[Hash], proof: &mut Vec<Hash>) {
    let n = leaves.len();
    if n <= 1 {
        return;
    }
    let k = split(n);
    if m < k {
        path(m, &leaves[..k], proof);
        proof.push(root(&leaves[k..]));
    } else {
        path(m - k, &leaves[k..], proof);
        proof.push(root(&leaves[..k]));
    }
}

/// `PROOF(m, D[n])`: that the tree of the first `from` leaves is a prefix of the tree of
/// `leaves`.
pub fn consistency_proof(from: u64, leaves: &[Hash]) -> Result<Vec<Hash>, ProofError> {
    let to = leaves.len() as u64;
    if from > to {
        return Err(ProofError::SizesReversed { from, to });
    }
    let mut proof = Vec::new();
    if from > 0 && from < to {
        subproof(from as usize, leaves, true, &mut proof);
    }
    Ok(proof)
}

fn subproof(m: usize, leaves: &[Hash], whole: bool, proof: &mut Vec<Hash>) {
    let n = leaves.len();
    if m == n {
        if !whole {
            proof.push(root(leaves));
        }
        return;
    }
    let k = split(n);
    if m <= k {
        subproof(m, &leaves[..k], whole, proof);
        proof.push(root(&leaves[k..]));
    } else {
        subproof(m - k, &leaves[k..], false, proof);
        proof.push(root(&leaves[..k]));
    }
}

/// Checks that `leaf` (a leaf hash) is leaf `index` of the tree of `size` with `root`
/// (RFC 9162 §2.1.3.2).
pub fn verify_inclusion(
    leaf: &Hash,
    index: u64,
    size: u64,
    proof: &[Hash],
    root: &Hash,
) -> Result<(), ProofError> {
    if index >= size {
        return Err(ProofError::IndexOutOfRange { index, size });
    }
    let (mut fn_, mut sn) = (index, size - 1);
    let mut r = *leaf;
    for p in proof {
        if sn == 0 {
            return Err(ProofError::WrongLength);
        }
        if fn_ & 1 == 1 || fn_ == sn {
            r = node_hash(p, &r);
            while fn_ & 1 == 0 && fn_ != 0 {
                fn_ >>= 1;
                sn >>= 1;
            }
        } else {
            r = node_hash(&r, p);
        }
        fn_ >>= 1;
        sn >>= 1;
    }
    if sn != 0 {
        return Err(ProofError::WrongLength);
    }
    if &r != root {
        return Err(ProofError::Mismatch);
    }
    Ok(())
}

/// Checks that the tree of `from` leaves with `from_root` is a prefix of the tree of `to` leaves
/// with `to_root` (RFC 9162 §2.1.4.2; an empty tree is a prefix of every tree).
pub fn verify_consistency(
    from: u64,
    to: u64,
    from_root: &Hash,
    to_root: &Hash,
    proof: &[Hash],
) -> Result<(), ProofError> {
    if from > to {
        return Err(ProofError::SizesReversed { from, to });
    }
    if from == to {
        if !proof.is_empty() {
            return Err(ProofError::WrongLength);
        }
        return if from_root == to_root {
            Ok(())
        } else {
            Err(ProofError::Mismatch)
        };
    }
    if from == 0 {
        return if proof.is_empty() {
            Ok(())
        } else {
            Err(ProofError::WrongLength)
        };
    }
    if proof.is_empty() {
        return Err(ProofError::WrongLength);
    }
    let mut path: Vec<Hash> = Vec::with_capacity(proof.len() + 1);
    if from.is_power_of_two() {
        path.push(*from_root);
    }
    path.extend_from_slice(proof);
    let (mut fn_, mut sn) = (from - 1, to - 1);
    while fn_ & 1 == 1 {
        fn_ >>= 1;
        sn >>= 1;
    }
    let (mut fr, mut sr) = (path[0], path[0]);
    for c in &path[1..] {
        if sn == 0 {
            return Err(ProofError::WrongLength);
        }
        if fn_ & 1 == 1 || fn_ == sn {
            fr = node_hash(c, &fr);
            sr = node_hash(c, &sr);
            while fn_ & 1 == 0 && fn_ != 0 {
                fn_ >>= 1;
                sn >>= 1;
            }
        } else {
            sr = node_hash(&sr, c);
        }
        fn_ >>= 1;
        sn >>= 1;
    }
    if sn != 0 {
        return Err(ProofError::WrongLength);
    }
    if &fr != from_root || &sr != to_root {
        return Err(ProofError::Mismatch);
    }
    Ok(())
}

/// A perfect subtree: `2^level` leaves starting at leaf `index · 2^level`. Level 0 is a leaf.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Node {
    pub level: u32,
    pub index: u64,
}

/// The perfect subtrees whose hashes make up the root of leaves `[start, end)`, left to right, for
/// a range the tree's own splits produce (`start` a multiple of the largest power of two not
/// above `end - start`): the root is their right fold (`node_hash(a, node_hash(b, …))`).
pub fn range_nodes(start: u64, end: u64) -> Vec<Node> {
    let mut nodes = Vec::new();
    let mut at = start;
    while at < end {
        let remaining = end - at;
        let level = u64::BITS - 1 - remaining.leading_zeros();
        nodes.push(Node {
            level,
            index: at >> level,
        });
        at += 1 << level;
    }
    nodes
}

/// The root of a range from its `range_nodes` hashes (the hash of no bytes for none).
pub fn fold_range(hashes: &[Hash]) -> Hash {
    match hashes.split_last() {
        None => Sha256::digest([]).into(),
        Some((last, rest)) => rest
            .iter()
            .rev()
            .fold(*last, |right, left| node_hash(left, &right)),
    }
}

/// The leaf ranges whose roots form `PATH(index, D[size])`, in proof order.
pub fn inclusion_ranges(index: u64, size: u64) -> Vec<(u64, u64)> {
    let mut ranges = Vec::new();
    let (mut start, mut end) = (0, size);
    while end - start > 1 {
        let k = split((end - start) as usize) as u64;
        if index - start < k {
            ranges.push((start + k, end));
            end = start + k;
        } else {
            ranges.push((start, start + k));
            start += k;
        }
    }
    ranges.reverse();
    ranges
}

/// The leaf ranges whose roots form `PROOF(from, D[to])`, in proof order.
pub fn consistency_ranges(from: u64, to: u64) -> Vec<(u64, u64)> {
    let mut ranges = Vec::new();
    if from == 0 || from >= to {
        return ranges;
    }
    let (mut start, mut end, mut m, mut whole) = (0, to, from, true);
    loop {
        let n = end - start;
        if m == n {
            if !whole {
                ranges.push((start, end));
            }
            break;
        }
        let k = split(n as usize) as u64;
        if m <= k {
            ranges.push((start + k, end));
            end = start + k;
        } else {
            ranges.push((start, start + k));
            start += k;
            m -= k;
            whole = false;
        }
    }
    ranges.reverse();
    ranges
}

/// The right edge of a tree: the roots of its perfect subtrees, largest first. Appending a leaf
/// completes zero or more subtrees, whose hashes are returned for keeping.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Frontier {
    size: u64,
    /// Hashes of `range_nodes(0, size)`, left to right.
    hashes: Vec<Hash>,
}

impl Frontier {
    /// The edge of a tree of `size` leaves from the hashes of `range_nodes(0, size)`.
    pub fn new(size: u64, hashes: Vec<Hash>) -> Option<Self> {
        (range_nodes(0, size).len() == hashes.len()).then_some(Self { size, hashes })
    }

    pub fn size(&self) -> u64 {
        self.size
    }

    /// The tree's root.
    pub fn root(&self) -> Hash {
        fold_range(&self.hashes)
    }

    /// Appends a leaf hash; returns every node it completes (the leaf itself first).
    pub fn push(&mut self, leaf: Hash) -> Vec<(Node, Hash)> {
        let index = self.size;
        let mut made = vec![(Node { level: 0, index }, leaf)];
        let mut hash = leaf;
        let mut level = 0;
        // Each trailing one bit of the index closes a subtree with its left neighbour.
        while (index >> level) & 1 == 1 {
            let left = self.hashes.pop().unwrap_or(hash);
            hash = node_hash(&left, &hash);
            level += 1;
            made.push((
                Node {
                    level,
                    index: index >> level,
                },
                hash,
            ));
        }
        self.hashes.push(hash);
        self.size += 1;
        made
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The leaves of the Certificate Transparency reference test vectors.
    fn reference_leaves() -> Vec<Hash> {
        [
            &b""[..],
            &[0x00],
            &[0x10],
            &[0x20, 0x21],
            &[0x30, 0x31],
            &[0x40, 0x41, 0x42, 0x43],
            &[0x50, 0x51, 0x52, 0x53, 0x54, 0x55, 0x56, 0x57],
            &[
                0x60, 0x61, 0x62, 0x63, 0x64, 0x65, 0x66, 0x67, 0x68, 0x69, 0x6a, 0x6b, 0x6c, 0x6d,
                0x6e, 0x6f,
            ],
        ]
        .iter()
        .map(|leaf| leaf_hash(leaf))
        .collect()
    }

    fn leaves(n: usize) -> Vec<Hash> {
        (0..n)
            .map(|i| leaf_hash(&(i as u64).to_be_bytes()))
            .collect()
    }

    #[test]
    fn roots_match_the_certificate_transparency_test_vectors() {
        let expected = [
            "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
            "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
            "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
            "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
            "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
            "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
            "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
        ];
        let all = reference_leaves();
        for (size, hex_root) in expected.iter().enumerate() {
            assert_eq!(
                hex::encode(root(&all[..=size])),
                *hex_root,
                "size {}",
                size + 1
            );
        }
        assert_eq!(
            hex::encode(root(&[])),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
    }

    #[test]
    fn every_inclusion_proof_verifies_and_any_change_fails() {
        for size in 1..=33usize {
            let all = leaves(size);
            let top = root(&all);
            for index in 0..size {
                let proof = inclusion_proof(index as u64, &all).unwrap();
                let (i, n) = (index as u64, size as u64);
                assert_eq!(verify_inclusion(&all[index], i, n, &proof, &top), Ok(()));
                let other = leaf_hash(b"not in the log");
                assert!(verify_inclusion(&other, i, n, &proof, &top).is_err());
                if size > 1 {
                    let wrong = (index + 1) % size;
                    assert!(verify_inclusion(&all[index], wrong as u64, n, &proof, &top).is_err());
                    let mut bent = proof.clone();
                    bent[0][0] ^= 1;
                    assert!(verify_inclusion(&all[index], i, n, &bent, &top).is_err());
                    assert!(verify_inclusion(&all[index], i, n, &proof[1..], &top).is_err());
                }
            }
        }
        assert_eq!(
            inclusion_proof(3, &leaves(3)),
            Err(ProofError::IndexOutOfRange { index: 3, size: 3 })
        );
    }

    #[test]
    fn every_consistency_proof_verifies_and_a_rewritten_prefix_fails() {
        for to in 1..=33usize {
            let all = leaves(to);
            let to_root = root(&all);
            for from in 0..=to {
                let from_root = root(&all[..from]);
                let proof = consistency_proof(from as u64, &all).unwrap();
                let (m, n) = (from as u64, to as u64);
                assert_eq!(
                    verify_consistency(m, n, &from_root, &to_root, &proof),
                    Ok(()),
                    "{from} → {to}"
                );
                if from > 0 && from < to {
                    // The same history with one early record changed.
                    let mut rewritten = all.clone();
                    rewritten[from - 1] = leaf_hash(b"changed");
                    let new_root = root(&rewritten);
                    let forged = consistency_proof(m, &rewritten).unwrap();
                    assert!(verify_consistency(m, n, &from_root, &new_root, &forged).is_err());
                    assert!(verify_consistency(m, n, &from_root, &new_root, &proof).is_err());
                }
            }
        }
    }

    #[test]
    fn proof_sizes_match_the_reference_vectors() {
        // PATH(0, D[8]) and PROOF(4, D[8]) have three and one hashes (RFC 9162 §2.1.5).
        let all = reference_leaves();
        assert_eq!(inclusion_proof(0, &all).unwrap().len(), 3);
        assert_eq!(consistency_proof(4, &all).unwrap().len(), 1);
        assert_eq!(consistency_proof(3, &all[..7]).unwrap().len(), 4);
        assert_eq!(
            hex::encode(inclusion_proof(0, &all).unwrap()[0]),
            "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7"
        );
    }

    /// Every node of the tree of `all`, as a store would keep them.
    fn stored(all: &[Hash]) -> std::collections::HashMap<Node, Hash> {
        let mut frontier = Frontier::default();
        all.iter().flat_map(|leaf| frontier.push(*leaf)).collect()
    }

    fn from_store(store: &std::collections::HashMap<Node, Hash>, start: u64, end: u64) -> Hash {
        let hashes: Vec<Hash> = range_nodes(start, end).iter().map(|n| store[n]).collect();
        fold_range(&hashes)
    }

    #[test]
    fn proofs_from_stored_subtrees_equal_proofs_from_leaves() {
        for size in 1..=40usize {
            let all = leaves(size);
            let store = stored(&all);
            let n = size as u64;
            assert_eq!(from_store(&store, 0, n), root(&all), "root of {size}");
            let mut frontier = Frontier::default();
            all.iter().for_each(|leaf| {
                frontier.push(*leaf);
            });
            assert_eq!(frontier.root(), root(&all));
            let edge: Vec<Hash> = range_nodes(0, n).iter().map(|node| store[node]).collect();
            assert_eq!(Frontier::new(n, edge).unwrap(), frontier);
            for index in 0..n {
                let proof: Vec<Hash> = inclusion_ranges(index, n)
                    .into_iter()
                    .map(|(a, b)| from_store(&store, a, b))
                    .collect();
                assert_eq!(
                    proof,
                    inclusion_proof(index, &all).unwrap(),
                    "PATH({index}, {n})"
                );
            }
            for from in 0..=n {
                let proof: Vec<Hash> = consistency_ranges(from, n)
                    .into_iter()
                    .map(|(a, b)| from_store(&store, a, b))
                    .collect();
                assert_eq!(
                    proof,
                    consistency_proof(from, &all).unwrap(),
                    "PROOF({from}, {n})"
                );
            }
        }
    }
}
