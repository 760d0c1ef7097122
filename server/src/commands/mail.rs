//! `vigil mail …` and `vigil reminders …`.

use std::sync::Arc;

use app::domain::mail::template::{TemplateName, Value, Vars};
use app::domain::mail::{DeliveryStatus, MessageKind};
use app::error::AppError;
use app::ssr::db::outbox::{self, NewMessage, Outcome};
use app::ssr::mail::compose::{compose, date_time};
use app::ssr::mail::scheduled::{self, RunOutcome};
use app::ssr::mail::views::message_row;
use sea_orm::DatabaseConnection;

use super::CommandError;
use crate::config::ToolConfig;
use crate::mail::Worker;
use crate::startup::{build_worker, mail_settings};

/// The delivery worker the command line uses, or a clear error when mail is off.
fn worker(config: &ToolConfig, db: &DatabaseConnection) -> Result<Worker, CommandError> {
    let settings = Arc::new(mail_settings(&config.mail, config.public_base()));
    build_worker(&config.mail, db.clone(), settings)?.ok_or_else(|| {
        CommandError::Usage(
            "mail is switched off (VIGIL_MAIL=off); set VIGIL_SMTP_URL and VIGIL_MAIL_FROM to send mail"
                .to_owned(),
        )
    })
}

/// Sends a test message now, recording it in the outbox like any other.
pub async fn test(
    config: &ToolConfig,
    db: &DatabaseConnection,
    to: &str,
) -> Result<(), CommandError> {
    let address = app::domain::email::EmailAddress::parse(to).map_err(AppError::from)?;
    let worker = worker(config, db)?;
    let now = chrono::Utc::now();
    let vars: Vars = [
        ("sent_at", Value::Text(date_time(now))),
        ("links.home", Value::Link(worker.mail.link("/"))),
    ]
    .into_iter()
    .collect();
    let composed = compose(TemplateName::Test, &vars)?;
    let queued = outbox::queue(
        db,
        NewMessage {
            kind: MessageKind::Test,
            person_id: None,
            recipient: address.as_str().to_owned(),
            course_id: None,
            sent_by: None,
            subject: composed.subject,
            text_body: composed.text,
            html_body: composed.html,
            dedupe_key: None,
        },
        &worker.mail.message_domain,
        now,
    )
    .await
    .map_err(AppError::from)?;
    // One attempt, now: a test should say at once whether the settings work.
    let single = Worker {
        retry: app::domain::mail::RetryPolicy {
            max_attempts: 1,
            ..worker.retry
        },
        ..worker
    };
    let message = outbox::claim_one(
        db,
        queued.id,
        &single.instance,
        now,
        chrono::Duration::minutes(5),
    )
    .await
    .map_err(AppError::from)?
    .ok_or_else(|| {
        CommandError::Failed("the test message could not be claimed for delivery".to_owned())
    })?;
    match single.deliver(&message).await? {
        Outcome::Sent { reply } => {
            println!(
                "Sent a test message to {} (Message-ID {}). The server answered: {reply}",
                address, message.message_id
            );
            Ok(())
        }
        Outcome::Failed { error } | Outcome::RetryAt { error, .. } => Err(CommandError::Failed(
            format!("the test message to {address} was not sent: {error}"),
        )),
        Outcome::Cancelled { reason } => Err(CommandError::Failed(reason)),
    }
}

/// Lists queued and failed messages (or all).
pub async fn queue(db: &DatabaseConnection, all: bool) -> Result<(), CommandError> {
    let statuses: &[DeliveryStatus] = if all {
        &[]
    } else {
        &[DeliveryStatus::Queued, DeliveryStatus::Failed]
    };
    let (rows, total) = outbox::page(db, statuses, 0, 500)
        .await
        .map_err(AppError::from)?;
    if rows.is_empty() {
        println!(
            "{}",
            if all {
                "No messages yet."
            } else {
                "Nothing is queued or failed."
            }
        );
        return Ok(());
    }
    println!(
        "{:<7} {:<10} {:<19} {:<34} {:<9} {:<8} DETAIL",
        "ID", "STATUS", "QUEUED (UTC)", "TO", "KIND", "ATTEMPTS"
    );
    for model in &rows {
        let row = message_row(model)?;
        let detail = match row.delivery.status {
            DeliveryStatus::Queued => format!(
                "next attempt {}{}",
                model.next_attempt_at.format("%Y-%m-%d %H:%M:%S"),
                model
                    .last_error
                    .as_ref()
                    .map(|e| format!("; last error: {e}"))
                    .unwrap_or_default()
            ),
            DeliveryStatus::Sent => model.smtp_reply.clone().unwrap_or_default(),
            DeliveryStatus::Failed | DeliveryStatus::Cancelled => {
                model.last_error.clone().unwrap_or_default()
            }
        };
        println!(
            "{:<7} {:<10} {:<19} {:<34} {:<9} {:<8} {}",
            row.id,
            row.delivery.status.as_str(),
            model.created_at.format("%Y-%m-%d %H:%M:%S"),
            row.recipient,
            short_kind(row.kind),
            row.delivery.attempts,
            detail
        );
    }
    if total > rows.len() as u64 {
        println!("… and {} more.", total - rows.len() as u64);
    }
    Ok(())
}

fn short_kind(kind: MessageKind) -> &'static str {
    match kind {
        MessageKind::Invitation => "invite",
        MessageKind::PasswordReset => "reset",
        MessageKind::Reminder => "reminder",
        MessageKind::ScheduledReminder => "scheduled",
        MessageKind::Test => "test",
        MessageKind::WitnessEmail => "witness",
        MessageKind::WitnessPost => "witness-web",
    }
}

/// Delivers what is due now.
pub async fn deliver(config: &ToolConfig, db: &DatabaseConnection) -> Result<(), CommandError> {
    let worker = worker(config, db)?;
    let tried = worker.deliver_all().await?;
    let (queued, _) = outbox::page(db, &[DeliveryStatus::Queued], 0, 1)
        .await
        .map_err(AppError::from)?;
    println!(
        "Tried {tried} message(s). {} still queued (see `vigil mail queue`).",
        if queued.is_empty() {
            "None are"
        } else {
            "Some are"
        }
    );
    Ok(())
}

/// Queues the scheduled reminders for a day.
pub async fn run_reminders(
    config: &ToolConfig,
    db: &DatabaseConnection,
    date: Option<&str>,
) -> Result<(), CommandError> {
    let now = chrono::Utc::now();
    let day = match date {
        Some(raw) => {
            app::domain::person::parse_date(raw, app::error::Field::From).map_err(AppError::from)?
        }
        None => now.date_naive(),
    };
    let settings = mail_settings(&config.mail, config.public_base());
    let instance = format!(
        "vigil reminders run ({})",
        crate::mail::worker::instance_name()
    );
    super::assign(db).await?;
    match scheduled::run_for_day(db, &settings, day, &instance, now).await? {
        RunOutcome::Ran { messages, entries } => println!(
            "Reminders for {day}: queued {messages} message(s) covering {entries} reminder(s). They are not sent yet: the running Vigil server delivers them (or run `vigil mail deliver`)."
        ),
        RunOutcome::AlreadyRan { instance, at } => println!(
            "Reminders for {day} already ran at {} on {instance}; nothing was queued again.",
            at.format("%Y-%m-%d %H:%M UTC")
        ),
        RunOutcome::Disabled => println!(
            "Scheduled reminders are switched off (Compliance → Reminders); nothing was queued."
        ),
        RunOutcome::MailOff => {
            return Err(CommandError::Usage(
                "mail is switched off (VIGIL_MAIL=off), so no reminders can be sent".to_owned(),
            ));
        }
    }
    Ok(())
}
