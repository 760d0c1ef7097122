//! Assignment rules, exemptions, quiz attempts, reading progress, the engine's compliance state,
//! and certificates.

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::sea_query::{Expr, OnConflict};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait,
    PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
};

use super::PersonSet;
use super::entities::{
    certificate, compliance_state, course, course_rule, evaluated_person, exemption, person,
    quiz_attempt, reading_progress,
};
use crate::domain::assignment::Status;

// ---- Assignment rules -------------------------------------------------------------------------

/// Every course's rule.
pub async fn rules(db: &impl ConnectionTrait) -> Result<Vec<course_rule::Model>, DbErr> {
    course_rule::Entity::find().all(db).await
}

/// One course's rule.
pub async fn rule(
    db: &impl ConnectionTrait,
    course_id: i64,
) -> Result<Option<course_rule::Model>, DbErr> {
    course_rule::Entity::find_by_id(course_id).one(db).await
}

/// Writes a course's rule. `customised` marks an administrator's edit, which later publishes keep.
pub async fn put_rule(
    db: &impl ConnectionTrait,
    course_id: i64,
    audience_json: String,
    customised: bool,
    by: Option<i64>,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    let row = course_rule::ActiveModel {
        course_id: Set(course_id),
        audience_json: Set(audience_json),
        customised: Set(customised),
        updated_at: Set(now),
        updated_by: Set(by),
    };
    course_rule::Entity::insert(row)
        .on_conflict(
            OnConflict::column(course_rule::Column::CourseId)
                .update_columns([
                    course_rule::Column::AudienceJson,
                    course_rule::Column::Customised,
                    course_rule::Column::UpdatedAt,
                    course_rule::Column::UpdatedBy,
                ])
                .to_owned(),
        )
        .exec_without_returning(db)
        .await?;
    super::history::record_rules(
        db,
        Some(&[course_id]),
        now,
        super::history::FirstRule::AtChange,
    )
    .await
    .map(|_| ())
}

// ---- Exemptions -------------------------------------------------------------------------------

/// The fields of a new exemption.
pub struct NewExemption {
    pub person_id: i64,
    pub course_id: i64,
    pub reason: String,
    pub starts_on: NaiveDate,
    pub expires_on: Option<NaiveDate>,
    pub created_by: Option<i64>,
}

/// Records an exemption.
pub async fn add_exemption(
    db: &impl ConnectionTrait,
    new: NewExemption,
    now: DateTime<Utc>,
) -> Result<exemption::Model, DbErr> {
    exemption::ActiveModel {
        person_id: Set(new.person_id),
        course_id: Set(new.course_id),
        reason: Set(new.reason),
        starts_on: Set(new.starts_on),
        expires_on: Set(new.expires_on),
        created_at: Set(now),
        created_by: Set(new.created_by),
        revoked_at: Set(None),
        revoked_by: Set(None),
        ..Default::default()
    }
    .insert(db)
    .await
}

/// Ends an exemption early. Returns false if it was already revoked (or does not exist), so
/// that of two revocations at once only one takes effect.
pub async fn revoke_exemption(
    db: &impl ConnectionTrait,
    id: i64,
    by: i64,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    exemption::Entity::update_many()
        .col_expr(exemption::Column::RevokedAt, Expr::value(now))
        .col_expr(exemption::Column::RevokedBy, Expr::value(by))
        .filter(exemption::Column::Id.eq(id))
        .filter(exemption::Column::RevokedAt.is_null())
        .exec(db)
        .await
        .map(|result| result.rows_affected == 1)
}

/// Everyone's exemptions, or only those of some people.
pub async fn exemptions_of(
    db: &impl ConnectionTrait,
    only: Option<&PersonSet>,
) -> Result<Vec<exemption::Model>, DbErr> {
    let mut query = exemption::Entity::find();
    if let Some(set) = only {
        query = query.filter(set.condition(exemption::Column::PersonId));
    }
    query.all(db).await
}

/// Every exemption, newest first.
pub async fn exemptions(db: &impl ConnectionTrait) -> Result<Vec<exemption::Model>, DbErr> {
    exemption::Entity::find()
        .order_by_desc(exemption::Column::CreatedAt)
        .all(db)
        .await
}

/// One exemption.
pub async fn exemption(
    db: &impl ConnectionTrait,
    id: i64,
) -> Result<Option<exemption::Model>, DbErr> {
    exemption::Entity::find_by_id(id).one(db).await
}

// ---- Quiz attempts ----------------------------------------------------------------------------

/// Starts an attempt with its drawn questions.
pub async fn start_attempt(
    db: &impl ConnectionTrait,
    person_id: i64,
    course_id: i64,
    version_id: i64,
    drawn_json: String,
    language: &str,
    now: DateTime<Utc>,
) -> Result<quiz_attempt::Model, DbErr> {
    quiz_attempt::ActiveModel {
        person_id: Set(person_id),
        course_id: Set(course_id),
        version_id: Set(version_id),
        drawn_json: Set(drawn_json),
        language: Set(Some(language.to_owned())),
        started_at: Set(now),
        submitted_at: Set(None),
        record_sequence: Set(None),
        ..Default::default()
    }
    .insert(db)
    .await
}

/// An attempt by id.
pub async fn attempt(
    db: &impl ConnectionTrait,
    id: i64,
) -> Result<Option<quiz_attempt::Model>, DbErr> {
    quiz_attempt::Entity::find_by_id(id).one(db).await
}

/// The person's unsubmitted attempt at a version, if any.
pub async fn open_attempt(
    db: &impl ConnectionTrait,
    person_id: i64,
    version_id: i64,
) -> Result<Option<quiz_attempt::Model>, DbErr> {
    quiz_attempt::Entity::find()
        .filter(quiz_attempt::Column::PersonId.eq(person_id))
        .filter(quiz_attempt::Column::VersionId.eq(version_id))
        .filter(quiz_attempt::Column::SubmittedAt.is_null())
        .order_by_desc(quiz_attempt::Column::Id)
        .one(db)
        .await
}

/// Marks an attempt submitted. Only an unsubmitted attempt is changed, so a double submission
/// cannot record twice; returns whether this call claimed it.
pub async fn claim_attempt(
    db: &impl ConnectionTrait,
    id: i64,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let result = quiz_attempt::Entity::update_many()
        .col_expr(quiz_attempt::Column::SubmittedAt, Expr::value(now))
        .filter(quiz_attempt::Column::Id.eq(id))
        .filter(quiz_attempt::Column::SubmittedAt.is_null())
        .exec(db)
        .await?;
    Ok(result.rows_affected == 1)
}

/// Points a submitted attempt at its ledger record.
pub async fn set_attempt_record(
    db: &impl ConnectionTrait,
    id: i64,
    sequence: i64,
) -> Result<(), DbErr> {
    quiz_attempt::ActiveModel {
        id: Set(id),
        record_sequence: Set(Some(sequence)),
        ..Default::default()
    }
    .update(db)
    .await
    .map(|_| ())
}

/// Every (person, version) with an attempt, for the engine's "in progress".
pub async fn attempted_versions(
    db: &impl ConnectionTrait,
    only: Option<&PersonSet>,
) -> Result<Vec<(i64, i64)>, DbErr> {
    let mut query = quiz_attempt::Entity::find();
    if let Some(set) = only {
        query = query.filter(set.condition(quiz_attempt::Column::PersonId));
    }
    Ok(query
        .all(db)
        .await?
        .into_iter()
        .map(|a| (a.person_id, a.version_id))
        .collect())
}

// ---- Reading progress -------------------------------------------------------------------------

/// A person's progress through a version.
pub async fn progress(
    db: &impl ConnectionTrait,
    person_id: i64,
    version_id: i64,
) -> Result<Option<reading_progress::Model>, DbErr> {
    reading_progress::Entity::find()
        .filter(reading_progress::Column::PersonId.eq(person_id))
        .filter(reading_progress::Column::VersionId.eq(version_id))
        .one(db)
        .await
}

/// Creates or updates progress; `opened_at` is set only the first time.
pub async fn save_progress(
    db: &impl ConnectionTrait,
    person_id: i64,
    course_id: i64,
    version_id: i64,
    lessons_read_json: String,
    now: DateTime<Utc>,
) -> Result<reading_progress::Model, DbErr> {
    match progress(db, person_id, version_id).await? {
        Some(existing) => {
            reading_progress::ActiveModel {
                id: Set(existing.id),
                lessons_read_json: Set(lessons_read_json),
                updated_at: Set(now),
                ..Default::default()
            }
            .update(db)
            .await
        }
        None => {
            reading_progress::ActiveModel {
                person_id: Set(person_id),
                course_id: Set(course_id),
                version_id: Set(version_id),
                lessons_read_json: Set(lessons_read_json),
                opened_at: Set(now),
                updated_at: Set(now),
                ..Default::default()
            }
            .insert(db)
            .await
        }
    }
}

/// Every (person, version) with reading progress.
pub async fn read_versions(
    db: &impl ConnectionTrait,
    only: Option<&PersonSet>,
) -> Result<Vec<(i64, i64)>, DbErr> {
    let mut query = reading_progress::Entity::find();
    if let Some(set) = only {
        query = query.filter(set.condition(reading_progress::Column::PersonId));
    }
    Ok(query
        .all(db)
        .await?
        .into_iter()
        .map(|p| (p.person_id, p.version_id))
        .collect())
}

// ---- Compliance state -------------------------------------------------------------------------

/// Every stored obligation.
pub async fn compliance(db: &impl ConnectionTrait) -> Result<Vec<compliance_state::Model>, DbErr> {
    compliance_state::Entity::find().all(db).await
}

/// How many people owe this course now.
pub async fn assigned_count(db: &impl ConnectionTrait, course_id: i64) -> Result<usize, DbErr> {
    let n = compliance_state::Entity::find()
        .filter(compliance_state::Column::CourseId.eq(course_id))
        .count(db)
        .await?;
    Ok(usize::try_from(n).unwrap_or(usize::MAX))
}

/// The obligations of the people in `set`.
pub async fn compliance_in(
    db: &impl ConnectionTrait,
    set: &PersonSet,
) -> Result<Vec<compliance_state::Model>, DbErr> {
    compliance_state::Entity::find()
        .filter(set.condition(compliance_state::Column::PersonId))
        .all(db)
        .await
}

/// One person's obligations.
pub async fn compliance_of(
    db: &impl ConnectionTrait,
    person_id: i64,
) -> Result<Vec<compliance_state::Model>, DbErr> {
    compliance_state::Entity::find()
        .filter(compliance_state::Column::PersonId.eq(person_id))
        .all(db)
        .await
}

/// The course with this slug and, if they have it, the person's obligation for it, in one
/// statement (every learner page and write asks). `None` if there is no such course.
pub async fn course_and_obligation(
    db: &impl ConnectionTrait,
    slug: &str,
    person_id: i64,
) -> Result<Option<(course::Model, Option<compliance_state::Model>)>, DbErr> {
    use sea_orm::sea_query::{Condition, ExprTrait};
    use sea_orm::{JoinType, RelationDef};
    let owed: RelationDef = compliance_state::Entity::belongs_to(course::Entity)
        .from(compliance_state::Column::CourseId)
        .to(course::Column::Id)
        .into();
    let owed = owed.rev().on_condition(move |_, _| {
        Condition::all().add(
            Expr::col((compliance_state::Entity, compliance_state::Column::PersonId)).eq(person_id),
        )
    });
    course::Entity::find()
        .filter(course::Column::Slug.eq(slug))
        .join(JoinType::LeftJoin, owed)
        .select_also(compliance_state::Entity)
        .one(db)
        .await
}

/// The courses of `kind` a person still owes (overdue, in progress or not started), soonest
/// due first: ids only, in one query.
pub async fn owed_of_kind(
    db: &impl ConnectionTrait,
    person_id: i64,
    kind: &str,
) -> Result<Vec<i64>, DbErr> {
    let of_kind = sea_orm::sea_query::Query::select()
        .column(course::Column::Id)
        .from(course::Entity)
        .and_where(course::Column::Kind.eq(kind))
        .to_owned();
    compliance_state::Entity::find()
        .select_only()
        .column(compliance_state::Column::CourseId)
        .filter(compliance_state::Column::PersonId.eq(person_id))
        .filter(compliance_state::Column::Status.is_in([
            Status::Overdue.as_str(),
            Status::InProgress.as_str(),
            Status::NotStarted.as_str(),
        ]))
        .filter(compliance_state::Column::CourseId.in_subquery(of_kind))
        .order_by_asc(compliance_state::Column::DueOn)
        .into_tuple()
        .all(db)
        .await
}

/// Inserts or replaces obligations.
pub async fn upsert_compliance(
    db: &impl ConnectionTrait,
    rows: Vec<compliance_state::ActiveModel>,
) -> Result<(), DbErr> {
    if rows.is_empty() {
        return Ok(());
    }
    compliance_state::Entity::insert_many(rows)
        .on_conflict(
            OnConflict::columns([
                compliance_state::Column::PersonId,
                compliance_state::Column::CourseId,
            ])
            .update_columns([
                compliance_state::Column::VersionId,
                compliance_state::Column::Status,
                compliance_state::Column::AssignedOn,
                compliance_state::Column::DueOn,
                compliance_state::Column::FirstDueOn,
                compliance_state::Column::CompletedOn,
                compliance_state::Column::CompletionSequence,
                compliance_state::Column::ValidUntil,
                compliance_state::Column::ExemptionId,
                compliance_state::Column::ComputedAt,
            ])
            .to_owned(),
        )
        .exec_without_returning(db)
        .await
        .map(|_| ())
}

/// Whether any obligation lacks its first deadline (written before that was kept): then the
/// engine recomputes everyone once.
pub async fn lacks_first_deadlines(db: &impl ConnectionTrait) -> Result<bool, DbErr> {
    Ok(compliance_state::Entity::find()
        .filter(compliance_state::Column::FirstDueOn.is_null())
        .one(db)
        .await?
        .is_some())
}

/// Removes one obligation that no longer applies.
pub async fn delete_compliance(
    db: &impl ConnectionTrait,
    person_id: i64,
    course_id: i64,
) -> Result<(), DbErr> {
    compliance_state::Entity::delete_many()
        .filter(compliance_state::Column::PersonId.eq(person_id))
        .filter(compliance_state::Column::CourseId.eq(course_id))
        .exec(db)
        .await
        .map(|_| ())
}

/// People the engine has evaluated before.
pub async fn evaluated_people(
    db: &impl ConnectionTrait,
    only: Option<&PersonSet>,
) -> Result<Vec<i64>, DbErr> {
    let mut query = evaluated_person::Entity::find();
    if let Some(set) = only {
        query = query.filter(set.condition(evaluated_person::Column::PersonId));
    }
    Ok(query
        .all(db)
        .await?
        .into_iter()
        .map(|row| row.person_id)
        .collect())
}

/// Up to `limit` active people already hired by `today` whom the engine has never evaluated
/// (people whose start date has arrived since the last run, or never run at all).
pub async fn unevaluated_people(
    db: &impl ConnectionTrait,
    today: NaiveDate,
    limit: u64,
) -> Result<Vec<i64>, DbErr> {
    use sea_orm::sea_query::Query;
    person::Entity::find()
        .select_only()
        .column(person::Column::Id)
        .filter(person::Column::Active.eq(true))
        .filter(person::Column::HireDate.lte(today))
        .filter(
            person::Column::Id.not_in_subquery(
                Query::select()
                    .column(evaluated_person::Column::PersonId)
                    .from(evaluated_person::Entity)
                    .to_owned(),
            ),
        )
        .order_by_asc(person::Column::Id)
        .limit(limit)
        .into_tuple::<i64>()
        .all(db)
        .await
}

/// Records that these people have now been evaluated.
pub async fn mark_evaluated(
    db: &impl ConnectionTrait,
    person_ids: &[i64],
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    if person_ids.is_empty() {
        return Ok(());
    }
    // In chunks: SQLite takes at most 32,766 bound values in one statement.
    for chunk in person_ids.chunks(1_000) {
        let rows = chunk.iter().map(|id| evaluated_person::ActiveModel {
            person_id: Set(*id),
            first_evaluated_at: Set(now),
        });
        evaluated_person::Entity::insert_many(rows)
            .on_conflict(
                OnConflict::column(evaluated_person::Column::PersonId)
                    .do_nothing()
                    .to_owned(),
            )
            .exec_without_returning(db)
            .await?;
    }
    Ok(())
}

// ---- Certificates -----------------------------------------------------------------------------

/// The certificate of a ledger record.
pub async fn certificate_of(
    db: &impl ConnectionTrait,
    sequence: i64,
) -> Result<Option<certificate::Model>, DbErr> {
    certificate::Entity::find_by_id(sequence).one(db).await
}

/// The certificate codes of these ledger records, by record sequence.
pub async fn certificate_codes(
    db: &impl ConnectionTrait,
    sequences: &[i64],
) -> Result<std::collections::HashMap<i64, String>, DbErr> {
    let mut codes = std::collections::HashMap::new();
    for chunk in sequences.chunks(1_000) {
        codes.extend(
            certificate::Entity::find()
                .filter(certificate::Column::RecordSequence.is_in(chunk.iter().copied()))
                .all(db)
                .await?
                .into_iter()
                .map(|c| (c.record_sequence, c.code)),
        );
    }
    Ok(codes)
}

/// A certificate by its verification code.
pub async fn certificate_by_code(
    db: &impl ConnectionTrait,
    code: &str,
) -> Result<Option<certificate::Model>, DbErr> {
    certificate::Entity::find()
        .filter(certificate::Column::Code.eq(code))
        .one(db)
        .await
}

/// Issues a certificate for a passed record.
pub async fn issue_certificates(
    db: &impl ConnectionTrait,
    certificates: Vec<(i64, String, DateTime<Utc>)>,
) -> Result<(), DbErr> {
    for chunk in certificates.chunks(1_000) {
        let rows = chunk
            .iter()
            .map(|(sequence, code, at)| certificate::ActiveModel {
                record_sequence: Set(*sequence),
                code: Set(code.clone()),
                issued_at: Set(*at),
            });
        certificate::Entity::insert_many(rows)
            .exec_without_returning(db)
            .await?;
    }
    Ok(())
}

/// Issues one certificate.
pub async fn issue_certificate(
    db: &impl ConnectionTrait,
    sequence: i64,
    code: &str,
    now: DateTime<Utc>,
) -> Result<certificate::Model, DbErr> {
    certificate::ActiveModel {
        record_sequence: Set(sequence),
        code: Set(code.to_owned()),
        issued_at: Set(now),
    }
    .insert(db)
    .await
}
