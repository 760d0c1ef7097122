use sea_orm::entity::prelude::*;

/// What a person's training depends on, over the interval it held (`valid_from` none: from
/// before Vigil knew them; `valid_to` none: still holds).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "person_history")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub person_id: i64,
    pub valid_from: Option<DateTimeUtc>,
    pub valid_to: Option<DateTimeUtc>,
    /// When this row was written or last rewritten (within the change that made it).
    pub changed_at: DateTimeUtc,
    pub active: bool,
    pub hire_date: Date,
    pub department_id: Option<i64>,
    pub job_title: String,
    pub manager_id: Option<i64>,
    /// The job role slugs, sorted, as a JSON array.
    pub roles_json: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
