//! Session tokens: HS256 JWTs with the algorithm pinned, `exp`/`iat`/`iss`/`aud`/`sub`
//! required and zero leeway. Revocation is checked separately against the person's
//! "sessions valid after" time, which lives in the database.

use chrono::{DateTime, Duration, Utc};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation, decode, encode};
use serde::{Deserialize, Serialize};

/// The claims Vigil puts in a session token.
///
/// `iat` is a NumericDate with millisecond fractions (RFC 7519 allows non-integer values), so
/// that a session started in the same second as a "sign out everywhere" is still told apart.
#[derive(Debug, Serialize, Deserialize)]
pub struct SessionClaims {
    pub iss: String,
    pub aud: String,
    /// The person's public id, never the database id.
    pub sub: String,
    pub iat: f64,
    pub exp: u64,
    /// A random id, so that one session can be revoked when it signs out.
    pub jti: String,
}

impl SessionClaims {
    /// When the token stops being valid.
    pub fn expires_at(&self) -> DateTime<Utc> {
        DateTime::<Utc>::from_timestamp(i64::try_from(self.exp).unwrap_or(i64::MAX), 0)
            .unwrap_or(DateTime::<Utc>::MAX_UTC)
    }

    /// When the token was issued, to the millisecond.
    pub fn issued_at(&self) -> Option<DateTime<Utc>> {
        // Rounding to whole milliseconds undoes floating-point noise in the fraction.
        let millis = (self.iat * 1000.0).round();
        if !millis.is_finite() {
            return None;
        }
        DateTime::<Utc>::from_timestamp_millis(millis as i64)
    }
}

/// Why a token was refused. Never shown to users, who only see "please sign in".
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum TokenRejected {
    #[error("token is malformed, badly signed, expired or for another audience: {0}")]
    Invalid(String),
    #[error("token claims to be issued in the future")]
    IssuedInFuture,
}

/// Issues and verifies session tokens. Holds the signing key, so it is neither `Serialize`
/// nor `Debug`-printed.
pub struct SessionTokens {
    encoding: EncodingKey,
    decoding: DecodingKey,
    issuer: String,
    audience: String,
    ttl: Duration,
}

impl std::fmt::Debug for SessionTokens {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SessionTokens")
            .field("issuer", &self.issuer)
            .finish_non_exhaustive()
    }
}

/// The audience claim for browser sessions.
pub const WEB_AUDIENCE: &str = "vigil-web";
/// The audience claim of the sign-in form's proof that a person loaded it.
pub const PRESENCE_AUDIENCE: &str = "vigil-sign-in-form";
/// How long a sign-in form's proof of presence lasts.
pub const PRESENCE_MINUTES: i64 = 30;

impl SessionTokens {
    /// `secret` must be at least 32 bytes; configuration enforces it.
    pub fn new(secret: &[u8], issuer: String, ttl: Duration) -> Self {
        Self {
            encoding: EncodingKey::from_secret(secret),
            decoding: DecodingKey::from_secret(secret),
            issuer,
            audience: WEB_AUDIENCE.to_owned(),
            ttl,
        }
    }

    /// How long a session lasts.
    pub fn ttl(&self) -> Duration {
        self.ttl
    }

    /// A token for `subject` issued at `now`.
    pub fn issue(
        &self,
        subject: &str,
        now: DateTime<Utc>,
    ) -> Result<String, jsonwebtoken::errors::Error> {
        self.issue_for(&self.audience, subject, now, self.ttl)
    }

    /// A proof of presence for the sign-in form, single-use, valid for half an hour.
    pub fn issue_presence(
        &self,
        now: DateTime<Utc>,
    ) -> Result<String, jsonwebtoken::errors::Error> {
        self.issue_for(
            PRESENCE_AUDIENCE,
            "sign-in-form",
            now,
            Duration::minutes(PRESENCE_MINUTES),
        )
    }

    fn issue_for(
        &self,
        audience: &str,
        subject: &str,
        now: DateTime<Utc>,
        ttl: Duration,
    ) -> Result<String, jsonwebtoken::errors::Error> {
        let claims = SessionClaims {
            iss: self.issuer.clone(),
            aud: audience.to_owned(),
            sub: subject.to_owned(),
            iat: now.timestamp_millis() as f64 / 1000.0,
            exp: u64::try_from((now + ttl).timestamp()).unwrap_or(0),
            jti: hex::encode(rand::random::<[u8; 16]>()),
        };
        encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)
    }

    /// Checks a session token: signature, algorithm, expiry (zero leeway), issuer and audience.
    pub fn verify(&self, token: &str, now: DateTime<Utc>) -> Result<SessionClaims, TokenRejected> {
        self.verify_for(&self.audience, token, now)
    }

    /// Checks a sign-in form's proof of presence the same way (its audience differs, so a
    /// session token is no proof, nor a proof a session).
    pub fn verify_presence(
        &self,
        token: &str,
        now: DateTime<Utc>,
    ) -> Result<SessionClaims, TokenRejected> {
        self.verify_for(PRESENCE_AUDIENCE, token, now)
    }

    fn verify_for(
        &self,
        audience: &str,
        token: &str,
        now: DateTime<Utc>,
    ) -> Result<SessionClaims, TokenRejected> {
        let mut validation = Validation::new(Algorithm::HS256);
        validation.leeway = 0;
        validation.validate_exp = true;
        validation.set_required_spec_claims(&["exp", "iss", "aud", "sub"]);
        validation.set_issuer(&[&self.issuer]);
        validation.set_audience(&[audience]);
        // `iat` is a required field of `SessionClaims`, so a token without it fails to decode.
        let claims = decode::<SessionClaims>(token, &self.decoding, &validation)
            .map_err(|err| TokenRejected::Invalid(err.to_string()))?
            .claims;
        // RFC 7519 4.1.4: the current time must be *before* `exp`; the library also accepts
        // the second of `exp` itself.
        if i64::try_from(claims.exp).map_or(true, |exp| exp <= now.timestamp()) {
            return Err(TokenRejected::Invalid("expired".to_owned()));
        }
        match claims.issued_at() {
            Some(issued) if issued <= now => Ok(claims),
            Some(_) => Err(TokenRejected::IssuedInFuture),
            None => Err(TokenRejected::Invalid("iat out of range".to_owned())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use base64::Engine as _;
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;

    const SECRET: &[u8] = b"0123456789abcdef0123456789abcdef";

    fn tokens() -> SessionTokens {
        SessionTokens::new(
            SECRET,
            "https://vigil.example".to_owned(),
            Duration::hours(8),
        )
    }

    fn b64(json: &str) -> String {
        URL_SAFE_NO_PAD.encode(json)
    }

    #[test]
    fn a_fresh_token_verifies_and_names_its_subject() {
        let now = Utc::now();
        let token = tokens().issue("person-1", now).unwrap();
        let claims = tokens().verify(&token, now).unwrap();
        assert_eq!(claims.sub, "person-1");
        assert_eq!(
            claims.issued_at().unwrap().timestamp_millis(),
            now.timestamp_millis()
        );
    }

    #[test]
    fn a_token_is_refused_in_the_second_it_expires() {
        let now = DateTime::<Utc>::from_timestamp(1_800_000_000, 0).unwrap();
        let token = tokens()
            .issue("person-1", now - Duration::hours(8))
            .unwrap();
        assert_eq!(
            tokens().verify(&token, now).unwrap_err(),
            TokenRejected::Invalid("expired".to_owned())
        );
        assert!(tokens().verify(&token, now - Duration::seconds(1)).is_ok());
    }

    #[test]
    fn an_expired_token_is_refused_with_zero_leeway() {
        let issued = Utc::now() - Duration::hours(8) - Duration::seconds(1);
        let token = tokens().issue("person-1", issued).unwrap();
        assert!(matches!(
            tokens().verify(&token, Utc::now()),
            Err(TokenRejected::Invalid(_))
        ));
    }

    #[test]
    fn a_proof_of_presence_is_no_session_and_a_session_no_proof() {
        let now = Utc::now();
        let presence = tokens().issue_presence(now).unwrap();
        assert!(tokens().verify_presence(&presence, now).is_ok());
        assert!(tokens().verify(&presence, now).is_err());
        let session = tokens().issue("person-1", now).unwrap();
        assert!(tokens().verify_presence(&session, now).is_err());
        let old = tokens()
            .issue_presence(now - Duration::minutes(PRESENCE_MINUTES) - Duration::seconds(1))
            .unwrap();
        assert!(tokens().verify_presence(&old, now).is_err(), "it expires");
    }

    #[test]
    fn a_tampered_payload_is_refused() {
        let now = Utc::now();
        let token = tokens().issue("person-1", now).unwrap();
        let parts: Vec<&str> = token.split('.').collect();
        let forged_payload = b64(&format!(
            r#"{{"iss":"https://vigil.example","aud":"vigil-web","sub":"admin","iat":{},"exp":{}}}"#,
            now.timestamp(),
            now.timestamp() + 3600
        ));
        let forged = format!("{}.{}.{}", parts[0], forged_payload, parts[2]);
        assert!(tokens().verify(&forged, now).is_err());
    }

    #[test]
    fn alg_none_is_refused() {
        let now = Utc::now();
        let unsigned = format!(
            "{}.{}.",
            b64(r#"{"alg":"none","typ":"JWT"}"#),
            b64(&format!(
                r#"{{"iss":"https://vigil.example","aud":"vigil-web","sub":"person-1","iat":{},"exp":{}}}"#,
                now.timestamp(),
                now.timestamp() + 3600
            ))
        );
        assert!(tokens().verify(&unsigned, now).is_err());
    }

    #[test]
    fn another_algorithm_is_refused_even_with_the_right_key() {
        let now = Utc::now();
        let claims = SessionClaims {
            iss: "https://vigil.example".to_owned(),
            aud: WEB_AUDIENCE.to_owned(),
            sub: "person-1".to_owned(),
            iat: now.timestamp() as f64,
            exp: (now.timestamp() + 3600) as u64,
            jti: "t".to_owned(),
        };
        let hs512 = encode(
            &Header::new(Algorithm::HS512),
            &claims,
            &EncodingKey::from_secret(SECRET),
        )
        .unwrap();
        assert!(tokens().verify(&hs512, now).is_err());
    }

    #[test]
    fn wrong_audience_or_issuer_is_refused() {
        let now = Utc::now();
        for (iss, aud) in [
            ("https://vigil.example", "vigil-api"),
            ("https://other.example", "vigil-web"),
        ] {
            let claims = SessionClaims {
                iss: iss.to_owned(),
                aud: aud.to_owned(),
                sub: "person-1".to_owned(),
                iat: now.timestamp() as f64,
                exp: (now.timestamp() + 3600) as u64,
                jti: "t".to_owned(),
            };
            let token = encode(
                &Header::new(Algorithm::HS256),
                &claims,
                &EncodingKey::from_secret(SECRET),
            )
            .unwrap();
            assert!(tokens().verify(&token, now).is_err(), "{iss} {aud}");
        }
    }

    #[test]
    fn missing_required_claims_are_refused() {
        let now = Utc::now();
        let without_iat = serde_json::json!({
            "iss": "https://vigil.example", "aud": "vigil-web", "sub": "person-1", "exp": now.timestamp() + 3600
        });
        let without_aud = serde_json::json!({
            "iss": "https://vigil.example", "sub": "person-1", "iat": now.timestamp(), "exp": now.timestamp() + 3600
        });
        for claims in [without_iat, without_aud] {
            let token = encode(
                &Header::new(Algorithm::HS256),
                &claims,
                &EncodingKey::from_secret(SECRET),
            )
            .unwrap();
            assert!(tokens().verify(&token, now).is_err(), "{claims}");
        }
    }

    #[test]
    fn a_token_issued_in_the_future_is_refused() {
        let now = Utc::now();
        let token = tokens()
            .issue("person-1", now + Duration::seconds(30))
            .unwrap();
        assert_eq!(
            tokens().verify(&token, now).err(),
            Some(TokenRejected::IssuedInFuture)
        );
    }

    #[test]
    fn a_token_signed_with_another_secret_is_refused() {
        let now = Utc::now();
        let other = SessionTokens::new(
            b"another-secret-another-secret-xx",
            "https://vigil.example".to_owned(),
            Duration::hours(8),
        );
        let token = other.issue("person-1", now).unwrap();
        assert!(tokens().verify(&token, now).is_err());
    }
}
