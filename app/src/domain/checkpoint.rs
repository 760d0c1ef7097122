//! Signed checkpoints of the ledger's Merkle tree, in the C2SP formats `tlog-checkpoint` (the
//! body: origin, tree size, root hash) and `signed-note` (the body followed by a blank line and
//! one signature line per key), signed with Ed25519.
//!
//! ```text
//! vigil.example.org/ledger
//! 1234
//! 3q2+7w...base64 root...=
//!
//! — vigil.example.org/ledger Ab3x...base64(key id || signature)...
//! ```
//!
//! A key's id is the first four bytes of `SHA-256(name || "\n" || 0x01 || public key)`, and the
//! signature covers the body's bytes.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use ed25519_dalek::{Signature, Signer, SigningKey, VerifyingKey};
use sha2::{Digest, Sha256};

use super::merkle::Hash;

/// The Ed25519 signature type in signed notes.
const ED25519: u8 = 0x01;

/// What a checkpoint commits to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Checkpoint {
    /// The log's name: a schema-less URL-like string unique to this ledger.
    pub origin: String,
    pub size: u64,
    pub root: Hash,
}

/// Why a checkpoint was refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum CheckpointError {
    #[error("this is not a checkpoint: {0}")]
    Malformed(&'static str),
    #[error("the checkpoint is for the log {found:?}, not {expected:?}")]
    OtherLog { found: String, expected: String },
    #[error("the checkpoint carries no signature by {0:?}")]
    Unsigned(String),
    #[error("the checkpoint's signature by {0:?} does not match its contents")]
    BadSignature(String),
}

impl Checkpoint {
    /// The note's text: origin, size and base64 root, each on its own line.
    pub fn body(&self) -> String {
        format!("{}\n{}\n{}\n", self.origin, self.size, base64(&self.root))
    }

    /// The signed note: the body, a blank line, and the signature line for `key` named `name`.
    pub fn sign(&self, name: &str, key: &SigningKey) -> String {
        let body = self.body();
        let signature = key.sign(body.as_bytes());
        let mut signed = key_id(name, &key.verifying_key()).to_vec();
        signed.extend_from_slice(&signature.to_bytes());
        format!("{body}\n\u{2014} {name} {}\n", STANDARD.encode(signed))
    }

    /// Parses a signed note and checks its signature by `key` named `name`, and that it is a
    /// checkpoint of `origin` (when given).
    pub fn open(
        note: &str,
        name: &str,
        key: &VerifyingKey,
        origin: Option<&str>,
    ) -> Result<Self, CheckpointError> {
        let (body, signatures) = note.split_once("\n\n").ok_or(CheckpointError::Malformed(
            "no blank line before its signatures",
        ))?;
        let body = format!("{body}\n");
        let checkpoint = Self::parse_body(&body)?;
        if let Some(expected) = origin
            && checkpoint.origin != expected
        {
            return Err(CheckpointError::OtherLog {
                found: checkpoint.origin,
                expected: expected.to_owned(),
            });
        }
        let id = key_id(name, key);
        let mut found = false;
        for line in signatures.lines() {
            let Some(rest) = line.strip_prefix("\u{2014} ") else {
                return Err(CheckpointError::Malformed(
                    "a signature line does not start with —",
                ));
            };
            let Some((signer, encoded)) = rest.split_once(' ') else {
                return Err(CheckpointError::Malformed(
                    "a signature line has no signature",
                ));
            };
            let bytes = STANDARD
                .decode(encoded)
                .map_err(|_| CheckpointError::Malformed("a signature is not base64"))?;
            if signer != name || bytes.len() != 68 || bytes[..4] != id {
                continue;
            }
            found = true;
            let signature = Signature::from_slice(&bytes[4..])
                .map_err(|_| CheckpointError::Malformed("a signature has the wrong length"))?;
            key.verify_strict(body.as_bytes(), &signature)
                .map_err(|_| CheckpointError::BadSignature(name.to_owned()))?;
        }
        if found {
            Ok(checkpoint)
        } else {
            Err(CheckpointError::Unsigned(name.to_owned()))
        }
    }

    fn parse_body(body: &str) -> Result<Self, CheckpointError> {
        let mut lines = body.lines();
        let origin = lines
            .next()
            .filter(|line| !line.is_empty())
            .ok_or(CheckpointError::Malformed("no origin line"))?;
        let size = lines
            .next()
            .filter(|line| line.bytes().all(|b| b.is_ascii_digit()) && !line.is_empty())
            .filter(|line| *line == "0" || !line.starts_with('0'))
            .and_then(|line| line.parse::<u64>().ok())
            .ok_or(CheckpointError::Malformed(
                "the second line is not a tree size",
            ))?;
        let root: Hash = lines
            .next()
            .and_then(|line| STANDARD.decode(line).ok())
            .and_then(|bytes| bytes.try_into().ok())
            .ok_or(CheckpointError::Malformed(
                "the third line is not a base64 SHA-256 root hash",
            ))?;
        Ok(Self {
            origin: origin.to_owned(),
            size,
            root,
        })
    }
}

/// A hash as checkpoints and proofs write it: standard base64.
pub fn base64(hash: &Hash) -> String {
    STANDARD.encode(hash)
}

/// A key's id in signed notes: the first four bytes of `SHA-256(name || "\n" || 0x01 || key)`.
pub fn key_id(name: &str, key: &VerifyingKey) -> [u8; 4] {
    let mut hasher = Sha256::new();
    hasher.update(name.as_bytes());
    hasher.update(b"\n");
    hasher.update([ED25519]);
    hasher.update(key.as_bytes());
    let digest = hasher.finalize();
    [digest[0], digest[1], digest[2], digest[3]]
}

/// The verifier key string witnesses and verifiers configure: `name+hex(id)+base64(0x01 || key)`.
pub fn verifier_key(name: &str, key: &VerifyingKey) -> String {
    let mut typed = vec![ED25519];
    typed.extend_from_slice(key.as_bytes());
    format!(
        "{name}+{}+{}",
        hex::encode(key_id(name, key)),
        STANDARD.encode(typed)
    )
}

/// Whether `name` can name a log and its key: printable, no spaces or `+`.
pub fn valid_name(name: &str) -> bool {
    !name.is_empty() && name.chars().all(|c| c.is_ascii_graphic() && c != '+')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key() -> SigningKey {
        SigningKey::from_bytes(&[7; 32])
    }

    fn checkpoint() -> Checkpoint {
        Checkpoint {
            origin: "vigil.example.org/ledger".into(),
            size: 1234,
            root: [0xab; 32],
        }
    }

    #[test]
    fn a_signed_checkpoint_opens_with_its_key_and_reads_back() {
        let note = checkpoint().sign("vigil.example.org/ledger", &key());
        assert!(
            note.starts_with("vigil.example.org/ledger\n1234\nq6ur"),
            "{note}"
        );
        assert!(
            note.contains("\n\n\u{2014} vigil.example.org/ledger "),
            "{note}"
        );
        let opened = Checkpoint::open(
            &note,
            "vigil.example.org/ledger",
            &key().verifying_key(),
            Some("vigil.example.org/ledger"),
        );
        assert_eq!(opened, Ok(checkpoint()));
    }

    #[test]
    fn a_changed_size_or_root_or_another_key_is_refused() {
        let name = "vigil.example.org/ledger";
        let note = checkpoint().sign(name, &key());
        let public = key().verifying_key();
        let smaller = note.replacen("\n1234\n", "\n1233\n", 1);
        assert_eq!(
            Checkpoint::open(&smaller, name, &public, None),
            Err(CheckpointError::BadSignature(name.into()))
        );
        let other = SigningKey::from_bytes(&[8; 32]).verifying_key();
        assert_eq!(
            Checkpoint::open(&note, name, &other, None),
            Err(CheckpointError::Unsigned(name.into()))
        );
        assert!(matches!(
            Checkpoint::open(&note, name, &public, Some("another/log")),
            Err(CheckpointError::OtherLog { .. })
        ));
        assert!(matches!(
            Checkpoint::open("hello\n", name, &public, None),
            Err(CheckpointError::Malformed(_))
        ));
    }

    #[test]
    fn the_verifier_key_names_the_key_and_its_id() {
        let public = key().verifying_key();
        let verifier = verifier_key("log", &public);
        let parts: Vec<&str> = verifier.split('+').collect();
        assert_eq!(parts[0], "log");
        assert_eq!(parts[1], hex::encode(key_id("log", &public)));
        assert_eq!(STANDARD.decode(parts[2]).unwrap()[0], 0x01);
        assert!(valid_name("vigil.example.org/ledger"));
        assert!(!valid_name("a b") && !valid_name("a+b") && !valid_name(""));
    }
}
