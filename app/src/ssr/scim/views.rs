//! People and job roles as SCIM shows them, built in a fixed number of queries per page.

use std::collections::HashMap;

use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter};
use serde_json::{Map, Value};

use crate::domain::scim::group::GroupView;
use crate::domain::scim::user::{Reference, UserView};
use crate::ssr::db::entities::{job_role, person, person_role};
use crate::ssr::db::{directory_users, people};

/// What Vigil keeps only as sent, parsed.
pub fn kept(person: &person::Model) -> Map<String, Value> {
    person
        .directory_attributes
        .as_deref()
        .and_then(|json| serde_json::from_str::<Value>(json).ok())
        .and_then(|value| value.as_object().cloned())
        .unwrap_or_default()
}

/// Whether the directory manages the person's presentation (it has written them).
fn from_directory(person: &person::Model) -> bool {
    person.user_name.is_some()
}

/// The name other resources show for a person: theirs, unless the directory gave none.
pub fn display_of(person: &person::Model) -> Option<String> {
    (!from_directory(person) || kept(person).contains_key("displayName"))
        .then(|| person.name.clone())
}

/// Users for these people.
pub async fn users(
    db: &impl ConnectionTrait,
    everyone: &[person::Model],
) -> Result<Vec<UserView>, DbErr> {
    let departments = people::department_names(db).await?;
    let ids: Vec<i64> = everyone.iter().map(|p| p.id).collect();
    let roles = roles_of(db, &ids).await?;
    let manager_ids: Vec<i64> = everyone.iter().filter_map(|p| p.manager_id).collect();
    let managers: HashMap<i64, person::Model> = people::with_ids(db, &manager_ids)
        .await?
        .into_iter()
        .map(|m| (m.id, m))
        .collect();
    Ok(everyone
        .iter()
        .map(|person| {
            let kept = kept(person);
            let directory = from_directory(person);
            let emails = if directory {
                kept.get("emails")
                    .and_then(Value::as_array)
                    .map(|items| {
                        items
                            .iter()
                            .filter_map(|e| e.as_object().cloned())
                            .collect()
                    })
                    .unwrap_or_default()
            } else {
                let mut work = Map::new();
                work.insert("value".into(), Value::String(person.email.clone()));
                work.insert("type".into(), Value::String("work".into()));
                work.insert("primary".into(), Value::Bool(true));
                vec![work]
            };
            UserView {
                id: person.public_id.clone(),
                external_id: person.external_id.clone(),
                user_name: person
                    .user_name
                    .clone()
                    .unwrap_or_else(|| person.email.clone()),
                name: kept.get("name").and_then(Value::as_object).cloned(),
                display_name: display_of(person),
                title: Some(person.job_title.clone()).filter(|t| !t.is_empty()),
                active: person.active,
                emails,
                employee_number: person.employee_number.clone(),
                department: person
                    .department_id
                    .and_then(|d| departments.get(&d).cloned()),
                manager: person
                    .manager_id
                    .and_then(|m| managers.get(&m))
                    .map(|m| Reference {
                        id: m.public_id.clone(),
                        display: display_of(m),
                    }),
                preferred_language: person.language.clone(),
                groups: roles.get(&person.id).cloned().unwrap_or_default(),
                created: person.created_at,
                last_modified: person.updated_at,
            }
        })
        .collect())
}

/// Each person's job roles as group references.
async fn roles_of(
    db: &impl ConnectionTrait,
    ids: &[i64],
) -> Result<HashMap<i64, Vec<Reference>>, DbErr> {
    let roles: HashMap<i64, job_role::Model> = job_role::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|r| (r.id, r))
        .collect();
    let mut by_person: HashMap<i64, Vec<Reference>> = HashMap::new();
    for chunk in ids.chunks(1_000) {
        let links = person_role::Entity::find()
            .filter(person_role::Column::PersonId.is_in(chunk.iter().copied()))
            .all(db)
            .await?;
        for link in links {
            if let Some(role) = roles.get(&link.role_id) {
                by_person
                    .entry(link.person_id)
                    .or_default()
                    .push(Reference {
                        id: role.slug.clone(),
                        display: Some(role.name.clone()),
                    });
            }
        }
    }
    for groups in by_person.values_mut() {
        groups.sort_by(|a, b| a.id.cmp(&b.id));
    }
    Ok(by_person)
}

/// A group for a job role; its members only when asked (the `employee` role holds everyone).
pub async fn group(
    db: &impl ConnectionTrait,
    role: &job_role::Model,
    with_members: bool,
) -> Result<GroupView, DbErr> {
    let members = if with_members {
        let ids = directory_users::member_ids(db, role.id).await?;
        people::with_ids(db, &ids)
            .await?
            .iter()
            .map(|p| Reference {
                id: p.public_id.clone(),
                display: display_of(p),
            })
            .collect()
    } else {
        Vec::new()
    };
    Ok(GroupView {
        id: role.slug.clone(),
        external_id: role.external_id.clone(),
        display_name: role.name.clone(),
        members,
    })
}
