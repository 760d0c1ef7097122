//! Indexes for per-person work at scale, so that one learner's action does not scan tables that
//! grow with the organisation:
//! - `completion_records (voids_sequence)`: whether a person's records were voided;
//! - `quiz_attempts (person_id)`: the versions a person has attempted (the assignment engine);
//! - `exemptions (person_id)`: a person's exemptions (the assignment engine).

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum CompletionRecords {
    Table,
    VoidsSequence,
}

#[derive(DeriveIden)]
enum QuizAttempts {
    Table,
    PersonId,
}

#[derive(DeriveIden)]
enum Exemptions {
    Table,
    PersonId,
}

const INDEXES: [&str; 3] = [
    "idx_completion_voids",
    "idx_quiz_attempts_person",
    "idx_exemptions_person",
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let wanted: [(&str, TableRef, DynIden); 3] = [
            (
                INDEXES[0],
                CompletionRecords::Table.into_table_ref(),
                CompletionRecords::VoidsSequence.into_iden(),
            ),
            (
                INDEXES[1],
                QuizAttempts::Table.into_table_ref(),
                QuizAttempts::PersonId.into_iden(),
            ),
            (
                INDEXES[2],
                Exemptions::Table.into_table_ref(),
                Exemptions::PersonId.into_iden(),
            ),
        ];
        for (name, table, column) in wanted {
            manager
                .create_index(
                    Index::create()
                        .name(name)
                        .table(table)
                        .col(column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let tables = [
            CompletionRecords::Table.into_table_ref(),
            QuizAttempts::Table.into_table_ref(),
            Exemptions::Table.into_table_ref(),
        ];
        for (name, table) in INDEXES.into_iter().zip(tables) {
            manager
                .drop_index(Index::drop().name(name).table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
