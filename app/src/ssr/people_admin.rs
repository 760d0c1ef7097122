//! Adding people, changing their roles and deactivating them: validation from the domain,
//! storage through the repositories. Used by the command line and the admin pages.

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::{DatabaseConnection, DbErr, SqlErr, TransactionTrait};

use super::auth::password;
use super::db::{entities::person, job_roles, people};
use super::internal;
use crate::domain::{
    email::EmailAddress,
    job_role::EMPLOYEE,
    password_policy::NewPassword,
    person::{optional_text, required_text},
};
use crate::error::{AppError, Conflict, Field, Invalid, Resource};

/// What an administrator supplies for a new person.
#[derive(Default)]
pub struct NewPerson {
    pub email: String,
    pub name: String,
    pub department: Option<String>,
    pub job_title: String,
    pub hire_date: NaiveDate,
    pub manager_email: Option<String>,
    pub roles: Vec<String>,
    pub compliance_admin: bool,
    pub platform_admin: bool,
    /// Without a password the person cannot sign in until one is set.
    pub password: Option<String>,
}

/// Validates and stores a new person with their roles. Every person holds the `employee` role.
pub async fn add_person(
    db: &DatabaseConnection,
    input: NewPerson,
    now: DateTime<Utc>,
) -> Result<person::Model, AppError> {
    let email = EmailAddress::parse(&input.email)?;
    let name = required_text(&input.name, Field::Name)?;
    let job_title = optional_text(&input.job_title, Field::JobTitle)?.unwrap_or_default();
    let department = input
        .department
        .as_deref()
        .map(|d| optional_text(d, Field::Department))
        .transpose()?
        .flatten();
    let password_hash = match input.password {
        Some(candidate) => Some(hash_new_password(&candidate, email.as_str()).await?),
        None => None,
    };
    if people::find_by_email(db, email.as_str()).await?.is_some() {
        return Err(Conflict::EmailTaken.into());
    }
    let manager_id = match input
        .manager_email
        .as_deref()
        .filter(|m| !m.trim().is_empty())
    {
        Some(manager) => Some(active_person_by_email(db, manager).await?.id),
        None => None,
    };
    let role_ids = role_ids_for(db, &input.roles).await?;

    let txn = db.begin().await?;
    let department_id = match department {
        Some(name) => Some(people::department_named(&txn, &name, now).await?.id),
        None => None,
    };
    let row = people::NewPersonRow {
        public_id: uuid::Uuid::new_v4().to_string(),
        email: email.as_str().to_owned(),
        name,
        department_id,
        job_title,
        hire_date: input.hire_date,
        manager_id,
        is_compliance_admin: input.compliance_admin,
        is_platform_admin: input.platform_admin,
        password_hash,
    };
    let person = people::insert(&txn, row, now)
        .await
        .map_err(email_conflict)?;
    people::replace_roles(&txn, person.id, &role_ids).await?;
    txn.commit().await?;
    Ok(person)
}

/// Replaces a person's job roles (always keeping `employee`) and, when given, admin flags.
pub async fn set_roles(
    db: &DatabaseConnection,
    email: &str,
    roles: &[String],
    compliance_admin: Option<bool>,
    platform_admin: Option<bool>,
    now: DateTime<Utc>,
) -> Result<person::Model, AppError> {
    let person = person_by_email(db, email).await?;
    let role_ids = role_ids_for(db, roles).await?;
    let txn = db.begin().await?;
    people::replace_roles(&txn, person.id, &role_ids).await?;
    if compliance_admin.is_some() || platform_admin.is_some() {
        people::set_admin_flags(
            &txn,
            person.id,
            compliance_admin.unwrap_or(person.is_compliance_admin),
            platform_admin.unwrap_or(person.is_platform_admin),
            now,
        )
        .await?;
    }
    txn.commit().await?;
    Ok(people::find_by_id(db, person.id).await?.unwrap_or(person))
}

/// Deactivates a person: their sessions end at once and they owe no more training.
pub async fn deactivate(
    db: &DatabaseConnection,
    email: &str,
    now: DateTime<Utc>,
) -> Result<person::Model, AppError> {
    let person = person_by_email(db, email).await?;
    if !person.active {
        return Err(Conflict::AlreadyDeactivated.into());
    }
    people::deactivate(db, person.id, now).await?;
    Ok(people::find_by_id(db, person.id).await?.unwrap_or(person))
}

/// Sets a new password (for the command line and administrators) and ends existing sessions.
pub async fn set_password(
    db: &DatabaseConnection,
    email: &str,
    candidate: &str,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let person = person_by_email(db, email).await?;
    let hash = hash_new_password(candidate, &person.email).await?;
    people::set_password_hash(db, person.id, hash, now).await?;
    Ok(())
}

/// One person as listed for administrators.
pub struct Listing {
    pub person: person::Model,
    pub department: Option<String>,
    pub manager_email: Option<String>,
    pub roles: Vec<String>,
}

/// Everybody, with department, manager and roles.
pub async fn list(db: &DatabaseConnection) -> Result<Vec<Listing>, AppError> {
    let everyone = people::all(db).await?;
    let mut listings = Vec::with_capacity(everyone.len());
    for person in &everyone {
        let manager_email = person
            .manager_id
            .and_then(|id| everyone.iter().find(|candidate| candidate.id == id))
            .map(|manager| manager.email.clone());
        listings.push(Listing {
            department: people::department_name(db, person.department_id).await?,
            roles: people::role_slugs(db, person.id).await?,
            manager_email,
            person: person.clone(),
        });
    }
    Ok(listings)
}

/// Checks a proposed password against the policy and hashes it off the async threads.
pub async fn hash_new_password(candidate: &str, email: &str) -> Result<String, AppError> {
    let password = NewPassword::parse(candidate, email)?;
    tokio::task::spawn_blocking(move || password::hash(&password))
        .await
        .map_err(|err| internal("password hashing task", err))?
        .map_err(|err| internal("password hashing", err))
}

async fn person_by_email(db: &DatabaseConnection, email: &str) -> Result<person::Model, AppError> {
    let email = EmailAddress::parse(email)?;
    people::find_by_email(db, email.as_str())
        .await?
        .ok_or(AppError::NotFound(Resource::Person))
}

async fn active_person_by_email(
    db: &DatabaseConnection,
    email: &str,
) -> Result<person::Model, AppError> {
    Some(person_by_email(db, email).await?)
        .filter(|p| p.active)
        .ok_or(AppError::NotFound(Resource::Person))
}

async fn role_ids_for(db: &DatabaseConnection, slugs: &[String]) -> Result<Vec<i64>, AppError> {
    let mut wanted: Vec<String> = slugs
        .iter()
        .map(|s| s.trim().to_owned())
        .filter(|s| !s.is_empty())
        .collect();
    wanted.push(EMPLOYEE.to_owned());
    wanted.sort_unstable();
    wanted.dedup();
    let found = job_roles::by_slugs(db, &wanted).await?;
    if found.len() != wanted.len() {
        return Err(Invalid::UnknownJobRole.into());
    }
    Ok(found.into_iter().map(|role| role.id).collect())
}

// Two administrators adding the same address at once: the unique index decides.
fn email_conflict(err: DbErr) -> AppError {
    match err.sql_err() {
        Some(SqlErr::UniqueConstraintViolation(_)) => Conflict::EmailTaken.into(),
        _ => err.into(),
    }
}
