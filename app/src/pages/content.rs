//! Course publishing.

use leptos::prelude::*;

use super::placeholder::Placeholder;
use crate::domain::permissions::Permission;

/// The list of courses and their versions.
#[component]
pub fn ContentPage() -> impl IntoView {
    view! {
        <Placeholder
            title="Content"
            require=Permission::ComplianceAdmin
            description="Courses, policies and threat bulletins will appear here with their version history, and you will be able to upload, edit, preview, publish and retire them."
        />
    }
}
