//! The compliance dashboard's figures, counted by the database: each breakdown sums the
//! obligation tallies that the database keeps by course, department and status (and by direct
//! manager, job role, or both) (see migration `m20261130_000011`), narrowed by the dashboard's filters, so its
//! cost grows with the number of groups, not of people. No query returns a row per person
//! (except the first page of overdue obligations).

use chrono::NaiveDate;
use sea_orm::{ConnectionTrait, DbErr, FromQueryResult, Value};

use super::org_tree::{below_cte, statement};
use crate::domain::team::Scope;

/// What the dashboard is narrowed to, resolved to ids. Every set field must match.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Narrowing {
    pub course_id: Option<i64>,
    /// A department by name.
    pub department: Option<String>,
    /// A job role by name.
    pub role: Option<String>,
    /// Everyone below this manager.
    pub manager_id: Option<i64>,
    /// A stored status.
    pub status: Option<String>,
}

/// `WITH …` (when narrowing to a manager's tree), the `WHERE` clause over `c`
/// (compliance_state) and `p` (people), and its values, numbered from `$1`.
fn narrowed(narrowing: &Narrowing) -> (String, String, Vec<Value>) {
    let mut values: Vec<Value> = Vec::new();
    let mut conditions = vec!["1 = 1".to_owned()];
    let mut with = String::new();
    if let Some(manager) = narrowing.manager_id {
        // The tree's query takes its manager as $1.
        values.push(manager.into());
        with = below_cte(Scope::AllBelow).to_owned();
        conditions.push("c.person_id IN (SELECT id FROM below)".to_owned());
    }
    let mut add = |condition: &str, value: Value, values: &mut Vec<Value>| {
        values.push(value);
        conditions.push(condition.replace('?', &format!("${}", values.len())));
    };
    if let Some(course) = narrowing.course_id {
        add("c.course_id = ?", course.into(), &mut values);
    }
    if let Some(department) = &narrowing.department {
        add(
            "p.department_id IN (SELECT id FROM departments WHERE name = ?)",
            department.clone().into(),
            &mut values,
        );
    }
    if let Some(role) = &narrowing.role {
        add(
            "EXISTS (SELECT 1 FROM person_roles fr JOIN job_roles fj ON fj.id = fr.role_id \
             WHERE fr.person_id = p.id AND fj.name = ?)",
            role.clone().into(),
            &mut values,
        );
    }
    if let Some(status) = &narrowing.status {
        add("c.status = ?", status.clone().into(), &mut values);
    }
    (with, conditions.join(" AND "), values)
}

/// Obligations counted by a key and status.
#[derive(Clone, Debug, PartialEq, Eq, FromQueryResult)]
pub struct KeyedCount {
    /// The group: a course, department, job role or manager id (none: no department, no
    /// manager).
    pub key: Option<i64>,
    pub status: String,
    pub n: i64,
}

/// What a breakdown groups by.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GroupBy {
    Course,
    Department,
    Role,
    Manager,
}

/// `WITH …` (when narrowing to a manager's tree), the `WHERE` clause over `t` (a tally table)
/// and its values, numbered from `$1`.
fn tallied(narrowing: &Narrowing) -> (String, String, Vec<Value>) {
    let mut values: Vec<Value> = Vec::new();
    let mut conditions = vec!["t.n <> 0".to_owned()];
    let mut with = String::new();
    if let Some(manager) = narrowing.manager_id {
        // Everyone below a manager is everyone whose direct manager is that manager or someone
        // below them. The tree's query takes its manager as $1.
        values.push(manager.into());
        with = below_cte(Scope::AllBelow).to_owned();
        conditions
            .push("(t.manager_key = $1 OR t.manager_key IN (SELECT id FROM below))".to_owned());
    }
    let mut add = |condition: &str, value: Value, values: &mut Vec<Value>| {
        values.push(value);
        conditions.push(condition.replace('?', &format!("${}", values.len())));
    };
    if let Some(course) = narrowing.course_id {
        add("t.course_id = ?", course.into(), &mut values);
    }
    if let Some(department) = &narrowing.department {
        add(
            "t.department_key IN (SELECT id FROM departments WHERE name = ?)",
            department.clone().into(),
            &mut values,
        );
    }
    if let Some(role) = &narrowing.role {
        add(
            "t.role_id IN (SELECT id FROM job_roles WHERE name = ?)",
            role.clone().into(),
            &mut values,
        );
    }
    if let Some(status) = &narrowing.status {
        add("t.status = ?", status.clone().into(), &mut values);
    }
    (with, conditions.join(" AND "), values)
}

/// The narrowed obligations counted by `group` and status, summed from the tallies.
pub async fn counts(
    db: &impl ConnectionTrait,
    narrowing: &Narrowing,
    group: GroupBy,
) -> Result<Vec<KeyedCount>, DbErr> {
    let (with, condition, values) = tallied(narrowing);
    // The smallest table that holds what is grouped and narrowed by.
    let by_manager = group == GroupBy::Manager || narrowing.manager_id.is_some();
    let by_role = group == GroupBy::Role || narrowing.role.is_some();
    let in_detail = narrowing.course_id.is_some() || narrowing.department.is_some();
    let table = match (by_manager, by_role) {
        (true, false) if group == GroupBy::Manager && !in_detail => "obligation_manager_totals",
        (false, false) => "obligation_tallies",
        (false, true) => "obligation_role_tallies",
        (true, false) => "obligation_manager_tallies",
        (true, true) => "obligation_manager_role_tallies",
    };
    // Grouped by the stored column (in index order); 0 (none) read as no key.
    let (column, key) = match group {
        GroupBy::Course => ("t.course_id", "t.course_id"),
        GroupBy::Department => ("t.department_key", "NULLIF(t.department_key, 0)"),
        GroupBy::Manager => ("t.manager_key", "NULLIF(t.manager_key, 0)"),
        GroupBy::Role => ("t.role_id", "t.role_id"),
    };
    let sql = format!(
        "{with}
        SELECT {key} AS key, t.status AS status, CAST(SUM(t.n) AS BIGINT) AS n
          FROM {table} t
         WHERE {condition}
         GROUP BY {column}, t.status"
    );
    KeyedCount::find_by_statement(statement(db.get_database_backend(), &sql, values))
        .all(db)
        .await
}

/// An overdue obligation with who and what.
#[derive(Clone, Debug, PartialEq, Eq, FromQueryResult)]
pub struct OverdueEntry {
    pub person: String,
    pub email: String,
    pub course_id: i64,
    pub due_on: NaiveDate,
    pub manager: Option<String>,
}

/// The first `limit` narrowed overdue obligations, longest overdue first.
pub async fn overdue(
    db: &impl ConnectionTrait,
    narrowing: &Narrowing,
    limit: u64,
) -> Result<Vec<OverdueEntry>, DbErr> {
    let (with, condition, mut values) = narrowed(narrowing);
    values.push(i64::try_from(limit).unwrap_or(i64::MAX).into());
    let sql = format!(
        "{with}
        SELECT p.name AS person, p.email AS email, c.course_id AS course_id, c.due_on AS due_on,
               m.name AS manager
          FROM compliance_state c JOIN people p ON p.id = c.person_id
          LEFT JOIN people m ON m.id = p.manager_id
         WHERE {condition} AND c.status = 'overdue'
         ORDER BY c.due_on, p.name, p.id
         LIMIT ${}",
        values.len()
    );
    OverdueEntry::find_by_statement(statement(db.get_database_backend(), &sql, values))
        .all(db)
        .await
}

/// New hires' obligations assigned on their hire date, counted by course, hire date and
/// completion date: enough to tell which were finished within the course's due period.
#[derive(Clone, Debug, PartialEq, Eq, FromQueryResult)]
pub struct HireCount {
    pub course_id: i64,
    pub hire_date: NaiveDate,
    pub completed_on: Option<NaiveDate>,
    pub n: i64,
}

/// Obligations of people hired on or after `since` that were assigned on the hire date (exempt
/// ones left out), narrowed.
pub async fn new_hire_counts(
    db: &impl ConnectionTrait,
    narrowing: &Narrowing,
    since: NaiveDate,
) -> Result<Vec<HireCount>, DbErr> {
    let (with, condition, mut values) = narrowed(narrowing);
    values.push(since.into());
    let sql = format!(
        "{with}
        SELECT c.course_id AS course_id, p.hire_date AS hire_date, c.completed_on AS completed_on,
               COUNT(*) AS n
          FROM people p CROSS JOIN compliance_state c -- people first: SQLite walks the hire-date index
         WHERE c.person_id = p.id AND {condition} AND p.hire_date >= ${}
           AND c.assigned_on = p.hire_date
           AND c.status <> 'exempt'
         GROUP BY c.course_id, p.hire_date, c.completed_on",
        values.len()
    );
    HireCount::find_by_statement(statement(db.get_database_backend(), &sql, values))
        .all(db)
        .await
}

/// A manager for the filter list.
#[derive(Clone, Debug, PartialEq, Eq, FromQueryResult)]
pub struct ManagerChoice {
    pub id: i64,
    pub public_id: String,
    pub email: String,
    pub name: String,
}

/// Everyone with an active report, by name.
pub async fn managers(db: &impl ConnectionTrait) -> Result<Vec<ManagerChoice>, DbErr> {
    let sql = "SELECT m.id AS id, m.public_id AS public_id, m.email AS email, m.name AS name
                 FROM people m
                WHERE m.id IN (SELECT manager_id FROM people WHERE active = TRUE
                                AND manager_id IS NOT NULL)
                ORDER BY m.name, m.id";
    ManagerChoice::find_by_statement(statement(db.get_database_backend(), sql, Vec::new()))
        .all(db)
        .await
}
