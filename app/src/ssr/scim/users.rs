//! SCIM Users: create, read, list, replace, patch, and delete (which deactivates: the person's
//! records stay).

use chrono::{DateTime, Utc};
use sea_orm::{ActiveModelTrait, ActiveValue, ActiveValue::Set, ConnectionTrait};
use serde_json::Value;

use super::views;
use super::{Scim, app_error, db_error};
use crate::domain::admin_rights;
use crate::domain::email::EmailAddress;
use crate::domain::job_role::EMPLOYEE;
use crate::domain::scim::filter::Filter;
use crate::domain::scim::user::{self, UserInput};
use crate::domain::scim::{ENTERPRISE_SCHEMA, ScimError, ScimType, patch};
use crate::ssr::db::audit::{self, AuditEntry};
use crate::ssr::db::entities::person;
use crate::ssr::db::{account_tokens, directory_users, history, job_roles, lock, outbox, people};
use crate::ssr::mail::invitations::{self, Inviter};
use crate::ssr::people_admin;

/// Where a person without an email address in the directory is kept: `.invalid` never
/// resolves (RFC 6761), and Vigil never writes to it (`email::deliverable`).
pub const NO_ADDRESS_DOMAIN: &str = "directory.invalid";

fn not_found() -> ScimError {
    ScimError::not_found("No user has that id.")
}

async fn found(scim: &Scim<'_>, id: &str) -> Result<person::Model, ScimError> {
    directory_users::user(scim.db, id)
        .await
        .map_err(db_error)?
        .ok_or_else(not_found)
}

/// A user's representation.
pub async fn get(scim: &Scim<'_>, id: &str) -> Result<Value, ScimError> {
    let person = found(scim, id).await?;
    resource(scim, &person).await
}

async fn resource(scim: &Scim<'_>, person: &person::Model) -> Result<Value, ScimError> {
    let view = views::users(scim.db, std::slice::from_ref(person))
        .await
        .map_err(db_error)?;
    Ok(view
        .first()
        .map(|v| user::to_resource(v, &scim.base))
        .unwrap_or_default())
}

/// A page of users matching `filter`, and how many match. `start` counts from 1.
pub async fn list(
    scim: &Scim<'_>,
    filter: Option<&Filter>,
    start: usize,
    count: usize,
) -> Result<(Vec<Value>, usize), ScimError> {
    let offset = start.saturating_sub(1);
    let Some(filter) = filter else {
        let (rows, total) = directory_users::page(scim.db, offset as u64, count as u64)
            .await
            .map_err(db_error)?;
        let views = views::users(scim.db, &rows).await.map_err(db_error)?;
        return Ok((
            views
                .iter()
                .map(|v| user::to_resource(v, &scim.base))
                .collect(),
            total as usize,
        ));
    };
    // The lookups directories make before creating someone are answered from an index.
    let candidates = match filter.as_equality() {
        Some((attr, value)) => match indexed(scim, attr, value).await? {
            Some(found) => found.into_iter().collect(),
            None => directory_users::everyone(scim.db).await.map_err(db_error)?,
        },
        None => directory_users::everyone(scim.db).await.map_err(db_error)?,
    };
    let views = views::users(scim.db, &candidates).await.map_err(db_error)?;
    let matching: Vec<Value> = views
        .iter()
        .map(|v| user::to_resource(v, &scim.base))
        .filter(|r| filter.matches(r, &user::case_exact))
        .collect();
    let total = matching.len();
    Ok((
        matching.into_iter().skip(offset).take(count).collect(),
        total,
    ))
}

/// The user an index finds for `attr eq value`, for the attributes that have one (`Some`);
/// `None` for any other attribute.
async fn indexed(
    scim: &Scim<'_>,
    attr: &str,
    value: &str,
) -> Result<Option<Option<person::Model>>, ScimError> {
    let found = match attr.to_ascii_lowercase().as_str() {
        "username" => directory_users::by_user_name(scim.db, value).await,
        "externalid" => directory_users::by_external_id(scim.db, value).await,
        "id" => directory_users::user(scim.db, value).await,
        _ => return Ok(None),
    };
    found.map(Some).map_err(db_error)
}

/// Creates a user (201). A person the directory removed earlier who comes back with the same
/// email address is the same person again, with their records.
pub async fn create(scim: &Scim<'_>, body: &Value) -> Result<Value, ScimError> {
    let input = user::read(body)?;
    let acting = scim.acting().await?;
    let now = Utc::now();
    let email = chosen_address(&input)?;
    let txn = crate::ssr::db::begin(scim.db).await.map_err(db_error)?;
    lock::exclusive(&txn, "people-directory")
        .await
        .map_err(db_error)?;
    check_unique(&txn, &input, None).await?;
    let returning = match &email {
        Some(address) => match people::find_by_email(&txn, address)
            .await
            .map_err(db_error)?
        {
            Some(existing) if existing.directory_removed_at.is_some() => Some(existing),
            Some(_) => {
                return Err(ScimError::bad(
                    ScimType::Uniqueness,
                    format!(
                        "A person with the email address {address} already exists; find them with filter=userName eq \"{address}\" and update them."
                    ),
                ));
            }
            None => None,
        },
        None => None,
    };
    let manager_id = manager_of(&txn, &input, None).await?;
    let department_id = department_of(&txn, &input, now).await?;
    let (person, before) = match returning {
        Some(existing) => {
            let before = people_admin::snapshot(&txn, existing.id)
                .await
                .map_err(app_error)?;
            (existing, Some(before))
        }
        None => {
            let row = people::NewPersonRow {
                public_id: uuid::Uuid::new_v4().to_string(),
                email: email.clone().unwrap_or_else(|| {
                    format!("{}@{NO_ADDRESS_DOMAIN}", uuid::Uuid::new_v4().simple())
                }),
                name: input.shown_name(),
                department_id,
                job_title: input.title.clone().unwrap_or_default(),
                hire_date: now.date_naive(),
                manager_id,
                is_compliance_admin: false,
                is_platform_admin: false,
                password_hash: None,
                language: None,
            };
            let person = people::insert(&txn, row, now).await.map_err(db_error)?;
            let employee = job_roles::by_slugs(&txn, &[EMPLOYEE.to_owned()])
                .await
                .map_err(db_error)?;
            people::replace_roles(
                &txn,
                person.id,
                &employee.iter().map(|r| r.id).collect::<Vec<_>>(),
                now,
            )
            .await
            .map_err(db_error)?;
            (person, None)
        }
    };
    let stored = write(
        &txn,
        &acting,
        &person,
        &input,
        email.as_deref(),
        manager_id,
        department_id,
        true,
        now,
    )
    .await?;
    let action = if before.is_some() {
        "person.directory_return"
    } else {
        "person.add"
    };
    record(&txn, scim, action, &stored, before, now).await?;
    let mut invited = false;
    if stored.active
        && !scim.single_sign_on
        && scim.mail.require_on().is_ok()
        && crate::domain::email::deliverable(&stored.email)
    {
        let inviter = Inviter {
            actor: scim.actor(),
            name: "Your administrator".to_owned(),
        };
        if invitations::state_of(&txn, &stored, now)
            .await
            .map_err(app_error)?
            .can_invite()
        {
            invitations::queue_invitation(&txn, scim.mail, &stored, &inviter, now)
                .await
                .map_err(app_error)?;
            invited = true;
        }
    }
    txn.commit().await.map_err(db_error)?;
    if invited {
        scim.mail.wake();
    }
    recompute(scim, stored.id).await;
    resource(scim, &stored).await
}

/// Replaces a user with the body.
pub async fn replace(scim: &Scim<'_>, id: &str, body: &Value) -> Result<Value, ScimError> {
    let input = user::read(body)?;
    update(scim, id, input).await
}

/// Applies PATCH operations to the user's representation, then stores it as a replacement.
pub async fn patch(scim: &Scim<'_>, id: &str, body: &Value) -> Result<Value, ScimError> {
    let operations = patch::parse_request(body, &[ENTERPRISE_SCHEMA])?;
    let mut current = get(scim, id).await?;
    let had_language = current.get("preferredLanguage").is_some();
    patch::apply(&mut current, &operations, &[ENTERPRISE_SCHEMA])?;
    // `groups` is read-only and `meta` is the server's: neither is taken from a patch.
    if let Some(object) = current.as_object_mut() {
        object.remove("groups");
        object.remove("meta");
        let schemas: Vec<Value> =
            std::iter::once(Value::String(crate::domain::scim::USER_SCHEMA.into()))
                .chain(
                    object
                        .contains_key(ENTERPRISE_SCHEMA)
                        .then(|| Value::String(ENTERPRISE_SCHEMA.into())),
                )
                .collect();
        object.insert("schemas".into(), Value::Array(schemas));
        // A removed `preferredLanguage` clears the person's language; left out of a PUT, it
        // would leave the person's own choice alone.
        if had_language && !object.contains_key("preferredLanguage") {
            object.insert("preferredLanguage".into(), Value::Null);
        }
    }
    let input = user::read(&current)?;
    update(scim, id, input).await
}

async fn update(scim: &Scim<'_>, id: &str, input: UserInput) -> Result<Value, ScimError> {
    let acting = scim.acting().await?;
    let now = Utc::now();
    let email = chosen_address(&input)?;
    let txn = crate::ssr::db::begin(scim.db).await.map_err(db_error)?;
    lock::exclusive(&txn, "people-directory")
        .await
        .map_err(db_error)?;
    let person = directory_users::user(&txn, id)
        .await
        .map_err(db_error)?
        .ok_or_else(not_found)?;
    check_unique(&txn, &input, Some(person.id)).await?;
    if let Some(address) = &email
        && address != &person.email
        && people::find_by_email(&txn, address)
            .await
            .map_err(db_error)?
            .is_some()
    {
        return Err(ScimError::bad(
            ScimType::Uniqueness,
            format!("Another person already has the email address {address}."),
        ));
    }
    let manager_id = manager_of(&txn, &input, Some(person.id)).await?;
    let department_id = department_of(&txn, &input, now).await?;
    let before = people_admin::snapshot(&txn, person.id)
        .await
        .map_err(app_error)?;
    let stored = write(
        &txn,
        &acting,
        &person,
        &input,
        email.as_deref(),
        manager_id,
        department_id,
        false,
        now,
    )
    .await?;
    record(&txn, scim, "person.update", &stored, Some(before), now).await?;
    txn.commit().await.map_err(db_error)?;
    recompute(scim, stored.id).await;
    resource(scim, &stored).await
}

/// Removes a user from the directory: deactivated (sessions end, nothing more owed or sent),
/// records kept, and no longer listed. Their `userName` and `externalId` may be used again.
pub async fn delete(scim: &Scim<'_>, id: &str) -> Result<(), ScimError> {
    let acting = scim.acting().await?;
    let now = Utc::now();
    let txn = crate::ssr::db::begin(scim.db).await.map_err(db_error)?;
    lock::exclusive(&txn, "people-directory")
        .await
        .map_err(db_error)?;
    let person = directory_users::user(&txn, id)
        .await
        .map_err(db_error)?
        .ok_or_else(not_found)?;
    let before = people_admin::snapshot(&txn, person.id)
        .await
        .map_err(app_error)?;
    if person.active {
        end_activity(&txn, &acting, &person, now).await?;
    }
    directory_users::mark_removed(&txn, person.id, now)
        .await
        .map_err(db_error)?;
    record(
        &txn,
        scim,
        "person.directory_remove",
        &person,
        Some(before),
        now,
    )
    .await?;
    txn.commit().await.map_err(db_error)?;
    recompute(scim, person.id).await;
    Ok(())
}

/// The address Vigil writes to, checked.
fn chosen_address(input: &UserInput) -> Result<Option<String>, ScimError> {
    match input.chosen_email() {
        Some(address) => match EmailAddress::parse(&address) {
            Ok(parsed) => Ok(Some(parsed.as_str().to_owned())),
            // A `userName` that merely contains "@" is not an address; an email that is not is refused.
            Err(_) if input.emails.is_empty() => Ok(None),
            Err(_) => Err(ScimError::bad(
                ScimType::InvalidValue,
                format!("\"{address}\" is not an email address."),
            )),
        },
        None => Ok(None),
    }
}

async fn check_unique(
    txn: &impl ConnectionTrait,
    input: &UserInput,
    except: Option<i64>,
) -> Result<(), ScimError> {
    match directory_users::taken(txn, &input.user_name, input.external_id.as_deref(), except)
        .await
        .map_err(db_error)?
    {
        Some(attribute) => Err(ScimError::bad(
            ScimType::Uniqueness,
            format!("Another user already has that {attribute}."),
        )),
        None => Ok(()),
    }
}

/// The manager's row id. A directory may name a manager it has disabled (someone who left), so
/// any user it still has will do.
async fn manager_of(
    txn: &impl ConnectionTrait,
    input: &UserInput,
    person: Option<i64>,
) -> Result<Option<i64>, ScimError> {
    let Some(manager) = &input.manager else {
        return Ok(None);
    };
    let manager = directory_users::user(txn, manager)
        .await
        .map_err(db_error)?
        .ok_or_else(|| {
            ScimError::bad(
                ScimType::InvalidValue,
                format!("The manager \"{manager}\" is not one of the directory's users."),
            )
        })?;
    if let Some(person) = person {
        let links = people::active_links(txn).await.map_err(db_error)?;
        if crate::domain::team::would_loop(person, manager.id, &links) {
            return Err(ScimError::bad(
                ScimType::InvalidValue,
                "That manager is the user or someone below them.",
            ));
        }
    }
    Ok(Some(manager.id))
}

async fn department_of(
    txn: &impl ConnectionTrait,
    input: &UserInput,
    now: DateTime<Utc>,
) -> Result<Option<i64>, ScimError> {
    match &input.department {
        Some(name) => Ok(Some(
            people::department_named(txn, name, now)
                .await
                .map_err(db_error)?
                .id,
        )),
        None => Ok(None),
    }
}

/// Stores the input on the person, deactivating or reactivating them as `active` says.
#[allow(clippy::too_many_arguments)]
async fn write(
    txn: &impl ConnectionTrait,
    acting: &people_admin::Acting,
    person: &person::Model,
    input: &UserInput,
    email: Option<&str>,
    manager_id: Option<i64>,
    department_id: Option<i64>,
    created: bool,
    now: DateTime<Utc>,
) -> Result<person::Model, ScimError> {
    person::ActiveModel {
        id: Set(person.id),
        email: Set(email.map_or_else(|| person.email.clone(), str::to_owned)),
        name: Set(input.shown_name()),
        job_title: Set(input.title.clone().unwrap_or_default()),
        department_id: Set(department_id),
        manager_id: Set(manager_id),
        external_id: Set(input.external_id.clone()),
        employee_number: Set(input.employee_number.clone()),
        user_name: Set(Some(input.user_name.clone())),
        directory_attributes: Set(Some(input.kept_as_sent().to_string())),
        directory_removed_at: Set(None),
        language: input
            .preferred_language
            .clone()
            .map_or(ActiveValue::NotSet, Set),
        updated_at: Set(people::to_millis(now)),
        ..Default::default()
    }
    .update(txn)
    .await
    .map_err(db_error)?;
    let current = people::find_by_id(txn, person.id)
        .await
        .map_err(db_error)?
        .ok_or_else(not_found)?;
    match (current.active, input.active) {
        (true, false) => end_activity(txn, acting, &current, now).await?,
        (false, true) => reactivate(txn, current.id, now).await?,
        _ if created => {}
        _ => {
            history::record_people(txn, Some(&[current.id]), now)
                .await
                .map_err(db_error)?;
        }
    }
    if created && input.active {
        history::record_people(txn, Some(&[current.id]), now)
            .await
            .map_err(db_error)?;
    }
    people::find_by_id(txn, person.id)
        .await
        .map_err(db_error)?
        .ok_or_else(not_found)
}

/// Deactivation: sessions end, links stop working, nothing queued is sent.
async fn end_activity(
    txn: &impl ConnectionTrait,
    acting: &people_admin::Acting,
    person: &person::Model,
    now: DateTime<Utc>,
) -> Result<(), ScimError> {
    let target = admin_rights::Target {
        id: Some(person.id),
        rights: people_admin::rights_of(person),
        active: person.active,
    };
    let holders = people::admin_holders(txn).await.map_err(db_error)?;
    admin_rights::deactivate(&acting.rights, &target, holders)
        .map_err(|refused| app_error(refused.into()))?;
    people::deactivate(txn, person.id, now)
        .await
        .map_err(db_error)?;
    account_tokens::revoke(txn, person.id, None, now)
        .await
        .map_err(db_error)?;
    outbox::cancel_for_person(
        txn,
        person.id,
        "the person was deactivated before delivery",
        now,
    )
    .await
    .map_err(db_error)?;
    Ok(())
}

async fn reactivate(
    txn: &impl ConnectionTrait,
    id: i64,
    now: DateTime<Utc>,
) -> Result<(), ScimError> {
    person::ActiveModel {
        id: Set(id),
        active: Set(true),
        deactivated_at: Set(None),
        updated_at: Set(people::to_millis(now)),
        ..Default::default()
    }
    .update(txn)
    .await
    .map_err(db_error)?;
    history::record_people(txn, Some(&[id]), now)
        .await
        .map_err(db_error)?;
    Ok(())
}

async fn record(
    txn: &impl ConnectionTrait,
    scim: &Scim<'_>,
    action: &'static str,
    person: &person::Model,
    before: Option<Value>,
    now: DateTime<Utc>,
) -> Result<(), ScimError> {
    let after = people_admin::snapshot(txn, person.id)
        .await
        .map_err(app_error)?;
    audit::record(
        txn,
        AuditEntry {
            actor: scim.actor(),
            action,
            subject: format!("person:{}", person.email),
            before,
            after: Some(after),
            reason: Some("SCIM provisioning".to_owned()),
        },
        now,
    )
    .await
    .map_err(db_error)
}

/// The person's training, recomputed now: a new person is assigned theirs at once; a
/// deactivated one owes nothing more. A failure is logged; the daily run repairs it.
async fn recompute(scim: &Scim<'_>, person_id: i64) {
    if let Err(err) =
        crate::ssr::training::engine::recompute_person(scim.db, scim.engine, person_id).await
    {
        tracing::error!(error = %err, person_id, "recomputing training after a SCIM change failed");
    }
}
