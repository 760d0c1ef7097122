//! The demo organisation: 40 people in four departments, a reporting tree three levels deep,
//! and at least one person in every job role. Loaded into an empty database in development
//! mode, or on demand with `vigil demo`.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use sea_orm::DatabaseConnection;

use super::auth::password;
use super::db::{job_roles, people};
use super::internal;
use crate::error::AppError;

/// Every demo account signs in with this password. Demo data is for trying Vigil out; it is
/// never loaded automatically in production mode.
pub const DEMO_PASSWORD: &str = "vigil-demo-2026";

/// The email domain of demo accounts.
pub const DEMO_DOMAIN: &str = "demo.vigil.example";

struct DemoPerson {
    key: &'static str,
    name: &'static str,
    department: &'static str,
    title: &'static str,
    roles: &'static [&'static str],
    manager: Option<&'static str>,
    /// Days before today the person was hired; negative means a future start date.
    hired_days_ago: i64,
    compliance_admin: bool,
    platform_admin: bool,
    active: bool,
}

const fn p(
    key: &'static str,
    name: &'static str,
    department: &'static str,
    title: &'static str,
    roles: &'static [&'static str],
    manager: Option<&'static str>,
    hired_days_ago: i64,
) -> DemoPerson {
    DemoPerson {
        key,
        name,
        department,
        title,
        roles,
        manager,
        hired_days_ago,
        compliance_admin: false,
        platform_admin: false,
        active: true,
    }
}

const SEC: &str = "Security";
const ENG: &str = "Engineering";
const FIN: &str = "Finance";
const OPS: &str = "Operations";

// Managers come before their reports, so each manager exists when a report is inserted.
const PEOPLE: &[DemoPerson] = &[
    // Security
    p(
        "amara.nwosu",
        "Amara Nwosu",
        SEC,
        "Chief Information Security Officer",
        &["department-head", "information-security-officer"],
        None,
        2190,
    ),
    DemoPerson {
        compliance_admin: true,
        ..p(
            "dana.okafor",
            "Dana Okafor",
            SEC,
            "Compliance Manager",
            &["compliance-administrator"],
            Some("amara.nwosu"),
            1460,
        )
    },
    p(
        "tomas.herrera",
        "Tomás Herrera",
        SEC,
        "Security Technology Manager",
        &["security-technology-manager"],
        Some("amara.nwosu"),
        1800,
    ),
    p(
        "priya.raman",
        "Priya Raman",
        SEC,
        "Security Operations Engineer",
        &["security-operations-engineer"],
        Some("tomas.herrera"),
        900,
    ),
    p(
        "lukas.becker",
        "Lukas Becker",
        SEC,
        "Security Operations Engineer",
        &["security-operations-engineer"],
        Some("tomas.herrera"),
        420,
    ),
    p(
        "mei.lin",
        "Mei Lin",
        SEC,
        "Penetration Tester",
        &["penetration-tester"],
        Some("tomas.herrera"),
        610,
    ),
    p(
        "jonas.berg",
        "Jonas Berg",
        SEC,
        "Security Analyst",
        &[],
        Some("tomas.herrera"),
        300,
    ),
    p(
        "sofia.rossi",
        "Sofia Rossi",
        SEC,
        "GRC Analyst",
        &[],
        Some("dana.okafor"),
        700,
    ),
    // Engineering
    p(
        "kwame.mensah",
        "Kwame Mensah",
        ENG,
        "VP Engineering",
        &["department-head"],
        None,
        2500,
    ),
    p(
        "elena.petrova",
        "Elena Petrova",
        ENG,
        "Engineering Manager, Platform",
        &[],
        Some("kwame.mensah"),
        1600,
    ),
    p(
        "ravi.patel",
        "Ravi Patel",
        ENG,
        "Senior Software Engineer",
        &["secure-development-engineer"],
        Some("elena.petrova"),
        1200,
    ),
    p(
        "hannah.schmidt",
        "Hannah Schmidt",
        ENG,
        "Software Engineer",
        &["secure-development-engineer"],
        Some("elena.petrova"),
        500,
    ),
    p(
        "diego.alvarez",
        "Diego Alvarez",
        ENG,
        "Site Reliability Engineer",
        &[],
        Some("elena.petrova"),
        820,
    ),
    p(
        "yuki.tanaka",
        "Yuki Tanaka",
        ENG,
        "Software Engineer",
        &["secure-development-engineer"],
        Some("elena.petrova"),
        10,
    ),
    p(
        "marcus.johnson",
        "Marcus Johnson",
        ENG,
        "Engineering Manager, Product",
        &[],
        Some("kwame.mensah"),
        1350,
    ),
    p(
        "aisha.bello",
        "Aisha Bello",
        ENG,
        "Application Security Engineer",
        &["secure-development-engineer", "penetration-tester"],
        Some("marcus.johnson"),
        980,
    ),
    p(
        "noah.williams",
        "Noah Williams",
        ENG,
        "Frontend Engineer",
        &[],
        Some("marcus.johnson"),
        640,
    ),
    p(
        "fatima.zahra",
        "Fatima Zahra",
        ENG,
        "Backend Engineer",
        &["secure-development-engineer"],
        Some("marcus.johnson"),
        450,
    ),
    p(
        "oliver.brown",
        "Oliver Brown",
        ENG,
        "QA Engineer",
        &[],
        Some("marcus.johnson"),
        1100,
    ),
    p(
        "chloe.martin",
        "Chloe Martin",
        ENG,
        "Software Engineer",
        &["secure-development-engineer"],
        Some("marcus.johnson"),
        -7,
    ),
    DemoPerson {
        platform_admin: true,
        ..p(
            "sam.taylor",
            "Sam Taylor",
            ENG,
            "IT Systems Administrator",
            &[],
            Some("kwame.mensah"),
            1900,
        )
    },
    // Finance
    p(
        "grace.kim",
        "Grace Kim",
        FIN,
        "Finance Director",
        &["department-head"],
        None,
        2300,
    ),
    p(
        "henrik.larsen",
        "Henrik Larsen",
        FIN,
        "Financial Controller",
        &[],
        Some("grace.kim"),
        1500,
    ),
    p(
        "isabel.costa",
        "Isabel Costa",
        FIN,
        "Accounts Payable Specialist",
        &[],
        Some("henrik.larsen"),
        760,
    ),
    p(
        "ahmed.hassan",
        "Ahmed Hassan",
        FIN,
        "Accountant",
        &[],
        Some("henrik.larsen"),
        380,
    ),
    p(
        "lena.fischer",
        "Lena Fischer",
        FIN,
        "Payroll Specialist",
        &[],
        Some("henrik.larsen"),
        1020,
    ),
    p(
        "olivia.smith",
        "Olivia Smith",
        FIN,
        "FP&A Manager",
        &[],
        Some("grace.kim"),
        1250,
    ),
    p(
        "daniel.nguyen",
        "Daniel Nguyen",
        FIN,
        "Financial Analyst",
        &[],
        Some("olivia.smith"),
        560,
    ),
    p(
        "zara.ahmed",
        "Zara Ahmed",
        FIN,
        "Financial Analyst",
        &[],
        Some("olivia.smith"),
        25,
    ),
    DemoPerson {
        active: false,
        ..p(
            "peter.novak",
            "Peter Novak",
            FIN,
            "Accounts Receivable Clerk",
            &[],
            Some("olivia.smith"),
            1300,
        )
    },
    // Operations
    p(
        "michael.obrien",
        "Michael O'Brien",
        OPS,
        "Head of Operations",
        &["department-head"],
        None,
        2000,
    ),
    p(
        "laura.garcia",
        "Laura García",
        OPS,
        "Customer Support Manager",
        &[],
        Some("michael.obrien"),
        1400,
    ),
    p(
        "ben.carter",
        "Ben Carter",
        OPS,
        "Support Agent",
        &[],
        Some("laura.garcia"),
        690,
    ),
    p(
        "nina.kowalski",
        "Nina Kowalski",
        OPS,
        "Support Agent",
        &[],
        Some("laura.garcia"),
        880,
    ),
    p(
        "omar.farouk",
        "Omar Farouk",
        OPS,
        "Support Agent",
        &[],
        Some("laura.garcia"),
        340,
    ),
    p(
        "julia.svensson",
        "Julia Svensson",
        OPS,
        "Support Agent",
        &[],
        Some("laura.garcia"),
        20,
    ),
    p(
        "carlos.mendes",
        "Carlos Mendes",
        OPS,
        "Facilities and Office Manager",
        &[],
        Some("michael.obrien"),
        1700,
    ),
    p(
        "emily.davis",
        "Emily Davis",
        OPS,
        "Office Coordinator",
        &[],
        Some("carlos.mendes"),
        530,
    ),
    p(
        "tariq.aziz",
        "Tariq Aziz",
        OPS,
        "Procurement Specialist",
        &[],
        Some("carlos.mendes"),
        1150,
    ),
    p(
        "rosa.jimenez",
        "Rosa Jiménez",
        OPS,
        "HR Business Partner",
        &[],
        Some("carlos.mendes"),
        960,
    ),
];

/// Demo accounts worth signing in as, to see each kind of home page.
pub const SHOWCASE: &[(&str, &str)] = &[
    ("Compliance admin", "dana.okafor"),
    ("Department head", "kwame.mensah"),
    ("Manager", "elena.petrova"),
    ("Employee", "ravi.patel"),
    ("Platform admin", "sam.taylor"),
];

/// The email address of a demo person.
pub fn demo_email(key: &str) -> String {
    format!("{key}@{DEMO_DOMAIN}")
}

/// Whether the demo organisation is present.
pub async fn is_loaded(db: &DatabaseConnection) -> Result<bool, AppError> {
    Ok(people::find_by_email(db, &demo_email("dana.okafor"))
        .await?
        .is_some())
}

/// Loads the demo organisation relative to `now`. Does nothing if it is already present.
/// Returns whether anything was loaded.
pub async fn load(db: &DatabaseConnection, now: DateTime<Utc>) -> Result<bool, AppError> {
    if is_loaded(db).await? {
        return Ok(false);
    }
    job_roles::seed(db).await?;
    let roles = job_roles::all(db).await?;
    let hash = tokio::task::spawn_blocking(|| password::hash_str(DEMO_PASSWORD))
        .await
        .map_err(|err| internal("demo password hashing task", err))?
        .map_err(|err| internal("demo password hashing", err))?;
    let today = now.date_naive();

    let txn = crate::ssr::db::begin(db).await?;
    let mut ids: Vec<(&str, i64)> = Vec::with_capacity(PEOPLE.len());
    for demo in PEOPLE {
        let department = people::department_named(&txn, demo.department, now).await?;
        let manager_id = demo
            .manager
            .and_then(|key| ids.iter().find(|(k, _)| *k == key).map(|(_, id)| *id));
        let row = people::NewPersonRow {
            public_id: uuid::Uuid::new_v4().to_string(),
            email: demo_email(demo.key),
            name: demo.name.to_owned(),
            department_id: Some(department.id),
            job_title: demo.title.to_owned(),
            hire_date: hire_date(today, demo.hired_days_ago),
            manager_id,
            is_compliance_admin: demo.compliance_admin,
            is_platform_admin: demo.platform_admin,
            password_hash: Some(hash.clone()),
            language: None,
        };
        let person = people::insert(&txn, row, now).await?;
        let mut role_ids: Vec<i64> = roles
            .iter()
            .filter(|role| {
                role.slug == crate::domain::job_role::EMPLOYEE
                    || demo.roles.contains(&role.slug.as_str())
            })
            .map(|role| role.id)
            .collect();
        role_ids.sort_unstable();
        people::replace_roles(&txn, person.id, &role_ids, now).await?;
        if !demo.active {
            people::deactivate(&txn, person.id, now - Duration::days(45)).await?;
        }
        ids.push((demo.key, person.id));
    }
    txn.commit().await?;
    Ok(true)
}

fn hire_date(today: NaiveDate, days_ago: i64) -> NaiveDate {
    today - Duration::days(days_ago)
}

/// The sign-in details to print after loading, one line each.
pub fn sign_in_details(base_url: &str) -> Vec<String> {
    let mut lines = vec![format!(
        "Demo organisation: sign in at {base_url} as any of"
    )];
    lines.extend(
        SHOWCASE
            .iter()
            .map(|(label, key)| format!("  {label:<18} {}", demo_email(key))),
    );
    lines.push(format!(
        "  Password for every demo account: {DEMO_PASSWORD}"
    ));
    lines
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::job_role::SEEDED_JOB_ROLES;

    #[test]
    fn the_demo_has_forty_people_in_four_departments() {
        assert_eq!(PEOPLE.len(), 40);
        let mut departments: Vec<_> = PEOPLE.iter().map(|p| p.department).collect();
        departments.sort_unstable();
        departments.dedup();
        assert_eq!(departments.len(), 4);
    }

    #[test]
    fn every_job_role_is_held_by_someone() {
        for role in SEEDED_JOB_ROLES.iter().filter(|r| r.slug != "employee") {
            assert!(
                PEOPLE.iter().any(|p| p.roles.contains(&role.slug)),
                "{}",
                role.slug
            );
        }
    }

    #[test]
    fn the_reporting_tree_is_three_levels_deep_and_managers_come_first() {
        let depth = |key: &str| {
            let mut depth = 1;
            let mut current = PEOPLE.iter().find(|p| p.key == key);
            while let Some(manager) = current.and_then(|p| p.manager) {
                depth += 1;
                current = PEOPLE.iter().find(|p| p.key == manager);
            }
            depth
        };
        assert_eq!(PEOPLE.iter().map(|p| depth(p.key)).max(), Some(3));
        for (index, person) in PEOPLE.iter().enumerate() {
            if let Some(manager) = person.manager {
                let manager_index = PEOPLE.iter().position(|p| p.key == manager);
                assert!(
                    manager_index.is_some_and(|m| m < index),
                    "{} before {}",
                    manager,
                    person.key
                );
            }
        }
    }

    #[test]
    fn the_demo_password_meets_the_policy() {
        assert!(
            crate::domain::password_policy::NewPassword::parse(
                DEMO_PASSWORD,
                &demo_email("dana.okafor")
            )
            .is_ok()
        );
    }
}
