//! The main navigation, which follows the signed-in person's permissions.

use super::permissions::{Permission, Permissions};

/// One entry in the main navigation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NavItem {
    pub href: &'static str,
    pub label: &'static str,
    /// Who sees the entry.
    pub requires: Permission,
}

/// Every entry, in display order.
pub const NAV_ITEMS: &[NavItem] = &[
    NavItem {
        href: "/",
        label: "Home",
        requires: Permission::Employee,
    },
    NavItem {
        href: "/training",
        label: "My training",
        requires: Permission::Employee,
    },
    NavItem {
        href: "/team",
        label: "My team",
        requires: Permission::Manager,
    },
    NavItem {
        href: "/compliance",
        label: "Compliance",
        requires: Permission::ComplianceAdmin,
    },
    NavItem {
        href: "/content",
        label: "Content",
        requires: Permission::ComplianceAdmin,
    },
    NavItem {
        href: "/admin/people",
        label: "People",
        requires: Permission::ManagePeople,
    },
    NavItem {
        href: "/account",
        label: "Account",
        requires: Permission::Employee,
    },
];

/// The entries this person sees.
pub fn navigation_for(permissions: &Permissions) -> Vec<NavItem> {
    NAV_ITEMS
        .iter()
        .copied()
        .filter(|item| permissions.allows(item.requires))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::permissions::PermissionFacts;

    fn labels(facts: PermissionFacts) -> Vec<&'static str> {
        navigation_for(&Permissions::of(facts))
            .iter()
            .map(|item| item.label)
            .collect()
    }

    #[test]
    fn an_employee_sees_only_their_own_pages() {
        let facts = PermissionFacts {
            active: true,
            ..Default::default()
        };
        assert_eq!(labels(facts), ["Home", "My training", "Account"]);
    }

    #[test]
    fn managers_and_admins_see_their_areas() {
        let facts = PermissionFacts {
            active: true,
            has_active_reports: true,
            is_compliance_admin: true,
            is_platform_admin: true,
        };
        assert_eq!(
            labels(facts),
            [
                "Home",
                "My training",
                "My team",
                "Compliance",
                "Content",
                "People",
                "Account"
            ]
        );
    }

    #[test]
    fn a_compliance_admin_manages_people_too() {
        let facts = PermissionFacts {
            active: true,
            is_compliance_admin: true,
            ..Default::default()
        };
        assert_eq!(
            labels(facts),
            [
                "Home",
                "My training",
                "Compliance",
                "Content",
                "People",
                "Account"
            ]
        );
    }

    #[test]
    fn a_deactivated_person_sees_nothing() {
        assert!(labels(PermissionFacts::default()).is_empty());
    }
}
