//! Building the compliance dashboard.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use chrono::NaiveDate;
use sea_orm::DatabaseConnection;

use super::trend::{self, TrendNarrowing};
use super::{ReportData, catalogue, year_before};
use crate::api::dashboard::{Choice, DashboardQuery, DashboardView, OverdueRow};
use crate::domain::assignment::Status;
use crate::domain::chart::line_chart;
use crate::domain::reporting::{Breakdown, Filter, Tally, Timeliness, ranked};
use crate::error::AppError;
use crate::ssr::db::dashboard::{self as dashboard_db, GroupBy, Narrowing};
use crate::ssr::db::{job_roles, people};
use crate::ssr::internal;

/// How many overdue obligations the dashboard lists (the exports have them all).
const OVERDUE_SHOWN: u64 = 50;

/// How many managers' teams the breakdown by manager shows, most overdue first.
pub const MANAGERS_SHOWN: usize = 25;

/// Up to this many managers, the manager filter is a list; beyond, an email address.
const MANAGER_CHOICES: usize = 100;

/// Turns the URL's query into a filter (for exports); unknown values select nothing rather than
/// everything.
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

/// Turns the URL's query into what the database narrows by (`manager_id`: the manager the query
/// names, resolved); unknown values select nothing rather than everything.
pub fn to_narrowing(
    data: &ReportData,
    manager_id: Option<i64>,
    query: &DashboardQuery,
) -> Narrowing {
    let some = |value: &str| (!value.trim().is_empty()).then(|| value.trim().to_owned());
    Narrowing {
        course_id: some(&query.course).map(|slug| data.course_by_slug(&slug).unwrap_or(-1)),
        department: some(&query.department),
        role: some(&query.role),
        manager_id: some(&query.manager).map(|_| manager_id.unwrap_or(-1)),
        status: some(&query.status).map(|s| {
            Status::parse(&s)
                .unwrap_or(Status::Overdue)
                .as_str()
                .to_owned()
        }),
    }
}

/// Labelled tallies from the database's counts; `label` names a group (none: not shown).
fn breakdown(
    counts: Vec<dashboard_db::KeyedCount>,
    label: impl Fn(Option<i64>) -> String,
) -> Result<Vec<Breakdown>, AppError> {
    let mut groups: BTreeMap<String, Tally> = BTreeMap::new();
    for row in counts {
        let status = Status::parse(&row.status).ok_or_else(|| {
            internal(
                "reading compliance state",
                format!("unknown status {}", row.status),
            )
        })?;
        groups
            .entry(label(row.key))
            .or_default()
            .add_many(status, usize::try_from(row.n).unwrap_or(0));
    }
    Ok(ranked(groups))
}

/// The dashboard for `query` on `today`: a fixed number of queries, each counted by the
/// database, whatever the size of the organisation. Queries that do not depend on each other run
/// at the same time, each on its own pooled connection.
pub async fn dashboard(
    db: &DatabaseConnection,
    query: DashboardQuery,
    today: NaiveDate,
) -> Result<DashboardView, AppError> {
    // What the narrowing needs first: course slugs and the manager named.
    let (data, manager_id) = tokio::try_join!(catalogue(db), async {
        Ok::<_, AppError>(match query.manager.trim() {
            "" => None,
            wanted => people::find_by_email_or_public_id(db, wanted)
                .await?
                .map(|p| p.id),
        })
    })?;
    let wanted = to_narrowing(&data, manager_id, &query);
    let listed: Vec<i64> = data.courses.values().map(|course| course.id).collect();
    let since = year_before(today);
    let trend_wanted =
        wanted.role.is_none() && wanted.manager_id.is_none() && wanted.status.is_none();

    let (
        (mut managers, managers_total),
        departments,
        roles,
        course_counts,
        department_counts,
        role_counts,
        (manager_counts, by_manager_total),
        overdue_rows,
        counted,
        month_end_rows,
    ) = tokio::try_join!(
        dashboard_db::managers(db, MANAGER_CHOICES + 1),
        people::department_names(db),
        job_roles::all(db),
        dashboard_db::counts(db, &wanted, GroupBy::Course),
        dashboard_db::counts(db, &wanted, GroupBy::Department),
        dashboard_db::counts(db, &wanted, GroupBy::Role),
        dashboard_db::most_overdue_managers(db, &wanted, MANAGERS_SHOWN),
        dashboard_db::overdue(db, &wanted, OVERDUE_SHOWN),
        dashboard_db::new_hire_timeliness(db, &wanted, since, today, &listed),
        async {
            if trend_wanted {
                trend::month_end_rows(db, today).await
            } else {
                Ok(Vec::new())
            }
        },
    )?;
    // A list to choose from when it is short; otherwise the filter takes an email address.
    if managers.len() > MANAGER_CHOICES {
        managers.clear();
    }
    let roles: BTreeMap<i64, String> = roles.into_iter().map(|r| (r.id, r.name)).collect();
    // The month-end counts keep courses and departments only.
    let trend_narrowing = trend_wanted.then(|| TrendNarrowing {
        course_id: wanted.course_id,
        department: wanted.department.as_ref().map(|name| {
            departments
                .iter()
                .find(|(_, n)| n.eq_ignore_ascii_case(name))
                .map_or(Some(-1), |(id, _)| Some(*id))
        }),
    });

    let course_title = |id: Option<i64>| {
        id.and_then(|id| data.courses.get(&id))
            .map_or_else(|| "Unknown course".to_owned(), |c| c.title.clone())
    };
    let by_course = breakdown(course_counts, course_title)?;
    let overall = by_course.iter().fold(Tally::default(), |mut sum, b| {
        sum.add_tally(&b.tally);
        sum
    });
    let by_department = breakdown(department_counts, |id| {
        id.and_then(|id| departments.get(&id).cloned())
            .unwrap_or_else(|| "No department".to_owned())
    })?;
    let by_role = breakdown(role_counts, |id| {
        id.and_then(|id| roles.get(&id).cloned())
            .unwrap_or_default()
    })?;
    let mut manager_ids: Vec<i64> = manager_counts.iter().filter_map(|c| c.key).collect();
    manager_ids.sort_unstable();
    manager_ids.dedup();
    let manager_names: HashMap<i64, String> = people::with_ids(db, &manager_ids)
        .await?
        .into_iter()
        .map(|p| (p.id, p.name))
        .collect();
    let mut by_manager = breakdown(manager_counts, |id| {
        id.and_then(|id| manager_names.get(&id).cloned())
            .unwrap_or_else(|| "No manager".to_owned())
    })?;
    by_manager.truncate(MANAGERS_SHOWN);

    let overdue = overdue_rows
        .into_iter()
        .map(|row| OverdueRow {
            person: row.person,
            email: row.email,
            course: course_title(Some(row.course_id)),
            due_on: row.due_on,
            manager: row.manager,
        })
        .collect();
    let new_hires = Timeliness {
        measured: usize::try_from(counted.measured).unwrap_or(0),
        on_time: usize::try_from(counted.on_time).unwrap_or(0),
    };
    let points = match trend_narrowing {
        Some(narrowing) => trend::monthly(
            &month_end_rows,
            narrowing,
            today,
            overall.compliant_percent(),
        ),
        None => Vec::new(),
    };

    let choices = |values: BTreeSet<String>| {
        values
            .into_iter()
            .map(|v| Choice {
                value: v.clone(),
                label: v,
            })
            .collect::<Vec<_>>()
    };
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
        departments: choices(departments.values().cloned().collect()),
        roles: choices(roles.values().cloned().collect()),
        managers: managers
            .iter()
            .map(|m| Choice {
                value: m.public_id.clone(),
                label: m.name.clone(),
            })
            .collect(),
        managers_total,
        overdue_total: overall.overdue,
        overall,
        by_course,
        by_department,
        by_role,
        by_manager,
        by_manager_total,
        overdue,
        trend_svg: if points.is_empty() {
            String::new()
        } else {
            line_chart("Share of training up to date at each month end", &points)
        },
        trend: points
            .iter()
            .map(|p| (p.label.clone(), p.percent.map(|v| v as u32)))
            .collect(),
        new_hires,
        new_hires_since: since,
        query,
    })
}
