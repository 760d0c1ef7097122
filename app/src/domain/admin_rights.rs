//! Who may change whose administrator rights, and whom they may edit or deactivate.
//!
//! The rules:
//! - Only a platform administrator grants or removes platform administration; only a compliance
//!   administrator grants or removes compliance administration.
//! - Nobody changes their own administrator rights, and nobody deactivates themselves.
//! - Changing anything about an administrator (their email, their manager, their roles) or
//!   deactivating them needs every administrator right they hold: otherwise a compliance
//!   administrator could take over a platform administrator's account by changing its email.
//! - The last active holder of each right keeps it and stays active.
//! - A right the request does not mention is kept as it is (a form that does not show a
//!   checkbox, a CSV file without the column): never silently dropped.
//!
//! The command line runs as the operator of the server, who holds every right; the last-holder
//! rule still applies to it.

use serde::{Deserialize, Serialize};

/// A person's administrator rights.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdminFlags {
    pub compliance: bool,
    pub platform: bool,
}

/// Who is acting.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Actor {
    /// A signed-in person: their id and rights.
    Person { id: i64, rights: AdminFlags },
    /// The server's operator at the command line.
    Operator,
}

impl Actor {
    fn rights(&self) -> AdminFlags {
        match self {
            Self::Person { rights, .. } => *rights,
            Self::Operator => AdminFlags {
                compliance: true,
                platform: true,
            },
        }
    }

    fn is(&self, person: i64) -> bool {
        matches!(self, Self::Person { id, .. } if *id == person)
    }

    /// Which rights this actor may grant or remove on someone else (for forms).
    pub fn may_change(&self) -> AdminFlags {
        self.rights()
    }
}

/// The person being changed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Target {
    /// `None` for a person being added.
    pub id: Option<i64>,
    pub rights: AdminFlags,
    pub active: bool,
}

/// How many active people hold each right, the target included.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Holders {
    pub compliance: usize,
    pub platform: usize,
}

/// A requested change of rights; `None` leaves a right as it is.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Requested {
    pub compliance: Option<bool>,
    pub platform: Option<bool>,
}

/// Why a change of rights or a deactivation is refused. Each says what to do.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum RightsRefused {
    #[error("You cannot change your own administrator rights. Ask another administrator.")]
    OwnRights,
    #[error("You cannot deactivate yourself. Ask another administrator.")]
    DeactivateSelf,
    #[error("Only a platform administrator can grant or remove platform administration.")]
    PlatformOnly,
    #[error("Only a compliance administrator can grant or remove compliance administration.")]
    ComplianceOnly,
    #[error(
        "This person is an administrator with rights you do not hold, so only an administrator who holds them can change or deactivate them."
    )]
    OutranksYou,
    #[error(
        "This is the last active platform administrator. Make someone else a platform administrator first."
    )]
    LastPlatformAdmin,
    #[error(
        "This is the last active compliance administrator. Make someone else a compliance administrator first."
    )]
    LastComplianceAdmin,
}

impl RightsRefused {
    /// Refused for lack of permission (403), rather than because of the state (409).
    pub fn is_permission(&self) -> bool {
        !matches!(self, Self::LastPlatformAdmin | Self::LastComplianceAdmin)
    }
}

/// Whether `actor` may edit `target`'s details at all.
pub fn may_edit(actor: &Actor, target: &Target) -> Result<(), RightsRefused> {
    let needed = target.rights;
    let held = actor.rights();
    if (needed.platform && !held.platform) || (needed.compliance && !held.compliance) {
        return Err(RightsRefused::OutranksYou);
    }
    Ok(())
}

/// The rights `target` ends up with after `requested`, if `actor` may make that change.
pub fn change(
    actor: &Actor,
    target: &Target,
    requested: Requested,
    holders: Holders,
) -> Result<AdminFlags, RightsRefused> {
    if target.id.is_some() {
        may_edit(actor, target)?;
    }
    let before = target.rights;
    let after = AdminFlags {
        compliance: requested.compliance.unwrap_or(before.compliance),
        platform: requested.platform.unwrap_or(before.platform),
    };
    if after == before {
        return Ok(after);
    }
    if target.id.is_some_and(|id| actor.is(id)) {
        return Err(RightsRefused::OwnRights);
    }
    let held = actor.rights();
    if after.platform != before.platform && !held.platform {
        return Err(RightsRefused::PlatformOnly);
    }
    if after.compliance != before.compliance && !held.compliance {
        return Err(RightsRefused::ComplianceOnly);
    }
    if target.active && before.platform && !after.platform && holders.platform <= 1 {
        return Err(RightsRefused::LastPlatformAdmin);
    }
    if target.active && before.compliance && !after.compliance && holders.compliance <= 1 {
        return Err(RightsRefused::LastComplianceAdmin);
    }
    Ok(after)
}

/// Whether `actor` may deactivate `target`.
pub fn deactivate(actor: &Actor, target: &Target, holders: Holders) -> Result<(), RightsRefused> {
    if target.id.is_some_and(|id| actor.is(id)) {
        return Err(RightsRefused::DeactivateSelf);
    }
    may_edit(actor, target)?;
    if target.active && target.rights.platform && holders.platform <= 1 {
        return Err(RightsRefused::LastPlatformAdmin);
    }
    if target.active && target.rights.compliance && holders.compliance <= 1 {
        return Err(RightsRefused::LastComplianceAdmin);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const NONE: AdminFlags = AdminFlags {
        compliance: false,
        platform: false,
    };
    const PLATFORM: AdminFlags = AdminFlags {
        compliance: false,
        platform: true,
    };
    const COMPLIANCE: AdminFlags = AdminFlags {
        compliance: true,
        platform: false,
    };
    const BOTH: AdminFlags = AdminFlags {
        compliance: true,
        platform: true,
    };
    const MANY: Holders = Holders {
        compliance: 3,
        platform: 3,
    };

    fn person(id: i64, rights: AdminFlags) -> Actor {
        Actor::Person { id, rights }
    }

    fn target(id: i64, rights: AdminFlags) -> Target {
        Target {
            id: Some(id),
            rights,
            active: true,
        }
    }

    fn grant(compliance: Option<bool>, platform: Option<bool>) -> Requested {
        Requested {
            compliance,
            platform,
        }
    }

    #[test]
    fn each_right_is_granted_and_removed_only_by_its_holders() {
        // (actor, target before, request, expected)
        let cases: [(
            AdminFlags,
            AdminFlags,
            Requested,
            Result<AdminFlags, RightsRefused>,
        ); 8] = [
            (PLATFORM, NONE, grant(None, Some(true)), Ok(PLATFORM)),
            (
                PLATFORM,
                NONE,
                grant(Some(true), None),
                Err(RightsRefused::ComplianceOnly),
            ),
            (COMPLIANCE, NONE, grant(Some(true), None), Ok(COMPLIANCE)),
            (
                COMPLIANCE,
                NONE,
                grant(None, Some(true)),
                Err(RightsRefused::PlatformOnly),
            ),
            (BOTH, NONE, grant(Some(true), Some(true)), Ok(BOTH)),
            (
                COMPLIANCE,
                PLATFORM,
                grant(None, Some(false)),
                Err(RightsRefused::OutranksYou),
            ),
            (
                PLATFORM,
                COMPLIANCE,
                grant(Some(false), None),
                Err(RightsRefused::OutranksYou),
            ),
            (
                NONE,
                NONE,
                grant(None, Some(true)),
                Err(RightsRefused::PlatformOnly),
            ),
        ];
        for (actor, before, request, expected) in cases {
            assert_eq!(
                change(&person(1, actor), &target(2, before), request, MANY),
                expected,
                "{actor:?} changing {before:?} with {request:?}"
            );
        }
    }

    #[test]
    fn nobody_changes_their_own_rights_but_may_resubmit_them_unchanged() {
        let me = person(1, PLATFORM);
        assert_eq!(
            change(&me, &target(1, PLATFORM), grant(Some(true), None), MANY),
            Err(RightsRefused::OwnRights)
        );
        assert_eq!(
            change(
                &me,
                &target(1, PLATFORM),
                grant(Some(false), Some(false)),
                MANY
            ),
            Err(RightsRefused::OwnRights)
        );
        assert_eq!(
            change(
                &me,
                &target(1, PLATFORM),
                grant(Some(false), Some(true)),
                MANY
            ),
            Ok(PLATFORM)
        );
    }

    #[test]
    fn unmentioned_rights_are_kept() {
        let actor = person(1, PLATFORM);
        assert_eq!(
            change(&actor, &target(2, COMPLIANCE), Requested::default(), MANY),
            Err(RightsRefused::OutranksYou),
            "a platform admin may not edit a compliance admin at all"
        );
        let both = person(1, BOTH);
        assert_eq!(
            change(&both, &target(2, COMPLIANCE), grant(None, Some(true)), MANY),
            Ok(BOTH)
        );
    }

    #[test]
    fn the_last_holder_keeps_the_right_and_stays_active() {
        let one = Holders {
            compliance: 1,
            platform: 1,
        };
        let actor = person(1, BOTH);
        assert_eq!(
            change(&actor, &target(2, PLATFORM), grant(None, Some(false)), one),
            Err(RightsRefused::LastPlatformAdmin)
        );
        assert_eq!(
            change(
                &actor,
                &target(2, COMPLIANCE),
                grant(Some(false), None),
                one
            ),
            Err(RightsRefused::LastComplianceAdmin)
        );
        assert_eq!(
            deactivate(&actor, &target(2, COMPLIANCE), one),
            Err(RightsRefused::LastComplianceAdmin)
        );
        assert_eq!(
            deactivate(&Actor::Operator, &target(2, PLATFORM), one),
            Err(RightsRefused::LastPlatformAdmin)
        );
        assert_eq!(deactivate(&actor, &target(2, COMPLIANCE), MANY), Ok(()));
    }

    #[test]
    fn nobody_deactivates_themselves_or_someone_who_outranks_them() {
        assert_eq!(
            deactivate(&person(1, BOTH), &target(1, BOTH), MANY),
            Err(RightsRefused::DeactivateSelf)
        );
        assert_eq!(
            deactivate(&person(1, COMPLIANCE), &target(2, PLATFORM), MANY),
            Err(RightsRefused::OutranksYou)
        );
        assert_eq!(
            deactivate(&person(1, COMPLIANCE), &target(2, NONE), MANY),
            Ok(())
        );
    }

    #[test]
    fn a_new_person_can_be_given_only_rights_the_actor_holds() {
        let new = Target {
            id: None,
            rights: NONE,
            active: true,
        };
        assert_eq!(
            change(
                &person(1, COMPLIANCE),
                &new,
                grant(Some(true), Some(false)),
                MANY
            ),
            Ok(COMPLIANCE)
        );
        assert_eq!(
            change(
                &person(1, COMPLIANCE),
                &new,
                grant(Some(true), Some(true)),
                MANY
            ),
            Err(RightsRefused::PlatformOnly)
        );
    }
}
