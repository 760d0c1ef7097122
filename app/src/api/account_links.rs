//! Links from emails: accepting an invitation, asking for and using a password reset. These
//! are the only server functions open to people who are not signed in, besides signing in.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::domain::account_link::LinkPurpose;
use crate::domain::mail::MailMode;
use crate::error::AppError;

/// Who a valid link is for, to greet them on its page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LinkHolder {
    pub name: String,
    pub email: String,
}

/// Whether mail is on, so pages that send mail can say when it is not.
#[server(prefix = "/api", endpoint = "mail/status")]
pub async fn mail_status() -> Result<MailMode, AppError> {
    crate::ssr::request::respond(Ok(crate::ssr::request::app_state()?.mail.mode))
}

/// The person an invitation or reset link is for, or why it cannot be used.
#[server(prefix = "/api", endpoint = "link/check")]
pub async fn check_link(purpose: LinkPurpose, token: String) -> Result<LinkHolder, AppError> {
    crate::ssr::request::respond(
        async {
            let state = crate::ssr::request::app_state()?;
            let link = crate::ssr::auth::account_links::check(
                &state.db,
                purpose,
                &token,
                chrono::Utc::now(),
            )
            .await?;
            Ok(LinkHolder {
                name: link.person.name,
                email: link.person.email,
            })
        }
        .await,
    )
}

/// Chooses a password with an invitation or reset link, and signs in: every other session of
/// the person ends.
#[server(prefix = "/api", endpoint = "link/use")]
pub async fn use_link(
    purpose: LinkPurpose,
    token: String,
    new_password: String,
    confirm_password: String,
) -> Result<(), AppError> {
    use crate::ssr::auth::{account_links, cookie::session_cookie};
    use crate::ssr::request::{app_state, respond, set_cookie};
    respond(
        async {
            let state = app_state()?;
            let session = account_links::choose_password(
                &state.db,
                &state.auth,
                purpose,
                &token,
                &new_password,
                &confirm_password,
                chrono::Utc::now(),
            )
            .await?;
            set_cookie(session_cookie(
                session,
                state.auth.cookie_secure,
                state.auth.tokens.ttl(),
            ))?;
            leptos_axum::redirect(match purpose {
                LinkPurpose::Invitation => "/?welcome=1",
                LinkPurpose::PasswordReset => "/?password_reset=1",
            });
            Ok(())
        }
        .await,
    )
}

/// "Forgot your password?": the answer is the same whether or not the address is known.
#[server(prefix = "/api", endpoint = "password-reset/request")]
pub async fn request_password_reset(email: String) -> Result<(), AppError> {
    use crate::ssr::request::{app_state, client_addr, respond};
    respond(
        async {
            let state = app_state()?;
            let client = client_addr(state.auth.trust_forwarded_for);
            crate::ssr::mail::password_reset::request(
                &state.db,
                &state.mail,
                &email,
                &client,
                chrono::Utc::now(),
            )
            .await?;
            leptos_axum::redirect("/forgot-password?requested=1");
            Ok(())
        }
        .await,
    )
}
