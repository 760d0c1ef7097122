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
    let assigned_people = training::assigned_count(db, course.id).await?;
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

/// Every instructor-led session with its attendees.
pub async fn sessions(
    db: &DatabaseConnection,
) -> Result<Vec<crate::api::records_admin::SessionRow>, AppError> {
    let people = names(db).await?;
    let titles = course_titles(db).await?;
    let records = ledger::all(db).await?;
    Ok(super::sessions::all(db)
        .await?
        .into_iter()
        .map(|s| crate::api::records_admin::SessionRow {
            id: s.id,
            held_on: s.held_on,
            course: titles.get(&s.course_id).cloned().unwrap_or_default(),
            format: super::sessions::FORMATS
                .iter()
                .find(|(v, _)| *v == s.format)
                .map_or_else(|| s.format.clone(), |(_, l)| (*l).to_owned()),
            trainer: s.trainer,
            attendees: records
                .iter()
                .filter(|r| r.session_id == Some(s.id))
                .filter_map(|r| people.get(&r.person_id).map(|p| p.0.clone()))
                .collect(),
            notes: s.notes,
        })
        .collect())
}

/// A page of the audit log.
pub async fn audit(
    db: &DatabaseConnection,
    action: &str,
    actor: &str,
    from: &str,
    to: &str,
    page: u64,
) -> Result<crate::api::records_admin::AuditPage, AppError> {
    use sea_orm::{ColumnTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect};

    use crate::ssr::db::entities::audit_event;
    const PER_PAGE: u64 = 50;
    let mut query = audit_event::Entity::find().order_by_desc(audit_event::Column::Id);
    if !action.trim().is_empty() {
        query = query.filter(audit_event::Column::Action.eq(action.trim()));
    }
    if !actor.trim().is_empty() {
        query = query.filter(audit_event::Column::ActorLabel.contains(actor.trim()));
    }
    let day = |raw: &str, field| crate::domain::person::parse_date(raw, field);
    if !from.trim().is_empty() {
        let from = day(from, crate::error::Field::From)?;
        query = query
            .filter(audit_event::Column::At.gte(from.and_hms_opt(0, 0, 0).map(|t| t.and_utc())));
    }
    if !to.trim().is_empty() {
        let to = day(to, crate::error::Field::To)? + chrono::Duration::days(1);
        query =
            query.filter(audit_event::Column::At.lt(to.and_hms_opt(0, 0, 0).map(|t| t.and_utc())));
    }
    let total = query.clone().count(db).await?;
    let pages = total.div_ceil(PER_PAGE).max(1);
    let page = page.min(pages - 1);
    let rows = query
        .offset(page * PER_PAGE)
        .limit(PER_PAGE)
        .all(db)
        .await?
        .into_iter()
        .map(|e| crate::api::records_admin::AuditRow {
            id: e.id,
            at: e.at,
            actor: e.actor_label,
            action: e.action,
            subject: e.subject,
            before: e.before_json,
            after: e.after_json,
            reason: e.reason,
        })
        .collect();
    let mut actions: Vec<String> = audit_event::Entity::find()
        .select_only()
        .column(audit_event::Column::Action)
        .distinct()
        .into_tuple::<String>()
        .all(db)
        .await?;
    actions.sort();
    Ok(crate::api::records_admin::AuditPage {
        rows,
        page,
        pages,
        total,
        actions,
    })
}
