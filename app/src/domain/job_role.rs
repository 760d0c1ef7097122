//! The job roles training is assigned by, seeded from the reference security team structure.

/// A job role's stable identifier, display name and what the role is responsible for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct JobRoleDefinition {
    pub slug: &'static str,
    pub name: &'static str,
    pub description: &'static str,
}

/// Every person holds the basic `employee` role.
pub const EMPLOYEE: &str = "employee";

/// The roles every Vigil installation starts with. Slugs are used in course metadata and never
/// change; names can be shown to people.
pub const SEEDED_JOB_ROLES: &[JobRoleDefinition] = &[
    JobRoleDefinition {
        slug: "department-head",
        name: "Department head",
        description: "Leads a department and is accountable for its people following security policy.",
    },
    JobRoleDefinition {
        slug: "compliance-administrator",
        name: "Compliance administrator",
        description: "Runs the training programme, publishes content and prepares evidence for inspections.",
    },
    JobRoleDefinition {
        slug: "security-technology-manager",
        name: "Security technology manager",
        description: "Owns security tooling and the tracking and fixing of vulnerabilities.",
    },
    JobRoleDefinition {
        slug: "penetration-tester",
        name: "Penetration tester / code auditor",
        description: "Tests systems and reviews code for security flaws.",
    },
    JobRoleDefinition {
        slug: "security-operations-engineer",
        name: "Security operations engineer",
        description: "Hardens, monitors and responds on servers and network equipment.",
    },
    JobRoleDefinition {
        slug: "secure-development-engineer",
        name: "Secure development engineer",
        description: "Builds software with security designed in.",
    },
    JobRoleDefinition {
        slug: "information-security-officer",
        name: "Information security officer",
        description: "Sets security policy and oversees the security programme.",
    },
    JobRoleDefinition {
        slug: EMPLOYEE,
        name: "Employee",
        description: "Everybody who works for the organisation.",
    },
];

/// Looks a seeded role up by slug.
pub fn seeded(slug: &str) -> Option<&'static JobRoleDefinition> {
    SEEDED_JOB_ROLES.iter().find(|role| role.slug == slug)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_reference_structure_is_seeded_with_unique_slugs() {
        let mut slugs: Vec<_> = SEEDED_JOB_ROLES.iter().map(|r| r.slug).collect();
        slugs.sort_unstable();
        slugs.dedup();
        assert_eq!(slugs.len(), 8);
        assert_eq!(
            seeded("penetration-tester").map(|r| r.name),
            Some("Penetration tester / code auditor")
        );
        assert!(seeded("chief-vibes-officer").is_none());
    }
}
