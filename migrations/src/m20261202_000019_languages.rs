//! More than one language: each person's preferred language (a BCP 47 tag, none for the
//! courses' own), the language a quiz attempt is shown in (fixed when it starts), and the
//! language a completion record was taken in (none for records made
//! before translations existed, and for records no language applies to, such as exemptions).

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum People {
    Table,
    Language,
}

#[derive(DeriveIden)]
enum CompletionRecords {
    Table,
    Language,
}

#[derive(DeriveIden)]
enum QuizAttempts {
    Table,
    Language,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(People::Table)
                    .add_column(string_null(People::Language))
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(CompletionRecords::Table)
                    .add_column(string_null(CompletionRecords::Language))
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(QuizAttempts::Table)
                    .add_column(string_null(QuizAttempts::Language))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(QuizAttempts::Table)
                    .drop_column(QuizAttempts::Language)
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(CompletionRecords::Table)
                    .drop_column(CompletionRecords::Language)
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(People::Table)
                    .drop_column(People::Language)
                    .to_owned(),
            )
            .await
    }
}
