//! Building the compliance dashboard.

use std::collections::BTreeSet;

use chrono::NaiveDate;
use sea_orm::DatabaseConnection;

use super::{ReportData, load, trend, year_before};
use crate::api::dashboard::{Choice, DashboardQuery, DashboardView, OverdueRow};
use crate::domain::assignment::Status;
use crate::domain::chart::line_chart;
use crate::domain::reporting::{
    Filter, by_course, by_department, by_manager, by_role, filter, new_hire_timeliness, overall,
};
use crate::domain::team::{Scope, reports_of};
use crate::error::AppError;

/// How many overdue obligations the dashboard lists (the exports have them all).
const OVERDUE_SHOWN: usize = 50;

/// Turns the URL's query into a filter; unknown values select nothing rather than everything.
pub fn to_filter(data: &ReportData, query: &DashboardQuery) -> Filter {
    let some = |value: &str| (!value.trim().is_empty()).then(|| value.trim().to_owned());
    Filter {
        course_id: some(&query.course).map(|slug| data.course_by_slug(&slug).unwrap_or(-1)),
        department: some(&query.department),
        role: some(&query.role),
        manager_id: some(&query.manager).map(|id| data.person_by_public_id(&id).unwrap_or(-1)),
        status: some(&query.status).map(|s| Status::parse(&s).unwrap_or(Status::Overdue)),
    }
}

/// The dashboard for `query` on `today`.
pub async fn dashboard(
    db: &DatabaseConnection,
    query: DashboardQuery,
    today: NaiveDate,
) -> Result<DashboardView, AppError> {
    let data = load(db).await?;
    let wanted = to_filter(&data, &query);
    let below: std::collections::HashSet<i64> = wanted
        .manager_id
        .map(|m| {
            reports_of(m, &data.links, Scope::AllBelow)
                .into_iter()
                .collect()
        })
        .unwrap_or_default();
    let rows = filter(&data.rows, &data.people, &wanted, &below);

    let mut overdue: Vec<OverdueRow> = rows
        .iter()
        .filter(|row| row.status == Status::Overdue)
        .filter_map(|row| {
            let person = data.people.get(&row.person_id)?;
            Some(OverdueRow {
                person: person.name.clone(),
                email: data
                    .person_details
                    .get(&row.person_id)
                    .map(|d| d.email.clone())
                    .unwrap_or_default(),
                course: data.courses.get(&row.course_id)?.title.clone(),
                due_on: row.due_on,
                manager: person
                    .manager_id
                    .and_then(|m| data.people.get(&m))
                    .map(|m| m.name.clone()),
            })
        })
        .collect();
    overdue.sort_by(|a, b| a.due_on.cmp(&b.due_on).then(a.person.cmp(&b.person)));
    let overdue_total = overdue.len();
    overdue.truncate(OVERDUE_SHOWN);

    let points = trend::monthly(db, &data, &wanted, today).await?;
    let since = year_before(today);
    let choices = |values: BTreeSet<String>| {
        values
            .into_iter()
            .map(|v| Choice {
                value: v.clone(),
                label: v,
            })
            .collect::<Vec<_>>()
    };
    let managers: BTreeSet<i64> = data
        .links
        .iter()
        .filter_map(|(_, manager)| *manager)
        .collect();
    let mut manager_choices: Vec<Choice> = managers
        .iter()
        .filter_map(|id| {
            Some(Choice {
                value: data.person_details.get(id)?.public_id.clone(),
                label: data.people.get(id)?.name.clone(),
            })
        })
        .collect();
    manager_choices.sort_by(|a, b| a.label.cmp(&b.label));
    let mut course_choices: Vec<Choice> = data
        .course_details
        .iter()
        .filter_map(|(id, detail)| {
            Some(Choice {
                value: detail.slug.clone(),
                label: data.courses.get(id)?.title.clone(),
            })
        })
        .collect();
    course_choices.sort_by(|a, b| a.label.cmp(&b.label));

    Ok(DashboardView {
        courses: course_choices,
        departments: choices(
            data.people
                .values()
                .filter_map(|p| p.department.clone())
                .collect(),
        ),
        roles: choices(data.people.values().flat_map(|p| p.roles.clone()).collect()),
        managers: manager_choices,
        overall: overall(&rows),
        by_course: by_course(&rows, &data.courses),
        by_department: by_department(&rows, &data.people),
        by_role: by_role(&rows, &data.people),
        by_manager: by_manager(&rows, &data.people),
        overdue,
        overdue_total,
        trend_svg: line_chart("Share of training up to date at each month end", &points),
        trend: points
            .iter()
            .map(|p| (p.label.clone(), p.percent.map(|v| v as u32)))
            .collect(),
        new_hires: new_hire_timeliness(&rows, &data.people, &data.courses, since, today),
        new_hires_since: since,
        query,
    })
}
