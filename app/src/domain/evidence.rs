//! Evidence packs: a manifest of SHA-256 hashes of every file, signed with Ed25519, and the
//! offline check of a pack.
//!
//! The manifest is in `sha256sum` format (`<hex>  <path>`), so `sha256sum -c MANIFEST.sha256`
//! checks the files; the signature is a plain Ed25519 signature over the manifest's bytes, so
//! `openssl pkeyutl -verify -pubin -inkey signing-key.pub.pem -rawin -in MANIFEST.sha256
//! -sigfile MANIFEST.sha256.sig` checks the manifest. `docs/evidence.md` shows both.

use std::collections::BTreeMap;

use ed25519_dalek::pkcs8::{DecodePublicKey, EncodePublicKey, spki::der::pem::LineEnding};
use ed25519_dalek::{Signature, Signer, SigningKey, VerifyingKey};
use sha2::{Digest, Sha256};

/// The manifest's file name.
pub const MANIFEST: &str = "MANIFEST.sha256";
/// The signature's file name: 64 raw bytes.
pub const SIGNATURE: &str = "MANIFEST.sha256.sig";
/// The public key's file name: SubjectPublicKeyInfo PEM.
pub const PUBLIC_KEY: &str = "signing-key.pub.pem";

/// Files outside the manifest (they are how it is checked).
const UNHASHED: [&str; 3] = [MANIFEST, SIGNATURE, PUBLIC_KEY];

/// How the zip comment that carries the whole-file signature starts. The manifest covers every
/// file's content; this signature covers every byte of the zip itself (headers, timestamps,
/// padding), so no byte can change unnoticed. The comment is the last thing in a zip file.
pub const CONTAINER_PREFIX: &str = "vigil-evidence-signature:";
/// The comment's length: the prefix and a base64 Ed25519 signature (88 characters).
pub const CONTAINER_COMMENT_LEN: usize = CONTAINER_PREFIX.len() + 88;

/// The placeholder comment a zip is written with before `sign_container` fills it in.
pub fn container_placeholder() -> String {
    format!("{CONTAINER_PREFIX}{}", "=".repeat(88))
}

/// Signs a finished zip written with `container_placeholder()` as its comment: the signature over
/// every byte before the comment replaces the placeholder.
pub fn sign_container(mut zip: Vec<u8>, key: &SigningKey) -> Vec<u8> {
    use base64::Engine as _;
    let signed_len = zip.len().saturating_sub(CONTAINER_COMMENT_LEN);
    let signature = key.sign(&zip[..signed_len]);
    let comment = format!(
        "{CONTAINER_PREFIX}{}",
        base64::engine::general_purpose::STANDARD.encode(signature.to_bytes())
    );
    zip.truncate(signed_len);
    zip.extend_from_slice(comment.as_bytes());
    zip
}

/// Checks the whole-file signature of a zipped pack against `key`.
pub fn check_container(zip: &[u8], key: &VerifyingKey) -> Result<(), String> {
    use base64::Engine as _;
    let unsigned = || {
        "the zip file has no whole-file signature at its end: it was re-packed, truncated or had bytes added".to_owned()
    };
    let signed_len = zip
        .len()
        .checked_sub(CONTAINER_COMMENT_LEN)
        .ok_or_else(unsigned)?;
    let comment = std::str::from_utf8(&zip[signed_len..]).map_err(|_| unsigned())?;
    let encoded = comment
        .strip_prefix(CONTAINER_PREFIX)
        .ok_or_else(unsigned)?;
    let signature = base64::engine::general_purpose::STANDARD
        .decode(encoded)
        .ok()
        .and_then(|bytes| Signature::from_slice(&bytes).ok())
        .ok_or_else(unsigned)?;
    key.verify_strict(&zip[..signed_len], &signature)
        .map_err(|_| {
            "the zip file was changed after it was signed: its whole-file signature does not match"
                .to_owned()
        })
}

/// SHA-256 as lower-case hex.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// The manifest for `files` (path order).
pub fn manifest(files: &BTreeMap<String, Vec<u8>>) -> String {
    files
        .iter()
        .filter(|(path, _)| !UNHASHED.contains(&path.as_str()))
        .map(|(path, bytes)| format!("{}  {path}\n", sha256_hex(bytes)))
        .collect()
}

/// A short fingerprint of a public key, to compare with the one Vigil shows: SHA-256 of the raw
/// key, in groups of four.
pub fn fingerprint(key: &VerifyingKey) -> String {
    let hex = sha256_hex(key.as_bytes());
    hex.as_bytes()[..32]
        .chunks(4)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect::<Vec<_>>()
        .join(":")
}

/// The public key as PEM.
pub fn public_key_pem(key: &VerifyingKey) -> String {
    key.to_public_key_pem(LineEnding::LF).unwrap_or_default()
}

/// Adds the manifest, its signature and the public key to `files`.
pub fn seal(mut files: BTreeMap<String, Vec<u8>>, key: &SigningKey) -> BTreeMap<String, Vec<u8>> {
    let manifest = manifest(&files);
    let signature = key.sign(manifest.as_bytes());
    files.insert(MANIFEST.to_owned(), manifest.into_bytes());
    files.insert(SIGNATURE.to_owned(), signature.to_bytes().to_vec());
    files.insert(
        PUBLIC_KEY.to_owned(),
        public_key_pem(&key.verifying_key()).into_bytes(),
    );
    files
}

/// What checking a pack found.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PackReport {
    pub files_checked: usize,
    pub fingerprint: Option<String>,
    pub problems: Vec<String>,
    /// The ledger proof the pack carries, when it carries one and it holds.
    pub ledger: Option<super::pack_proof::LedgerProof>,
}

impl PackReport {
    /// Whether the pack is exactly as signed.
    pub fn is_intact(&self) -> bool {
        self.problems.is_empty()
    }
}

/// Checks a pack: the signature over the manifest, every file against the manifest, and no file
/// added or missing. With `trusted`, the pack's key must also be that key.
pub fn verify(files: &BTreeMap<String, Vec<u8>>, trusted: Option<&VerifyingKey>) -> PackReport {
    let mut report = PackReport::default();
    let (Some(manifest), Some(signature), Some(key_pem)) = (
        files.get(MANIFEST),
        files.get(SIGNATURE),
        files.get(PUBLIC_KEY),
    ) else {
        report.problems.push(format!(
            "the pack must contain {MANIFEST}, {SIGNATURE} and {PUBLIC_KEY}"
        ));
        return report;
    };
    let key = match std::str::from_utf8(key_pem)
        .ok()
        .and_then(|pem| VerifyingKey::from_public_key_pem(pem).ok())
    {
        Some(key) => key,
        None => {
            report
                .problems
                .push(format!("{PUBLIC_KEY} is not an Ed25519 public key"));
            return report;
        }
    };
    report.fingerprint = Some(fingerprint(&key));
    if let Some(trusted) = trusted
        && trusted != &key
    {
        report.problems.push(format!(
            "the pack was signed with key {}, not the trusted key {}",
            fingerprint(&key),
            fingerprint(trusted)
        ));
    }
    match Signature::from_slice(signature) {
        Ok(signature) if key.verify_strict(manifest, &signature).is_ok() => {}
        _ => report.problems.push(format!("the signature does not match {MANIFEST}: the manifest was changed or signed by someone else")),
    }

    let Ok(manifest) = std::str::from_utf8(manifest) else {
        report.problems.push(format!("{MANIFEST} is not text"));
        return report;
    };
    let mut listed = BTreeMap::new();
    for (number, line) in manifest.lines().enumerate() {
        match line.split_once("  ") {
            Some((hash, path)) if hash.len() == 64 => {
                listed.insert(path.to_owned(), hash.to_owned());
            }
            _ => report.problems.push(format!(
                "{MANIFEST} line {} is not `<sha256>  <path>`",
                number + 1
            )),
        }
    }
    for (path, hash) in &listed {
        match files.get(path) {
            None => report.problems.push(format!(
                "{path} is listed in the manifest but missing from the pack"
            )),
            Some(bytes) if sha256_hex(bytes) != *hash => report.problems.push(format!(
                "{path} has been changed: its hash does not match the manifest"
            )),
            Some(_) => report.files_checked += 1,
        }
    }
    for path in files
        .keys()
        .filter(|p| !UNHASHED.contains(&p.as_str()) && !listed.contains_key(*p))
    {
        report.problems.push(format!(
            "{path} is in the pack but not in the manifest (it was added)"
        ));
    }
    report
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key() -> SigningKey {
        SigningKey::from_bytes(&[7u8; 32])
    }

    fn pack() -> BTreeMap<String, Vec<u8>> {
        let files = BTreeMap::from([
            ("index.html".to_owned(), b"<h1>Evidence</h1>".to_vec()),
            (
                "completions.csv".to_owned(),
                b"sequence,person\n1,Ann\n".to_vec(),
            ),
        ]);
        seal(files, &key())
    }

    #[test]
    fn a_sealed_pack_verifies_against_its_own_and_the_trusted_key() {
        let report = verify(&pack(), Some(&key().verifying_key()));
        assert!(report.is_intact(), "{:?}", report.problems);
        assert_eq!(report.files_checked, 2);
        assert_eq!(
            report.fingerprint.as_deref(),
            Some(fingerprint(&key().verifying_key()).as_str())
        );
    }

    #[test]
    fn the_manifest_reads_like_sha256sum_output() {
        let manifest = String::from_utf8(pack()[MANIFEST].clone()).unwrap();
        let first = manifest.lines().next().unwrap();
        assert_eq!(
            first,
            format!(
                "{}  completions.csv",
                sha256_hex(b"sequence,person\n1,Ann\n")
            )
        );
    }

    /// Stands in for a zip: some bytes, then the placeholder comment.
    fn signed_container() -> Vec<u8> {
        let mut bytes = b"PK\x03\x04 local headers, data, central directory, end record".to_vec();
        bytes.extend_from_slice(container_placeholder().as_bytes());
        sign_container(bytes, &key())
    }

    #[test]
    fn every_byte_of_a_signed_container_is_covered() {
        let signed = signed_container();
        assert!(check_container(&signed, &key().verifying_key()).is_ok());
        for position in 0..signed.len() {
            let mut changed = signed.clone();
            changed[position] ^= 0x01;
            assert!(
                check_container(&changed, &key().verifying_key()).is_err(),
                "a change at byte {position} went unnoticed"
            );
        }
        let mut appended = signed.clone();
        appended.push(b'x');
        assert!(check_container(&appended, &key().verifying_key()).is_err());
        assert!(check_container(&signed[1..], &key().verifying_key()).is_err());
        let other = SigningKey::from_bytes(&[8u8; 32]);
        assert!(check_container(&signed, &other.verifying_key()).is_err());
    }

    #[test]
    fn any_changed_byte_is_found() {
        for path in ["completions.csv", "index.html", MANIFEST, SIGNATURE] {
            let mut files = pack();
            let bytes = files.get_mut(path).unwrap();
            bytes[3] ^= 1;
            let report = verify(&files, None);
            assert!(
                !report.is_intact(),
                "a changed byte in {path} went unnoticed"
            );
        }
    }

    #[test]
    fn added_and_removed_files_are_named() {
        let mut files = pack();
        files.remove("index.html");
        files.insert("extra.csv".to_owned(), b"x".to_vec());
        let problems = verify(&files, None).problems;
        assert!(
            problems.contains(
                &"index.html is listed in the manifest but missing from the pack".to_owned()
            ),
            "{problems:?}"
        );
        assert!(
            problems.contains(
                &"extra.csv is in the pack but not in the manifest (it was added)".to_owned()
            ),
            "{problems:?}"
        );
    }

    #[test]
    fn a_pack_resigned_with_another_key_fails_against_the_trusted_key() {
        let other = SigningKey::from_bytes(&[9u8; 32]);
        let mut files = pack();
        files.insert("completions.csv".to_owned(), b"forged".to_vec());
        files.remove(MANIFEST);
        files.remove(SIGNATURE);
        files.remove(PUBLIC_KEY);
        let forged = seal(files, &other);
        assert!(
            verify(&forged, None).is_intact(),
            "self-consistent on its own"
        );
        let report = verify(&forged, Some(&key().verifying_key()));
        assert!(
            report.problems[0].contains("not the trusted key"),
            "{:?}",
            report.problems
        );
    }
}
