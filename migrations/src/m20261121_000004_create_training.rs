//! Assignment rules, exemptions, the append-only completion ledger, quiz attempts, reading
//! progress, certificates, and the compliance state the assignment engine writes.

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
enum CourseRules {
    Table,
    CourseId,
    AudienceJson,
    Customised,
    UpdatedAt,
    UpdatedBy,
}

#[derive(DeriveIden)]
enum Exemptions {
    Table,
    Id,
    PersonId,
    CourseId,
    Reason,
    StartsOn,
    ExpiresOn,
    CreatedAt,
    CreatedBy,
    RevokedAt,
    RevokedBy,
}

#[derive(DeriveIden)]
enum CompletionRecords {
    Table,
    Id,
    Sequence,
    Kind,
    PersonId,
    CourseId,
    VersionId,
    ContentHash,
    Score,
    Passed,
    AnswersJson,
    StartedAt,
    FinishedAt,
    RecordedAt,
    ActorId,
    Reason,
    VoidsSequence,
    SessionId,
    PrevHash,
    RecordHash,
}

#[derive(DeriveIden)]
enum QuizAttempts {
    Table,
    Id,
    PersonId,
    CourseId,
    VersionId,
    DrawnJson,
    StartedAt,
    SubmittedAt,
    RecordSequence,
}

#[derive(DeriveIden)]
enum ReadingProgress {
    Table,
    Id,
    PersonId,
    CourseId,
    VersionId,
    LessonsReadJson,
    OpenedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum ComplianceState {
    Table,
    PersonId,
    CourseId,
    VersionId,
    Status,
    AssignedOn,
    DueOn,
    CompletedOn,
    CompletionSequence,
    ValidUntil,
    ExemptionId,
    ComputedAt,
}

#[derive(DeriveIden)]
enum EvaluatedPeople {
    Table,
    PersonId,
    FirstEvaluatedAt,
}

#[derive(DeriveIden)]
enum Certificates {
    Table,
    RecordSequence,
    Code,
    IssuedAt,
}

fn fk(
    name: &str,
    from: (impl IntoIden + 'static, impl IntoIden + 'static),
    to: (impl IntoIden + 'static, impl IntoIden + 'static),
) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .name(name)
        .from(from.0, from.1)
        .to(to.0, to.1)
        .on_delete(ForeignKeyAction::Restrict)
        .to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(CourseRules::Table)
                    .col(big_integer(CourseRules::CourseId).primary_key())
                    .col(text(CourseRules::AudienceJson))
                    .col(boolean(CourseRules::Customised))
                    .col(timestamp_with_time_zone(CourseRules::UpdatedAt))
                    .col(big_integer_null(CourseRules::UpdatedBy))
                    .foreign_key(&mut fk(
                        "fk_course_rules_course",
                        (CourseRules::Table, CourseRules::CourseId),
                        (Courses::Table, Courses::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Exemptions::Table)
                    .col(big_pk_auto(Exemptions::Id))
                    .col(big_integer(Exemptions::PersonId))
                    .col(big_integer(Exemptions::CourseId))
                    .col(text(Exemptions::Reason))
                    .col(date(Exemptions::StartsOn))
                    .col(date_null(Exemptions::ExpiresOn))
                    .col(timestamp_with_time_zone(Exemptions::CreatedAt))
                    .col(big_integer_null(Exemptions::CreatedBy))
                    .col(timestamp_with_time_zone_null(Exemptions::RevokedAt))
                    .col(big_integer_null(Exemptions::RevokedBy))
                    .foreign_key(&mut fk(
                        "fk_exemptions_person",
                        (Exemptions::Table, Exemptions::PersonId),
                        (People::Table, People::Id),
                    ))
                    .foreign_key(&mut fk(
                        "fk_exemptions_course",
                        (Exemptions::Table, Exemptions::CourseId),
                        (Courses::Table, Courses::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(CompletionRecords::Table)
                    .col(big_pk_auto(CompletionRecords::Id))
                    .col(big_integer_uniq(CompletionRecords::Sequence))
                    .col(string(CompletionRecords::Kind))
                    .col(big_integer(CompletionRecords::PersonId))
                    .col(big_integer(CompletionRecords::CourseId))
                    .col(big_integer(CompletionRecords::VersionId))
                    .col(string(CompletionRecords::ContentHash))
                    .col(integer_null(CompletionRecords::Score))
                    .col(boolean(CompletionRecords::Passed))
                    .col(text_null(CompletionRecords::AnswersJson))
                    .col(timestamp_with_time_zone_null(CompletionRecords::StartedAt))
                    .col(timestamp_with_time_zone(CompletionRecords::FinishedAt))
                    .col(timestamp_with_time_zone(CompletionRecords::RecordedAt))
                    .col(big_integer_null(CompletionRecords::ActorId))
                    .col(text_null(CompletionRecords::Reason))
                    .col(big_integer_null(CompletionRecords::VoidsSequence))
                    .col(big_integer_null(CompletionRecords::SessionId))
                    // Unique: two writers appending at once cannot both follow the same record.
                    .col(string_uniq(CompletionRecords::PrevHash))
                    .col(string_uniq(CompletionRecords::RecordHash))
                    .foreign_key(&mut fk(
                        "fk_completion_person",
                        (CompletionRecords::Table, CompletionRecords::PersonId),
                        (People::Table, People::Id),
                    ))
                    .foreign_key(&mut fk(
                        "fk_completion_course",
                        (CompletionRecords::Table, CompletionRecords::CourseId),
                        (Courses::Table, Courses::Id),
                    ))
                    .foreign_key(&mut fk(
                        "fk_completion_version",
                        (CompletionRecords::Table, CompletionRecords::VersionId),
                        (CourseVersions::Table, CourseVersions::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_completion_person_course")
                    .table(CompletionRecords::Table)
                    .col(CompletionRecords::PersonId)
                    .col(CompletionRecords::CourseId)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(QuizAttempts::Table)
                    .col(big_pk_auto(QuizAttempts::Id))
                    .col(big_integer(QuizAttempts::PersonId))
                    .col(big_integer(QuizAttempts::CourseId))
                    .col(big_integer(QuizAttempts::VersionId))
                    .col(text(QuizAttempts::DrawnJson))
                    .col(timestamp_with_time_zone(QuizAttempts::StartedAt))
                    .col(timestamp_with_time_zone_null(QuizAttempts::SubmittedAt))
                    .col(big_integer_null(QuizAttempts::RecordSequence))
                    .foreign_key(&mut fk(
                        "fk_attempts_person",
                        (QuizAttempts::Table, QuizAttempts::PersonId),
                        (People::Table, People::Id),
                    ))
                    .foreign_key(&mut fk(
                        "fk_attempts_version",
                        (QuizAttempts::Table, QuizAttempts::VersionId),
                        (CourseVersions::Table, CourseVersions::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(ReadingProgress::Table)
                    .col(big_pk_auto(ReadingProgress::Id))
                    .col(big_integer(ReadingProgress::PersonId))
                    .col(big_integer(ReadingProgress::CourseId))
                    .col(big_integer(ReadingProgress::VersionId))
                    .col(text(ReadingProgress::LessonsReadJson))
                    .col(timestamp_with_time_zone(ReadingProgress::OpenedAt))
                    .col(timestamp_with_time_zone(ReadingProgress::UpdatedAt))
                    .foreign_key(&mut fk(
                        "fk_progress_person",
                        (ReadingProgress::Table, ReadingProgress::PersonId),
                        (People::Table, People::Id),
                    ))
                    .foreign_key(&mut fk(
                        "fk_progress_version",
                        (ReadingProgress::Table, ReadingProgress::VersionId),
                        (CourseVersions::Table, CourseVersions::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_progress_unique")
                    .table(ReadingProgress::Table)
                    .col(ReadingProgress::PersonId)
                    .col(ReadingProgress::VersionId)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(ComplianceState::Table)
                    .col(big_integer(ComplianceState::PersonId))
                    .col(big_integer(ComplianceState::CourseId))
                    .col(big_integer(ComplianceState::VersionId))
                    .col(string(ComplianceState::Status))
                    .col(date(ComplianceState::AssignedOn))
                    .col(date(ComplianceState::DueOn))
                    .col(date_null(ComplianceState::CompletedOn))
                    .col(big_integer_null(ComplianceState::CompletionSequence))
                    .col(date_null(ComplianceState::ValidUntil))
                    .col(big_integer_null(ComplianceState::ExemptionId))
                    .col(timestamp_with_time_zone(ComplianceState::ComputedAt))
                    .primary_key(
                        Index::create()
                            .col(ComplianceState::PersonId)
                            .col(ComplianceState::CourseId),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_compliance_course")
                    .table(ComplianceState::Table)
                    .col(ComplianceState::CourseId)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(EvaluatedPeople::Table)
                    .col(big_integer(EvaluatedPeople::PersonId).primary_key())
                    .col(timestamp_with_time_zone(EvaluatedPeople::FirstEvaluatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Certificates::Table)
                    .col(big_integer(Certificates::RecordSequence).primary_key())
                    .col(string_uniq(Certificates::Code))
                    .col(timestamp_with_time_zone(Certificates::IssuedAt))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            Certificates::Table.into_iden(),
            EvaluatedPeople::Table.into_iden(),
            ComplianceState::Table.into_iden(),
            ReadingProgress::Table.into_iden(),
            QuizAttempts::Table.into_iden(),
            CompletionRecords::Table.into_iden(),
            Exemptions::Table.into_iden(),
            CourseRules::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
