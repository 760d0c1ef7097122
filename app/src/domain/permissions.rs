//! What a signed-in person may do. Always derived from the database on each request, never
//! from claims carried in a session token.

use serde::{Deserialize, Serialize};

/// One capability that pages and server functions ask for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Permission {
    /// Every active person: own training, own account.
    Employee,
    /// People with at least one active report: their team's progress.
    Manager,
    /// Runs the training programme: content, rules, reports, evidence.
    ComplianceAdmin,
    /// Runs the installation: people and accounts.
    PlatformAdmin,
    /// Teaches courses in person from their facilitator packs: managers, and compliance
    /// administrators (who record the sessions).
    Teach,
    /// Adds, edits and imports people: platform admins, and compliance admins (who keep the
    /// roster that obligations follow from).
    ManagePeople,
}

/// The facts about a person that permissions follow from.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct PermissionFacts {
    pub active: bool,
    pub has_active_reports: bool,
    pub is_compliance_admin: bool,
    pub is_platform_admin: bool,
}

/// The set of permissions a person holds.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Permissions {
    pub employee: bool,
    pub manager: bool,
    pub compliance_admin: bool,
    pub platform_admin: bool,
}

impl Permissions {
    /// Derives permissions. A deactivated person holds none, whatever their flags say.
    pub fn of(facts: PermissionFacts) -> Self {
        if !facts.active {
            return Self::default();
        }
        Self {
            employee: true,
            manager: facts.has_active_reports,
            compliance_admin: facts.is_compliance_admin,
            platform_admin: facts.is_platform_admin,
        }
    }

    /// Whether this set includes `permission`.
    pub fn allows(&self, permission: Permission) -> bool {
        match permission {
            Permission::Employee => self.employee,
            Permission::Manager => self.manager,
            Permission::ComplianceAdmin => self.compliance_admin,
            Permission::PlatformAdmin => self.platform_admin,
            Permission::ManagePeople => self.platform_admin || self.compliance_admin,
            Permission::Teach => self.manager || self.compliance_admin,
        }
    }

    /// Short names for display, most powerful first.
    pub fn labels(&self) -> Vec<&'static str> {
        [
            (self.platform_admin, "Platform admin"),
            (self.compliance_admin, "Compliance admin"),
            (self.manager, "Manager"),
            (self.employee, "Employee"),
        ]
        .into_iter()
        .filter_map(|(held, label)| held.then_some(label))
        .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_active_person_is_an_employee_and_a_manager_only_with_reports() {
        let facts = PermissionFacts {
            active: true,
            ..Default::default()
        };
        let plain = Permissions::of(facts);
        assert!(plain.allows(Permission::Employee));
        assert!(!plain.allows(Permission::Manager));
        let manager = Permissions::of(PermissionFacts {
            has_active_reports: true,
            ..facts
        });
        assert!(manager.allows(Permission::Manager));
    }

    #[test]
    fn people_are_managed_by_platform_and_compliance_admins_only() {
        let base = PermissionFacts {
            active: true,
            has_active_reports: true,
            ..Default::default()
        };
        assert!(!Permissions::of(base).allows(Permission::ManagePeople));
        assert!(
            Permissions::of(PermissionFacts {
                is_compliance_admin: true,
                ..base
            })
            .allows(Permission::ManagePeople)
        );
        assert!(
            Permissions::of(PermissionFacts {
                is_platform_admin: true,
                ..base
            })
            .allows(Permission::ManagePeople)
        );
    }

    #[test]
    fn a_deactivated_person_holds_nothing_even_with_admin_flags() {
        let facts = PermissionFacts {
            active: false,
            has_active_reports: true,
            is_compliance_admin: true,
            is_platform_admin: true,
        };
        assert_eq!(Permissions::of(facts), Permissions::default());
    }

    #[test]
    fn labels_list_held_permissions_most_powerful_first() {
        let facts = PermissionFacts {
            active: true,
            is_compliance_admin: true,
            ..Default::default()
        };
        assert_eq!(
            Permissions::of(facts).labels(),
            vec!["Compliance admin", "Employee"]
        );
    }
}
