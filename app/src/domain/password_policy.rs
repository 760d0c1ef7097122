//! The rules a new password must meet, after NIST SP 800-63B: length over composition rules,
//! no obvious or breached choices, no reuse of the account name.

use crate::error::Invalid;

/// Shortest password accepted: SP 800-63B revision 4 requires 15 characters for a password
/// used as the only factor, which a Vigil password is.
pub const MIN_LENGTH: usize = 15;
/// Longest password accepted, bounding the cost of hashing.
pub const MAX_LENGTH: usize = 128;

// Common choices from public breach corpora that meet the length rule. A full breached-password
// list is a deployment concern; these are the long ones people actually pick.
const COMMON: &[&str] = &[
    "123456789012345",
    "1234567890123456",
    "12345678901234567890",
    "passwordpassword",
    "password12345678",
    "password123456789",
    "qwertyuiopasdfgh",
    "qwertyuiopasdfghjkl",
    "1q2w3e4r5t6y7u8i",
    "1qaz2wsx3edc4rfv",
    "iloveyouiloveyou",
    "administrator123",
    "welcome123456789",
    "changemechangeme",
    "letmeinletmein12",
    "abcdefghijklmnop",
    "trustno1trustno1",
    "qazwsxedcrfvtgbyhn",
    "zaq12wsxcde34rfv",
    "passw0rdpassw0rd",
];

/// A password that meets the policy. Deliberately neither `Debug` nor `Serialize`.
pub struct NewPassword(String);

impl NewPassword {
    /// Checks a proposed password for the account with the given (normalised) email.
    pub fn parse(candidate: &str, email: &str) -> Result<Self, Invalid> {
        let length = candidate.chars().count();
        if length < MIN_LENGTH {
            return Err(Invalid::PasswordTooShort(MIN_LENGTH));
        }
        if length > MAX_LENGTH {
            return Err(Invalid::PasswordTooLong(MAX_LENGTH));
        }
        let lowered = candidate.to_lowercase();
        if COMMON.iter().any(|common| common.to_lowercase() == lowered)
            || is_one_repeated_char(candidate)
        {
            return Err(Invalid::PasswordTooCommon);
        }
        let local_part = email.split('@').next().unwrap_or_default();
        if lowered == email
            || (!local_part.is_empty() && lowered.contains(local_part) && local_part.len() >= 4)
        {
            return Err(Invalid::PasswordContainsEmail);
        }
        Ok(Self(candidate.to_owned()))
    }

    /// The password, for hashing.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

fn is_one_repeated_char(candidate: &str) -> bool {
    let mut chars = candidate.chars();
    chars.next().is_some_and(|first| chars.all(|c| c == first))
}

#[cfg(test)]
mod tests {
    use super::*;

    const EMAIL: &str = "dana.okafor@example.com";

    #[test]
    fn a_long_passphrase_is_accepted_without_composition_rules() {
        assert!(NewPassword::parse("correct horse battery staple", EMAIL).is_ok());
    }

    #[test]
    fn short_passwords_are_rejected_with_the_minimum() {
        assert_eq!(
            NewPassword::parse("Sh0rt!password", EMAIL).err(),
            Some(Invalid::PasswordTooShort(15))
        );
    }

    #[test]
    fn length_counts_characters_not_bytes() {
        // 14 characters, 28 bytes.
        assert_eq!(
            NewPassword::parse("éàéàéàéàéàéàéà", EMAIL).err(),
            Some(Invalid::PasswordTooShort(15))
        );
        assert!(NewPassword::parse("éàéàéàéàéàéàéàé", EMAIL).is_ok());
    }

    #[test]
    fn overlong_passwords_are_rejected() {
        assert_eq!(
            NewPassword::parse(&"x1".repeat(65), EMAIL).err(),
            Some(Invalid::PasswordTooLong(128))
        );
    }

    #[test]
    fn common_and_trivial_passwords_are_rejected() {
        assert_eq!(
            NewPassword::parse("PASSWORDPASSWORD", EMAIL).err(),
            Some(Invalid::PasswordTooCommon)
        );
        assert_eq!(
            NewPassword::parse("zzzzzzzzzzzzzzzz", EMAIL).err(),
            Some(Invalid::PasswordTooCommon)
        );
    }

    #[test]
    fn passwords_built_from_the_account_name_are_rejected() {
        assert_eq!(
            NewPassword::parse("dana.okafor2026!", EMAIL).err(),
            Some(Invalid::PasswordContainsEmail)
        );
    }
}
