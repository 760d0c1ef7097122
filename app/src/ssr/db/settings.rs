//! Settings changed in the browser, as JSON by key.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::OnConflict;
use sea_orm::{ActiveValue::Set, ConnectionTrait, DbErr, EntityTrait};
use serde::{Serialize, de::DeserializeOwned};

use super::entities::setting::{self, Column, Entity};

/// The reminder schedule's key.
pub const REMINDER_SCHEDULE: &str = "reminder_schedule";

/// The setting under `key`, or `None` if it was never saved. A stored value that no longer
/// parses is an error.
pub async fn get<T: DeserializeOwned>(
    db: &impl ConnectionTrait,
    key: &str,
) -> Result<Option<T>, DbErr> {
    let Some(row) = Entity::find_by_id(key.to_owned()).one(db).await? else {
        return Ok(None);
    };
    serde_json::from_str(&row.value_json)
        .map(Some)
        .map_err(|err| DbErr::Custom(format!("setting {key} cannot be read: {err}")))
}

/// Stores a setting.
pub async fn put<T: Serialize>(
    db: &impl ConnectionTrait,
    key: &str,
    value: &T,
    by: Option<i64>,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    let json = serde_json::to_string(value)
        .map_err(|err| DbErr::Custom(format!("setting {key} cannot be written: {err}")))?;
    Entity::insert(setting::ActiveModel {
        key: Set(key.to_owned()),
        value_json: Set(json),
        updated_at: Set(now),
        updated_by: Set(by),
    })
    .on_conflict(
        OnConflict::column(Column::Key)
            .update_columns([Column::ValueJson, Column::UpdatedAt, Column::UpdatedBy])
            .to_owned(),
    )
    .exec_without_returning(db)
    .await
    .map(|_| ())
}
