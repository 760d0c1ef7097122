//! sea-orm entities, one per table, mirroring `migrations/`. Written by hand to match the
//! migrations; the repository tests round-trip every table on SQLite and PostgreSQL.

pub mod account_token;
pub mod audit_event;
pub mod certificate;
pub mod completion_record;
pub mod compliance_month_end;
pub mod compliance_state;
pub mod content_draft;
pub mod course;
pub mod course_asset;
pub mod course_rule;
pub mod course_version;
pub mod department;
pub mod draft_file;
pub mod evaluated_person;
pub mod exemption;
pub mod job_role;
pub mod job_run;
pub mod ledger_checkpoint;
pub mod ledger_tree_node;
pub mod login_failure;
pub mod outbox_message;
pub mod password_reset_request;
pub mod people_import;
pub mod person;
pub mod person_role;
pub mod quiz_attempt;
pub mod reading_progress;
pub mod reminder_log;
pub mod revoked_session;
pub mod setting;
pub mod training_session;
pub mod used_presence_token;
