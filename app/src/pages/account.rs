//! The signed-in person's account: details, password, sessions.

use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::api::account::ChangePassword;
use crate::api::session::SessionUser;
use crate::components::alerts::{ErrorAlert, SuccessAlert};
use crate::components::guard::Protected;
use crate::components::password_fields::NewPasswordFields;
use crate::components::session::use_session;
use crate::domain::permissions::Permission;

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
