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
    /// The organisation variables it was rendered with (JSON object), when it uses any.
    pub variables_json: Option<String>,
    /// SHA-256 of its files alone (`content_hash` also covers the variables); none on versions
    /// stored before it was kept, whose `content_hash` is it when they use no variables.
    pub source_hash: Option<String>,
}

impl Model {
    /// The hash of the files alone, when known.
    pub fn files_hash(&self) -> Option<&str> {
        self.source_hash.as_deref().or_else(|| {
            self.variables_json
                .is_none()
                .then_some(self.content_hash.as_str())
        })
    }
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
