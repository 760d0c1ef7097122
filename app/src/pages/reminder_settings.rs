//! `/compliance/reminders`: when Vigil reminds people, and when it tells their managers.

use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::api::mail_admin::{ReminderSettingsView, SaveReminderSettings, get_reminder_settings};
use crate::components::alerts::{ErrorAlert, LoadError, SuccessAlert};
use crate::components::guard::Protected;
use crate::components::time::date_time;
use crate::domain::permissions::Permission;

const WEEKDAYS: [&str; 7] = [
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
];

/// `/compliance/reminders`
#[component]
pub fn ReminderSettingsPage() -> impl IntoView {
    let query = use_query_map();
    let save = ServerAction::<SaveReminderSettings>::new();
    let settings = Resource::new(move || save.version().get(), |_| get_reminder_settings());
    let error = Signal::derive(move || save.value().get().and_then(Result::err));
    let saved = Signal::derive(move || {
        query
            .read()
            .get("saved")
            .map(|_| "Saved. The next daily run follows the new schedule.")
    });
    view! {
        <Title text="Reminder schedule" />
        <Protected require=Permission::ComplianceAdmin let:_user>
            <section class="page">
                <p class="breadcrumb"><a href="/compliance">"Compliance"</a>" · "<a href="/compliance/mail">"Email"</a></p>
                <h1>"Reminder schedule"</h1>
                <p class="lead">"Once a day Vigil emails everyone who owes training, and tells managers about reports who are overdue. Everything for one person goes into one message, at most one a day. Deactivated people are never mailed."</p>
                <SuccessAlert message=saved />
                <ErrorAlert error />
                <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
                    {move || Suspend::new(async move {
                        match settings.await {
                            Ok(view) => view! { <Form view save /> }.into_any(),
                            Err(error) => view! { <LoadError error /> }.into_any(),
                        }
                    })}
                </Suspense>
            </section>
        </Protected>
    }
}

#[component]
fn Form(view: ReminderSettingsView, save: ServerAction<SaveReminderSettings>) -> impl IntoView {
    let s = view.schedule;
    let days = |value: Option<u32>| value.map(|d| d.to_string()).unwrap_or_default();
    view! {
        {view.mail.off_notice().map(|notice| view! {
            <div class="alert alert-error" role="alert"><p>{notice}</p><p>"The schedule is kept, but nothing is sent until mail is configured."</p></div>
        })}
        <ActionForm action=save attr:class="form" attr:aria-label="Reminder schedule">
            <label class="check" for="enabled">
                <input id="enabled" type="checkbox" name="enabled" value="yes" checked=s.enabled />
                "Send scheduled reminders"
            </label>
            <fieldset class="field">
                <legend>"People who owe training are reminded"</legend>
                <label class="check" for="on_assignment">
                    <input id="on_assignment" type="checkbox" name="on_assignment" value="yes" checked=s.on_assignment />
                    "when a course is assigned to them"
                </label>
                <div class="field">
                    <label for="days_before_due">"Days before the due date (empty: no reminder)"</label>
                    <input id="days_before_due" name="days_before_due" type="number" min="1" max="365" value=days(s.days_before_due) />
                </div>
                <label class="check" for="on_due_date">
                    <input id="on_due_date" type="checkbox" name="on_due_date" value="yes" checked=s.on_due_date />
                    "on the due date"
                </label>
                <div class="field">
                    <label for="overdue_every_days">"While overdue, every this many days (empty: no reminder)"</label>
                    <input id="overdue_every_days" name="overdue_every_days" type="number" min="1" max="365" value=days(s.overdue_every_days) />
                </div>
            </fieldset>
            <fieldset class="field">
                <legend>"Escalation"</legend>
                <div class="field">
                    <label for="escalate_after_days">"Tell the person's manager after this many days overdue (empty: never)"</label>
                    <input id="escalate_after_days" name="escalate_after_days" type="number" min="1" max="365" value=days(s.escalate_after_days) />
                </div>
                <div class="field">
                    <label for="escalate_again_after_days">"Then tell the manager's manager this many days later (empty: never)"</label>
                    <input id="escalate_again_after_days" name="escalate_again_after_days" type="number" min="1" max="365" value=days(s.escalate_again_after_days) />
                </div>
            </fieldset>
            <div class="field">
                <label for="digest_weekday">"Weekly digest to every manager about their team"</label>
                <select id="digest_weekday" name="digest_weekday">
                    <option value="" selected=s.digest_weekday.is_none()>"No digest"</option>
                    {WEEKDAYS.iter().enumerate().map(|(index, name)| {
                        let number = index as u32 + 1;
                        view! { <option value=number.to_string() selected=s.digest_weekday == Some(number)>{format!("Every {name}")}</option> }
                    }).collect_view()}
                </select>
            </div>
            <div class="field">
                <label for="send_hour_utc">"Hour of the day the run starts (UTC, 0 to 23)"</label>
                <input id="send_hour_utc" name="send_hour_utc" type="number" min="0" max="23" required value=s.send_hour_utc.to_string() />
            </div>
            <button type="submit" class="button button-primary">"Save schedule"</button>
        </ActionForm>
        <h2 id="runs">"Recent runs"</h2>
        {if view.recent_runs.is_empty() {
            view! { <p class="muted">"No run yet. The first one starts at the hour above; `vigil reminders run` starts one at once."</p> }.into_any()
        } else {
            view! {
                <div class="table-wrap">
                    <table aria-labelledby="runs">
                        <thead><tr><th scope="col">"Day"</th><th scope="col">"Started"</th><th scope="col">"Instance"</th><th scope="col">"Result"</th></tr></thead>
                        <tbody>
                            {view.recent_runs.into_iter().map(|run| view! {
                                <tr><th scope="row">{run.day}</th><td>{date_time(run.started_at)}</td><td>{run.instance}</td><td>{run.summary}</td></tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                </div>
                <p class="muted">"Messages are queued by the run and sent by the delivery worker; see "<a href="/compliance/mail">"Email"</a>" for each one's delivery."</p>
            }.into_any()
        }}
    }
}
