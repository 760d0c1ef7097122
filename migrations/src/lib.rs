//! Vigil's database schema as reversible, date-stamped migrations.
//!
//! Every migration uses sea-orm's backend-neutral schema builder so that SQLite (the embedded
//! default) and PostgreSQL share one migration set; the one exception, the audit log's
//! append-only triggers, has one statement per backend. Each `down` undoes exactly its `up`.

pub use sea_orm_migration::prelude::*;

mod m20261121_000001_create_organisation;
mod m20261121_000002_create_sign_in_tables;
mod m20261121_000003_create_content;
mod m20261121_000004_create_training;
mod m20261121_000005_create_outbox_and_sessions;
mod m20261121_000006_append_only_audit_log;
mod m20261130_000007_mail_delivery;
mod m20261130_000008_hardening;
mod m20261130_000009_scale_indexes;
mod m20261130_000010_compliance_month_ends;
mod m20261130_000011_obligation_tallies;
mod m20261130_000012_dashboard_list_indexes;
mod m20261201_000013_transparency_log;
mod m20261201_000014_history_and_witnesses;
mod m20261201_000015_first_deadline;
mod m20261201_000016_api_tokens;
mod m20261201_000017_sso_and_scim;
mod m20261201_000018_content_authoring;
mod m20261202_000019_languages;
mod m20261202_000020_catalogue_generation;

/// The ordered list of Vigil's migrations.
pub struct Migrator;

impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261121_000001_create_organisation::Migration),
            Box::new(m20261121_000002_create_sign_in_tables::Migration),
            Box::new(m20261121_000003_create_content::Migration),
            Box::new(m20261121_000004_create_training::Migration),
            Box::new(m20261121_000005_create_outbox_and_sessions::Migration),
            Box::new(m20261121_000006_append_only_audit_log::Migration),
            Box::new(m20261130_000007_mail_delivery::Migration),
            Box::new(m20261130_000008_hardening::Migration),
            Box::new(m20261130_000009_scale_indexes::Migration),
            Box::new(m20261130_000010_compliance_month_ends::Migration),
            Box::new(m20261130_000011_obligation_tallies::Migration),
            Box::new(m20261130_000012_dashboard_list_indexes::Migration),
            Box::new(m20261201_000013_transparency_log::Migration),
            Box::new(m20261201_000014_history_and_witnesses::Migration),
            Box::new(m20261201_000015_first_deadline::Migration),
            Box::new(m20261201_000016_api_tokens::Migration),
            Box::new(m20261201_000017_sso_and_scim::Migration),
            Box::new(m20261201_000018_content_authoring::Migration),
            Box::new(m20261202_000019_languages::Migration),
            Box::new(m20261202_000020_catalogue_generation::Migration),
        ]
    }
}

/// Runs `sqlite` or `postgres` statements, whichever backend this is.
pub(crate) async fn run_per_backend<S: AsRef<str>>(
    manager: &SchemaManager<'_>,
    sqlite: &[S],
    postgres: &[S],
) -> Result<(), DbErr> {
    use sea_orm_migration::sea_orm::{ConnectionTrait, DbBackend};
    let db = manager.get_connection();
    let statements = match db.get_database_backend() {
        DbBackend::Sqlite => sqlite,
        DbBackend::Postgres => postgres,
        other => {
            return Err(DbErr::Migration(format!(
                "Vigil does not support {other:?}"
            )));
        }
    };
    for statement in statements {
        db.execute_unprepared(statement.as_ref()).await?;
    }
    Ok(())
}
