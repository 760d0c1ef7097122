//! Session tokens ended by signing out, kept until they would have expired anyway.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Alias, Expr, ExprTrait, Query};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait,
    FromQueryResult, QueryFilter, QuerySelect,
};

use super::entities::revoked_session::{self, Column, Entity};
use super::entities::{department, person};

/// Records that the token `token_id` must no longer be accepted.
pub async fn revoke(
    db: &impl ConnectionTrait,
    token_id: &str,
    person_id: i64,
    expires_at: DateTime<Utc>,
) -> Result<(), DbErr> {
    if Entity::find_by_id(token_id.to_owned())
        .one(db)
        .await?
        .is_some()
    {
        return Ok(());
    }
    revoked_session::ActiveModel {
        token_id: Set(token_id.to_owned()),
        person_id: Set(person_id),
        expires_at: Set(expires_at),
    }
    .insert(db)
    .await
    .map(|_| ())
}

/// A session token's holder, with everything checking the session needs besides the person.
#[derive(Clone, Debug, FromQueryResult)]
pub struct SessionHolder {
    #[sea_orm(nested)]
    pub person: person::Model,
    /// The token was signed out.
    pub revoked: bool,
    /// Somebody active reports to the person (who may then see their team).
    pub has_active_reports: bool,
    /// The name of the person's department, if they are in one.
    pub department_name: Option<String>,
}

/// The person with public id `public_id`, whether token `token_id` was revoked, whether the
/// person has an active report, and their department's name, in one statement (every signed-in
/// request asks).
pub async fn holder(
    db: &impl ConnectionTrait,
    public_id: &str,
    token_id: &str,
) -> Result<Option<SessionHolder>, DbErr> {
    let reports = Alias::new("reports");
    let has_reports = Query::select()
        .expr(Expr::val(1))
        .from_as(person::Entity, reports.clone())
        .and_where(
            Expr::col((reports.clone(), person::Column::ManagerId))
                .equals((person::Entity, person::Column::Id)),
        )
        .and_where(Expr::col((reports, person::Column::Active)).eq(true))
        .to_owned();
    let revoked = Query::select()
        .expr(Expr::val(1))
        .from(Entity)
        .and_where(Expr::col((Entity, Column::TokenId)).eq(token_id))
        .to_owned();
    let department_name = Query::select()
        .column((department::Entity, department::Column::Name))
        .from(department::Entity)
        .and_where(
            Expr::col((department::Entity, department::Column::Id))
                .equals((person::Entity, person::Column::DepartmentId)),
        )
        .to_owned();
    person::Entity::find()
        .filter(person::Column::PublicId.eq(public_id))
        .expr_as(Expr::exists(revoked), "revoked")
        .expr_as(Expr::exists(has_reports), "has_active_reports")
        .expr_as(
            Expr::SubQuery(None, Box::new(department_name.into())),
            "department_name",
        )
        .into_model::<SessionHolder>()
        .one(db)
        .await
}

/// Forgets revocations of tokens that have expired by `now`.
pub async fn prune(db: &impl ConnectionTrait, now: DateTime<Utc>) -> Result<u64, DbErr> {
    Entity::delete_many()
        .filter(Column::ExpiresAt.lt(now))
        .exec(db)
        .await
        .map(|result| result.rows_affected)
}
