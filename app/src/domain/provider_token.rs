//! When an ID token from the organisation's OpenID provider was issued, judged against Vigil's
//! clock. Vigil's own session tokens allow no leeway at all (`ssr::auth::jwt`); a provider's
//! token is stamped by another machine's clock, in whole seconds, so a token issued in the same
//! instant can carry a time a fraction of a second, or a little more, ahead of ours.

use chrono::{DateTime, Duration, Utc};

/// How far a provider's clock may run ahead of Vigil's. A token stamped further ahead is
/// refused, as is one issued longer ago than [`MAX_AGE_MINUTES`].
pub const CLOCK_SKEW_SECONDS: i64 = 30;
/// A token issued longer ago than this is refused (its code was held back and replayed).
pub const MAX_AGE_MINUTES: i64 = 10;

/// Whether a token issued at `issued` may be used at `now` (read after the token arrived).
pub fn issue_time_acceptable(issued: DateTime<Utc>, now: DateTime<Utc>) -> Result<(), String> {
    if issued > now + Duration::seconds(CLOCK_SKEW_SECONDS) {
        Err(format!(
            "it was issued in the future ({issued}, more than {CLOCK_SKEW_SECONDS} s ahead of this server's clock)"
        ))
    } else if issued + Duration::minutes(MAX_AGE_MINUTES) < now {
        Err(format!("it was issued too long ago ({issued})"))
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(seconds: i64, millis: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(1_800_000_000 + seconds, 0).unwrap()
            + Duration::milliseconds(millis)
    }

    #[test]
    fn a_token_stamped_in_the_next_whole_second_is_accepted() {
        // The failure seen in CI: issued at :24 by the provider's clock, checked at :23.9.
        assert_eq!(issue_time_acceptable(at(24, 0), at(23, 900)), Ok(()));
        assert_eq!(issue_time_acceptable(at(10, 0), at(10, 0)), Ok(()));
    }

    #[test]
    fn a_provider_clock_a_little_ahead_is_accepted_and_far_ahead_is_refused() {
        assert!(issue_time_acceptable(at(CLOCK_SKEW_SECONDS, 0), at(0, 0)).is_ok());
        let refused = issue_time_acceptable(at(CLOCK_SKEW_SECONDS, 1), at(0, 0)).unwrap_err();
        assert!(refused.contains("issued in the future"), "{refused}");
        assert!(issue_time_acceptable(at(3600, 0), at(0, 0)).is_err());
    }

    #[test]
    fn a_token_older_than_the_limit_is_refused() {
        let limit = MAX_AGE_MINUTES * 60;
        assert!(issue_time_acceptable(at(0, 0), at(limit, 0)).is_ok());
        let refused = issue_time_acceptable(at(0, 0), at(limit, 1)).unwrap_err();
        assert!(refused.contains("too long ago"), "{refused}");
    }
}
