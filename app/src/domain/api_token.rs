//! API tokens: named, scoped, expiring credentials for scripts and directory services, shown
//! once and stored as SHA-256 hashes. Presented only as `Authorization: Bearer …`, never read
//! from a cookie.

use crate::error::{Field, Invalid};

/// What a token may do.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Scope {
    /// Provisioning people through SCIM 2.0.
    Scim,
    /// Reading the compliance status, completion records and reminders exports.
    ReportsRead,
    /// Downloading evidence packs.
    EvidenceExport,
}

impl Scope {
    pub const ALL: [Self; 3] = [Self::Scim, Self::ReportsRead, Self::EvidenceExport];

    /// The stored and typed spelling.
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Scim => "scim",
            Self::ReportsRead => "reports:read",
            Self::EvidenceExport => "evidence:export",
        }
    }

    /// Parses the spelling; anything else is refused.
    pub fn parse(input: &str) -> Result<Self, Invalid> {
        Self::ALL
            .into_iter()
            .find(|scope| scope.as_str() == input.trim())
            .ok_or(Invalid::TokenScope)
    }

    /// For people.
    pub fn label(&self) -> &'static str {
        match self {
            Self::Scim => "SCIM provisioning",
            Self::ReportsRead => "Read reports and exports",
            Self::EvidenceExport => "Download evidence packs",
        }
    }

    /// Who may create (and keep using) a token of this scope: platform administrators for
    /// provisioning, compliance administrators for reports and evidence.
    pub fn needs_platform_admin(&self) -> bool {
        matches!(self, Self::Scim)
    }
}

/// The prefix every Vigil API token starts with, so that secret scanners can recognise one.
pub const PREFIX: &str = "vigil_";

/// Longest and default lifetime, in days.
pub const MAX_DAYS: u32 = 730;
pub const DEFAULT_DAYS: u32 = 90;

/// Parses a token's lifetime in days (empty: the default).
pub fn parse_days(input: &str) -> Result<u32, Invalid> {
    let trimmed = input.trim();
    if trimmed.is_empty() {
        return Ok(DEFAULT_DAYS);
    }
    match trimmed.parse::<u32>() {
        Ok(days) if (1..=MAX_DAYS).contains(&days) => Ok(days),
        _ => Err(Invalid::TokenDays(MAX_DAYS)),
    }
}

/// Checks a token's name: present, short, printable.
pub fn parse_name(input: &str) -> Result<String, Invalid> {
    let name = super::person::required_text(input, Field::Name)?;
    if name.chars().count() > 100 {
        return Err(Invalid::TooLong(Field::Name, 100));
    }
    Ok(name)
}

/// Whether `presented` has the shape of a Vigil token (before anything is looked up).
pub fn looks_like_token(presented: &str) -> bool {
    presented.len() == PREFIX.len() + 43
        && presented.starts_with(PREFIX)
        && presented[PREFIX.len()..]
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// The token in an `Authorization` header value, if it is `Bearer <token>`.
pub fn bearer(header: &str) -> Option<&str> {
    let (scheme, token) = header.trim().split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then(|| token.trim())
        .filter(|token| !token.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scopes_parse_only_their_own_spelling() {
        for scope in Scope::ALL {
            assert_eq!(Scope::parse(scope.as_str()), Ok(scope));
        }
        assert_eq!(Scope::parse("admin"), Err(Invalid::TokenScope));
        assert_eq!(Scope::parse("SCIM"), Err(Invalid::TokenScope));
    }

    #[test]
    fn lifetimes_are_whole_days_within_two_years() {
        assert_eq!(parse_days(""), Ok(DEFAULT_DAYS));
        assert_eq!(parse_days("30"), Ok(30));
        for bad in ["0", "731", "-1", "1.5", "soon"] {
            assert_eq!(parse_days(bad), Err(Invalid::TokenDays(MAX_DAYS)), "{bad}");
        }
    }

    #[test]
    fn only_a_bearer_header_carries_a_token() {
        assert_eq!(bearer("Bearer vigil_abc"), Some("vigil_abc"));
        assert_eq!(bearer("bearer  vigil_abc "), Some("vigil_abc"));
        assert_eq!(bearer("Basic dXNlcjpwYXNz"), None);
        assert_eq!(bearer("Bearer "), None);
        assert!(!looks_like_token("vigil_short"));
        assert!(looks_like_token(&format!("{PREFIX}{}", "a".repeat(43))));
        assert!(!looks_like_token(&format!(
            "{PREFIX}{}",
            "a/".repeat(21) + "a"
        )));
    }
}
