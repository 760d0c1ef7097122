use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "quiz_attempts")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub person_id: i64,
    pub course_id: i64,
    pub version_id: i64,
    pub drawn_json: String,
    pub started_at: DateTimeUtc,
    pub submitted_at: Option<DateTimeUtc>,
    pub record_sequence: Option<i64>,
    /// The language the attempt is shown in, fixed when it starts.
    pub language: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
