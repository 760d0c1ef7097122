//! Scheduled jobs that must run once per period however many instances share the database.
//!
//! A run inserts its (job, period) row first, inside the transaction that does the job's work.
//! A second instance's insert waits for the first transaction and then fails on the primary key
//! (the job is done), or succeeds if the first rolled back (the job is still to do).

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait,
    QueryFilter, QueryOrder, SqlErr,
};

use super::entities::job_run::{self, Column, Entity, Model};

/// Claims (job, period) for this instance. `Ok(false)` if it already ran (or is running).
pub async fn claim(
    db: &impl ConnectionTrait,
    job: &str,
    period: &str,
    instance: &str,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let inserted = job_run::ActiveModel {
        job: Set(job.to_owned()),
        period: Set(period.to_owned()),
        instance: Set(instance.to_owned()),
        started_at: Set(now),
        finished_at: Set(None),
        summary: Set(None),
    }
    .insert(db)
    .await;
    match inserted {
        Ok(_) => Ok(true),
        Err(err) if matches!(err.sql_err(), Some(SqlErr::UniqueConstraintViolation(_))) => {
            Ok(false)
        }
        Err(err) => Err(err),
    }
}

/// Claims (job, period) for work done in several transactions after the claim commits: also
/// takes over a claim that never finished and started before `stale_before` (its instance
/// stopped part-way). `Ok(false)` if the job is done, or running elsewhere.
pub async fn claim_or_take_over(
    db: &impl ConnectionTrait,
    job: &str,
    period: &str,
    instance: &str,
    now: DateTime<Utc>,
    stale_before: DateTime<Utc>,
) -> Result<bool, DbErr> {
    if claim(db, job, period, instance, now).await? {
        return Ok(true);
    }
    let taken = Entity::update_many()
        .col_expr(Column::Instance, sea_orm::sea_query::Expr::value(instance))
        .col_expr(Column::StartedAt, sea_orm::sea_query::Expr::value(now))
        .filter(Column::Job.eq(job))
        .filter(Column::Period.eq(period))
        .filter(Column::FinishedAt.is_null())
        .filter(Column::StartedAt.lt(stale_before))
        .exec(db)
        .await?;
    Ok(taken.rows_affected == 1)
}

/// Whether (job, period) ran to the end.
pub async fn finished(db: &impl ConnectionTrait, job: &str, period: &str) -> Result<bool, DbErr> {
    Ok(find(db, job, period)
        .await?
        .is_some_and(|run| run.finished_at.is_some()))
}

/// Records that the run finished, with a summary.
pub async fn finish(
    db: &impl ConnectionTrait,
    job: &str,
    period: &str,
    summary: &str,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    job_run::ActiveModel {
        job: Set(job.to_owned()),
        period: Set(period.to_owned()),
        finished_at: Set(Some(now)),
        summary: Set(Some(summary.to_owned())),
        ..Default::default()
    }
    .update(db)
    .await
    .map(|_| ())
}

/// The run of (job, period), if there was one.
pub async fn find(
    db: &impl ConnectionTrait,
    job: &str,
    period: &str,
) -> Result<Option<Model>, DbErr> {
    Entity::find_by_id((job.to_owned(), period.to_owned()))
        .one(db)
        .await
}

/// The newest runs of a job.
pub async fn recent(db: &impl ConnectionTrait, job: &str, limit: u64) -> Result<Vec<Model>, DbErr> {
    use sea_orm::QuerySelect;
    Entity::find()
        .filter(Column::Job.eq(job))
        .order_by_desc(Column::StartedAt)
        .limit(limit)
        .all(db)
        .await
}
