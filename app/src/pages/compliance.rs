//! The compliance dashboard.

use leptos::prelude::*;

use super::placeholder::Placeholder;
use crate::domain::permissions::Permission;

/// Organisation-wide compliance.
#[component]
pub fn CompliancePage() -> impl IntoView {
    view! {
        <Placeholder
            title="Compliance"
            require=Permission::ComplianceAdmin
            description="Completion across the organisation will appear here, by course, department, job role and manager, with overdue counts, trends, exports and evidence packs for audits."
        />
    }
}
