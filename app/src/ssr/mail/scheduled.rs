//! The daily reminder run: plan with `domain::reminders`, then queue one message per person and
//! record every entry, all in one transaction that starts by claiming the day in `job_runs`.
//! However many instances try, the day's run happens once; a run that fails leaves nothing
//! behind, so the next attempt does it all.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::{ConnectionTrait, DatabaseConnection, EntityTrait};

use super::MailSettings;
use super::compose::{Composed, compose, date, render_template};
use crate::domain::assignment::Status;
use crate::domain::mail::MessageKind;
use crate::domain::mail::template::{TemplateName, Value, Vars, escape_markdown};
use crate::domain::reminders::{
    Digest, Escalated, Item, Key, OwnEntry, Person, PlanInput, Planned, ReminderSchedule, Trigger,
    plan,
};
use crate::error::AppError;
use crate::ssr::db::entities::{course, person};
use crate::ssr::db::outbox::NewMessage;
use crate::ssr::db::{job_runs, outbox, reminder_log, settings, training};
use crate::ssr::internal;

/// The job's name in `job_runs`.
pub const JOB: &str = "reminders";

/// What a run did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RunOutcome {
    /// Messages were queued (possibly none).
    Ran { messages: usize, entries: usize },
    /// This day's run already happened (here or on another instance).
    AlreadyRan { instance: String, at: DateTime<Utc> },
    /// The schedule is switched off.
    Disabled,
    /// Mail is switched off.
    MailOff,
}

/// The schedule as saved, or the defaults.
pub async fn schedule(db: &impl ConnectionTrait) -> Result<ReminderSchedule, AppError> {
    Ok(settings::get(db, settings::REMINDER_SCHEDULE)
        .await?
        .unwrap_or_default())
}

/// Runs the reminders for `day`, once.
pub async fn run_for_day(
    db: &DatabaseConnection,
    mail: &MailSettings,
    day: NaiveDate,
    instance: &str,
    now: DateTime<Utc>,
) -> Result<RunOutcome, AppError> {
    if !mail.mode.is_on() {
        return Ok(RunOutcome::MailOff);
    }
    let schedule = schedule(db).await?;
    if !schedule.enabled {
        return Ok(RunOutcome::Disabled);
    }
    let period = day.to_string();
    let txn = crate::ssr::db::begin(db).await?;
    if !job_runs::claim(&txn, JOB, &period, instance, now).await? {
        txn.rollback().await?;
        let run = job_runs::find(db, JOB, &period).await?;
        return Ok(RunOutcome::AlreadyRan {
            instance: run.as_ref().map(|r| r.instance.clone()).unwrap_or_default(),
            at: run.map_or(now, |r| r.started_at),
        });
    }
    let facts = Facts::load(&txn, day).await?;
    let fired: HashSet<Key> = facts.fired.iter().copied().collect();
    let planned = plan(&PlanInput {
        today: day,
        schedule: &schedule,
        people: &facts.people,
        items: &facts.items,
        fired: &fired,
        messaged_today: &facts.messaged_today,
    });
    let mut entries = 0;
    for message in &planned {
        let Some(recipient) = facts
            .directory
            .get(&message.recipient)
            .filter(|r| crate::domain::email::deliverable(&r.email))
        else {
            continue;
        };
        let composed = facts.compose(mail, recipient, message)?;
        let queued = outbox::queue(
            &txn,
            NewMessage {
                kind: MessageKind::ScheduledReminder,
                person_id: Some(recipient.id),
                recipient: recipient.email.clone(),
                course_id: None,
                sent_by: None,
                subject: composed.subject,
                text_body: composed.text,
                html_body: composed.html,
                dedupe_key: Some(format!("scheduled:{}:{day}", recipient.id)),
            },
            &mail.message_domain,
            now,
        )
        .await?;
        reminder_log::record(&txn, &message.keys, recipient.id, None, queued.id, now).await?;
        entries += message.keys.len();
    }
    let summary = format!("{} messages, {entries} reminder entries", planned.len());
    job_runs::finish(&txn, JOB, &period, &summary, now).await?;
    txn.commit().await?;
    if !planned.is_empty() {
        mail.wake();
    }
    Ok(RunOutcome::Ran {
        messages: planned.len(),
        entries,
    })
}

/// What the run reads.
struct Facts {
    people: Vec<Person>,
    directory: HashMap<i64, person::Model>,
    items: Vec<Item>,
    courses: HashMap<i64, course::Model>,
    fired: Vec<Key>,
    messaged_today: HashSet<i64>,
}

impl Facts {
    async fn load(db: &impl ConnectionTrait, day: NaiveDate) -> Result<Self, AppError> {
        let everyone = person::Entity::find().all(db).await?;
        let people = everyone
            .iter()
            .map(|p| Person {
                id: p.id,
                active: p.active,
                manager_id: p.manager_id,
            })
            .collect();
        let mut items = Vec::new();
        for row in training::compliance(db).await? {
            let status = Status::parse(&row.status).ok_or_else(|| {
                internal(
                    "reminders",
                    format!("unknown compliance status {:?}", row.status),
                )
            })?;
            items.push(Item {
                person_id: row.person_id,
                course_id: row.course_id,
                assigned_on: row.assigned_on,
                due_on: row.due_on,
                settled: status.is_compliant(),
            });
        }
        // Entries that matter today are keyed on dates no earlier than the oldest open due date
        // (escalations) or a week back (assignments); a digest is keyed on today.
        let oldest = items
            .iter()
            .filter(|i| !i.settled)
            .map(|i| i.due_on.min(i.assigned_on))
            .min()
            .unwrap_or(day)
            .min(day - chrono::Duration::days(8));
        let fired = reminder_log::keys_since(db, oldest).await?;
        let start_of_day = day.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc();
        let messaged_today = outbox::reminded_since(db, start_of_day)
            .await?
            .into_iter()
            .collect();
        let courses = course::Entity::find()
            .all(db)
            .await?
            .into_iter()
            .map(|c| (c.id, c))
            .collect();
        Ok(Self {
            people,
            directory: everyone.into_iter().map(|p| (p.id, p)).collect(),
            items,
            courses,
            fired,
            messaged_today,
        })
    }

    fn title(&self, course_id: i64) -> String {
        self.courses
            .get(&course_id)
            .map(|c| c.title.clone())
            .unwrap_or_else(|| "a course".to_owned())
    }

    fn name(&self, person_id: i64) -> String {
        self.directory
            .get(&person_id)
            .map(|p| p.name.clone())
            .unwrap_or_default()
    }

    fn compose(
        &self,
        mail: &MailSettings,
        recipient: &person::Model,
        message: &Planned,
    ) -> Result<Composed, AppError> {
        let mut text = Vec::new();
        let mut markdown = Vec::new();
        let mut section = |name: TemplateName, vars: Vars| -> Result<(), AppError> {
            let rendered = render_template(name, &vars)?;
            text.push(rendered.text);
            markdown.push(rendered.markdown);
            Ok(())
        };
        if !message.own.is_empty() {
            let entries: Vec<(String, String)> =
                message.own.iter().map(|e| self.own_line(e)).collect();
            section(
                TemplateName::ScheduledOwnTraining,
                [
                    ("courses", Value::list(&entries, "")),
                    ("links.training", Value::Link(mail.link("/training"))),
                ]
                .into_iter()
                .collect(),
            )?;
        }
        if !message.escalations.is_empty() {
            let entries: Vec<(String, String)> = message
                .escalations
                .iter()
                .map(|e| self.escalation_line(e))
                .collect();
            section(
                TemplateName::ScheduledEscalation,
                [
                    ("reports", Value::list(&entries, "")),
                    ("links.team", Value::Link(mail.link("/team"))),
                ]
                .into_iter()
                .collect(),
            )?;
        }
        if let Some(digest) = &message.digest {
            section(
                TemplateName::ScheduledDigest,
                self.digest_vars(mail, digest),
            )?;
        }
        let vars: Vars = [
            ("person.name", Value::Text(recipient.name.clone())),
            (
                "sections",
                Value::Rendered {
                    text: text.join("\n\n"),
                    markdown: markdown.join("\n\n"),
                },
            ),
            ("links.home", Value::Link(mail.link("/"))),
        ]
        .into_iter()
        .collect();
        compose(TemplateName::ScheduledReminder, &vars)
    }

    fn own_line(&self, entry: &OwnEntry) -> (String, String) {
        let title = self.title(entry.course_id);
        let when = match entry.trigger {
            Trigger::Assigned => format!("newly assigned, due {}", date(entry.due_on)),
            Trigger::BeforeDue => format!("due {}", date(entry.due_on)),
            Trigger::DueToday => "due today".to_owned(),
            _ => format!(
                "overdue since {} ({} days)",
                date(entry.due_on),
                entry.days_overdue
            ),
        };
        (
            format!("{title}: {when}"),
            format!(
                "**{}**: {}",
                escape_markdown(&title),
                escape_markdown(&when)
            ),
        )
    }

    fn escalation_line(&self, entry: &Escalated) -> (String, String) {
        let name = self.name(entry.report_id);
        let title = self.title(entry.course_id);
        let mut when = format!(
            "overdue since {} ({} days)",
            date(entry.due_on),
            entry.days_overdue
        );
        if entry.trigger == Trigger::SecondEscalation {
            let manager = self
                .directory
                .get(&entry.report_id)
                .and_then(|p| p.manager_id)
                .map(|m| self.name(m))
                .unwrap_or_default();
            when.push_str(&format!("; reports to {manager}"));
        }
        (
            format!("{name}, {title}: {when}"),
            format!(
                "{}, **{}**: {}",
                escape_markdown(&name),
                escape_markdown(&title),
                escape_markdown(&when)
            ),
        )
    }

    fn digest_vars(&self, mail: &MailSettings, digest: &Digest) -> Vars {
        let summary = format!(
            "{} people below you have {} courses assigned: {} completed or exempt, {} overdue, {} due within a week.",
            digest.people,
            digest.obligations,
            digest.settled,
            digest.overdue.len(),
            digest.due_within_week
        );
        let overdue: Vec<(String, String)> = digest
            .overdue
            .iter()
            .map(|(person, course, due)| {
                let line = format!(
                    "{}, {}: overdue since {}",
                    self.name(*person),
                    self.title(*course),
                    date(*due)
                );
                let markdown = escape_markdown(&line);
                (line, markdown)
            })
            .collect();
        [
            ("summary", Value::Text(summary)),
            ("overdue", Value::list(&overdue, "Nobody is overdue.")),
            ("links.team", Value::Link(mail.link("/team"))),
        ]
        .into_iter()
        .collect()
    }
}
