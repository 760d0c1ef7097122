//! A page whose feature is still being built: says honestly what will appear there.

use leptos::prelude::*;
use leptos_meta::Title;

use crate::components::guard::Protected;
use crate::domain::permissions::Permission;

/// A protected page that describes what it will show.
#[component]
pub fn Placeholder(
    title: &'static str,
    require: Permission,
    description: &'static str,
) -> impl IntoView {
    view! {
        <Title text=title />
        <Protected require let:_user>
            <section class="page">
                <h1>{title}</h1>
                <div class="empty-state">
                    <p>{description}</p>
                </div>
            </section>
        </Protected>
    }
}
