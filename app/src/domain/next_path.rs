//! Where to send someone after they sign in, without becoming an open redirect.

/// Returns `candidate` if it is a path on this site, otherwise the home page.
///
/// Accepts only absolute paths (`/team?x=1`); rejects scheme-relative (`//evil.example`),
/// backslash tricks (`/\evil.example`), full URLs and control characters.
pub fn safe_next_path(candidate: Option<&str>) -> &str {
    match candidate {
        Some(path)
            if path.starts_with('/')
                && !path.starts_with("//")
                && !path.starts_with("/\\")
                && !path.chars().any(|c| c.is_control())
                && path.len() <= 2048
                && !path.starts_with("/api/") =>
        {
            path
        }
        _ => "/",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_on_this_site_are_kept() {
        assert_eq!(safe_next_path(Some("/team?view=all")), "/team?view=all");
    }

    #[test]
    fn anything_that_could_leave_the_site_goes_home() {
        for bad in [
            "https://evil.example",
            "//evil.example",
            "/\\evil.example",
            "evil",
            "/a\nb",
            "/api/logout",
        ] {
            assert_eq!(safe_next_path(Some(bad)), "/", "{bad:?}");
        }
        assert_eq!(safe_next_path(None), "/");
    }
}
