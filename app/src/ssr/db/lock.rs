//! Serialising a read-check-write inside a transaction, on both databases.
//!
//! PostgreSQL: a transaction-scoped advisory lock on the name, held until commit or rollback, so
//! two transactions that check the same thing (the last administrator, a rate limit) take turns.
//! SQLite: every transaction is begun with `db::begin` (clippy forbids the other ways), which
//! holds the database's write lock from its start (`BEGIN IMMEDIATE`), so no other writer can
//! slip in between the check and the write: there is nothing more to take.

use sea_orm::{ConnectionTrait, DbBackend, DbErr, Statement};

/// Takes the lock for `name` in the current transaction. Call it first in the transaction.
pub async fn exclusive(txn: &impl ConnectionTrait, name: &str) -> Result<(), DbErr> {
    take(txn, "SELECT pg_advisory_xact_lock(hashtext($1))", name).await
}

/// Takes the locks for all of `names` in one statement, in the order given: every caller must
/// give names in one agreed order without repeats (the engine: by person id), so that two
/// transactions taking overlapping sets cannot wait for each other. Call it first in the
/// transaction, or after other locks taken in the same order everywhere.
pub async fn exclusive_all(txn: &impl ConnectionTrait, names: &[String]) -> Result<(), DbErr> {
    match (txn.get_database_backend(), names) {
        (_, []) => Ok(()),
        (_, [name]) => exclusive(txn, name).await,
        (DbBackend::Postgres, _) => txn
            .execute_raw(Statement::from_sql_and_values(
                DbBackend::Postgres,
                "SELECT pg_advisory_xact_lock(hashtext(name)) FROM unnest($1::text[]) AS name",
                [names.to_vec().into()],
            ))
            .await
            .map(|_| ()),
        // SQLite: the transaction holds the write lock already.
        _ => Ok(()),
    }
}

/// Takes `name` shared: many transactions may hold it at once, but not while one holds it
/// with `exclusive`. (SQLite has one writer at a time anyway: there it is the write lock.)
pub async fn shared(txn: &impl ConnectionTrait, name: &str) -> Result<(), DbErr> {
    take(
        txn,
        "SELECT pg_advisory_xact_lock_shared(hashtext($1))",
        name,
    )
    .await
}

async fn take(txn: &impl ConnectionTrait, postgres: &str, name: &str) -> Result<(), DbErr> {
    if txn.get_database_backend() == DbBackend::Postgres {
        txn.execute_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            postgres,
            [name.into()],
        ))
        .await?;
    }
    Ok(())
}
