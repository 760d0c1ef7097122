use sea_orm::entity::prelude::*;

/// Someone who is sent the ledger's checkpoints: an email address or a URL to POST to.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "ledger_witnesses")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub name: String,
    pub target: String,
    /// `WitnessCadence` spelling.
    pub cadence: String,
    pub created_at: DateTimeUtc,
    pub created_by: Option<i64>,
    pub removed_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
