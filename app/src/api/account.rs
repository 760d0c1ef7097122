//! A person's own account: password and sessions.

use leptos::prelude::*;

use crate::error::AppError;

/// Changes the signed-in person's password. Every other session ends; this one continues.
#[server(prefix = "/api", endpoint = "account/password")]
pub async fn change_password(
    current_password: String,
    new_password: String,
    confirm_password: String,
) -> Result<(), AppError> {
    use crate::ssr::{
        auth::{cookie::session_cookie, current_user, password_change::change_own_password},
        request::{app_state, client_addr, respond, set_cookie},
    };
    respond(
        async {
            let state = app_state()?;
            let user = current_user().await?;
            let client = client_addr(state.auth.trust_forwarded_for);
            let change = password_change_input(current_password, new_password, confirm_password);
            let token =
                change_own_password(&state, &user, change, &client, chrono::Utc::now()).await?;
            set_cookie(session_cookie(
                token,
                state.auth.cookie_secure,
                state.auth.tokens.ttl(),
            ))?;
            leptos_axum::redirect("/account?password_changed=1");
            Ok(())
        }
        .await,
    )
}

#[cfg(feature = "ssr")]
fn password_change_input(
    current: String,
    new: String,
    confirm: String,
) -> crate::ssr::auth::password_change::PasswordChange {
    crate::ssr::auth::password_change::PasswordChange {
        current,
        new,
        confirm,
    }
}

/// Ends every session of the signed-in person, on every device, including this one.
#[server(prefix = "/api", endpoint = "account/sign-out-everywhere")]
pub async fn sign_out_everywhere() -> Result<(), AppError> {
    use crate::ssr::{
        auth::{cookie::clearing_cookie, current_user},
        db::people,
        request::{app_state, respond, set_cookie},
    };
    respond(
        async {
            let state = app_state()?;
            let user = current_user().await?;
            people::revoke_sessions(&state.db, user.person.id, chrono::Utc::now()).await?;
            set_cookie(clearing_cookie(state.auth.cookie_secure))?;
            leptos_axum::redirect("/login?signed_out_everywhere=1");
            Ok(())
        }
        .await,
    )
}

/// The language the signed-in person takes courses in, and the languages on offer.
#[server(prefix = "/api", endpoint = "account/language")]
pub async fn course_language() -> Result<crate::dto::language::LanguageChoice, AppError> {
    use crate::ssr::{
        auth::current_user,
        request::{app_state, respond},
    };
    respond(
        async {
            let state = app_state()?;
            let user = current_user().await?;
            crate::ssr::training::languages::choice(&state.db, &state.versions, &user).await
        }
        .await,
    )
}

/// Sets the language the signed-in person takes courses in (empty: each course's own).
#[server(prefix = "/api", endpoint = "account/language/save")]
pub async fn save_course_language(#[server(default)] language: String) -> Result<(), AppError> {
    use crate::ssr::{
        auth::current_user,
        request::{app_state, respond},
    };
    respond(
        async {
            let state = app_state()?;
            let user = current_user().await?;
            crate::ssr::training::languages::choose(
                &state.db,
                &state.versions,
                &user,
                &language,
                chrono::Utc::now(),
            )
            .await?;
            leptos_axum::redirect("/account?language_saved=1");
            Ok(())
        }
        .await,
    )
}
