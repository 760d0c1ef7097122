use sea_orm::entity::prelude::*;

/// "Forgot your password?" as typed, handled later by the mail worker so that the answer and
/// its timing never depend on whether the address belongs to anyone.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "password_reset_requests")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub account_key: String,
    pub client_addr: String,
    pub requested_at: DateTimeUtc,
    pub processed_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
