use sea_orm::entity::prelude::*;

/// A perfect subtree of the ledger's Merkle tree: level 0 is a record's leaf hash; level `l`,
/// index `i` the root of leaves `i·2^l .. (i+1)·2^l`. Append-only.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "ledger_tree")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub level: i16,
    #[sea_orm(primary_key, auto_increment = false)]
    pub idx: i64,
    /// SHA-256, lower-case hex.
    pub hash: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
