//! The frame around every page: skip link, header with navigation, main landmark, footer.

use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_location;

use super::session::use_session;
use crate::api::session::SessionUser;
use crate::api::training::outstanding_bulletins;
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
            <BulletinNotices />
            {children()}
        </main>
        <footer class="site-footer">
            <p>"Vigil · security awareness training you can prove"</p>
        </footer>
    }
}

/// Threat bulletins the signed-in person has still to acknowledge, on every page until they do.
#[component]
fn BulletinNotices() -> impl IntoView {
    // Keyed on who is signed in (the session actions) and the page, not on the user resource's
    // value, which is not settled yet while the page hydrates. Refetching on navigation also
    // clears a notice right after it is acknowledged.
    let session = use_session();
    let location = use_location();
    let bulletins = Resource::new(
        move || {
            (
                session.map(|s| s.login.version().get() + s.logout.version().get()),
                location.pathname.get(),
            )
        },
        |_| async move { outstanding_bulletins().await.unwrap_or_default() },
    );

    view! {
        <Transition fallback=|| ()>
            {move || Suspend::new(async move {
                let items = bulletins.await;
                (!items.is_empty()).then(|| view! {
                    <aside class="bulletins" aria-label="Threat bulletins">
                        {items.into_iter().map(|item| view! {
                            <div class="alert alert-warning bulletin">
                                <p>
                                    <strong>{item.title.clone()}</strong>" "
                                    <a href=format!("/training/{}", item.slug)>"Read and acknowledge"</a>
                                </p>
                            </div>
                        }).collect_view()}
                    </aside>
                })
            })}
        </Transition>
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
