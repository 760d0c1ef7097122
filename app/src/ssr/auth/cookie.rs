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
