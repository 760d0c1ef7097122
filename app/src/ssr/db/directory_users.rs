//! Queries for provisioning (SCIM): people as the directory's users, and job roles as its groups.

use sea_orm::sea_query::{Expr, ExprTrait, Func};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait,
    PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
};

use super::entities::{job_role, person, person_role};

/// People the directory still has (not removed by it).
fn listed() -> sea_orm::Select<person::Entity> {
    person::Entity::find().filter(person::Column::DirectoryRemovedAt.is_null())
}

/// A user by id.
pub async fn user(
    db: &impl ConnectionTrait,
    public_id: &str,
) -> Result<Option<person::Model>, DbErr> {
    listed()
        .filter(person::Column::PublicId.eq(public_id))
        .one(db)
        .await
}

/// The user with this `userName` (ignoring case): a stored one, or else the email address of
/// someone who has none.
pub async fn by_user_name(
    db: &impl ConnectionTrait,
    user_name: &str,
) -> Result<Option<person::Model>, DbErr> {
    let lower = user_name.trim().to_lowercase();
    if let Some(found) = listed()
        .filter(
            Expr::expr(Func::lower(Expr::col(person::Column::UserName)))
                .eq(Expr::val(lower.clone())),
        )
        .one(db)
        .await?
    {
        return Ok(Some(found));
    }
    listed()
        .filter(person::Column::UserName.is_null())
        .filter(person::Column::Email.eq(lower))
        .one(db)
        .await
}

/// The user with this `externalId` (exactly).
pub async fn by_external_id(
    db: &impl ConnectionTrait,
    external_id: &str,
) -> Result<Option<person::Model>, DbErr> {
    listed()
        .filter(person::Column::ExternalId.eq(external_id))
        .one(db)
        .await
}

/// Whether someone other than `except` has this `userName` or `externalId`.
pub async fn taken(
    db: &impl ConnectionTrait,
    user_name: &str,
    external_id: Option<&str>,
    except: Option<i64>,
) -> Result<Option<&'static str>, DbErr> {
    let other = |p: &person::Model| Some(p.id) != except;
    if by_user_name(db, user_name)
        .await?
        .is_some_and(|p| other(&p))
    {
        return Ok(Some("userName"));
    }
    if let Some(external_id) = external_id {
        let holder = person::Entity::find()
            .filter(person::Column::ExternalId.eq(external_id))
            .one(db)
            .await?;
        if holder.is_some_and(|p| other(&p)) {
            return Ok(Some("externalId"));
        }
    }
    Ok(None)
}

/// A page of users by id, and how many there are.
pub async fn page(
    db: &impl ConnectionTrait,
    offset: u64,
    limit: u64,
) -> Result<(Vec<person::Model>, u64), DbErr> {
    let total = listed().count(db).await?;
    let rows = listed()
        .order_by_asc(person::Column::Id)
        .offset(offset)
        .limit(limit)
        .all(db)
        .await?;
    Ok((rows, total))
}

/// Every user, by id (for filters that no index answers).
pub async fn everyone(db: &impl ConnectionTrait) -> Result<Vec<person::Model>, DbErr> {
    listed().order_by_asc(person::Column::Id).all(db).await
}

/// Marks a person removed by the directory: their `userName` and `externalId` are free again.
pub async fn mark_removed(
    db: &impl ConnectionTrait,
    id: i64,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<(), DbErr> {
    person::ActiveModel {
        id: Set(id),
        directory_removed_at: Set(Some(now)),
        user_name: Set(None),
        external_id: Set(None),
        ..Default::default()
    }
    .update(db)
    .await
    .map(|_| ())
}

/// A job role by slug.
pub async fn group(
    db: &impl ConnectionTrait,
    slug: &str,
) -> Result<Option<job_role::Model>, DbErr> {
    job_role::Entity::find()
        .filter(job_role::Column::Slug.eq(slug))
        .one(db)
        .await
}

/// Every job role, newest last.
pub async fn groups(db: &impl ConnectionTrait) -> Result<Vec<job_role::Model>, DbErr> {
    job_role::Entity::find()
        .order_by_asc(job_role::Column::Id)
        .all(db)
        .await
}

/// Takes a role from everyone who holds it (also people the directory removed); returns the
/// people still in the directory who held it.
pub async fn clear_role(db: &impl ConnectionTrait, role_id: i64) -> Result<Vec<i64>, DbErr> {
    let listed = member_ids(db, role_id).await?;
    person_role::Entity::delete_many()
        .filter(person_role::Column::RoleId.eq(role_id))
        .exec(db)
        .await?;
    Ok(listed)
}

/// The ids of the people (still in the directory) who hold a role.
pub async fn member_ids(db: &impl ConnectionTrait, role_id: i64) -> Result<Vec<i64>, DbErr> {
    let links: Vec<i64> = person_role::Entity::find()
        .select_only()
        .column(person_role::Column::PersonId)
        .filter(person_role::Column::RoleId.eq(role_id))
        .into_tuple()
        .all(db)
        .await?;
    let mut listed_ids = Vec::with_capacity(links.len());
    for chunk in links.chunks(1_000) {
        let ids: Vec<i64> = listed()
            .select_only()
            .column(person::Column::Id)
            .filter(person::Column::Id.is_in(chunk.iter().copied()))
            .into_tuple()
            .all(db)
            .await?;
        listed_ids.extend(ids);
    }
    listed_ids.sort_unstable();
    Ok(listed_ids)
}

/// Gives or takes a role from people.
pub async fn set_membership(
    db: &impl ConnectionTrait,
    role_id: i64,
    add: &[i64],
    remove: &[i64],
) -> Result<(), DbErr> {
    for chunk in remove.chunks(1_000) {
        person_role::Entity::delete_many()
            .filter(person_role::Column::RoleId.eq(role_id))
            .filter(person_role::Column::PersonId.is_in(chunk.iter().copied()))
            .exec(db)
            .await?;
    }
    let links: Vec<(i64, i64)> = add.iter().map(|person| (*person, role_id)).collect();
    super::people::add_roles_batch(db, &links).await
}

/// Whether any course's rule names a role.
pub async fn role_in_rules(db: &impl ConnectionTrait, slug: &str) -> Result<bool, DbErr> {
    use super::entities::course_rule;
    let quoted = format!("%\"{slug}\"%");
    Ok(course_rule::Entity::find()
        .filter(course_rule::Column::AudienceJson.like(quoted))
        .count(db)
        .await?
        > 0)
}
