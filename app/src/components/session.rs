//! Who is signed in, shared with every page through context.

use leptos::prelude::*;

use crate::api::account::SignOutEverywhere;
use crate::api::account_links::UseLink;
use crate::api::session::{Login, Logout, SessionUser, current_session};
use crate::error::AppError;

/// The signed-in person and the actions that change who that is.
#[derive(Clone, Copy)]
pub struct SessionContext {
    /// Refetched whenever one of the actions below completes.
    pub user: Resource<Result<Option<SessionUser>, AppError>>,
    pub login: ServerAction<Login>,
    pub logout: ServerAction<Logout>,
    pub sign_out_everywhere: ServerAction<SignOutEverywhere>,
    /// Choosing a password with an invitation or reset link, which signs in.
    pub use_link: ServerAction<UseLink>,
}

/// Creates the session context. Lives inside the router, which is where Leptos puts an
/// error carried back in the URL after a form post without JavaScript.
#[component]
pub fn SessionProvider(children: Children) -> impl IntoView {
    let login = ServerAction::<Login>::new();
    let logout = ServerAction::<Logout>::new();
    let sign_out_everywhere = ServerAction::<SignOutEverywhere>::new();
    let use_link = ServerAction::<UseLink>::new();
    let user = Resource::new(
        move || {
            (
                login.version().get(),
                logout.version().get(),
                sign_out_everywhere.version().get(),
                use_link.version().get(),
            )
        },
        |_| current_session(),
    );
    provide_context(SessionContext {
        user,
        login,
        logout,
        sign_out_everywhere,
        use_link,
    });
    children()
}

/// The session context.
pub fn use_session() -> Option<SessionContext> {
    use_context::<SessionContext>()
}
