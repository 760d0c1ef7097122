//! Importing people from CSV: upload, then a preview with every line checked, then commit.

use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

use crate::api::people::{CommitImport, ImportPreview, UploadPeople, get_import_preview};
use crate::components::alerts::{ErrorAlert, LoadError, url_error};
use crate::components::guard::Protected;
use crate::domain::people_import::Action;
use crate::domain::permissions::Permission;

/// Most planned people the preview lists; the counts always cover the whole file.
const PREVIEW_ROWS: usize = 200;

/// `/admin/people/import`
#[component]
pub fn PeopleImportPage() -> impl IntoView {
    // A plain multipart form: it works the same with and without JavaScript.
    let upload_error = url_error(<UploadPeople as ServerFn>::PATH);
    view! {
        <Title text="Import people" />
        <Protected require=Permission::ManagePeople let:_user>
            <section class="page">
                <p class="breadcrumb"><a href="/admin/people">"People"</a></p>
                <h1>"Import people from CSV"</h1>
                <p class="lead">"Upload a file to check it. You see every line's outcome before anything changes, and nothing is written if any line has a problem."</p>
                <ErrorAlert error=upload_error />
                <form class="form" method="post" action="/api/people/import/upload" enctype="multipart/form-data">
                    <div class="field">
                        <label for="people-csv">"CSV file"</label>
                        <input id="people-csv" name="people" type="file" accept=".csv,text/csv" required aria-describedby="csv-hint" />
                        <p class="hint" id="csv-hint">"UTF-8, up to 1 MiB and 5,000 people. An email already in Vigil updates that person; a new one adds them."</p>
                    </div>
                    <button type="submit" class="button button-primary">"Upload and check"</button>
                </form>
                <h2>"Columns"</h2>
                <p>"The first row names the columns, in any order. "<code>"email"</code>", "<code>"name"</code>" and "<code>"hire_date"</code>" are required."</p>
                <pre class="example">"email,name,department,job_title,hire_date,manager_email,roles,compliance_admin,platform_admin,invite,language\n"
    "ana.lopez@example.com,Ana López,Finance,Accountant,2026-03-02,elena.petrova@example.com,employee,no,no,yes,\n"
    "raj.iyer@example.com,Raj Iyer,Engineering,Developer,2026-04-13,,employee;secure-development-engineer,,,yes,de"</pre>
                <ul>
                    <li><code>"hire_date"</code>": YYYY-MM-DD."</li>
                    <li><code>"manager_email"</code>": someone already in Vigil or elsewhere in the file; empty for none."</li>
                    <li><code>"roles"</code>": job role ids separated by "<code>";"</code>", for example "<code>"employee;department-head"</code>"."</li>
                    <li><code>"compliance_admin"</code>", "<code>"platform_admin"</code>": yes or no; empty means no."</li>
                    <li><code>"invite"</code>": yes to email an invitation to choose a password (only to people who have none yet); empty means no."</li>
                    <li><code>"language"</code>": the language the person takes courses in, one some course is available in (for example "<code>"de"</code>"), or "<code>"default"</code>" for each course's own; empty keeps what the person has."</li>
                </ul>
            </section>
        </Protected>
    }
}

/// `/admin/people/import/:id`
#[component]
pub fn PeopleImportPreviewPage() -> impl IntoView {
    let params = use_params_map();
    let commit = ServerAction::<CommitImport>::new();
    let preview = Resource::new(
        move || {
            params
                .read()
                .get("id")
                .and_then(|id| id.parse::<i64>().ok())
                .unwrap_or(0)
        },
        get_import_preview,
    );
    let error = Signal::derive(move || commit.value().get().and_then(Result::err));
    view! {
        <Title text="Check import" />
        <Protected require=Permission::ManagePeople let:_user>
            <section class="page">
                <p class="breadcrumb"><a href="/admin/people">"People"</a>" · "<a href="/admin/people/import">"Import"</a></p>
                <h1>"Check the import"</h1>
                <ErrorAlert error />
                <Suspense fallback=|| view! { <p class="loading">"Checking every line…"</p> }>
                    {move || Suspend::new(async move {
                        match preview.await {
                            Ok(preview) => view! { <Outcome preview commit /> }.into_any(),
                            Err(error) => view! { <LoadError error /> }.into_any(),
                        }
                    })}
                </Suspense>
            </section>
        </Protected>
    }
}

#[component]
fn Outcome(preview: ImportPreview, commit: ServerAction<CommitImport>) -> impl IntoView {
    let plan = preview.plan;
    let adds = plan
        .people
        .iter()
        .filter(|p| p.action == Action::Add)
        .count();
    let updates = plan.people.len() - adds;
    let mut errors = plan.errors.clone();
    errors.sort_by_key(|e| e.line);
    let wants_invitations = plan.people.iter().any(|p| p.invite);
    let mail_off = (wants_invitations && !preview.mail.is_on())
        .then(|| preview.mail.off_notice())
        .flatten();
    let clean = plan.is_clean();
    let summary = if preview.committed {
        "This file has already been imported.".to_owned()
    } else if clean {
        format!("Every line is good: {adds} to add, {updates} to update.")
    } else {
        format!(
            "{} line(s) have problems, so nothing will be imported. Fix the file and upload it again.",
            errors
                .iter()
                .map(|e| e.line)
                .collect::<std::collections::BTreeSet<_>>()
                .len()
        )
    };
    let hidden = plan.people.len().saturating_sub(PREVIEW_ROWS);
    view! {
        <p class="lead" role="status">{summary}</p>
        {mail_off.map(|notice| view! {
            <div class="alert alert-error" role="alert">
                <p>{notice}</p>
                <p>"Some lines ask for an invitation, so this file cannot be imported as it is: set the invite column to no, or configure mail first."</p>
            </div>
        })}
        {(!errors.is_empty()).then(|| view! {
            <h2 id="problems">"Problems"</h2>
            <div class="table-wrap">
                <table aria-labelledby="problems" class="import-errors">
                    <thead><tr><th scope="col">"Line"</th><th scope="col">"Problem"</th></tr></thead>
                    <tbody>
                        {errors.into_iter().map(|e| view! { <tr><th scope="row">{e.line}</th><td>{e.message}</td></tr> }).collect_view()}
                    </tbody>
                </table>
            </div>
        })}
        {(clean && !preview.committed).then(|| view! {
            <ActionForm action=commit attr:class="inline-form">
                <input type="hidden" name="id" value=preview.id />
                <button type="submit" class="button button-primary">{format!("Import {} people", adds + updates)}</button>
            </ActionForm>
        })}
        {(!plan.people.is_empty()).then(|| view! {
            <h2 id="planned">"Lines that are good"</h2>
            <div class="table-wrap">
                <table aria-labelledby="planned">
                    <thead><tr>
                        <th scope="col">"Line"</th><th scope="col">"Change"</th><th scope="col">"Person"</th>
                        <th scope="col">"Department"</th><th scope="col">"Manager"</th><th scope="col">"Job roles"</th><th scope="col">"Invite"</th><th scope="col">"Language"</th>
                    </tr></thead>
                    <tbody>
                        {plan.people.into_iter().take(PREVIEW_ROWS).map(|p| view! {
                            <tr>
                                <td>{p.line}</td>
                                <td>{match p.action { Action::Add => "Add", Action::Update => "Update" }}</td>
                                <th scope="row">{p.name}<br /><span class="muted">{p.email}</span></th>
                                <td>{p.department.unwrap_or_default()}</td>
                                <td>{p.manager_email.unwrap_or_default()}</td>
                                <td>{p.roles.map(|roles| roles.join(", ")).unwrap_or_else(|| "(kept)".to_owned())}</td>
                                <td>{if p.invite { "Yes" } else { "" }}</td>
                                <td>{match p.language.as_deref() {
                                    None => "(kept)".to_owned(),
                                    Some("") => "Each course's own".to_owned(),
                                    Some(language) => language.to_owned(),
                                }}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
            {(hidden > 0).then(|| view! { <p class="muted">{format!("…and {hidden} more.")}</p> })}
        })}
    }
}
