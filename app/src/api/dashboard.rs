//! The compliance dashboard: completion across the organisation, filterable, with the trend and
//! new-hire timeliness.

use chrono::NaiveDate;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::domain::reporting::{Breakdown, Tally, Timeliness};
use crate::error::AppError;

/// The dashboard's filters, as they appear in the URL (empty means "all").
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct DashboardQuery {
    pub course: String,
    pub department: String,
    pub role: String,
    pub manager: String,
    pub status: String,
}

/// A choice in a filter list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Choice {
    pub value: String,
    pub label: String,
}

/// An overdue obligation in the dashboard's list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OverdueRow {
    pub person: String,
    pub email: String,
    pub course: String,
    pub due_on: NaiveDate,
    pub manager: Option<String>,
}

/// Everything the dashboard shows.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DashboardView {
    pub query: DashboardQuery,
    pub courses: Vec<Choice>,
    pub departments: Vec<Choice>,
    pub roles: Vec<Choice>,
    /// Managers to choose from, when there are few enough for a list; otherwise the filter
    /// takes a manager's email address.
    pub managers: Vec<Choice>,
    /// Everyone with an active report.
    pub managers_total: usize,
    pub overall: Tally,
    pub by_course: Vec<Breakdown>,
    pub by_department: Vec<Breakdown>,
    pub by_role: Vec<Breakdown>,
    /// The most overdue managers' teams (`by_manager_total` in all; the export has everyone).
    pub by_manager: Vec<Breakdown>,
    pub by_manager_total: usize,
    pub overdue: Vec<OverdueRow>,
    pub overdue_total: usize,
    /// The trend chart, as SVG built on the server from Vigil's own numbers.
    pub trend_svg: String,
    pub trend: Vec<(String, Option<u32>)>,
    pub new_hires: Timeliness,
    pub new_hires_since: NaiveDate,
}

/// The dashboard, narrowed by the query.
#[server(prefix = "/api", endpoint = "dashboard")]
pub async fn get_dashboard(
    #[server(default)] query: DashboardQuery,
) -> Result<DashboardView, AppError> {
    crate::ssr::request::respond(
        async {
            let (state, _) = crate::ssr::content::views::compliance_admin().await?;
            crate::ssr::reporting::dashboard::dashboard(
                &state.db,
                query,
                chrono::Utc::now().date_naive(),
            )
            .await
        }
        .await,
    )
}
