//! The people directory, for platform administrators.

use leptos::prelude::*;
use leptos_meta::Title;

use crate::api::people::{PersonRow, list_people};
use crate::components::alerts::ErrorAlert;
use crate::components::guard::Protected;
use crate::domain::permissions::Permission;

/// Everybody in the organisation.
#[component]
pub fn PeoplePage() -> impl IntoView {
    view! {
        <Title text="People" />
        <Protected require=Permission::PlatformAdmin let:_user>
            <PeopleTable />
        </Protected>
    }
}

#[component]
fn PeopleTable() -> impl IntoView {
    let people = Resource::new(|| (), |_| list_people());
    view! {
        <section class="page">
            <h1>"People"</h1>
            <Suspense fallback=|| view! { <p class="loading">"Loading people…"</p> }>
                {move || Suspend::new(async move {
                    match people.await {
                        Ok(rows) if rows.is_empty() => view! {
                            <div class="empty-state"><p>"Nobody has been added yet. Add people with "<code>"vigil user add"</code>"."</p></div>
                        }.into_any(),
                        Ok(rows) => view! { <Directory rows /> }.into_any(),
                        Err(error) => view! { <ErrorAlert error=Signal::stored(Some(error)) /> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}

#[component]
fn Directory(rows: Vec<PersonRow>) -> impl IntoView {
    let active = rows.iter().filter(|row| row.active).count();
    view! {
        <p class="lead">{format!("{} people, {} active.", rows.len(), active)}</p>
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
                    </tr>
                </thead>
                <tbody>
                    {rows.into_iter().map(|row| view! {
                        <tr class:inactive=!row.active>
                            <th scope="row">{row.name}<br /><span class="muted">{row.email}</span></th>
                            <td>{row.department.unwrap_or_default()}</td>
                            <td>{row.job_title}</td>
                            <td>{row.manager_email.unwrap_or_default()}</td>
                            <td>{row.roles.join(", ")}{(!row.admin_labels.is_empty()).then(|| format!(" · {}", row.admin_labels.join(", ")))}</td>
                            <td>{if row.active { "Active" } else { "Deactivated" }}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
}
