use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "compliance_state")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub person_id: i64,
    #[sea_orm(primary_key, auto_increment = false)]
    pub course_id: i64,
    pub version_id: i64,
    pub status: String,
    pub assigned_on: Date,
    pub due_on: Date,
    /// The first deadline of this assignment: `assigned_on` moved on by the due period.
    pub first_due_on: Option<Date>,
    pub completed_on: Option<Date>,
    pub completion_sequence: Option<i64>,
    pub valid_until: Option<Date>,
    pub exemption_id: Option<i64>,
    pub computed_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
