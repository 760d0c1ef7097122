//! Password hashing with argon2id (OWASP's recommended parameters, the argon2 crate's default).

use argon2::{
    Argon2, PasswordHash, PasswordVerifier,
    password_hash::{PasswordHasher as _, SaltString, rand_core::OsRng},
};

use crate::domain::password_policy::NewPassword;

/// Hashes a password that met the policy into a PHC string.
pub fn hash(password: &NewPassword) -> Result<String, argon2::password_hash::Error> {
    hash_str(password.expose())
}

/// Hashes any string; used for the dummy hash and by `hash`.
pub fn hash_str(secret: &str) -> Result<String, argon2::password_hash::Error> {
    let salt = SaltString::generate(&mut OsRng);
    Ok(Argon2::default()
        .hash_password(secret.as_bytes(), &salt)?
        .to_string())
}

/// Verifies `candidate` against `stored`, or against `dummy` when there is no stored hash, so
/// that an unknown account costs the same time as a wrong password. Always false without a
/// stored hash.
pub fn verify(candidate: &str, stored: Option<&str>, dummy: &str) -> bool {
    let target = stored.unwrap_or(dummy);
    let matches = PasswordHash::new(target)
        .map(|parsed| {
            Argon2::default()
                .verify_password(candidate.as_bytes(), &parsed)
                .is_ok()
        })
        .unwrap_or(false);
    matches && stored.is_some()
}

/// A hash of random bytes nobody knows, for `verify`.
pub fn dummy_hash() -> Result<String, argon2::password_hash::Error> {
    let random: [u8; 16] = rand::random();
    hash_str(&hex::encode(random))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_right_password_verifies_and_a_wrong_one_does_not() {
        let password = NewPassword::parse("correct horse battery staple", "x@example.com").unwrap();
        let stored = hash(&password).unwrap();
        let dummy = dummy_hash().unwrap();
        assert!(stored.starts_with("$argon2id$"));
        assert!(verify(
            "correct horse battery staple",
            Some(&stored),
            &dummy
        ));
        assert!(!verify(
            "correct horse battery stapler",
            Some(&stored),
            &dummy
        ));
    }

    #[test]
    fn without_a_stored_hash_nothing_verifies_not_even_the_dummy_secret() {
        let dummy = hash_str("known-to-the-test").unwrap();
        assert!(!verify("known-to-the-test", None, &dummy));
    }
}
