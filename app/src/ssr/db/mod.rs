//! Database access: connecting, migrating, and one repository module per table group.
//!
//! Repositories hold the queries; business rules stay in `crate::domain`.

pub mod account_tokens;
pub mod audit;
pub mod courses;
pub mod dashboard;
pub mod drafts;
pub mod entities;
pub mod job_roles;
pub mod job_runs;
pub mod ledger;
pub mod lock;
pub mod login_failures;
pub mod org_tree;
pub mod outbox;

pub mod people;
pub mod presence;
pub mod reminder_log;
pub mod reset_requests;
pub mod revoked_sessions;
pub mod settings;
pub mod test_support;
pub mod training;

use std::path::Path;

use migrations::{Migrator, MigratorTrait};
use sea_orm::{ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DbBackend, DbErr};

/// Opens the database named by `url`. For a SQLite file, creates it (and its folder) if missing
/// and switches it to write-ahead logging, so readers never block the writer.
pub async fn connect(url: &str) -> Result<DatabaseConnection, DbErr> {
    let url = prepare_sqlite_url(url)?;
    let in_memory = url.contains(":memory:") || url.contains("mode=memory");
    let mut options = ConnectOptions::new(url.clone());
    options.sqlx_logging(false);
    if in_memory {
        // Each connection to `sqlite::memory:` is a separate empty database; keep exactly one.
        options.max_connections(1).min_connections(1);
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
