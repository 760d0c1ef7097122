//! Completion as a bar and in words. A native `<progress>` element: no inline styles (the
//! Content Security Policy forbids them) and announced by screen readers.

use leptos::prelude::*;

use crate::domain::reporting::Tally;

/// "12 of 15 up to date (80%)", with a bar.
#[component]
pub fn Completion(tally: Tally) -> impl IntoView {
    let up_to_date = tally.completed + tally.exempt;
    let label = match tally.compliant_percent() {
        Some(percent) => format!("{up_to_date} of {} up to date ({percent}%)", tally.assigned),
        None => "Nothing assigned".to_owned(),
    };
    view! {
        <div class="completion">
            <progress max=tally.assigned.max(1) value=up_to_date aria-label=label.clone()></progress>
            <span class="completion-label">{label}</span>
            {(tally.overdue > 0).then(|| view! { <span class="status status-overdue">{format!("{} overdue", tally.overdue)}</span> })}
        </div>
    }
}
