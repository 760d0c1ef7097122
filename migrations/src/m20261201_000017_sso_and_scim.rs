//! Single sign-on and provisioning. What the organisation's directory says about a person, as
//! SCIM sends it: its identifier (`externalId`), `userName`, employee number, the
//! attributes Vigil keeps only as sent (names, email addresses), and when the directory removed the person (they stay,
//! deactivated, with their records). A job role's identifier in the directory (SCIM groups). And
//! the sign-ins started with the OpenID provider, each usable once.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum People {
    Table,
    ExternalId,
    EmployeeNumber,
    UserName,
    DirectoryAttributes,
    DirectoryRemovedAt,
}

#[derive(DeriveIden)]
enum JobRoles {
    Table,
    ExternalId,
}

#[derive(DeriveIden)]
enum OidcLogins {
    Table,
    Id,
    StateHash,
    Nonce,
    PkceVerifier,
    NextPath,
    CreatedAt,
    UsedAt,
}

const EXTERNAL_ID_INDEX: &str = "people_external_id_unique";
const USER_NAME_INDEX: &str = "people_user_name_unique";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // One column per statement: SQLite alters a table one change at a time.
        let people_columns = [
            People::ExternalId,
            People::EmployeeNumber,
            People::UserName,
            People::DirectoryAttributes,
        ];
        for column in people_columns {
            manager
                .alter_table(
                    Table::alter()
                        .table(People::Table)
                        .add_column(string_null(column))
                        .to_owned(),
                )
                .await?;
        }
        manager
            .alter_table(
                Table::alter()
                    .table(People::Table)
                    .add_column(timestamp_with_time_zone_null(People::DirectoryRemovedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(JobRoles::Table)
                    .add_column(string_null(JobRoles::ExternalId))
                    .to_owned(),
            )
            .await?;
        // Unique among those that have one (both databases allow many NULLs in a unique index).
        for (name, column) in [
            (EXTERNAL_ID_INDEX, People::ExternalId),
            (USER_NAME_INDEX, People::UserName),
        ] {
            manager
                .create_index(
                    Index::create()
                        .name(name)
                        .table(People::Table)
                        .col(column)
                        .unique()
                        .to_owned(),
                )
                .await?;
        }
        manager
            .create_table(
                Table::create()
                    .table(OidcLogins::Table)
                    .col(big_pk_auto(OidcLogins::Id))
                    .col(string_len_uniq(OidcLogins::StateHash, 64))
                    .col(string(OidcLogins::Nonce))
                    .col(string(OidcLogins::PkceVerifier))
                    .col(string(OidcLogins::NextPath))
                    .col(timestamp_with_time_zone(OidcLogins::CreatedAt))
                    .col(timestamp_with_time_zone_null(OidcLogins::UsedAt))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(OidcLogins::Table).to_owned())
            .await?;
        for name in [USER_NAME_INDEX, EXTERNAL_ID_INDEX] {
            manager
                .drop_index(Index::drop().name(name).table(People::Table).to_owned())
                .await?;
        }
        manager
            .alter_table(
                Table::alter()
                    .table(JobRoles::Table)
                    .drop_column(JobRoles::ExternalId)
                    .to_owned(),
            )
            .await?;
        let people_columns = [
            People::DirectoryRemovedAt,
            People::DirectoryAttributes,
            People::UserName,
            People::EmployeeNumber,
            People::ExternalId,
        ];
        for column in people_columns {
            manager
                .alter_table(
                    Table::alter()
                        .table(People::Table)
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}
