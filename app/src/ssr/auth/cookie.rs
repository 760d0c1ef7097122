//! The session cookie: HttpOnly, SameSite=Lax, Path=/, and Secure with the `__Host-` prefix
//! outside development mode (the prefix makes browsers refuse it without Secure or with a Domain).

use axum_extra::extract::cookie::{Cookie, SameSite};
use chrono::Duration;

/// The cookie's name for the given security setting.
pub fn cookie_name(secure: bool) -> &'static str {
    if secure {
        "__Host-vigil_session"
    } else {
        "vigil_session"
    }
}

/// A cookie carrying `token` for `ttl`.
pub fn session_cookie(token: String, secure: bool, ttl: Duration) -> Cookie<'static> {
    Cookie::build((cookie_name(secure), token))
        .http_only(true)
        .same_site(SameSite::Lax)
        .secure(secure)
        .path("/")
        .max_age(time::Duration::seconds(ttl.num_seconds()))
        .build()
}

/// A cookie that removes the session cookie.
pub fn clearing_cookie(secure: bool) -> Cookie<'static> {
    Cookie::build((cookie_name(secure), ""))
        .http_only(true)
        .same_site(SameSite::Lax)
        .secure(secure)
        .path("/")
        .max_age(time::Duration::ZERO)
        .build()
}

/// The cookie binding a started single sign-on to this browser (only sent back to `/auth/oidc`).
pub const OIDC_STATE: &str = "vigil_oidc_state";
/// Marks a session that came from the OpenID provider, so signing out ends that session too.
pub const SSO_MARKER: &str = "vigil_sso";

/// A single sign-on's `state`, for as long as the attempt may take.
pub fn oidc_state_cookie(state: String, secure: bool, minutes: i64) -> Cookie<'static> {
    Cookie::build((OIDC_STATE, state))
        .http_only(true)
        .same_site(SameSite::Lax)
        .secure(secure)
        .path("/auth/oidc")
        .max_age(time::Duration::minutes(minutes))
        .build()
}

/// Removes the single sign-on `state` cookie.
pub fn oidc_state_clearing(secure: bool) -> Cookie<'static> {
    Cookie::build((OIDC_STATE, ""))
        .http_only(true)
        .same_site(SameSite::Lax)
        .secure(secure)
        .path("/auth/oidc")
        .max_age(time::Duration::ZERO)
        .build()
}

/// The marker of a session from the OpenID provider (`on`), or its removal.
pub fn sso_marker(on: bool, secure: bool) -> Cookie<'static> {
    Cookie::build((SSO_MARKER, if on { "1" } else { "" }))
        .http_only(true)
        .same_site(SameSite::Lax)
        .secure(secure)
        .path("/")
        .max_age(if on {
            time::Duration::days(30)
        } else {
            time::Duration::ZERO
        })
        .build()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_development_cookie_is_http_only_and_same_site_lax() {
        let header = session_cookie("t".to_owned(), false, Duration::hours(8)).to_string();
        assert!(header.starts_with("vigil_session=t;"), "{header}");
        assert!(
            header.contains("HttpOnly")
                && header.contains("SameSite=Lax")
                && header.contains("Path=/")
        );
        assert!(!header.contains("Secure"), "{header}");
    }

    #[test]
    fn the_production_cookie_is_secure_and_host_prefixed() {
        let header = session_cookie("t".to_owned(), true, Duration::hours(8)).to_string();
        assert!(header.starts_with("__Host-vigil_session=t;"), "{header}");
        assert!(header.contains("Secure"), "{header}");
    }

    #[test]
    fn clearing_expires_the_cookie() {
        assert!(clearing_cookie(false).to_string().contains("Max-Age=0"));
    }
}
