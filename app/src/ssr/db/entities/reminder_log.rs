use sea_orm::entity::prelude::*;

/// One reminder entry: who was told about whose obligation, why, and in which message.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "reminder_log")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub subject_person_id: i64,
    /// 0 when not about one course.
    pub course_id: i64,
    pub trigger: String,
    pub trigger_on: Date,
    pub recipient_person_id: i64,
    /// The manager who asked, for a manual reminder.
    pub requested_by: Option<i64>,
    pub outbox_id: i64,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
