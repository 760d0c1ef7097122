//! A large organisation for benchmarks and trials: `vigil demo --people N` adds generated
//! people to the demo organisation until it has N. They form departments of up to 5,000 people
//! (a head, managers with a dozen reports each, and staff), hold the job roles in realistic
//! shares, and were hired over the last ten years (a few start next month). The demo history
//! then gives them eighteen months of training like everyone else.
//!
//! Deterministic for a given N, and written in batches, so 100,000 people take minutes.

use std::collections::HashMap;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use sea_orm::DatabaseConnection;

use super::auth::password;
use super::db::{job_roles, people};
use super::demo::DEMO_PASSWORD;
use super::internal;
use crate::domain::job_role::EMPLOYEE;
use crate::error::AppError;

/// People in one generated department (its head included).
pub const DEPARTMENT_SIZE: usize = 5_000;
/// Reports per generated manager.
const TEAM_SIZE: usize = 12;
/// The domain of generated addresses.
pub const SCALE_DOMAIN: &str = "scale.vigil.example";

const AREAS: &[&str] = &[
    "Retail Operations",
    "Customer Support",
    "Field Engineering",
    "Logistics",
    "Manufacturing",
    "Sales",
    "Clinical Services",
    "Finance Operations",
    "Product Engineering",
    "Marketing",
];
const FIRST: &[&str] = &[
    "Aisha", "Ben", "Carmen", "Deniz", "Elif", "Farah", "Goran", "Hana", "Ivan", "Jonas", "Kemi",
    "Lena", "Marco", "Nadia", "Oskar", "Priya", "Quinn", "Rosa", "Sven", "Tariq", "Uma", "Victor",
    "Wen", "Ximena", "Yusuf", "Zara",
];
const LAST: &[&str] = &[
    "Adeyemi",
    "Berg",
    "Costa",
    "Dubois",
    "Eriksen",
    "Fischer",
    "Garcia",
    "Horvat",
    "Ito",
    "Jensen",
    "Kowalski",
    "Lindqvist",
    "Moreau",
    "Novak",
    "Okoro",
    "Petrov",
    "Quispe",
    "Rossi",
    "Silva",
    "Tanaka",
    "Usman",
    "Varga",
    "Weber",
    "Yilmaz",
    "Zhou",
];

/// The address of generated person `index` (the bench finds department heads by it).
pub fn scale_email(index: usize) -> String {
    format!("person{index}@{SCALE_DOMAIN}")
}

/// The address of the head of generated department `department` (numbered from 0).
pub fn head_email(department: usize) -> String {
    scale_email(department * DEPARTMENT_SIZE)
}

/// One generated person before insertion.
struct Planned {
    index: usize,
    department: usize,
    manager: Option<usize>,
    level: u8,
}

/// Adds generated people until the organisation has `total`. Returns how many were added.
pub async fn add_people(
    db: &DatabaseConnection,
    total: usize,
    now: DateTime<Utc>,
) -> Result<usize, AppError> {
    let existing = usize::try_from(people::count(db).await?).unwrap_or(usize::MAX);
    let extra = total.saturating_sub(existing);
    if extra == 0 {
        return Ok(0);
    }
    let hash = tokio::task::spawn_blocking(|| password::hash_str(DEMO_PASSWORD))
        .await
        .map_err(|err| internal("generated people: password task", err))?
        .map_err(|err| internal("generated people: password", err))?;
    let roles: HashMap<String, i64> = job_roles::all(db)
        .await?
        .into_iter()
        .map(|role| (role.slug, role.id))
        .collect();
    let role = |slug: &str| {
        roles
            .get(slug)
            .copied()
            .ok_or_else(|| internal("generated people", format!("job role {slug} missing")))
    };
    let plan = plan(extra);
    let departments = plan.iter().map(|p| p.department).max().unwrap_or(0) + 1;
    let mut rng = StdRng::seed_from_u64(0x5ca1_e000 + total as u64);
    let today = now.date_naive();

    let txn = crate::ssr::db::begin(db).await?;
    let mut department_ids = Vec::with_capacity(departments);
    for department in 0..departments {
        let name = match department / AREAS.len() {
            0 => AREAS[department % AREAS.len()].to_owned(),
            round => format!("{} {}", AREAS[department % AREAS.len()], round + 1),
        };
        department_ids.push(people::department_named(&txn, &name, now).await?.id);
    }
    // Level by level, so that each manager has an id before their reports are written.
    let mut ids: HashMap<usize, i64> = HashMap::with_capacity(extra);
    let mut links = Vec::with_capacity(extra * 2);
    for level in 0..=2u8 {
        let rows: Vec<people::NewPersonRow> = plan
            .iter()
            .filter(|p| p.level == level)
            .map(|p| people::NewPersonRow {
                public_id: uuid::Uuid::new_v4().to_string(),
                email: scale_email(p.index),
                name: format!(
                    "{} {}",
                    FIRST[p.index % FIRST.len()],
                    LAST[(p.index / FIRST.len()) % LAST.len()]
                ),
                department_id: Some(department_ids[p.department]),
                job_title: match level {
                    0 => "Head of department",
                    1 => "Team manager",
                    _ => "Staff",
                }
                .to_owned(),
                hire_date: hire_date(&mut rng, today),
                manager_id: p.manager.and_then(|m| ids.get(&m).copied()),
                is_compliance_admin: false,
                is_platform_admin: false,
                password_hash: Some(hash.clone()),
                language: None,
            })
            .collect();
        let inserted = people::insert_batch(&txn, rows, now).await?;
        for p in plan.iter().filter(|p| p.level == level) {
            let id = *inserted
                .get(&scale_email(p.index))
                .ok_or_else(|| internal("generated people", "an inserted person is missing"))?;
            ids.insert(p.index, id);
            links.push((id, role(EMPLOYEE)?));
            let extra_role = match level {
                0 => Some("department-head"),
                _ => match rng.gen_range(0..1000) {
                    0..50 => Some("secure-development-engineer"),
                    50..60 => Some("security-operations-engineer"),
                    60..65 => Some("penetration-tester"),
                    65..67 => Some("information-security-officer"),
                    _ => None,
                },
            };
            if let Some(slug) = extra_role {
                links.push((id, role(slug)?));
            }
        }
    }
    people::add_roles_batch(&txn, &links).await?;
    let added: Vec<i64> = ids.values().copied().collect();
    crate::ssr::db::history::record_people(&txn, Some(&added), now).await?;
    txn.commit().await?;
    Ok(extra)
}

/// Who is in which department and reports to whom: departments of `DEPARTMENT_SIZE`, each a
/// head (level 0), managers (level 1) and staff (level 2) in teams of `TEAM_SIZE`.
fn plan(extra: usize) -> Vec<Planned> {
    let mut planned = Vec::with_capacity(extra);
    let mut start = 0;
    let mut department = 0;
    while start < extra {
        let size = DEPARTMENT_SIZE.min(extra - start);
        let head = start;
        planned.push(Planned {
            index: head,
            department,
            manager: None,
            level: 0,
        });
        let others = size - 1;
        // One manager per team of staff: m managers lead the other (others - m) people.
        let managers = others.div_ceil(TEAM_SIZE + 1);
        for m in 0..managers {
            planned.push(Planned {
                index: head + 1 + m,
                department,
                manager: Some(head),
                level: 1,
            });
        }
        for s in 0..others - managers {
            planned.push(Planned {
                index: head + 1 + managers + s,
                department,
                manager: Some(head + 1 + (s % managers.max(1))),
                level: 2,
            });
        }
        start += size;
        department += 1;
    }
    planned
}

/// Hired over the last ten years; one in a hundred starts within the next month, three in a
/// hundred joined in the last month.
fn hire_date(rng: &mut StdRng, today: NaiveDate) -> NaiveDate {
    let days_ago = match rng.gen_range(0..100) {
        0 => -rng.gen_range(1..=30),
        1..=3 => rng.gen_range(0..30),
        _ => rng.gen_range(30..3650),
    };
    today - Duration::days(days_ago)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn departments_have_one_head_and_managers_lead_teams_of_twelve_at_most() {
        let plan = plan(12_345);
        assert_eq!(plan.len(), 12_345);
        let heads: Vec<&Planned> = plan.iter().filter(|p| p.level == 0).collect();
        assert_eq!(heads.len(), 3, "5,000 + 5,000 + 2,345");
        let mut reports: HashMap<usize, usize> = HashMap::new();
        for p in &plan {
            if let Some(m) = p.manager {
                *reports.entry(m).or_default() += 1;
            }
        }
        for p in plan.iter().filter(|p| p.level == 1) {
            let n = reports.get(&p.index).copied().unwrap_or(0);
            assert!((1..=TEAM_SIZE).contains(&n), "manager {} has {n}", p.index);
        }
        // Everyone in a department is below its head: its managers and their teams.
        let below_first = plan
            .iter()
            .filter(|p| p.department == 0 && p.level > 0)
            .count();
        assert_eq!(below_first, DEPARTMENT_SIZE - 1);
        assert_eq!(head_email(1), scale_email(5_000));
        assert_eq!(plan[5_000].level, 0);
    }
}
