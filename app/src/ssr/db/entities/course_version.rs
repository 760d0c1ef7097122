use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "course_versions")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub course_id: i64,
    pub version: i32,
    pub content_hash: String,
    pub title: String,
    pub metadata_json: String,
    pub source_json: String,
    pub rendered_json: String,
    pub material: bool,
    pub notes: String,
    pub published_at: DateTimeUtc,
    pub published_by: Option<i64>,
    pub published_via: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
