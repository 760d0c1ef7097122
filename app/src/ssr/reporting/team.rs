//! A manager's team: everyone below them, their training, and reminders.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use sea_orm::{DatabaseConnection, TransactionTrait};

use super::{ReportData, load};
use crate::api::team::{TeamCourse, TeamMember, TeamMemberItem, TeamMemberView, TeamView};
use crate::domain::assignment::Status;
use crate::domain::ledger::RecordKind;
use crate::domain::mail::template::{TemplateName, Value, Vars, escape_markdown};
use crate::domain::mail::{Delivery, MessageKind};
use crate::domain::permissions::Permission;
use crate::domain::reminders::{Key, Trigger};
use crate::domain::reporting::{Tally, by_course, overall};
use crate::domain::team::{Scope, reports_of};
use crate::dto::mail::ReminderRow;
use crate::error::{AppError, Conflict, Resource};
use crate::ssr::auth::CurrentUser;
use crate::ssr::db::{courses, ledger, outbox, people, reminder_log};
use crate::ssr::mail::MailSettings;
use crate::ssr::mail::compose::{self, compose};

/// The people a manager may see: everyone below them.
fn allowed(data: &ReportData, user: &CurrentUser) -> Vec<i64> {
    reports_of(user.person.id, &data.links, Scope::AllBelow)
}

/// The newest reminder message to each of `ids`, with its delivery.
async fn last_reminders(
    db: &DatabaseConnection,
    ids: &[i64],
) -> Result<HashMap<i64, Delivery>, AppError> {
    let mut latest = HashMap::new();
    for (person, message) in outbox::latest_reminder_by_person(db, ids).await? {
        latest.insert(person, outbox::delivery(&message)?);
    }
    Ok(latest)
}

/// Reminder entries about one person, newest first, with who was told and the delivery.
async fn reminder_rows(
    db: &DatabaseConnection,
    data: &ReportData,
    person_id: i64,
) -> Result<Vec<ReminderRow>, AppError> {
    let mut rows = Vec::new();
    let mut messages = HashMap::new();
    for entry in reminder_log::about_person(db, person_id)
        .await?
        .into_iter()
        .take(100)
    {
        if let std::collections::hash_map::Entry::Vacant(slot) = messages.entry(entry.outbox_id)
            && let Some(message) = outbox::by_id(db, entry.outbox_id).await?
        {
            slot.insert(outbox::delivery(&message)?);
        }
        let Some(delivery) = messages.get(&entry.outbox_id).cloned() else {
            continue;
        };
        rows.push(ReminderRow {
            at: entry.created_at,
            course: data
                .courses
                .get(&entry.course_id)
                .map(|c| c.title.clone())
                .unwrap_or_else(|| "everything outstanding".to_owned()),
            reason: reminder_log::trigger_of(&entry)?.label().to_owned(),
            recipient: data.name_of(Some(entry.recipient_person_id)),
            delivery,
        });
    }
    Ok(rows)
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
    let reminded = last_reminders(db, &members).await?;
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
            let last_reminder = reminded.get(id).cloned();
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
    mail: &MailSettings,
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
    let reminders = reminder_rows(db, &data, id).await?;
    let mut by_course: HashMap<i64, Delivery> = HashMap::new();
    for entry in reminder_log::about_person(db, id).await? {
        if by_course.contains_key(&entry.course_id) {
            continue;
        }
        if let Some(message) = outbox::by_id(db, entry.outbox_id).await? {
            by_course.insert(entry.course_id, outbox::delivery(&message)?);
        }
    }
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
                last_reminder: by_course.get(&row.course_id).cloned(),
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
        reminders,
        mail: mail.mode,
    })
}

/// Queues a reminder to a person below the manager about one course they owe (or all of them),
/// recording which courses it was about. At most one reminder per person and course each day.
pub async fn remind(
    db: &DatabaseConnection,
    mail: &MailSettings,
    user: &CurrentUser,
    public_id: &str,
    course_slug: Option<&str>,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    user.require(Permission::Manager)?;
    mail.require_on()?;
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
    let outstanding: Vec<_> = data
        .rows
        .iter()
        .filter(|row| row.person_id == id && course_id.is_none_or(|c| c == row.course_id))
        .filter(|row| !row.status.is_compliant())
        .collect();
    if outstanding.is_empty() {
        return Err(Conflict::NothingOutstanding.into());
    }
    let mut due = Vec::new();
    for row in outstanding {
        if !reminder_log::manual_exists(db, id, row.course_id, today).await? {
            due.push(row);
        }
    }
    if due.is_empty() {
        return Err(Conflict::RemindedToday.into());
    }
    let entries: Vec<(String, String)> = due
        .iter()
        .filter_map(|row| {
            let title = &data.courses.get(&row.course_id)?.title;
            let when = if row.status == Status::Overdue {
                format!("was due {}", compose::date(row.due_on))
            } else {
                format!("is due {}", compose::date(row.due_on))
            };
            Some((
                format!("{title} ({when})"),
                format!(
                    "**{}** ({})",
                    escape_markdown(title),
                    escape_markdown(&when)
                ),
            ))
        })
        .collect();
    let person = people::find_by_id(db, id)
        .await?
        .ok_or(AppError::NotFound(Resource::Person))?;
    let vars: Vars = [
        ("person.name", Value::Text(person.name.clone())),
        ("manager.name", Value::Text(user.person.name.clone())),
        ("courses", Value::list(&entries, "")),
        ("links.training", Value::Link(mail.link("/training"))),
    ]
    .into_iter()
    .collect();
    let composed = compose(TemplateName::ManagerReminder, &vars)?;
    let mut message = compose::for_person(
        MessageKind::Reminder,
        &person,
        composed,
        Some(user.person.id),
    );
    message.course_id = course_id;
    let keys: Vec<Key> = due
        .iter()
        .map(|row| Key {
            subject: id,
            course: row.course_id,
            trigger: Trigger::Manual,
            on: today,
        })
        .collect();
    let txn = db.begin().await?;
    let queued = outbox::queue(&txn, message, &mail.message_domain, now).await?;
    // The unique key on the log refuses a second reminder the same day, even from two clicks.
    reminder_log::record(&txn, &keys, id, Some(user.person.id), queued.id, now)
        .await
        .map_err(|err| match err.sql_err() {
            Some(sea_orm::SqlErr::UniqueConstraintViolation(_)) => Conflict::RemindedToday.into(),
            _ => AppError::from(err),
        })?;
    txn.commit().await?;
    mail.wake();
    Ok(())
}

/// A manager's team tally, for the home page card.
pub async fn summary(db: &DatabaseConnection, user: &CurrentUser) -> Result<Tally, AppError> {
    Ok(team(db, user, Scope::AllBelow).await?.overall)
}
