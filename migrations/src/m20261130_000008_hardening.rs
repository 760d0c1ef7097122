//! Hardening:
//! - the completion ledger is append-only in the database itself, as the audit log already is:
//!   UPDATE and DELETE on `completion_records` are refused by triggers (SQLite and PostgreSQL);
//! - a person has at most one open quiz attempt per course version (a partial unique index), so
//!   parallel starts cannot open several and get around the retake cool-down;
//! - single-use "presence" tokens of the sign-in form, remembered once used.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum UsedPresenceTokens {
    Table,
    TokenId,
    ExpiresAt,
}

const SQLITE_UP: [&str; 3] = [
    "CREATE TRIGGER completion_records_no_update BEFORE UPDATE ON completion_records \
     BEGIN SELECT RAISE(ABORT, 'completion_records is append-only'); END",
    "CREATE TRIGGER completion_records_no_delete BEFORE DELETE ON completion_records \
     BEGIN SELECT RAISE(ABORT, 'completion_records is append-only'); END",
    "CREATE UNIQUE INDEX idx_quiz_attempts_one_open ON quiz_attempts (person_id, version_id) \
     WHERE submitted_at IS NULL",
];
const SQLITE_DOWN: [&str; 3] = [
    "DROP TRIGGER IF EXISTS completion_records_no_update",
    "DROP TRIGGER IF EXISTS completion_records_no_delete",
    "DROP INDEX IF EXISTS idx_quiz_attempts_one_open",
];
const POSTGRES_UP: [&str; 3] = [
    "CREATE OR REPLACE FUNCTION completion_records_append_only() RETURNS trigger AS $$ \
     BEGIN RAISE EXCEPTION 'completion_records is append-only'; END; $$ LANGUAGE plpgsql",
    "CREATE TRIGGER completion_records_append_only BEFORE UPDATE OR DELETE ON completion_records \
     FOR EACH ROW EXECUTE FUNCTION completion_records_append_only()",
    "CREATE UNIQUE INDEX idx_quiz_attempts_one_open ON quiz_attempts (person_id, version_id) \
     WHERE submitted_at IS NULL",
];
const POSTGRES_DOWN: [&str; 3] = [
    "DROP TRIGGER IF EXISTS completion_records_append_only ON completion_records",
    "DROP FUNCTION IF EXISTS completion_records_append_only()",
    "DROP INDEX IF EXISTS idx_quiz_attempts_one_open",
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // Attempts left open twice by the old race keep only the newest open.
        manager
            .get_connection()
            .execute_unprepared(
                "UPDATE quiz_attempts SET submitted_at = started_at WHERE submitted_at IS NULL \
                 AND id NOT IN (SELECT MAX(id) FROM quiz_attempts WHERE submitted_at IS NULL \
                 GROUP BY person_id, version_id)",
            )
            .await?;
        crate::run_per_backend(manager, &SQLITE_UP, &POSTGRES_UP).await?;
        manager
            .create_table(
                Table::create()
                    .table(UsedPresenceTokens::Table)
                    .col(string(UsedPresenceTokens::TokenId).primary_key())
                    .col(timestamp_with_time_zone(UsedPresenceTokens::ExpiresAt))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(UsedPresenceTokens::Table).to_owned())
            .await?;
        crate::run_per_backend(manager, &SQLITE_DOWN, &POSTGRES_DOWN).await
    }
}
