use sea_orm::entity::prelude::*;

/// A review of the training programme (PCI DSS 12.6.2), as recorded by a compliance
/// administrator. Reviews are never edited: a correction is a new review.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "programme_reviews")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub reviewed_on: Date,
    /// Who took part, as written.
    pub reviewers: String,
    /// What was reviewed and concluded.
    pub summary: String,
    /// What changes were decided (empty: none).
    pub changes: String,
    pub next_review_on: Date,
    pub recorded_at: DateTimeUtc,
    pub recorded_by: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
