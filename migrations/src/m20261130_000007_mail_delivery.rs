//! Email delivery: the outbox becomes a delivery queue (recipient, stable Message-ID, both
//! parts, attempts, back-off, a lease for the instance delivering it, and what the SMTP server
//! answered); single-use account links (invitations, password resets) stored as hashes;
//! password-reset requests waiting to be handled; the log of automatic reminders; settings
//! (the reminder schedule); and the runs of scheduled jobs, one per period across instances.
//!
//! The old outbox had no recipient or delivery columns, and SQLite cannot change a column's
//! nullability in place, so its rows are copied into the new table (each keeps its id and gets
//! the person's address as its recipient; queued rows stay queued and are now delivered).

use sea_orm_migration::sea_orm::{ConnectionTrait, DbBackend};
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
enum OutboxMessages {
    Table,
    Id,
    MessageId,
    Kind,
    PersonId,
    Recipient,
    CourseId,
    SentBy,
    Subject,
    TextBody,
    HtmlBody,
    Status,
    Attempts,
    NextAttemptAt,
    ClaimedUntil,
    ClaimedBy,
    CreatedAt,
    SentAt,
    SmtpReply,
    FailedAt,
    LastError,
    DedupeKey,
}

#[derive(DeriveIden)]
enum AccountTokens {
    Table,
    Id,
    PersonId,
    Purpose,
    TokenHash,
    CreatedAt,
    ExpiresAt,
    UsedAt,
    RevokedAt,
    CreatedBy,
    OutboxId,
}

#[derive(DeriveIden)]
enum PasswordResetRequests {
    Table,
    Id,
    AccountKey,
    ClientAddr,
    RequestedAt,
    ProcessedAt,
}

#[derive(DeriveIden)]
enum ReminderLog {
    Table,
    Id,
    SubjectPersonId,
    CourseId,
    Trigger,
    TriggerOn,
    RecipientPersonId,
    RequestedBy,
    OutboxId,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Settings {
    Table,
    Key,
    ValueJson,
    UpdatedAt,
    UpdatedBy,
}

#[derive(DeriveIden)]
enum JobRuns {
    Table,
    Job,
    Period,
    Instance,
    StartedAt,
    FinishedAt,
    Summary,
}

const OLD_OUTBOX: &str = "outbox_messages_before_mail";

fn outbox_table() -> TableCreateStatement {
    Table::create()
        .table(OutboxMessages::Table)
        .col(big_pk_auto(OutboxMessages::Id))
        .col(string(OutboxMessages::MessageId))
        .col(string(OutboxMessages::Kind))
        .col(big_integer_null(OutboxMessages::PersonId))
        .col(string(OutboxMessages::Recipient))
        .col(big_integer_null(OutboxMessages::CourseId))
        .col(big_integer_null(OutboxMessages::SentBy))
        .col(string(OutboxMessages::Subject))
        .col(text(OutboxMessages::TextBody))
        .col(text(OutboxMessages::HtmlBody))
        .col(string(OutboxMessages::Status))
        .col(integer(OutboxMessages::Attempts).default(0))
        .col(timestamp_with_time_zone(OutboxMessages::NextAttemptAt))
        .col(timestamp_with_time_zone_null(OutboxMessages::ClaimedUntil))
        .col(string_null(OutboxMessages::ClaimedBy))
        .col(timestamp_with_time_zone(OutboxMessages::CreatedAt))
        .col(timestamp_with_time_zone_null(OutboxMessages::SentAt))
        .col(text_null(OutboxMessages::SmtpReply))
        .col(timestamp_with_time_zone_null(OutboxMessages::FailedAt))
        .col(text_null(OutboxMessages::LastError))
        .col(string_null(OutboxMessages::DedupeKey))
        .foreign_key(
            ForeignKey::create()
                .name("fk_outbox_recipient_person")
                .from(OutboxMessages::Table, OutboxMessages::PersonId)
                .to(People::Table, People::Id)
                .on_delete(ForeignKeyAction::Restrict),
        )
        .foreign_key(
            ForeignKey::create()
                .name("fk_outbox_about_course")
                .from(OutboxMessages::Table, OutboxMessages::CourseId)
                .to(Courses::Table, Courses::Id)
                .on_delete(ForeignKeyAction::Restrict),
        )
        .to_owned()
}

async fn outbox_indexes(manager: &SchemaManager<'_>) -> Result<(), DbErr> {
    for (name, columns, unique) in [
        (
            "idx_outbox_message_id",
            vec![OutboxMessages::MessageId],
            true,
        ),
        (
            "idx_outbox_dedupe_key",
            vec![OutboxMessages::DedupeKey],
            true,
        ),
        (
            "idx_outbox_due",
            vec![OutboxMessages::Status, OutboxMessages::NextAttemptAt],
            false,
        ),
        (
            "idx_outbox_recipient_person",
            vec![OutboxMessages::PersonId, OutboxMessages::CreatedAt],
            false,
        ),
        ("idx_outbox_created", vec![OutboxMessages::CreatedAt], false),
    ] {
        let mut index = Index::create();
        index.name(name).table(OutboxMessages::Table);
        for column in columns {
            index.col(column);
        }
        if unique {
            index.unique();
        }
        manager.create_index(index.to_owned()).await?;
    }
    Ok(())
}

/// After rows were copied with their ids, PostgreSQL's sequence must continue after them.
async fn reset_outbox_sequence(manager: &SchemaManager<'_>) -> Result<(), DbErr> {
    let db = manager.get_connection();
    if db.get_database_backend() == DbBackend::Postgres {
        db.execute_unprepared(
            "SELECT setval(pg_get_serial_sequence('outbox_messages', 'id'), \
             COALESCE((SELECT MAX(id) FROM outbox_messages), 0) + 1, false)",
        )
        .await?;
    }
    Ok(())
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        manager
            .drop_index(
                Index::drop()
                    .name("idx_outbox_person")
                    .table(OutboxMessages::Table)
                    .to_owned(),
            )
            .await?;
        manager
            .rename_table(
                Table::rename()
                    .table(OutboxMessages::Table, Alias::new(OLD_OUTBOX))
                    .to_owned(),
            )
            .await?;
        manager.create_table(outbox_table()).await?;
        db.execute_unprepared(&format!(
            "INSERT INTO outbox_messages (id, message_id, kind, person_id, recipient, course_id, \
             sent_by, subject, text_body, html_body, status, attempts, next_attempt_at, created_at) \
             SELECT o.id, '<outbox-' || o.id || '@vigil.invalid>', o.kind, o.person_id, p.email, \
             o.course_id, o.sent_by, o.subject, o.body, '', o.status, 0, o.created_at, o.created_at \
             FROM {OLD_OUTBOX} o JOIN people p ON p.id = o.person_id"
        ))
        .await?;
        manager
            .drop_table(Table::drop().table(Alias::new(OLD_OUTBOX)).to_owned())
            .await?;
        reset_outbox_sequence(manager).await?;
        outbox_indexes(manager).await?;

        manager
            .create_table(
                Table::create()
                    .table(AccountTokens::Table)
                    .col(big_pk_auto(AccountTokens::Id))
                    .col(big_integer(AccountTokens::PersonId))
                    .col(string(AccountTokens::Purpose))
                    .col(string(AccountTokens::TokenHash))
                    .col(timestamp_with_time_zone(AccountTokens::CreatedAt))
                    .col(timestamp_with_time_zone(AccountTokens::ExpiresAt))
                    .col(timestamp_with_time_zone_null(AccountTokens::UsedAt))
                    .col(timestamp_with_time_zone_null(AccountTokens::RevokedAt))
                    .col(big_integer_null(AccountTokens::CreatedBy))
                    .col(big_integer_null(AccountTokens::OutboxId))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_account_tokens_person")
                            .from(AccountTokens::Table, AccountTokens::PersonId)
                            .to(People::Table, People::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_account_tokens_hash")
                    .table(AccountTokens::Table)
                    .col(AccountTokens::TokenHash)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_account_tokens_person")
                    .table(AccountTokens::Table)
                    .col(AccountTokens::PersonId)
                    .col(AccountTokens::Purpose)
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(PasswordResetRequests::Table)
                    .col(big_pk_auto(PasswordResetRequests::Id))
                    .col(string(PasswordResetRequests::AccountKey))
                    .col(string(PasswordResetRequests::ClientAddr))
                    .col(timestamp_with_time_zone(PasswordResetRequests::RequestedAt))
                    .col(timestamp_with_time_zone_null(
                        PasswordResetRequests::ProcessedAt,
                    ))
                    .to_owned(),
            )
            .await?;
        for (name, column) in [
            (
                "idx_reset_requests_account",
                PasswordResetRequests::AccountKey,
            ),
            (
                "idx_reset_requests_client",
                PasswordResetRequests::ClientAddr,
            ),
            (
                "idx_reset_requests_pending",
                PasswordResetRequests::ProcessedAt,
            ),
        ] {
            manager
                .create_index(
                    Index::create()
                        .name(name)
                        .table(PasswordResetRequests::Table)
                        .col(column)
                        .col(PasswordResetRequests::RequestedAt)
                        .to_owned(),
                )
                .await?;
        }

        manager
            .create_table(
                Table::create()
                    .table(ReminderLog::Table)
                    .col(big_pk_auto(ReminderLog::Id))
                    .col(big_integer(ReminderLog::SubjectPersonId))
                    // 0 when the entry is about no one course (a digest, "everything outstanding").
                    .col(big_integer(ReminderLog::CourseId))
                    .col(string(ReminderLog::Trigger))
                    .col(date(ReminderLog::TriggerOn))
                    .col(big_integer(ReminderLog::RecipientPersonId))
                    .col(big_integer_null(ReminderLog::RequestedBy))
                    .col(big_integer(ReminderLog::OutboxId))
                    .col(timestamp_with_time_zone(ReminderLog::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_reminder_log_outbox")
                            .from(ReminderLog::Table, ReminderLog::OutboxId)
                            .to(OutboxMessages::Table, OutboxMessages::Id)
                            .on_delete(ForeignKeyAction::Restrict),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_reminder_log_once")
                    .table(ReminderLog::Table)
                    .col(ReminderLog::SubjectPersonId)
                    .col(ReminderLog::CourseId)
                    .col(ReminderLog::Trigger)
                    .col(ReminderLog::TriggerOn)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_reminder_log_created")
                    .table(ReminderLog::Table)
                    .col(ReminderLog::CreatedAt)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_reminder_log_outbox")
                    .table(ReminderLog::Table)
                    .col(ReminderLog::OutboxId)
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Settings::Table)
                    .col(string(Settings::Key).primary_key())
                    .col(text(Settings::ValueJson))
                    .col(timestamp_with_time_zone(Settings::UpdatedAt))
                    .col(big_integer_null(Settings::UpdatedBy))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(JobRuns::Table)
                    .col(string(JobRuns::Job))
                    .col(string(JobRuns::Period))
                    .col(string(JobRuns::Instance))
                    .col(timestamp_with_time_zone(JobRuns::StartedAt))
                    .col(timestamp_with_time_zone_null(JobRuns::FinishedAt))
                    .col(text_null(JobRuns::Summary))
                    .primary_key(Index::create().col(JobRuns::Job).col(JobRuns::Period))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        for table in [
            JobRuns::Table.into_iden(),
            Settings::Table.into_iden(),
            ReminderLog::Table.into_iden(),
            PasswordResetRequests::Table.into_iden(),
            AccountTokens::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        for name in [
            "idx_outbox_message_id",
            "idx_outbox_dedupe_key",
            "idx_outbox_due",
            "idx_outbox_recipient_person",
            "idx_outbox_created",
        ] {
            manager
                .drop_index(
                    Index::drop()
                        .name(name)
                        .table(OutboxMessages::Table)
                        .to_owned(),
                )
                .await?;
        }
        manager
            .rename_table(
                Table::rename()
                    .table(OutboxMessages::Table, Alias::new(OLD_OUTBOX))
                    .to_owned(),
            )
            .await?;
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
                    .col(text(Alias::new("body")))
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
        db.execute_unprepared(&format!(
            "INSERT INTO outbox_messages (id, person_id, course_id, sent_by, kind, subject, body, \
             status, created_at) SELECT id, person_id, course_id, sent_by, kind, subject, \
             text_body, status, created_at FROM {OLD_OUTBOX} WHERE person_id IS NOT NULL"
        ))
        .await?;
        manager
            .drop_table(Table::drop().table(Alias::new(OLD_OUTBOX)).to_owned())
            .await?;
        reset_outbox_sequence(manager).await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_outbox_person")
                    .table(OutboxMessages::Table)
                    .col(OutboxMessages::PersonId)
                    .col(OutboxMessages::CreatedAt)
                    .to_owned(),
            )
            .await
    }
}
