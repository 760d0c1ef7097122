//! Pages opened from emailed links: accepting an invitation, and resetting a password. Both
//! check the link first and say plainly when it has expired or was used, with the next step.

use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

use crate::api::account_links::{
    AcceptInvitation, LinkHolder, ResetPassword, check_invitation, check_password_reset,
};
use crate::components::alerts::{ErrorAlert, LoadError};
use crate::domain::password_policy::MIN_LENGTH;
use crate::error::AppError;

/// `/invite/:token`
#[component]
pub fn InvitationPage() -> impl IntoView {
    let params = use_params_map();
    let token = move || params.read().get("token").unwrap_or_default();
    let holder = Resource::new(token, check_invitation);
    let accept = ServerAction::<AcceptInvitation>::new();
    let error = Signal::derive(move || accept.value().get().and_then(Result::err));
    view! {
        <Title text="Accept your invitation" />
        <section class="auth-card" aria-labelledby="link-heading">
            <h1 id="link-heading">"Welcome to Vigil"</h1>
            <Suspense fallback=|| view! { <p class="loading">"Checking your invitation…"</p> }>
                {move || Suspend::new(async move {
                    match holder.await {
                        Ok(holder) => view! {
                            <Greeting holder intro="Choose a password to finish setting up your account. You will use it with your email address to sign in." />
                            <ErrorAlert error />
                            <ActionForm action=accept attr:class="form" attr:aria-label="Choose your password">
                                <PasswordFields token=token() />
                                <button type="submit" class="button button-primary">"Choose password and sign in"</button>
                            </ActionForm>
                        }.into_any(),
                        Err(error) => view! { <LinkProblem error /> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}

/// `/reset-password/:token`
#[component]
pub fn ResetPasswordPage() -> impl IntoView {
    let params = use_params_map();
    let token = move || params.read().get("token").unwrap_or_default();
    let holder = Resource::new(token, check_password_reset);
    let reset = ServerAction::<ResetPassword>::new();
    let error = Signal::derive(move || reset.value().get().and_then(Result::err));
    view! {
        <Title text="Choose a new password" />
        <section class="auth-card" aria-labelledby="link-heading">
            <h1 id="link-heading">"Choose a new password"</h1>
            <Suspense fallback=|| view! { <p class="loading">"Checking your link…"</p> }>
                {move || Suspend::new(async move {
                    match holder.await {
                        Ok(holder) => view! {
                            <Greeting holder intro="Choose a new password. Every other session of your account will be signed out." />
                            <ErrorAlert error />
                            <ActionForm action=reset attr:class="form" attr:aria-label="Choose a new password">
                                <PasswordFields token=token() />
                                <button type="submit" class="button button-primary">"Save password and sign in"</button>
                            </ActionForm>
                        }.into_any(),
                        Err(error) => view! { <LinkProblem error /> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}

#[component]
fn Greeting(holder: LinkHolder, intro: &'static str) -> impl IntoView {
    view! {
        <p class="lead">{format!("Hello {}.", holder.name)}</p>
        <p>{intro}</p>
        <p class="muted">{format!("Account: {}", holder.email)}</p>
    }
}

#[component]
fn PasswordFields(token: String) -> impl IntoView {
    view! {
        <input type="hidden" name="token" value=token />
        <div class="field">
            <label for="new_password">"New password"</label>
            <input id="new_password" name="new_password" type="password" autocomplete="new-password"
                required minlength=MIN_LENGTH aria-describedby="new-password-hint" />
            <p class="hint" id="new-password-hint">
                {format!("At least {MIN_LENGTH} characters. Three or four unrelated words are strong and easy to remember.")}
            </p>
        </div>
        <div class="field">
            <label for="confirm_password">"New password again"</label>
            <input id="confirm_password" name="confirm_password" type="password" autocomplete="new-password" required />
        </div>
    }
}

/// Why the link cannot be used, and where to go next.
#[component]
fn LinkProblem(error: AppError) -> impl IntoView {
    view! {
        <LoadError error />
        <ul class="plain-list">
            <li><a href="/login">"Go to sign in"</a></li>
            <li><a href="/forgot-password">"Forgot your password? Ask for a new link"</a></li>
        </ul>
    }
}
