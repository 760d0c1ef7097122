use sea_orm::entity::prelude::*;

/// An API token. Only the SHA-256 of its secret is kept; `hint` is its last four characters,
/// to tell tokens apart.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "api_tokens")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub name: String,
    /// `Scope` spelling.
    pub scope: String,
    #[sea_orm(unique)]
    pub token_hash: String,
    pub hint: String,
    /// Who made it in the browser (`None`: on the server's command line).
    pub created_by: Option<i64>,
    pub created_at: DateTimeUtc,
    pub expires_at: DateTimeUtc,
    pub last_used_at: Option<DateTimeUtc>,
    pub revoked_at: Option<DateTimeUtc>,
    pub revoked_by: Option<i64>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
