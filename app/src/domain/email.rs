//! Email addresses as Vigil stores them: trimmed and lower-cased, so one person has one key.

use crate::error::{Field, Invalid};

/// A syntactically valid, normalised email address.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct EmailAddress(String);

impl EmailAddress {
    /// Parses and normalises user input; the error says what to fix.
    pub fn parse(input: &str) -> Result<Self, Invalid> {
        let normalised = normalise(input);
        if normalised.is_empty() {
            return Err(Invalid::Required(Field::Email));
        }
        if normalised.len() > 254 {
            return Err(Invalid::TooLong(Field::Email, 254));
        }
        if !email_address::EmailAddress::is_valid(&normalised) || !has_dotted_domain(&normalised) {
            return Err(Invalid::EmailFormat);
        }
        Ok(Self(normalised))
    }

    /// The normalised address.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for EmailAddress {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// Whether mail may be written to an address: not to a `.invalid` one (RFC 6761), which is how
/// Vigil keeps a person the directory sent without any address.
pub fn deliverable(address: &str) -> bool {
    !address
        .trim_end_matches('.')
        .to_ascii_lowercase()
        .ends_with(".invalid")
}

/// Whether an identity provider's email claim may sign someone in: `email_verified: true`; or,
/// when the operator says the provider's addresses are set by its administrators (Microsoft Entra
/// work accounts carry no `email_verified`), a claim without it. An explicit `false` never does.
pub fn provider_email_acceptable(
    email_verified: Option<bool>,
    addresses_set_by_admins: bool,
) -> bool {
    match email_verified {
        Some(verified) => verified,
        None => addresses_set_by_admins,
    }
}

/// The key failed sign-ins are counted under: the address as typed, normalised, valid or not,
/// so that the limit applies the same way to accounts that exist and ones that do not.
pub fn normalise(input: &str) -> String {
    input.trim().to_lowercase()
}

// `email_address` accepts `user@localhost`; a workplace address always has a dotted domain.
fn has_dotted_domain(address: &str) -> bool {
    address
        .rsplit_once('@')
        .is_some_and(|(_, domain)| domain.contains('.') && !domain.ends_with('.'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_are_trimmed_and_lower_cased() {
        let email = EmailAddress::parse("  Dana.Okafor@Example.COM ").unwrap();
        assert_eq!(email.as_str(), "dana.okafor@example.com");
    }

    #[test]
    fn empty_input_is_reported_as_missing() {
        assert_eq!(
            EmailAddress::parse("   "),
            Err(Invalid::Required(Field::Email))
        );
    }

    #[test]
    fn malformed_addresses_are_rejected() {
        for bad in [
            "dana",
            "dana@",
            "@example.com",
            "dana@localhost",
            "da na@example.com",
            "dana@example.",
        ] {
            assert_eq!(EmailAddress::parse(bad), Err(Invalid::EmailFormat), "{bad}");
        }
    }

    #[test]
    fn overlong_addresses_are_rejected() {
        let long = format!("{}@example.com", "a".repeat(250));
        assert_eq!(
            EmailAddress::parse(&long),
            Err(Invalid::TooLong(Field::Email, 254))
        );
    }

    #[test]
    fn a_provider_email_needs_verification_unless_administrators_set_them() {
        assert!(provider_email_acceptable(Some(true), false));
        assert!(!provider_email_acceptable(None, false));
        assert!(provider_email_acceptable(None, true));
        assert!(!provider_email_acceptable(Some(false), true));
    }
}
