//! Sign-in bookkeeping kept in the database so that it holds across instances: failed attempts
//! (for the rate limit) and session tokens revoked by signing out.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum LoginFailures {
    Table,
    Id,
    AccountKey,
    ClientAddr,
    FailedAt,
}

#[derive(DeriveIden)]
enum RevokedSessions {
    Table,
    TokenId,
    PersonId,
    ExpiresAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(LoginFailures::Table)
                    .col(big_pk_auto(LoginFailures::Id))
                    .col(string(LoginFailures::AccountKey))
                    .col(string(LoginFailures::ClientAddr))
                    .col(timestamp_with_time_zone(LoginFailures::FailedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_login_failures_account")
                    .table(LoginFailures::Table)
                    .col(LoginFailures::AccountKey)
                    .col(LoginFailures::FailedAt)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_login_failures_client")
                    .table(LoginFailures::Table)
                    .col(LoginFailures::ClientAddr)
                    .col(LoginFailures::FailedAt)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(RevokedSessions::Table)
                    .col(string(RevokedSessions::TokenId).primary_key())
                    .col(big_integer(RevokedSessions::PersonId))
                    .col(timestamp_with_time_zone(RevokedSessions::ExpiresAt))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(RevokedSessions::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(LoginFailures::Table).to_owned())
            .await
    }
}
