//! Calendar periods such as "12 months" or "30 days", used for recurrence and due dates.
//!
//! Months and years follow the calendar: one month after 31 January is the last day of
//! February, and one year after 29 February is 28 February.

use chrono::{Days, Months, NaiveDate};
use serde::{Deserialize, Serialize};

/// The unit of a period.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Unit {
    Days,
    Weeks,
    Months,
    Years,
}

/// A positive number of calendar units.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Period {
    pub amount: u32,
    pub unit: Unit,
}

/// How often a course is retaken.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Recurrence {
    /// Taken once.
    Never,
    /// Taken again this long after each completion.
    Every(Period),
}

impl Period {
    /// Parses `"30 days"`, `"1 week"`, `"12 months"`, `"1 year"`. The error says what is accepted.
    pub fn parse(input: &str) -> Result<Self, String> {
        let mut words = input.split_whitespace();
        let (Some(amount), Some(unit), None) = (words.next(), words.next(), words.next()) else {
            return Err(format!(
                "{input:?} is not a period: write a number and a unit, such as \"30 days\" or \"12 months\""
            ));
        };
        let amount: u32 =
            amount.parse().ok().filter(|n| *n > 0).ok_or_else(|| {
                format!("{input:?}: the number must be a whole number of at least 1")
            })?;
        let unit = match unit.to_ascii_lowercase().as_str() {
            "day" | "days" => Unit::Days,
            "week" | "weeks" => Unit::Weeks,
            "month" | "months" => Unit::Months,
            "year" | "years" => Unit::Years,
            other => {
                return Err(format!(
                    "{input:?}: unknown unit {other:?}; use days, weeks, months or years"
                ));
            }
        };
        let limit = match unit {
            Unit::Days => 3660,
            Unit::Weeks => 520,
            Unit::Months => 120,
            Unit::Years => 10,
        };
        if amount > limit {
            return Err(format!(
                "{input:?} is too long; the longest period is 10 years"
            ));
        }
        Ok(Self { amount, unit })
    }

    /// The date this period after `date`, clamped to the end of short months.
    pub fn after(&self, date: NaiveDate) -> NaiveDate {
        let shifted = match self.unit {
            Unit::Days => date.checked_add_days(Days::new(u64::from(self.amount))),
            Unit::Weeks => date.checked_add_days(Days::new(u64::from(self.amount) * 7)),
            Unit::Months => date.checked_add_months(Months::new(self.amount)),
            Unit::Years => date.checked_add_months(Months::new(self.amount.saturating_mul(12))),
        };
        shifted.unwrap_or(NaiveDate::MAX)
    }
}

impl std::fmt::Display for Period {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let (singular, plural) = match self.unit {
            Unit::Days => ("day", "days"),
            Unit::Weeks => ("week", "weeks"),
            Unit::Months => ("month", "months"),
            Unit::Years => ("year", "years"),
        };
        write!(
            f,
            "{} {}",
            self.amount,
            if self.amount == 1 { singular } else { plural }
        )
    }
}

impl Recurrence {
    /// Whether a completion on `completed_on` still counts on `today` (before it is due again).
    pub fn still_valid(&self, completed_on: NaiveDate, today: NaiveDate) -> bool {
        match self {
            Self::Never => true,
            Self::Every(period) => today < period.after(completed_on),
        }
    }

    /// Parses `"never"` or a period.
    pub fn parse(input: &str) -> Result<Self, String> {
        if input.trim().eq_ignore_ascii_case("never") {
            Ok(Self::Never)
        } else {
            Period::parse(input).map(Self::Every)
        }
    }
}

impl std::fmt::Display for Recurrence {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Never => f.write_str("never"),
            Self::Every(period) => write!(f, "every {period}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn a_completion_counts_until_its_recurrence_comes_round() {
        let yearly = Recurrence::parse("12 months").unwrap();
        assert!(yearly.still_valid(date(2026, 1, 31), date(2027, 1, 30)));
        assert!(!yearly.still_valid(date(2026, 1, 31), date(2027, 1, 31)));
        assert!(Recurrence::Never.still_valid(date(2000, 1, 1), date(2030, 1, 1)));
    }

    #[test]
    fn periods_parse_in_singular_and_plural() {
        assert_eq!(
            Period::parse("30 days"),
            Ok(Period {
                amount: 30,
                unit: Unit::Days
            })
        );
        assert_eq!(
            Period::parse("1 Year"),
            Ok(Period {
                amount: 1,
                unit: Unit::Years
            })
        );
        assert_eq!(
            Period::parse(" 6  weeks "),
            Ok(Period {
                amount: 6,
                unit: Unit::Weeks
            })
        );
    }

    #[test]
    fn bad_periods_say_what_is_accepted() {
        assert!(
            Period::parse("monthly")
                .unwrap_err()
                .contains("write a number and a unit")
        );
        assert!(Period::parse("0 days").unwrap_err().contains("at least 1"));
        assert!(
            Period::parse("3 fortnights")
                .unwrap_err()
                .contains("unknown unit")
        );
        assert!(
            Period::parse("200 months")
                .unwrap_err()
                .contains("too long")
        );
    }

    #[test]
    fn months_follow_the_calendar_and_clamp_to_month_end() {
        let month = Period::parse("1 month").unwrap();
        assert_eq!(month.after(date(2026, 1, 31)), date(2026, 2, 28));
        assert_eq!(month.after(date(2028, 1, 31)), date(2028, 2, 29));
        let year = Period::parse("12 months").unwrap();
        assert_eq!(year.after(date(2024, 2, 29)), date(2025, 2, 28));
        assert_eq!(
            Period::parse("1 year").unwrap().after(date(2026, 3, 31)),
            date(2027, 3, 31)
        );
    }

    #[test]
    fn days_and_weeks_count_days() {
        assert_eq!(
            Period::parse("30 days").unwrap().after(date(2026, 2, 1)),
            date(2026, 3, 3)
        );
        assert_eq!(
            Period::parse("2 weeks").unwrap().after(date(2026, 12, 25)),
            date(2027, 1, 8)
        );
    }

    #[test]
    fn recurrence_is_never_or_a_period() {
        assert_eq!(Recurrence::parse("never"), Ok(Recurrence::Never));
        assert_eq!(
            Recurrence::parse("12 months").unwrap().to_string(),
            "every 12 months"
        );
    }
}
