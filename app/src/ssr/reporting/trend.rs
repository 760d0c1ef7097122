//! Compliance over the last twelve months, by running the (pure) assignment engine as of each
//! month end on what was known then: versions published by that date, completions made by then,
//! people not yet gone, exemptions in force.
//!
//! People's roles and departments are today's (Vigil does not keep their history), so a month's
//! figure is "how compliant were these people then", which is what an auditor asks about.

use std::collections::HashMap;

use chrono::{Datelike, Months, NaiveDate};
use sea_orm::{ConnectionTrait, EntityTrait};

use super::ReportData;
use crate::domain::assignment::{EngineInput, obligations};
use crate::domain::chart::Point;
use crate::domain::reporting::{Filter, ObligationRow, filter, overall};
use crate::domain::team::{Scope, reports_of};
use crate::error::AppError;
use crate::ssr::db::entities::{course, exemption, person};
use crate::ssr::training::engine::load_input;

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

/// The share of obligations up to date at each month end, narrowed by `wanted`.
pub async fn monthly(
    db: &impl ConnectionTrait,
    data: &ReportData,
    wanted: &Filter,
    today: NaiveDate,
) -> Result<Vec<Point>, AppError> {
    let input = load_input(db, None).await?;
    let left_on: HashMap<i64, NaiveDate> = person::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .filter_map(|p| p.deactivated_at.map(|at| (p.id, at.date_naive())))
        .collect();
    let retired_on: HashMap<i64, NaiveDate> = course::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .filter_map(|c| c.retired_at.map(|at| (c.id, at.date_naive())))
        .collect();
    let revoked_on: HashMap<i64, NaiveDate> = exemption::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .filter_map(|e| e.revoked_at.map(|at| (e.id, at.date_naive())))
        .collect();
    let below: std::collections::HashSet<i64> = wanted
        .manager_id
        .map(|manager| {
            reports_of(manager, &data.links, Scope::AllBelow)
                .into_iter()
                .collect()
        })
        .unwrap_or_default();

    let mut points = Vec::new();
    for date in month_ends(today) {
        let rows: Vec<ObligationRow> = obligations(
            &as_of(&input, date, &left_on, &retired_on, &revoked_on),
            date,
        )
        .iter()
        .map(ObligationRow::from)
        .collect();
        let kept = filter(&rows, &data.people, wanted, &below);
        points.push(Point {
            label: date.format("%b %y").to_string(),
            percent: overall(&kept).compliant_percent().map(f64::from),
        });
    }
    Ok(points)
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
