//! Courses and their immutable published versions, drafts edited in the browser, and the
//! append-only audit log of administrative actions.

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
    Slug,
    Kind,
    Title,
    Summary,
    CurrentVersionId,
    CreatedAt,
    RetiredAt,
    RetiredBy,
    RetiredReason,
}

#[derive(DeriveIden)]
enum CourseVersions {
    Table,
    Id,
    CourseId,
    Version,
    ContentHash,
    Title,
    MetadataJson,
    SourceJson,
    RenderedJson,
    Material,
    Notes,
    PublishedAt,
    PublishedBy,
    PublishedVia,
}

#[derive(DeriveIden)]
enum CourseAssets {
    Table,
    Id,
    VersionId,
    Path,
    MediaType,
    Bytes,
}

#[derive(DeriveIden)]
enum ContentDrafts {
    Table,
    Id,
    AuthorId,
    CourseSlug,
    BaseVersionId,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum DraftFiles {
    Table,
    Id,
    DraftId,
    Path,
    Bytes,
}

#[derive(DeriveIden)]
enum AuditEvents {
    Table,
    Id,
    At,
    ActorId,
    ActorLabel,
    Action,
    Subject,
    BeforeJson,
    AfterJson,
    Reason,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Courses::Table)
                    .col(big_pk_auto(Courses::Id))
                    .col(string_uniq(Courses::Slug))
                    .col(string(Courses::Kind))
                    .col(string(Courses::Title))
                    .col(text(Courses::Summary))
                    .col(big_integer_null(Courses::CurrentVersionId))
                    .col(timestamp_with_time_zone(Courses::CreatedAt))
                    .col(timestamp_with_time_zone_null(Courses::RetiredAt))
                    .col(big_integer_null(Courses::RetiredBy))
                    .col(text_null(Courses::RetiredReason))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_courses_retired_by")
                            .from(Courses::Table, Courses::RetiredBy)
                            .to(People::Table, People::Id)
                            .on_delete(ForeignKeyAction::Restrict),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(CourseVersions::Table)
                    .col(big_pk_auto(CourseVersions::Id))
                    .col(big_integer(CourseVersions::CourseId))
                    .col(integer(CourseVersions::Version))
                    .col(string(CourseVersions::ContentHash))
                    .col(string(CourseVersions::Title))
                    .col(text(CourseVersions::MetadataJson))
                    .col(text(CourseVersions::SourceJson))
                    .col(text(CourseVersions::RenderedJson))
                    .col(boolean(CourseVersions::Material))
                    .col(text(CourseVersions::Notes))
                    .col(timestamp_with_time_zone(CourseVersions::PublishedAt))
                    .col(big_integer_null(CourseVersions::PublishedBy))
                    .col(string(CourseVersions::PublishedVia))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_course_versions_course")
                            .from(CourseVersions::Table, CourseVersions::CourseId)
                            .to(Courses::Table, Courses::Id)
                            .on_delete(ForeignKeyAction::Restrict),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_course_versions_published_by")
                            .from(CourseVersions::Table, CourseVersions::PublishedBy)
                            .to(People::Table, People::Id)
                            .on_delete(ForeignKeyAction::Restrict),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_course_versions_unique")
                    .table(CourseVersions::Table)
                    .col(CourseVersions::CourseId)
                    .col(CourseVersions::Version)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_course_versions_hash")
                    .table(CourseVersions::Table)
                    .col(CourseVersions::ContentHash)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(CourseAssets::Table)
                    .col(big_pk_auto(CourseAssets::Id))
                    .col(big_integer(CourseAssets::VersionId))
                    .col(string(CourseAssets::Path))
                    .col(string(CourseAssets::MediaType))
                    .col(blob(CourseAssets::Bytes))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_course_assets_version")
                            .from(CourseAssets::Table, CourseAssets::VersionId)
                            .to(CourseVersions::Table, CourseVersions::Id)
                            .on_delete(ForeignKeyAction::Restrict),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_course_assets_unique")
                    .table(CourseAssets::Table)
                    .col(CourseAssets::VersionId)
                    .col(CourseAssets::Path)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(ContentDrafts::Table)
                    .col(big_pk_auto(ContentDrafts::Id))
                    .col(big_integer(ContentDrafts::AuthorId))
                    .col(string(ContentDrafts::CourseSlug))
                    .col(big_integer_null(ContentDrafts::BaseVersionId))
                    .col(timestamp_with_time_zone(ContentDrafts::CreatedAt))
                    .col(timestamp_with_time_zone(ContentDrafts::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_content_drafts_author")
                            .from(ContentDrafts::Table, ContentDrafts::AuthorId)
                            .to(People::Table, People::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(DraftFiles::Table)
                    .col(big_pk_auto(DraftFiles::Id))
                    .col(big_integer(DraftFiles::DraftId))
                    .col(string(DraftFiles::Path))
                    .col(blob(DraftFiles::Bytes))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_draft_files_draft")
                            .from(DraftFiles::Table, DraftFiles::DraftId)
                            .to(ContentDrafts::Table, ContentDrafts::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_draft_files_unique")
                    .table(DraftFiles::Table)
                    .col(DraftFiles::DraftId)
                    .col(DraftFiles::Path)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(AuditEvents::Table)
                    .col(big_pk_auto(AuditEvents::Id))
                    .col(timestamp_with_time_zone(AuditEvents::At))
                    .col(big_integer_null(AuditEvents::ActorId))
                    .col(string(AuditEvents::ActorLabel))
                    .col(string(AuditEvents::Action))
                    .col(string(AuditEvents::Subject))
                    .col(text_null(AuditEvents::BeforeJson))
                    .col(text_null(AuditEvents::AfterJson))
                    .col(text_null(AuditEvents::Reason))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_audit_events_at")
                    .table(AuditEvents::Table)
                    .col(AuditEvents::At)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            AuditEvents::Table.into_iden(),
            DraftFiles::Table.into_iden(),
            ContentDrafts::Table.into_iden(),
            CourseAssets::Table.into_iden(),
            CourseVersions::Table.into_iden(),
            Courses::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
