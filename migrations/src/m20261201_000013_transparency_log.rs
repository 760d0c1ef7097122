//! The ledger as a transparency log (RFC 9162):
//! - `ledger_tree` keeps every perfect subtree of the Merkle tree over the completion records
//!   (level 0: each record's leaf hash; level `l`, index `i`: the root of leaves
//!   `i·2^l .. (i+1)·2^l`), so roots and proofs for any size read a few dozen rows;
//! - `ledger_checkpoints` keeps every signed checkpoint (a C2SP signed note), one per tree size;
//! - `ledger_pack_checkpoints` remembers which tree sizes evidence packs were made at, so that a
//!   later pack carries a consistency proof from each of them.
//!
//! Tree nodes and checkpoints are append-only, like the records they commit to.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use crate::run_per_backend;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum LedgerTree {
    Table,
    Level,
    Idx,
    Hash,
}

#[derive(DeriveIden)]
enum LedgerPackCheckpoints {
    Table,
    TreeSize,
    ExportedAt,
}

#[derive(DeriveIden)]
enum LedgerCheckpoints {
    Table,
    TreeSize,
    RootHash,
    Note,
    CreatedAt,
}

const APPEND_ONLY: [&str; 2] = ["ledger_tree", "ledger_checkpoints"];

fn sqlite_up() -> Vec<String> {
    APPEND_ONLY
        .iter()
        .flat_map(|table| {
            ["UPDATE", "DELETE"].map(|action| {
                format!(
                    "CREATE TRIGGER {table}_no_{} BEFORE {action} ON {table} \
                     BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END",
                    action.to_lowercase()
                )
            })
        })
        .collect()
}

fn postgres_up() -> Vec<String> {
    APPEND_ONLY
        .iter()
        .flat_map(|table| {
            [
                format!(
                    "CREATE OR REPLACE FUNCTION {table}_append_only() RETURNS trigger AS $$ \
                     BEGIN RAISE EXCEPTION '{table} is append-only'; END; $$ LANGUAGE plpgsql"
                ),
                format!(
                    "CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} \
                     FOR EACH ROW EXECUTE FUNCTION {table}_append_only()"
                ),
            ]
        })
        .collect()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(LedgerTree::Table)
                    .col(small_integer(LedgerTree::Level))
                    .col(big_integer(LedgerTree::Idx))
                    .col(string_len(LedgerTree::Hash, 64))
                    .primary_key(Index::create().col(LedgerTree::Level).col(LedgerTree::Idx))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(LedgerCheckpoints::Table)
                    .col(big_integer(LedgerCheckpoints::TreeSize).primary_key())
                    .col(string_len(LedgerCheckpoints::RootHash, 64))
                    .col(text(LedgerCheckpoints::Note))
                    .col(timestamp_with_time_zone(LedgerCheckpoints::CreatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(LedgerPackCheckpoints::Table)
                    .col(big_integer(LedgerPackCheckpoints::TreeSize))
                    .col(timestamp_with_time_zone(LedgerPackCheckpoints::ExportedAt))
                    .primary_key(
                        Index::create()
                            .col(LedgerPackCheckpoints::TreeSize)
                            .col(LedgerPackCheckpoints::ExportedAt),
                    )
                    .to_owned(),
            )
            .await?;
        run_per_backend(manager, &sqlite_up(), &postgres_up()).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(LedgerPackCheckpoints::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(LedgerCheckpoints::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(LedgerTree::Table).to_owned())
            .await?;
        let functions: Vec<String> = APPEND_ONLY
            .iter()
            .map(|table| format!("DROP FUNCTION IF EXISTS {table}_append_only()"))
            .collect();
        // SQLite drops a table's triggers with it.
        run_per_backend(manager, &[], &functions).await
    }
}
