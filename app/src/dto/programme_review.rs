//! Reviews of the training programme, as listed on `/compliance/reviews`.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

/// One recorded review.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReviewRow {
    pub id: i64,
    pub reviewed_on: NaiveDate,
    pub reviewers: String,
    pub summary: String,
    pub changes: String,
    pub next_review_on: NaiveDate,
    pub recorded_at: DateTime<Utc>,
    /// Who recorded it.
    pub recorded_by: String,
}

/// The page: reviews newest first, and whether the next one is overdue today.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReviewsView {
    pub reviews: Vec<ReviewRow>,
    pub today: NaiveDate,
}

impl ReviewsView {
    /// The newest review's next date, when it has passed.
    pub fn overdue_since(&self) -> Option<NaiveDate> {
        self.reviews
            .first()
            .map(|r| r.next_review_on)
            .filter(|next| *next < self.today)
    }
}
