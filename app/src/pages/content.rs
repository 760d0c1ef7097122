//! The content list: every course with its current version, the viewer's drafts, and ways to
//! start a new course or upload one.

use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::api::content::{CourseRow, DraftRow, NewCourse, UploadCourse, list_courses};
use crate::components::alerts::{ErrorAlert, LoadError, SuccessAlert, url_error};
use crate::components::guard::Protected;
use crate::components::time::date_time;
use crate::domain::permissions::Permission;

/// The list of courses and their versions.
#[component]
pub fn ContentPage() -> impl IntoView {
    let courses = Resource::new(|| (), |_| list_courses());
    let query = use_query_map();
    let notice = Signal::derive(move || {
        query
            .read()
            .get("discarded")
            .map(|_| "The draft was discarded.")
    });
    view! {
        <Title text="Content" />
        <Protected require=Permission::ComplianceAdmin let:_user>
            <section class="page">
                <div class="page-heading">
                    <h1>"Content"</h1>
                    <a class="button button-primary" href="#new-course">"New course"</a>
                </div>
                <p><a href="/content/organisation">"Organisation details"</a>" — the contacts and addresses courses show in place of placeholders such as "<code>"{{contacts.security_email}}"</code>"."</p>
                <SuccessAlert message=notice />
                <Suspense fallback=|| view! { <p class="loading">"Loading courses…"</p> }>
                    {move || Suspend::new(async move {
                        match courses.await {
                            Ok((rows, drafts)) => view! { <DraftList drafts /> <CourseTable rows /> }.into_any(),
                            Err(error) => view! { <LoadError error /> }.into_any(),
                        }
                    })}
                </Suspense>
                <NewCourseForms />
            </section>
        </Protected>
    }
}

#[component]
fn DraftList(drafts: Vec<DraftRow>) -> impl IntoView {
    (!drafts.is_empty()).then(|| {
        view! {
            <h2>"Your drafts"</h2>
            <ul class="plain-list">
                {drafts.into_iter().map(|draft| view! {
                    <li>
                        <a href=format!("/content/draft/{}", draft.id)>{draft.slug}</a>
                        <span class="muted">{format!(" · changed {}", date_time(draft.updated_at))}</span>
                    </li>
                }).collect_view()}
            </ul>
        }
    })
}

#[component]
fn CourseTable(rows: Vec<CourseRow>) -> impl IntoView {
    if rows.is_empty() {
        return view! {
            <div class="empty-state">
                <p>"No courses yet. Put course folders in "<code>"content/"</code>" and restart Vigil (or run "<code>"vigil content import"</code>"), start one below, or upload a zip."</p>
            </div>
        }
        .into_any();
    }
    view! {
        <h2>"Courses"</h2>
        <div class="table-wrap">
            <table>
                <caption class="visually-hidden">"Courses, policies and bulletins"</caption>
                <thead>
                    <tr>
                        <th scope="col">"Title"</th>
                        <th scope="col">"Kind"</th>
                        <th scope="col">"Version"</th>
                        <th scope="col">"Published"</th>
                        <th scope="col">"Status"</th>
                    </tr>
                </thead>
                <tbody>
                    {rows.into_iter().map(|row| view! {
                        <tr class:inactive=row.retired>
                            <th scope="row">
                                <a href=format!("/content/course/{}", row.slug)>{row.title}</a>
                                <br /><span class="muted">{row.slug}</span>
                            </th>
                            <td>{row.kind.label()}</td>
                            <td>{row.version.map(|v| format!("v{v}")).unwrap_or_default()}</td>
                            <td>{row.published_at.map(date_time).unwrap_or_default()}</td>
                            <td>{if row.retired { "Retired" } else { "Active" }}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
    .into_any()
}

/// Starting a course from a template, or uploading a zipped course folder.
#[component]
fn NewCourseForms() -> impl IntoView {
    let new_course = ServerAction::<NewCourse>::new();
    let new_error = Signal::derive(move || new_course.value().get().and_then(Result::err));
    // The upload form is a plain multipart form: it works the same with and without JavaScript.
    let upload_error = url_error(<UploadCourse as ServerFn>::PATH);
    view! {
        <div class="two-columns">
            <section aria-labelledby="new-course">
                <h2 id="new-course">"Start a new course"</h2>
                <ErrorAlert error=new_error />
                <ActionForm action=new_course attr:class="form">
                    <div class="field">
                        <label for="course_id">"Course id"</label>
                        <input id="course_id" name="course_id" type="text" required pattern="[a-z0-9]+(-[a-z0-9]+)*"
                            aria-describedby="course-id-hint" />
                        <p class="hint" id="course-id-hint">"Lower-case letters, digits and hyphens, e.g. "<code>"wire-fraud-basics"</code>". It never changes."</p>
                    </div>
                    <div class="field">
                        <label for="kind">"Kind"</label>
                        <select id="kind" name="kind">
                            <option value="course">"Course (lessons and a quiz)"</option>
                            <option value="policy">"Policy acknowledgement"</option>
                            <option value="bulletin">"Threat bulletin"</option>
                        </select>
                    </div>
                    <button type="submit" class="button button-primary">"Start from a template"</button>
                </ActionForm>
            </section>
            <section aria-labelledby="upload-course">
                <h2 id="upload-course">"Upload a course"</h2>
                <ErrorAlert error=upload_error />
                <form class="form" method="post" action="/api/content/upload" enctype="multipart/form-data">
                    <div class="field">
                        <label for="course-zip">"Zipped course folder"</label>
                        <input id="course-zip" name="course" type="file" accept=".zip,application/zip" required aria-describedby="upload-hint" />
                        <p class="hint" id="upload-hint">"A zip of one course folder, up to 10 MiB. You can check it and preview it before anything is published."</p>
                    </div>
                    <button type="submit" class="button">"Upload and check"</button>
                </form>
            </section>
        </div>
    }
}
