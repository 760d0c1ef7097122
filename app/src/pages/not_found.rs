//! The 404 page.

use leptos::prelude::*;
use leptos_meta::Title;

use crate::components::status::set_page_status;

/// Shown for any address that is not a page, with status 404.
#[component]
pub fn NotFound() -> impl IntoView {
    set_page_status(404);
    view! {
        <Title text="Page not found" />
        <section class="page">
            <h1>"Page not found"</h1>
            <p>"There is no page at this address. It may have moved, or the link may be mistyped."</p>
            <p><a href="/">"Go to your home page"</a></p>
        </section>
    }
}
