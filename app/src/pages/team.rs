//! "My team": a manager's view of their reports' training.

use leptos::prelude::*;

use super::placeholder::Placeholder;
use crate::domain::permissions::Permission;

/// The manager's team page.
#[component]
pub fn TeamPage() -> impl IntoView {
    view! {
        <Placeholder
            title="My team"
            require=Permission::Manager
            description="Your team's training will appear here: completion for your direct reports and everyone below them, who is overdue, and a way to send reminders."
        />
    }
}
