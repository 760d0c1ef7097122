//! The compliance area's front page.

use leptos::prelude::*;
use leptos_meta::Title;

use crate::components::guard::Protected;
use crate::domain::permissions::Permission;

/// `/compliance`
#[component]
pub fn CompliancePage() -> impl IntoView {
    view! {
        <Title text="Compliance" />
        <Protected require=Permission::ComplianceAdmin let:_user>
            <section class="page">
                <h1>"Compliance"</h1>
                <div class="card-grid">
                    <article class="card">
                        <h2>"Completion records"</h2>
                        <p>"Every attempt and acknowledgement; record completions done elsewhere or void a record."</p>
                        <a href="/compliance/records">"Open records"</a>
                    </article>
                    <article class="card">
                        <h2>"Exemptions"</h2>
                        <p>"Who is excused from which course, why, and until when."</p>
                        <a href="/compliance/exemptions">"Open exemptions"</a>
                    </article>
                    <article class="card">
                        <h2>"Assignment rules"</h2>
                        <p>"Open a course under Content to change who it is assigned to."</p>
                        <a href="/content">"Open content"</a>
                    </article>
                </div>
                <div class="empty-state">
                    <p>"Organisation-wide completion will appear here, by course, department, job role and manager, with overdue counts, trends, exports and evidence packs for audits."</p>
                </div>
            </section>
        </Protected>
    }
}
