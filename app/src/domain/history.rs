//! Keeping what a person's training depends on (and each course's rule) as history with
//! validity intervals, so that a closed period can be reconstructed as it stood.
//!
//! Each thing has at most one open interval. A change either leaves it (nothing changed),
//! rewrites it (it was opened within the same change, so nothing ever saw the first version), or
//! closes it and opens the next.

use chrono::{DateTime, NaiveDate, Utc};

/// What a person's obligations depend on, at one time.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PersonState {
    pub active: bool,
    pub hire_date: NaiveDate,
    pub department_id: Option<i64>,
    pub job_title: String,
    pub manager_id: Option<i64>,
    /// Job role slugs, sorted.
    pub roles: Vec<String>,
}

/// What to do with the open interval when the current state is recorded.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Step {
    /// Nothing is open yet: open the first interval.
    Open,
    /// The open interval already holds this state.
    Keep,
    /// The open interval was opened by this same change: rewrite it in place.
    Rewrite,
    /// Close the open interval at the change and open a new one from it.
    Supersede,
}

/// The step for recording `current` at `at`, given the open interval's state and when it was
/// written (`None`: there is none).
pub fn step<S: PartialEq>(
    open: Option<(&S, DateTime<Utc>)>,
    current: &S,
    at: DateTime<Utc>,
) -> Step {
    match open {
        None => Step::Open,
        Some((state, _)) if state == current => Step::Keep,
        Some((_, changed_at)) if changed_at == at => Step::Rewrite,
        Some(_) => Step::Supersede,
    }
}

/// Whether an interval `[from, to)` (open ends unbounded) holds at `at`.
pub fn holds_at(from: Option<DateTime<Utc>>, to: Option<DateTime<Utc>>, at: DateTime<Utc>) -> bool {
    from.is_none_or(|from| from <= at) && to.is_none_or(|to| to > at)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(seconds: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(1_700_000_000 + seconds, 0).unwrap()
    }

    #[test]
    fn a_change_within_the_same_write_rewrites_and_a_later_one_supersedes() {
        assert_eq!(step::<u8>(None, &1, t(0)), Step::Open);
        assert_eq!(step(Some((&1, t(0))), &1, t(5)), Step::Keep);
        assert_eq!(step(Some((&1, t(0))), &2, t(0)), Step::Rewrite);
        assert_eq!(step(Some((&1, t(0))), &2, t(5)), Step::Supersede);
    }

    #[test]
    fn intervals_include_their_start_and_exclude_their_end() {
        assert!(holds_at(None, None, t(0)));
        assert!(holds_at(None, Some(t(10)), t(9)));
        assert!(!holds_at(None, Some(t(10)), t(10)));
        assert!(holds_at(Some(t(10)), None, t(10)));
        assert!(!holds_at(Some(t(10)), None, t(9)));
        assert!(
            !holds_at(Some(t(10)), Some(t(10)), t(10)),
            "an empty interval never holds"
        );
    }
}
