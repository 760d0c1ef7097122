//! Fresh databases for tests: in-memory SQLite always, and a new PostgreSQL database per test
//! when `TEST_POSTGRES_URL` names a server (CI sets it). Lets one test body run on both.

use sea_orm::{ConnectionTrait, DatabaseConnection, DbErr};

use super::{connect, job_roles, migrate};

/// A migrated, seeded, empty in-memory SQLite database.
pub async fn sqlite_memory() -> Result<DatabaseConnection, DbErr> {
    prepared(connect("sqlite::memory:").await?).await
}

/// A migrated, seeded SQLite database in a new file under `dir` (so several connections share it).
pub async fn sqlite_file(dir: &std::path::Path) -> Result<(String, DatabaseConnection), DbErr> {
    let url = format!("sqlite://{}/vigil-test.db", dir.display());
    let db = prepared(connect(&url).await?).await?;
    Ok((url, db))
}

/// A migrated, seeded, new PostgreSQL database, if `TEST_POSTGRES_URL` is set.
pub async fn postgres_fresh() -> Result<Option<(String, DatabaseConnection)>, DbErr> {
    let Ok(server_url) = std::env::var("TEST_POSTGRES_URL") else {
        return Ok(None);
    };
    let (base, query) = match server_url.split_once('?') {
        Some((base, query)) => (base.to_owned(), format!("?{query}")),
        None => (server_url.clone(), String::new()),
    };
    let Some((server, _)) = base.rsplit_once('/') else {
        return Err(DbErr::Custom(format!(
            "TEST_POSTGRES_URL has no database path: {server_url}"
        )));
    };
    let name = format!("vigil_test_{}", uuid::Uuid::new_v4().simple());
    let admin = connect(&server_url).await?;
    admin
        .execute_unprepared(&format!("CREATE DATABASE \"{name}\""))
        .await?;
    admin.close().await?;
    let url = format!("{server}/{name}{query}");
    Ok(Some((url.clone(), prepared(connect(&url).await?).await?)))
}

/// Every backend to run a database test against, named for failure messages.
pub async fn backends() -> Result<Vec<(&'static str, DatabaseConnection)>, DbErr> {
    let mut all = vec![("sqlite", sqlite_memory().await?)];
    if let Some((_, db)) = postgres_fresh().await? {
        all.push(("postgres", db));
    }
    Ok(all)
}

async fn prepared(db: DatabaseConnection) -> Result<DatabaseConnection, DbErr> {
    migrate(&db).await?;
    job_roles::seed(&db).await?;
    Ok(db)
}

/// Removes the triggers that keep the completion ledger append-only, as an insider with full
/// database access could: tests of tamper *evidence* start here.
pub async fn drop_ledger_guards(db: &impl ConnectionTrait) -> Result<(), DbErr> {
    let statements: &[&str] = match db.get_database_backend() {
        sea_orm::DbBackend::Postgres => {
            &["DROP TRIGGER IF EXISTS completion_records_append_only ON completion_records"]
        }
        _ => &[
            "DROP TRIGGER IF EXISTS completion_records_no_update",
            "DROP TRIGGER IF EXISTS completion_records_no_delete",
        ],
    };
    for statement in statements {
        db.execute_unprepared(statement).await?;
    }
    Ok(())
}

/// A manual completion of `course` (its current version, whose content hash is `content_hash`)
/// for `person_id`, finished `now`, with `reason`: a record for tests to append.
pub fn manual_completion(
    person_id: i64,
    course: &super::entities::course::Model,
    content_hash: String,
    reason: &str,
    now: chrono::DateTime<chrono::Utc>,
) -> super::ledger::NewRecord {
    super::ledger::NewRecord {
        kind: crate::domain::ledger::RecordKind::Manual,
        person_id,
        course_id: course.id,
        version_id: course.current_version_id.unwrap_or_default(),
        content_hash,
        score: None,
        passed: true,
        answers: None,
        started_at: None,
        finished_at: now,
        actor_id: None,
        reason: Some(reason.to_owned()),
        voids_sequence: None,
        session_id: None,
        language: None,
    }
}
