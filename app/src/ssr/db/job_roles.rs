//! Job roles.

use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait,
    QueryFilter, QueryOrder,
};

use super::entities::job_role::{self, Column, Entity};
use crate::domain::job_role::SEEDED_JOB_ROLES;

/// Adds any seeded role that is missing; leaves existing ones (and their edits) alone.
pub async fn seed(db: &impl ConnectionTrait) -> Result<(), DbErr> {
    for role in SEEDED_JOB_ROLES {
        if Entity::find()
            .filter(Column::Slug.eq(role.slug))
            .one(db)
            .await?
            .is_none()
        {
            job_role::ActiveModel {
                slug: Set(role.slug.to_owned()),
                name: Set(role.name.to_owned()),
                description: Set(role.description.to_owned()),
                ..Default::default()
            }
            .insert(db)
            .await?;
        }
    }
    Ok(())
}

/// Every role, by name.
pub async fn all(db: &impl ConnectionTrait) -> Result<Vec<job_role::Model>, DbErr> {
    Entity::find().order_by_asc(Column::Name).all(db).await
}

/// Roles with the given slugs; unknown slugs are simply absent from the result.
pub async fn by_slugs(
    db: &impl ConnectionTrait,
    slugs: &[String],
) -> Result<Vec<job_role::Model>, DbErr> {
    Entity::find()
        .filter(Column::Slug.is_in(slugs.iter().cloned()))
        .all(db)
        .await
}
