//! Single-use links sent by email: invitations (choose a first password) and password resets.
//!
//! A link carries a random token; only its SHA-256 hash is stored. It works once, until it
//! expires, is replaced by a newer link of the same kind, or its person is deactivated.

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

use crate::error::LinkProblem;

/// What a link is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum LinkPurpose {
    Invitation,
    PasswordReset,
}

/// How long a password reset link works.
pub const RESET_LIFETIME_MINUTES: i64 = 60;
/// How long an invitation works unless configured otherwise.
pub const DEFAULT_INVITATION_DAYS: u32 = 7;

impl LinkPurpose {
    /// The stored spelling.
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Invitation => "invitation",
            Self::PasswordReset => "password_reset",
        }
    }

    /// Parses the stored spelling.
    pub fn parse(input: &str) -> Option<Self> {
        [Self::Invitation, Self::PasswordReset]
            .into_iter()
            .find(|p| p.as_str() == input)
    }

    /// The path the emailed link opens, before the token.
    pub fn path(&self) -> &'static str {
        match self {
            Self::Invitation => "/invite/",
            Self::PasswordReset => "/reset-password/",
        }
    }

    fn expired(&self) -> LinkProblem {
        match self {
            Self::Invitation => LinkProblem::InvitationExpired,
            Self::PasswordReset => LinkProblem::ResetExpired,
        }
    }

    fn used(&self) -> LinkProblem {
        match self {
            Self::Invitation => LinkProblem::InvitationUsed,
            Self::PasswordReset => LinkProblem::ResetUsed,
        }
    }
}

/// The lifetime of a new invitation of `days` days.
pub fn invitation_lifetime(days: u32) -> Duration {
    Duration::days(i64::from(days.clamp(1, 90)))
}

/// What is stored about one link.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LinkFacts {
    pub purpose: LinkPurpose,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub used_at: Option<DateTime<Utc>>,
    /// Replaced by a newer link, or the person was deactivated.
    pub revoked_at: Option<DateTime<Utc>>,
    /// Whether the person it belongs to is active now.
    pub person_active: bool,
}

impl LinkFacts {
    /// Whether the link may be used at `now`, and if not, what to tell the person. A used
    /// link says so even after it would have expired; a revoked one reads as expired (a newer
    /// link exists, or access was withdrawn).
    pub fn check(&self, now: DateTime<Utc>) -> Result<(), LinkProblem> {
        if self.used_at.is_some() {
            return Err(self.purpose.used());
        }
        if self.revoked_at.is_some() || !self.person_active || now >= self.expires_at {
            return Err(self.purpose.expired());
        }
        Ok(())
    }
}

/// Where a person's invitation stands, for administrators.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum InvitationState {
    /// No invitation, and no password: they cannot sign in yet.
    NotInvited,
    /// Never invited, but a password was set another way (the command line, or by themselves).
    PasswordSet,
    /// An invitation is waiting to be used.
    Pending {
        expires_at: DateTime<Utc>,
    },
    Accepted {
        at: DateTime<Utc>,
    },
    Expired {
        at: DateTime<Utc>,
    },
}

impl InvitationState {
    /// The state from the newest invitation (if any) and whether a password is set.
    pub fn of(latest: Option<&LinkFacts>, has_password: bool, now: DateTime<Utc>) -> Self {
        match latest {
            None if has_password => Self::PasswordSet,
            None => Self::NotInvited,
            Some(link) => match link.used_at {
                Some(at) => Self::Accepted { at },
                None if has_password => Self::PasswordSet,
                None if link.revoked_at.is_none() && now < link.expires_at => Self::Pending {
                    expires_at: link.expires_at,
                },
                None => Self::Expired {
                    at: link
                        .revoked_at
                        .unwrap_or(link.expires_at)
                        .min(link.expires_at),
                },
            },
        }
    }

    /// A short label.
    pub fn label(&self) -> &'static str {
        match self {
            Self::NotInvited => "Not invited",
            Self::PasswordSet => "Password set",
            Self::Pending { .. } => "Invited",
            Self::Accepted { .. } => "Accepted",
            Self::Expired { .. } => "Invitation expired",
        }
    }

    /// Whether an administrator may send (another) invitation.
    pub fn can_invite(&self) -> bool {
        matches!(
            self,
            Self::NotInvited | Self::Pending { .. } | Self::Expired { .. }
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(hours: i64) -> DateTime<Utc> {
        DateTime::<Utc>::from_timestamp(1_800_000_000 + hours * 3600, 0).unwrap()
    }

    fn link(purpose: LinkPurpose) -> LinkFacts {
        LinkFacts {
            purpose,
            created_at: at(0),
            expires_at: at(1),
            used_at: None,
            revoked_at: None,
            person_active: true,
        }
    }

    #[test]
    fn a_fresh_link_works_until_it_expires() {
        let reset = link(LinkPurpose::PasswordReset);
        assert_eq!(reset.check(at(0)), Ok(()));
        assert_eq!(reset.check(at(1)), Err(LinkProblem::ResetExpired));
    }

    #[test]
    fn a_used_link_says_so_even_after_expiry() {
        let invitation = LinkFacts {
            used_at: Some(at(0)),
            ..link(LinkPurpose::Invitation)
        };
        assert_eq!(invitation.check(at(0)), Err(LinkProblem::InvitationUsed));
        assert_eq!(invitation.check(at(5)), Err(LinkProblem::InvitationUsed));
    }

    #[test]
    fn a_replaced_link_or_a_deactivated_person_stops_it() {
        let replaced = LinkFacts {
            revoked_at: Some(at(0)),
            ..link(LinkPurpose::Invitation)
        };
        assert_eq!(replaced.check(at(0)), Err(LinkProblem::InvitationExpired));
        let leaver = LinkFacts {
            person_active: false,
            ..link(LinkPurpose::Invitation)
        };
        assert_eq!(leaver.check(at(0)), Err(LinkProblem::InvitationExpired));
    }

    #[test]
    fn invitation_states_for_administrators() {
        let pending = link(LinkPurpose::Invitation);
        assert_eq!(
            InvitationState::of(Some(&pending), false, at(0)),
            InvitationState::Pending { expires_at: at(1) }
        );
        assert_eq!(
            InvitationState::of(Some(&pending), false, at(2)),
            InvitationState::Expired { at: at(1) }
        );
        let accepted = LinkFacts {
            used_at: Some(at(0)),
            ..pending
        };
        assert_eq!(
            InvitationState::of(Some(&accepted), true, at(2)),
            InvitationState::Accepted { at: at(0) }
        );
        assert_eq!(
            InvitationState::of(None, false, at(0)),
            InvitationState::NotInvited
        );
        assert_eq!(
            InvitationState::of(None, true, at(0)),
            InvitationState::PasswordSet
        );
        assert!(!InvitationState::PasswordSet.can_invite());
        assert!(InvitationState::Expired { at: at(1) }.can_invite());
    }

    #[test]
    fn invitation_lifetimes_are_kept_within_reason() {
        assert_eq!(invitation_lifetime(7), Duration::days(7));
        assert_eq!(invitation_lifetime(0), Duration::days(1));
        assert_eq!(invitation_lifetime(1000), Duration::days(90));
    }
}
