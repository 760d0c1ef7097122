use sea_orm::entity::prelude::*;

/// One checkpoint queued for one witness, and the outbox message that carries it.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "ledger_witness_sends")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub witness_id: i64,
    #[sea_orm(primary_key, auto_increment = false)]
    pub tree_size: i64,
    pub outbox_message_id: i64,
    pub queued_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
