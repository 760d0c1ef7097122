use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "completion_records")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    #[sea_orm(unique)]
    pub sequence: i64,
    pub kind: String,
    pub person_id: i64,
    pub course_id: i64,
    pub version_id: i64,
    pub content_hash: String,
    pub score: Option<i32>,
    pub passed: bool,
    pub answers_json: Option<String>,
    pub started_at: Option<DateTimeUtc>,
    pub finished_at: DateTimeUtc,
    pub recorded_at: DateTimeUtc,
    pub actor_id: Option<i64>,
    pub reason: Option<String>,
    pub voids_sequence: Option<i64>,
    pub session_id: Option<i64>,
    /// The language it was taken in (a BCP 47 tag); none before translations existed, and for
    /// records no language applies to.
    pub language: Option<String>,
    pub prev_hash: String,
    pub record_hash: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
