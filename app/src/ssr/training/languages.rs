//! The language a person takes courses in: the languages the courses in use are available in,
//! and the person's own choice.

use std::collections::BTreeSet;

use sea_orm::DatabaseConnection;

use super::learner::parse_version;
use crate::dto::language::LanguageChoice;
use crate::error::{AppError, Invalid};
use crate::ssr::auth::CurrentUser;
use crate::ssr::db::{courses, people};

/// Every language some course in use can be taken in: its own and its translations'.
pub async fn available(db: &DatabaseConnection) -> Result<BTreeSet<String>, AppError> {
    let mut languages = BTreeSet::new();
    for (_, version) in courses::current_versions(db).await? {
        let (meta, rendered) = parse_version(&version)?;
        languages.insert(meta.language);
        languages.extend(rendered.translations.into_keys());
    }
    Ok(languages)
}

/// The person's choice and what they can choose from.
pub async fn choice(
    db: &DatabaseConnection,
    user: &CurrentUser,
) -> Result<LanguageChoice, AppError> {
    Ok(LanguageChoice {
        current: user.person.language.clone(),
        available: available(db).await?.into_iter().collect(),
    })
}

/// Sets the person's own language; empty means each course's own. Only languages some course
/// is available in can be chosen.
pub async fn choose(
    db: &DatabaseConnection,
    user: &CurrentUser,
    language: &str,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<(), AppError> {
    let language = language.trim();
    let chosen = if language.is_empty() {
        None
    } else if available(db).await?.contains(language) {
        Some(language.to_owned())
    } else {
        return Err(Invalid::UnknownLanguage.into());
    };
    people::set_language(db, user.person.id, chosen, now).await?;
    Ok(())
}
