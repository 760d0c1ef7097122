use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "exemptions")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub person_id: i64,
    pub course_id: i64,
    pub reason: String,
    pub starts_on: Date,
    pub expires_on: Option<Date>,
    pub created_at: DateTimeUtc,
    pub created_by: Option<i64>,
    pub revoked_at: Option<DateTimeUtc>,
    pub revoked_by: Option<i64>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
