//! Completion records and corrections: recording a completion done elsewhere, or voiding a
//! record. Corrections are new records with a reason; nothing recorded is ever changed.

use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::api::administration::{RecordManualCompletion, RecordRow, VoidRecord, recent_records};
use crate::components::alerts::{ErrorAlert, LoadError, SuccessAlert};
use crate::components::guard::Protected;
use crate::components::time::date_time;
use crate::domain::permissions::Permission;

/// `/compliance/records`
#[component]
pub fn RecordsPage() -> impl IntoView {
    let query = use_query_map();
    let manual = ServerAction::<RecordManualCompletion>::new();
    let void = ServerAction::<VoidRecord>::new();
    let email = move || query.read().get("email").unwrap_or_default();
    let rows = Resource::new(
        move || (email(), manual.version().get(), void.version().get()),
        |(email, ..)| recent_records(email),
    );
    let notice = Signal::derive(move || {
        let query = query.read();
        if query.get("recorded").is_some() {
            Some("The completion is recorded, with you as the actor and your reason.")
        } else if query.get("voided").is_some() {
            Some("The record is voided. It stays in the ledger, marked as voided.")
        } else {
            None
        }
    });
    let error = Signal::derive(move || {
        manual
            .value()
            .get()
            .and_then(Result::err)
            .or_else(|| void.value().get().and_then(Result::err))
    });
    view! {
        <Title text="Completion records" />
        <Protected require=Permission::ComplianceAdmin let:_user>
            <section class="page">
                <p class="breadcrumb"><a href="/compliance">"Compliance"</a></p>
                <h1>"Completion records"</h1>
                <p class="lead">"Every attempt, acknowledgement and correction, newest first. The ledger is append-only and hash-chained: check it with "<code>"vigil ledger verify"</code>"."</p>
                <SuccessAlert message=notice />
                <ErrorAlert error />
                <form method="get" action="/compliance/records" class="filter-form" role="search">
                    <label for="filter-email">"Show one person's records"</label>
                    <input id="filter-email" name="email" type="email" placeholder="name@example.com" value=email />
                    <button type="submit" class="button">"Show"</button>
                    <a href="/compliance/records">"Show everyone"</a>
                </form>
                <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
                    {move || Suspend::new(async move {
                        match rows.await {
                            Ok(rows) => view! { <RecordTable rows /> }.into_any(),
                            Err(error) => view! { <LoadError error /> }.into_any(),
                        }
                    })}
                </Suspense>
                <div class="two-columns">
                    <section aria-labelledby="manual">
                        <h2 id="manual">"Record a completion"</h2>
                        <p class="hint">"For training done outside Vigil, for example on paper. It counts against the course's current version."</p>
                        <ActionForm action=manual attr:class="form">
                            <div class="field"><label for="m-email">"Person's email address"</label><input id="m-email" name="email" type="email" required /></div>
                            <div class="field"><label for="m-course">"Course id"</label><input id="m-course" name="course" type="text" required /></div>
                            <div class="field"><label for="m-date">"Completed on"</label><input id="m-date" name="completed_on" type="date" required /></div>
                            <div class="field"><label for="m-reason">"Reason and evidence"</label><textarea id="m-reason" name="reason" rows="2" required maxlength="200"></textarea></div>
                            <button type="submit" class="button button-primary">"Record completion"</button>
                        </ActionForm>
                    </section>
                    <section aria-labelledby="void">
                        <h2 id="void">"Void a record"</h2>
                        <p class="hint">"For a record that should not count, such as an attempt taken by someone else."</p>
                        <ActionForm action=void attr:class="form">
                            <div class="field"><label for="v-sequence">"Record number"</label><input id="v-sequence" name="sequence" type="number" min="1" required /></div>
                            <div class="field"><label for="v-reason">"Reason"</label><textarea id="v-reason" name="reason" rows="2" required maxlength="200"></textarea></div>
                            <div class="checkbox">
                                <input id="v-confirm" type="checkbox" required />
                                <label for="v-confirm">"I understand this record will no longer count"</label>
                            </div>
                            <button type="submit" class="button button-danger">"Void record"</button>
                        </ActionForm>
                    </section>
                </div>
            </section>
        </Protected>
    }
}

#[component]
fn RecordTable(rows: Vec<RecordRow>) -> impl IntoView {
    if rows.is_empty() {
        return view! { <div class="empty-state"><p>"No records yet."</p></div> }.into_any();
    }
    view! {
        <div class="table-wrap">
            <table>
                <caption class="visually-hidden">"Completion records"</caption>
                <thead><tr>
                    <th scope="col">"No."</th><th scope="col">"When"</th><th scope="col">"Person"</th><th scope="col">"Course"</th>
                    <th scope="col">"Kind"</th><th scope="col">"Result"</th><th scope="col">"Reason"</th>
                </tr></thead>
                <tbody>
                    {rows.into_iter().map(|row| view! {
                        <tr class:inactive=row.voided>
                            <th scope="row">{row.sequence}</th>
                            <td>{date_time(row.finished_at)}</td>
                            <td>{row.person}</td>
                            <td>{format!("{} v{}", row.course, row.version)}</td>
                            <td>{row.kind}{row.voids.map(|v| format!(" of no. {v}"))}</td>
                            <td>{match (row.score, row.passed) {
                                (Some(score), true) => format!("Passed {score}%"),
                                (Some(score), false) => format!("Not passed {score}%"),
                                (None, true) => "Counts".to_owned(),
                                (None, false) => "".to_owned(),
                            }}{row.voided.then_some(" (voided)")}</td>
                            <td>{row.reason.unwrap_or_default()}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
    .into_any()
}
