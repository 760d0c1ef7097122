//! "My training": what the signed-in person owes and has completed.

use leptos::prelude::*;

use super::placeholder::Placeholder;
use crate::domain::permissions::Permission;

/// The learner's own training.
#[component]
pub fn TrainingPage() -> impl IntoView {
    view! {
        <Placeholder
            title="My training"
            require=Permission::Employee
            description="Your assigned courses will appear here: what is overdue, what is due and when, and what you have completed, with certificates."
        />
    }
}
