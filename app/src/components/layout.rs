//! The frame around every page: skip link, header with navigation, main landmark, footer.

use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_router::components::A;

use super::session::use_session;
use crate::api::session::SessionUser;
use crate::domain::navigation::navigation_for;

/// The page frame. Navigation appears once someone is signed in and follows their permissions.
#[component]
pub fn Layout(children: Children) -> impl IntoView {
    view! {
        <a class="skip-link" href="#main">"Skip to main content"</a>
        <header class="site-header">
            <div class="header-inner">
                <a class="brand" href="/">
                    <span class="brand-mark" aria-hidden="true"></span>
                    "Vigil"
                </a>
                <Transition fallback=|| ()>
                    {move || Suspend::new(async move {
                        let session = use_session()?;
                        match session.user.await {
                            Ok(Some(user)) => Some(view! { <MainNav user /> }),
                            _ => None,
                        }
                    })}
                </Transition>
            </div>
        </header>
        <main id="main" tabindex="-1">
            {children()}
        </main>
        <footer class="site-footer">
            <p>"Vigil · security awareness training you can prove"</p>
        </footer>
    }
}

/// The main navigation and the signed-in person's menu.
#[component]
fn MainNav(user: SessionUser) -> impl IntoView {
    let items = navigation_for(&user.permissions);
    let logout = use_session().map(|session| session.logout);
    view! {
        <nav class="main-nav" aria-label="Main">
            <ul>
                {items
                    .into_iter()
                    .map(|item| view! { <li><A href=item.href exact=true>{item.label}</A></li> })
                    .collect_view()}
            </ul>
        </nav>
        <div class="user-menu">
            <span class="user-name">{user.name}</span>
            {logout.map(|logout| view! {
                <ActionForm action=logout attr:class="inline-form">
                    <button type="submit" class="button button-quiet">"Sign out"</button>
                </ActionForm>
            })}
        </div>
    }
}
