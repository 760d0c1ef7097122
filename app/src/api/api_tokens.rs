//! API tokens, for platform and compliance administrators: list, create (the secret is shown
//! once), revoke.

use leptos::prelude::*;

use crate::dto::api_token::TokenRow;
use crate::error::AppError;

/// The cookie that carries a new token's secret to the page that shows it, once.
#[cfg(feature = "ssr")]
const NEW_TOKEN_COOKIE: &str = "vigil_new_token";

#[cfg(feature = "ssr")]
fn new_token_cookie(
    value: String,
    max_age_secs: i64,
) -> axum_extra::extract::cookie::Cookie<'static> {
    use axum_extra::extract::cookie::{Cookie, SameSite};
    let secure = crate::ssr::request::app_state().is_ok_and(|state| state.auth.cookie_secure);
    Cookie::build((NEW_TOKEN_COOKIE, value))
        .path("/")
        .http_only(true)
        .secure(secure)
        .same_site(SameSite::Strict)
        .max_age(time::Duration::seconds(max_age_secs))
        .build()
}

/// Every token (never a secret).
#[server(prefix = "/api", endpoint = "admin/tokens")]
pub async fn list_tokens() -> Result<Vec<TokenRow>, AppError> {
    crate::ssr::request::respond(
        async {
            let (state, user) = crate::ssr::directory::people_admin().await?;
            crate::ssr::api_tokens::list(&state.db, &user, chrono::Utc::now()).await
        }
        .await,
    )
}

/// Makes a token and hands its secret to the token page, which shows it once.
#[server(prefix = "/api", endpoint = "admin/tokens/create")]
pub async fn create_token(
    name: String,
    scope: String,
    #[server(default)] days: String,
) -> Result<(), AppError> {
    use crate::ssr::api_tokens::{Operator, create};
    crate::ssr::request::respond(
        async {
            let (state, user) = crate::ssr::directory::people_admin().await?;
            let (token, secret) = create(
                &state.db,
                Operator::Person(&user),
                &name,
                &scope,
                &days,
                chrono::Utc::now(),
            )
            .await?;
            crate::ssr::request::set_cookie(new_token_cookie(secret, 300))?;
            leptos_axum::redirect(&format!("/admin/tokens?created={}", token.id));
            Ok(())
        }
        .await,
    )
}

/// The secret of the token just made, once: reading it clears it.
#[server(prefix = "/api", endpoint = "admin/tokens/new")]
pub async fn take_new_token() -> Result<Option<String>, AppError> {
    crate::ssr::request::respond(
        async {
            let _ = crate::ssr::directory::people_admin().await?;
            let jar = crate::ssr::request::cookies()?;
            let secret = jar
                .get(NEW_TOKEN_COOKIE)
                .map(|cookie| cookie.value().to_owned())
                .filter(|value| crate::domain::api_token::looks_like_token(value));
            if secret.is_some() {
                crate::ssr::request::set_cookie(new_token_cookie(String::new(), 0))?;
            }
            Ok(secret)
        }
        .await,
    )
}

/// Revokes a token at once, after confirmation.
#[server(prefix = "/api", endpoint = "admin/tokens/revoke")]
pub async fn revoke_token(
    id: i64,
    #[server(default)] confirm: Option<String>,
) -> Result<(), AppError> {
    use crate::ssr::api_tokens::{Operator, revoke};
    crate::ssr::request::respond(
        async {
            let (state, user) = crate::ssr::directory::people_admin().await?;
            if confirm.is_none() {
                return Err(crate::error::Invalid::TokenRevokeNotConfirmed.into());
            }
            revoke(&state.db, Operator::Person(&user), id, chrono::Utc::now()).await?;
            leptos_axum::redirect("/admin/tokens?revoked=1");
            Ok(())
        }
        .await,
    )
}
