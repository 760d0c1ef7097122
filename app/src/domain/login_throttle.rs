//! When repeated failed sign-ins slow or stop further attempts.
//!
//! - Per account (the address as typed): after `max_per_account` failures in the window, that
//!   account refuses attempts until the oldest counted failure leaves the window. Unknown
//!   accounts are throttled exactly like real ones, so the limit reveals nothing.
//! - Per client address: after `max_per_client` failures, attempts from that address must carry
//!   a fresh single-use proof that a person loaded the sign-in form (the form has one). It is a
//!   speed bump for scripts, never a block: behind a shared proxy, everyone else who types their
//!   correct password on the form still signs in.
//!
//! Counting happens in the database, and each attempt is counted before its password is
//! checked, under a lock per account, so parallel attempts cannot all slip under the limit.

use chrono::{DateTime, Duration, Utc};

/// Limits on failed sign-ins within a sliding window.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LoginThrottle {
    /// Failures for one email address before it is locked for the rest of the window.
    pub max_per_account: usize,
    /// Failures from one client address, across all accounts, before it is locked.
    pub max_per_client: usize,
    /// How far back failures count.
    pub window: Duration,
}

impl Default for LoginThrottle {
    fn default() -> Self {
        Self {
            max_per_account: 5,
            max_per_client: 20,
            window: Duration::minutes(15),
        }
    }
}

/// A refusal: sign-in may be tried again once `until` has passed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Locked {
    pub until: DateTime<Utc>,
}

impl Locked {
    /// Whole seconds left, never zero, for a `Retry-After` value and the user-facing message.
    pub fn retry_after_secs(&self, now: DateTime<Utc>) -> u64 {
        u64::try_from((self.until - now).num_seconds())
            .unwrap_or(0)
            .max(1)
    }
}

impl LoginThrottle {
    /// The earliest time failures are counted from.
    pub fn window_start(&self, now: DateTime<Utc>) -> DateTime<Utc> {
        now - self.window
    }

    /// Whether the account may be tried again, given the times of its recent failures (any
    /// order; older ones are ignored).
    pub fn check_account(
        &self,
        account_failures: &[DateTime<Utc>],
        now: DateTime<Utc>,
    ) -> Result<(), Locked> {
        match self.lock_from(account_failures, self.max_per_account, now) {
            Some(until) => Err(Locked { until }),
            None => Ok(()),
        }
    }

    /// Whether attempts from a client address with these recent failures must prove that a
    /// person loaded the form.
    pub fn needs_presence(&self, client_failures: &[DateTime<Utc>], now: DateTime<Utc>) -> bool {
        self.lock_from(client_failures, self.max_per_client, now)
            .is_some()
    }

    // Locked until the oldest failure that still keeps the count at the limit leaves the window.
    fn lock_from(
        &self,
        failures: &[DateTime<Utc>],
        limit: usize,
        now: DateTime<Utc>,
    ) -> Option<DateTime<Utc>> {
        let start = self.window_start(now);
        // A failure timed after `now` counts too: attempts run side by side, and one that began a
        // moment later may have been counted first.
        let mut recent: Vec<_> = failures.iter().copied().filter(|at| *at > start).collect();
        if limit == 0 || recent.len() < limit {
            return None;
        }
        recent.sort_unstable_by(|a, b| b.cmp(a));
        // The limit-th newest failure is the one whose expiry brings the count below the limit.
        recent.get(limit - 1).map(|at| *at + self.window)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(minute: i64) -> DateTime<Utc> {
        DateTime::<Utc>::from_timestamp(1_800_000_000 + minute * 60, 0).unwrap()
    }

    #[test]
    fn failures_counted_by_attempts_that_began_later_count() {
        let throttle = LoginThrottle::default();
        let later: Vec<_> = (0..throttle.max_per_account)
            .map(|_| at(0) + chrono::Duration::milliseconds(5))
            .collect();
        assert!(throttle.check_account(&later, at(0)).is_err());
    }

    #[test]
    fn a_few_failures_do_not_lock() {
        let throttle = LoginThrottle::default();
        assert_eq!(
            throttle.check_account(&[at(0), at(1), at(2), at(3)], at(4)),
            Ok(())
        );
    }

    #[test]
    fn the_fifth_failure_locks_the_account_until_the_oldest_counted_one_expires() {
        let throttle = LoginThrottle::default();
        let failures = [at(0), at(1), at(2), at(3), at(4)];
        let locked = throttle.check_account(&failures, at(5)).unwrap_err();
        assert_eq!(locked, Locked { until: at(15) });
        assert_eq!(locked.retry_after_secs(at(10)), 300);
        assert_eq!(throttle.check_account(&failures, at(15)), Ok(()));
    }

    #[test]
    fn failures_outside_the_window_do_not_count() {
        let throttle = LoginThrottle::default();
        let failures = [at(0), at(1), at(20), at(21), at(22)];
        assert_eq!(throttle.check_account(&failures, at(23)), Ok(()));
    }

    #[test]
    fn a_busy_client_address_needs_proof_of_presence_not_a_lock() {
        let throttle = LoginThrottle::default();
        let few: Vec<_> = (0..19).map(|i| at(i / 2)).collect();
        assert!(!throttle.needs_presence(&few, at(10)));
        let many: Vec<_> = (0..20).map(|i| at(i / 2)).collect();
        assert!(throttle.needs_presence(&many, at(10)));
        assert!(
            !throttle.needs_presence(&many, at(25)),
            "they leave the window"
        );
    }

    #[test]
    fn retry_after_is_never_zero() {
        let locked = Locked { until: at(1) };
        assert_eq!(locked.retry_after_secs(at(1)), 1);
        assert_eq!(locked.retry_after_secs(at(2)), 1);
    }
}
