//! One team member's training, with reminders.

use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

use crate::api::team::{SendReminder, TeamMemberView, get_team_member};
use crate::components::alerts::{ErrorAlert, LoadError, SuccessAlert};
use crate::components::delivery::DeliveryText;
use crate::components::guard::Protected;
use crate::components::progress::Completion;
use crate::components::time::{date, date_time};
use crate::domain::permissions::Permission;

/// `/team/:id`
#[component]
pub fn TeamMemberPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let remind = ServerAction::<SendReminder>::new();
    let member = Resource::new(
        move || {
            (
                params.read().get("id").unwrap_or_default(),
                remind.version().get(),
            )
        },
        |(id, _)| get_team_member(id),
    );
    let reminded = Signal::derive(move || {
        query
            .read()
            .get("reminded")
            .map(|_| "Reminder queued: it is not sent yet. It goes out by email shortly; its delivery is shown below.")
    });
    let error = Signal::derive(move || remind.value().get().and_then(Result::err));
    view! {
        <Title text="Team member" />
        <Protected require=Permission::Manager let:_user>
            <section class="page">
                <p class="breadcrumb"><a href="/team">"My team"</a></p>
                <SuccessAlert message=reminded />
                <ErrorAlert error />
                <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
                    {move || Suspend::new(async move {
                        match member.await {
                            Ok(member) => view! { <Detail member remind /> }.into_any(),
                            Err(error) => view! { <LoadError error /> }.into_any(),
                        }
                    })}
                </Suspense>
            </section>
        </Protected>
    }
}

#[component]
fn Detail(member: TeamMemberView, remind: ServerAction<SendReminder>) -> impl IntoView {
    let public_id = member.public_id.clone();
    let remind_all_id = member.public_id.clone();
    let mail_on = member.mail.is_on();
    let reminders = member.reminders.clone();
    view! {
        <Title text=member.name.clone() />
        <h1>{member.name.clone()}</h1>
        <p class="lead">{member.job_title.clone()}{member.department.clone().map(|d| format!(" · {d}"))}" · "{member.email.clone()}</p>
        <Completion tally=member.tally />
        {member.mail.off_notice().map(|notice| view! { <p class="hint">{notice}</p> })}
        {mail_on.then(|| view! {
            <ActionForm action=remind attr:class="inline-form">
                <input type="hidden" name="public_id" value=remind_all_id />
                <button type="submit" class="button">"Remind about everything outstanding"</button>
            </ActionForm>
        })}
        <h2 id="training">"Training"</h2>
        <div class="table-wrap">
            <table aria-labelledby="training">
                <thead><tr><th scope="col">"Course"</th><th scope="col">"Status"</th><th scope="col">"Due"</th><th scope="col">"Reminder"</th></tr></thead>
                <tbody>
                    {member.items.into_iter().map(|item| {
                        let compliant = item.status.is_compliant();
                        let public_id = public_id.clone();
                        view! {

                            <tr>
                                <th scope="row">{item.title}</th>
                                <td><span class=format!("status status-{}", item.status.as_str())>{item.status.label()}</span>
                                    {item.completed_on.map(|d| view! { <span class="muted">{format!(" {}", date(d))}</span> })}</td>
                                <td>{date(item.due_on)}</td>
                                <td>
                                    {item.last_reminder.map(|delivery| view! { <DeliveryText delivery />" " })}
                                    {(!compliant && mail_on).then(|| view! {
                                        <ActionForm action=remind attr:class="inline-form">
                                            <input type="hidden" name="public_id" value=public_id.clone() />
                                            <input type="hidden" name="course" value=item.slug.clone() />
                                            <button type="submit" class="button button-small">"Send reminder"</button>
                                        </ActionForm>
                                    })}
                                </td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </div>
        <h2 id="reminders">"Reminders"</h2>
        {if reminders.is_empty() {
            view! { <p class="muted">"No reminders about their training yet."</p> }.into_any()
        } else {
            view! {
                <div class="table-wrap">
                    <table aria-labelledby="reminders">
                        <thead><tr><th scope="col">"Queued"</th><th scope="col">"About"</th><th scope="col">"To"</th><th scope="col">"Delivery"</th></tr></thead>
                        <tbody>
                            {reminders.into_iter().map(|row| view! {
                                <tr>
                                    <td>{date_time(row.at)}</td>
                                    <th scope="row">{row.course}<br /><span class="muted">{row.reason}</span></th>
                                    <td>{row.recipient}</td>
                                    <td><DeliveryText delivery=row.delivery /></td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                </div>
            }.into_any()
        }}
        <h2 id="history">"History"</h2>
        {if member.history.is_empty() {
            view! { <p class="muted">"No records yet."</p> }.into_any()
        } else {
            view! {
                <ul class="plain-list" aria-labelledby="history">
                    {member.history.into_iter().map(|record| view! {
                        <li>{format!("{} · {} · {}{}", date_time(record.when), record.course, record.kind,
                            match (record.score, record.passed) { (Some(s), true) => format!(" · passed {s}%"), (Some(s), false) => format!(" · not passed {s}%"), _ => String::new() })}</li>
                    }).collect_view()}
                </ul>
            }.into_any()
        }}
    }
}
