//! A manager's team: everyone below them, their training, and reminders.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use sea_orm::DatabaseConnection;

use super::{ReportData, load};
use crate::api::team::{TeamCourse, TeamMember, TeamMemberItem, TeamMemberView, TeamView};
use crate::domain::assignment::Status;
use crate::domain::ledger::RecordKind;
use crate::domain::permissions::Permission;
use crate::domain::reporting::{Tally, by_course, overall};
use crate::domain::team::{Scope, reports_of};
use crate::error::{AppError, Conflict, Resource};
use crate::ssr::auth::CurrentUser;
use crate::ssr::db::outbox::{NewMessage, queue_reminder, reminders};
use crate::ssr::db::{courses, ledger};

/// The people a manager may see: everyone below them.
fn allowed(data: &ReportData, user: &CurrentUser) -> Vec<i64> {
    reports_of(user.person.id, &data.links, Scope::AllBelow)
}

async fn last_reminders(
    db: &DatabaseConnection,
) -> Result<HashMap<(i64, Option<i64>), DateTime<Utc>>, AppError> {
    let mut latest = HashMap::new();
    for message in reminders(db).await? {
        latest
            .entry((message.person_id, message.course_id))
            .or_insert(message.created_at);
    }
    Ok(latest)
}

/// The team view: direct reports, or everyone below.
pub async fn team(
    db: &DatabaseConnection,
    user: &CurrentUser,
    scope: Scope,
) -> Result<TeamView, AppError> {
    user.require(Permission::Manager)?;
    let data = load(db).await?;
    let members = reports_of(user.person.id, &data.links, scope);
    let rows: Vec<_> = data
        .rows
        .iter()
        .filter(|row| members.contains(&row.person_id))
        .collect();
    let reminded = last_reminders(db).await?;
    let mut people: Vec<TeamMember> = members
        .iter()
        .filter_map(|id| {
            let info = data.people.get(id)?;
            let detail = data.person_details.get(id)?;
            let own: Vec<_> = rows
                .iter()
                .copied()
                .filter(|row| row.person_id == *id)
                .collect();
            let last_reminder = reminded
                .iter()
                .filter(|((person, _), _)| person == id)
                .map(|(_, at)| *at)
                .max();
            Some(TeamMember {
                public_id: detail.public_id.clone(),
                name: info.name.clone(),
                job_title: detail.job_title.clone(),
                department: info.department.clone(),
                direct: info.manager_id == Some(user.person.id),
                tally: overall(&own),
                last_reminder,
            })
        })
        .collect();
    people.sort_by(|a, b| {
        b.tally
            .overdue
            .cmp(&a.tally.overdue)
            .then(a.name.cmp(&b.name))
    });
    let courses = by_course(&rows, &data.courses)
        .into_iter()
        .map(|breakdown| TeamCourse {
            title: breakdown.label,
            tally: breakdown.tally,
        })
        .collect();
    Ok(TeamView {
        all_below: scope == Scope::AllBelow,
        overall: overall(&rows),
        people,
        courses,
    })
}

/// The id of the person `public_id` names if they are below `user`; "not found" otherwise, so a
/// manager cannot learn whether somebody outside their tree exists.
fn member_id(data: &ReportData, user: &CurrentUser, public_id: &str) -> Result<i64, AppError> {
    data.person_by_public_id(public_id)
        .filter(|id| allowed(data, user).contains(id))
        .ok_or(AppError::NotFound(Resource::Person))
}

/// One person's training, for a manager above them. Anyone else gets "not found".
pub async fn member(
    db: &DatabaseConnection,
    user: &CurrentUser,
    public_id: &str,
) -> Result<TeamMemberView, AppError> {
    user.require(Permission::Manager)?;
    let data = load(db).await?;
    let id = member_id(&data, user, public_id)?;
    let info = data
        .people
        .get(&id)
        .ok_or(AppError::NotFound(Resource::Person))?;
    let detail = data
        .person_details
        .get(&id)
        .ok_or(AppError::NotFound(Resource::Person))?;
    let reminded = last_reminders(db).await?;
    let mut items: Vec<TeamMemberItem> = data
        .rows
        .iter()
        .filter(|row| row.person_id == id)
        .filter_map(|row| {
            let course = data.courses.get(&row.course_id)?;
            let course_detail = data.course_details.get(&row.course_id)?;
            Some(TeamMemberItem {
                slug: course_detail.slug.clone(),
                title: course.title.clone(),
                status: row.status,
                due_on: row.due_on,
                completed_on: row.completed_on,
                last_reminder: reminded.get(&(id, Some(row.course_id))).copied(),
            })
        })
        .collect();
    items.sort_by_key(|item| (item.status, item.due_on));
    let history = ledger::of_person(db, id)
        .await?
        .into_iter()
        .rev()
        .take(50)
        .map(|record| crate::api::team::MemberRecord {
            when: record.finished_at,
            course: data
                .courses
                .get(&record.course_id)
                .map(|c| c.title.clone())
                .unwrap_or_default(),
            kind: RecordKind::parse(&record.kind)
                .map(|k| k.label().to_owned())
                .unwrap_or_default(),
            score: record.score,
            passed: record.passed,
        })
        .collect();
    Ok(TeamMemberView {
        public_id: public_id.to_owned(),
        name: info.name.clone(),
        email: detail.email.clone(),
        job_title: detail.job_title.clone(),
        department: info.department.clone(),
        tally: overall(
            &data
                .rows
                .iter()
                .filter(|row| row.person_id == id)
                .collect::<Vec<_>>(),
        ),
        items,
        history,
    })
}

/// Queues a reminder to a person below the manager about one course they owe (or all of them).
/// At most one reminder per person and course each day.
pub async fn remind(
    db: &DatabaseConnection,
    user: &CurrentUser,
    public_id: &str,
    course_slug: Option<&str>,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    user.require(Permission::Manager)?;
    let data = load(db).await?;
    let id = member_id(&data, user, public_id)?;
    let course_id = match course_slug.filter(|s| !s.is_empty()) {
        Some(slug) => Some(
            courses::find_by_slug(db, slug)
                .await?
                .ok_or(AppError::NotFound(Resource::Course))?
                .id,
        ),
        None => None,
    };
    let today = now.date_naive();
    if last_reminders(db)
        .await?
        .get(&(id, course_id))
        .is_some_and(|at| at.date_naive() == today)
    {
        return Err(Conflict::RemindedToday.into());
    }
    let outstanding: Vec<String> = data
        .rows
        .iter()
        .filter(|row| row.person_id == id && course_id.is_none_or(|c| c == row.course_id))
        .filter(|row| !row.status.is_compliant())
        .filter_map(|row| {
            let title = &data.courses.get(&row.course_id)?.title;
            let when = if row.status == Status::Overdue {
                format!("was due {}", row.due_on)
            } else {
                format!("is due {}", row.due_on)
            };
            Some(format!("- {title} ({when})"))
        })
        .collect();
    if outstanding.is_empty() {
        return Err(Conflict::NothingOutstanding.into());
    }
    let name = data
        .people
        .get(&id)
        .map(|p| p.name.clone())
        .unwrap_or_default();
    let subject = match course_id.and_then(|c| data.courses.get(&c)) {
        Some(course) => format!("Reminder: {}", course.title),
        None => "Reminder: your security training".to_owned(),
    };
    let body = format!(
        "Hello {name},\n\n{} asked us to remind you about your security training:\n\n{}\n\nOpen Vigil and choose My training to continue.\n",
        user.person.name,
        outstanding.join("\n")
    );

    queue_reminder(
        db,
        NewMessage {
            person_id: id,
            course_id,
            sent_by: Some(user.person.id),
            subject,
            body,
        },
        now,
    )
    .await?;
    Ok(())
}

/// A manager's team tally, for the home page card.
pub async fn summary(db: &DatabaseConnection, user: &CurrentUser) -> Result<Tally, AppError> {
    Ok(team(db, user, Scope::AllBelow).await?.overall)
}
