//! The signed-in person's account: details, password, sessions.

use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::api::account::{ChangePassword, SaveCourseLanguage, course_language};
use crate::api::session::SessionUser;
use crate::components::alerts::{ErrorAlert, SuccessAlert};
use crate::components::guard::Protected;
use crate::components::password_fields::NewPasswordFields;
use crate::components::session::use_session;
use crate::domain::language_names::language_name;
use crate::domain::permissions::Permission;
use crate::dto::language::LanguageChoice;

/// Account details and security settings.
#[component]
pub fn AccountPage() -> impl IntoView {
    view! {
        <Title text="Your account" />
        <Protected require=Permission::Employee let:user>
            <AccountDetails user />
        </Protected>
    }
}

#[component]
fn AccountDetails(user: SessionUser) -> impl IntoView {
    let query = use_query_map();
    let changed = Signal::derive(move || {
        query
            .read()
            .get("password_changed")
            .map(|_| "Your password was changed. Every other session has been signed out.")
    });
    let change = ServerAction::<ChangePassword>::new();
    let change_error = Signal::derive(move || change.value().get().and_then(Result::err));
    let everywhere = use_session().map(|session| session.sign_out_everywhere);

    view! {
        <section class="page">
            <h1>"Your account"</h1>
            <SuccessAlert message=changed />
            <dl class="details">
                <dt>"Name"</dt><dd>{user.name.clone()}</dd>
                <dt>"Email address"</dt><dd>{user.email.clone()}</dd>
                <dt>"Department"</dt><dd>{user.department.clone().unwrap_or_else(|| "None".to_owned())}</dd>
                <dt>"Job title"</dt><dd>{user.job_title.clone()}</dd>
                <dt>"Access"</dt><dd>{user.permissions.labels().join(", ")}</dd>
            </dl>

            <h2 id="change-password">"Change your password"</h2>
            <ErrorAlert error=change_error />
            <ActionForm action=change attr:class="form" attr:aria-labelledby="change-password">
                <div class="field">
                    <label for="current_password">"Current password"</label>
                    <input id="current_password" name="current_password" type="password" autocomplete="current-password" required />
                </div>
                <NewPasswordFields />
                <button type="submit" class="button button-primary" disabled=move || change.pending().get()>
                    {move || if change.pending().get() { "Changing…" } else { "Change password" }}
                </button>
            </ActionForm>

            <CourseLanguage />

            <h2 id="sessions">"Sessions"</h2>
            <p>"If you think someone else has used your account, sign out everywhere, then change your password."</p>
            {everywhere.map(|everywhere| view! {
                <ActionForm action=everywhere attr:class="inline-form" attr:aria-labelledby="sessions">
                    <button type="submit" class="button button-danger">"Sign out everywhere"</button>
                </ActionForm>
            })}
        </section>
    }
}

/// The language the person takes courses in.
#[component]
fn CourseLanguage() -> impl IntoView {
    let query = use_query_map();
    let saved = Signal::derive(move || {
        query
            .read()
            .get("language_saved")
            .map(|_| "Your course language was saved. Courses available in it are shown in it from now on.")
    });
    let save = ServerAction::<SaveCourseLanguage>::new();
    let save_error = Signal::derive(move || save.value().get().and_then(Result::err));
    let choice = Resource::new(|| (), |()| course_language());
    view! {
        <h2 id="course-language">"Course language"</h2>
        <SuccessAlert message=saved />
        <ErrorAlert error=save_error />
        <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match choice.await {
                    Ok(choice) => view! { <LanguageForm choice save /> }.into_any(),
                    Err(error) => view! { <ErrorAlert error=Signal::stored(Some(error)) /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn LanguageForm(choice: LanguageChoice, save: ServerAction<SaveCourseLanguage>) -> impl IntoView {
    let current = choice.current.clone().unwrap_or_default();
    view! {
        <p>"Courses that have a translation in your language are shown in it, and your records say which language you took them in. Courses without one are shown in their own language."</p>
        <ActionForm action=save attr:class="form" attr:aria-labelledby="course-language">
            <div class="field">
                <label for="language">"Take courses in"</label>
                <select id="language" name="language">
                    <option value="" selected=current.is_empty()>"Each course's own language"</option>
                    {choice.available.into_iter().map(|tag| {
                        let selected = tag == current;
                        let label = language_name(&tag);
                        view! { <option value=tag.clone() selected=selected lang=tag>{label}</option> }
                    }).collect_view()}
                </select>
            </div>
            <button type="submit" class="button button-primary">"Save language"</button>
        </ActionForm>
    }
}
