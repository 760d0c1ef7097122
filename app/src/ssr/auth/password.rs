//! Password hashing with argon2id (OWASP's recommended parameters, the argon2 crate's default).
//!
//! Each Argon2 run holds 19 MiB and a CPU for a while, so at most `MAX_CONCURRENT` run at once,
//! on the blocking thread pool, never on the async workers. The limit is process-wide (like
//! the memory it protects); further requests wait their turn, and after `WAIT` get "busy".

use argon2::{
    Argon2, PasswordHash, PasswordVerifier,
    password_hash::{PasswordHasher as _, SaltString, rand_core::OsRng},
};

use crate::domain::password_policy::NewPassword;

/// Argon2 computations at once.
pub const MAX_CONCURRENT: usize = 4;
/// How long a request waits for a turn before it is told Vigil is busy.
const WAIT: std::time::Duration = std::time::Duration::from_secs(20);

static TURNS: tokio::sync::Semaphore = tokio::sync::Semaphore::const_new(MAX_CONCURRENT);
static IN_FLIGHT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
static PEAK: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

/// The most Argon2 computations that ran at once in this process (for tests and monitoring).
pub fn peak_concurrency() -> usize {
    PEAK.load(std::sync::atomic::Ordering::SeqCst)
}

/// Runs `work` (an Argon2 computation) when a turn is free, off the async threads.
async fn in_turn<T: Send + 'static>(
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T, crate::error::AppError> {
    use std::sync::atomic::Ordering;
    let _turn = tokio::time::timeout(WAIT, TURNS.acquire())
        .await
        .map_err(|_| crate::error::AppError::Busy)?
        .map_err(|_| crate::error::AppError::Busy)?;
    let running = IN_FLIGHT.fetch_add(1, Ordering::SeqCst) + 1;
    PEAK.fetch_max(running, Ordering::SeqCst);
    let result = tokio::task::spawn_blocking(work).await;
    IN_FLIGHT.fetch_sub(1, Ordering::SeqCst);
    result.map_err(|err| super::super::internal("password hashing task", err))
}

/// Verifies a candidate, in turn (see `verify`).
pub async fn verify_in_turn(
    candidate: String,
    stored: Option<String>,
    dummy: String,
) -> Result<bool, crate::error::AppError> {
    in_turn(move || verify(&candidate, stored.as_deref(), &dummy)).await
}

/// Hashes a password that met the policy, in turn.
pub async fn hash_in_turn(password: NewPassword) -> Result<String, crate::error::AppError> {
    in_turn(move || hash(&password))
        .await?
        .map_err(|err| super::super::internal("password hashing", err))
}

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

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn no_more_than_the_limit_of_hashes_run_at_once() {
        let tasks: Vec<_> = (0..16)
            .map(|i| {
                tokio::spawn(async move {
                    let password = NewPassword::parse(
                        &format!("a long enough passphrase {i}"),
                        "x@example.com",
                    )
                    .unwrap();
                    hash_in_turn(password).await
                })
            })
            .collect();
        for task in tasks {
            assert!(task.await.unwrap().unwrap().starts_with("$argon2id$"));
        }
        assert!(peak_concurrency() >= 1);
        assert!(
            peak_concurrency() <= MAX_CONCURRENT,
            "{}",
            peak_concurrency()
        );
    }

    #[test]
    fn without_a_stored_hash_nothing_verifies_not_even_the_dummy_secret() {
        let dummy = hash_str("known-to-the-test").unwrap();
        assert!(!verify("known-to-the-test", None, &dummy));
    }
}
