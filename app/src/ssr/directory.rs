//! People administration in the browser: the form, saving, deactivating and CSV imports, each
//! recorded in the audit log with before and after.

use chrono::{DateTime, Utc};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, DatabaseConnection, EntityTrait};

use super::AppState;
use super::auth::{CurrentUser, current_user};
use super::db::audit::{self, Actor, AuditEntry};
use super::db::entities::{department, people_import};
use super::db::{job_roles, lock, people};
use super::mail::MailSettings;
use super::mail::invitations::Inviter;
use super::people_admin::{self, AdminAction, NewPerson, PersonChanges};
use super::request::app_state;
use super::training::languages;
use super::training::versions::VersionCache;
use crate::api::people::{ImportPreview, PersonForm};
use crate::domain::people_import::{Importer, MAX_BYTES, plan};
use crate::domain::permissions::Permission;
use crate::error::{AppError, Invalid, Resource};

/// The state and a signed-in person who may manage people: platform or compliance admins.
pub async fn people_admin() -> Result<(AppState, CurrentUser), AppError> {
    let user = current_user().await?;
    if !user.permissions.allows(Permission::ManagePeople) {
        return Err(AppError::Forbidden);
    }
    Ok((app_state()?, user))
}

fn actor(user: &CurrentUser) -> Actor {
    user.actor()
}

async fn by_public_id(
    db: &DatabaseConnection,
    public_id: &str,
) -> Result<super::db::entities::person::Model, AppError> {
    people::find_by_public_id(db, public_id)
        .await?
        .ok_or(AppError::NotFound(Resource::Person))
}

/// The form for a person, or an empty one.
pub async fn form(
    db: &DatabaseConnection,
    mail: &MailSettings,
    versions: &VersionCache,
    user: &CurrentUser,
    public_id: &str,
) -> Result<PersonForm, AppError> {
    use crate::domain::admin_rights;
    let acting = people_admin::Acting::person(&user.person).rights;
    let everyone = people::all(db).await?;
    let mut form = PersonForm {
        role_choices: job_roles::all(db)
            .await?
            .into_iter()
            .map(|r| (r.slug, r.name))
            .collect(),
        departments: department::Entity::find()
            .all(db)
            .await?
            .into_iter()
            .map(|d| d.name)
            .collect(),
        people: everyone
            .iter()
            .filter(|p| p.active)
            .map(|p| (p.email.clone(), p.name.clone()))
            .collect(),
        active: true,
        roles: vec!["employee".to_owned()],
        mail: mail.mode,
        invitation: None,
        messages: Vec::new(),
        public_id: String::new(),
        email: String::new(),
        name: String::new(),
        department: String::new(),
        job_title: String::new(),
        hire_date: String::new(),
        manager_email: String::new(),
        compliance_admin: false,
        platform_admin: false,
        language: String::new(),
        languages: Vec::new(),
        may_change_compliance: acting.may_change().compliance,
        may_change_platform: acting.may_change().platform,
        editable: true,
    };
    if public_id.is_empty() {
        return Ok(form);
    }
    let person = by_public_id(db, public_id).await?;
    form.public_id = person.public_id.clone();
    form.email = person.email.clone();
    form.name = person.name.clone();
    form.department = people::department_name(db, person.department_id)
        .await?
        .unwrap_or_default();
    form.job_title = person.job_title.clone();
    form.hire_date = person.hire_date.to_string();
    form.manager_email = person
        .manager_id
        .and_then(|m| everyone.iter().find(|p| p.id == m))
        .map(|m| m.email.clone())
        .unwrap_or_default();
    form.roles = people::role_slugs(db, person.id).await?;
    form.compliance_admin = person.is_compliance_admin;
    form.platform_admin = person.is_platform_admin;
    form.language = person.language.clone().unwrap_or_default();
    // What the directory set (a list such as "de-CH, de;q=0.9") is offered too, so that saving
    // the form without touching it keeps it.
    form.languages = languages::available(db, versions)
        .await?
        .into_iter()
        .chain(person.language.clone())
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    let target = admin_rights::Target {
        id: Some(person.id),
        rights: people_admin::rights_of(&person),
        active: person.active,
    };
    form.editable = admin_rights::may_edit(&acting, &target).is_ok();
    let is_self = person.id == user.person.id;
    form.may_change_compliance &= form.editable && !is_self;
    form.may_change_platform &= form.editable && !is_self;
    form.active = person.active;
    let now = chrono::Utc::now();
    form.invitation = super::mail::views::invitations(db, std::slice::from_ref(&person), now)
        .await?
        .remove(&person.id);
    form.messages = super::db::outbox::for_person(db, person.id, 20)
        .await?
        .iter()
        .map(super::mail::views::message_row)
        .collect::<Result<_, _>>()?;
    Ok(form)
}

/// Adds or updates a person; returns their public id. A new person gets an invitation when
/// `invite` is set (queued in the same transaction).
pub async fn save(
    state: &AppState,
    user: &CurrentUser,
    public_id: &str,
    changes: PersonChanges,
    invite: bool,
    now: DateTime<Utc>,
) -> Result<String, AppError> {
    let (db, mail) = (&state.db, &state.mail);
    if public_id.is_empty() {
        let inviter = Inviter::person(user.person.id, &user.person.name, &user.person.email);
        let (person, invitation) = people_admin::add_person_as(
            db,
            NewPerson {
                email: changes.email,
                name: changes.name,
                department: changes.department,
                job_title: changes.job_title,
                hire_date: changes.hire_date,
                manager_email: changes.manager_email,
                roles: changes.roles,
                compliance_admin: changes.compliance_admin.unwrap_or(false),
                platform_admin: changes.platform_admin.unwrap_or(false),
                password: None,
            },
            Some(AdminAction {
                rights: people_admin::Acting::person(&user.person).rights,
                inviter: &inviter,
                invite: invite.then_some(mail),
            }),
            now,
        )
        .await?;
        if invitation.is_some() {
            mail.wake();
        }
        return Ok(person.public_id);
    }
    let person = by_public_id(db, public_id).await?;
    if let Some(language) = changes.language.as_deref()
        && !language.is_empty()
        && person.language.as_deref() != Some(language)
        && !languages::available(db, &state.versions)
            .await?
            .contains(language)
    {
        return Err(Invalid::UnknownLanguage.into());
    }
    let acting = people_admin::Acting::person(&user.person);
    let updated = people_admin::update_person(db, &acting, person.id, changes, now).await?;
    Ok(updated.public_id)
}

/// Deactivates a person.
pub async fn deactivate(
    db: &DatabaseConnection,
    user: &CurrentUser,
    public_id: &str,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let person = by_public_id(db, public_id).await?;
    let acting = people_admin::Acting::person(&user.person);
    people_admin::deactivate(db, &acting, &person.email, now).await?;
    Ok(())
}

/// Stores an uploaded CSV for preview; returns the import's id.
pub async fn stage_import(
    db: &DatabaseConnection,
    user: &CurrentUser,
    data: leptos::server_fn::codec::MultipartData,
    now: DateTime<Utc>,
) -> Result<i64, AppError> {
    let Some(mut multipart) = data.into_inner() else {
        return Err(AppError::BadRequest);
    };
    let mut bytes = Vec::new();
    while let Ok(Some(mut field)) = multipart.next_field().await {
        if field.name() != Some("people") {
            continue;
        }
        while let Ok(Some(chunk)) = field.chunk().await {
            bytes.extend_from_slice(chunk.as_ref());
            if bytes.len() > MAX_BYTES + 1 {
                break;
            }
        }
    }
    if bytes.is_empty() {
        return Err(Invalid::ImportMissing.into());
    }
    let text = String::from_utf8_lossy(&bytes).into_owned();
    let row = people_import::ActiveModel {
        author_id: Set(user.person.id),
        csv_text: Set(text),
        created_at: Set(now),
        committed_at: Set(None),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(row.id)
}

async fn own_import(
    db: &DatabaseConnection,
    user: &CurrentUser,
    id: i64,
) -> Result<people_import::Model, AppError> {
    people_import::Entity::find_by_id(id)
        .one(db)
        .await?
        .filter(|i| i.author_id == user.person.id)
        .ok_or(AppError::NotFound(Resource::Page))
}

/// The staged import, checked against the people in Vigil now.
pub async fn preview(
    db: &DatabaseConnection,
    versions: &VersionCache,
    mail: crate::domain::mail::MailMode,
    user: &CurrentUser,
    id: i64,
) -> Result<ImportPreview, AppError> {
    let staged = own_import(db, user, id).await?;
    let existing = people_admin::existing_for_import(db).await?;
    let importer = importer(db, user).await?;
    Ok(ImportPreview {
        id,
        plan: plan(
            &staged.csv_text,
            &existing,
            &importer,
            &languages::available(db, versions).await?,
        ),
        committed: staged.committed_at.is_some(),
        mail,
    })
}

/// Applies a staged import if every line is good; otherwise nothing is written. The import is
/// marked committed, applied and audited in one transaction, so committing the same file twice
/// at once applies it once.
pub async fn commit(
    db: &DatabaseConnection,
    versions: &VersionCache,
    mail: &MailSettings,
    user: &CurrentUser,
    id: i64,
    now: DateTime<Utc>,
) -> Result<people_admin::ImportCounts, AppError> {
    use crate::domain::people_import::Action;
    use sea_orm::{ColumnTrait, QueryFilter, sea_query::Expr};
    let staged = own_import(db, user, id).await?;
    let languages = languages::available(db, versions).await?;
    let txn = crate::ssr::db::begin(db).await?;
    lock::exclusive(&txn, "people-directory").await?;
    let claimed = people_import::Entity::update_many()
        .col_expr(people_import::Column::CommittedAt, Expr::value(now))
        .filter(people_import::Column::Id.eq(staged.id))
        .filter(people_import::Column::CommittedAt.is_null())
        .exec(&txn)
        .await?;
    if claimed.rows_affected != 1 {
        return Err(AppError::Conflict(crate::error::Conflict::AlreadyImported));
    }
    let existing = people_admin::existing_for_import(&txn).await?;
    let importer = importer(&txn, user).await?;
    let checked = plan(&staged.csv_text, &existing, &importer, &languages);
    let inviter = Inviter::person(user.person.id, &user.person.name, &user.person.email);
    let counts = people_admin::apply_import(&txn, &checked, Some((mail, &inviter)), now).await?;
    let emails = |action: Action| -> Vec<String> {
        checked
            .people
            .iter()
            .filter(|p| p.action == action)
            .map(|p| p.email.clone())
            .collect()
    };
    audit::record(
        &txn,
        AuditEntry {
            actor: actor(user),
            action: "people.import",
            subject: format!("import:{id}"),
            before: None,
            after: Some(serde_json::json!({
                "added": emails(Action::Add),
                "updated": emails(Action::Update),
                "invited": counts.invited,
            })),
            reason: None,
        },
        now,
    )
    .await?;
    txn.commit().await?;
    if counts.invited > 0 {
        mail.wake();
    }
    Ok(counts)
}

/// Who imports, with the current number of holders of each administrator right.
async fn importer(
    db: &impl sea_orm::ConnectionTrait,
    user: &CurrentUser,
) -> Result<Importer, AppError> {
    Ok(Importer {
        actor: people_admin::Acting::person(&user.person).rights,
        holders: people::admin_holders(db).await?,
    })
}
