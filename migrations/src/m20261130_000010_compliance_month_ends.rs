//! Compliance as it stood at each month end, counted once after the month closed (by course and
//! department), so that the dashboard's twelve-month trend is read, not recomputed for the whole
//! organisation on every view. A row with course 0 marks a month end as counted even when
//! nothing was assigned then.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum ComplianceMonthEnds {
    Table,
    MonthEnd,
    CourseId,
    /// The department's id, 0 for people without one.
    DepartmentKey,
    UpToDate,
    Assigned,
    ComputedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(ComplianceMonthEnds::Table)
                    .col(date(ComplianceMonthEnds::MonthEnd))
                    .col(big_integer(ComplianceMonthEnds::CourseId))
                    .col(big_integer(ComplianceMonthEnds::DepartmentKey))
                    .col(big_integer(ComplianceMonthEnds::UpToDate))
                    .col(big_integer(ComplianceMonthEnds::Assigned))
                    .col(timestamp_with_time_zone(ComplianceMonthEnds::ComputedAt))
                    .primary_key(
                        Index::create()
                            .col(ComplianceMonthEnds::MonthEnd)
                            .col(ComplianceMonthEnds::CourseId)
                            .col(ComplianceMonthEnds::DepartmentKey),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(ComplianceMonthEnds::Table).to_owned())
            .await
    }
}
