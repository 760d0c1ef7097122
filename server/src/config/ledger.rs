//! The transparency log's settings: the log's name in its checkpoints, and how often a
//! checkpoint is made when records were added.

use std::time::Duration;

use super::ConfigError;

/// The ledger's keys of the configuration file.
#[derive(Clone, Debug, Default)]
pub struct LedgerFile {
    pub origin: Option<String>,
    pub checkpoint_seconds: Option<u64>,
}

impl LedgerFile {
    pub fn of(file: &super::FileConfig) -> Self {
        Self {
            origin: file.ledger_origin.clone(),
            checkpoint_seconds: file.checkpoint_seconds,
        }
    }
}

/// How the ledger's checkpoints are named and made.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LedgerConfig {
    /// The checkpoints' origin line and the signing key's name: the public address without its
    /// scheme, then `/ledger` (`VIGIL_LEDGER_ORIGIN` to choose another).
    pub origin: String,
    /// A new checkpoint at most this often, when records were added (`VIGIL_CHECKPOINT_SECONDS`,
    /// default 120).
    pub checkpoint_every: Duration,
}

/// Reads the ledger settings; `public_url` gives the default origin.
pub fn from_sources(
    public_url: &str,
    file: LedgerFile,
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<LedgerConfig, ConfigError> {
    let origin = match env("VIGIL_LEDGER_ORIGIN").or(file.origin) {
        Some(origin) => origin,
        None => {
            let without_scheme = public_url
                .split_once("://")
                .map_or(public_url, |(_, rest)| rest);
            format!("{}/ledger", without_scheme.trim_end_matches('/'))
        }
    };
    if !app::domain::checkpoint::valid_name(&origin) {
        return Err(ConfigError::Invalid {
            name: "VIGIL_LEDGER_ORIGIN",
            reason: format!(
                "{origin:?} cannot name a log: use printable characters without spaces or '+', such as vigil.example.com/ledger"
            ),
        });
    }
    let seconds = match env("VIGIL_CHECKPOINT_SECONDS") {
        Some(raw) => raw.trim().parse().map_err(|_| ConfigError::Invalid {
            name: "VIGIL_CHECKPOINT_SECONDS",
            reason: format!("{raw:?} is not a whole number of seconds"),
        })?,
        None => file.checkpoint_seconds.unwrap_or(120),
    };
    if !(1..=86_400).contains(&seconds) {
        return Err(ConfigError::Invalid {
            name: "VIGIL_CHECKPOINT_SECONDS",
            reason: "use between 1 and 86400 seconds".to_owned(),
        });
    }
    Ok(LedgerConfig {
        origin,
        checkpoint_every: Duration::from_secs(seconds),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(vars: &[(&str, &str)]) -> Result<LedgerConfig, ConfigError> {
        let env = |name: &str| {
            vars.iter()
                .find(|(key, _)| *key == name)
                .map(|(_, value)| (*value).to_owned())
        };
        from_sources("https://vigil.example.com/", LedgerFile::default(), &env)
    }

    #[test]
    fn the_origin_defaults_to_the_public_address_and_can_be_chosen() {
        let config = read(&[]).unwrap();
        assert_eq!(config.origin, "vigil.example.com/ledger");
        assert_eq!(config.checkpoint_every, Duration::from_secs(120));
        let chosen = read(&[("VIGIL_LEDGER_ORIGIN", "example.org/training-log")]).unwrap();
        assert_eq!(chosen.origin, "example.org/training-log");
    }

    #[test]
    fn a_bad_origin_or_interval_names_its_setting() {
        for vars in [
            [("VIGIL_LEDGER_ORIGIN", "two words")],
            [("VIGIL_CHECKPOINT_SECONDS", "0")],
            [("VIGIL_CHECKPOINT_SECONDS", "soon")],
        ] {
            let message = read(&vars).unwrap_err().to_string();
            assert!(message.contains(vars[0].0), "{message}");
        }
    }
}
