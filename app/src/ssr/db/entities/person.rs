use sea_orm::entity::prelude::*;

/// A person row. Holds the password hash, so it is deliberately not `Serialize`; pages get
/// DTOs built from it instead.
#[derive(Clone, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "people")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    #[sea_orm(unique)]
    pub public_id: String,
    #[sea_orm(unique)]
    pub email: String,
    pub name: String,
    pub department_id: Option<i64>,
    pub job_title: String,
    pub hire_date: Date,
    pub manager_id: Option<i64>,
    pub active: bool,
    pub is_compliance_admin: bool,
    pub is_platform_admin: bool,
    pub password_hash: Option<String>,
    pub sessions_valid_after: DateTimeUtc,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub deactivated_at: Option<DateTimeUtc>,
}

// Hand-written so the password hash never reaches a log line.
impl std::fmt::Debug for Model {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Person")
            .field("id", &self.id)
            .field("public_id", &self.public_id)
            .field("email", &self.email)
            .field("active", &self.active)
            .finish_non_exhaustive()
    }
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
