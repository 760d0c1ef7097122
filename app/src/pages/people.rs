//! The people directory, for platform and compliance administrators.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::api::people::{PersonRow, list_people};
use crate::components::alerts::LoadError;
use crate::components::guard::Protected;
use crate::domain::permissions::Permission;

/// How many people one page of the directory shows.
const PAGE_SIZE: usize = 50;

/// Everybody in the organisation.
#[component]
pub fn PeoplePage() -> impl IntoView {
    let query = use_query_map();
    let people = Resource::new(|| (), |_| list_people());
    let imported = move || {
        let query = query.read();
        let added = query.get("added")?;
        let updated = query.get("updated").unwrap_or_else(|| "0".to_owned());
        let invited = query.get("invited").unwrap_or_else(|| "0".to_owned());
        Some(view! {
            <div class="alert alert-success" role="status">
                <p>{format!("Import finished: {added} added, {updated} updated, {invited} invitation(s) queued for email. Training obligations follow from the new roles and managers.")}</p>
            </div>
        })
    };
    let page = move || {
        query
            .read()
            .get("page")
            .and_then(|p| p.parse::<usize>().ok())
            .unwrap_or(1)
            .max(1)
    };
    view! {
        <Title text="People" />
        <Protected require=Permission::ManagePeople let:_user>
            <section class="page">
                <div class="page-heading">
                    <h1>"People"</h1>
                    <p class="actions">
                        <a class="button button-primary" href="/admin/people/new">"Add a person"</a>
                        <a class="button" href="/admin/people/import">"Import from CSV"</a>
                        <a class="button" href="/admin/tokens">"API tokens"</a>
                    </p>
                </div>
                {imported}
                <Suspense fallback=|| view! { <p class="loading">"Loading people…"</p> }>
                    {move || Suspend::new(async move {
                        match people.await {
                            Ok(rows) if rows.is_empty() => view! {
                                <div class="empty-state"><p>"Nobody has been added yet. "<a href="/admin/people/new">"Add the first person"</a>" or import a CSV file."</p></div>
                            }.into_any(),
                            Ok(rows) => view! { <Directory rows page=page() /> }.into_any(),
                            Err(error) => view! { <LoadError error /> }.into_any(),
                        }
                    })}
                </Suspense>
            </section>
        </Protected>
    }
}

#[component]
fn Directory(rows: Vec<PersonRow>, page: usize) -> impl IntoView {
    let active = rows.iter().filter(|row| row.active).count();
    let total = rows.len();
    let pages = total.div_ceil(PAGE_SIZE).max(1);
    let page = page.min(pages);
    let shown: Vec<PersonRow> = rows
        .into_iter()
        .skip((page - 1) * PAGE_SIZE)
        .take(PAGE_SIZE)
        .collect();
    view! {
        <p class="lead">{format!("{total} people, {active} active.")}</p>
        <div class="table-wrap">
            <table>
                <caption class="visually-hidden">"Everyone in the organisation"</caption>
                <thead>
                    <tr>
                        <th scope="col">"Name"</th>
                        <th scope="col">"Department"</th>
                        <th scope="col">"Job title"</th>
                        <th scope="col">"Manager"</th>
                        <th scope="col">"Job roles"</th>
                        <th scope="col">"Status"</th>
                        <th scope="col">"Sign-in"</th>
                    </tr>
                </thead>
                <tbody>
                    {shown.into_iter().map(|row| view! {
                        <tr class:inactive=!row.active>
                            <th scope="row">
                                <a href=format!("/admin/people/{}", row.public_id)>{row.name}</a>
                                <br /><span class="muted">{row.email}</span>
                            </th>
                            <td>{row.department.unwrap_or_default()}</td>
                            <td>{row.job_title}</td>
                            <td>{row.manager_email.unwrap_or_default()}</td>
                            <td>{row.roles.join(", ")}{(!row.admin_labels.is_empty()).then(|| format!(" · {}", row.admin_labels.join(", ")))}</td>
                            <td>{if row.active { "Active" } else { "Deactivated" }}</td>
                            <td>{row.invitation.label()}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </div>
        {(pages > 1).then(|| view! {
            <nav class="pager" aria-label="Pages of people">
                {(page > 1).then(|| view! { <a href=format!("/admin/people?page={}", page - 1)>"Previous"</a> })}
                <span>{format!("Page {page} of {pages}")}</span>
                {(page < pages).then(|| view! { <a href=format!("/admin/people?page={}", page + 1)>"Next"</a> })}
            </nav>
        })}
    }
}
