//! Witnesses: people or services outside Vigil who are sent its ledger checkpoints and keep
//! them, so that a later rewrite of the ledger contradicts a checkpoint someone else holds.

use chrono::{DateTime, Utc};

use super::email::EmailAddress;
use crate::error::Invalid;

/// Where a witness is sent checkpoints.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Target {
    /// Emailed, through the mail delivery.
    Email(EmailAddress),
    /// POSTed as `text/plain`, the checkpoint's bytes exactly.
    Url(String),
}

impl Target {
    /// Parses an email address or an `https://` URL (`http://` only to this machine).
    pub fn parse(input: &str) -> Result<Self, Invalid> {
        let trimmed = input.trim();
        if trimmed.contains("://") {
            let url = url::Url::parse(trimmed).map_err(|_| Invalid::WitnessAddress)?;
            let local = matches!(
                url.host(),
                Some(url::Host::Ipv4(ip)) if ip.is_loopback()
            ) || matches!(url.host(), Some(url::Host::Domain("localhost")))
                || matches!(url.host(), Some(url::Host::Ipv6(ip)) if ip.is_loopback());
            let allowed = match url.scheme() {
                "https" => url.host().is_some(),
                "http" => local,
                _ => false,
            };
            if !allowed || !url.username().is_empty() || url.password().is_some() {
                return Err(Invalid::WitnessAddress);
            }
            if trimmed.len() > 500 {
                return Err(Invalid::WitnessAddress);
            }
            return Ok(Self::Url(url.to_string()));
        }
        EmailAddress::parse(trimmed)
            .map(Self::Email)
            .map_err(|_| Invalid::WitnessAddress)
    }

    /// The stored spelling.
    pub fn as_str(&self) -> &str {
        match self {
            Self::Email(address) => address.as_str(),
            Self::Url(url) => url,
        }
    }

    /// Whether checkpoints go by web request (otherwise by email).
    pub fn is_url(&self) -> bool {
        matches!(self, Self::Url(_))
    }
}

/// How often a witness is sent a checkpoint.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Cadence {
    /// Every new checkpoint.
    EachCheckpoint,
    /// The newest checkpoint, at most once a day (UTC).
    Daily,
}

impl Cadence {
    pub const ALL: [Self; 2] = [Self::EachCheckpoint, Self::Daily];

    /// The stored spelling.
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::EachCheckpoint => "each",
            Self::Daily => "daily",
        }
    }

    /// Parses the stored (or submitted) spelling.
    pub fn parse(input: &str) -> Result<Self, Invalid> {
        Self::ALL
            .into_iter()
            .find(|c| c.as_str() == input.trim())
            .ok_or(Invalid::WitnessCadence)
    }

    /// For people.
    pub fn label(&self) -> &'static str {
        match self {
            Self::EachCheckpoint => "Each new checkpoint",
            Self::Daily => "Once a day",
        }
    }

    /// Whether a witness last sent a checkpoint at `last` (if ever) is due the newest one now.
    /// The caller has already checked that the newest one was not sent to them.
    pub fn is_due(&self, last: Option<DateTime<Utc>>, now: DateTime<Utc>) -> bool {
        match (self, last) {
            (_, None) | (Self::EachCheckpoint, _) => true,
            (Self::Daily, Some(last)) => last.date_naive() < now.date_naive(),
        }
    }
}

/// The email a witness is sent: subject and plain text around the checkpoint, which is quoted
/// exactly (its bytes are what the signature covers).
pub fn email_text(checkpoint: &str, size: u64, public_url: &str) -> (String, String) {
    let subject = format!("Vigil ledger checkpoint: {size} records");
    let body = format!(
        "You are a witness for this organisation's security training records.\n\n\
         Please keep this checkpoint. It commits to the first {size} records of the training \
         ledger; if the records are ever rewritten, the checkpoint you keep will no longer match, \
         and anyone can prove it with a consistency proof from {public_url}/ledger/proof/consistency.\n\n\
         The checkpoint (a C2SP signed note) is everything between the lines below, including the \
         final empty line:\n\n\
         -----\n{checkpoint}-----\n"
    );
    (subject, body)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_witness_is_an_email_address_or_an_https_url() {
        assert_eq!(
            Target::parse(" Audit@Example.com ").unwrap().as_str(),
            "audit@example.com"
        );
        assert!(
            Target::parse("https://witness.example.org/checkpoints")
                .unwrap()
                .is_url()
        );
        assert!(Target::parse("http://127.0.0.1:8080/in").unwrap().is_url());
        for bad in [
            "",
            "not an address",
            "http://witness.example.org/",
            "ftp://witness.example.org/",
            "https://user:pass@witness.example.org/",
            "javascript://alert(1)",
        ] {
            assert_eq!(Target::parse(bad), Err(Invalid::WitnessAddress), "{bad}");
        }
    }

    #[test]
    fn a_daily_witness_gets_one_checkpoint_a_day_and_the_others_every_one() {
        let at = |s: &str| s.parse::<DateTime<Utc>>().unwrap();
        let now = at("2026-12-01T10:00:00Z");
        assert!(Cadence::Daily.is_due(None, now));
        assert!(!Cadence::Daily.is_due(Some(at("2026-12-01T00:05:00Z")), now));
        assert!(Cadence::Daily.is_due(Some(at("2026-11-30T23:55:00Z")), now));
        assert!(Cadence::EachCheckpoint.is_due(Some(at("2026-12-01T09:59:00Z")), now));
        assert_eq!(Cadence::parse("daily"), Ok(Cadence::Daily));
        assert_eq!(Cadence::parse("hourly"), Err(Invalid::WitnessCadence));
    }
}
