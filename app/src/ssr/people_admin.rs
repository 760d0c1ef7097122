//! Adding people, changing their roles and deactivating them: validation from the domain,
//! storage through the repositories. Used by the command line and the admin pages.

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::{ConnectionTrait, DatabaseConnection, DbErr, SqlErr};

use super::auth::password;
use super::db::audit::{self, Actor, AuditEntry};
use super::db::entities::{outbox_message, person};
use super::db::{account_tokens, job_roles, lock, outbox, people};

use super::mail::MailSettings;
use super::mail::invitations::{self, Inviter};
use crate::domain::admin_rights::{self, AdminFlags, Requested, Target};
use crate::domain::{
    email::EmailAddress,
    job_role::EMPLOYEE,
    password_policy::NewPassword,
    person::{optional_text, preferred_language, required_text},
};
use crate::error::{AppError, Conflict, Field, Invalid, Resource};

/// Who is acting on the directory: whose rights are checked, and who the audit log names.
#[derive(Clone, Debug)]
pub struct Acting {
    pub rights: admin_rights::Actor,
    pub audit: Actor,
}

impl Acting {
    /// A signed-in person, with the rights the database gives them now.
    pub fn person(person: &person::Model) -> Self {
        Self {
            rights: admin_rights::Actor::Person {
                id: person.id,
                rights: rights_of(person),
            },
            audit: Actor::person(person.id, &person.name, &person.email),
        }
    }

    /// The server's operator at the command line.
    pub fn operator(label: &str) -> Self {
        Self {
            rights: admin_rights::Actor::Operator,
            audit: Actor::system(label),
        }
    }
}

/// A person's administrator rights.
pub fn rights_of(person: &person::Model) -> AdminFlags {
    AdminFlags {
        compliance: person.is_compliance_admin,
        platform: person.is_platform_admin,
    }
}

fn target_of(person: &person::Model) -> Target {
    Target {
        id: Some(person.id),
        rights: rights_of(person),
        active: person.active,
    }
}

/// The name every change to administrators and deactivations serialises on.
const DIRECTORY_LOCK: &str = "people-directory";

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
    Ok(add_person_as(db, input, None, now).await?.0)
}

/// An administrator's action: who did it, and whether to invite the person by email.
pub struct AdminAction<'a> {
    /// Whose rights allow (or not) the rights given to the new person.
    pub rights: admin_rights::Actor,
    pub inviter: &'a Inviter,
    /// Queue an invitation with these mail settings.
    pub invite: Option<&'a MailSettings>,
}

/// Adds a person. With `by`, the audit entry and (if asked) the invitation message are written
/// in the same transaction as the person: all of it happens, or none.
pub async fn add_person_as(
    db: &DatabaseConnection,
    input: NewPerson,
    by: Option<AdminAction<'_>>,
    now: DateTime<Utc>,
) -> Result<(person::Model, Option<outbox_message::Model>), AppError> {
    let email = EmailAddress::parse(&input.email)?;
    let name = required_text(&input.name, Field::Name)?;
    let job_title = optional_text(&input.job_title, Field::JobTitle)?.unwrap_or_default();
    let department = input
        .department
        .as_deref()
        .map(|d| optional_text(d, Field::Department))
        .transpose()?
        .flatten();
    if let Some(mail) = by.as_ref().and_then(|b| b.invite) {
        mail.require_on()?;
    }
    // Argon2 runs before the transaction, so no connection waits on it.
    let password_hash = match input.password {
        Some(candidate) => Some(hash_new_password(&candidate, email.as_str()).await?),
        None => None,
    };

    let txn = crate::ssr::db::begin(db).await?;
    lock::exclusive(&txn, DIRECTORY_LOCK).await?;
    if let Some(by) = &by {
        admin_rights::change(
            &by.rights,
            &Target {
                id: None,
                rights: AdminFlags::default(),
                active: true,
            },
            Requested {
                compliance: Some(input.compliance_admin),
                platform: Some(input.platform_admin),
            },
            people::admin_holders(&txn).await?,
        )?;
    }
    if people::find_by_email(&txn, email.as_str()).await?.is_some() {
        return Err(Conflict::EmailTaken.into());
    }
    let manager_id = match input
        .manager_email
        .as_deref()
        .filter(|m| !m.trim().is_empty())
    {
        Some(manager) => Some(active_person_by_email(&txn, manager).await?.id),
        None => None,
    };
    let role_ids = role_ids_for(&txn, &input.roles).await?;
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
        language: None,
    };
    let person = people::insert(&txn, row, now)
        .await
        .map_err(email_conflict)?;
    people::replace_roles(&txn, person.id, &role_ids, now).await?;
    let mut invitation = None;
    if let Some(by) = by {
        if let Some(mail) = by.invite {
            invitation =
                Some(invitations::queue_invitation(&txn, mail, &person, by.inviter, now).await?);
        }
        let after = snapshot(&txn, person.id).await?;
        audit::record(
            &txn,
            AuditEntry {
                actor: by.inviter.actor.clone(),
                action: "person.add",
                subject: format!("person:{}", person.email),
                before: None,
                after: Some(after),
                reason: None,
            },
            now,
        )
        .await?;
    }
    txn.commit().await?;
    Ok((person, invitation))
}

/// Replaces a person's job roles (always keeping `employee`) and, when given, admin flags,
/// with the audit entry, in one transaction.
pub async fn set_roles(
    db: &DatabaseConnection,
    acting: &Acting,
    email: &str,
    roles: &[String],
    compliance_admin: Option<bool>,
    platform_admin: Option<bool>,
    now: DateTime<Utc>,
) -> Result<person::Model, AppError> {
    let email = EmailAddress::parse(email)?;
    let txn = crate::ssr::db::begin(db).await?;
    lock::exclusive(&txn, DIRECTORY_LOCK).await?;
    let person = person_by_email(&txn, email.as_str()).await?;
    let before = snapshot(&txn, person.id).await?;
    let after = admin_rights::change(
        &acting.rights,
        &target_of(&person),
        Requested {
            compliance: compliance_admin,
            platform: platform_admin,
        },
        people::admin_holders(&txn).await?,
    )?;
    let role_ids = role_ids_for(&txn, roles).await?;
    people::replace_roles(&txn, person.id, &role_ids, now).await?;
    people::set_admin_flags(&txn, person.id, after.compliance, after.platform, now).await?;
    record(&txn, acting, "person.update", &person, Some(before), now).await?;
    txn.commit().await?;
    Ok(people::find_by_id(db, person.id).await?.unwrap_or(person))
}

/// Deactivates a person: their sessions end at once, they owe no more training, their links stop
/// working and nothing more is sent to them. Audited in the same transaction.
pub async fn deactivate(
    db: &DatabaseConnection,
    acting: &Acting,
    email: &str,
    now: DateTime<Utc>,
) -> Result<person::Model, AppError> {
    let email = EmailAddress::parse(email)?;
    let txn = crate::ssr::db::begin(db).await?;
    lock::exclusive(&txn, DIRECTORY_LOCK).await?;
    let person = person_by_email(&txn, email.as_str()).await?;
    if !person.active {
        return Err(Conflict::AlreadyDeactivated.into());
    }
    admin_rights::deactivate(
        &acting.rights,
        &target_of(&person),
        people::admin_holders(&txn).await?,
    )?;
    let before = snapshot(&txn, person.id).await?;
    people::deactivate(&txn, person.id, now).await?;
    account_tokens::revoke(&txn, person.id, None, now).await?;
    outbox::cancel_for_person(
        &txn,
        person.id,
        "the person was deactivated before delivery",
        now,
    )
    .await?;
    record(
        &txn,
        acting,
        "person.deactivate",
        &person,
        Some(before),
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(people::find_by_id(db, person.id).await?.unwrap_or(person))
}

/// Sets a new password (for the command line) and ends existing sessions; any invitation or
/// reset link still waiting stops working. Audited (without the password) in the same
/// transaction.
pub async fn set_password(
    db: &DatabaseConnection,
    acting: &Acting,
    email: &str,
    candidate: &str,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let person = person_by_email(db, email).await?;
    let hash = hash_new_password(candidate, &person.email).await?;
    let txn = crate::ssr::db::begin(db).await?;
    people::set_password_hash(&txn, person.id, hash, now).await?;
    account_tokens::revoke(&txn, person.id, None, now).await?;
    audit::record(
        &txn,
        AuditEntry {
            actor: acting.audit.clone(),
            action: "person.password_reset",
            subject: format!("person:{}", person.email),
            before: None,
            after: None,
            reason: None,
        },
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// Records a change to `person` with their details before and as they are now.
async fn record(
    txn: &impl ConnectionTrait,
    acting: &Acting,
    action: &'static str,
    person: &person::Model,
    before: Option<serde_json::Value>,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let after = snapshot(txn, person.id).await?;
    audit::record(
        txn,
        AuditEntry {
            actor: acting.audit.clone(),
            action,
            subject: format!("person:{}", person.email),
            before,
            after: Some(after),
            reason: None,
        },
        now,
    )
    .await?;
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
    password::hash_in_turn(NewPassword::parse(candidate, email)?).await
}

async fn person_by_email(
    db: &impl ConnectionTrait,
    email: &str,
) -> Result<person::Model, AppError> {
    let email = EmailAddress::parse(email)?;
    people::find_by_email(db, email.as_str())
        .await?
        .ok_or(AppError::NotFound(Resource::Person))
}

async fn active_person_by_email(
    db: &impl ConnectionTrait,
    email: &str,
) -> Result<person::Model, AppError> {
    Some(person_by_email(db, email).await?)
        .filter(|p| p.active)
        .ok_or(AppError::NotFound(Resource::Person))
}

async fn role_ids_for(db: &impl ConnectionTrait, slugs: &[String]) -> Result<Vec<i64>, AppError> {
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

/// What an administrator may change about a person.
pub struct PersonChanges {
    pub email: String,
    pub name: String,
    pub department: Option<String>,
    pub job_title: String,
    pub hire_date: NaiveDate,
    pub manager_email: Option<String>,
    pub roles: Vec<String>,
    /// `None` keeps the right as it is (the form did not show it).
    pub compliance_admin: Option<bool>,
    pub platform_admin: Option<bool>,
    /// The language the person takes courses in: `None` keeps it (the form did not show it),
    /// empty clears it (each course's own). Checked against the languages on offer by the caller.
    pub language: Option<String>,
}

/// A person's details as the audit log records them.
pub async fn snapshot(db: &impl ConnectionTrait, id: i64) -> Result<serde_json::Value, AppError> {
    let person = people::find_by_id(db, id)
        .await?
        .ok_or(AppError::NotFound(Resource::Person))?;
    let manager = match person.manager_id {
        Some(manager) => people::find_by_id(db, manager).await?.map(|m| m.email),
        None => None,
    };
    Ok(serde_json::json!({
        "email": person.email,
        "name": person.name,
        "department": people::department_name(db, person.department_id).await?,
        "job_title": person.job_title,
        "hire_date": person.hire_date,
        "manager": manager,
        "roles": people::role_slugs(db, person.id).await?,
        "compliance_admin": person.is_compliance_admin,
        "platform_admin": person.is_platform_admin,
        "active": person.active,
        "language": person.language,
    }))
}

/// Updates a person, with the audit entry, in one transaction. The manager must be active and
/// must not be the person or anyone below them; administrator rights change only as
/// `admin_rights` allows, and a right the form did not show is kept.
pub async fn update_person(
    db: &DatabaseConnection,
    acting: &Acting,
    id: i64,
    changes: PersonChanges,
    now: DateTime<Utc>,
) -> Result<person::Model, AppError> {
    use sea_orm::{ActiveModelTrait, ActiveValue::Set};
    let email = EmailAddress::parse(&changes.email)?;
    let name = required_text(&changes.name, Field::Name)?;
    let job_title = optional_text(&changes.job_title, Field::JobTitle)?.unwrap_or_default();
    let department = changes
        .department
        .as_deref()
        .map(|d| optional_text(d, Field::Department))
        .transpose()?
        .flatten();
    let txn = crate::ssr::db::begin(db).await?;
    lock::exclusive(&txn, DIRECTORY_LOCK).await?;
    let current = people::find_by_id(&txn, id)
        .await?
        .ok_or(AppError::NotFound(Resource::Person))?;
    let rights = admin_rights::change(
        &acting.rights,
        &target_of(&current),
        Requested {
            compliance: changes.compliance_admin,
            platform: changes.platform_admin,
        },
        people::admin_holders(&txn).await?,
    )?;
    if email.as_str() != current.email
        && people::find_by_email(&txn, email.as_str()).await?.is_some()
    {
        return Err(Conflict::EmailTaken.into());
    }
    let manager_id = match changes
        .manager_email
        .as_deref()
        .filter(|m| !m.trim().is_empty())
    {
        Some(manager) => {
            let manager = active_person_by_email(&txn, manager).await?;
            if crate::domain::team::would_loop(id, manager.id, &people::active_links(&txn).await?) {
                return Err(Invalid::ManagerCycle.into());
            }
            Some(manager.id)
        }
        None => None,
    };
    let role_ids = role_ids_for(&txn, &changes.roles).await?;
    let before = snapshot(&txn, id).await?;
    let department_id = match department {
        Some(name) => Some(people::department_named(&txn, &name, now).await?.id),
        None => None,
    };
    person::ActiveModel {
        id: Set(id),
        email: Set(email.as_str().to_owned()),
        name: Set(name),
        department_id: Set(department_id),
        job_title: Set(job_title),
        hire_date: Set(changes.hire_date),
        manager_id: Set(manager_id),
        is_compliance_admin: Set(rights.compliance),
        is_platform_admin: Set(rights.platform),
        language: match changes.language {
            Some(language) => Set(preferred_language(&language)),
            None => sea_orm::ActiveValue::NotSet,
        },
        updated_at: Set(people::to_millis(now)),
        ..Default::default()
    }
    .update(&txn)
    .await
    .map_err(email_conflict)?;
    people::replace_roles(&txn, id, &role_ids, now).await?;
    let updated = people::find_by_id(&txn, id)
        .await?
        .ok_or(AppError::NotFound(Resource::Person))?;
    record(&txn, acting, "person.update", &updated, Some(before), now).await?;
    txn.commit().await?;
    Ok(updated)
}

/// What an import did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ImportCounts {
    pub added: usize,
    pub updated: usize,
    pub invited: usize,
}

/// Applies a clean import plan inside the caller's transaction: everyone is added or updated,
/// or (when the transaction rolls back) nobody is. People marked `invite` who have no password
/// yet get an invitation queued in the same transaction (refused, changing nothing, if mail is
/// off). Roles and administrator rights a line does not mention are kept.
pub async fn apply_import(
    txn: &impl ConnectionTrait,
    plan: &crate::domain::people_import::ImportPlan,
    invitations_by: Option<(&MailSettings, &Inviter)>,
    now: DateTime<Utc>,
) -> Result<ImportCounts, AppError> {
    use sea_orm::{ActiveModelTrait, ActiveValue::NotSet, ActiveValue::Set};

    use crate::domain::people_import::Action;
    if !plan.is_clean() {
        return Err(Invalid::ImportHasErrors.into());
    }
    let wants_invitations = plan.people.iter().any(|p| p.invite);
    let invitations_by = match invitations_by {
        Some((mail, inviter)) if wants_invitations => {
            mail.require_on()?;
            Some((mail, inviter))
        }
        _ if wants_invitations => return Err(Conflict::MailOff.into()),
        _ => None,
    };
    let roles = job_roles::all(txn).await?;
    let role_ids = |slugs: &[String]| -> Vec<i64> {
        let mut wanted: Vec<i64> = roles
            .iter()
            .filter(|r| r.slug == EMPLOYEE || slugs.contains(&r.slug))
            .map(|r| r.id)
            .collect();
        wanted.sort_unstable();
        wanted
    };
    let mut ids = std::collections::HashMap::new();
    let mut counts = ImportCounts::default();
    // First everyone exists; then managers are set, since a manager may come later in the file.
    for planned in &plan.people {
        let department_id = match &planned.department {
            Some(name) => Some(people::department_named(txn, name, now).await?.id),
            None => None,
        };
        let id = match planned.action {
            Action::Add => {
                counts.added += 1;
                let row = people::NewPersonRow {
                    public_id: uuid::Uuid::new_v4().to_string(),
                    email: planned.email.clone(),
                    name: planned.name.clone(),
                    department_id,
                    job_title: planned.job_title.clone(),
                    hire_date: planned.hire_date,
                    manager_id: None,
                    is_compliance_admin: planned.compliance_admin.unwrap_or(false),
                    is_platform_admin: planned.platform_admin.unwrap_or(false),
                    password_hash: None,
                    language: planned.language.as_deref().and_then(preferred_language),
                };
                let id = people::insert(txn, row, now).await?.id;
                people::replace_roles(
                    txn,
                    id,
                    &role_ids(planned.roles.as_deref().unwrap_or(&[])),
                    now,
                )
                .await?;
                id
            }
            Action::Update => {
                counts.updated += 1;
                let existing = people::find_by_email(txn, &planned.email)
                    .await?
                    .ok_or(AppError::NotFound(Resource::Person))?;
                let keep_or = |value: Option<bool>| value.map_or(NotSet, Set);
                person::ActiveModel {
                    id: Set(existing.id),
                    name: Set(planned.name.clone()),
                    department_id: Set(department_id),
                    job_title: Set(planned.job_title.clone()),
                    hire_date: Set(planned.hire_date),
                    is_compliance_admin: keep_or(planned.compliance_admin),
                    is_platform_admin: keep_or(planned.platform_admin),
                    language: match &planned.language {
                        Some(language) => Set(preferred_language(language)),
                        None => NotSet,
                    },
                    updated_at: Set(people::to_millis(now)),
                    ..Default::default()
                }
                .update(txn)
                .await?;
                if let Some(slugs) = &planned.roles {
                    people::replace_roles(txn, existing.id, &role_ids(slugs), now).await?;
                }
                existing.id
            }
        };
        ids.insert(planned.email.clone(), id);
    }
    if let Some((mail, inviter)) = invitations_by {
        for planned in plan.people.iter().filter(|p| p.invite) {
            let Some(person) = people::find_by_email(txn, &planned.email).await? else {
                continue;
            };
            if invitations::state_of(txn, &person, now).await?.can_invite() {
                invitations::queue_invitation(txn, mail, &person, inviter, now).await?;
                counts.invited += 1;
            }
        }
    }
    for planned in &plan.people {
        let manager_id = match &planned.manager_email {
            Some(email) => match ids.get(email) {
                Some(id) => Some(*id),
                None => Some(
                    people::find_by_email(txn, email)
                        .await?
                        .ok_or(AppError::NotFound(Resource::Person))?
                        .id,
                ),
            },
            None => None,
        };
        if let Some(id) = ids.get(&planned.email) {
            person::ActiveModel {
                id: Set(*id),
                manager_id: Set(manager_id),
                ..Default::default()
            }
            .update(txn)
            .await?;
        }
    }
    // Everyone the import touched, as it left them (managers are set in the pass above).
    let touched: Vec<i64> = ids.values().copied().collect();
    crate::ssr::db::history::record_people(txn, Some(&touched), now).await?;
    Ok(counts)
}

/// The people already in Vigil, as an import plan checks against them.
pub async fn existing_for_import(
    db: &impl ConnectionTrait,
) -> Result<Vec<crate::domain::people_import::Existing>, AppError> {
    let everyone = people::all(db).await?;
    Ok(everyone
        .iter()
        .map(|p| crate::domain::people_import::Existing {
            id: p.id,
            email: p.email.clone(),
            manager_email: p
                .manager_id
                .and_then(|m| everyone.iter().find(|x| x.id == m))
                .map(|m| m.email.clone()),
            rights: rights_of(p),
            active: p.active,
            language: p.language.clone(),
        })
        .collect())
}
