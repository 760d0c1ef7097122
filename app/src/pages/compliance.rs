//! The compliance dashboard. Filters live in the URL, so a view can be bookmarked and shared.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::api::dashboard::{Choice, DashboardQuery, DashboardView, get_dashboard};
use crate::components::alerts::LoadError;
use crate::components::guard::Protected;
use crate::components::progress::Completion;
use crate::components::time::date;
use crate::domain::permissions::Permission;
use crate::domain::reporting::Breakdown;

/// `/compliance`
#[component]
pub fn CompliancePage() -> impl IntoView {
    let query = use_query_map();
    let dashboard = Resource::new(
        move || {
            let q = query.read();
            DashboardQuery {
                course: q.get("course").unwrap_or_default(),
                department: q.get("department").unwrap_or_default(),
                role: q.get("role").unwrap_or_default(),
                manager: q.get("manager").unwrap_or_default(),
                status: q.get("status").unwrap_or_default(),
            }
        },
        get_dashboard,
    );
    view! {
        <Title text="Compliance" />
        <Protected require=Permission::ComplianceAdmin let:_user>
            <section class="page">
                <div class="page-heading">
                    <h1>"Compliance"</h1>
                    <nav class="tabs" aria-label="Compliance tools">
                        <a href="/compliance/records">"Records"</a>
                        <a href="/compliance/exemptions">"Exemptions"</a>
                        <a href="/compliance/sessions">"Sessions"</a>
                        <a href="/compliance/evidence">"Evidence"</a>
                        <a href="/compliance/audit">"Audit log"</a>
                        <a href="/compliance/mail">"Email"</a>
                        <a href="/compliance/reminders">"Reminders"</a>
                        <a href="/compliance/reviews">"Programme reviews"</a>
                    </nav>
                </div>
                <Suspense fallback=|| view! { <p class="loading">"Loading the dashboard…"</p> }>
                    {move || Suspend::new(async move {
                        match dashboard.await {
                            Ok(view) => view! { <DashboardBody view /> }.into_any(),
                            Err(error) => view! { <LoadError error /> }.into_any(),
                        }
                    })}
                </Suspense>
            </section>
        </Protected>
    }
}

#[component]
fn Select(
    name: &'static str,
    label: &'static str,
    choices: Vec<Choice>,
    selected: String,
) -> impl IntoView {
    let id = format!("filter-{name}");
    view! {
        <div class="field">
            <label for=id.clone()>{label}</label>
            <select id=id name=name>
                <option value="" selected=selected.is_empty()>"All"</option>
                {choices.into_iter().map(|choice| {
                    let is_selected = choice.value == selected;
                    view! { <option value=choice.value selected=is_selected>{choice.label}</option> }
                }).collect_view()}
            </select>
        </div>
    }
}

#[component]
fn DashboardBody(view: DashboardView) -> impl IntoView {
    let query = view.query.clone();
    let statuses = [
        "overdue",
        "in_progress",
        "not_started",
        "completed",
        "exempt",
    ]
    .iter()
    .map(|s| Choice {
        value: (*s).to_owned(),
        label: crate::domain::assignment::Status::parse(s)
            .map(|s| s.label().to_owned())
            .unwrap_or_default(),
    })
    .collect::<Vec<_>>();
    let hidden = move |q: &DashboardQuery| {
        view! {
            <input type="hidden" name="course" value=q.course.clone() />
            <input type="hidden" name="department" value=q.department.clone() />
            <input type="hidden" name="role" value=q.role.clone() />
            <input type="hidden" name="manager" value=q.manager.clone() />
            <input type="hidden" name="status" value=q.status.clone() />
        }
    };
    let filtered = query != DashboardQuery::default();
    view! {
        <form method="get" action="/compliance" class="filters" aria-label="Filters">
            <Select name="course" label="Course" choices=view.courses.clone() selected=query.course.clone() />
            <Select name="department" label="Department" choices=view.departments.clone() selected=query.department.clone() />
            <Select name="role" label="Job role" choices=view.roles.clone() selected=query.role.clone() />
            {if view.managers.is_empty() && view.managers_total > 0 {
                view! {
                    <div class="field">
                        <label for="filter-manager">"Manager's email (everyone below)"</label>
                        <input id="filter-manager" type="text" name="manager" value=query.manager.clone() autocomplete="off" />
                    </div>
                }.into_any()
            } else {
                view! { <Select name="manager" label="Manager (everyone below)" choices=view.managers.clone() selected=query.manager.clone() /> }.into_any()
            }}
            <Select name="status" label="Status" choices=statuses selected=query.status.clone() />
            <div class="actions">
                <button type="submit" class="button button-primary">"Apply"</button>
                {filtered.then(|| view! { <a href="/compliance">"Clear filters"</a> })}
            </div>
        </form>

        <h2 id="overall">"Overall"</h2>
        <Completion tally=view.overall />
        <p class="muted">{format!(
            "{} obligations: {} completed, {} exempt, {} in progress, {} not started, {} overdue.",
            view.overall.assigned, view.overall.completed, view.overall.exempt, view.overall.in_progress, view.overall.not_started, view.overall.overdue
        )}</p>

        <div class="two-columns">
            <section aria-labelledby="trend">
                <h2 id="trend">"Last 12 months"</h2>
                {if view.trend.is_empty() {
                    view! { <p class="muted">"The trend is kept for the whole organisation, a course and a department. Clear the job role, manager and status filters to see it."</p> }.into_any()
                } else {
                    view! { <div class="chart-wrap" inner_html=view.trend_svg.clone()></div> }.into_any()
                }}
                <details>
                    <summary>"The numbers"</summary>
                    <table>
                        <thead><tr><th scope="col">"Month end"</th><th scope="col">"Up to date"</th></tr></thead>
                        <tbody>
                            {view.trend.iter().map(|(label, percent)| view! {
                                <tr><th scope="row">{label.clone()}</th><td>{percent.map(|p| format!("{p}%")).unwrap_or_else(|| "no figure".to_owned())}</td></tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                </details>
            </section>
            <section aria-labelledby="new-hires">
                <h2 id="new-hires">"New hires"</h2>
                <p class="big-number">{view.new_hires.percent().map(|p| format!("{p}%")).unwrap_or_else(|| "No data".to_owned())}</p>
                <p>{format!(
                    "of training due in a new hire's first weeks was completed within its due period ({} of {}), for people hired since {}.",
                    view.new_hires.on_time, view.new_hires.measured, date(view.new_hires_since)
                )}</p>
            </section>
        </div>

        <BreakdownTable id="by-course" title="By course" rows=view.by_course.clone() />
        <BreakdownTable id="by-department" title="By department" rows=view.by_department.clone() />
        <BreakdownTable id="by-role" title="By job role" rows=view.by_role.clone() />
        <BreakdownTable id="by-manager" title="By manager (direct reports)" rows=view.by_manager.clone() />
        {(view.by_manager_total > view.by_manager.len()).then(|| view! {
            <p class="muted">{format!(
                "The {} most overdue of {} managers' teams. The compliance-status export has everyone, with each person's manager.",
                view.by_manager.len(), view.by_manager_total
            )}</p>
        })}

        <h2 id="overdue">{format!("Overdue ({})", view.overdue_total)}</h2>
        {if view.overdue.is_empty() {
            view! { <p class="muted">"Nobody is overdue."</p> }.into_any()
        } else {
            view! {
                <div class="table-wrap">
                    <table aria-labelledby="overdue">
                        <thead><tr><th scope="col">"Person"</th><th scope="col">"Course"</th><th scope="col">"Was due"</th><th scope="col">"Manager"</th></tr></thead>
                        <tbody>
                            {view.overdue.iter().map(|row| view! {
                                <tr><th scope="row">{row.person.clone()}<br /><span class="muted">{row.email.clone()}</span></th>
                                <td>{row.course.clone()}</td><td>{date(row.due_on)}</td><td>{row.manager.clone().unwrap_or_default()}</td></tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                </div>
                {(view.overdue_total > view.overdue.len()).then(|| view! { <p class="muted">"Export the status to see everyone."</p> })}
            }.into_any()
        }}

        <h2 id="exports">"Export"</h2>
        <p class="muted">"Exports use the filters above. CSV opens in any spreadsheet; JSON is for other systems."</p>
        <div class="export-forms">
            <form method="post" action="/exports/compliance-status.csv" class="inline-form">{hidden(&query)}<button type="submit" class="button">"Current status (CSV)"</button></form>
            <form method="post" action="/exports/compliance-status.json" class="inline-form">{hidden(&query)}<button type="submit" class="button">"Current status (JSON)"</button></form>
        </div>
        <form method="post" action="/exports/completion-records.csv" class="filters" aria-label="Export completion records">
            {hidden(&query)}
            <div class="field"><label for="records-from">"Records from"</label><input id="records-from" name="from" type="date" /></div>
            <div class="field"><label for="records-to">"to"</label><input id="records-to" name="to" type="date" /></div>
            <div class="actions">
                <button type="submit" class="button">"Completion records (CSV)"</button>
                <button type="submit" class="button" formaction="/exports/completion-records.json">"Completion records (JSON)"</button>
                <button type="submit" class="button" formaction="/exports/reminders.csv">"Reminders with delivery (CSV)"</button>
                <button type="submit" class="button" formaction="/exports/reminders.json">"Reminders with delivery (JSON)"</button>
            </div>
        </form>
    }
}

#[component]
fn BreakdownTable(id: &'static str, title: &'static str, rows: Vec<Breakdown>) -> impl IntoView {
    view! {
        <h2 id=id>{title}</h2>
        {if rows.is_empty() {
            view! { <p class="muted">"Nothing assigned."</p> }.into_any()
        } else {
            view! {
                <div class="table-wrap">
                    <table aria-labelledby=id>
                        <thead><tr><th scope="col">"Name"</th><th scope="col">"Up to date"</th><th scope="col">"Overdue"</th></tr></thead>
                        <tbody>
                            {rows.into_iter().map(|row| view! {
                                <tr>
                                    <th scope="row">{row.label}</th>
                                    <td><Completion tally=row.tally /></td>
                                    <td>{row.tally.overdue}</td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                </div>
            }.into_any()
        }}
    }
}
