//! Indexes for the dashboard's two lists, so that neither reads more rows than it shows:
//! - `compliance_state (status, due_on, person_id, course_id)` replaces `(status, due_on)`: the
//!   first overdue obligations in the order the dashboard lists them (longest overdue first, then
//!   by person and course) are the first entries of the index, however many share a due date;
//! - `people (active, manager_id)`: who has an active report, from the index alone.
//!
//! Plain SQL, the same on SQLite and PostgreSQL.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

const UP: [&str; 3] = [
    "DROP INDEX IF EXISTS idx_compliance_status_due",
    "CREATE INDEX idx_compliance_status_due_key ON compliance_state (status, due_on, person_id, course_id)",
    "CREATE INDEX idx_people_active_manager ON people (active, manager_id)",
];

const DOWN: [&str; 3] = [
    "DROP INDEX IF EXISTS idx_people_active_manager",
    "DROP INDEX IF EXISTS idx_compliance_status_due_key",
    "CREATE INDEX idx_compliance_status_due ON compliance_state (status, due_on)",
];

async fn run(manager: &SchemaManager<'_>, statements: &[&str]) -> Result<(), DbErr> {
    let db = manager.get_connection();
    for statement in statements {
        db.execute_unprepared(statement).await?;
    }
    Ok(())
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        run(manager, &UP).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        run(manager, &DOWN).await
    }
}
