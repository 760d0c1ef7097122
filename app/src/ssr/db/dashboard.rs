//! The compliance dashboard's figures, counted by the database: each breakdown sums the
//! obligation tallies that the database keeps by course, department and status (and by direct
//! manager, job role, or both) (see migration `m20261130_000011`), narrowed by the dashboard's filters, so its
//! cost grows with the number of groups, not of people. No query returns a row per person
//! (except the first page of overdue obligations).

use chrono::NaiveDate;
use sea_orm::{ConnectionTrait, DbBackend, DbErr, FromQueryResult, Value};

use super::org_tree::{below_cte, statement};
use crate::domain::team::Scope;

/// What the dashboard is narrowed to, resolved to ids. Every set field must match.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Narrowing {
    pub course_id: Option<i64>,
    /// A department by name, in any case.
    pub department: Option<String>,
    /// A job role by name.
    pub role: Option<String>,
    /// Everyone below this manager.
    pub manager_id: Option<i64>,
    /// A stored status.
    pub status: Option<String>,
}

/// How each part of a narrowing reads as SQL over one kind of row (`?`: its value; `$1`: the
/// manager, whose tree is the `below` table).
struct Conditions {
    always: &'static str,
    tree: &'static str,
    course: &'static str,
    department: &'static str,
    role: &'static str,
    status: &'static str,
}

/// Over `c` (compliance_state) joined to `p` (people).
const OVER_OBLIGATIONS: Conditions = Conditions {
    always: "1 = 1",
    tree: "c.person_id IN (SELECT id FROM below)",
    course: "c.course_id = ?",
    department: "p.department_id IN (SELECT id FROM departments WHERE LOWER(name) = LOWER(?))",
    role: "EXISTS (SELECT 1 FROM person_roles fr JOIN job_roles fj ON fj.id = fr.role_id \
           WHERE fr.person_id = p.id AND fj.name = ?)",
    status: "c.status = ?",
};

/// Over `t`, a tally table. Everyone below a manager is everyone whose direct manager is that
/// manager or someone below them.
const OVER_TALLIES: Conditions = Conditions {
    always: "t.n <> 0",
    tree: "(t.manager_key = $1 OR t.manager_key IN (SELECT id FROM below))",
    course: "t.course_id = ?",
    department: "t.department_key IN (SELECT id FROM departments WHERE LOWER(name) = LOWER(?))",
    role: "t.role_id IN (SELECT id FROM job_roles WHERE name = ?)",
    status: "t.status = ?",
};

/// `WITH …` (when narrowing to a manager's tree), the `WHERE` clause `over` some rows, and its
/// values, numbered from `$1`.
fn narrowed(narrowing: &Narrowing, over: &Conditions) -> (String, String, Vec<Value>) {
    let mut values: Vec<Value> = Vec::new();
    let mut conditions = vec![over.always.to_owned()];
    let mut with = String::new();
    if let Some(manager) = narrowing.manager_id {
        // The tree's query takes its manager as $1.
        values.push(manager.into());
        with = below_cte(Scope::AllBelow).to_owned();
        conditions.push(over.tree.to_owned());
    }
    let mut add = |condition: &str, value: Value| {
        values.push(value);
        conditions.push(condition.replace('?', &format!("${}", values.len())));
    };
    if let Some(course) = narrowing.course_id {
        add(over.course, course.into());
    }
    if let Some(department) = &narrowing.department {
        add(over.department, department.clone().into());
    }
    if let Some(role) = &narrowing.role {
        add(over.role, role.clone().into());
    }
    if let Some(status) = &narrowing.status {
        add(over.status, status.clone().into());
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

/// The smallest tally table that holds what is grouped and narrowed by.
fn tally_table(narrowing: &Narrowing, group: GroupBy) -> &'static str {
    let by_manager = group == GroupBy::Manager || narrowing.manager_id.is_some();
    let by_role = group == GroupBy::Role || narrowing.role.is_some();
    let in_detail = narrowing.course_id.is_some() || narrowing.department.is_some();
    match (by_manager, by_role) {
        (true, false) if group == GroupBy::Manager && !in_detail => "obligation_manager_totals",
        (false, false) => "obligation_tallies",
        (false, true) => "obligation_role_tallies",
        (true, false) => "obligation_manager_tallies",
        (true, true) => "obligation_manager_role_tallies",
    }
}

/// Obligations by direct manager and status, for the managers whose teams are among the `keep`
/// most overdue (all tied with the last of them too, so that the caller can rank them exactly),
/// and how many managers' teams there are in all.
pub async fn most_overdue_managers(
    db: &impl ConnectionTrait,
    narrowing: &Narrowing,
    keep: usize,
) -> Result<(Vec<KeyedCount>, usize), DbErr> {
    #[derive(FromQueryResult)]
    struct Row {
        key: Option<i64>,
        status: String,
        n: i64,
        teams: i64,
    }
    let (with, condition, values) = narrowed(narrowing, &OVER_TALLIES);
    let table = tally_table(narrowing, GroupBy::Manager);
    let with = if with.is_empty() {
        "WITH".to_owned()
    } else {
        format!("{with},")
    };
    let sql = format!(
        "{with}
        totals AS (
            SELECT t.manager_key AS key, t.status AS status, SUM(t.n) AS n
              FROM {table} t WHERE {condition}
             GROUP BY t.manager_key, t.status
        ),
        teams AS (
            SELECT key, SUM(CASE WHEN status = 'overdue' THEN n ELSE 0 END) AS overdue
              FROM totals GROUP BY key
        ),
        cut AS (SELECT overdue FROM teams ORDER BY overdue DESC LIMIT 1 OFFSET {skip})
        SELECT NULLIF(x.key, 0) AS key, x.status AS status, CAST(x.n AS BIGINT) AS n,
               CAST((SELECT COUNT(*) FROM teams) AS BIGINT) AS teams
          FROM totals x JOIN teams y ON y.key = x.key
         WHERE y.overdue >= COALESCE((SELECT overdue FROM cut), 0)",
        skip = keep.saturating_sub(1)
    );
    let rows = Row::find_by_statement(statement(db.get_database_backend(), &sql, values))
        .all(db)
        .await?;
    let teams = rows
        .first()
        .map_or(0, |row| usize::try_from(row.teams).unwrap_or(0));
    Ok((
        rows.into_iter()
            .map(|row| KeyedCount {
                key: row.key,
                status: row.status,
                n: row.n,
            })
            .collect(),
        teams,
    ))
}

/// The narrowed obligations counted by `group` and status, summed from the tallies.
pub async fn counts(
    db: &impl ConnectionTrait,
    narrowing: &Narrowing,
    group: GroupBy,
) -> Result<Vec<KeyedCount>, DbErr> {
    let (with, condition, values) = narrowed(narrowing, &OVER_TALLIES);
    let table = tally_table(narrowing, group);
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

/// The first `limit` narrowed overdue obligations, longest overdue first (then by person and
/// course: the order of an index, so however many share a due date only `limit` are read).
pub async fn overdue(
    db: &impl ConnectionTrait,
    narrowing: &Narrowing,
    limit: u64,
) -> Result<Vec<OverdueEntry>, DbErr> {
    let (with, condition, mut values) = narrowed(narrowing, &OVER_OBLIGATIONS);
    values.push(i64::try_from(limit).unwrap_or(i64::MAX).into());
    let sql = format!(
        "{with}
        SELECT p.name AS person, p.email AS email, c.course_id AS course_id, c.due_on AS due_on,
               m.name AS manager
          FROM compliance_state c JOIN people p ON p.id = c.person_id
          LEFT JOIN people m ON m.id = p.manager_id
         WHERE {condition} AND c.status = 'overdue'
         ORDER BY c.due_on, c.person_id, c.course_id -- the order of the status index
         LIMIT ${}",
        values.len()
    );
    OverdueEntry::find_by_statement(statement(db.get_database_backend(), &sql, values))
        .all(db)
        .await
}

/// An obligation with what the status export shows of its person. Dates are as stored
/// (`YYYY-MM-DD`).
#[derive(Clone, Debug, PartialEq, Eq, serde::Deserialize)]
pub struct ObligationEntry {
    pub person_id: i64,
    pub course_id: i64,
    pub status: String,
    pub assigned_on: String,
    pub due_on: String,
    pub completed_on: Option<String>,
    pub valid_until: Option<String>,
    pub person: String,
    pub email: String,
    pub job_title: String,
    pub department_id: Option<i64>,
    pub manager: Option<String>,
    /// The person's job roles by name, in byte order, joined by "; ".
    pub roles: Option<String>,
}

/// A page packed by the database into one JSON array of arrays.
#[derive(FromQueryResult)]
struct PackedPage {
    page: Option<String>,
}

/// Up to `limit` narrowed obligations after the key `after` (person, course), in key order: one
/// page of the status export, read with its people in one statement. The database packs the page
/// into one JSON value: a driver that hands rows over one at a time (SQLite's runs on its own
/// thread) then makes one hand-off per page instead of one per row.
pub async fn obligations_after(
    db: &impl ConnectionTrait,
    narrowing: &Narrowing,
    after: Option<(i64, i64)>,
    limit: u64,
) -> Result<Vec<ObligationEntry>, DbErr> {
    let backend = db.get_database_backend();
    let (with, condition, mut values) = narrowed(narrowing, &OVER_OBLIGATIONS);
    let (person_id, course_id) = after.unwrap_or((i64::MIN, i64::MIN));
    values.push(person_id.into());
    values.push(course_id.into());
    values.push(i64::try_from(limit).unwrap_or(i64::MAX).into());
    let at = values.len();
    let fields = "t.person_id, t.course_id, t.status, t.assigned_on, t.due_on, t.completed_on, \
                  t.valid_until, t.person, t.email, t.job_title, t.department_id, t.manager, t.roles";
    let (roles, packed) = match backend {
        DbBackend::Postgres => (
            r#"string_agg(j.name, '; ' ORDER BY j.name COLLATE "C")"#,
            format!(
                "CAST(json_agg(json_build_array({fields}) ORDER BY t.person_id, t.course_id) AS TEXT)"
            ),
        ),
        _ => (
            "group_concat(j.name, '; ' ORDER BY j.name)",
            format!("json_group_array(json_array({fields}) ORDER BY t.person_id, t.course_id)"),
        ),
    };
    // A row-value comparison: with bound values, SQLite walks the key from the cursor only for
    // this form (`a > ? OR (a = ? AND b > ?)` scans from the start, so each page costs more).
    let sql = format!(
        "{with}
        SELECT {packed} AS page FROM (
        SELECT c.person_id AS person_id, c.course_id AS course_id, c.status AS status,
               c.assigned_on AS assigned_on, c.due_on AS due_on, c.completed_on AS completed_on,
               c.valid_until AS valid_until, p.name AS person, p.email AS email,
               p.job_title AS job_title, p.department_id AS department_id, m.name AS manager,
               (SELECT {roles} FROM person_roles r JOIN job_roles j ON j.id = r.role_id
                 WHERE r.person_id = p.id) AS roles
          FROM compliance_state c JOIN people p ON p.id = c.person_id
          LEFT JOIN people m ON m.id = p.manager_id
         WHERE {condition} AND (c.person_id, c.course_id) > (${}, ${})
         ORDER BY c.person_id, c.course_id
         LIMIT ${at}) t",
        at - 2,
        at - 1
    );
    let packed = PackedPage::find_by_statement(statement(backend, &sql, values))
        .one(db)
        .await?
        .and_then(|row| row.page);
    match packed {
        None => Ok(Vec::new()),
        Some(json) => serde_json::from_str(&json)
            .map_err(|err| DbErr::Custom(format!("an export page did not unpack: {err}"))),
    }
}

/// New hires' obligations assigned on their hire date: how many are measured (their due period
/// has closed, or they were finished within it) and how many were finished within it.
#[derive(Clone, Debug, Default, PartialEq, Eq, FromQueryResult)]
pub struct HireTimeliness {
    pub measured: i64,
    pub on_time: i64,
}

/// Timeliness of obligations of people hired on or after `since` that were assigned on the hire
/// date (exempt ones left out), narrowed, for the `courses` listed (others are left out); each
/// one's deadline is its kept first deadline (`first_due_on`), and `today` closes due periods.
pub async fn new_hire_timeliness(
    db: &impl ConnectionTrait,
    narrowing: &Narrowing,
    since: NaiveDate,
    today: NaiveDate,
    courses: &[i64],
) -> Result<HireTimeliness, DbErr> {
    if courses.is_empty() {
        return Ok(HireTimeliness::default());
    }
    let backend = db.get_database_backend();
    let (with, condition, mut values) = narrowed(narrowing, &OVER_OBLIGATIONS);
    values.push(since.into());
    let since_at = values.len();
    values.push(today.into());
    let today_at = values.len();
    let listed = courses
        .iter()
        .map(i64::to_string)
        .collect::<Vec<_>>()
        .join(", ");
    let on_time = "c.completed_on IS NOT NULL AND c.completed_on <= c.first_due_on";
    let sql = format!(
        "{with}
        SELECT CAST(COALESCE(SUM(CASE WHEN ({on_time}) OR c.first_due_on < ${today_at}
                                      THEN 1 ELSE 0 END), 0) AS BIGINT) AS measured,
               CAST(COALESCE(SUM(CASE WHEN {on_time} THEN 1 ELSE 0 END), 0) AS BIGINT) AS on_time
          FROM people p CROSS JOIN compliance_state c -- people first: the hire-date index
         WHERE c.person_id = p.id AND {condition} AND p.hire_date >= ${since_at}
           AND c.assigned_on = p.hire_date AND c.status <> 'exempt'
           AND c.first_due_on IS NOT NULL AND c.course_id IN ({listed})"
    );
    Ok(
        HireTimeliness::find_by_statement(statement(backend, &sql, values))
            .one(db)
            .await?
            .unwrap_or_default(),
    )
}

/// A manager for the filter list.
#[derive(Clone, Debug, PartialEq, Eq, FromQueryResult)]
pub struct ManagerChoice {
    pub id: i64,
    pub public_id: String,
    pub name: String,
}

/// The first `limit` people with an active report, by name, and how many there are in all (one
/// pass over people).
pub async fn managers(
    db: &impl ConnectionTrait,
    limit: usize,
) -> Result<(Vec<ManagerChoice>, usize), DbErr> {
    #[derive(FromQueryResult)]
    struct Row {
        id: i64,
        public_id: String,
        name: String,
        total: i64,
    }
    let sql = "SELECT m.id AS id, m.public_id AS public_id, m.name AS name,
                      CAST(COUNT(*) OVER () AS BIGINT) AS total
                 FROM people m
                WHERE m.id IN (SELECT manager_id FROM people WHERE active = TRUE
                                AND manager_id IS NOT NULL)
                ORDER BY m.name, m.id
                LIMIT $1";
    let limit = i64::try_from(limit).unwrap_or(i64::MAX);
    let rows = Row::find_by_statement(statement(
        db.get_database_backend(),
        sql,
        vec![limit.into()],
    ))
    .all(db)
    .await?;
    let total = rows
        .first()
        .map_or(0, |row| usize::try_from(row.total).unwrap_or(0));
    Ok((
        rows.into_iter()
            .map(|row| ManagerChoice {
                id: row.id,
                public_id: row.public_id,
                name: row.name,
            })
            .collect(),
        total,
    ))
}
