//! Messages shown above forms and pages.

use leptos::prelude::*;

use leptos::server_fn::error::ServerFnUrlError;
use leptos_router::hooks::use_query_map;

use crate::error::AppError;

/// The error a form post without JavaScript carried back in the URL for the server function at
/// `path`. Leptos does this itself for actions created inside the routes; forms without an
/// action (multipart uploads) and actions above the routes (sign-in) read it here.
pub fn url_error(path: &'static str) -> Signal<Option<AppError>> {
    let query = use_query_map();
    Signal::derive(move || {
        let query = query.read();
        if query.get("__path").as_deref() != Some(path) {
            return None;
        }
        query
            .get("__err")
            .map(|encoded| ServerFnUrlError::<AppError>::decode_err(&encoded))
    })
}

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

/// A page whose data could not be loaded: the error, and on the server the matching HTTP status
/// (404 for a link to something that is not there or not yours, 403, …).
#[component]
pub fn LoadError(error: AppError) -> impl IntoView {
    super::status::set_page_status(error.status());
    view! { <ErrorAlert error=Signal::stored(Some(error)) /> }
}
