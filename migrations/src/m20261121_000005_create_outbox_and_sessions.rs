//! The outbox of reminders (delivered by a later mail integration), instructor-led sessions, and
//! people imports waiting to be confirmed after their preview.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum People {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Courses {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum CourseVersions {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum OutboxMessages {
    Table,
    Id,
    PersonId,
    CourseId,
    SentBy,
    Kind,
    Subject,
    Body,
    Status,
    CreatedAt,
}

#[derive(DeriveIden)]
enum TrainingSessions {
    Table,
    Id,
    CourseId,
    VersionId,
    HeldOn,
    Format,
    Trainer,
    Notes,
    RecordedBy,
    CreatedAt,
}

#[derive(DeriveIden)]
enum PeopleImports {
    Table,
    Id,
    AuthorId,
    CsvText,
    CreatedAt,
    CommittedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(OutboxMessages::Table)
                    .col(big_pk_auto(OutboxMessages::Id))
                    .col(big_integer(OutboxMessages::PersonId))
                    .col(big_integer_null(OutboxMessages::CourseId))
                    .col(big_integer_null(OutboxMessages::SentBy))
                    .col(string(OutboxMessages::Kind))
                    .col(string(OutboxMessages::Subject))
                    .col(text(OutboxMessages::Body))
                    .col(string(OutboxMessages::Status))
                    .col(timestamp_with_time_zone(OutboxMessages::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_outbox_person")
                            .from(OutboxMessages::Table, OutboxMessages::PersonId)
                            .to(People::Table, People::Id)
                            .on_delete(ForeignKeyAction::Restrict),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_outbox_course")
                            .from(OutboxMessages::Table, OutboxMessages::CourseId)
                            .to(Courses::Table, Courses::Id)
                            .on_delete(ForeignKeyAction::Restrict),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_outbox_person")
                    .table(OutboxMessages::Table)
                    .col(OutboxMessages::PersonId)
                    .col(OutboxMessages::CreatedAt)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(TrainingSessions::Table)
                    .col(big_pk_auto(TrainingSessions::Id))
                    .col(big_integer(TrainingSessions::CourseId))
                    .col(big_integer(TrainingSessions::VersionId))
                    .col(date(TrainingSessions::HeldOn))
                    .col(string(TrainingSessions::Format))
                    .col(string(TrainingSessions::Trainer))
                    .col(text(TrainingSessions::Notes))
                    .col(big_integer_null(TrainingSessions::RecordedBy))
                    .col(timestamp_with_time_zone(TrainingSessions::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_sessions_course")
                            .from(TrainingSessions::Table, TrainingSessions::CourseId)
                            .to(Courses::Table, Courses::Id)
                            .on_delete(ForeignKeyAction::Restrict),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_sessions_version")
                            .from(TrainingSessions::Table, TrainingSessions::VersionId)
                            .to(CourseVersions::Table, CourseVersions::Id)
                            .on_delete(ForeignKeyAction::Restrict),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(PeopleImports::Table)
                    .col(big_pk_auto(PeopleImports::Id))
                    .col(big_integer(PeopleImports::AuthorId))
                    .col(text(PeopleImports::CsvText))
                    .col(timestamp_with_time_zone(PeopleImports::CreatedAt))
                    .col(timestamp_with_time_zone_null(PeopleImports::CommittedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_people_imports_author")
                            .from(PeopleImports::Table, PeopleImports::AuthorId)
                            .to(People::Table, People::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(PeopleImports::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(TrainingSessions::Table).to_owned())
            .await?;

        manager
            .drop_table(Table::drop().table(OutboxMessages::Table).to_owned())
            .await
    }
}
