//! People, their departments and job roles.

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait,
    PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
};

use super::entities::{department, job_role, person, person_role};

/// Truncates to whole milliseconds, the precision session tokens carry.
pub fn to_millis(at: DateTime<Utc>) -> DateTime<Utc> {
    DateTime::<Utc>::from_timestamp_millis(at.timestamp_millis()).unwrap_or(at)
}

/// The person with this (normalised) email, active or not.
pub async fn find_by_email(
    db: &impl ConnectionTrait,
    email: &str,
) -> Result<Option<person::Model>, DbErr> {
    person::Entity::find()
        .filter(person::Column::Email.eq(email))
        .one(db)
        .await
}

/// The person with this public id.
pub async fn find_by_public_id(
    db: &impl ConnectionTrait,
    public_id: &str,
) -> Result<Option<person::Model>, DbErr> {
    person::Entity::find()
        .filter(person::Column::PublicId.eq(public_id))
        .one(db)
        .await
}

/// The person a filter names: by email address (anything with an `@`) or by public id.
pub async fn find_by_email_or_public_id(
    db: &impl ConnectionTrait,
    reference: &str,
) -> Result<Option<person::Model>, DbErr> {
    if reference.contains('@') {
        find_by_email(db, &reference.trim().to_lowercase()).await
    } else {
        find_by_public_id(db, reference.trim()).await
    }
}

/// The person with this database id.
pub async fn find_by_id(
    db: &impl ConnectionTrait,
    id: i64,
) -> Result<Option<person::Model>, DbErr> {
    person::Entity::find_by_id(id).one(db).await
}

/// Whether anyone active reports directly to this person.
pub async fn has_active_reports(db: &impl ConnectionTrait, id: i64) -> Result<bool, DbErr> {
    let reports = person::Entity::find()
        .filter(person::Column::ManagerId.eq(id))
        .filter(person::Column::Active.eq(true))
        .count(db)
        .await?;
    Ok(reports > 0)
}

/// The people in `set`, active or not.
pub async fn in_set(
    db: &impl ConnectionTrait,
    set: &super::PersonSet,
) -> Result<Vec<person::Model>, DbErr> {
    person::Entity::find()
        .filter(set.condition(person::Column::Id))
        .all(db)
        .await
}

/// The lowest and highest person ids, if there is anyone.
pub async fn id_bounds(db: &impl ConnectionTrait) -> Result<Option<(i64, i64)>, DbErr> {
    let bounds: Option<(Option<i64>, Option<i64>)> = person::Entity::find()
        .select_only()
        .column_as(person::Column::Id.min(), "low")
        .column_as(person::Column::Id.max(), "high")
        .into_tuple()
        .one(db)
        .await?;
    Ok(match bounds {
        Some((Some(low), Some(high))) => Some((low, high)),
        _ => None,
    })
}

/// Those in `set` whom somebody active reports to directly.
pub async fn managers_in(
    db: &impl ConnectionTrait,
    set: &super::PersonSet,
) -> Result<std::collections::HashSet<i64>, DbErr> {
    let ids: Vec<Option<i64>> = person::Entity::find()
        .select_only()
        .column(person::Column::ManagerId)
        .distinct()
        .filter(person::Column::Active.eq(true))
        .filter(set.condition(person::Column::ManagerId))
        .into_tuple()
        .all(db)
        .await?;
    Ok(ids.into_iter().flatten().collect())
}

/// How many people there are, active or not.
pub async fn count(db: &impl ConnectionTrait) -> Result<u64, DbErr> {
    person::Entity::find().count(db).await
}

/// The slugs of a person's job roles.
pub async fn role_slugs(db: &impl ConnectionTrait, person_id: i64) -> Result<Vec<String>, DbErr> {
    let links = person_role::Entity::find()
        .filter(person_role::Column::PersonId.eq(person_id))
        .all(db)
        .await?;
    let ids: Vec<i64> = links.iter().map(|link| link.role_id).collect();
    let roles = job_role::Entity::find()
        .filter(job_role::Column::Id.is_in(ids))
        .order_by_asc(job_role::Column::Name)
        .all(db)
        .await?;
    Ok(roles.into_iter().map(|role| role.slug).collect())
}

/// A department's name.
pub async fn department_name(
    db: &impl ConnectionTrait,
    id: Option<i64>,
) -> Result<Option<String>, DbErr> {
    match id {
        Some(id) => Ok(department::Entity::find_by_id(id)
            .one(db)
            .await?
            .map(|d| d.name)),
        None => Ok(None),
    }
}

/// The department with this name (ignoring case), created if missing.
pub async fn department_named(
    db: &impl ConnectionTrait,
    name: &str,
    now: DateTime<Utc>,
) -> Result<department::Model, DbErr> {
    let all = department::Entity::find().all(db).await?;
    if let Some(existing) = all.into_iter().find(|d| d.name.eq_ignore_ascii_case(name)) {
        return Ok(existing);
    }
    department::ActiveModel {
        name: Set(name.to_owned()),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await
}

/// The fields of a new person row.
#[derive(Clone, Debug)]
pub struct NewPersonRow {
    pub public_id: String,
    pub email: String,
    pub name: String,
    pub department_id: Option<i64>,
    pub job_title: String,
    pub hire_date: NaiveDate,
    pub manager_id: Option<i64>,
    pub is_compliance_admin: bool,
    pub is_platform_admin: bool,
    pub password_hash: Option<String>,
    /// The language they take courses in; `None` for each course's own.
    pub language: Option<String>,
}

/// Inserts a person.
pub async fn insert(
    db: &impl ConnectionTrait,
    row: NewPersonRow,
    now: DateTime<Utc>,
) -> Result<person::Model, DbErr> {
    let now = to_millis(now);
    let person = person::ActiveModel {
        public_id: Set(row.public_id),
        email: Set(row.email),
        name: Set(row.name),
        department_id: Set(row.department_id),
        job_title: Set(row.job_title),
        hire_date: Set(row.hire_date),
        manager_id: Set(row.manager_id),
        active: Set(true),
        is_compliance_admin: Set(row.is_compliance_admin),
        is_platform_admin: Set(row.is_platform_admin),
        password_hash: Set(row.password_hash),
        language: Set(row.language),
        sessions_valid_after: Set(now),
        created_at: Set(now),
        updated_at: Set(now),
        deactivated_at: Set(None),
        ..Default::default()
    }
    .insert(db)
    .await?;
    super::history::record_people(db, Some(&[person.id]), now).await?;
    Ok(person)
}

/// Inserts many people at once (for generated organisations) and returns their ids by email.
pub async fn insert_batch(
    db: &impl ConnectionTrait,
    rows: Vec<NewPersonRow>,
    now: DateTime<Utc>,
) -> Result<std::collections::HashMap<String, i64>, DbErr> {
    let now = to_millis(now);
    let emails: Vec<String> = rows.iter().map(|row| row.email.clone()).collect();
    for chunk in rows.chunks(1_000) {
        let models = chunk.iter().cloned().map(|row| person::ActiveModel {
            public_id: Set(row.public_id),
            email: Set(row.email),
            name: Set(row.name),
            department_id: Set(row.department_id),
            job_title: Set(row.job_title),
            hire_date: Set(row.hire_date),
            manager_id: Set(row.manager_id),
            active: Set(true),
            is_compliance_admin: Set(row.is_compliance_admin),
            is_platform_admin: Set(row.is_platform_admin),
            password_hash: Set(row.password_hash),
            language: Set(row.language),
            sessions_valid_after: Set(now),
            created_at: Set(now),
            updated_at: Set(now),
            deactivated_at: Set(None),
            ..Default::default()
        });
        person::Entity::insert_many(models)
            .exec_without_returning(db)
            .await?;
    }
    let mut ids = std::collections::HashMap::with_capacity(emails.len());
    for chunk in emails.chunks(1_000) {
        let found: Vec<(i64, String)> = person::Entity::find()
            .select_only()
            .column(person::Column::Id)
            .column(person::Column::Email)
            .filter(person::Column::Email.is_in(chunk.iter().cloned()))
            .into_tuple()
            .all(db)
            .await?;
        ids.extend(found.into_iter().map(|(id, email)| (email, id)));
    }
    Ok(ids)
}

/// Gives many people job roles at once: (person, role) pairs.
pub async fn add_roles_batch(db: &impl ConnectionTrait, links: &[(i64, i64)]) -> Result<(), DbErr> {
    for chunk in links.chunks(5_000) {
        let rows = chunk
            .iter()
            .map(|(person_id, role_id)| person_role::ActiveModel {
                person_id: Set(*person_id),
                role_id: Set(*role_id),
            });
        person_role::Entity::insert_many(rows)
            .exec_without_returning(db)
            .await?;
    }
    Ok(())
}

/// Replaces a person's job roles (and records them in the person's history).
pub async fn replace_roles(
    db: &impl ConnectionTrait,
    person_id: i64,
    role_ids: &[i64],
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    person_role::Entity::delete_many()
        .filter(person_role::Column::PersonId.eq(person_id))
        .exec(db)
        .await?;
    let rows = role_ids.iter().map(|role_id| person_role::ActiveModel {
        person_id: Set(person_id),
        role_id: Set(*role_id),
    });
    person_role::Entity::insert_many(rows)
        .exec_without_returning(db)
        .await?;
    super::history::record_people(db, Some(&[person_id]), now).await?;
    Ok(())
}

/// Stores a new password hash and ends every existing session.
pub async fn set_password_hash(
    db: &impl ConnectionTrait,
    id: i64,
    hash: String,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    let now = to_millis(now);
    person::ActiveModel {
        id: Set(id),
        password_hash: Set(Some(hash)),
        sessions_valid_after: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .update(db)
    .await
    .map(|_| ())
}

/// Sets the language a person prefers courses in (`None`: each course's own).
pub async fn set_language(
    db: &impl ConnectionTrait,
    id: i64,
    language: Option<String>,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    person::ActiveModel {
        id: Set(id),
        language: Set(language),
        updated_at: Set(to_millis(now)),
        ..Default::default()
    }
    .update(db)
    .await
    .map(|_| ())
}

/// Ends every session issued before `now`.
pub async fn revoke_sessions(
    db: &impl ConnectionTrait,
    id: i64,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    let now = to_millis(now);
    person::ActiveModel {
        id: Set(id),
        sessions_valid_after: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .update(db)
    .await
    .map(|_| ())
}

/// Marks a person as having left: no sign-in, no sessions, no obligations. History stays.
pub async fn deactivate(
    db: &impl ConnectionTrait,
    id: i64,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    let now = to_millis(now);
    person::ActiveModel {
        id: Set(id),
        active: Set(false),
        deactivated_at: Set(Some(now)),
        sessions_valid_after: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .update(db)
    .await?;
    super::history::record_people(db, Some(&[id]), now).await?;
    Ok(())
}

/// Sets the admin flags.
pub async fn set_admin_flags(
    db: &impl ConnectionTrait,
    id: i64,
    compliance_admin: bool,
    platform_admin: bool,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    person::ActiveModel {
        id: Set(id),
        is_compliance_admin: Set(compliance_admin),
        is_platform_admin: Set(platform_admin),
        updated_at: Set(to_millis(now)),
        ..Default::default()
    }
    .update(db)
    .await
    .map(|_| ())
}

/// Everyone, ordered by name.
pub async fn all(db: &impl ConnectionTrait) -> Result<Vec<person::Model>, DbErr> {
    person::Entity::find()
        .order_by_asc(person::Column::Name)
        .order_by_asc(person::Column::Id)
        .all(db)
        .await
}

/// Every department's name by id.
pub async fn department_names(
    db: &impl ConnectionTrait,
) -> Result<std::collections::HashMap<i64, String>, DbErr> {
    Ok(department::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|d| (d.id, d.name))
        .collect())
}

/// Job roles by person id, each as `label` gives it (the slug for rules, the name for reports):
/// everyone's, or only those of the people in `only`.
pub async fn roles_by_person(
    db: &impl ConnectionTrait,
    label: fn(job_role::Model) -> String,
    only: Option<&[i64]>,
) -> Result<std::collections::HashMap<i64, Vec<String>>, DbErr> {
    let labels: std::collections::HashMap<i64, String> = job_role::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|r| (r.id, label(r)))
        .collect();
    let mut links = person_role::Entity::find();
    if let Some(ids) = only {
        links = links.filter(person_role::Column::PersonId.is_in(ids.iter().copied()));
    }
    let mut roles: std::collections::HashMap<i64, Vec<String>> = std::collections::HashMap::new();
    for link in links.all(db).await? {
        if let Some(label) = labels.get(&link.role_id) {
            roles.entry(link.person_id).or_default().push(label.clone());
        }
    }
    Ok(roles)
}

/// The people with these ids (any that do not exist are left out).
pub async fn with_ids(db: &impl ConnectionTrait, ids: &[i64]) -> Result<Vec<person::Model>, DbErr> {
    // In chunks: SQLite takes at most 32,766 bound values in one statement.
    let mut found = Vec::with_capacity(ids.len());
    for chunk in ids.chunks(1_000) {
        found.extend(
            person::Entity::find()
                .filter(person::Column::Id.is_in(chunk.iter().copied()))
                .all(db)
                .await?,
        );
    }
    Ok(found)
}

/// (person, manager) for every active person: the reporting tree, two numbers a person.
pub async fn active_links(db: &impl ConnectionTrait) -> Result<Vec<(i64, Option<i64>)>, DbErr> {
    person::Entity::find()
        .select_only()
        .column(person::Column::Id)
        .column(person::Column::ManagerId)
        .filter(person::Column::Active.eq(true))
        .into_tuple()
        .all(db)
        .await
}

/// How many active people hold each administrator right.
pub async fn admin_holders(
    db: &impl ConnectionTrait,
) -> Result<crate::domain::admin_rights::Holders, DbErr> {
    let active = || person::Entity::find().filter(person::Column::Active.eq(true));
    Ok(crate::domain::admin_rights::Holders {
        compliance: usize::try_from(
            active()
                .filter(person::Column::IsComplianceAdmin.eq(true))
                .count(db)
                .await?,
        )
        .unwrap_or(usize::MAX),
        platform: usize::try_from(
            active()
                .filter(person::Column::IsPlatformAdmin.eq(true))
                .count(db)
                .await?,
        )
        .unwrap_or(usize::MAX),
    })
}
