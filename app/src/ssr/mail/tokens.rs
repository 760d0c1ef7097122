//! Random tokens for emailed links, and the hashes that are stored instead of them.

use base64::Engine as _;
use sha2::{Digest, Sha256};

/// A new token (256 random bits, URL-safe) and its hash.
pub fn new_token() -> (String, String) {
    let bytes: [u8; 32] = rand::random();
    let token = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes);
    let hash = hash(&token);
    (token, hash)
}

/// The SHA-256 of a token, as stored. Tokens are random, so a fast hash is enough: nobody
/// can guess one from its hash.
pub fn hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.trim().as_bytes()))
}

/// Whether a string could be a token at all (before touching the database).
pub fn looks_valid(token: &str) -> bool {
    token.len() == 43
        && token
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_unique_url_safe_and_stored_only_as_hashes() {
        let (a, hash_a) = new_token();
        let (b, _) = new_token();
        assert_ne!(a, b);
        assert!(looks_valid(&a), "{a}");
        assert_eq!(hash_a, hash(&a));
        assert_eq!(hash_a.len(), 64);
        assert!(!hash_a.contains(&a));
    }

    #[test]
    fn malformed_tokens_are_refused_before_any_lookup() {
        assert!(!looks_valid(""));
        assert!(!looks_valid("../../etc/passwd"));
        assert!(!looks_valid(&"a".repeat(44)));
    }
}
