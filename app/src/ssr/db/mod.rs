//! Database access: connecting, migrating, and one repository module per table group.
//!
//! Repositories hold the queries; business rules stay in `crate::domain`.

pub mod account_tokens;
pub mod api_tokens;
pub mod audit;
pub mod courses;
pub mod dashboard;
pub mod directory_users;
pub mod drafts;
pub mod entities;
pub mod history;
pub mod job_roles;
pub mod job_runs;
pub mod ledger;
pub mod ledger_tree;
pub mod lock;
pub mod login_failures;
pub mod org_tree;
pub mod outbox;

pub mod people;
pub mod presence;
pub mod programme_reviews;
pub mod reminder_log;
pub mod reset_requests;
pub mod revoked_sessions;
pub mod settings;
pub mod test_support;
pub mod training;
pub mod witnesses;

use std::path::Path;

use migrations::{Migrator, MigratorTrait};
use sea_orm::{
    ColumnTrait, Condition, ConnectOptions, ConnectionTrait, Database, DatabaseConnection,
    DbBackend, DbErr, SqliteTransactionMode, TransactionOptions, TransactionTrait,
};

/// The people whose ids lie in `from..to`: one person, or one slice of the organisation that a
/// step of the assignment engine reads and writes at a time.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct IdRange {
    pub from: i64,
    pub to: i64,
}

impl IdRange {
    /// Just this person.
    pub fn one(id: i64) -> Self {
        Self {
            from: id,
            to: id + 1,
        }
    }

    /// Consecutive ranges of `size` ids covering `low..=high`.
    pub fn slices(low: i64, high: i64, size: i64) -> impl Iterator<Item = IdRange> {
        let size = size.max(1);
        std::iter::successors(Some(low), move |from| {
            from.checked_add(size).filter(|next| *next <= high)
        })
        .take_while(move |from| *from <= high)
        .map(move |from| IdRange {
            from,
            to: from.saturating_add(size),
        })
    }

    /// Rows whose `column` (a person id) lies in the range.
    pub fn condition(self, column: impl ColumnTrait) -> Condition {
        Condition::all()
            .add(column.gte(self.from))
            .add(column.lt(self.to))
    }
}

/// Whose rows a query reads: a range of person ids (a slice of a full engine run) or a few
/// chosen people (the learners whose writes commit together).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PersonSet {
    Range(IdRange),
    Ids(Vec<i64>),
}

impl PersonSet {
    /// Rows whose `column` (a person id) names someone in the set.
    pub fn condition(&self, column: impl ColumnTrait) -> Condition {
        match self {
            Self::Range(range) => range.condition(column),
            Self::Ids(ids) => Condition::all().add(column.is_in(ids.iter().copied())),
        }
    }
}

impl From<IdRange> for PersonSet {
    fn from(range: IdRange) -> Self {
        Self::Range(range)
    }
}

/// Connections to a SQLite file unless configured (`VIGIL_DATABASE_CONNECTIONS`). With
/// write-ahead logging, pages and checks read on several connections at once while one
/// transaction writes (each transaction takes the write lock at its start, see [`begin`]);
/// others wait for it (the driver's busy timeout, 5 s).
const SQLITE_CONNECTIONS: u32 = 4;

/// Begins a transaction. On SQLite it takes the database's write lock at once (`BEGIN
/// IMMEDIATE`): every transaction here writes, and one that read first and wrote later would
/// fail if another connection committed in between. Reads outside transactions go on meanwhile.
#[allow(clippy::disallowed_methods)] // the one place that begins transactions
pub async fn begin<C>(db: &C) -> Result<C::Transaction, DbErr>
where
    C: TransactionTrait + ConnectionTrait,
{
    match db.get_database_backend() {
        DbBackend::Sqlite => {
            db.begin_with_options(TransactionOptions {
                sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
                ..Default::default()
            })
            .await
        }
        _ => db.begin().await,
    }
}

/// A statement that takes this long is logged as a warning.
const SLOW_STATEMENT: std::time::Duration = std::time::Duration::from_secs(1);

/// Opens the database named by `url` with the default number of connections for its kind.
pub async fn connect(url: &str) -> Result<DatabaseConnection, DbErr> {
    connect_with(url, None).await
}

/// Opens the database named by `url`, keeping at most `connections` connections (`None`: four
/// for a SQLite file, the driver's default for PostgreSQL; an in-memory SQLite database always
/// has one). For a SQLite file, creates it (and its folder) if missing and switches it to
/// write-ahead logging, so readers never block the writer.
pub async fn connect_with(
    url: &str,
    connections: Option<u32>,
) -> Result<DatabaseConnection, DbErr> {
    let url = prepare_sqlite_url(url)?;
    let in_memory = url.contains(":memory:") || url.contains("mode=memory");
    let mut options = ConnectOptions::new(url.clone());
    // Each statement at debug level (`RUST_LOG=sqlx::query=debug` shows them with their time),
    // and a warning for any that takes a second or more.
    options
        .sqlx_logging(true)
        .sqlx_logging_level(log::LevelFilter::Debug)
        .sqlx_slow_statements_logging_settings(log::LevelFilter::Warn, SLOW_STATEMENT);
    if in_memory {
        // Each connection to `sqlite::memory:` is a separate empty database; keep exactly one.
        options.max_connections(1).min_connections(1);
    } else if let Some(connections) = connections {
        options.max_connections(connections);
    } else if url.starts_with("sqlite:") {
        // SeaORM would open one connection only, through which every request would then wait.
        options.max_connections(SQLITE_CONNECTIONS);
    }
    let db = Database::connect(options).await?;
    if db.get_database_backend() == DbBackend::Sqlite && !in_memory {
        db.execute_unprepared("PRAGMA journal_mode=WAL").await?;
    }
    Ok(db)
}

/// Applies every pending migration.
pub async fn migrate(db: &DatabaseConnection) -> Result<(), DbErr> {
    Migrator::up(db, None).await
}

/// Adds `mode=rwc` to SQLite file URLs so the file is created, and creates its folder.
fn prepare_sqlite_url(url: &str) -> Result<String, DbErr> {
    let Some(rest) = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))
    else {
        return Ok(url.to_owned());
    };
    let path = rest.split('?').next().unwrap_or_default();
    if path.is_empty() || path.contains(":memory:") {
        return Ok(url.to_owned());
    }
    if let Some(parent) = Path::new(path)
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
    {
        std::fs::create_dir_all(parent).map_err(|err| {
            DbErr::Custom(format!(
                "cannot create the database folder {}: {err}",
                parent.display()
            ))
        })?;
    }
    if url.contains("mode=") {
        Ok(url.to_owned())
    } else if url.contains('?') {
        Ok(format!("{url}&mode=rwc"))
    } else {
        Ok(format!("{url}?mode=rwc"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sqlite_file_urls_are_opened_for_creation() {
        let dir = std::env::temp_dir().join(format!("vigil-url-{}", std::process::id()));
        let url = format!("sqlite://{}/sub/vigil.db", dir.display());
        assert_eq!(prepare_sqlite_url(&url).unwrap(), format!("{url}?mode=rwc"));
        assert!(dir.join("sub").is_dir());
        let _ = std::fs::remove_dir_all(dir);
    }

    /// Every migration can be undone and done again, on SQLite and PostgreSQL.
    #[tokio::test]
    async fn migrations_go_down_and_up_again() {
        for (backend, db) in test_support::backends().await.unwrap() {
            Migrator::down(&db, None)
                .await
                .unwrap_or_else(|err| panic!("{backend}: down: {err}"));
            assert!(
                Migrator::get_applied_migrations(&db)
                    .await
                    .unwrap()
                    .is_empty(),
                "{backend}: everything undone"
            );
            migrate(&db)
                .await
                .unwrap_or_else(|err| panic!("{backend}: up again: {err}"));
        }
    }

    /// SQLite is built with the query planner stability guarantee (`.cargo/config.toml`): without
    /// it each statement with a bound `LIMIT ?` is parsed and planned again at every use, a sixth
    /// of a lesson page's CPU time. Losing the build flag would go unnoticed otherwise.
    #[tokio::test]
    async fn sqlite_keeps_its_statements_prepared() {
        let db = connect("sqlite::memory:").await.unwrap();
        let options: Vec<String> = db
            .query_all_raw(sea_orm::Statement::from_string(
                DbBackend::Sqlite,
                "PRAGMA compile_options",
            ))
            .await
            .unwrap()
            .iter()
            .map(|row| row.try_get_by_index(0).unwrap())
            .collect();
        assert!(
            options.iter().any(|option| option == "ENABLE_QPSG"),
            "{options:?}"
        );
    }

    #[tokio::test]
    async fn a_sqlite_file_keeps_four_connections_unless_told_otherwise() {
        let folder = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", folder.path().join("pool.db").display());
        let most = |db: &DatabaseConnection| {
            db.get_sqlite_connection_pool()
                .options()
                .get_max_connections()
        };
        assert_eq!(most(&connect(&url).await.unwrap()), SQLITE_CONNECTIONS);
        assert_eq!(most(&connect_with(&url, Some(1)).await.unwrap()), 1);
        // An in-memory database is one database only on one connection.
        assert_eq!(
            most(&connect_with("sqlite::memory:", Some(3)).await.unwrap()),
            1
        );
    }

    #[test]
    fn slices_cover_every_id_once() {
        let ranges: Vec<(i64, i64)> = IdRange::slices(3, 12, 4).map(|r| (r.from, r.to)).collect();
        assert_eq!(ranges, [(3, 7), (7, 11), (11, 15)]);
        assert_eq!(IdRange::slices(5, 5, 2_000).count(), 1);
        assert_eq!(IdRange::slices(6, 5, 2_000).count(), 0);
    }

    #[test]
    fn other_urls_are_left_alone() {
        for url in [
            "sqlite::memory:",
            "postgres://vigil@localhost/vigil",
            "sqlite://x.db?mode=ro",
        ] {
            assert_eq!(prepare_sqlite_url(url).unwrap(), url);
        }
    }
}
