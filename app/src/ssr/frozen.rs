//! A closed period as it stood: the engine's input and the directory rebuilt from the kept
//! history (people's roles, title, manager, department, active state and hire date; each
//! course's rule; the course version in force), not from today's organisation. Exporting the
//! same closed period before and after a reorganisation, a rule change or a leaver gives the same
//! roster and obligations.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::{DatabaseConnection, EntityTrait};

use super::db::entities::job_role;
use super::db::{courses, history, people};
use super::internal;
use super::reporting::ReportData;
use super::reporting::trend::{as_of, ended_on};
use super::training::engine::load_input;
use crate::domain::assignment::{EngineInput, PersonFacts};
use crate::domain::audience::Audience;
use crate::domain::content::metadata::CourseMetadata;
use crate::domain::history::PersonState;
use crate::error::AppError;

/// The organisation at the end of `day`.
pub struct Frozen {
    pub input: EngineInput,
    pub people: HashMap<i64, PersonState>,
}

/// The first instant after `day`.
pub fn end_of(day: NaiveDate) -> DateTime<Utc> {
    (day + chrono::Duration::days(1))
        .and_hms_opt(0, 0, 0)
        .unwrap_or_default()
        .and_utc()
}

/// The engine's input as it stood at the end of `day` (history first brought up to date).
pub async fn at_end_of(
    db: &DatabaseConnection,
    day: NaiveDate,
    now: DateTime<Utc>,
) -> Result<Frozen, AppError> {
    history::reconcile(db, now).await?;
    let end = end_of(day);
    let then_people = history::people_at(db, end).await?;
    let then_rules = history::rules_at(db, end).await?;
    let departments = people::department_names(db).await?;
    let mut input = load_input(db, None).await?;

    let managers: HashSet<i64> = then_people
        .values()
        .filter(|p| p.active)
        .filter_map(|p| p.manager_id)
        .collect();
    input.people = then_people
        .iter()
        .map(|(id, state)| PersonFacts {
            id: *id,
            active: state.active,
            hire_date: state.hire_date,
            roles: state.roles.clone(),
            department: state
                .department_id
                .and_then(|d| departments.get(&d).cloned()),
            is_manager: managers.contains(id),
        })
        .collect();
    input.people.sort_by_key(|p| p.id);

    // Each course's terms from the version in force then, and its rule then.
    let mut in_force: HashMap<i64, i64> = HashMap::new();
    for course in &input.courses {
        if let Some(version) = course
            .versions
            .iter()
            .filter(|v| v.published_on <= day)
            .max_by_key(|v| v.number)
        {
            in_force.insert(course.id, version.id);
        }
    }
    let ids: Vec<i64> = in_force.values().copied().collect();
    let metadata = courses::version_metadata(db, &ids).await?;
    for course in &mut input.courses {
        let Some(json) = in_force.get(&course.id).and_then(|id| metadata.get(id)) else {
            continue;
        };
        let meta: CourseMetadata = serde_json::from_str(json)
            .map_err(|err| internal("frozen period: course metadata", err))?;
        course.recurrence = meta.recurrence;
        course.due_within = meta.due_within;
        course.start_offset = meta.start_offset;
        course.audience = match then_rules.get(&course.id) {
            Some(rule) => serde_json::from_str::<Audience>(rule)
                .map_err(|err| internal("frozen period: assignment rule", err))?,
            None => meta.audience,
        };
    }

    let (retired_on, revoked_on) = ended_on(db).await?;
    // Active state comes from the history above, not from today's leaving dates.
    let input = as_of(&input, day, &HashMap::new(), &retired_on, &revoked_on);
    Ok(Frozen {
        input,
        people: then_people,
    })
}

/// Rewrites the directory's people as they stood: department, job title, roles, manager and
/// hire date (names and email addresses stay as they are now).
pub async fn freeze_directory(
    db: &DatabaseConnection,
    data: &mut ReportData,
    then: &HashMap<i64, PersonState>,
) -> Result<(), AppError> {
    let departments = people::department_names(db).await?;
    let role_names: HashMap<String, String> = job_role::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|r| (r.slug, r.name))
        .collect();
    for (id, state) in then {
        if let Some(person) = data.people.get_mut(id) {
            person.department = state
                .department_id
                .and_then(|d| departments.get(&d).cloned());
            person.roles = state
                .roles
                .iter()
                .map(|slug| {
                    role_names
                        .get(slug)
                        .cloned()
                        .unwrap_or_else(|| slug.clone())
                })
                .collect();
            person.manager_id = state.manager_id;
            person.hire_date = state.hire_date;
        }
        if let Some(detail) = data.person_details.get_mut(id) {
            detail.job_title = state.job_title.clone();
            detail.active = state.active;
        }
    }
    Ok(())
}
