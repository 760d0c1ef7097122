//! Periods frozen as they were, and witnesses of the ledger's checkpoints:
//! - `person_history` keeps each person's job roles, title, manager, department, active state and
//!   hire date with the interval each was valid (`valid_from` null: from before Vigil knew the
//!   person; `valid_to` null: still valid). At most one open row per person.
//! - `course_rule_history` keeps each course's assignment rule the same way (`valid_from` null
//!   only for rules that existed before history was kept).
//! - `ledger_witnesses` lists who is sent checkpoints (an email address or a URL to POST to);
//!   `ledger_witness_sends` ties each checkpoint sent to the queued delivery that carries it.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum PersonHistory {
    Table,
    Id,
    PersonId,
    ValidFrom,
    ValidTo,
    ChangedAt,
    Active,
    HireDate,
    DepartmentId,
    JobTitle,
    ManagerId,
    RolesJson,
}

#[derive(DeriveIden)]
enum CourseRuleHistory {
    Table,
    Id,
    CourseId,
    ValidFrom,
    ValidTo,
    ChangedAt,
    AudienceJson,
}

#[derive(DeriveIden)]
enum LedgerWitnesses {
    Table,
    Id,
    Name,
    Target,
    Cadence,
    CreatedAt,
    CreatedBy,
    RemovedAt,
}

#[derive(DeriveIden)]
enum LedgerWitnessSends {
    Table,
    WitnessId,
    TreeSize,
    OutboxMessageId,
    QueuedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(PersonHistory::Table)
                    .col(big_pk_auto(PersonHistory::Id))
                    .col(big_integer(PersonHistory::PersonId))
                    .col(timestamp_with_time_zone_null(PersonHistory::ValidFrom))
                    .col(timestamp_with_time_zone_null(PersonHistory::ValidTo))
                    .col(timestamp_with_time_zone(PersonHistory::ChangedAt))
                    .col(boolean(PersonHistory::Active))
                    .col(date(PersonHistory::HireDate))
                    .col(big_integer_null(PersonHistory::DepartmentId))
                    .col(string(PersonHistory::JobTitle))
                    .col(big_integer_null(PersonHistory::ManagerId))
                    .col(text(PersonHistory::RolesJson))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("person_history_by_person")
                    .table(PersonHistory::Table)
                    .col(PersonHistory::PersonId)
                    .col(PersonHistory::ValidTo)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(CourseRuleHistory::Table)
                    .col(big_pk_auto(CourseRuleHistory::Id))
                    .col(big_integer(CourseRuleHistory::CourseId))
                    .col(timestamp_with_time_zone_null(CourseRuleHistory::ValidFrom))
                    .col(timestamp_with_time_zone_null(CourseRuleHistory::ValidTo))
                    .col(timestamp_with_time_zone(CourseRuleHistory::ChangedAt))
                    .col(text(CourseRuleHistory::AudienceJson))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("course_rule_history_by_course")
                    .table(CourseRuleHistory::Table)
                    .col(CourseRuleHistory::CourseId)
                    .col(CourseRuleHistory::ValidTo)
                    .to_owned(),
            )
            .await?;
        // At most one open (still valid) row each, on both backends.
        let db = manager.get_connection();
        db.execute_unprepared(
            "CREATE UNIQUE INDEX person_history_one_open ON person_history (person_id) \
             WHERE valid_to IS NULL",
        )
        .await?;
        db.execute_unprepared(
            "CREATE UNIQUE INDEX course_rule_history_one_open ON course_rule_history (course_id) \
             WHERE valid_to IS NULL",
        )
        .await?;
        manager
            .create_table(
                Table::create()
                    .table(LedgerWitnesses::Table)
                    .col(big_pk_auto(LedgerWitnesses::Id))
                    .col(string(LedgerWitnesses::Name))
                    .col(string(LedgerWitnesses::Target))
                    .col(string_len(LedgerWitnesses::Cadence, 16))
                    .col(timestamp_with_time_zone(LedgerWitnesses::CreatedAt))
                    .col(big_integer_null(LedgerWitnesses::CreatedBy))
                    .col(timestamp_with_time_zone_null(LedgerWitnesses::RemovedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(LedgerWitnessSends::Table)
                    .col(big_integer(LedgerWitnessSends::WitnessId))
                    .col(big_integer(LedgerWitnessSends::TreeSize))
                    .col(big_integer(LedgerWitnessSends::OutboxMessageId))
                    .col(timestamp_with_time_zone(LedgerWitnessSends::QueuedAt))
                    .primary_key(
                        Index::create()
                            .col(LedgerWitnessSends::WitnessId)
                            .col(LedgerWitnessSends::TreeSize),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ledger_witness_sends_by_time")
                    .table(LedgerWitnessSends::Table)
                    .col(LedgerWitnessSends::QueuedAt)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            LedgerWitnessSends::Table.into_iden(),
            LedgerWitnesses::Table.into_iden(),
            CourseRuleHistory::Table.into_iden(),
            PersonHistory::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
