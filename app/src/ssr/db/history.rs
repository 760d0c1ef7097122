//! History with validity intervals: each person's training-relevant state and each course's
//! rule, recorded by every change that touches them (in the change's transaction) and reconciled
//! at start-up, so that a closed period reads as it stood (`people_at`, `rules_at`).

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait,
    QueryFilter, QueryOrder, QuerySelect, Set,
};

use super::entities::{course_rule, course_rule_history, person, person_history};
use super::people;
use crate::domain::history::{PersonState, Step, holds_at, step};

/// Where a course's first rule interval starts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FirstRule {
    /// At the change: before it the course had no rule of its own.
    AtChange,
    /// Unbounded: the rule existed before history was kept (reconciling at start-up).
    Unbounded,
}

fn state_of(person: &person::Model, roles: Vec<String>) -> PersonState {
    let mut roles = roles;
    roles.sort();
    roles.dedup();
    PersonState {
        active: person.active,
        hire_date: person.hire_date,
        department_id: person.department_id,
        job_title: person.job_title.clone(),
        manager_id: person.manager_id,
        roles,
    }
}

fn state_in(row: &person_history::Model) -> PersonState {
    PersonState {
        active: row.active,
        hire_date: row.hire_date,
        department_id: row.department_id,
        job_title: row.job_title.clone(),
        manager_id: row.manager_id,
        roles: serde_json::from_str(&row.roles_json).unwrap_or_default(),
    }
}

fn person_row(
    person_id: i64,
    state: &PersonState,
    valid_from: Option<DateTime<Utc>>,
    at: DateTime<Utc>,
) -> person_history::ActiveModel {
    person_history::ActiveModel {
        person_id: Set(person_id),
        valid_from: Set(valid_from),
        valid_to: Set(None),
        changed_at: Set(at),
        active: Set(state.active),
        hire_date: Set(state.hire_date),
        department_id: Set(state.department_id),
        job_title: Set(state.job_title.clone()),
        manager_id: Set(state.manager_id),
        roles_json: Set(serde_json::to_string(&state.roles).unwrap_or_else(|_| "[]".into())),
        ..Default::default()
    }
}

/// Records the current state of everyone (`None`) or of some people, at `at`. Returns how many
/// intervals were opened or rewritten.
pub async fn record_people(
    db: &impl ConnectionTrait,
    only: Option<&[i64]>,
    at: DateTime<Utc>,
) -> Result<usize, DbErr> {
    match only {
        None => record_people_in(db, None, at).await,
        // A slice at a time: SQLite binds at most 32,766 values in one statement.
        Some(ids) => {
            let mut written = 0;
            for chunk in ids.chunks(1_000) {
                written += record_people_in(db, Some(chunk), at).await?;
            }
            Ok(written)
        }
    }
}

async fn record_people_in(
    db: &impl ConnectionTrait,
    only: Option<&[i64]>,
    at: DateTime<Utc>,
) -> Result<usize, DbErr> {
    let at = people::to_millis(at);
    let everyone = match only {
        None => person::Entity::find().all(db).await?,
        Some(ids) => people::with_ids(db, ids).await?,
    };
    let mut roles = people::roles_by_person(db, |role| role.slug, only).await?;
    let mut open: HashMap<i64, person_history::Model> = HashMap::new();
    let query = || person_history::Entity::find().filter(person_history::Column::ValidTo.is_null());
    let rows = match only {
        None => query().all(db).await?,
        Some(ids) => {
            query()
                .filter(person_history::Column::PersonId.is_in(ids.iter().copied()))
                .all(db)
                .await?
        }
    };
    open.extend(rows.into_iter().map(|r| (r.person_id, r)));
    let mut first = Vec::new();
    let mut written = 0;
    for person in &everyone {
        let current = state_of(person, roles.remove(&person.id).unwrap_or_default());
        let row = open.remove(&person.id);
        let was = row.as_ref().map(state_in);
        let decided = step(
            was.as_ref()
                .zip(row.as_ref())
                .map(|(s, r)| (s, r.changed_at)),
            &current,
            at,
        );
        match (decided, row) {
            (Step::Keep, _) => continue,
            // A person existed before Vigil knew them: their first known state stands for then.
            (Step::Open, _) | (_, None) => first.push(person_row(person.id, &current, None, at)),
            (Step::Rewrite, Some(row)) => {
                let mut next = person_row(person.id, &current, row.valid_from, at);
                next.id = Set(row.id);
                next.update(db).await?;
            }
            (Step::Supersede, Some(row)) => {
                person_history::ActiveModel {
                    id: Set(row.id),
                    valid_to: Set(Some(at)),
                    ..Default::default()
                }
                .update(db)
                .await?;
                person_row(person.id, &current, Some(at), at)
                    .insert(db)
                    .await?;
            }
        }
        written += 1;
    }
    for chunk in first.chunks(2_000) {
        person_history::Entity::insert_many(chunk.to_vec())
            .exec_without_returning(db)
            .await?;
    }
    Ok(written)
}

/// Records the current rule of every course (`None`) or of some, at `at`. A rule that was
/// removed closes its interval.
pub async fn record_rules(
    db: &impl ConnectionTrait,
    only: Option<&[i64]>,
    at: DateTime<Utc>,
    first_rule: FirstRule,
) -> Result<usize, DbErr> {
    let at = people::to_millis(at);
    let mut rules = course_rule::Entity::find();
    let mut open =
        course_rule_history::Entity::find().filter(course_rule_history::Column::ValidTo.is_null());
    if let Some(ids) = only {
        rules = rules.filter(course_rule::Column::CourseId.is_in(ids.iter().copied()));
        open = open.filter(course_rule_history::Column::CourseId.is_in(ids.iter().copied()));
    }
    let mut current: HashMap<i64, String> = rules
        .all(db)
        .await?
        .into_iter()
        .map(|r| (r.course_id, r.audience_json))
        .collect();
    let mut written = 0;
    for row in open.all(db).await? {
        let now = current.remove(&row.course_id);
        match now
            .as_ref()
            .map(|audience| step(Some((&row.audience_json, row.changed_at)), audience, at))
        {
            Some(Step::Keep) => continue,
            Some(Step::Rewrite) => {
                course_rule_history::ActiveModel {
                    id: Set(row.id),
                    audience_json: Set(now.unwrap_or_default()),
                    changed_at: Set(at),
                    ..Default::default()
                }
                .update(db)
                .await?;
            }
            // Superseded, or the rule is gone.
            _ => {
                course_rule_history::ActiveModel {
                    id: Set(row.id),
                    valid_to: Set(Some(at)),
                    ..Default::default()
                }
                .update(db)
                .await?;
                if let Some(audience) = now {
                    rule_row(row.course_id, audience, Some(at), at)
                        .insert(db)
                        .await?;
                }
            }
        }
        written += 1;
    }
    for (course_id, audience) in current {
        let from = match first_rule {
            FirstRule::AtChange => Some(at),
            FirstRule::Unbounded => None,
        };
        rule_row(course_id, audience, from, at).insert(db).await?;
        written += 1;
    }
    Ok(written)
}

fn rule_row(
    course_id: i64,
    audience_json: String,
    valid_from: Option<DateTime<Utc>>,
    at: DateTime<Utc>,
) -> course_rule_history::ActiveModel {
    course_rule_history::ActiveModel {
        course_id: Set(course_id),
        valid_from: Set(valid_from),
        valid_to: Set(None),
        changed_at: Set(at),
        audience_json: Set(audience_json),
        ..Default::default()
    }
}

/// Intervals that may hold at `at` (the database narrows; `holds_at` decides).
fn holding<C: ColumnTrait>(from: C, to: C, at: DateTime<Utc>) -> sea_orm::Condition {
    sea_orm::Condition::all()
        .add(
            sea_orm::Condition::any()
                .add(from.is_null())
                .add(from.lte(at)),
        )
        .add(sea_orm::Condition::any().add(to.is_null()).add(to.gt(at)))
}

/// Every recorded person's state as it stood at `at`, by person id.
pub async fn people_at(
    db: &impl ConnectionTrait,
    at: DateTime<Utc>,
) -> Result<HashMap<i64, PersonState>, DbErr> {
    Ok(person_history::Entity::find()
        .filter(holding(
            person_history::Column::ValidFrom,
            person_history::Column::ValidTo,
            at,
        ))
        .all(db)
        .await?
        .into_iter()
        .filter(|row| holds_at(row.valid_from, row.valid_to, at))
        .map(|row| (row.person_id, state_in(&row)))
        .collect())
}

/// Each course's rule (its audience as JSON) as it stood at `at`; a course with none then
/// followed its content's audience.
pub async fn rules_at(
    db: &impl ConnectionTrait,
    at: DateTime<Utc>,
) -> Result<HashMap<i64, String>, DbErr> {
    Ok(course_rule_history::Entity::find()
        .filter(holding(
            course_rule_history::Column::ValidFrom,
            course_rule_history::Column::ValidTo,
            at,
        ))
        .all(db)
        .await?
        .into_iter()
        .filter(|row| holds_at(row.valid_from, row.valid_to, at))
        .map(|row| (row.course_id, row.audience_json))
        .collect())
}

/// Records whatever changed without being recorded (by hand in the database, or before history
/// was kept): everyone's state and every course's rule, in one transaction. Run hourly and before
/// an evidence pack is built.
pub async fn reconcile(db: &DatabaseConnection, now: DateTime<Utc>) -> Result<usize, DbErr> {
    // A thousand people at a time (`record_people` slices the ids): memory stays bounded by the
    // slice, not the organisation.
    let ids: Vec<i64> = person::Entity::find()
        .select_only()
        .column(person::Column::Id)
        .order_by_asc(person::Column::Id)
        .into_tuple()
        .all(db)
        .await?;
    let txn = crate::ssr::db::begin(db).await?;
    let written = record_people(&txn, Some(&ids), now).await?
        + record_rules(&txn, None, now, FirstRule::Unbounded).await?;
    txn.commit().await?;
    Ok(written)
}
