//! "My training": what the signed-in person owes, overdue first, and what they have completed.

use leptos::prelude::*;
use leptos_meta::Title;

use crate::api::training::{MyTraining, TrainingItem, get_my_training};
use crate::components::alerts::LoadError;
use crate::components::guard::Protected;
use crate::components::time::date;
use crate::domain::assignment::Status;
use crate::domain::permissions::Permission;

/// `/training`
#[component]
pub fn TrainingPage() -> impl IntoView {
    let training = Resource::new(|| (), |_| get_my_training());
    view! {
        <Title text="My training" />
        <Protected require=Permission::Employee let:_user>
            <section class="page">
                <h1>"My training"</h1>
                <Suspense fallback=|| view! { <p class="loading">"Loading your training…"</p> }>
                    {move || Suspend::new(async move {
                        match training.await {
                            Ok(mine) => view! { <Lists mine /> }.into_any(),
                            Err(error) => view! { <LoadError error /> }.into_any(),
                        }
                    })}
                </Suspense>
            </section>
        </Protected>
    }
}

#[component]
fn Lists(mine: MyTraining) -> impl IntoView {
    let nothing = mine.overdue.is_empty()
        && mine.due.is_empty()
        && mine.completed.is_empty()
        && mine.exempt.is_empty();
    if nothing {
        return view! {
            <div class="empty-state"><p>"Nothing is assigned to you yet. When your organisation assigns training to your role, it appears here with its due date."</p></div>
        }
        .into_any();
    }
    let summary = if mine.overdue.is_empty() && mine.due.is_empty() {
        "You are up to date with all your training.".to_owned()
    } else {
        format!("{} overdue, {} to do.", mine.overdue.len(), mine.due.len())
    };
    view! {
        <p class="lead">{summary}</p>
        <Group title="Overdue" id="overdue" items=mine.overdue empty="" />
        <Group title="To do" id="due" items=mine.due empty="" />
        <Group title="Completed" id="completed" items=mine.completed empty="" />
        <Group title="Exempt" id="exempt" items=mine.exempt empty="" />
    }
    .into_any()
}

#[component]
fn Group(
    title: &'static str,
    id: &'static str,
    items: Vec<TrainingItem>,
    empty: &'static str,
) -> impl IntoView {
    if items.is_empty() {
        return (!empty.is_empty())
            .then(|| view! { <p class="muted">{empty}</p> })
            .into_any();
    }
    view! {
        <h2 id=id>{title}</h2>
        <ul class="training-list" aria-labelledby=id>
            {items.into_iter().map(|item| view! { <Item item /> }).collect_view()}
        </ul>
    }
    .into_any()
}

#[component]
fn Item(item: TrainingItem) -> impl IntoView {
    let detail = match item.status {
        Status::Overdue => format!("Was due {}", date(item.due_on)),
        Status::InProgress => format!("In progress · due {}", date(item.due_on)),
        Status::NotStarted => format!("Due {}", date(item.due_on)),
        Status::Completed => match (item.completed_on, item.valid_until) {
            (Some(done), Some(until)) => {
                format!("Completed {} · due again {}", date(done), date(until))
            }
            (Some(done), None) => format!("Completed {}", date(done)),
            _ => "Completed".to_owned(),
        },
        Status::Exempt => "Exempt".to_owned(),
    };
    let class = format!("status status-{}", item.status.as_str());
    view! {
        <li class="training-item">
            <div>
                <a class="training-title" href=format!("/training/{}", item.slug)>{item.title}</a>
                <p class="muted">{format!("{} · about {} minutes", item.kind.label(), item.estimated_minutes)}</p>
            </div>
            <div class="training-meta">
                <span class=class>{item.status.label()}</span>
                <span class="muted">{detail}</span>
                {item.certificate_code.map(|code| view! { <a href=format!("/verify/{code}")>"Certificate"</a> })}
            </div>
        </li>
    }
}
