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
    /// The person's identifier in the organisation's directory (SCIM `externalId`).
    #[sea_orm(unique)]
    pub external_id: Option<String>,
    /// As the directory sends it (SCIM enterprise extension `employeeNumber`).
    pub employee_number: Option<String>,
    /// SCIM `userName`, when the directory gave one (otherwise the email address serves).
    #[sea_orm(unique)]
    pub user_name: Option<String>,
    /// What the directory sent that Vigil keeps only as sent (JSON: `name`, `displayName`,
    /// `emails`); `name` and `email` above are what Vigil uses.
    pub directory_attributes: Option<String>,
    /// When the directory removed the person (SCIM DELETE): deactivated, records kept, and no
    /// longer one of the directory's users.
    pub directory_removed_at: Option<DateTimeUtc>,
    /// The language the person prefers courses in (a BCP 47 tag); none: each course's own.
    pub language: Option<String>,
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
