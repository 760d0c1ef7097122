//! Pages opened from emailed links: accepting an invitation, and resetting a password. Both
//! check the link first and say plainly when it has expired or was used, with the next step.

use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

use leptos::server_fn::ServerFn;

use crate::api::account_links::{UseLink, check_link};
use crate::components::alerts::{ErrorAlert, LoadError, url_error};
use crate::components::password_fields::NewPasswordFields;
use crate::components::session::use_session;
use crate::domain::account_link::LinkPurpose;

/// `/invite/:token`
#[component]
pub fn InvitationPage() -> impl IntoView {
    view! { <LinkPage purpose=LinkPurpose::Invitation /> }
}

/// `/reset-password/:token`
#[component]
pub fn ResetPasswordPage() -> impl IntoView {
    view! { <LinkPage purpose=LinkPurpose::PasswordReset /> }
}

/// What each kind of link's page says.
#[derive(Clone, Copy)]
struct Wording {
    title: &'static str,
    heading: &'static str,
    checking: &'static str,
    intro: &'static str,
    button: &'static str,
}

fn wording(purpose: LinkPurpose) -> Wording {
    match purpose {
        LinkPurpose::Invitation => Wording {
            title: "Accept your invitation",
            heading: "Welcome to Vigil",
            checking: "Checking your invitation…",
            intro: "Choose a password to finish setting up your account. You will use it with your email address to sign in.",
            button: "Choose password and sign in",
        },
        LinkPurpose::PasswordReset => Wording {
            title: "Choose a new password",
            heading: "Choose a new password",
            checking: "Checking your link…",
            intro: "Choose a new password. Every other session of your account will be signed out.",
            button: "Save password and sign in",
        },
    }
}

#[component]
fn LinkPage(purpose: LinkPurpose) -> impl IntoView {
    let params = use_params_map();
    let token = move || params.read().get("token").unwrap_or_default();
    let holder = Resource::new(token, move |token| check_link(purpose, token));
    // The action lives with the session (choosing a password signs in), above the routes, so
    // the error a form post without JavaScript brings back in the URL is read here.
    let choose = use_session().map(|session| session.use_link);
    let url_error = url_error(<UseLink as ServerFn>::PATH);
    let error = Signal::derive(
        move || match choose.and_then(|choose| choose.value().get()) {
            Some(result) => result.err(),
            None => url_error.get(),
        },
    );
    let words = wording(purpose);
    let purpose_value = serde_json::to_value(purpose)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default();
    view! {
        <Title text=words.title />
        <section class="auth-card" aria-labelledby="link-heading">
            <h1 id="link-heading">{words.heading}</h1>
            <Suspense fallback=move || view! { <p class="loading">{words.checking}</p> }>
                {move || {
                    let purpose_value = purpose_value.clone();
                    Suspend::new(async move {
                        match holder.await {
                            Ok(holder) => view! {
                                <p class="lead">{format!("Hello {}.", holder.name)}</p>
                                <p>{words.intro}</p>
                                <p class="muted">{format!("Account: {}", holder.email)}</p>
                                <ErrorAlert error />
                                {choose.map(|choose| view! {
                                    <ActionForm action=choose attr:class="form" attr:aria-label=words.title>
                                        <input type="hidden" name="purpose" value=purpose_value.clone() />
                                        <input type="hidden" name="token" value=token() />
                                        <NewPasswordFields />
                                        <button type="submit" class="button button-primary">{words.button}</button>
                                    </ActionForm>
                                })}
                            }.into_any(),
                            Err(error) => view! {
                                <LoadError error />
                                <ul class="plain-list">
                                    <li><a href="/login">"Go to sign in"</a></li>
                                    <li><a href="/forgot-password">"Forgot your password? Ask for a new link"</a></li>
                                </ul>
                            }.into_any(),
                        }
                    })
                }}
            </Suspense>
        </section>
    }
}
