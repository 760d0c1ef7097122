//! Obligations counted by course, department and status (and also by direct manager, by job role,
//! and by both), kept up to date by the database itself: triggers on `compliance_state`, `people`
//! and `person_roles` add and subtract as rows change. The compliance dashboard sums these
//! instead of reading every obligation. Also indexes for the overdue list and new hires.
//!
//! A missing department or manager is kept as 0 (ids start at 1), so that the keys are never
//! NULL and upserts always find their row.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, DbBackend};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// A tally table: obligations counted by status, and by course and department (`detail`),
/// direct manager and job role when it has them (a person with several roles counts under each).
struct Tally {
    table: &'static str,
    detail: bool,
    manager: bool,
    role: bool,
}

/// Small tables for the whole organisation, large ones (by manager) for a manager's tree, and
/// managers' totals alone for the breakdown by manager.
const TALLIES: [Tally; 5] = [
    Tally {
        table: "obligation_tallies",
        detail: true,
        manager: false,
        role: false,
    },
    Tally {
        table: "obligation_role_tallies",
        detail: true,
        manager: false,
        role: true,
    },
    Tally {
        table: "obligation_manager_tallies",
        detail: true,
        manager: true,
        role: false,
    },
    Tally {
        table: "obligation_manager_role_tallies",
        detail: true,
        manager: true,
        role: true,
    },
    Tally {
        table: "obligation_manager_totals",
        detail: false,
        manager: true,
        role: false,
    },
];

impl Tally {
    /// The key, in the order of the primary key: by manager, the manager first, so that
    /// grouping by manager and narrowing to a tree read the index in order.
    fn key(&self) -> String {
        let mut key = Vec::new();
        if self.manager {
            key.push("manager_key");
        }
        if self.detail {
            key.extend(["course_id", "department_key"]);
        }
        if self.role {
            key.push("role_id");
        }
        key.push("status");
        key.join(", ")
    }

    fn create(&self) -> String {
        let mut columns = Vec::new();
        if self.detail {
            columns.extend([
                "course_id BIGINT NOT NULL",
                "department_key BIGINT NOT NULL",
            ]);
        }
        if self.manager {
            columns.push("manager_key BIGINT NOT NULL");
        }
        if self.role {
            columns.push("role_id BIGINT NOT NULL");
        }
        columns.extend(["status VARCHAR(16) NOT NULL", "n BIGINT NOT NULL"]);
        format!(
            "CREATE TABLE {} ({}, PRIMARY KEY ({}))",
            self.table,
            columns.join(", "),
            self.key()
        )
    }

    /// `INSERT … SELECT` adding to the counts; `select` yields the key's columns (in order), then
    /// the amount. `person` is the row (alias) holding department and manager, `role` the one
    /// holding the job role.
    fn add(
        &self,
        course: &str,
        person: &str,
        role: &str,
        status: &str,
        amount: &str,
        from: &str,
    ) -> String {
        let mut select = Vec::new();
        if self.manager {
            select.push(format!("COALESCE({person}.manager_id, 0)"));
        }
        if self.detail {
            select.extend([
                course.to_owned(),
                format!("COALESCE({person}.department_id, 0)"),
            ]);
        }
        if self.role {
            select.push(format!("{role}.role_id"));
        }
        select.extend([status.to_owned(), amount.to_owned()]);
        let table = self.table;
        let key = self.key();
        format!(
            "INSERT INTO {table} ({key}, n) SELECT {} {from} \
             ON CONFLICT ({key}) DO UPDATE SET n = {table}.n + excluded.n",
            select.join(", ")
        )
    }
}

/// Counts one obligation (`row`: NEW or OLD of `compliance_state`) once more (`sign` "") or once
/// less (`sign` "-").
fn obligation_delta(row: &str, sign: &str) -> Vec<String> {
    TALLIES
        .iter()
        .map(|tally| {
            let from = if tally.role {
                format!(
                    "FROM people p JOIN person_roles r ON r.person_id = p.id \
                     WHERE p.id = {row}.person_id"
                )
            } else {
                format!("FROM people p WHERE p.id = {row}.person_id")
            };
            let course = format!("{row}.course_id");
            let status = format!("{row}.status");
            tally.add(&course, "p", "r", &status, &format!("{sign}1"), &from)
        })
        .collect()
}

/// Counts a person's obligations under their department and manager as `row` (NEW or OLD of
/// `people`) has them.
fn person_delta(row: &str, sign: &str) -> Vec<String> {
    TALLIES
        .iter()
        .map(|tally| {
            let from = if tally.role {
                format!(
                    "FROM compliance_state c JOIN person_roles r ON r.person_id = c.person_id \
                     WHERE c.person_id = {row}.id GROUP BY c.course_id, r.role_id, c.status"
                )
            } else if tally.detail {
                format!(
                    "FROM compliance_state c WHERE c.person_id = {row}.id \
                     GROUP BY c.course_id, c.status"
                )
            } else {
                // One row per key: PostgreSQL's upsert may not touch a row twice.
                format!("FROM compliance_state c WHERE c.person_id = {row}.id GROUP BY c.status")
            };
            tally.add(
                "c.course_id",
                row,
                "r",
                "c.status",
                &format!("{sign}COUNT(*)"),
                &from,
            )
        })
        .collect()
}

/// Counts a person's obligations under one more (or one less) job role (`row`: NEW or OLD of
/// `person_roles`).
fn role_delta(row: &str, sign: &str) -> Vec<String> {
    TALLIES
        .iter()
        .filter(|tally| tally.role)
        .map(|tally| {
            let from = format!(
                "FROM compliance_state c JOIN people p ON p.id = c.person_id \
                 WHERE c.person_id = {row}.person_id \
                 GROUP BY c.course_id, p.department_id, p.manager_id, c.status"
            );
            tally.add(
                "c.course_id",
                "p",
                row,
                "c.status",
                &format!("{sign}COUNT(*)"),
                &from,
            )
        })
        .collect()
}

fn body(statements: &[String]) -> String {
    statements
        .iter()
        .map(|s| format!("{s};"))
        .collect::<Vec<_>>()
        .join(" ")
}

fn tables_and_backfill() -> Vec<String> {
    let mut statements: Vec<String> = TALLIES.iter().map(Tally::create).collect();
    for tally in &TALLIES {
        let mut group = Vec::new();
        if tally.detail {
            group.extend(["c.course_id", "p.department_id"]);
        }
        if tally.manager {
            group.push("p.manager_id");
        }
        let from = if tally.role {
            group.push("r.role_id");
            "FROM compliance_state c JOIN people p ON p.id = c.person_id \
             JOIN person_roles r ON r.person_id = p.id"
        } else {
            "FROM compliance_state c JOIN people p ON p.id = c.person_id"
        };
        group.push("c.status");
        let from = format!("{from} GROUP BY {}", group.join(", "));
        statements.push(tally.add("c.course_id", "p", "r", "c.status", "COUNT(*)", &from));
    }
    statements.extend([
        "CREATE INDEX idx_compliance_status_due ON compliance_state (status, due_on)".to_owned(),
        "CREATE INDEX idx_people_hire_date ON people (hire_date)".to_owned(),
    ]);
    statements
}

const OBLIGATION_CHANGED: &str = "OLD.status <> NEW.status OR OLD.course_id <> NEW.course_id \
                                  OR OLD.person_id <> NEW.person_id";

fn sqlite_up() -> Vec<String> {
    let both = |a: Vec<String>, b: Vec<String>| body(&[a, b].concat());
    let mut statements = tables_and_backfill();
    statements.extend([
        format!(
            "CREATE TRIGGER tally_obligation_insert AFTER INSERT ON compliance_state BEGIN {} END",
            body(&obligation_delta("NEW", ""))
        ),
        format!(
            "CREATE TRIGGER tally_obligation_delete AFTER DELETE ON compliance_state BEGIN {} END",
            body(&obligation_delta("OLD", "-"))
        ),
        format!(
            "CREATE TRIGGER tally_obligation_update AFTER UPDATE ON compliance_state \
             WHEN {OBLIGATION_CHANGED} BEGIN {} END",
            both(obligation_delta("OLD", "-"), obligation_delta("NEW", ""))
        ),
        format!(
            "CREATE TRIGGER tally_person_move AFTER UPDATE ON people \
             WHEN OLD.department_id IS NOT NEW.department_id \
               OR OLD.manager_id IS NOT NEW.manager_id BEGIN {} END",
            both(person_delta("OLD", "-"), person_delta("NEW", ""))
        ),
        format!(
            "CREATE TRIGGER tally_role_insert AFTER INSERT ON person_roles BEGIN {} END",
            body(&role_delta("NEW", ""))
        ),
        format!(
            "CREATE TRIGGER tally_role_delete AFTER DELETE ON person_roles BEGIN {} END",
            body(&role_delta("OLD", "-"))
        ),
        format!(
            "CREATE TRIGGER tally_role_update AFTER UPDATE ON person_roles BEGIN {} {} END",
            body(&role_delta("OLD", "-")),
            body(&role_delta("NEW", ""))
        ),
    ]);
    statements
}

fn postgres_function(name: &str, old: &[String], new: &[String]) -> String {
    format!(
        "CREATE OR REPLACE FUNCTION {name}() RETURNS trigger AS $$ BEGIN \
         IF TG_OP <> 'INSERT' THEN {} END IF; \
         IF TG_OP <> 'DELETE' THEN {} END IF; \
         RETURN NULL; END; $$ LANGUAGE plpgsql",
        body(old),
        body(new)
    )
}

fn postgres_up() -> Vec<String> {
    let mut statements = tables_and_backfill();
    statements.extend([
        postgres_function(
            "tally_obligation",
            &obligation_delta("OLD", "-"),
            &obligation_delta("NEW", ""),
        ),
        postgres_function(
            "tally_person_move",
            &person_delta("OLD", "-"),
            &person_delta("NEW", ""),
        ),
        postgres_function(
            "tally_role",
            &role_delta("OLD", "-"),
            &role_delta("NEW", ""),
        ),
        "CREATE TRIGGER tally_obligation_insert_delete AFTER INSERT OR DELETE ON compliance_state \
         FOR EACH ROW EXECUTE FUNCTION tally_obligation()"
            .to_owned(),
        format!(
            "CREATE TRIGGER tally_obligation_update AFTER UPDATE ON compliance_state \
             FOR EACH ROW WHEN ({OBLIGATION_CHANGED}) EXECUTE FUNCTION tally_obligation()"
        ),
        "CREATE TRIGGER tally_person_move AFTER UPDATE ON people FOR EACH ROW \
         WHEN (OLD.department_id IS DISTINCT FROM NEW.department_id \
               OR OLD.manager_id IS DISTINCT FROM NEW.manager_id) \
         EXECUTE FUNCTION tally_person_move()"
            .to_owned(),
        "CREATE TRIGGER tally_role AFTER INSERT OR UPDATE OR DELETE ON person_roles \
         FOR EACH ROW EXECUTE FUNCTION tally_role()"
            .to_owned(),
    ]);
    statements
}

fn common_down() -> Vec<String> {
    let mut statements = vec![
        "DROP INDEX IF EXISTS idx_people_hire_date".to_owned(),
        "DROP INDEX IF EXISTS idx_compliance_status_due".to_owned(),
    ];
    statements.extend(
        TALLIES
            .iter()
            .map(|tally| format!("DROP TABLE IF EXISTS {}", tally.table)),
    );
    statements
}

fn sqlite_down() -> Vec<String> {
    let mut statements: Vec<String> = [
        "tally_obligation_insert",
        "tally_obligation_delete",
        "tally_obligation_update",
        "tally_person_move",
        "tally_role_insert",
        "tally_role_delete",
        "tally_role_update",
    ]
    .iter()
    .map(|name| format!("DROP TRIGGER IF EXISTS {name}"))
    .collect();
    statements.extend(common_down());
    statements
}

fn postgres_down() -> Vec<String> {
    let mut statements: Vec<String> = [
        "DROP TRIGGER IF EXISTS tally_obligation_insert_delete ON compliance_state",
        "DROP TRIGGER IF EXISTS tally_obligation_update ON compliance_state",
        "DROP TRIGGER IF EXISTS tally_person_move ON people",
        "DROP TRIGGER IF EXISTS tally_role ON person_roles",
        "DROP FUNCTION IF EXISTS tally_obligation()",
        "DROP FUNCTION IF EXISTS tally_person_move()",
        "DROP FUNCTION IF EXISTS tally_role()",
    ]
    .iter()
    .map(|s| (*s).to_owned())
    .collect();
    statements.extend(common_down());
    statements
}

async fn run(
    manager: &SchemaManager<'_>,
    sqlite: fn() -> Vec<String>,
    postgres: fn() -> Vec<String>,
) -> Result<(), DbErr> {
    let db = manager.get_connection();
    let statements = match db.get_database_backend() {
        DbBackend::Sqlite => sqlite(),
        DbBackend::Postgres => postgres(),
        other => {
            return Err(DbErr::Migration(format!(
                "Vigil does not support {other:?}"
            )));
        }
    };
    for statement in statements {
        db.execute_unprepared(&statement).await?;
    }
    Ok(())
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        run(manager, sqlite_up, postgres_up).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        run(manager, sqlite_down, postgres_down).await
    }
}
