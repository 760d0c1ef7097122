//! Instructor-led sessions, the evidence-signing key, and the audit log, for compliance
//! administrators.

use chrono::{DateTime, NaiveDate, Utc};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::AppError;

/// A session in the list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionRow {
    pub id: i64,
    pub held_on: NaiveDate,
    pub course: String,
    pub format: String,
    pub trainer: String,
    pub attendees: Vec<String>,
    pub notes: String,
}

/// The public half of the evidence-signing key.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EvidenceKeyView {
    pub public_key_pem: String,
    pub fingerprint: String,
}

/// One audit-log entry.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditRow {
    pub id: i64,
    pub at: DateTime<Utc>,
    pub actor: String,
    pub action: String,
    pub subject: String,
    pub before: Option<String>,
    pub after: Option<String>,
    pub reason: Option<String>,
}

/// A page of the audit log.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditPage {
    pub rows: Vec<AuditRow>,
    pub page: u64,
    pub pages: u64,
    pub total: u64,
    pub actions: Vec<String>,
}

/// Every instructor-led session.
#[server(prefix = "/api", endpoint = "admin/sessions")]
pub async fn list_sessions() -> Result<Vec<SessionRow>, AppError> {
    crate::ssr::request::respond(
        async {
            let (state, _) = crate::ssr::content::views::compliance_admin().await?;
            crate::ssr::training::admin_views::sessions(&state.db).await
        }
        .await,
    )
}

/// Records an instructor-led session; it counts as a completion for every attendee.
#[server(prefix = "/api", endpoint = "admin/sessions/record")]
pub async fn record_session(
    course: String,
    held_on: String,
    format: String,
    trainer: String,
    attendees: String,
    #[server(default)] notes: String,
) -> Result<(), AppError> {
    use crate::domain::person::parse_date;
    use crate::error::Field;
    use crate::ssr::training::sessions::{SessionInput, record};
    crate::ssr::request::respond(
        async {
            let (state, user) = crate::ssr::content::views::compliance_admin().await?;
            let held_on = parse_date(&held_on, Field::HeldOn)?;
            let input = SessionInput {
                course: &course,
                held_on,
                format: &format,
                trainer: &trainer,
                attendees: &attendees,
                notes: &notes,
            };
            let id = record(&state.db, &state.engine, &user, input, Utc::now()).await?;
            leptos_axum::redirect(&format!("/compliance/sessions?recorded={id}"));
            Ok(())
        }
        .await,
    )
}

/// The key evidence packs are signed with, to compare with a pack's.
#[server(prefix = "/api", endpoint = "admin/evidence-key")]
pub async fn evidence_key() -> Result<EvidenceKeyView, AppError> {
    crate::ssr::request::respond(
        async {
            let (state, _) = crate::ssr::content::views::compliance_admin().await?;
            Ok(EvidenceKeyView {
                public_key_pem: state.evidence_key.public_pem(),
                fingerprint: state.evidence_key.fingerprint(),
            })
        }
        .await,
    )
}

/// The audit log, newest first, 50 to a page, filtered by action, actor text and dates.
#[server(prefix = "/api", endpoint = "admin/audit")]
pub async fn audit_log(
    #[server(default)] action: String,
    #[server(default)] actor: String,
    #[server(default)] from: String,
    #[server(default)] to: String,
    #[server(default)] page: u64,
) -> Result<AuditPage, AppError> {
    crate::ssr::request::respond(
        async {
            let (state, _) = crate::ssr::content::views::compliance_admin().await?;
            crate::ssr::training::admin_views::audit(&state.db, &action, &actor, &from, &to, page)
                .await
        }
        .await,
    )
}
