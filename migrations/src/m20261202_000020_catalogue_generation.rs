//! A number that changes whenever the course catalogue does: courses (current version,
//! retirement), their versions, and the assignment rules. Triggers keep it, so every change
//! counts, whichever code or instance makes it, in the same transaction as the change.
//!
//! The assignment engine keeps what it derives from the catalogue (each course's audience,
//! recurrence, deadlines and versions) in memory, and re-reads it only when this number differs
//! from the one it read it at: a learner's write then reads one row instead of every course,
//! version and rule.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// The tables whose changes change what the engine derives from the catalogue.
const WATCHED: [&str; 3] = ["courses", "course_versions", "course_rules"];

const BUMP: &str = "UPDATE catalogue_generation SET generation = generation + 1 WHERE id = 1";

fn table() -> Vec<String> {
    vec![
        "CREATE TABLE catalogue_generation (id INTEGER NOT NULL PRIMARY KEY, \
         generation BIGINT NOT NULL)"
            .to_owned(),
        "INSERT INTO catalogue_generation (id, generation) VALUES (1, 1)".to_owned(),
    ]
}

fn sqlite_up() -> Vec<String> {
    let mut statements = table();
    for watched in WATCHED {
        for event in ["INSERT", "UPDATE", "DELETE"] {
            let name = event.to_lowercase();
            statements.push(format!(
                "CREATE TRIGGER catalogue_{watched}_{name} AFTER {event} ON {watched} \
                 BEGIN {BUMP}; END"
            ));
        }
    }
    statements
}

fn sqlite_down() -> Vec<String> {
    let mut statements = Vec::new();
    for watched in WATCHED {
        for event in ["insert", "update", "delete"] {
            statements.push(format!(
                "DROP TRIGGER IF EXISTS catalogue_{watched}_{event}"
            ));
        }
    }
    statements.push("DROP TABLE catalogue_generation".to_owned());
    statements
}

fn postgres_up() -> Vec<String> {
    let mut statements = table();
    statements.push(format!(
        "CREATE FUNCTION bump_catalogue_generation() RETURNS trigger LANGUAGE plpgsql AS $$ \
         BEGIN {BUMP}; RETURN NULL; END $$"
    ));
    for watched in WATCHED {
        statements.push(format!(
            "CREATE TRIGGER catalogue_{watched} AFTER INSERT OR UPDATE OR DELETE ON {watched} \
             FOR EACH STATEMENT EXECUTE FUNCTION bump_catalogue_generation()"
        ));
    }
    statements
}

fn postgres_down() -> Vec<String> {
    let mut statements: Vec<String> = WATCHED
        .iter()
        .map(|watched| format!("DROP TRIGGER IF EXISTS catalogue_{watched} ON {watched}"))
        .collect();
    statements.push("DROP FUNCTION IF EXISTS bump_catalogue_generation()".to_owned());
    statements.push("DROP TABLE catalogue_generation".to_owned());
    statements
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        crate::run_per_backend(manager, &sqlite_up(), &postgres_up()).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        crate::run_per_backend(manager, &sqlite_down(), &postgres_down()).await
    }
}
