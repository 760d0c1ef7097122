//! One module per page.

pub mod account;
pub mod account_link;
pub mod api_tokens;
pub mod audit_log;
pub mod certificate;
pub mod compliance;
pub mod content;
pub mod content_course;
pub mod content_draft;
pub mod content_retire;
pub mod content_version;
pub mod evidence;
pub mod exemptions;
pub mod forgot_password;
pub mod home;
pub mod login;
pub mod mail_queue;
pub mod mail_templates;
pub mod not_found;
pub mod people;
pub mod people_import;
pub mod person_edit;

pub mod placeholder;
pub mod records;
pub mod reminder_settings;
pub mod sessions;
pub mod team;
pub mod team_member;
pub mod training;
pub mod training_course;
pub mod training_lesson;
pub mod training_quiz;
pub mod training_result;
