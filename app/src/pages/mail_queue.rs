//! `/compliance/mail`: every email Vigil queued, with where its delivery stands.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::api::mail_admin::get_mail_queue;
use crate::components::alerts::LoadError;
use crate::components::delivery::DeliveryText;
use crate::components::guard::Protected;
use crate::domain::mail::DeliveryStatus;
use crate::domain::permissions::Permission;
use crate::dto::mail::MailQueueView;

/// `/compliance/mail`
#[component]
pub fn MailQueuePage() -> impl IntoView {
    let query = use_query_map();
    let queue = Resource::new(
        move || {
            let q = query.read();
            (
                q.get("status").unwrap_or_default(),
                q.get("page")
                    .and_then(|p| p.parse::<u64>().ok())
                    .unwrap_or(1),
            )
        },
        |(status, page)| get_mail_queue(status, page),
    );
    view! {
        <Title text="Email" />
        <Protected require=Permission::ComplianceAdmin let:_user>
            <section class="page">
                <p class="breadcrumb"><a href="/compliance">"Compliance"</a></p>
                <div class="page-heading">
                    <h1>"Email"</h1>
                    <nav class="tabs" aria-label="Email">
                        <a href="/compliance/reminders">"Reminder schedule"</a>
                        <a href="/compliance/mail/templates">"Templates"</a>
                    </nav>
                </div>
                <p class="lead">"Every message Vigil queued. A message is sent only when the mail server accepted it; queued messages have not been sent yet, and failed ones were never delivered."</p>
                <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
                    {move || Suspend::new(async move {
                        match queue.await {
                            Ok(view) => view! { <QueueBody view /> }.into_any(),
                            Err(error) => view! { <LoadError error /> }.into_any(),
                        }
                    })}
                </Suspense>
            </section>
        </Protected>
    }
}

#[component]
fn QueueBody(view: MailQueueView) -> impl IntoView {
    let filter = |status: Option<DeliveryStatus>, label: String, current: &str| {
        let value = status.map(|s| s.as_str()).unwrap_or_default();
        let href = if value.is_empty() {
            "/compliance/mail".to_owned()
        } else {
            format!("/compliance/mail?status={value}")
        };
        let selected = value == current;
        view! { <a href=href aria-current=selected.then_some("page")>{label}</a> }
    };
    let status = view.status.clone();
    let pager_status = view.status.clone();
    let page = view.page;
    let pages = view.pages;
    let page_link = move |number: u64| {
        if pager_status.is_empty() {
            format!("/compliance/mail?page={number}")
        } else {
            format!("/compliance/mail?status={pager_status}&page={number}")
        }
    };
    let previous = page_link(page.saturating_sub(1));
    let next = page_link(page + 1);
    view! {
        {view.mode.off_notice().map(|notice| view! { <div class="alert alert-error" role="alert"><p>{notice}</p></div> })}
        <nav class="tabs" aria-label="Filter by state">
            {filter(None, format!("All ({})", view.queued + view.sent + view.failed + view.cancelled), &status)}
            {filter(Some(DeliveryStatus::Queued), format!("Queued ({})", view.queued), &status)}
            {filter(Some(DeliveryStatus::Sent), format!("Sent ({})", view.sent), &status)}
            {filter(Some(DeliveryStatus::Failed), format!("Failed ({})", view.failed), &status)}
            {filter(Some(DeliveryStatus::Cancelled), format!("Cancelled ({})", view.cancelled), &status)}
        </nav>
        {if view.messages.is_empty() {
            view! { <div class="empty-state"><p>"No messages here."</p></div> }.into_any()
        } else {
            view! {
                <div class="table-wrap">
                    <table>
                        <caption class="visually-hidden">"Messages, newest first"</caption>
                        <thead><tr>
                            <th scope="col">"To"</th><th scope="col">"Kind"</th><th scope="col">"Subject"</th><th scope="col">"Delivery"</th>
                        </tr></thead>
                        <tbody>
                            {view.messages.into_iter().map(|row| view! {
                                <tr>
                                    <th scope="row">{row.recipient}</th>
                                    <td>{row.kind.label()}</td>
                                    <td>{row.subject}<br /><span class="muted">{row.message_id}</span></td>
                                    <td><DeliveryText delivery=row.delivery /></td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                </div>
            }.into_any()
        }}
        {(pages > 1).then(|| view! {
            <nav class="pager" aria-label="Pages of messages">
                {(page > 1).then(|| view! { <a href=previous>"Previous"</a> })}
                <span>{format!("Page {page} of {pages}")}</span>
                {(page < pages).then(|| view! { <a href=next>"Next"</a> })}
            </nav>
        })}
    }
}
