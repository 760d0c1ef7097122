//! Compliance over the last twelve months. Each closed month end is counted once, by running the
//! (pure) assignment engine as of that date on what was known then (versions published by that
//! date, completions made by then, people not yet gone, exemptions in force), and kept by course
//! and department; the dashboard reads those counts and today's from the live obligations.
//!
//! People's roles and departments are those of the day the month end was counted (Vigil does
//! not keep their history), so a month's figure is "how compliant were these people then".

use std::collections::HashMap;

use chrono::{DateTime, Datelike, Months, NaiveDate, Utc};
use sea_orm::sea_query::OnConflict;
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter};

use crate::domain::assignment::{EngineInput, obligations};
use crate::domain::chart::Point;
use crate::error::AppError;
use crate::ssr::db::entities::{compliance_month_end, course, exemption};
use crate::ssr::db::{IdRange, PersonSet, people};
use crate::ssr::training::engine::{SLICE, load_input};

/// Month ends (and today, last) for the twelve months ending `today`.
pub fn month_ends(today: NaiveDate) -> Vec<NaiveDate> {
    let first_of_month = today.with_day(1).unwrap_or(today);
    let mut ends: Vec<NaiveDate> = (1..=11)
        .rev()
        .filter_map(|back| {
            first_of_month
                .checked_sub_months(Months::new(back - 1))
                .and_then(|d| d.pred_opt())
        })
        .collect();
    ends.push(today);
    ends
}

/// What the engine would have known on `date`.
pub fn as_of(
    input: &EngineInput,
    date: NaiveDate,
    left_on: &HashMap<i64, NaiveDate>,
    retired_on: &HashMap<i64, NaiveDate>,
    revoked_on: &HashMap<i64, NaiveDate>,
) -> EngineInput {
    let mut then = input.clone();
    for person in &mut then.people {
        person.active = left_on
            .get(&person.id)
            .map_or(person.active, |left| *left > date);
    }
    for course in &mut then.courses {
        course.retired = retired_on
            .get(&course.id)
            .is_some_and(|retired| *retired <= date);
        course.versions.retain(|v| v.published_on <= date);
    }
    then.completions.retain(|c| c.completed_on <= date);
    then.exemptions.retain(|e| e.starts_on <= date);
    for exemption in &mut then.exemptions {
        exemption.revoked = revoked_on
            .get(&exemption.id)
            .is_some_and(|revoked| *revoked <= date);
    }
    then.previously_assigned.clear();
    then.previously_evaluated.clear();
    then.started.clear();
    then
}

/// When each retired course was retired and each revoked exemption revoked, by id: what
/// `as_of` needs besides the engine's input.
pub async fn ended_on(
    db: &impl ConnectionTrait,
) -> Result<(HashMap<i64, NaiveDate>, HashMap<i64, NaiveDate>), AppError> {
    let retired_on = course::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .filter_map(|c| c.retired_at.map(|at| (c.id, at.date_naive())))
        .collect();
    let revoked_on = exemption::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .filter_map(|e| e.revoked_at.map(|at| (e.id, at.date_naive())))
        .collect();
    Ok((retired_on, revoked_on))
}

/// Up to date and assigned, by (course, department), at one month end.
type MonthEndCounts = HashMap<(i64, i64), (i64, i64)>;

/// Counts compliance at each closed month end of the last twelve months that has not been
/// counted yet, by course and department, and stores it. Runs the engine over the whole
/// organisation once per missing month: from the daily job and at start-up, never for a page.
/// Returns how many month ends were counted.
pub async fn fill_month_ends(
    db: &impl ConnectionTrait,
    today: NaiveDate,
    now: DateTime<Utc>,
) -> Result<usize, AppError> {
    let closed: Vec<NaiveDate> = month_ends(today)
        .into_iter()
        .filter(|end| *end < today)
        .collect();
    let counted = rows_at(db, &closed).await?;
    let missing: Vec<NaiveDate> = closed
        .into_iter()
        .filter(|end| !counted.iter().any(|row| row.month_end == *end))
        .collect();
    if missing.is_empty() {
        return Ok(0);
    }
    let (retired_on, revoked_on) = ended_on(db).await?;
    let mut counts: HashMap<NaiveDate, MonthEndCounts> = HashMap::new();
    let bounds = people::id_bounds(db).await?;
    // A slice of people at a time, as the engine runs: memory stays bounded by the slice.
    for range in bounds
        .into_iter()
        .flat_map(|(low, high)| IdRange::slices(low, high, SLICE))
    {
        let range = PersonSet::from(range);
        let input = load_input(db, Some(&range)).await?;
        let slice = people::in_set(db, &range).await?;
        let department_of: HashMap<i64, i64> = slice
            .iter()
            .map(|p| (p.id, p.department_id.unwrap_or(0)))
            .collect();
        let left_on: HashMap<i64, NaiveDate> = slice
            .iter()
            .filter_map(|p| p.deactivated_at.map(|at| (p.id, at.date_naive())))
            .collect();
        for date in &missing {
            let then = as_of(&input, *date, &left_on, &retired_on, &revoked_on);
            let day = *date;
            let computed = tokio::task::spawn_blocking(move || obligations(&then, day))
                .await
                .map_err(|err| crate::ssr::internal("counting a month end", err))?;
            let groups = counts.entry(day).or_default();
            for o in &computed {
                let department = department_of.get(&o.person_id).copied().unwrap_or(0);
                let entry = groups.entry((o.course_id, department)).or_default();
                entry.1 += 1;
                if o.status.is_compliant() {
                    entry.0 += 1;
                }
            }
        }
    }
    for date in &missing {
        let mut groups = counts.remove(date).unwrap_or_default();
        // The marker: this month end is counted, even if nothing was assigned.
        groups.entry((0, 0)).or_default();
        let rows: Vec<compliance_month_end::ActiveModel> = groups
            .into_iter()
            .map(|((course_id, department_key), (up_to_date, assigned))| {
                compliance_month_end::ActiveModel {
                    month_end: Set(*date),
                    course_id: Set(course_id),
                    department_key: Set(department_key),
                    up_to_date: Set(up_to_date),
                    assigned: Set(assigned),
                    computed_at: Set(now),
                }
            })
            .collect();
        for chunk in rows.chunks(500) {
            // Another instance may have counted the same month end meanwhile: keep theirs.
            compliance_month_end::Entity::insert_many(chunk.to_vec())
                .on_conflict(
                    OnConflict::columns([
                        compliance_month_end::Column::MonthEnd,
                        compliance_month_end::Column::CourseId,
                        compliance_month_end::Column::DepartmentKey,
                    ])
                    .do_nothing()
                    .to_owned(),
                )
                .exec_without_returning(db)
                .await?;
        }
    }
    Ok(missing.len())
}

/// Counts missing month ends, logging the outcome (for the daily job and start-up).
pub async fn fill_month_ends_logged(db: &impl ConnectionTrait) {
    let now = Utc::now();
    match fill_month_ends(db, now.date_naive(), now).await {
        Ok(0) => {}
        Ok(counted) => tracing::info!(counted, "counted compliance at month ends for the trend"),
        Err(err) => tracing::error!(%err, "counting compliance at month ends failed"),
    }
}

/// The stored counts of the twelve month ends ending `today`, for [`monthly`].
pub async fn month_end_rows(
    db: &impl ConnectionTrait,
    today: NaiveDate,
) -> Result<Vec<compliance_month_end::Model>, DbErr> {
    rows_at(db, &month_ends(today)).await
}

async fn rows_at(
    db: &impl ConnectionTrait,
    ends: &[NaiveDate],
) -> Result<Vec<compliance_month_end::Model>, DbErr> {
    compliance_month_end::Entity::find()
        .filter(compliance_month_end::Column::MonthEnd.is_in(ends.iter().copied()))
        .all(db)
        .await
}

/// What the trend can be narrowed by: a course and a department (`Some(None)`: people without
/// one). The month-end counts keep no more than that.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct TrendNarrowing {
    pub course_id: Option<i64>,
    pub department: Option<Option<i64>>,
}

/// The share up to date at each closed month end (as counted then; none for a month end not
/// counted yet, from `rows`, as [`month_end_rows`] reads them) and `today_percent` for today.
pub fn monthly(
    rows: &[compliance_month_end::Model],
    narrowing: TrendNarrowing,
    today: NaiveDate,
    today_percent: Option<u32>,
) -> Vec<Point> {
    month_ends(today)
        .into_iter()
        .map(|date| {
            let label = date.format("%b %y").to_string();
            if date >= today {
                return Point {
                    label,
                    percent: today_percent.map(f64::from),
                };
            }
            let of_month: Vec<_> = rows.iter().filter(|r| r.month_end == date).collect();
            let counted = !of_month.is_empty();
            let (up_to_date, assigned) = of_month
                .iter()
                .filter(|r| r.course_id != 0)
                .filter(|r| narrowing.course_id.is_none_or(|c| c == r.course_id))
                .filter(|r| {
                    narrowing
                        .department
                        .is_none_or(|d| d.unwrap_or(0) == r.department_key)
                })
                .fold((0_i64, 0_i64), |(u, a), r| {
                    (u + r.up_to_date, a + r.assigned)
                });
            let percent = (counted && assigned > 0).then(|| (up_to_date * 100 / assigned) as f64);
            Point { label, percent }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn twelve_month_ends_finishing_today() {
        let today = NaiveDate::from_ymd_opt(2026, 3, 15).unwrap();
        let ends = month_ends(today);
        assert_eq!(ends.len(), 12);
        assert_eq!(ends[0], NaiveDate::from_ymd_opt(2025, 4, 30).unwrap());
        assert_eq!(ends[10], NaiveDate::from_ymd_opt(2026, 2, 28).unwrap());
        assert_eq!(ends[11], today);
    }
}
