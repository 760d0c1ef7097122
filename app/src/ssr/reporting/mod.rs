//! Reports: loading the engine's stored state into the pure reporting types, and the views built
//! from it (the manager's team, the compliance dashboard, exports, evidence).

pub mod dashboard;
pub mod exports;
pub mod reminders;
pub mod team;
pub mod trend;

use std::collections::BTreeMap;

use chrono::NaiveDate;
use sea_orm::ConnectionTrait;

use super::db::entities::person;

use super::db::{courses, people, training};
use super::internal;
use crate::domain::assignment::Status;
use crate::domain::course_kind::CourseKind;
use crate::domain::reporting::{CourseInfo, ObligationRow, PersonInfo};
use crate::error::AppError;

/// What reports show about a person beyond what they group by.
#[derive(Clone, Debug)]
pub struct PersonDetail {
    pub public_id: String,
    pub email: String,
    pub job_title: String,
    pub active: bool,
}

/// What reports show about a course beyond what they group by.
#[derive(Clone, Debug)]
pub struct CourseDetail {
    pub slug: String,
    pub kind: CourseKind,
    pub version: i32,
}

/// Everything a report reads, loaded once.
pub struct ReportData {
    pub rows: Vec<ObligationRow>,
    pub people: BTreeMap<i64, PersonInfo>,
    pub person_details: BTreeMap<i64, PersonDetail>,
    pub courses: BTreeMap<i64, CourseInfo>,
    pub course_details: BTreeMap<i64, CourseDetail>,
    /// (person, manager) for active people: the reporting tree.
    pub links: Vec<(i64, Option<i64>)>,
    /// Every version's number, by version id.
    pub version_numbers: BTreeMap<i64, i32>,
}

impl ReportData {
    /// A person's id by public id.
    pub fn person_by_public_id(&self, public_id: &str) -> Option<i64> {
        self.person_details
            .iter()
            .find(|(_, d)| d.public_id == public_id)
            .map(|(id, _)| *id)
    }

    /// A person's name, or nothing for nobody (or somebody not loaded).
    pub fn name_of(&self, id: Option<i64>) -> String {
        id.and_then(|id| self.people.get(&id))
            .map(|p| p.name.clone())
            .unwrap_or_default()
    }

    /// The columns every per-person table starts with: name, email, department, job title.
    pub fn person_cells(&self, id: i64) -> [String; 4] {
        let person = self.people.get(&id);
        let detail = self.person_details.get(&id);
        [
            person.map(|p| p.name.clone()).unwrap_or_default(),
            detail.map(|d| d.email.clone()).unwrap_or_default(),
            person
                .and_then(|p| p.department.clone())
                .unwrap_or_default(),
            detail.map(|d| d.job_title.clone()).unwrap_or_default(),
        ]
    }

    /// A course's id by slug.
    pub fn course_by_slug(&self, slug: &str) -> Option<i64> {
        self.course_details
            .iter()
            .find(|(_, d)| d.slug == slug)
            .map(|(id, _)| *id)
    }
}

/// Loads the stored obligations with the people and courses they concern.
pub async fn load(db: &impl ConnectionTrait) -> Result<ReportData, AppError> {
    let mut data = directory(db).await?;
    data.rows = training::compliance(db)
        .await?
        .into_iter()
        .map(|row| {
            Ok(ObligationRow {
                person_id: row.person_id,
                course_id: row.course_id,
                status: Status::parse(&row.status).ok_or_else(|| {
                    internal(
                        "reading compliance state",
                        format!("unknown status {}", row.status),
                    )
                })?,
                assigned_on: row.assigned_on,
                due_on: row.due_on,
                completed_on: row.completed_on,
            })
        })
        .collect::<Result<Vec<_>, AppError>>()?;
    Ok(data)
}

/// Loads people and courses without the obligations.
pub async fn directory(db: &impl ConnectionTrait) -> Result<ReportData, AppError> {
    let mut data = catalogue(db).await?;
    let everyone = people::all(db).await?;
    load_people(db, &mut data, everyone, None).await?;
    Ok(data)
}

/// Loads the courses and their versions only: what every report needs, whatever the headcount.
pub async fn catalogue(db: &impl ConnectionTrait) -> Result<ReportData, AppError> {
    let mut course_map = BTreeMap::new();
    let mut course_details = BTreeMap::new();
    let mut version_numbers = BTreeMap::new();
    let all = courses::all(db).await?;
    let current: Vec<i64> = all.iter().filter_map(|c| c.current_version_id).collect();
    // Metadata only: reports never need the rendered courses.
    let metadata = courses::version_metadata(db, &current).await?;
    let mut versions_by_course = courses::versions_by_course(db).await?;
    for course in all {
        let mut current_number = None;
        for version in versions_by_course.remove(&course.id).unwrap_or_default() {
            version_numbers.insert(version.id, version.version);
            if Some(version.id) == course.current_version_id {
                current_number = Some(version.version);
            }
        }
        let (Some(version_id), Some(number)) = (course.current_version_id, current_number) else {
            continue;
        };
        let Some(json) = metadata.get(&version_id) else {
            continue;
        };
        let meta = crate::ssr::training::versions::parse_metadata(json)?;
        course_map.insert(
            course.id,
            CourseInfo {
                id: course.id,
                title: course.title.clone(),
                due_within: meta.due_within,
                start_offset: meta.start_offset,
            },
        );
        course_details.insert(
            course.id,
            CourseDetail {
                slug: course.slug.clone(),
                kind: meta.kind,
                version: number,
            },
        );
    }
    Ok(ReportData {
        rows: Vec::new(),
        people: BTreeMap::new(),
        person_details: BTreeMap::new(),
        courses: course_map,
        course_details,
        links: Vec::new(),
        version_numbers,
    })
}

/// Replaces the people in `data` with the people with these ids and their managers (whose names
/// reports show), so that a page of an export holds only the people on it. The reporting tree
/// (`links`) is left empty: it spans everyone.
pub async fn load_page_people(
    db: &impl ConnectionTrait,
    data: &mut ReportData,
    ids: &[i64],
) -> Result<(), AppError> {
    let mut wanted: Vec<i64> = ids.to_vec();
    wanted.sort_unstable();
    wanted.dedup();
    let mut found = people::with_ids(db, &wanted).await?;
    let mut managers: Vec<i64> = found
        .iter()
        .filter_map(|p| p.manager_id)
        .filter(|m| wanted.binary_search(m).is_err())
        .collect();
    managers.sort_unstable();
    managers.dedup();
    found.extend(people::with_ids(db, &managers).await?);
    let ids: Vec<i64> = found.iter().map(|p| p.id).collect();
    load_people(db, data, found, Some(&ids)).await
}

/// Puts `found` into `data` with their departments and roles (`only`: the ids in `found`, so that
/// roles are read for them alone; `None` reads everyone's and also builds the reporting tree).
async fn load_people(
    db: &impl ConnectionTrait,
    data: &mut ReportData,
    found: Vec<person::Model>,
    only: Option<&[i64]>,
) -> Result<(), AppError> {
    let departments = people::department_names(db).await?;
    let mut roles = people::roles_by_person(db, |role| role.name, only).await?;
    data.people.clear();
    data.person_details.clear();
    data.links.clear();
    for p in found {
        let mut person_roles = roles.remove(&p.id).unwrap_or_default();
        person_roles.sort();
        if only.is_none() && p.active {
            data.links.push((p.id, p.manager_id));
        }
        data.people.insert(
            p.id,
            PersonInfo {
                id: p.id,
                name: p.name,
                department: p.department_id.and_then(|id| departments.get(&id).cloned()),
                roles: person_roles,
                manager_id: p.manager_id,
                hire_date: p.hire_date,
            },
        );
        data.person_details.insert(
            p.id,
            PersonDetail {
                public_id: p.public_id,
                email: p.email,
                job_title: p.job_title,
                active: p.active,
            },
        );
    }
    Ok(())
}

/// The first day of the twelve-month window ending `today`, for new-hire timeliness.
pub fn year_before(today: NaiveDate) -> NaiveDate {
    today
        .checked_sub_months(chrono::Months::new(12))
        .unwrap_or(today)
}
