//! Authoring round trips:
//! - the organisation variables a course version was rendered with (`{{contacts.security_email}}`
//!   and the like), kept with the version so that evidence shows exactly what a person read (the
//!   values themselves are a setting, `settings.organisation_variables`);
//! - each version's source hash (its files alone), and the source hash of each course's last
//!   import from git, so that the import publishes only what changed in git and never
//!   overwrites a version published in the browser;
//! - the reviews of the training programme (PCI DSS 12.6.2: at least every 12 months), recorded
//!   by compliance administrators and shown in evidence packs.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum CourseVersions {
    Table,
    VariablesJson,
    SourceHash,
}

#[derive(DeriveIden)]
enum ProgrammeReviews {
    Table,
    Id,
    ReviewedOn,
    Reviewers,
    Summary,
    Changes,
    NextReviewOn,
    RecordedAt,
    RecordedBy,
}

#[derive(DeriveIden)]
enum Courses {
    Table,
    GitSourceHash,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(CourseVersions::Table)
                    .add_column(text_null(CourseVersions::VariablesJson))
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(CourseVersions::Table)
                    .add_column(string_null(CourseVersions::SourceHash))
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Courses::Table)
                    .add_column(string_null(Courses::GitSourceHash))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(ProgrammeReviews::Table)
                    .col(big_pk_auto(ProgrammeReviews::Id))
                    .col(date(ProgrammeReviews::ReviewedOn))
                    .col(string(ProgrammeReviews::Reviewers))
                    .col(text(ProgrammeReviews::Summary))
                    .col(text(ProgrammeReviews::Changes))
                    .col(date(ProgrammeReviews::NextReviewOn))
                    .col(timestamp_with_time_zone(ProgrammeReviews::RecordedAt))
                    .col(big_integer(ProgrammeReviews::RecordedBy))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(ProgrammeReviews::Table).to_owned())
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Courses::Table)
                    .drop_column(Courses::GitSourceHash)
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(CourseVersions::Table)
                    .drop_column(CourseVersions::SourceHash)
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(CourseVersions::Table)
                    .drop_column(CourseVersions::VariablesJson)
                    .to_owned(),
            )
            .await
    }
}
