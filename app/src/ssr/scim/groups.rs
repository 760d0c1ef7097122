//! SCIM Groups: Vigil's job roles. Creating a group creates a role (no course is assigned by it
//! until a rule names it); members are the people holding the role. The `employee` role holds
//! everyone and its members cannot be changed; a role that shipped with Vigil or that a course
//! rule names cannot be deleted.

use std::collections::BTreeSet;

use chrono::Utc;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ConnectionTrait, EntityTrait};
use serde_json::{Value, json};

use super::views;
use super::{Scim, db_error};
use crate::domain::job_role::{EMPLOYEE, seeded};
use crate::domain::scim::filter::Filter;
use crate::domain::scim::group::{self, GroupInput};
use crate::domain::scim::{GROUP_SCHEMA, ScimError, ScimType, patch};
use crate::ssr::db::audit::{self, AuditEntry};
use crate::ssr::db::entities::job_role;
use crate::ssr::db::{directory_users, history, lock};

fn not_found() -> ScimError {
    ScimError::not_found("No group has that id.")
}

/// A group's representation, with its members unless `members` is excluded.
pub async fn get(scim: &Scim<'_>, id: &str, with_members: bool) -> Result<Value, ScimError> {
    let role = directory_users::group(scim.db, id)
        .await
        .map_err(db_error)?
        .ok_or_else(not_found)?;
    let view = views::group(scim.db, &role, with_members)
        .await
        .map_err(db_error)?;
    Ok(group::to_resource(&view, &scim.base))
}

/// A page of groups matching `filter`, and how many match.
pub async fn list(
    scim: &Scim<'_>,
    filter: Option<&Filter>,
    start: usize,
    count: usize,
    with_members: bool,
) -> Result<(Vec<Value>, usize), ScimError> {
    let roles = directory_users::groups(scim.db).await.map_err(db_error)?;
    let mut matching = Vec::new();
    for role in &roles {
        // Members are read only when a filter needs them or the answer shows them.
        let view = views::group(scim.db, role, with_members || filter.is_some())
            .await
            .map_err(db_error)?;
        let resource = group::to_resource(&view, &scim.base);
        if filter.is_none_or(|f| f.matches(&resource, &group::case_exact)) {
            matching.push(resource);
        }
    }
    let total = matching.len();
    Ok((
        matching
            .into_iter()
            .skip(start.saturating_sub(1))
            .take(count)
            .collect(),
        total,
    ))
}

/// Creates a job role (201).
pub async fn create(scim: &Scim<'_>, body: &Value) -> Result<Value, ScimError> {
    let input = group::read(body)?;
    let now = Utc::now();
    let txn = crate::ssr::db::begin(scim.db).await.map_err(db_error)?;
    lock::exclusive(&txn, "people-directory")
        .await
        .map_err(db_error)?;
    let roles = directory_users::groups(&txn).await.map_err(db_error)?;
    name_free(&roles, &input.display_name, None)?;
    let slug = free_slug(&input.display_name, &roles);
    let role = job_role::ActiveModel {
        slug: Set(slug),
        name: Set(input.display_name.clone()),
        description: Set("Provisioned from the organisation's directory.".to_owned()),
        external_id: Set(input.external_id.clone()),
        ..Default::default()
    }
    .insert(&txn)
    .await
    .map_err(db_error)?;
    let touched = set_members(&txn, &role, input.members.as_deref()).await?;
    history::record_people(&txn, Some(&touched), now)
        .await
        .map_err(db_error)?;
    record(&txn, scim, "job_role.add", &role, None, &input, now).await?;
    txn.commit().await.map_err(db_error)?;
    recompute(scim, &touched).await;
    get(scim, &role.slug, true).await
}

/// Replaces a group with the body: its name, externalId and (when given) members.
pub async fn replace(scim: &Scim<'_>, id: &str, body: &Value) -> Result<Value, ScimError> {
    let mut input = group::read(body)?;
    // A replacement without members has none.
    input.members.get_or_insert_with(Vec::new);
    update(scim, id, input).await
}

/// Applies PATCH operations to the group's representation, then stores it.
pub async fn patch(scim: &Scim<'_>, id: &str, body: &Value) -> Result<Value, ScimError> {
    let operations = patch::parse_request(body, &[])?;
    let mut current = get(scim, id, true).await?;
    patch::apply(&mut current, &operations, &[])?;
    if let Some(object) = current.as_object_mut() {
        object.remove("meta");
        object.insert("schemas".into(), json!([GROUP_SCHEMA]));
        object.entry("members").or_insert(json!([]));
    }
    let input = group::read(&current)?;
    update(scim, id, input).await
}

async fn update(scim: &Scim<'_>, id: &str, input: GroupInput) -> Result<Value, ScimError> {
    let now = Utc::now();
    let txn = crate::ssr::db::begin(scim.db).await.map_err(db_error)?;
    lock::exclusive(&txn, "people-directory")
        .await
        .map_err(db_error)?;
    let role = directory_users::group(&txn, id)
        .await
        .map_err(db_error)?
        .ok_or_else(not_found)?;
    let roles = directory_users::groups(&txn).await.map_err(db_error)?;
    name_free(&roles, &input.display_name, Some(role.id))?;
    let before = json!({"name": role.name, "external_id": role.external_id});
    let updated = job_role::ActiveModel {
        id: Set(role.id),
        name: Set(input.display_name.clone()),
        external_id: Set(input.external_id.clone()),
        ..Default::default()
    }
    .update(&txn)
    .await
    .map_err(db_error)?;
    let touched = set_members(&txn, &updated, input.members.as_deref()).await?;
    history::record_people(&txn, Some(&touched), now)
        .await
        .map_err(db_error)?;
    record(
        &txn,
        scim,
        "job_role.update",
        &updated,
        Some(before),
        &input,
        now,
    )
    .await?;
    txn.commit().await.map_err(db_error)?;
    recompute(scim, &touched).await;
    get(scim, id, true).await
}

/// Deletes a job role: its holders lose it. Refused for roles Vigil ships and roles a course
/// rule names.
pub async fn delete(scim: &Scim<'_>, id: &str) -> Result<(), ScimError> {
    let now = Utc::now();
    let txn = crate::ssr::db::begin(scim.db).await.map_err(db_error)?;
    lock::exclusive(&txn, "people-directory")
        .await
        .map_err(db_error)?;
    let role = directory_users::group(&txn, id)
        .await
        .map_err(db_error)?
        .ok_or_else(not_found)?;
    if seeded(&role.slug).is_some() {
        return Err(ScimError::bad(
            ScimType::Mutability,
            format!(
                "\"{}\" is one of the job roles Vigil's courses are assigned by; it cannot be deleted.",
                role.name
            ),
        ));
    }
    if directory_users::role_in_rules(&txn, &role.slug)
        .await
        .map_err(db_error)?
    {
        return Err(ScimError::bad(
            ScimType::Mutability,
            format!(
                "A course's rule assigns training to \"{}\"; change the rule before deleting the role.",
                role.name
            ),
        ));
    }
    let members = directory_users::clear_role(&txn, role.id)
        .await
        .map_err(db_error)?;
    job_role::Entity::delete_by_id(role.id)
        .exec(&txn)
        .await
        .map_err(db_error)?;
    history::record_people(&txn, Some(&members), now)
        .await
        .map_err(db_error)?;
    audit::record(
        &txn,
        AuditEntry {
            actor: scim.actor(),
            action: "job_role.remove",
            subject: format!("job_role:{}", role.slug),
            before: Some(json!({"name": role.name, "members": members.len()})),
            after: None,
            reason: Some("SCIM provisioning".to_owned()),
        },
        now,
    )
    .await
    .map_err(db_error)?;
    txn.commit().await.map_err(db_error)?;
    recompute(scim, &members).await;
    Ok(())
}

/// Refuses a name another role (not `except`) has, ignoring case.
fn name_free(roles: &[job_role::Model], name: &str, except: Option<i64>) -> Result<(), ScimError> {
    if roles
        .iter()
        .any(|r| Some(r.id) != except && r.name.eq_ignore_ascii_case(name))
    {
        return Err(ScimError::bad(
            ScimType::Uniqueness,
            format!("A job role named \"{name}\" already exists."),
        ));
    }
    Ok(())
}

/// A slug for a new role from its name, not yet used.
fn free_slug(name: &str, roles: &[job_role::Model]) -> String {
    let mut base: String = name
        .to_lowercase()
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect();
    base = base
        .split('-')
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join("-");
    base.truncate(60);
    if base.is_empty() {
        base = "role".to_owned();
    }
    let mut slug = base.clone();
    let mut n = 2;
    while roles.iter().any(|r| r.slug == slug) {
        slug = format!("{base}-{n}");
        n += 1;
    }
    slug
}

/// Makes the role's holders exactly `wanted` (user ids); returns the people whose roles changed.
async fn set_members(
    txn: &impl ConnectionTrait,
    role: &job_role::Model,
    wanted: Option<&[String]>,
) -> Result<Vec<i64>, ScimError> {
    let Some(wanted) = wanted else {
        return Ok(Vec::new());
    };
    let mut wanted_ids = BTreeSet::new();
    for id in wanted {
        let person = directory_users::user(txn, id)
            .await
            .map_err(db_error)?
            .ok_or_else(|| {
                ScimError::bad(
                    ScimType::InvalidValue,
                    format!("No user has the id \"{id}\"."),
                )
            })?;
        wanted_ids.insert(person.id);
    }
    let current: BTreeSet<i64> = directory_users::member_ids(txn, role.id)
        .await
        .map_err(db_error)?
        .into_iter()
        .collect();
    if wanted_ids == current {
        return Ok(Vec::new());
    }
    if role.slug == EMPLOYEE {
        return Err(ScimError::bad(
            ScimType::Mutability,
            "Everybody holds the employee role; its members cannot be changed.",
        ));
    }
    let add: Vec<i64> = wanted_ids.difference(&current).copied().collect();
    let remove: Vec<i64> = current.difference(&wanted_ids).copied().collect();
    directory_users::set_membership(txn, role.id, &add, &remove)
        .await
        .map_err(db_error)?;
    let mut touched = add;
    touched.extend(remove);
    Ok(touched)
}

async fn record(
    txn: &impl ConnectionTrait,
    scim: &Scim<'_>,
    action: &'static str,
    role: &job_role::Model,
    before: Option<Value>,
    input: &GroupInput,
    now: chrono::DateTime<Utc>,
) -> Result<(), ScimError> {
    audit::record(
        txn,
        AuditEntry {
            actor: scim.actor(),
            action,
            subject: format!("job_role:{}", role.slug),
            before,
            after: Some(json!({"name": role.name, "external_id": role.external_id, "members": input.members.as_ref().map(Vec::len)})),
            reason: Some("SCIM provisioning".to_owned()),
        },
        now,
    )
    .await
    .map_err(db_error)
}

async fn recompute(scim: &Scim<'_>, people: &[i64]) {
    for person_id in people {
        if let Err(err) =
            crate::ssr::training::engine::recompute_person(scim.db, scim.engine, *person_id).await
        {
            tracing::error!(error = %err, person_id, "recomputing training after a SCIM group change failed");
        }
    }
}
