//! A manager's view of their team. Managers see only people below them in the reporting tree.

use chrono::{DateTime, NaiveDate, Utc};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::domain::assignment::Status;
use crate::domain::mail::{Delivery, MailMode};
use crate::domain::reporting::Tally;
use crate::dto::mail::ReminderRow;
use crate::error::AppError;

/// How many people a page of the team table shows.
pub const TEAM_PAGE_SIZE: u64 = 50;

/// One person in the team table.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TeamMember {
    pub public_id: String,
    pub name: String,
    pub job_title: String,
    pub department: Option<String>,
    pub direct: bool,
    pub tally: Tally,
    /// The newest reminder message to them, with its delivery as it stands.
    pub last_reminder: Option<Delivery>,
}

/// One course across the team.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TeamCourse {
    pub title: String,
    pub tally: Tally,
}

/// The team dashboard.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TeamView {
    pub all_below: bool,
    pub overall: Tally,
    /// One page of the team, most overdue first.
    pub people: Vec<TeamMember>,
    pub courses: Vec<TeamCourse>,
    /// Everyone in the team (direct, or all below).
    pub total: u64,
    /// This page, from 1, and how many there are.
    pub page: u64,
    pub pages: u64,
}

/// One obligation of a team member.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TeamMemberItem {
    pub slug: String,
    pub title: String,
    pub status: Status,
    pub due_on: NaiveDate,
    pub completed_on: Option<NaiveDate>,
    /// The newest reminder about this course, with its delivery as it stands.
    pub last_reminder: Option<Delivery>,
}

/// A record in a team member's history.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberRecord {
    pub when: DateTime<Utc>,
    pub course: String,
    pub kind: String,
    pub score: Option<i32>,
    pub passed: bool,
}

/// One team member's page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TeamMemberView {
    pub public_id: String,
    pub name: String,
    pub email: String,
    pub job_title: String,
    pub department: Option<String>,
    pub tally: Tally,
    pub items: Vec<TeamMemberItem>,
    pub history: Vec<MemberRecord>,
    /// Reminders about this person (to them, or escalated to their managers), newest first.
    pub reminders: Vec<ReminderRow>,
    pub mail: MailMode,
}

/// The signed-in manager's team; `scope = "all"` includes everyone below, not only direct reports.
/// `page` counts from 1 (0 or missing: the first).
#[server(prefix = "/api", endpoint = "team")]
pub async fn get_team(
    #[server(default)] scope: String,
    #[server(default)] page: u64,
) -> Result<TeamView, AppError> {
    use crate::domain::team::Scope;
    crate::ssr::request::respond(
        async {
            let (state, user) = crate::ssr::training::learner::employee().await?;
            let scope = if scope == "all" {
                Scope::AllBelow
            } else {
                Scope::Direct
            };
            crate::ssr::reporting::team::team(&state.db, &user, scope, page).await
        }
        .await,
    )
}

/// One person below the signed-in manager.
#[server(prefix = "/api", endpoint = "team/member")]
pub async fn get_team_member(public_id: String) -> Result<TeamMemberView, AppError> {
    crate::ssr::request::respond(
        async {
            let (state, user) = crate::ssr::training::learner::employee().await?;
            crate::ssr::reporting::team::member(&state.db, &state.mail, &user, &public_id).await
        }
        .await,
    )
}

/// Queues a reminder to a person below the signed-in manager (about one course, or everything).
#[server(prefix = "/api", endpoint = "team/remind")]
pub async fn send_reminder(
    public_id: String,
    #[server(default)] course: String,
) -> Result<(), AppError> {
    crate::ssr::request::respond(
        async {
            let (state, user) = crate::ssr::training::learner::employee().await?;
            crate::ssr::reporting::team::remind(
                &state.db,
                &state.mail,
                &user,
                &public_id,
                Some(course.as_str()),
                Utc::now(),
            )
            .await?;
            leptos_axum::redirect(&format!(
                "/team/{}?reminded=1",
                urlencoding::encode(&public_id)
            ));
            Ok(())
        }
        .await,
    )
}
