//! A manager's team: everyone below them, their training, and reminders.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Utc};
use sea_orm::DatabaseConnection;

use crate::api::team::{
    TEAM_PAGE_SIZE, TeamCourse, TeamMember, TeamMemberItem, TeamMemberView, TeamView,
};
use crate::domain::assignment::Status;
use crate::domain::ledger::RecordKind;
use crate::domain::mail::template::{TemplateName, Value, Vars, escape_markdown};
use crate::domain::mail::{Delivery, MessageKind};
use crate::domain::permissions::Permission;
use crate::domain::reminders::{Key, Trigger};
use crate::domain::reporting::{Tally, ranked};
use crate::domain::team::Scope;
use crate::dto::mail::ReminderRow;
use crate::error::{AppError, Conflict, Resource};
use crate::ssr::auth::CurrentUser;
use crate::ssr::db::entities::person;
use crate::ssr::db::{courses, ledger, org_tree, outbox, people, reminder_log, training};
use crate::ssr::internal;
use crate::ssr::mail::MailSettings;
use crate::ssr::mail::compose::{self, compose};

/// Course titles and slugs by id: all a team view needs to know of the catalogue.
async fn course_names(db: &DatabaseConnection) -> Result<HashMap<i64, (String, String)>, AppError> {
    Ok(courses::all(db)
        .await?
        .into_iter()
        .map(|c| (c.id, (c.slug, c.title)))
        .collect())
}

fn status_of(stored: &str) -> Result<Status, AppError> {
    Status::parse(stored).ok_or_else(|| {
        internal(
            "reading compliance state",
            format!("unknown status {stored}"),
        )
    })
}

fn count(n: i64) -> usize {
    usize::try_from(n).unwrap_or(0)
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

/// Reminder entries about one person, newest first, with who was told and the delivery; and the
/// newest delivery per course.
async fn reminder_rows(
    db: &DatabaseConnection,
    titles: &HashMap<i64, (String, String)>,
    person_id: i64,
) -> Result<(Vec<ReminderRow>, HashMap<i64, Delivery>), AppError> {
    let entries = reminder_log::about_person(db, person_id).await?;
    let mut latest_ids: HashMap<i64, i64> = HashMap::new();
    for entry in &entries {
        latest_ids.entry(entry.course_id).or_insert(entry.outbox_id);
    }
    let shown: Vec<_> = entries.into_iter().take(100).collect();
    let mut message_ids: Vec<i64> = shown
        .iter()
        .map(|e| e.outbox_id)
        .chain(latest_ids.values().copied())
        .collect();
    message_ids.sort_unstable();
    message_ids.dedup();
    let mut deliveries = HashMap::new();
    for message in outbox::with_ids(db, &message_ids).await? {
        deliveries.insert(message.id, outbox::delivery(&message)?);
    }
    let mut recipients: Vec<i64> = shown.iter().map(|e| e.recipient_person_id).collect();
    recipients.sort_unstable();
    recipients.dedup();
    let names: HashMap<i64, String> = people::with_ids(db, &recipients)
        .await?
        .into_iter()
        .map(|p| (p.id, p.name))
        .collect();
    let mut rows = Vec::new();
    for entry in shown {
        let Some(delivery) = deliveries.get(&entry.outbox_id).cloned() else {
            continue;
        };
        rows.push(ReminderRow {
            at: entry.created_at,
            course: titles
                .get(&entry.course_id)
                .map(|(_, title)| title.clone())
                .unwrap_or_else(|| "everything outstanding".to_owned()),
            reason: reminder_log::trigger_of(&entry)?.label().to_owned(),
            recipient: names
                .get(&entry.recipient_person_id)
                .cloned()
                .unwrap_or_default(),
            delivery,
        });
    }
    let by_course = latest_ids
        .into_iter()
        .filter_map(|(course, message)| Some((course, deliveries.get(&message)?.clone())))
        .collect();
    Ok((rows, by_course))
}

/// The whole team's obligations, overall and by course.
async fn team_tallies(
    db: &DatabaseConnection,
    manager_id: i64,
    scope: Scope,
) -> Result<(Tally, Vec<TeamCourse>), AppError> {
    let titles = course_names(db).await?;
    let mut overall_tally = Tally::default();
    let mut courses: BTreeMap<String, Tally> = BTreeMap::new();
    for row in org_tree::course_status_counts(db, manager_id, scope).await? {
        let status = status_of(&row.status)?;
        overall_tally.add_many(status, count(row.n));
        let title = titles
            .get(&row.course_id)
            .map_or_else(|| "Unknown course".to_owned(), |(_, t)| t.clone());
        courses
            .entry(title)
            .or_default()
            .add_many(status, count(row.n));
    }
    let courses = ranked(courses)
        .into_iter()
        .map(|breakdown| TeamCourse {
            title: breakdown.label,
            tally: breakdown.tally,
        })
        .collect();
    Ok((overall_tally, courses))
}

/// The team view: direct reports, or everyone below; one page (from 1) of people, most overdue
/// first. The figures cover the whole team. A fixed number of queries, whatever its size.
pub async fn team(
    db: &DatabaseConnection,
    user: &CurrentUser,
    scope: Scope,
    page: u64,
) -> Result<TeamView, AppError> {
    user.require(Permission::Manager)?;
    let manager = user.person.id;
    let (overall_tally, courses) = team_tallies(db, manager, scope).await?;
    let page = page.max(1);
    let mut members = org_tree::member_page(
        db,
        manager,
        scope,
        (page - 1) * TEAM_PAGE_SIZE,
        TEAM_PAGE_SIZE,
    )
    .await?;
    if members.is_empty() && page > 1 {
        // Past the end (the team shrank, or a hand-typed URL): show the first page.
        members = org_tree::member_page(db, manager, scope, 0, TEAM_PAGE_SIZE).await?;
    }
    let total = members
        .first()
        .map_or(0, |m| u64::try_from(m.total).unwrap_or(0));
    let ids: Vec<i64> = members.iter().map(|m| m.id).collect();
    let reminded = last_reminders(db, &ids).await?;
    let people = members
        .into_iter()
        .map(|m| {
            let mut tally = Tally::default();
            tally.add_many(Status::Completed, count(m.completed));
            tally.add_many(Status::Exempt, count(m.exempt));
            tally.add_many(Status::InProgress, count(m.in_progress));
            tally.add_many(Status::NotStarted, count(m.not_started));
            tally.add_many(Status::Overdue, count(m.overdue));
            TeamMember {
                last_reminder: reminded.get(&m.id).cloned(),
                public_id: m.public_id,
                name: m.name,
                job_title: m.job_title,
                department: m.department,
                direct: m.manager_id == Some(manager),
                tally,
            }
        })
        .collect();
    let pages = total.div_ceil(TEAM_PAGE_SIZE).max(1);
    Ok(TeamView {
        all_below: scope == Scope::AllBelow,
        overall: overall_tally,
        people,
        courses,
        total,
        page: page.min(pages),
        pages,
    })
}

/// The person `public_id` names if they are below `user`; "not found" otherwise, so a manager
/// cannot learn whether somebody outside their tree exists.
async fn member_of(
    db: &DatabaseConnection,
    user: &CurrentUser,
    public_id: &str,
) -> Result<person::Model, AppError> {
    let found = people::find_by_public_id(db, public_id).await?;
    match found {
        Some(person) if org_tree::is_below(db, user.person.id, person.id).await? => Ok(person),
        _ => Err(AppError::NotFound(Resource::Person)),
    }
}

/// One person's training, for a manager above them. Anyone else gets "not found".
pub async fn member(
    db: &DatabaseConnection,
    mail: &MailSettings,
    user: &CurrentUser,
    public_id: &str,
) -> Result<TeamMemberView, AppError> {
    user.require(Permission::Manager)?;
    let person = member_of(db, user, public_id).await?;
    let id = person.id;
    let titles = course_names(db).await?;
    let (reminders, by_course) = reminder_rows(db, &titles, id).await?;
    let mut tally = Tally::default();
    let mut items = Vec::new();
    for row in training::compliance_of(db, id).await? {
        let status = status_of(&row.status)?;
        tally.add_many(status, 1);
        let Some((slug, title)) = titles.get(&row.course_id) else {
            continue;
        };
        items.push(TeamMemberItem {
            slug: slug.clone(),
            title: title.clone(),
            status,
            due_on: row.due_on,
            completed_on: row.completed_on,
            last_reminder: by_course.get(&row.course_id).cloned(),
        });
    }
    items.sort_by_key(|item| (item.status, item.due_on));
    let history = ledger::of_person(db, id)
        .await?
        .into_iter()
        .rev()
        .take(50)
        .map(|record| crate::api::team::MemberRecord {
            when: record.finished_at,
            course: titles
                .get(&record.course_id)
                .map(|(_, title)| title.clone())
                .unwrap_or_default(),
            kind: RecordKind::parse(&record.kind)
                .map(|k| k.label().to_owned())
                .unwrap_or_default(),
            score: record.score,
            passed: record.passed,
        })
        .collect();
    let department = people::department_name(db, person.department_id).await?;
    Ok(TeamMemberView {
        public_id: public_id.to_owned(),
        name: person.name,
        email: person.email,
        job_title: person.job_title,
        department,
        tally,
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
    let person = member_of(db, user, public_id).await?;
    let id = person.id;
    let titles = course_names(db).await?;
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
    let mut outstanding = Vec::new();
    for row in training::compliance_of(db, id).await? {
        let status = status_of(&row.status)?;
        if course_id.is_none_or(|c| c == row.course_id) && !status.is_compliant() {
            outstanding.push((row, status));
        }
    }
    if outstanding.is_empty() {
        return Err(Conflict::NothingOutstanding.into());
    }
    let mut due = Vec::new();
    for (row, status) in outstanding {
        if !reminder_log::manual_exists(db, id, row.course_id, today).await? {
            due.push((row, status));
        }
    }
    if due.is_empty() {
        return Err(Conflict::RemindedToday.into());
    }
    let entries: Vec<(String, String)> = due
        .iter()
        .filter_map(|(row, status)| {
            let (_, title) = titles.get(&row.course_id)?;
            let when = if *status == Status::Overdue {
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
        .map(|(row, _)| Key {
            subject: id,
            course: row.course_id,
            trigger: Trigger::Manual,
            on: today,
        })
        .collect();
    if !crate::domain::email::deliverable(&message.recipient) {
        return Err(crate::error::Conflict::NoEmailAddress.into());
    }
    let txn = crate::ssr::db::begin(db).await?;
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
    user.require(Permission::Manager)?;
    Ok(team_tallies(db, user.person.id, Scope::AllBelow).await?.0)
}
