use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "courses")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    #[sea_orm(unique)]
    pub slug: String,
    pub kind: String,
    pub title: String,
    pub summary: String,
    pub current_version_id: Option<i64>,
    pub created_at: DateTimeUtc,
    pub retired_at: Option<DateTimeUtc>,
    pub retired_by: Option<i64>,
    pub retired_reason: Option<String>,
    /// The source hash of the course folder at its last import from git.
    pub git_source_hash: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
