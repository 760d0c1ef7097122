//! The audit log of administrative actions, filterable and paged.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::api::records_admin::{AuditPage, audit_log};
use crate::components::alerts::LoadError;
use crate::components::guard::Protected;
use crate::components::time::date_time;
use crate::domain::permissions::Permission;

/// `/compliance/audit`
#[component]
pub fn AuditLogPage() -> impl IntoView {
    let query = use_query_map();
    let field = move |name: &str| query.read().get(name).unwrap_or_default();
    let page = Resource::new(
        move || {
            (
                field("action"),
                field("actor"),
                field("from"),
                field("to"),
                field("page").parse::<u64>().unwrap_or(0),
            )
        },
        |(action, actor, from, to, page)| audit_log(action, actor, from, to, page),
    );
    view! {
        <Title text="Audit log" />
        <Protected require=Permission::ComplianceAdmin let:_user>
            <section class="page">
                <p class="breadcrumb"><a href="/compliance">"Compliance"</a></p>
                <h1>"Audit log"</h1>
                <p class="lead">"Every administrative action, with who, when, and what changed. Entries are only ever added."</p>
                <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
                    {move || Suspend::new(async move {
                        match page.await {
                            Ok(page) => view! { <Entries page action=field("action") actor=field("actor") from=field("from") to=field("to") /> }.into_any(),
                            Err(error) => view! { <LoadError error /> }.into_any(),
                        }
                    })}
                </Suspense>
            </section>
        </Protected>
    }
}

#[component]
fn Entries(
    page: AuditPage,
    action: String,
    actor: String,
    from: String,
    to: String,
) -> impl IntoView {
    let link = {
        let (action, actor, from, to) = (action.clone(), actor.clone(), from.clone(), to.clone());
        move |number: u64| {
            format!(
                "/compliance/audit?action={}&actor={}&from={}&to={}&page={number}",
                urlencoding::encode(&action),
                urlencoding::encode(&actor),
                urlencoding::encode(&from),
                urlencoding::encode(&to)
            )
        }
    };
    view! {
        <form method="get" action="/compliance/audit" class="filters" aria-label="Filter the audit log">
            <div class="field">
                <label for="audit-action">"Action"</label>
                <select id="audit-action" name="action">
                    <option value="" selected=action.is_empty()>"All"</option>
                    {page.actions.iter().map(|a| view! { <option value=a.clone() selected=*a == action>{a.clone()}</option> }).collect_view()}
                </select>
            </div>
            <div class="field"><label for="audit-actor">"Actor contains"</label><input id="audit-actor" name="actor" type="search" value=actor.clone() /></div>
            <div class="field"><label for="audit-from">"From"</label><input id="audit-from" name="from" type="date" value=from.clone() /></div>
            <div class="field"><label for="audit-to">"To"</label><input id="audit-to" name="to" type="date" value=to.clone() /></div>
            <div class="actions"><button type="submit" class="button button-primary">"Filter"</button><a href="/compliance/audit">"Clear"</a></div>
        </form>
        <p class="muted">{format!("{} entries · page {} of {}", page.total, page.page + 1, page.pages)}</p>
        {if page.rows.is_empty() {
            view! { <div class="empty-state"><p>"No entries match."</p></div> }.into_any()
        } else {
            view! {
                <div class="table-wrap">
                    <table>
                        <caption class="visually-hidden">"Audit log entries"</caption>
                        <thead><tr><th scope="col">"When"</th><th scope="col">"Who"</th><th scope="col">"Action"</th><th scope="col">"Subject"</th><th scope="col">"Change"</th></tr></thead>
                        <tbody>
                            {page.rows.into_iter().map(|row| view! {
                                <tr>
                                    <td>{date_time(row.at)}</td>
                                    <td>{row.actor}</td>
                                    <td><code>{row.action}</code></td>
                                    <td>{row.subject}</td>
                                    <td class="change">
                                        {row.before.map(|b| view! { <div><span class="muted">"Before: "</span><code>{b}</code></div> })}
                                        {row.after.map(|a| view! { <div><span class="muted">"After: "</span><code>{a}</code></div> })}
                                        {row.reason.map(|r| view! { <div><span class="muted">"Reason: "</span>{r}</div> })}
                                    </td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                </div>
            }.into_any()
        }}
        <nav class="pager" aria-label="Pages">
            {(page.page > 0).then(|| view! { <a href=link(page.page - 1)>"Newer"</a> })}
            {(page.page + 1 < page.pages).then(|| view! { <a href=link(page.page + 1)>"Older"</a> })}
        </nav>
    }
}
