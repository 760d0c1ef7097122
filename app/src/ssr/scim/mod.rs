//! Provisioning through SCIM 2.0: the directory's users are Vigil's people, its groups Vigil's
//! job roles. Each change and its audit entry commit in one transaction; training is
//! recomputed for the people a change touched.

pub mod groups;
pub mod users;
mod views;

use sea_orm::DatabaseConnection;

use super::api_tokens::TokenHolder;
use super::db::audit::Actor;
use super::db::people;
use super::mail::MailSettings;
use super::people_admin::Acting;
use super::training::engine::EngineLock;
use crate::domain::scim::{ScimError, ScimType};
use crate::error::{AppError, Conflict};

/// Everything a SCIM request acts with.
pub struct Scim<'a> {
    pub db: &'a DatabaseConnection,
    /// Absolute base of the endpoint (`https://vigil.example/scim/v2`), for locations.
    pub base: String,
    pub holder: TokenHolder,
    pub mail: &'a MailSettings,
    pub engine: &'a EngineLock,
    /// People sign in through the organisation's identity provider: a new person gets no
    /// password invitation.
    pub single_sign_on: bool,
}

impl Scim<'_> {
    /// Who the audit log names: the token.
    fn actor(&self) -> Actor {
        self.holder.actor()
    }

    /// Whose rights limit what the token does: the administrator who made it (or the server's
    /// operator, for a token made on the command line).
    async fn acting(&self) -> Result<Acting, ScimError> {
        let acting = match self.holder.token.created_by {
            Some(id) => match people::find_by_id(self.db, id).await.map_err(db_error)? {
                Some(creator) => Acting::person(&creator),
                None => {
                    return Err(ScimError::status(
                        403,
                        "The token's creator no longer exists.",
                    ));
                }
            },
            None => Acting::operator("vigil token"),
        };
        Ok(Acting {
            audit: self.actor(),
            ..acting
        })
    }
}

/// A database failure: logged, answered 500 without details.
pub fn db_error(err: sea_orm::DbErr) -> ScimError {
    tracing::error!(error = %err, "SCIM request failed in the database");
    ScimError::status(
        500,
        "Vigil could not complete the request; it has been logged.",
    )
}

/// Vigil's errors as SCIM answers.
pub fn app_error(err: AppError) -> ScimError {
    match err {
        AppError::NotFound(resource) => ScimError::not_found(format!("{resource} was not found.")),
        AppError::Conflict(Conflict::EmailTaken) => ScimError::bad(
            ScimType::Uniqueness,
            "Another person already has that email address.",
        ),
        AppError::Rights(refused) => ScimError::bad(ScimType::Mutability, refused.to_string()),
        AppError::Forbidden => ScimError::status(403, "The token may not do this."),
        AppError::Internal { .. } => ScimError::status(
            500,
            "Vigil could not complete the request; it has been logged.",
        ),
        other if other.status() < 500 => ScimError::bad(ScimType::InvalidValue, other.to_string()),
        other => {
            tracing::error!(error = %other, "SCIM request failed");
            ScimError::status(
                500,
                "Vigil could not complete the request; it has been logged.",
            )
        }
    }
}
