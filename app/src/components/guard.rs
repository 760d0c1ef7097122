//! Pages that need a signed-in person with a given permission.
//!
//! This decides what a page shows; it is not the security boundary. Every server function checks
//! authentication and authorization again for itself.

use leptos::prelude::*;
use leptos_router::{components::Redirect, hooks::use_location};

use super::alerts::ErrorAlert;
use super::session::use_session;
use super::status::set_page_status;
use crate::api::session::SessionUser;
use crate::domain::permissions::Permission;
use crate::error::AppError;

/// Renders `children` with the signed-in person if they hold `require`; otherwise sends them to
/// sign in, or explains that they lack access (with status 403).
///
/// Make a page's resources in the page component, before this, and only read them in
/// `children`: server-side rendering walks a `Suspense`'s children more than once to find what it
/// waits for, so a resource made inside `children` is made again, and its server function run
/// again, on each walk (two or three times a page, measured by the queries each page ran).
#[component]
pub fn Protected<F, V>(require: Permission, children: F) -> impl IntoView
where
    F: Fn(SessionUser) -> V + Clone + Send + Sync + 'static,
    V: IntoView + 'static,
{
    let Some(session) = use_session() else {
        return view! { <ErrorAlert error=Signal::stored(Some(AppError::Internal { reference: 0 })) /> }.into_any();
    };
    let location = use_location();
    view! {
        <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {
                let children = children.clone();
                move || {
                    let children = children.clone();
                    Suspend::new(async move {
                        match session.user.await {
                            Ok(Some(user)) if user.permissions.allows(require) => children(user).into_any(),
                            Ok(Some(_)) => view! { <Forbidden /> }.into_any(),
                            Ok(None) => {
                                let path = location.pathname.get_untracked();
                                let search = location.search.get_untracked().trim_start_matches('?').to_owned();
                                let here = if search.is_empty() { path } else { format!("{path}?{search}") };
                                let next = urlencoding::encode(&here).into_owned();
                                view! { <Redirect path=format!("/login?next={next}") /> }.into_any()
                            }
                            Err(error) => view! { <ErrorAlert error=Signal::stored(Some(error)) /> }.into_any(),
                        }
                    })
                }
            }
        </Suspense>
    }
    .into_any()
}

/// Shown when a signed-in person opens a page they have no access to.
#[component]
pub fn Forbidden() -> impl IntoView {
    set_page_status(403);
    view! {
        <section class="page">
            <h1>"You do not have access to this page"</h1>
            <p>"This page is for people with a different role. If you need it for your work, ask your administrator."</p>
            <p><a href="/">"Back to your home page"</a></p>
        </section>
    }
}
