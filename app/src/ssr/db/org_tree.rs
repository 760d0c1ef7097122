//! The reporting tree and a team's obligations, asked of the database: one query each, whatever
//! the size of the organisation, rather than loading everyone to walk the tree in Rust.
//!
//! "Below a manager" follows active people only, as the team pages always have: somebody who
//! left breaks the chain beneath them (their reports show under whoever replaces them).

use sea_orm::{ConnectionTrait, DbBackend, DbErr, FromQueryResult, Statement, Value};

use crate::domain::team::Scope;

/// `WITH RECURSIVE below(id)`: the active people under `$1`. `UNION` (not `UNION ALL`) ends the
/// walk even if bad data ever made a loop.
pub(super) fn below_cte(scope: Scope) -> &'static str {
    match scope {
        Scope::AllBelow => {
            "WITH RECURSIVE below(id) AS (
                SELECT id FROM people WHERE manager_id = $1 AND active = TRUE
                UNION
                -- Each step from the people found (then their reports by the manager index),
                -- never from everyone: an index led by another column once made SQLite 3.51
                -- walk every active person for each step.
                SELECT p.id FROM below b CROSS JOIN people p
                 WHERE p.manager_id = b.id AND p.active = TRUE
            )"
        }
        Scope::Direct => {
            "WITH RECURSIVE below(id) AS (
                SELECT id FROM people WHERE manager_id = $1 AND active = TRUE
            )"
        }
    }
}

/// A statement for either database: `$n` placeholders become SQLite's numbered `?n`.
pub(super) fn statement(backend: DbBackend, sql: &str, values: Vec<Value>) -> Statement {
    let sql = match backend {
        DbBackend::Postgres => sql.to_owned(),
        _ => sql.replace('$', "?"),
    };
    Statement::from_sql_and_values(backend, sql, values)
}

/// Whether `person_id` is an active person somewhere below `manager_id`.
pub async fn is_below(
    db: &impl ConnectionTrait,
    manager_id: i64,
    person_id: i64,
) -> Result<bool, DbErr> {
    #[derive(FromQueryResult)]
    struct Found {
        #[allow(dead_code)]
        id: i64,
    }
    let sql = "WITH RECURSIVE up(id) AS (
            SELECT manager_id FROM people WHERE id = $1 AND active = TRUE AND manager_id IS NOT NULL
            UNION
            SELECT p.manager_id FROM people p JOIN up u ON p.id = u.id
             WHERE p.active = TRUE AND p.manager_id IS NOT NULL
        )
        SELECT id FROM up WHERE id = $2 LIMIT 1";
    let backend = db.get_database_backend();
    Ok(Found::find_by_statement(statement(
        backend,
        sql,
        vec![person_id.into(), manager_id.into()],
    ))
    .one(db)
    .await?
    .is_some())
}

/// How many of a team's obligations are in one status for one course.
#[derive(Clone, Debug, PartialEq, Eq, FromQueryResult)]
pub struct CourseStatusCount {
    pub course_id: i64,
    pub status: String,
    pub n: i64,
}

/// The team's obligations counted by course and status.
pub async fn course_status_counts(
    db: &impl ConnectionTrait,
    manager_id: i64,
    scope: Scope,
) -> Result<Vec<CourseStatusCount>, DbErr> {
    let sql = format!(
        "{}
        SELECT c.course_id AS course_id, c.status AS status, COUNT(*) AS n
          FROM below b CROSS JOIN compliance_state c -- the team first, not every obligation
         WHERE c.person_id = b.id
         GROUP BY c.course_id, c.status",
        below_cte(scope)
    );
    let backend = db.get_database_backend();
    CourseStatusCount::find_by_statement(statement(backend, &sql, vec![manager_id.into()]))
        .all(db)
        .await
}

/// One member of a team with their obligations counted by status.
#[derive(Clone, Debug, PartialEq, Eq, FromQueryResult)]
pub struct MemberCounts {
    pub id: i64,
    pub public_id: String,
    pub name: String,
    pub job_title: String,
    pub manager_id: Option<i64>,
    pub department: Option<String>,
    pub completed: i64,
    pub exempt: i64,
    pub in_progress: i64,
    pub not_started: i64,
    pub overdue: i64,
    /// Everyone in the team, not only this page.
    pub total: i64,
}

/// One page of a team, most overdue first and then by name.
pub async fn member_page(
    db: &impl ConnectionTrait,
    manager_id: i64,
    scope: Scope,
    offset: u64,
    limit: u64,
) -> Result<Vec<MemberCounts>, DbErr> {
    let count = |status: &str| {
        format!("COALESCE(SUM(CASE WHEN c.status = '{status}' THEN 1 ELSE 0 END), 0)")
    };
    let sql = format!(
        "{below},
        tallies AS (
            SELECT c.person_id AS person_id,
                   {completed} AS completed, {exempt} AS exempt, {in_progress} AS in_progress,
                   {not_started} AS not_started, {overdue} AS overdue
              FROM below b CROSS JOIN compliance_state c -- the team first, not every obligation
             WHERE c.person_id = b.id
             GROUP BY c.person_id
        )
        SELECT p.id AS id, p.public_id AS public_id, p.name AS name, p.job_title AS job_title,
               p.manager_id AS manager_id, d.name AS department,
               COALESCE(t.completed, 0) AS completed, COALESCE(t.exempt, 0) AS exempt,
               COALESCE(t.in_progress, 0) AS in_progress,
               COALESCE(t.not_started, 0) AS not_started, COALESCE(t.overdue, 0) AS overdue,
               COUNT(*) OVER () AS total
          FROM below b
          JOIN people p ON p.id = b.id
          LEFT JOIN departments d ON d.id = p.department_id
          LEFT JOIN tallies t ON t.person_id = p.id
         ORDER BY COALESCE(t.overdue, 0) DESC, p.name, p.id
         LIMIT $2 OFFSET $3",
        below = below_cte(scope),
        completed = count("completed"),
        exempt = count("exempt"),
        in_progress = count("in_progress"),
        not_started = count("not_started"),
        overdue = count("overdue"),
    );
    let backend = db.get_database_backend();
    let to_i64 = |n: u64| i64::try_from(n).unwrap_or(i64::MAX);
    MemberCounts::find_by_statement(statement(
        backend,
        &sql,
        vec![
            manager_id.into(),
            to_i64(limit).into(),
            to_i64(offset).into(),
        ],
    ))
    .all(db)
    .await
}
