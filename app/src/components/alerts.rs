//! Messages shown above forms and pages.

use leptos::prelude::*;

use crate::error::AppError;

/// An error from a server function, announced to screen readers.
#[component]
pub fn ErrorAlert(#[prop(into)] error: Signal<Option<AppError>>) -> impl IntoView {
    move || {
        error.get().map(|error| {
            view! {
                <div class="alert alert-error" role="alert">
                    <p>{error.to_string()}</p>
                </div>
            }
        })
    }
}

/// A confirmation that something worked.
#[component]
pub fn SuccessAlert(#[prop(into)] message: Signal<Option<&'static str>>) -> impl IntoView {
    move || {
        message.get().map(|message| {
            view! {
                <div class="alert alert-success" role="status">
                    <p>{message}</p>
                </div>
            }
        })
    }
}
