//! The reminder schedule and template previews, for compliance administrators.

use chrono::{DateTime, Duration, Utc};
use sea_orm::DatabaseConnection;

use super::MailSettings;
use super::compose::{body_html, date, date_time, render_template};
use crate::api::mail_admin::{ReminderSettingsView, RunRow, TemplatePreview};
use crate::domain::mail::MailMode;
use crate::domain::mail::template::{TemplateName, Value, Vars};
use crate::domain::reminders::ReminderSchedule;
use crate::error::AppError;
use crate::ssr::auth::CurrentUser;
use crate::ssr::db::audit::{self, AuditEntry};
use crate::ssr::db::{job_runs, settings};

/// The schedule and the latest runs.
pub async fn settings(
    db: &DatabaseConnection,
    mail: MailMode,
) -> Result<ReminderSettingsView, AppError> {
    let schedule = super::scheduled::schedule(db).await?;
    let recent_runs = job_runs::recent(db, super::scheduled::JOB, 14)
        .await?
        .into_iter()
        .map(|run| RunRow {
            day: run.period,
            instance: run.instance,
            started_at: run.started_at,
            summary: run.summary.unwrap_or_else(|| "did not finish".to_owned()),
        })
        .collect();
    Ok(ReminderSettingsView {
        schedule,
        mail,
        recent_runs,
    })
}

/// Saves a checked schedule with its audit entry, in one transaction.
pub async fn save(
    db: &DatabaseConnection,
    user: &CurrentUser,
    schedule: &ReminderSchedule,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    schedule.validate()?;
    let before = super::scheduled::schedule(db).await?;
    let txn = crate::ssr::db::begin(db).await?;
    settings::put(
        &txn,
        settings::REMINDER_SCHEDULE,
        schedule,
        Some(user.person.id),
        now,
    )
    .await?;
    audit::record(
        &txn,
        AuditEntry {
            actor: user.actor(),
            action: "reminders.schedule",
            subject: "settings:reminder_schedule".to_owned(),
            before: serde_json::to_value(&before).ok(),
            after: serde_json::to_value(schedule).ok(),
            reason: None,
        },
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// Every template rendered with made-up data.
pub fn previews(mail: &MailSettings) -> Result<Vec<TemplatePreview>, AppError> {
    let now = Utc::now();
    TemplateName::ALL
        .into_iter()
        .map(|name| {
            let rendered = render_template(name, &sample(name, mail, now))?;
            Ok(TemplatePreview {
                slug: name.slug().to_owned(),
                description: name.description().to_owned(),
                subject: rendered.subject,
                text: rendered.text,
                html: body_html(&rendered.markdown),
                source: name.source().to_owned(),
                variables: name.variables().iter().map(|v| (*v).to_owned()).collect(),
            })
        })
        .collect()
}

fn sample(name: TemplateName, mail: &MailSettings, now: DateTime<Utc>) -> Vars {
    let list = |items: &[&str]| {
        let entries: Vec<(String, String)> = items
            .iter()
            .map(|item| {
                (
                    (*item).to_owned(),
                    crate::domain::mail::template::escape_markdown(item),
                )
            })
            .collect();
        Value::list(&entries, "")
    };
    let due = date((now + Duration::days(7)).date_naive());
    let overdue_since = date((now - Duration::days(9)).date_naive());
    let pairs: Vec<(&'static str, Value)> = vec![
        ("person.name", Value::Text("Ravi Patel".into())),
        ("inviter.name", Value::Text("Sam Taylor".into())),
        ("manager.name", Value::Text("Elena Petrova".into())),
        ("links.accept", Value::Link(mail.link("/invite/EXAMPLE"))),
        ("links.reset", Value::Link(mail.link("/reset-password/EXAMPLE"))),
        ("links.home", Value::Link(mail.link("/"))),
        ("links.training", Value::Link(mail.link("/training"))),
        ("links.team", Value::Link(mail.link("/team"))),
        (
            "expires_at",
            Value::Text(date_time(
                now + if name == TemplateName::PasswordReset {
                    Duration::hours(1)
                } else {
                    Duration::days(i64::from(mail.invitation_days))
                },
            )),
        ),
        ("sent_at", Value::Text(date_time(now))),
        (
            "courses",
            list(&[
                &format!("Phishing awareness: due {due}"),
                &format!("Acceptable use policy: overdue since {overdue_since} (9 days)"),
            ]),
        ),
        (
            "reports",
            list(&[&format!(
                "Ravi Patel, Phishing awareness: overdue since {overdue_since} (9 days)"
            )]),
        ),
        (
            "summary",
            Value::Text(
                "12 people below you have 48 courses assigned: 41 completed or exempt, 2 overdue, 3 due within a week."
                    .into(),
            ),
        ),
        (
            "overdue",
            list(&[&format!("Ravi Patel, Phishing awareness: overdue since {overdue_since}")]),
        ),
        (
            "sections",
            Value::Rendered {
                text: "## Your training\n\n- Phishing awareness: due soon".into(),
                markdown: "## Your training\n\n- Phishing awareness: due soon".into(),
            },
        ),
    ];
    pairs
        .into_iter()
        .filter(|(key, _)| name.variables().contains(key))
        .collect()
}
