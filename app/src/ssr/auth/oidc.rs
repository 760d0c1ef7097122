//! Sign-in through the organisation's OpenID provider: the authorization code flow with PKCE,
//! `state` and `nonce` (OpenID Connect Core 1.0 §3.1), through the `openidconnect` crate.
//!
//! `start` keeps the attempt's secrets in the database (each usable once, for ten minutes) and
//! binds it to the browser with a cookie holding the `state`; `finish` checks the callback
//! against both, exchanges the code, and verifies the ID token's signature, issuer, audience,
//! expiry (no leeway), issue time (within `domain::provider_token`'s clock skew) and nonce. The
//! person is matched by verified email to an active person.

use chrono::{DateTime, Duration, Utc};
use openidconnect::core::{CoreAuthenticationFlow, CoreClient};
use openidconnect::{
    AuthorizationCode, ClientId, ClientSecret, CsrfToken, EndpointMaybeSet, EndpointNotSet,
    EndpointSet, IssuerUrl, LogoutRequest, Nonce, PkceCodeChallenge, PkceCodeVerifier,
    PostLogoutRedirectUrl, ProviderMetadataWithLogout, RedirectUrl, Scope, TokenResponse,
};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter,
    sea_query::Expr,
};
use sha2::{Digest, Sha256};

use crate::ssr::db::entities::oidc_login;

/// How long a started sign-in may take at the provider.
pub const ATTEMPT_MINUTES: i64 = 10;
/// The path the provider sends people back to.
pub const CALLBACK_PATH: &str = "/auth/oidc/callback";

type Client = CoreClient<
    EndpointSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointMaybeSet,
    EndpointMaybeSet,
>;

/// What the operator configures.
#[derive(Clone, Debug)]
pub struct OidcSettings {
    pub issuer: String,
    pub client_id: String,
    pub client_secret: String,
    /// The provider's name on the sign-in button.
    pub name: String,
    /// `VIGIL_PUBLIC_URL` without a trailing slash.
    pub public_base: String,
    /// Just-in-time creation: people the provider vouches for but Vigil does not know are added
    /// to this department with this job role. `None`: they are refused.
    pub create_people: Option<NewPeople>,
    /// The provider's email addresses are set by its administrators, so a claim without
    /// `email_verified` is accepted (Microsoft Entra work accounts); `false` still is not.
    pub emails_set_by_admins: bool,
}

/// Where people created at their first sign-in go.
#[derive(Clone, Debug)]
pub struct NewPeople {
    pub department: String,
    pub role: String,
}

/// The discovered provider, ready to sign people in.
pub struct OidcProvider {
    client: Client,
    http: reqwest::Client,
    end_session: Option<openidconnect::EndSessionUrl>,
    pub name: String,
    pub public_base: String,
    pub create_people: Option<NewPeople>,
    emails_set_by_admins: bool,
}

/// Why the provider could not be used at start-up.
#[derive(Debug, thiserror::Error)]
pub enum SetupError {
    #[error("VIGIL_OIDC_ISSUER is not a URL: {0}")]
    Issuer(String),
    #[error(
        "VIGIL_OIDC_ISSUER: discovery at {url}/.well-known/openid-configuration failed: {cause}"
    )]
    Discovery { url: String, cause: String },
    #[error("VIGIL_PUBLIC_URL does not make a valid redirect URI: {0}")]
    Redirect(String),
    #[error("building the HTTP client failed: {0}")]
    Http(String),
}

impl OidcProvider {
    /// Discovers the provider from `<issuer>/.well-known/openid-configuration`.
    pub async fn discover(settings: OidcSettings) -> Result<Self, SetupError> {
        let issuer = IssuerUrl::new(settings.issuer.clone())
            .map_err(|e| SetupError::Issuer(e.to_string()))?;
        // Redirects are never followed: a discovery or token request cannot be bounced elsewhere.
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(std::time::Duration::from_secs(15))
            .build()
            .map_err(|e| SetupError::Http(e.to_string()))?;
        let metadata = ProviderMetadataWithLogout::discover_async(issuer, &http)
            .await
            .map_err(|e| SetupError::Discovery {
                url: settings.issuer.trim_end_matches('/').to_owned(),
                cause: error_chain(&e),
            })?;
        let end_session = metadata.additional_metadata().end_session_endpoint.clone();
        let redirect = RedirectUrl::new(format!("{}{CALLBACK_PATH}", settings.public_base))
            .map_err(|e| SetupError::Redirect(e.to_string()))?;
        let client = CoreClient::from_provider_metadata(
            metadata,
            ClientId::new(settings.client_id),
            Some(ClientSecret::new(settings.client_secret)),
        )
        .set_redirect_uri(redirect);
        Ok(Self {
            client,
            http,
            end_session,
            name: settings.name,
            public_base: settings.public_base,
            create_people: settings.create_people,
            emails_set_by_admins: settings.emails_set_by_admins,
        })
    }

    /// The origins of the provider's sign-in and sign-out pages, which Vigil's forms lead to.
    pub fn origins(&self) -> Vec<String> {
        let mut origins: Vec<String> = [
            Some(self.client.auth_uri().url().origin()),
            self.end_session.as_ref().map(|e| e.url().origin()),
        ]
        .into_iter()
        .flatten()
        .filter(|o| o.is_tuple())
        .map(|o| o.ascii_serialization())
        .collect();
        origins.sort();
        origins.dedup();
        origins
    }

    /// Starts a sign-in: records the attempt and returns where to send the browser and the
    /// `state` for the browser's cookie.
    pub async fn start(
        &self,
        db: &DatabaseConnection,
        next: &str,
        now: DateTime<Utc>,
    ) -> Result<Started, sea_orm::DbErr> {
        // Attempts older than a day are of no use to anyone: forget them.
        oidc_login::Entity::delete_many()
            .filter(oidc_login::Column::CreatedAt.lt(now - Duration::days(1)))
            .exec(db)
            .await?;
        let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
        let (url, state, nonce) = self
            .client
            .authorize_url(
                CoreAuthenticationFlow::AuthorizationCode,
                CsrfToken::new_random,
                Nonce::new_random,
            )
            .add_scope(Scope::new("email".to_owned()))
            .add_scope(Scope::new("profile".to_owned()))
            .set_pkce_challenge(challenge)
            .url();
        oidc_login::ActiveModel {
            state_hash: Set(hash(state.secret())),
            nonce: Set(nonce.secret().clone()),
            pkce_verifier: Set(verifier.secret().clone()),
            next_path: Set(next.to_owned()),
            created_at: Set(now),
            used_at: Set(None),
            ..Default::default()
        }
        .insert(db)
        .await?;
        Ok(Started {
            redirect: url.to_string(),
            state: state.secret().clone(),
        })
    }

    /// Finishes a sign-in from the callback's `code` and `state` and the browser's cookie.
    /// Returns the provider's verified identity and where to go next.
    pub async fn finish(
        &self,
        db: &DatabaseConnection,
        callback: Callback<'_>,
        now: DateTime<Utc>,
    ) -> Result<Identity, Refusal> {
        if let Some(error) = callback.error {
            return Err(Refusal::Provider(error.chars().take(200).collect()));
        }
        let (Some(code), Some(state)) = (callback.code, callback.state) else {
            return Err(Refusal::Malformed);
        };
        // The browser that started the sign-in must be the one finishing it.
        if callback.cookie_state != Some(state) {
            return Err(Refusal::NotThisBrowser);
        }
        let attempt = oidc_login::Entity::find()
            .filter(oidc_login::Column::StateHash.eq(hash(state)))
            .one(db)
            .await
            .map_err(|e| Refusal::Internal(e.to_string()))?
            .ok_or(Refusal::NotThisBrowser)?;
        // Each attempt is used once, even by two callbacks at the same moment.
        let claimed = oidc_login::Entity::update_many()
            .col_expr(oidc_login::Column::UsedAt, Expr::value(now))
            .filter(oidc_login::Column::Id.eq(attempt.id))
            .filter(oidc_login::Column::UsedAt.is_null())
            .exec(db)
            .await
            .map_err(|e| Refusal::Internal(e.to_string()))?;
        if claimed.rows_affected != 1 {
            return Err(Refusal::Replayed);
        }
        if attempt.created_at + Duration::minutes(ATTEMPT_MINUTES) <= now {
            return Err(Refusal::TooSlow);
        }
        let request = self
            .client
            .exchange_code(AuthorizationCode::new(code.to_owned()))
            .map_err(|e| Refusal::Internal(e.to_string()))?;
        let tokens = request
            .set_pkce_verifier(PkceCodeVerifier::new(attempt.pkce_verifier.clone()))
            .request_async(&self.http)
            .await
            .map_err(|e| Refusal::Exchange(error_chain(&e)))?;
        let id_token = tokens.id_token().ok_or(Refusal::NoIdToken)?;
        // The provider stamped the token after `now` was read: judge it by the clock now.
        let received = Utc::now().max(now);
        let verifier = self
            .client
            .id_token_verifier()
            .set_time_fn(move || received)
            .set_issue_time_verifier_fn(move |issued| {
                crate::domain::provider_token::issue_time_acceptable(issued, received)
            });
        let claims = id_token
            .claims(&verifier, &Nonce::new(attempt.nonce.clone()))
            .map_err(|e| Refusal::IdToken(e.to_string()))?;
        let email = claims
            .email()
            .map(|e| e.as_str().to_owned())
            .ok_or(Refusal::NoEmail)?;
        if !crate::domain::email::provider_email_acceptable(
            claims.email_verified(),
            self.emails_set_by_admins,
        ) {
            return Err(Refusal::EmailUnverified(email));
        }
        Ok(Identity {
            subject: claims.subject().as_str().to_owned(),
            email,
            name: claims
                .name()
                .and_then(|n| n.get(None))
                .map(|n| n.as_str().to_owned()),
            next: attempt.next_path,
            id_token: id_token.to_string(),
        })
    }

    /// Where to send the browser to end the provider's session too (RP-initiated logout), if
    /// the provider offers it; it returns the browser to the sign-in page.
    pub fn logout_url(&self, id_token: Option<&str>) -> Option<String> {
        let endpoint = self.end_session.clone()?;
        let back = PostLogoutRedirectUrl::new(format!("{}/login", self.public_base)).ok()?;
        let mut request = LogoutRequest::from(endpoint)
            .set_client_id(self.client.client_id().clone())
            .set_post_logout_redirect_uri(back);
        if let Some(token) =
            id_token.and_then(|t| t.parse::<openidconnect::core::CoreIdToken>().ok())
        {
            request = request.set_id_token_hint(&token);
        }
        Some(request.http_get_url().to_string())
    }
}

/// A started sign-in.
pub struct Started {
    pub redirect: String,
    pub state: String,
}

/// What the callback carried.
pub struct Callback<'a> {
    pub code: Option<&'a str>,
    pub state: Option<&'a str>,
    pub error: Option<&'a str>,
    pub cookie_state: Option<&'a str>,
}

/// Who the provider vouched for.
#[derive(Debug)]
pub struct Identity {
    pub subject: String,
    pub email: String,
    pub name: Option<String>,
    pub next: String,
    pub id_token: String,
}

/// Why a sign-in was refused; each says so plainly on the page.
#[derive(Debug, thiserror::Error)]
pub enum Refusal {
    #[error("The identity provider did not sign you in ({0}).")]
    Provider(String),
    #[error("The sign-in answer was incomplete. Start again from the sign-in page.")]
    Malformed,
    #[error(
        "This sign-in was not started in this browser, or it has already finished. Start again from the sign-in page."
    )]
    NotThisBrowser,
    #[error("This sign-in link has already been used. Start again from the sign-in page.")]
    Replayed,
    #[error(
        "The sign-in took longer than {ATTEMPT_MINUTES} minutes. Start again from the sign-in page."
    )]
    TooSlow,
    #[error("The identity provider did not accept the sign-in code: {0}")]
    Exchange(String),
    #[error("The identity provider sent no ID token.")]
    NoIdToken,
    #[error("The identity provider's ID token was refused: {0}")]
    IdToken(String),
    #[error("The identity provider did not say what your email address is.")]
    NoEmail,
    #[error(
        "The identity provider has not verified your email address {0}; Vigil signs in only verified addresses."
    )]
    EmailUnverified(String),
    #[error("Vigil has no account for {0}. Ask your compliance administrator to add you.")]
    NoAccount(String),
    #[error(
        "The account for {0} is deactivated. Ask your compliance administrator if this is wrong."
    )]
    Deactivated(String),
    #[error("Vigil could not finish the sign-in; it has been logged. Try again in a moment.")]
    Internal(String),
}

impl Refusal {
    /// The HTTP status of the refusal page.
    pub fn status(&self) -> u16 {
        match self {
            Self::Internal(_) => 500,
            Self::Exchange(_) => 502,
            Self::NoAccount(_) | Self::Deactivated(_) | Self::EmailUnverified(_) => 403,
            _ => 400,
        }
    }
}

fn hash(state: &str) -> String {
    hex::encode(Sha256::digest(state.as_bytes()))
}

/// An error with its causes, for messages naming what went wrong.
fn error_chain(err: &dyn std::error::Error) -> String {
    let mut text = err.to_string();
    let mut source = err.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}
