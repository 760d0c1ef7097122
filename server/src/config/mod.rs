//! Typed configuration, read once at start-up from an optional TOML file and `VIGIL_*`
//! environment variables (plus `DATABASE_URL`), environment winning. See docs/configuration.md.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use url::Url;

pub mod ledger;
pub mod mail;
pub mod oidc;
pub mod organisation;

pub use ledger::LedgerConfig;
pub use mail::MailConfig;

/// Development runs on a laptop with generated secrets; production refuses to guess.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    Development,
    Production,
}

/// The key that signs session tokens. Not `Debug`, not `Serialize`.
pub struct Secret(Vec<u8>);

impl Secret {
    /// The key bytes.
    pub fn expose(&self) -> &[u8] {
        &self.0
    }
}

/// Where the signing secret came from, so start-up can say so.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SecretSource {
    Configured,
    GeneratedForDevelopment,
}

/// Vigil's settings.
pub struct Config {
    pub mode: Mode,
    pub listen: SocketAddr,
    pub database_url: String,
    pub public_url: Url,
    pub secret: Secret,
    pub secret_source: SecretSource,
    /// Where the built site (`pkg/`, static files) lives.
    pub site_root: PathBuf,
    /// The course tree imported at start-up.
    pub content_dir: PathBuf,
    pub trust_forwarded_for: bool,
    pub session_hours: u32,
    /// Connections to the database this instance keeps; `None`: the default for its kind.
    pub database_connections: Option<u32>,
    /// Load the demo organisation into an empty database (development only).
    pub demo_on_empty: bool,
    /// The Ed25519 key that signs evidence packs (created if missing).
    pub evidence_key_file: PathBuf,
    pub mail: MailConfig,
    pub ledger: LedgerConfig,
    /// Single sign-on through an OpenID provider, when configured.
    pub oidc: Option<oidc::OidcConfig>,
    /// Organisation variables fixed by `VIGIL_ORGANISATION_FILE` (the browser cannot change them).
    pub organisation: app::domain::content::variables::Values,
}

/// What `vigil migrate`, `vigil user` and `vigil demo` need.
pub struct ToolConfig {
    pub mode: Mode,
    pub database_url: String,
    pub public_url: String,
    pub evidence_key_file: PathBuf,
    pub mail: MailConfig,
    pub ledger: LedgerConfig,
}

impl ToolConfig {
    /// The public URL without a trailing slash.
    pub fn public_base(&self) -> String {
        self.public_url.trim_end_matches('/').to_owned()
    }
}

/// The file's shape: every key optional, unknown keys refused.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileConfig {
    pub mode: Option<Mode>,
    pub listen: Option<String>,
    pub database_url: Option<String>,
    pub public_url: Option<String>,
    pub secret_file: Option<PathBuf>,
    pub site_root: Option<PathBuf>,
    pub content_dir: Option<PathBuf>,
    pub trust_forwarded_for: Option<bool>,
    pub session_hours: Option<u32>,
    pub database_connections: Option<u32>,
    pub demo_on_empty: Option<bool>,
    pub evidence_key_file: Option<PathBuf>,
    /// `on` or `off`.
    pub mail: Option<String>,
    pub smtp_url: Option<String>,
    pub smtp_password_file: Option<PathBuf>,
    pub smtp_ca_file: Option<PathBuf>,
    pub mail_from: Option<String>,
    pub mail_dir: Option<PathBuf>,
    pub invitation_days: Option<u32>,
    pub ledger_origin: Option<String>,
    pub checkpoint_seconds: Option<u64>,
    /// The organisation's details (see `organisation`).
    pub organisation_file: Option<PathBuf>,
}

/// Settings given on the command line, which win over everything else.
#[derive(Debug, Default, Clone)]
pub struct Overrides {
    pub listen: Option<String>,
    pub database_url: Option<String>,
}

/// What is wrong with the configuration, naming what to set.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error(
        "VIGIL_SECRET is not set. Production mode needs a signing secret of at least 32 characters: set VIGIL_SECRET (or VIGIL_SECRET_FILE), for example to the output of `openssl rand -base64 48`."
    )]
    MissingSecret,
    #[error(
        "VIGIL_SECRET is too short ({0} characters). Use at least 32 random characters, for example `openssl rand -base64 48`."
    )]
    ShortSecret(usize),
    #[error("VIGIL_SECRET_FILE {path}: {reason}")]
    SecretFile { path: PathBuf, reason: String },
    #[error(
        "VIGIL_PUBLIC_URL is not set. Production mode needs the https address people use to reach Vigil, for example https://vigil.example.com."
    )]
    MissingPublicUrl,
    #[error(
        "VIGIL_PUBLIC_URL must start with https:// in production mode (session cookies are sent over HTTPS only); got {0}."
    )]
    InsecurePublicUrl(String),
    #[error(
        "VIGIL_EVIDENCE_KEY_FILE is not set. Production mode needs a lasting place for the key that signs evidence packs, such as /var/lib/vigil/evidence-key.pem (Vigil creates the key there if it is missing; back it up)."
    )]
    MissingEvidenceKey,
    #[error(
        "VIGIL_SMTP_URL is not set. Production mode sends invitations, password resets and reminders by email: set VIGIL_SMTP_URL (for example smtps://vigil%40example.com@smtp.example.com) and VIGIL_MAIL_FROM, or switch mail off with VIGIL_MAIL=off."
    )]
    MissingSmtp,
    #[error(
        "VIGIL_MAIL_FROM is not set. Mail needs a sender address, for example VIGIL_MAIL_FROM='Vigil <vigil@example.com>'."
    )]
    MissingMailFrom,
    #[error(
        "VIGIL_DEMO is on in production mode. The demo organisation has a published password for every account; it is for trying Vigil, never for a real installation. Unset VIGIL_DEMO."
    )]
    DemoInProduction,
    #[error("{name} is not valid: {reason}")]
    Invalid { name: &'static str, reason: String },
    #[error("the configuration file {path} could not be read: {reason}")]
    File { path: PathBuf, reason: String },
}

impl Config {
    /// Reads the configuration from the process environment and the optional file.
    pub fn load(config_file: Option<&Path>, overrides: Overrides) -> Result<Self, ConfigError> {
        let file = read_file(config_file)?;
        Self::from_sources(
            file,
            &|name| std::env::var(name).ok().filter(|v| !v.is_empty()),
            overrides,
        )
    }

    /// Builds the configuration from a parsed file, an environment lookup and overrides.
    /// Separate from `load` so that tests need not touch the process environment.
    pub fn from_sources(
        file: FileConfig,
        env: &dyn Fn(&str) -> Option<String>,
        overrides: Overrides,
    ) -> Result<Self, ConfigError> {
        let mode = match env("VIGIL_MODE") {
            Some(raw) => parse_mode(&raw)?,
            None => file.mode.unwrap_or(Mode::Development),
        };
        // Read now (the file's fields move below), reported after the core settings.
        let mail = mail::from_sources(mode, &file, env);
        let ledger_file = ledger::LedgerFile::of(&file);
        let listen_raw = overrides
            .listen
            .or_else(|| env("VIGIL_LISTEN"))
            .or(file.listen)
            .unwrap_or_else(|| "127.0.0.1:3000".to_owned());
        let listen: SocketAddr = listen_raw.parse().map_err(|err| ConfigError::Invalid {
            name: "VIGIL_LISTEN",
            reason: format!(
                "{listen_raw:?} is not an address and port such as 127.0.0.1:3000 ({err})"
            ),
        })?;
        let database_url = overrides
            .database_url
            .or_else(|| env("DATABASE_URL"))
            .or(file.database_url)
            .unwrap_or_else(|| "sqlite://data/vigil.db".to_owned());
        if !(database_url.starts_with("sqlite:")
            || database_url.starts_with("postgres://")
            || database_url.starts_with("postgresql://"))
        {
            return Err(ConfigError::Invalid {
                name: "DATABASE_URL",
                reason: "use sqlite://path/to/file.db or postgres://user:password@host/database"
                    .to_owned(),
            });
        }

        let public_url = match env("VIGIL_PUBLIC_URL").or(file.public_url) {
            Some(raw) => Url::parse(&raw).map_err(|err| ConfigError::Invalid {
                name: "VIGIL_PUBLIC_URL",
                reason: err.to_string(),
            })?,
            None if mode == Mode::Production => return Err(ConfigError::MissingPublicUrl),
            None => {
                Url::parse(&format!("http://{listen}")).map_err(|err| ConfigError::Invalid {
                    name: "VIGIL_LISTEN",
                    reason: err.to_string(),
                })?
            }
        };
        if mode == Mode::Production && public_url.scheme() != "https" {
            return Err(ConfigError::InsecurePublicUrl(public_url.to_string()));
        }

        let secret_file = env("VIGIL_SECRET_FILE")
            .map(PathBuf::from)
            .or(file.secret_file);
        let configured_secret = match (env("VIGIL_SECRET"), secret_file) {
            (Some(secret), _) => Some(secret),
            (None, Some(path)) => Some(read_secret_file(&path)?),
            (None, None) => None,
        };
        let (secret, secret_source) = match configured_secret {
            Some(secret) if secret.trim().chars().count() < 32 => {
                return Err(ConfigError::ShortSecret(secret.trim().chars().count()));
            }
            Some(secret) => (
                Secret(secret.trim().as_bytes().to_vec()),
                SecretSource::Configured,
            ),
            None if mode == Mode::Production => return Err(ConfigError::MissingSecret),
            None => (
                Secret(rand::random::<[u8; 32]>().to_vec()),
                SecretSource::GeneratedForDevelopment,
            ),
        };

        let trust_forwarded_for = match env("VIGIL_TRUST_FORWARDED_FOR") {
            Some(raw) => parse_bool("VIGIL_TRUST_FORWARDED_FOR", &raw)?,
            None => file.trust_forwarded_for.unwrap_or(false),
        };
        let session_hours = match env("VIGIL_SESSION_HOURS") {
            Some(raw) => raw.parse().map_err(|_| ConfigError::Invalid {
                name: "VIGIL_SESSION_HOURS",
                reason: format!("{raw:?} is not a whole number of hours"),
            })?,
            None => file.session_hours.unwrap_or(8),
        };
        if !(1..=720).contains(&session_hours) {
            return Err(ConfigError::Invalid {
                name: "VIGIL_SESSION_HOURS",
                reason: "use between 1 and 720 hours".to_owned(),
            });
        }
        let database_connections = match env("VIGIL_DATABASE_CONNECTIONS") {
            Some(raw) => Some(raw.parse().map_err(|_| ConfigError::Invalid {
                name: "VIGIL_DATABASE_CONNECTIONS",
                reason: format!("{raw:?} is not a whole number of connections"),
            })?),
            None => file.database_connections,
        };
        if database_connections.is_some_and(|n| !(1..=64).contains(&n)) {
            return Err(ConfigError::Invalid {
                name: "VIGIL_DATABASE_CONNECTIONS",
                reason: "use between 1 and 64 connections".to_owned(),
            });
        }
        // The demo (with its published password) is loaded only when asked for, and never in
        // production.
        let demo_on_empty = match env("VIGIL_DEMO") {
            Some(raw) => parse_bool("VIGIL_DEMO", &raw)?,
            None => file.demo_on_empty.unwrap_or(false),
        };
        if demo_on_empty && mode == Mode::Production {
            return Err(ConfigError::DemoInProduction);
        }

        let evidence_key_file = match env("VIGIL_EVIDENCE_KEY_FILE")
            .map(PathBuf::from)
            .or(file.evidence_key_file)
        {
            Some(path) => path,
            None if mode == Mode::Production => return Err(ConfigError::MissingEvidenceKey),
            None => PathBuf::from("data/evidence-signing-key.pem"),
        };

        let mail = mail?;
        let ledger = ledger::from_sources(public_url.as_str(), ledger_file, env)?;
        let oidc = oidc::from_env(env)?;
        let organisation = organisation::from_sources(file.organisation_file.clone(), env)?;
        Ok(Self {
            mail,
            ledger,
            oidc,
            organisation,
            evidence_key_file,
            mode,
            listen,
            database_url,
            public_url,
            secret,
            secret_source,
            site_root: env("VIGIL_SITE_ROOT")
                .map(PathBuf::from)
                .or(file.site_root)
                .unwrap_or_else(discover_site_root),
            content_dir: env("VIGIL_CONTENT_DIR")
                .map(PathBuf::from)
                .or(file.content_dir)
                .unwrap_or_else(|| PathBuf::from("content")),
            trust_forwarded_for,
            session_hours,
            database_connections,
            demo_on_empty,
        })
    }

    /// The settings the command-line tools need: the database and the public address. Unlike
    /// `load`, it does not need a signing secret, so `vigil user …` works on a production host
    /// without one in the shell's environment.
    pub fn load_for_tools(
        config_file: Option<&Path>,
        overrides: Overrides,
    ) -> Result<ToolConfig, ConfigError> {
        let file = read_file(config_file)?;
        let env = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
        Self::tools_from_sources(file, &env, overrides)
    }

    /// `load_for_tools` from a parsed file and an environment lookup.
    pub fn tools_from_sources(
        file: FileConfig,
        env: &dyn Fn(&str) -> Option<String>,
        overrides: Overrides,
    ) -> Result<ToolConfig, ConfigError> {
        let mode = match env("VIGIL_MODE") {
            Some(raw) => parse_mode(&raw)?,
            None => file.mode.unwrap_or(Mode::Development),
        };
        let mail = mail::from_sources(mode, &file, env)?;
        let ledger_file = ledger::LedgerFile::of(&file);
        let database_url = overrides
            .database_url
            .or_else(|| env("DATABASE_URL"))
            .or(file.database_url)
            .unwrap_or_else(|| "sqlite://data/vigil.db".to_owned());
        let public_url = env("VIGIL_PUBLIC_URL")
            .or(file.public_url)
            .unwrap_or_else(|| {
                format!(
                    "http://{}",
                    env("VIGIL_LISTEN")
                        .or(file.listen)
                        .unwrap_or_else(|| "127.0.0.1:3000".to_owned())
                )
            });
        let evidence_key_file = env("VIGIL_EVIDENCE_KEY_FILE")
            .map(PathBuf::from)
            .or(file.evidence_key_file)
            .unwrap_or_else(|| PathBuf::from("data/evidence-signing-key.pem"));
        let ledger = ledger::from_sources(&public_url, ledger_file, env)?;
        Ok(ToolConfig {
            ledger,
            mode,
            database_url,
            public_url,
            evidence_key_file,
            mail,
        })
    }

    /// The public URL without a trailing slash, for messages and token issuer.
    pub fn public_base(&self) -> String {
        self.public_url.as_str().trim_end_matches('/').to_owned()
    }
}

fn read_file(path: Option<&Path>) -> Result<FileConfig, ConfigError> {
    let Some(path) = path else {
        return Ok(FileConfig::default());
    };
    let text = std::fs::read_to_string(path).map_err(|err| ConfigError::File {
        path: path.to_owned(),
        reason: err.to_string(),
    })?;
    toml::from_str(&text).map_err(|err| ConfigError::File {
        path: path.to_owned(),
        reason: err.to_string(),
    })
}

fn read_secret_file(path: &Path) -> Result<String, ConfigError> {
    std::fs::read_to_string(path).map_err(|err| ConfigError::SecretFile {
        path: path.to_owned(),
        reason: err.to_string(),
    })
}

fn parse_mode(raw: &str) -> Result<Mode, ConfigError> {
    match raw.trim().to_ascii_lowercase().as_str() {
        "development" | "dev" => Ok(Mode::Development),
        "production" | "prod" => Ok(Mode::Production),
        other => Err(ConfigError::Invalid {
            name: "VIGIL_MODE",
            reason: format!("{other:?}: use development or production"),
        }),
    }
}

pub(crate) fn parse_bool(name: &'static str, raw: &str) -> Result<bool, ConfigError> {
    match raw.trim().to_ascii_lowercase().as_str() {
        "1" | "true" | "yes" | "on" => Ok(true),
        "0" | "false" | "no" | "off" => Ok(false),
        other => Err(ConfigError::Invalid {
            name,
            reason: format!("{other:?}: use true or false"),
        }),
    }
}

/// Finds the built site: `target/site` under the working directory (running from the
/// repository), else `site` beside the executable's folder (`target/debug/vigil` finds
/// `target/site`; an install can ship `bin/vigil` with `site/`).
fn discover_site_root() -> PathBuf {
    let from_repository = PathBuf::from("target/site");
    if from_repository.join("pkg").is_dir() {
        return from_repository;
    }
    let beside_binary = std::env::current_exe()
        .ok()
        .and_then(|exe| exe.parent().map(Path::to_path_buf))
        .into_iter()
        .flat_map(|dir| [dir.join("site"), dir.join("../site")])
        .find(|candidate| candidate.join("pkg").is_dir());
    beside_binary.unwrap_or(from_repository)
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;

    fn config(vars: &[(&str, &str)]) -> Result<Config, ConfigError> {
        let vars: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        Config::from_sources(
            FileConfig::default(),
            &|name| vars.get(name).cloned(),
            Overrides::default(),
        )
    }

    #[test]
    fn development_defaults_work_with_nothing_set_and_generate_a_secret() {
        let config = config(&[]).unwrap();
        assert_eq!(config.mode, Mode::Development);
        assert_eq!(config.listen.to_string(), "127.0.0.1:3000");
        assert_eq!(config.database_url, "sqlite://data/vigil.db");
        assert_eq!(config.public_base(), "http://127.0.0.1:3000");
        assert_eq!(config.secret_source, SecretSource::GeneratedForDevelopment);
        assert_eq!(config.secret.expose().len(), 32);
        assert!(
            !config.demo_on_empty,
            "the demo is loaded only when asked for"
        );
    }

    #[test]
    fn production_without_a_secret_refuses_and_names_the_variable() {
        let err = config(&[
            ("VIGIL_MODE", "production"),
            ("VIGIL_PUBLIC_URL", "https://vigil.example.com"),
        ])
        .err()
        .unwrap();
        assert!(matches!(err, ConfigError::MissingSecret));
        assert!(err.to_string().contains("VIGIL_SECRET"));
    }

    #[test]
    fn production_needs_an_https_public_url() {
        let secret = "s".repeat(40);
        let missing = config(&[("VIGIL_MODE", "production"), ("VIGIL_SECRET", &secret)])
            .err()
            .unwrap();
        assert!(missing.to_string().contains("VIGIL_PUBLIC_URL"));
        let http = config(&[
            ("VIGIL_MODE", "production"),
            ("VIGIL_SECRET", &secret),
            ("VIGIL_PUBLIC_URL", "http://vigil.example.com"),
        ])
        .err()
        .unwrap();
        assert!(matches!(http, ConfigError::InsecurePublicUrl(_)));
    }

    #[test]
    fn production_with_everything_set_starts_without_demo_data() {
        let secret = "s".repeat(40);
        let config = config(&[
            ("VIGIL_MODE", "production"),
            ("VIGIL_SECRET", &secret),
            ("VIGIL_PUBLIC_URL", "https://vigil.example.com"),
            ("VIGIL_EVIDENCE_KEY_FILE", "/var/lib/vigil/evidence.pem"),
            ("VIGIL_SMTP_URL", "smtps://smtp.example.com"),
            ("VIGIL_MAIL_FROM", "Vigil <vigil@example.com>"),
        ])
        .unwrap();
        assert_eq!(config.secret_source, SecretSource::Configured);
        assert!(!config.demo_on_empty);
    }

    #[test]
    fn production_needs_a_lasting_evidence_key_path() {
        let secret = "s".repeat(40);
        let err = config(&[
            ("VIGIL_MODE", "production"),
            ("VIGIL_SECRET", &secret),
            ("VIGIL_PUBLIC_URL", "https://vigil.example.com"),
        ])
        .err()
        .unwrap();
        assert!(
            err.to_string()
                .starts_with("VIGIL_EVIDENCE_KEY_FILE is not set"),
            "{err}"
        );
    }

    #[test]
    fn the_demo_is_refused_in_production() {
        let secret = "s".repeat(40);
        let err = config(&[
            ("VIGIL_MODE", "production"),
            ("VIGIL_SECRET", &secret),
            ("VIGIL_PUBLIC_URL", "https://vigil.example.com"),
            ("VIGIL_EVIDENCE_KEY_FILE", "/var/lib/vigil/key.pem"),
            ("VIGIL_MAIL", "off"),
            ("VIGIL_DEMO", "true"),
        ])
        .err()
        .unwrap();
        assert!(matches!(err, ConfigError::DemoInProduction), "{err}");
    }

    #[test]
    fn short_secrets_are_refused() {
        assert!(matches!(
            config(&[("VIGIL_SECRET", "tooshort")]),
            Err(ConfigError::ShortSecret(8))
        ));
    }

    #[test]
    fn bad_values_name_their_variable() {
        let err = config(&[("VIGIL_LISTEN", "localhost")]).err().unwrap();
        assert!(
            err.to_string().starts_with("VIGIL_LISTEN is not valid"),
            "{err}"
        );
        let err = config(&[("DATABASE_URL", "mysql://x")]).err().unwrap();
        assert!(
            err.to_string().starts_with("DATABASE_URL is not valid"),
            "{err}"
        );
        let err = config(&[("VIGIL_MODE", "staging")]).err().unwrap();
        assert!(
            err.to_string().starts_with("VIGIL_MODE is not valid"),
            "{err}"
        );
    }

    #[test]
    fn command_line_overrides_win_over_the_environment() {
        let vars: HashMap<String, String> =
            [("DATABASE_URL".to_owned(), "sqlite://env.db".to_owned())].into();
        let overrides = Overrides {
            listen: Some("127.0.0.1:0".to_owned()),
            database_url: Some("sqlite://flag.db".to_owned()),
        };
        let config = Config::from_sources(
            FileConfig::default(),
            &|name| vars.get(name).cloned(),
            overrides,
        )
        .unwrap();
        assert_eq!(config.database_url, "sqlite://flag.db");
        assert_eq!(config.listen.port(), 0);
    }

    #[test]
    fn the_file_is_used_and_the_environment_wins_over_it() {
        let file: FileConfig =
            toml::from_str("listen = \"127.0.0.1:4000\"\nsession_hours = 4\n").unwrap();
        let vars: HashMap<String, String> =
            [("VIGIL_SESSION_HOURS".to_owned(), "2".to_owned())].into();
        let config =
            Config::from_sources(file, &|name| vars.get(name).cloned(), Overrides::default())
                .unwrap();
        assert_eq!(config.listen.port(), 4000);
        assert_eq!(config.session_hours, 2);
    }

    #[test]
    fn the_number_of_database_connections_is_read_and_checked() {
        assert_eq!(config(&[]).unwrap().database_connections, None);
        let file: FileConfig = toml::from_str("database_connections = 2\n").unwrap();
        let from_file = Config::from_sources(file, &|_| None, Overrides::default()).unwrap();
        assert_eq!(from_file.database_connections, Some(2));
        let set = config(&[("VIGIL_DATABASE_CONNECTIONS", "1")]).unwrap();
        assert_eq!(set.database_connections, Some(1));
        for wrong in ["0", "65", "four"] {
            let err = config(&[("VIGIL_DATABASE_CONNECTIONS", wrong)])
                .err()
                .unwrap()
                .to_string();
            assert!(err.starts_with("VIGIL_DATABASE_CONNECTIONS"), "{err}");
        }
    }

    #[test]
    fn unknown_file_keys_are_refused() {
        assert!(toml::from_str::<FileConfig>("lisen = \"x\"").is_err());
    }
}
