//! Whether a certificate still stands: not voided, not past its recurrence, not superseded by a
//! material new version of the course.

use chrono::NaiveDate;

use super::period::Recurrence;

/// A certificate's standing on a given day.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Standing {
    /// Valid, until the date given (or for ever).
    Valid { until: Option<NaiveDate> },
    /// The recurrence period has passed.
    Expired { on: NaiveDate },
    /// A material version was published after the one completed.
    Superseded { version: i32 },
    /// An administrator voided the record.
    Voided,
}

/// The standing of a completion of `version` on `completed_on`, given the course's recurrence and
/// its versions as (number, material).
pub fn standing(
    completed_on: NaiveDate,
    version: i32,
    recurrence: Recurrence,
    versions: &[(i32, bool)],
    voided: bool,
    today: NaiveDate,
) -> Standing {
    if voided {
        return Standing::Voided;
    }
    if let Some(newer) = versions
        .iter()
        .filter(|(number, material)| *material && *number > version)
        .map(|(number, _)| *number)
        .max()
    {
        return Standing::Superseded { version: newer };
    }
    match recurrence {
        Recurrence::Never => Standing::Valid { until: None },
        Recurrence::Every(period) => {
            let until = period.after(completed_on);
            if until > today {
                Standing::Valid { until: Some(until) }
            } else {
                Standing::Expired { on: until }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn a_recent_completion_is_valid_until_its_recurrence() {
        let yearly = Recurrence::parse("12 months").unwrap();
        assert_eq!(
            standing(
                day("2026-03-01"),
                1,
                yearly,
                &[(1, false)],
                false,
                day("2026-11-21")
            ),
            Standing::Valid {
                until: Some(day("2027-03-01"))
            }
        );
        assert_eq!(
            standing(
                day("2025-03-01"),
                1,
                yearly,
                &[(1, false)],
                false,
                day("2026-11-21")
            ),
            Standing::Expired {
                on: day("2026-03-01")
            }
        );
        assert_eq!(
            standing(
                day("2020-01-01"),
                1,
                Recurrence::Never,
                &[(1, false)],
                false,
                day("2026-11-21")
            ),
            Standing::Valid { until: None }
        );
    }

    #[test]
    fn a_material_new_version_supersedes_but_a_minor_one_does_not() {
        let yearly = Recurrence::parse("12 months").unwrap();
        let today = day("2026-11-21");
        assert_eq!(
            standing(
                day("2026-06-01"),
                1,
                yearly,
                &[(1, false), (2, false)],
                false,
                today
            ),
            Standing::Valid {
                until: Some(day("2027-06-01"))
            }
        );
        assert_eq!(
            standing(
                day("2026-06-01"),
                1,
                yearly,
                &[(1, false), (2, true), (3, false)],
                false,
                today
            ),
            Standing::Superseded { version: 2 }
        );
        assert_eq!(
            standing(
                day("2026-06-01"),
                2,
                yearly,
                &[(1, false), (2, true)],
                false,
                today
            ),
            Standing::Valid {
                until: Some(day("2027-06-01"))
            }
        );
    }

    #[test]
    fn a_voided_record_certifies_nothing() {
        assert_eq!(
            standing(
                day("2026-06-01"),
                1,
                Recurrence::Never,
                &[(1, false)],
                true,
                day("2026-11-21")
            ),
            Standing::Voided
        );
    }
}
