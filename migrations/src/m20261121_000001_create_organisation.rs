//! People, departments and job roles: the organisation that training is assigned to.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Departments {
    Table,
    Id,
    Name,
    CreatedAt,
}

#[derive(DeriveIden)]
enum JobRoles {
    Table,
    Id,
    Slug,
    Name,
    Description,
}

#[derive(DeriveIden)]
enum People {
    Table,
    Id,
    PublicId,
    Email,
    Name,
    DepartmentId,
    JobTitle,
    HireDate,
    ManagerId,
    Active,
    IsComplianceAdmin,
    IsPlatformAdmin,
    PasswordHash,
    SessionsValidAfter,
    CreatedAt,
    UpdatedAt,
    DeactivatedAt,
}

#[derive(DeriveIden)]
enum PersonRoles {
    Table,
    PersonId,
    RoleId,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Departments::Table)
                    .col(big_pk_auto(Departments::Id))
                    .col(string_uniq(Departments::Name))
                    .col(timestamp_with_time_zone(Departments::CreatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(JobRoles::Table)
                    .col(big_pk_auto(JobRoles::Id))
                    .col(string_uniq(JobRoles::Slug))
                    .col(string(JobRoles::Name))
                    .col(text(JobRoles::Description))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(People::Table)
                    .col(big_pk_auto(People::Id))
                    .col(string_uniq(People::PublicId))
                    .col(string_uniq(People::Email))
                    .col(string(People::Name))
                    .col(big_integer_null(People::DepartmentId))
                    .col(string(People::JobTitle))
                    .col(date(People::HireDate))
                    .col(big_integer_null(People::ManagerId))
                    .col(boolean(People::Active))
                    .col(boolean(People::IsComplianceAdmin))
                    .col(boolean(People::IsPlatformAdmin))
                    .col(text_null(People::PasswordHash))
                    .col(timestamp_with_time_zone(People::SessionsValidAfter))
                    .col(timestamp_with_time_zone(People::CreatedAt))
                    .col(timestamp_with_time_zone(People::UpdatedAt))
                    .col(timestamp_with_time_zone_null(People::DeactivatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_people_department")
                            .from(People::Table, People::DepartmentId)
                            .to(Departments::Table, Departments::Id)
                            .on_delete(ForeignKeyAction::Restrict),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_people_manager")
                            .from(People::Table, People::ManagerId)
                            .to(People::Table, People::Id)
                            .on_delete(ForeignKeyAction::Restrict),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_people_manager")
                    .table(People::Table)
                    .col(People::ManagerId)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(PersonRoles::Table)
                    .col(big_integer(PersonRoles::PersonId))
                    .col(big_integer(PersonRoles::RoleId))
                    .primary_key(
                        Index::create()
                            .col(PersonRoles::PersonId)
                            .col(PersonRoles::RoleId),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_person_roles_person")
                            .from(PersonRoles::Table, PersonRoles::PersonId)
                            .to(People::Table, People::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_person_roles_role")
                            .from(PersonRoles::Table, PersonRoles::RoleId)
                            .to(JobRoles::Table, JobRoles::Id)
                            .on_delete(ForeignKeyAction::Restrict),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(PersonRoles::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(People::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(JobRoles::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(Departments::Table).to_owned())
            .await
    }
}
