//! DTOs for the compliance administrators' training pages.

use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;
use sea_orm::DatabaseConnection;

use super::rules::audience_of;
use crate::api::administration::{ExemptionRow, RecordRow, RuleView};
use crate::domain::email::EmailAddress;
use crate::domain::ledger::RecordKind;
use crate::error::{AppError, Resource};
use crate::ssr::db::entities::{department, person};
use crate::ssr::db::{courses, job_roles, ledger, training};
use sea_orm::EntityTrait;

/// A course's rule with the choices the editor offers.
pub async fn rule(db: &DatabaseConnection, slug: &str) -> Result<RuleView, AppError> {
    let course = courses::find_by_slug(db, slug)
        .await?
        .ok_or(AppError::NotFound(Resource::Course))?;
    let (audience, customised) = audience_of(db, course.id).await?.unwrap_or_default();
    let assigned_people = training::compliance(db)
        .await?
        .iter()
        .filter(|row| row.course_id == course.id)
        .count();
    Ok(RuleView {
        slug: slug.to_owned(),
        everyone: audience.everyone,
        roles: audience.roles,
        departments: audience.departments,
        managers: audience.managers,
        customised,
        role_choices: job_roles::all(db)
            .await?
            .into_iter()
            .map(|r| (r.slug, r.name))
            .collect(),
        department_choices: department::Entity::find()
            .all(db)
            .await?
            .into_iter()
            .map(|d| d.name)
            .collect(),
        assigned_people,
    })
}

async fn names(db: &DatabaseConnection) -> Result<HashMap<i64, (String, String)>, AppError> {
    Ok(person::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|p| (p.id, (p.name, p.email)))
        .collect())
}

async fn course_titles(db: &DatabaseConnection) -> Result<HashMap<i64, String>, AppError> {
    Ok(courses::all(db)
        .await?
        .into_iter()
        .map(|c| (c.id, c.title))
        .collect())
}

/// Every exemption, newest first, with whether it is in force today.
pub async fn exemptions(
    db: &DatabaseConnection,
    today: NaiveDate,
) -> Result<Vec<ExemptionRow>, AppError> {
    let people = names(db).await?;
    let titles = course_titles(db).await?;
    let unknown = || ("a removed person".to_owned(), String::new());
    Ok(training::exemptions(db)
        .await?
        .into_iter()
        .map(|e| {
            let (person, email) = people.get(&e.person_id).cloned().unwrap_or_else(unknown);
            ExemptionRow {
                id: e.id,
                person,
                email,
                course: titles.get(&e.course_id).cloned().unwrap_or_default(),
                reason: e.reason,
                starts_on: e.starts_on,
                expires_on: e.expires_on,
                granted_by: e
                    .created_by
                    .and_then(|id| people.get(&id).map(|p| p.0.clone()))
                    .unwrap_or_default(),
                active: e.revoked_at.is_none()
                    && e.starts_on <= today
                    && e.expires_on.is_none_or(|end| end >= today),
            }
        })
        .collect())
}

/// The newest `limit` ledger records, newest first; only one person's when `email` is given.
pub async fn records(
    db: &DatabaseConnection,
    email: &str,
    limit: usize,
) -> Result<Vec<RecordRow>, AppError> {
    let people = names(db).await?;
    let titles = course_titles(db).await?;
    let mut versions: HashMap<i64, i32> = HashMap::new();
    for course in courses::all(db).await? {
        for version in courses::versions(db, course.id).await? {
            versions.insert(version.id, version.version);
        }
    }
    let all = if email.is_empty() {
        ledger::all(db).await?
    } else {
        let address = EmailAddress::parse(email)?;
        let person = crate::ssr::db::people::find_by_email(db, address.as_str())
            .await?
            .ok_or(AppError::NotFound(Resource::Person))?;
        ledger::of_person(db, person.id).await?
    };
    let voided: HashSet<i64> = all.iter().filter_map(|r| r.voids_sequence).collect();
    Ok(all
        .into_iter()
        .rev()
        .take(limit)
        .map(|r| RecordRow {
            sequence: r.sequence,
            kind: RecordKind::parse(&r.kind)
                .map_or_else(|| r.kind.clone(), |k| k.label().to_owned()),
            person: people
                .get(&r.person_id)
                .map(|p| p.0.clone())
                .unwrap_or_default(),
            course: titles.get(&r.course_id).cloned().unwrap_or_default(),
            version: versions.get(&r.version_id).copied().unwrap_or_default(),
            score: r.score,
            passed: r.passed,
            finished_at: r.finished_at,
            reason: r.reason,
            voids: r.voids_sequence,
            voided: voided.contains(&r.sequence),
        })
        .collect())
}
