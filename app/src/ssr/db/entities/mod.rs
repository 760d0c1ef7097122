//! sea-orm entities, one per table, mirroring `migrations/`. Written by hand to match the
//! migrations; a repository test round-trips every table on SQLite and PostgreSQL.

pub mod department;
pub mod job_role;
pub mod login_failure;
pub mod person;
pub mod person_role;
pub mod revoked_session;
