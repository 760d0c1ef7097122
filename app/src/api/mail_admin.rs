//! Email for compliance administrators: the reminder schedule, template previews and the queue.

// `save_reminder_settings` takes one argument per form field (grouping them would rename the
// fields); the lint fires on code the `server` macro generates, so it is allowed here.
#![allow(clippy::too_many_arguments)]

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::domain::mail::MailMode;
use crate::domain::reminders::ReminderSchedule;
use crate::dto::mail::MailQueueView;
use crate::error::AppError;

/// The reminder settings page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReminderSettingsView {
    pub schedule: ReminderSchedule,
    pub mail: MailMode,
    /// The most recent daily runs: (day, instance, started, summary).
    pub recent_runs: Vec<RunRow>,
}

/// One daily reminder run.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RunRow {
    pub day: String,
    pub instance: String,
    pub started_at: chrono::DateTime<chrono::Utc>,
    pub summary: String,
}

/// A template rendered with sample data.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TemplatePreview {
    pub slug: String,
    pub description: String,
    pub subject: String,
    pub text: String,
    /// Sanitized HTML (pulldown-cmark + ammonia), safe to show as it is.
    pub html: String,
    /// The template's source, variables and all.
    pub source: String,
    pub variables: Vec<String>,
}

/// The reminder schedule. Compliance administrators only.
#[server(prefix = "/api", endpoint = "reminders/settings")]
pub async fn get_reminder_settings() -> Result<ReminderSettingsView, AppError> {
    crate::ssr::request::respond(
        async {
            let (state, _) = crate::ssr::content::views::compliance_admin().await?;
            crate::ssr::mail::admin::settings(&state.db, state.mail.mode).await
        }
        .await,
    )
}

/// Saves the reminder schedule. Empty day fields switch that reminder off.
#[server(prefix = "/api", endpoint = "reminders/save")]
pub async fn save_reminder_settings(
    #[server(default)] enabled: Option<String>,
    #[server(default)] on_assignment: Option<String>,
    #[server(default)] days_before_due: String,
    #[server(default)] on_due_date: Option<String>,
    #[server(default)] overdue_every_days: String,
    #[server(default)] escalate_after_days: String,
    #[server(default)] escalate_again_after_days: String,
    #[server(default)] digest_weekday: String,
    #[server(default)] send_hour_utc: String,
) -> Result<(), AppError> {
    use crate::error::Invalid;
    let days = |raw: &str| -> Result<Option<u32>, AppError> {
        match raw.trim() {
            "" => Ok(None),
            text => text
                .parse()
                .map(Some)
                .map_err(|_| Invalid::ReminderDays.into()),
        }
    };
    crate::ssr::request::respond(
        async {
            let (state, user) = crate::ssr::content::views::compliance_admin().await?;
            let schedule = ReminderSchedule {
                enabled: enabled.is_some(),
                on_assignment: on_assignment.is_some(),
                days_before_due: days(&days_before_due)?,
                on_due_date: on_due_date.is_some(),
                overdue_every_days: days(&overdue_every_days)?,
                escalate_after_days: days(&escalate_after_days)?,
                escalate_again_after_days: days(&escalate_again_after_days)?,
                digest_weekday: match digest_weekday.trim() {
                    "" => None,
                    text => Some(text.parse().map_err(|_| Invalid::DigestWeekday)?),
                },
                send_hour_utc: send_hour_utc
                    .trim()
                    .parse()
                    .map_err(|_| Invalid::SendHour)?,
            };
            crate::ssr::mail::admin::save(&state.db, &user, &schedule, chrono::Utc::now()).await?;
            leptos_axum::redirect("/compliance/reminders?saved=1");
            Ok(())
        }
        .await,
    )
}

/// Every message template rendered with sample data. Compliance administrators only.
#[server(prefix = "/api", endpoint = "mail/templates")]
pub async fn get_template_previews() -> Result<Vec<TemplatePreview>, AppError> {
    crate::ssr::request::respond(
        async {
            let (state, _) = crate::ssr::content::views::compliance_admin().await?;
            crate::ssr::mail::admin::previews(&state.mail)
        }
        .await,
    )
}

/// One page of the outbox. Compliance administrators only.
#[server(prefix = "/api", endpoint = "mail/queue")]
pub async fn get_mail_queue(
    #[server(default)] status: String,
    #[server(default)] page: u64,
) -> Result<MailQueueView, AppError> {
    crate::ssr::request::respond(
        async {
            let (state, _) = crate::ssr::content::views::compliance_admin().await?;
            crate::ssr::mail::views::queue(&state.db, state.mail.mode, &status, page).await
        }
        .await,
    )
}
