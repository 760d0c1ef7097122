//! Dates and times as people read them. Vigil shows UTC everywhere, and says so, because
//! evidence must not depend on the reader's time zone.

use chrono::{DateTime, NaiveDate, Utc};

/// `21 Nov 2026, 14:05 UTC`
pub fn date_time(at: DateTime<Utc>) -> String {
    at.format("%-d %b %Y, %H:%M UTC").to_string()
}

/// `21 Nov 2026`
pub fn date(day: NaiveDate) -> String {
    day.format("%-d %b %Y").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_are_written_out_in_utc() {
        let at = DateTime::<Utc>::from_timestamp(1_795_000_000, 0).unwrap();
        assert_eq!(date_time(at), "18 Nov 2026, 11:06 UTC");
        assert_eq!(date(at.date_naive()), "18 Nov 2026");
    }
}
