//! Signing in.

use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::Title;
use leptos_router::{components::Redirect, hooks::use_query_map};

use crate::api::session::{Login, sign_in_options, sign_in_presence};
use crate::components::alerts::{ErrorAlert, SuccessAlert, url_error};
use crate::components::session::use_session;
use crate::domain::next_path::safe_next_path;

/// The sign-in form. Posts to the `login` server function, with or without JavaScript.
#[component]
pub fn LoginPage() -> impl IntoView {
    let session = use_session();
    let query = use_query_map();
    let next = move || query.read().get("next").unwrap_or_default();
    let notice = Signal::derive(move || {
        let query = query.read();
        if query.get("signed_out_everywhere").is_some() {
            Some("You have been signed out on every device.")
        } else if query.get("signed_out").is_some() {
            Some("You have been signed out.")
        } else {
            None
        }
    });
    let login = session.map(|session| session.login);
    // The login action lives above the routes (the session depends on it), so Leptos does not
    // hand it the error a form post without JavaScript brings back in the URL.
    let url_error = url_error(<Login as ServerFn>::PATH);
    let error = Signal::derive(move || match login.and_then(|login| login.value().get()) {
        Some(result) => result.err(),
        None => url_error.get(),
    });
    let pending = Signal::derive(move || login.is_some_and(|login| login.pending().get()));
    // A fresh single-use proof that a person loaded this form, renewed after every attempt;
    // only asked for after many failed sign-ins from one network.
    let presence = Resource::new(
        move || login.map(|login| login.version().get()),
        |_| sign_in_presence(),
    );

    let options = Resource::new(|| (), |_| sign_in_options());

    view! {
        <Title text="Sign in" />
        <AlreadySignedIn />
        <section class="auth-card" aria-labelledby="sign-in-heading">
            <h1 id="sign-in-heading">"Sign in to Vigil"</h1>
            <SuccessAlert message=notice />
            <ErrorAlert error />
            // A plain form: the browser leaves for the provider, with or without JavaScript.
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    let options = options.await.unwrap_or_default();
                    let admins_only = options.passwords_for_platform_admins_only;
                    options.provider.map(|name| view! {
                        <form method="post" action="/auth/oidc/start" class="form single-sign-on">
                            <input type="hidden" name="next" value=next />
                            <button type="submit" class="button button-primary">
                                {format!("Sign in with {name}")}
                            </button>
                        </form>
                        <p class="hint">
                            {if admins_only {
                                "Passwords are only for platform administrators (when single sign-on is unavailable):"
                            } else {
                                "Or sign in with your Vigil password:"
                            }}
                        </p>
                    })
                })}
            </Suspense>
            {login.map(|login| view! {
                <ActionForm action=login attr:class="form">
                    <div class="field">
                        <label for="email">"Email address"</label>
                        <input id="email" name="email" type="email" autocomplete="username" required />
                    </div>
                    <div class="field">
                        <label for="password">"Password"</label>
                        <input id="password" name="password" type="password" autocomplete="current-password" required />
                    </div>
                    <input type="hidden" name="next" value=next />
                    <Suspense fallback=|| ()>
                        {move || Suspend::new(async move {
                            let token = presence.await.unwrap_or_default();
                            view! { <input type="hidden" name="presence" value=token /> }
                        })}
                    </Suspense>
                    <button type="submit" class="button button-primary" disabled=move || pending.get()>
                        {move || if pending.get() { "Signing in…" } else { "Sign in" }}
                    </button>
                </ActionForm>
            })}
            <p class="hint"><a href="/forgot-password">"Forgot your password?"</a></p>
        </section>
    }
}

/// Someone already signed in who opens the sign-in page goes where they were headed (the same
/// checked `next` a sign-in redirects to), or home. Just after a sign-in with JavaScript this
/// and the sign-in's own redirect race; both go to the same page.
#[component]
fn AlreadySignedIn() -> impl IntoView {
    let session = use_session();
    let query = use_query_map();
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                let user = session?.user.await.ok().flatten();
                let next = query.read_untracked().get("next");
                let path = safe_next_path(next.as_deref()).to_owned();
                user.map(|_| view! { <Redirect path /> })
            })}
        </Suspense>
    }
}
