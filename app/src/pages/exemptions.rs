//! Exemptions: who is excused from which course, why, and until when.

use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::api::administration::{ExemptionRow, GrantExemption, RevokeExemption, list_exemptions};
use crate::components::alerts::{ErrorAlert, LoadError, SuccessAlert};
use crate::components::guard::Protected;
use crate::components::time::date;
use crate::domain::permissions::Permission;

/// `/compliance/exemptions`
#[component]
pub fn ExemptionsPage() -> impl IntoView {
    let grant = ServerAction::<GrantExemption>::new();
    let revoke = ServerAction::<RevokeExemption>::new();
    let query = use_query_map();
    let rows = Resource::new(
        move || (grant.version().get(), revoke.version().get()),
        |_| list_exemptions(),
    );
    let notice = Signal::derive(move || {
        let query = query.read();
        if query.get("granted").is_some() {
            Some("The exemption is recorded.")
        } else if query.get("revoked").is_some() {
            Some("The exemption has ended.")
        } else {
            None
        }
    });
    let error = Signal::derive(move || {
        grant
            .value()
            .get()
            .and_then(Result::err)
            .or_else(|| revoke.value().get().and_then(Result::err))
    });
    view! {
        <Title text="Exemptions" />
        <Protected require=Permission::ComplianceAdmin let:_user>
            <section class="page">
                <p class="breadcrumb"><a href="/compliance">"Compliance"</a></p>
                <h1>"Exemptions"</h1>
                <p class="lead">"An exempt person does not owe the course while the exemption lasts. Auditors see every exemption with its reason."</p>
                <SuccessAlert message=notice />
                <ErrorAlert error />
                <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
                    {move || Suspend::new(async move {
                        match rows.await {
                            Ok(rows) => view! { <ExemptionTable rows revoke /> }.into_any(),
                            Err(error) => view! { <LoadError error /> }.into_any(),
                        }
                    })}
                </Suspense>
                <h2 id="grant">"Grant an exemption"</h2>
                <ActionForm action=grant attr:class="form" attr:aria-labelledby="grant">
                    <div class="field"><label for="email">"Person's email address"</label><input id="email" name="email" type="email" required /></div>
                    <div class="field"><label for="course">"Course id"</label><input id="course" name="course" type="text" required /></div>
                    <div class="field"><label for="reason">"Reason"</label><textarea id="reason" name="reason" rows="2" required maxlength="200"></textarea></div>
                    <div class="field"><label for="starts_on">"From"</label><input id="starts_on" name="starts_on" type="date" required /></div>
                    <div class="field">
                        <label for="expires_on">"Until (optional)"</label>
                        <input id="expires_on" name="expires_on" type="date" aria-describedby="expiry-hint" />
                        <p class="hint" id="expiry-hint">"Leave empty only for a permanent exemption; auditors expect most to expire."</p>
                    </div>
                    <button type="submit" class="button button-primary">"Grant exemption"</button>
                </ActionForm>
            </section>
        </Protected>
    }
}

#[component]
fn ExemptionTable(rows: Vec<ExemptionRow>, revoke: ServerAction<RevokeExemption>) -> impl IntoView {
    if rows.is_empty() {
        return view! { <div class="empty-state"><p>"No exemptions have been granted."</p></div> }
            .into_any();
    }
    view! {
        <div class="table-wrap">
            <table>
                <caption class="visually-hidden">"Exemptions"</caption>
                <thead><tr>
                    <th scope="col">"Person"</th><th scope="col">"Course"</th><th scope="col">"Reason"</th>
                    <th scope="col">"Period"</th><th scope="col">"Granted by"</th><th scope="col">"Status"</th>
                </tr></thead>
                <tbody>
                    {rows.into_iter().map(|row| view! {
                        <tr class:inactive=!row.active>
                            <th scope="row">{row.person}<br /><span class="muted">{row.email}</span></th>
                            <td>{row.course}</td>
                            <td>{row.reason}</td>
                            <td>{format!("{} to {}", date(row.starts_on), row.expires_on.map(date).unwrap_or_else(|| "no end".to_owned()))}</td>
                            <td>{row.granted_by}</td>
                            <td>
                                {if row.active { "In force" } else { "Ended" }}
                                {row.active.then(|| view! {
                                    <ActionForm action=revoke attr:class="inline-form">
                                        <input type="hidden" name="id" value=row.id />
                                        <button type="submit" class="button button-danger button-small">"End now"</button>
                                    </ActionForm>
                                })}
                            </td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
    .into_any()
}
