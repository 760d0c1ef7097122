//! Training: assignment rules, the engine, the learner's journey, the ledger's corrections,
//! exemptions and certificates.

pub mod admin_views;
pub mod certificates;
pub mod corrections;
pub mod engine;
pub mod exemptions;
pub mod group_commit;
pub mod languages;
pub mod learner;
pub mod quiz;
pub mod reading;
pub mod rules;
pub mod sessions;
pub mod versions;
