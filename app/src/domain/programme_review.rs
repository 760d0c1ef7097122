//! Reviews of the training programme (PCI DSS 12.6.2 asks for one at least every 12 months):
//! what a compliance administrator records, and how a pack states where the programme stands.

use chrono::{Months, NaiveDate};

use crate::domain::person::parse_date;
use crate::error::{Field, Invalid};

/// Longest summary or list of changes.
pub const MAX_LONG_TEXT: usize = 5_000;
/// Longest list of reviewers.
pub const MAX_REVIEWERS: usize = 300;
/// The longest a programme may go between reviews.
pub const REVIEW_EVERY: Months = Months::new(12);

/// A review as submitted, each field as typed.
#[derive(Clone, Debug, Default)]
pub struct ReviewForm {
    pub reviewed_on: String,
    pub reviewers: String,
    pub summary: String,
    pub changes: String,
    /// Empty: twelve months after the review.
    pub next_review_on: String,
}

/// A checked review.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Review {
    pub reviewed_on: NaiveDate,
    pub reviewers: String,
    pub summary: String,
    pub changes: String,
    pub next_review_on: NaiveDate,
}

fn text(input: &str, field: Field, max: usize, required: bool) -> Result<String, Invalid> {
    let trimmed = input.trim();
    if required && trimmed.is_empty() {
        return Err(Invalid::Required(field));
    }
    if trimmed.chars().count() > max {
        return Err(Invalid::TooLong(field, max));
    }
    if trimmed
        .chars()
        .any(|c| c.is_control() && c != '\n' && c != '\r' && c != '\t')
    {
        return Err(Invalid::ControlCharacters(field));
    }
    Ok(trimmed.replace("\r\n", "\n"))
}

impl ReviewForm {
    /// Checks every field; `today` bounds the review date (a review cannot be recorded before
    /// it happened).
    pub fn check(&self, today: NaiveDate) -> Result<Review, Invalid> {
        let reviewed_on = parse_date(&self.reviewed_on, Field::ReviewedOn)?;
        if reviewed_on > today {
            return Err(Invalid::ReviewInFuture);
        }
        let latest_next = reviewed_on + REVIEW_EVERY;
        let next_review_on = match self.next_review_on.trim() {
            "" => latest_next,
            raw => parse_date(raw, Field::NextReviewOn)?,
        };
        if next_review_on <= reviewed_on || next_review_on > latest_next {
            return Err(Invalid::NextReviewOutOfRange);
        }
        Ok(Review {
            reviewed_on,
            reviewers: text(&self.reviewers, Field::Reviewers, MAX_REVIEWERS, true)?,
            summary: text(&self.summary, Field::Summary, MAX_LONG_TEXT, true)?,
            changes: text(&self.changes, Field::Changes, MAX_LONG_TEXT, false)?,
            next_review_on,
        })
    }
}

/// The newest review on or before `period_end`, as the pack states it.
pub fn standing(last_review: Option<(NaiveDate, &str, &str)>, period_end: NaiveDate) -> String {
    match last_review {
        None => "No review of the training programme is recorded in Vigil on or before the period's end.".to_owned(),
        Some((on, reviewers, summary)) => {
            let within = on + REVIEW_EVERY >= period_end;
            format!(
                "The programme was last reviewed on {on} by {reviewers}: {summary} That is {} 12 months of the period's end.",
                if within { "within" } else { "MORE than" }
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(text: &str) -> NaiveDate {
        text.parse().unwrap()
    }

    fn form() -> ReviewForm {
        ReviewForm {
            reviewed_on: "2026-11-20".into(),
            reviewers: "Carl Compliance, Isa Officer".into(),
            summary: " Coverage, phishing results and new threats reviewed. ".into(),
            changes: "Added the incident investigation course.".into(),
            next_review_on: String::new(),
        }
    }

    #[test]
    fn a_review_is_checked_and_the_next_one_defaults_to_twelve_months_later() {
        let review = form().check(day("2026-12-01")).unwrap();
        assert_eq!(review.next_review_on, day("2027-11-20"));
        assert_eq!(
            review.summary,
            "Coverage, phishing results and new threats reviewed."
        );
    }

    #[test]
    fn future_reviews_late_next_reviews_and_missing_fields_are_refused() {
        let today = day("2026-12-01");
        let future = ReviewForm {
            reviewed_on: "2026-12-02".into(),
            ..form()
        };
        assert_eq!(future.check(today), Err(Invalid::ReviewInFuture));
        let late = ReviewForm {
            next_review_on: "2027-11-21".into(),
            ..form()
        };
        assert_eq!(late.check(today), Err(Invalid::NextReviewOutOfRange));
        let before = ReviewForm {
            next_review_on: "2026-11-20".into(),
            ..form()
        };
        assert_eq!(before.check(today), Err(Invalid::NextReviewOutOfRange));
        let empty = ReviewForm {
            summary: "  ".into(),
            ..form()
        };
        assert_eq!(empty.check(today), Err(Invalid::Required(Field::Summary)));
        let bad_date = ReviewForm {
            reviewed_on: "20/11/2026".into(),
            ..form()
        };
        assert_eq!(
            bad_date.check(today),
            Err(Invalid::DateFormat(Field::ReviewedOn))
        );
    }

    #[test]
    fn the_pack_says_whether_the_last_review_is_recent_enough() {
        let end = day("2026-12-31");
        assert!(standing(None, end).starts_with("No review"));
        let recent = standing(Some((day("2026-02-01"), "Carl", "Reviewed.")), end);
        assert!(
            recent.contains("on 2026-02-01 by Carl: Reviewed. That is within 12 months"),
            "{recent}"
        );
        let old = standing(Some((day("2025-12-30"), "Carl", "Reviewed.")), end);
        assert!(old.contains("MORE than 12 months"), "{old}");
    }
}
