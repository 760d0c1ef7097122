//! Turning internal failures into opaque user-facing errors while keeping the cause in the log.

use crate::error::AppError;

/// Logs `cause` with a fresh reference and returns the opaque error the user sees, which
/// quotes the same reference so an administrator can find the log line.
pub fn internal(context: &str, cause: impl std::fmt::Display) -> AppError {
    let reference: u32 = rand::random();
    tracing::error!(reference = %format!("{reference:08x}"), %cause, "{context}");
    AppError::Internal { reference }
}

impl From<sea_orm::DbErr> for AppError {
    fn from(err: sea_orm::DbErr) -> Self {
        internal("database operation failed", err)
    }
}

impl From<sea_orm::TransactionError<AppError>> for AppError {
    fn from(err: sea_orm::TransactionError<AppError>) -> Self {
        match err {
            sea_orm::TransactionError::Connection(db) => db.into(),
            sea_orm::TransactionError::Transaction(app) => app,
        }
    }
}
