//! `vigil token create | list | revoke`: API tokens made on the server (by whoever can run it),
//! audited as the command line.

use app::ssr::api_tokens::{self, Operator};
use chrono::Utc;
use sea_orm::DatabaseConnection;

use super::CommandError;

/// Makes a token and prints its secret, once.
pub async fn create(
    db: &DatabaseConnection,
    name: &str,
    scope: &str,
    days: Option<u32>,
) -> Result<(), CommandError> {
    let days = days.map(|d| d.to_string()).unwrap_or_default();
    let (token, secret) =
        api_tokens::create(db, Operator::Server, name, scope, &days, Utc::now()).await?;
    eprintln!(
        "Token {} \"{}\" ({}) expires {}. It is shown once: store it now.",
        token.id,
        token.name,
        token.scope,
        token.expires_at.format("%Y-%m-%d %H:%M UTC")
    );
    println!("{secret}");
    Ok(())
}

/// Lists every token (never a secret).
pub async fn list(db: &DatabaseConnection) -> Result<(), CommandError> {
    let tokens = api_tokens::all(db).await?;
    if tokens.is_empty() {
        println!("No API tokens.");
        return Ok(());
    }
    let now = Utc::now();
    println!("id\tscope\tstatus\texpires\tlast used\tname");
    for token in tokens {
        let status = if token.revoked_at.is_some() {
            "revoked"
        } else if token.expires_at <= now {
            "expired"
        } else {
            "active"
        };
        println!(
            "{}\t{}\t{}\t{}\t{}\t{} (…{})",
            token.id,
            token.scope,
            status,
            token.expires_at.format("%Y-%m-%d"),
            token
                .last_used_at
                .map(|at| at.format("%Y-%m-%d %H:%M").to_string())
                .unwrap_or_else(|| "never".to_owned()),
            token.name,
            token.hint
        );
    }
    Ok(())
}

/// Revokes a token at once.
pub async fn revoke(db: &DatabaseConnection, id: i64) -> Result<(), CommandError> {
    api_tokens::revoke(db, Operator::Server, id, Utc::now()).await?;
    println!("Token {id} is revoked: requests that present it are refused from now on.");
    Ok(())
}
