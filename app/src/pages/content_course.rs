//! One course: its settings, status and full version history.

use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

use crate::api::administration::{RuleView, SaveRules, get_rules};
use crate::api::content::{CourseDetail, EditCourse, RestoreCourse, get_course};
use crate::components::alerts::{ErrorAlert, LoadError, SuccessAlert};
use crate::components::guard::Protected;
use crate::components::time::date_time;
use crate::domain::permissions::Permission;
use crate::error::AppError;

/// `/content/course/:slug`
#[component]
pub fn CourseDetailPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let restore = ServerAction::<RestoreCourse>::new();
    let course = Resource::new(
        move || {
            (
                params.read().get("slug").unwrap_or_default(),
                query.read().get("published"),
                restore.version().get(),
            )
        },
        |(slug, _, _)| get_course(slug),
    );
    // Made here, beside the course's, not inside the course's Suspend: a resource created while
    // hydrating inside a resolved Suspend does not find the one the server sent.
    let save = ServerAction::<SaveRules>::new();
    let rule = Resource::new(
        move || {
            (
                params.read().get("slug").unwrap_or_default(),
                save.version().get(),
            )
        },
        |(slug, _)| get_rules(slug),
    );
    let notice = Signal::derive(move || {
        let query = query.read();
        if query.get("published").is_some() {
            Some("Published. The new version is now what people are assigned.")
        } else if query.get("unchanged").is_some() {
            Some("Nothing changed since the current version, so no new version was made.")
        } else if query.get("retired").is_some() {
            Some("The course is retired. Nobody is assigned it any more; its history is kept.")
        } else if query.get("restored").is_some() {
            Some("The course is active again.")
        } else {
            None
        }
    });
    view! {
        <Title text="Course" />
        <Protected require=Permission::ComplianceAdmin let:_user>
            <section class="page">
                <p class="breadcrumb"><a href="/content">"Content"</a></p>
                <SuccessAlert message=notice />
                <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
                    {move || Suspend::new(async move {
                        match course.await {
                            Ok(detail) => view! { <Detail detail restore rule save /> }.into_any(),
                            Err(error) => view! { <LoadError error /> }.into_any(),
                        }
                    })}
                </Suspense>
            </section>
        </Protected>
    }
}

#[component]
fn Detail(
    detail: CourseDetail,
    restore: ServerAction<RestoreCourse>,
    rule: Resource<Result<RuleView, AppError>>,
    save: ServerAction<SaveRules>,
) -> impl IntoView {
    let edit = ServerAction::<EditCourse>::new();
    let edit_error = Signal::derive(move || edit.value().get().and_then(Result::err));
    let restore_error = Signal::derive(move || restore.value().get().and_then(Result::err));
    let slug = detail.course.slug.clone();
    let retired = detail.course.retired;
    view! {
        <Title text=detail.course.title.clone() />
        <div class="page-heading">
            <h1>{detail.course.title.clone()}</h1>
            {(!retired).then(|| {
                let slug = slug.clone();
                view! {
                    <ActionForm action=edit attr:class="inline-form">
                        <input type="hidden" name="slug" value=slug />
                        <button type="submit" class="button button-primary">
                            {if detail.draft_id.is_some() { "Continue editing" } else { "Edit in the browser" }}
                        </button>
                    </ActionForm>
                }
            })}
        </div>
        <ErrorAlert error=edit_error />
        <ErrorAlert error=restore_error />
        <p class="lead">{detail.course.summary.clone()}</p>
        {retired.then(|| {
            let slug = slug.clone();
            view! {
                <div class="alert alert-warning" role="status">
                    <p>
                        {format!(
                            "Retired {}{}.",
                            detail.retired_at.map(date_time).unwrap_or_default(),
                            detail.retired_by.clone().map(|who| format!(" by {who}")).unwrap_or_default()
                        )}
                        {detail.retired_reason.clone().map(|reason| format!(" Reason: {reason}"))}
                    </p>
                    <ActionForm action=restore attr:class="inline-form">
                        <input type="hidden" name="slug" value=slug />
                        <button type="submit" class="button">"Restore the course"</button>
                    </ActionForm>
                </div>
            }
        })}
        <dl class="details">
            <dt>"Id"</dt><dd><code>{slug.clone()}</code></dd>
            <dt>"Kind"</dt><dd>{detail.course.kind.label()}</dd>
            <dt>"Assigned to"</dt><dd>{detail.audience.clone()}</dd>
            <dt>"Recurrence"</dt><dd>{detail.recurrence.clone()}</dd>
            <dt>"Due within"</dt><dd>{detail.due_within.clone()}</dd>
            <dt>"First round"</dt><dd>{match detail.start_offset.clone() {
                Some(offset) => format!("starts {offset} after someone first owes it"),
                None => "starts the day someone first owes it".to_owned(),
            }}</dd>
            {detail.pass_mark.map(|mark| view! {
                <dt>"Quiz"</dt><dd>{format!("{} questions per attempt, pass mark {mark}%", detail.asked_per_attempt)}</dd>
            })}
            <dt>"Language"</dt><dd>{detail.language.clone()}</dd>
            <dt>"Estimated time"</dt><dd>{format!("{} minutes", detail.estimated_minutes)}</dd>
        </dl>

        <h2 id="history">"Version history"</h2>
        <div class="table-wrap">
            <table aria-labelledby="history">
                <thead>
                    <tr>
                        <th scope="col">"Version"</th>
                        <th scope="col">"Published"</th>
                        <th scope="col">"By"</th>
                        <th scope="col">"Change"</th>
                        <th scope="col">"Notes"</th>
                        <th scope="col">"Content hash (SHA-256)"</th>
                    </tr>
                </thead>
                <tbody>
                    {detail.versions.into_iter().map(|version| view! {
                        <tr>
                            <th scope="row"><a href=format!("/content/course/{}/v/{}", slug, version.version)>{format!("v{}", version.version)}</a></th>
                            <td>{date_time(version.published_at)}</td>
                            <td>{version.published_by}<br /><span class="muted">{match version.via.as_str() {
                                "git" => "from git",
                                "variables" => "organisation details",
                                _ => "in the browser",
                            }}</span></td>
                            <td>{if version.material { "Material: retake required" } else { "Minor" }}</td>
                            <td>{version.notes}</td>
                            <td><code class="hash" title=version.content_hash.clone()>{version.content_hash.chars().take(12).collect::<String>()}</code></td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </div>
        <AssignmentRule rule save />
        {(!retired).then(|| view! {
            <h2>"Retire"</h2>
            <p>"Retiring stops the course being assigned. Completions and versions are kept for evidence."</p>
            <a class="button button-danger" href=format!("/content/course/{slug}/retire")>"Retire this course…"</a>
        })}
    }
}

/// Who the course is assigned to, editable.
#[component]
fn AssignmentRule(
    rule: Resource<Result<RuleView, AppError>>,
    save: ServerAction<SaveRules>,
) -> impl IntoView {
    let query = use_query_map();
    let saved = Signal::derive(move || {
        query
            .read()
            .get("rules_saved")
            .map(|_| "Saved. Obligations have been recomputed for everyone.")
    });
    let error = Signal::derive(move || save.value().get().and_then(Result::err));
    view! {
        <h2 id="assignment">"Assignment"</h2>
        <SuccessAlert message=saved />
        <ErrorAlert error />
        <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match rule.await {
                    Ok(rule) => view! { <RuleForm rule save /> }.into_any(),
                    Err(error) => view! { <LoadError error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn RuleForm(rule: RuleView, save: ServerAction<SaveRules>) -> impl IntoView {
    view! {
        <p class="muted">
            {format!("{} people owe this course now. ", rule.assigned_people)}
            {if rule.customised { "Set by an administrator; new versions keep it." } else { "From the course's metadata; new versions may change it." }}
        </p>
        <ActionForm action=save attr:class="form rule-form" attr:aria-labelledby="assignment">
            <input type="hidden" name="slug" value=rule.slug.clone() />
            <div class="checkbox">
                <input id="rule-everyone" name="everyone" type="checkbox" value="yes" checked=rule.everyone />
                <label for="rule-everyone">"Everyone"</label>
            </div>
            <div class="checkbox">
                <input id="rule-managers" name="managers" type="checkbox" value="yes" checked=rule.managers />
                <label for="rule-managers">"Managers (everyone with at least one report)"</label>
            </div>
            <fieldset>
                <legend>"Job roles"</legend>
                {rule.role_choices.iter().map(|(slug, name)| {
                    let id = format!("rule-role-{slug}");
                    view! {
                        <div class="checkbox">
                            <input id=id.clone() name=format!("roles[{slug}]") type="checkbox" value="yes" checked=rule.roles.contains(slug) />
                            <label for=id>{name.clone()}</label>
                        </div>
                    }
                }).collect_view()}
            </fieldset>
            <div class="field">
                <label for="rule-departments">"Departments"</label>
                <input id="rule-departments" name="departments" type="text" value=rule.departments.join(", ") aria-describedby="rule-departments-hint" />
                <p class="hint" id="rule-departments-hint">{format!("Separate names with commas. Departments: {}.", rule.department_choices.join(", "))}</p>
            </div>
            <button type="submit" class="button button-primary">"Save assignment"</button>
        </ActionForm>
    }
}
