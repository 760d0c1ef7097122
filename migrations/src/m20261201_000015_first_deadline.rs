//! Each obligation's first deadline (`assigned_on` moved on by the course's due period), kept
//! by the assignment engine so that the dashboard's new-hire timeliness reads it instead of
//! working out a date for every new hire's obligation on every view. Rows written before this
//! column existed have none; start-up recomputes them once.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum ComplianceState {
    Table,
    FirstDueOn,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(ComplianceState::Table)
                    .add_column(date_null(ComplianceState::FirstDueOn))
                    .to_owned(),
            )
            .await?;
        // Empty once every row has its deadline: start-up asks it in no time.
        manager
            .get_connection()
            .execute_unprepared(
                "CREATE INDEX compliance_state_lacking_first_due ON compliance_state (person_id) \
                 WHERE first_due_on IS NULL",
            )
            .await
            .map(|_| ())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .get_connection()
            .execute_unprepared("DROP INDEX compliance_state_lacking_first_due")
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(ComplianceState::Table)
                    .drop_column(ComplianceState::FirstDueOn)
                    .to_owned(),
            )
            .await
    }
}
