//! Instructor-led sessions: recording them, and the list.

use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::api::records_admin::{RecordSession, SessionRow, list_sessions};
use crate::components::alerts::{ErrorAlert, LoadError, SuccessAlert};
use crate::components::guard::Protected;
use crate::components::time::date;
use crate::domain::permissions::Permission;

/// `/compliance/sessions`
#[component]
pub fn SessionsPage() -> impl IntoView {
    let record = ServerAction::<RecordSession>::new();
    let query = use_query_map();
    let rows = Resource::new(move || record.version().get(), |_| list_sessions());
    let notice = Signal::derive(move || {
        query
            .read()
            .get("recorded")
            .map(|_| "The session is recorded; it counts as a completion for each attendee.")
    });
    let error = Signal::derive(move || record.value().get().and_then(Result::err));
    view! {
        <Title text="Instructor-led sessions" />
        <Protected require=Permission::ComplianceAdmin let:_user>
            <section class="page">
                <p class="breadcrumb"><a href="/compliance">"Compliance"</a></p>
                <h1>"Instructor-led sessions"</h1>
                <p class="lead">"Training given in person or on a call. Attendance counts as completing the course's current version and is marked instructor-led in reports and evidence."</p>
                <p>"Courses with a "<a href="/facilitator">"facilitator pack"</a>" (slides, discussion guide, one-on-one checklist) can be taught from it; record the session here afterwards."</p>
                <SuccessAlert message=notice />
                <ErrorAlert error />
                <h2 id="record">"Record a session"</h2>
                <ActionForm action=record attr:class="form" attr:aria-labelledby="record">
                    <div class="field"><label for="s-course">"Course id"</label><input id="s-course" name="course" type="text" required /></div>
                    <div class="field"><label for="s-date">"Held on"</label><input id="s-date" name="held_on" type="date" required /></div>
                    <div class="field">
                        <label for="s-format">"Format"</label>
                        <select id="s-format" name="format">
                            <option value="presentation">"Presentation"</option>
                            <option value="group-discussion">"Group discussion"</option>
                            <option value="one-on-one">"One-on-one"</option>
                        </select>
                    </div>
                    <div class="field"><label for="s-trainer">"Trainer"</label><input id="s-trainer" name="trainer" type="text" required maxlength="200" /></div>
                    <div class="field">
                        <label for="s-attendees">"Attendees' email addresses"</label>
                        <textarea id="s-attendees" name="attendees" rows="5" required aria-describedby="s-attendees-hint"></textarea>
                        <p class="hint" id="s-attendees-hint">"One per line. Nothing is recorded if any address is unknown."</p>
                    </div>
                    <div class="field"><label for="s-notes">"Notes"</label><textarea id="s-notes" name="notes" rows="2" maxlength="200"></textarea></div>
                    <button type="submit" class="button button-primary">"Record session"</button>
                </ActionForm>
                <h2 id="list">"Sessions"</h2>
                <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
                    {move || Suspend::new(async move {
                        match rows.await {
                            Ok(rows) => view! { <SessionTable rows /> }.into_any(),
                            Err(error) => view! { <LoadError error /> }.into_any(),
                        }
                    })}
                </Suspense>
            </section>
        </Protected>
    }
}

#[component]
fn SessionTable(rows: Vec<SessionRow>) -> impl IntoView {
    if rows.is_empty() {
        return view! { <div class="empty-state"><p>"No sessions recorded yet."</p></div> }
            .into_any();
    }
    view! {
        <div class="table-wrap">
            <table aria-labelledby="list">
                <thead><tr><th scope="col">"Held on"</th><th scope="col">"Course"</th><th scope="col">"Format"</th><th scope="col">"Trainer"</th><th scope="col">"Attendees"</th></tr></thead>
                <tbody>
                    {rows.into_iter().map(|row| view! {
                        <tr>
                            <th scope="row">{date(row.held_on)}</th><td>{row.course}</td><td>{row.format}</td><td>{row.trainer}</td>
                            <td>{format!("{}: {}", row.attendees.len(), row.attendees.join(", "))}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
    .into_any()
}
