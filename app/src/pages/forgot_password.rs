//! "Forgot your password?": ask for a reset link. The answer never says whether the address
//! belongs to anyone.

use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::api::account_links::{RequestPasswordReset, mail_status};
use crate::components::alerts::{ErrorAlert, SuccessAlert};

/// `/forgot-password`
#[component]
pub fn ForgotPasswordPage() -> impl IntoView {
    let query = use_query_map();
    let request = ServerAction::<RequestPasswordReset>::new();
    let error = Signal::derive(move || request.value().get().and_then(Result::err));
    let mode = Resource::new(|| (), |_| mail_status());
    let requested = Signal::derive(move || {
        query.read().get("requested").map(|_| {
            "If that address belongs to an active account, a link to choose a new password is on its way. It works once, for one hour. Check your spam folder if it does not arrive within a few minutes."
        })
    });
    view! {
        <Title text="Forgot your password?" />
        <section class="auth-card" aria-labelledby="forgot-heading">
            <h1 id="forgot-heading">"Forgot your password?"</h1>
            <SuccessAlert message=requested />
            <ErrorAlert error />
            <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match mode.await {
                        Ok(mode) if !mode.is_on() => view! {
                            <div class="alert alert-error" role="alert">
                                <p>{mode.off_notice().unwrap_or_default()}</p>
                                <p>"Ask your Vigil administrator to set a new password for you."</p>
                            </div>
                        }.into_any(),
                        _ => view! {
                            <p>"Enter the email address you sign in with. We will send a link to choose a new password."</p>
                            <ActionForm action=request attr:class="form" attr:aria-label="Ask for a reset link">
                                <div class="field">
                                    <label for="email">"Email address"</label>
                                    <input id="email" name="email" type="email" autocomplete="username" required maxlength="254" />
                                </div>
                                <button type="submit" class="button button-primary">"Send me a link"</button>
                            </ActionForm>
                        }.into_any(),
                    }
                })}
            </Suspense>
            <p class="hint"><a href="/login">"Back to sign in"</a></p>
        </section>
    }
}
