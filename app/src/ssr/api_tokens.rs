//! API tokens: creating one (shown once), listing, revoking, and authenticating a request that
//! presents one as `Authorization: Bearer …`. A token acts only within its scope, and only while
//! whoever created it still may create such tokens.

use base64::Engine as _;
use chrono::{DateTime, Duration, Utc};
use sea_orm::DatabaseConnection;
use serde_json::json;
use sha2::{Digest, Sha256};

use super::auth::current_user::CurrentUser;
use super::db::api_tokens::{self, NewApiToken};
use super::db::audit::{self, Actor, AuditEntry};
use super::db::entities::api_token;
use super::db::people;
use crate::domain::api_token::{PREFIX, Scope, looks_like_token, parse_days, parse_name};
use crate::domain::permissions::{Permission, PermissionFacts, Permissions};
use crate::dto::api_token::TokenRow;
use crate::error::AppError;

/// Who makes or revokes a token.
pub enum Operator<'a> {
    /// An administrator in the browser.
    Person(&'a CurrentUser),
    /// Someone with access to the server (`vigil token …`).
    Server,
}

impl Operator<'_> {
    fn actor(&self) -> Actor {
        match self {
            Self::Person(user) => user.actor(),
            Self::Server => Actor::system("vigil token (command line)"),
        }
    }

    fn person_id(&self) -> Option<i64> {
        match self {
            Self::Person(user) => Some(user.person.id),
            Self::Server => None,
        }
    }

    /// Whether they may make tokens of `scope`: only someone who holds that right themselves.
    fn may_create(&self, scope: Scope) -> bool {
        match self {
            Self::Person(user) => may_hold(&user.permissions, scope),
            Self::Server => true,
        }
    }

    /// Whether they may revoke a token: any platform or compliance administrator may stop any
    /// token (taking access away never needs the right it grants).
    fn may_revoke(&self) -> bool {
        match self {
            Self::Person(user) => user.permissions.allows(Permission::ManagePeople),
            Self::Server => true,
        }
    }
}

fn may_hold(permissions: &Permissions, scope: Scope) -> bool {
    permissions.allows(if scope.needs_platform_admin() {
        Permission::PlatformAdmin
    } else {
        Permission::ComplianceAdmin
    })
}

fn hash(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

/// A new token's secret: the prefix and 32 random bytes, base64url.
fn new_secret() -> String {
    let bytes: [u8; 32] = rand::random();
    format!(
        "{PREFIX}{}",
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
    )
}

/// Makes a token (audited in the same transaction). Returns it and its secret, which is never
/// stored or shown again.
pub async fn create(
    db: &DatabaseConnection,
    operator: Operator<'_>,
    name: &str,
    scope: &str,
    days: &str,
    now: DateTime<Utc>,
) -> Result<(api_token::Model, String), AppError> {
    let name = parse_name(name)?;
    let scope = Scope::parse(scope)?;
    let days = parse_days(days)?;
    if !operator.may_create(scope) {
        return Err(AppError::Forbidden);
    }
    let secret = new_secret();
    let txn = crate::ssr::db::begin(db).await?;
    let token = api_tokens::insert(
        &txn,
        NewApiToken {
            name: &name,
            scope: scope.as_str(),
            token_hash: hash(&secret),
            hint: secret[secret.len() - 4..].to_owned(),
            created_by: operator.person_id(),
            expires_at: now + Duration::days(i64::from(days)),
        },
        now,
    )
    .await?;
    audit::record(
        &txn,
        AuditEntry {
            actor: operator.actor(),
            action: "token.create",
            subject: format!("token:{}", token.id),
            before: None,
            after: Some(
                json!({ "name": name, "scope": scope.as_str(), "expires_at": token.expires_at }),
            ),
            reason: None,
        },
        now,
    )
    .await?;
    txn.commit().await?;
    Ok((token, secret))
}

/// Revokes a token at once (audited in the same transaction).
pub async fn revoke(
    db: &DatabaseConnection,
    operator: Operator<'_>,
    id: i64,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let txn = crate::ssr::db::begin(db).await?;
    let token = api_tokens::by_id(&txn, id)
        .await?
        .filter(|t| t.revoked_at.is_none())
        .ok_or(AppError::NotFound(crate::error::Resource::Token))?;
    if !operator.may_revoke() {
        return Err(AppError::Forbidden);
    }
    if !api_tokens::revoke(&txn, id, operator.person_id(), now).await? {
        return Err(AppError::NotFound(crate::error::Resource::Token));
    }
    audit::record(
        &txn,
        AuditEntry {
            actor: operator.actor(),
            action: "token.revoke",
            subject: format!("token:{id}"),
            before: Some(json!({ "name": token.name, "scope": token.scope })),
            after: Some(json!({ "revoked": true })),
            reason: None,
        },
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// Every token, as the token page lists them.
pub async fn list(
    db: &DatabaseConnection,
    viewer: &CurrentUser,
    now: DateTime<Utc>,
) -> Result<Vec<TokenRow>, AppError> {
    let tokens = api_tokens::all(db).await?;
    let mut rows = Vec::with_capacity(tokens.len());
    for token in tokens {
        let scope = Scope::parse(&token.scope)?;
        let created_by = match token.created_by {
            Some(id) => people::find_by_id(db, id)
                .await?
                .map_or_else(|| "(removed)".to_owned(), |p| p.name),
            None => "Server command line".to_owned(),
        };
        rows.push(TokenRow {
            id: token.id,
            name: token.name,
            scope: scope.label().to_owned(),
            scope_id: scope.as_str().to_owned(),
            hint: token.hint,
            created_by,
            created_at: token.created_at,
            expires_at: token.expires_at,
            last_used_at: token.last_used_at,
            revoked_at: token.revoked_at,
            expired: token.expires_at <= now,
            may_revoke: token.revoked_at.is_none()
                && viewer.permissions.allows(Permission::ManagePeople),
        });
    }
    Ok(rows)
}

/// Every token, for `vigil token list`.
pub async fn all(db: &DatabaseConnection) -> Result<Vec<api_token::Model>, AppError> {
    Ok(api_tokens::all(db).await?)
}

/// What a request holding a valid token may do, and who it is in the audit log.
#[derive(Clone, Debug)]
pub struct TokenHolder {
    pub token: api_token::Model,
    pub scope: Scope,
}

impl TokenHolder {
    /// The token in the audit log: its name and number.
    pub fn actor(&self) -> Actor {
        Actor {
            id: self.token.created_by,
            label: format!("API token \"{}\" (#{})", self.token.name, self.token.id),
        }
    }
}

/// Authenticates the token a request presented for `needed`. Unknown, malformed, revoked and
/// expired tokens are `Unauthenticated`; a token of another scope, or whose creator may no
/// longer hold it, is `Forbidden`. Each use is noted (at most once a minute).
pub async fn authenticate(
    db: &DatabaseConnection,
    presented: &str,
    needed: Scope,
    now: DateTime<Utc>,
) -> Result<TokenHolder, AppError> {
    if !looks_like_token(presented) {
        return Err(AppError::Unauthenticated);
    }
    let token = api_tokens::by_hash(db, &hash(presented))
        .await?
        .filter(|t| t.revoked_at.is_none() && t.expires_at > now)
        .ok_or(AppError::Unauthenticated)?;
    let scope = Scope::parse(&token.scope)?;
    if scope != needed {
        return Err(AppError::Forbidden);
    }
    if let Some(creator) = token.created_by {
        let person = people::find_by_id(db, creator)
            .await?
            .filter(|p| p.active)
            .ok_or(AppError::Forbidden)?;
        let permissions = Permissions::of(PermissionFacts {
            active: person.active,
            has_active_reports: false,
            is_compliance_admin: person.is_compliance_admin,
            is_platform_admin: person.is_platform_admin,
        });
        if !may_hold(&permissions, scope) {
            return Err(AppError::Forbidden);
        }
    }
    api_tokens::touch(db, token.id, now).await?;
    Ok(TokenHolder { token, scope })
}
