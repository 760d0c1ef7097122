//! The language a person takes courses in: the languages the courses in use are available in,
//! and the person's own choice.

use std::collections::BTreeSet;

use sea_orm::DatabaseConnection;

use super::versions::VersionCache;
use crate::dto::language::LanguageChoice;
use crate::error::{AppError, Invalid};
use crate::ssr::auth::CurrentUser;
use crate::ssr::db::{courses, people};

/// Every language some course in use can be taken in: its own and its translations'. The
/// versions come parsed from `versions` (parsed once per process, off the async runtime), not
/// loaded and parsed whole on each view of the account page.
pub async fn available(
    db: &DatabaseConnection,
    versions: &VersionCache,
) -> Result<BTreeSet<String>, AppError> {
    let mut languages = BTreeSet::new();
    for id in courses::current_version_ids(db).await? {
        if let Some(version) = versions.get(db, id).await? {
            languages.insert(version.meta.language.clone());
            languages.extend(version.rendered.translations.keys().cloned());
        }
    }
    Ok(languages)
}

/// The person's choice and what they can choose from.
pub async fn choice(
    db: &DatabaseConnection,
    versions: &VersionCache,
    user: &CurrentUser,
) -> Result<LanguageChoice, AppError> {
    Ok(LanguageChoice {
        current: user.person.language.clone(),
        available: available(db, versions).await?.into_iter().collect(),
    })
}

/// Sets the person's own language; empty means each course's own. Only languages some course
/// is available in can be chosen.
pub async fn choose(
    db: &DatabaseConnection,
    versions: &VersionCache,
    user: &CurrentUser,
    language: &str,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<(), AppError> {
    let language = language.trim();
    let chosen = if language.is_empty() {
        None
    } else if available(db, versions).await?.contains(language) {
        Some(language.to_owned())
    } else {
        return Err(Invalid::UnknownLanguage.into());
    };
    people::set_language(db, user.person.id, chosen, now).await?;
    Ok(())
}
