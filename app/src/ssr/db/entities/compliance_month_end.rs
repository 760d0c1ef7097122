use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "compliance_month_ends")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub month_end: Date,
    #[sea_orm(primary_key, auto_increment = false)]
    pub course_id: i64,
    /// The department's id, 0 for people without one.
    #[sea_orm(primary_key, auto_increment = false)]
    pub department_key: i64,
    pub up_to_date: i64,
    pub assigned: i64,
    pub computed_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
