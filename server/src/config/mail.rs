//! Mail settings: how messages leave Vigil, and who they come from.
//!
//! - `VIGIL_SMTP_URL`: `smtp://[user[:password]@]host[:port]` (STARTTLS required, port 587 by
//!   default), `smtps://…` (TLS from the first byte, port 465), with `?tls=opportunistic` (use
//!   STARTTLS when offered) or `?tls=none` (plain text: only to a relay on this machine in
//!   production). The password comes from `VIGIL_SMTP_PASSWORD_FILE`, else from the URL.
//! - `VIGIL_SMTP_CA_FILE`: a PEM certificate to trust for the relay (an internal CA).
//! - `VIGIL_MAIL_FROM`: the sender, such as `Vigil <vigil@example.com>`.
//! - `VIGIL_MAIL=off` switches mail off. Without SMTP, development mode writes `.eml` files to
//!   `VIGIL_MAIL_DIR` (default `data/mail`); production mode refuses to start.

use std::path::PathBuf;

use app::domain::mail::{MailMode, RetryPolicy};
use url::Url;

use super::{ConfigError, FileConfig, Mode, parse_bool};

/// How an SMTP connection is protected.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SmtpSecurity {
    /// Plain connection, then STARTTLS, which must succeed.
    StartTls,
    /// STARTTLS if the server offers it.
    Opportunistic,
    /// TLS from the start (port 465).
    Tls,
    /// No encryption: only for a relay on the same machine.
    None,
}

/// Where and how to reach the SMTP relay. Not `Debug`: it holds the password.
#[derive(Clone)]
pub struct SmtpSettings {
    pub host: String,
    pub port: u16,
    pub security: SmtpSecurity,
    pub user: Option<String>,
    pub password: Option<String>,
    pub ca_file: Option<PathBuf>,
}

impl std::fmt::Debug for SmtpSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SmtpSettings")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("security", &self.security)
            .field("user", &self.user)
            .finish_non_exhaustive()
    }
}

/// Where messages go.
#[derive(Clone, Debug)]
pub enum Transport {
    Smtp(SmtpSettings),
    /// Development: one `.eml` file per message in this folder.
    Files(PathBuf),
    Off,
}

/// Mail settings.
#[derive(Clone, Debug)]
pub struct MailConfig {
    pub transport: Transport,
    /// The sender mailbox, e.g. `Vigil <vigil@example.com>`.
    pub from: String,
    /// How long invitations work, in days.
    pub invitation_days: u32,
    pub retry: RetryPolicy,
    /// How often the delivery worker looks for due messages when nothing wakes it.
    pub poll_secs: u64,
    /// How long one SMTP conversation may take. A delivery worker holds a message for twice
    /// this, so one that crashed mid-delivery gives it back that much later.
    pub smtp_timeout_secs: u64,
    /// Whether this instance starts the daily reminder run (`VIGIL_RUN_SCHEDULED_REMINDERS`).
    /// Several instances may all do so: the run still happens once a day.
    pub run_scheduled: bool,
}

impl MailConfig {
    /// The mode the application shows.
    pub fn mode(&self) -> MailMode {
        match self.transport {
            Transport::Smtp(_) => MailMode::Smtp,
            Transport::Files(_) => MailMode::Files,
            Transport::Off => MailMode::Off,
        }
    }

    /// The domain for `Message-ID`s: the sender's.
    pub fn message_domain(&self) -> String {
        self.from
            .rsplit_once('@')
            .map(|(_, rest)| rest.trim_end_matches('>').trim().to_owned())
            .filter(|d| !d.is_empty())
            .unwrap_or_else(|| "vigil.invalid".to_owned())
    }
}

/// Reads the mail settings.
pub fn from_sources(
    mode: Mode,
    file: &FileConfig,
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<MailConfig, ConfigError> {
    let switched_on = match env("VIGIL_MAIL").or_else(|| file.mail.clone()) {
        Some(raw) => parse_bool("VIGIL_MAIL", &raw)?,
        None => true,
    };
    let smtp_url = env("VIGIL_SMTP_URL").or_else(|| file.smtp_url.clone());
    let password_file = env("VIGIL_SMTP_PASSWORD_FILE")
        .map(PathBuf::from)
        .or_else(|| file.smtp_password_file.clone());
    let ca_file = env("VIGIL_SMTP_CA_FILE")
        .map(PathBuf::from)
        .or_else(|| file.smtp_ca_file.clone());
    let transport = match (switched_on, smtp_url) {
        (false, _) => Transport::Off,
        (true, Some(raw)) => Transport::Smtp(parse_smtp_url(&raw, mode, password_file, ca_file)?),
        (true, None) if mode == Mode::Production => return Err(ConfigError::MissingSmtp),
        (true, None) => Transport::Files(
            env("VIGIL_MAIL_DIR")
                .map(PathBuf::from)
                .or_else(|| file.mail_dir.clone())
                .unwrap_or_else(|| PathBuf::from("data/mail")),
        ),
    };
    let from = match env("VIGIL_MAIL_FROM").or_else(|| file.mail_from.clone()) {
        Some(from) => {
            check_from(&from)?;
            from
        }
        None if matches!(transport, Transport::Smtp(_)) => {
            return Err(ConfigError::MissingMailFrom);
        }
        None => "Vigil <vigil@localhost.localdomain>".to_owned(),
    };
    let number =
        |name: &'static str, default: u64, range: std::ops::RangeInclusive<u64>| match env(name) {
            Some(raw) => raw
                .trim()
                .parse::<u64>()
                .ok()
                .filter(|n| range.contains(n))
                .ok_or_else(|| ConfigError::Invalid {
                    name,
                    reason: format!(
                        "{raw:?}: use a whole number from {} to {}",
                        range.start(),
                        range.end()
                    ),
                }),
            None => Ok(default),
        };
    let invitation_days = number(
        "VIGIL_INVITATION_DAYS",
        u64::from(file.invitation_days.unwrap_or(7)),
        1..=90,
    )?;
    let retry_base = number("VIGIL_MAIL_RETRY_BASE_SECS", 60, 1..=3600)?;
    let max_attempts = number("VIGIL_MAIL_MAX_ATTEMPTS", 10, 1..=30)?;
    let poll_secs = number("VIGIL_MAIL_POLL_SECS", 5, 1..=3600)?;
    let smtp_timeout_secs = number("VIGIL_SMTP_TIMEOUT_SECS", 30, 1..=600)?;
    let run_scheduled = match env("VIGIL_RUN_SCHEDULED_REMINDERS") {
        Some(raw) => parse_bool("VIGIL_RUN_SCHEDULED_REMINDERS", &raw)?,
        None => true,
    };
    Ok(MailConfig {
        transport,
        from,
        invitation_days: u32::try_from(invitation_days).unwrap_or(7),
        retry: RetryPolicy {
            base: chrono::Duration::seconds(i64::try_from(retry_base).unwrap_or(60)),
            max_attempts: u32::try_from(max_attempts).unwrap_or(10),
            ..RetryPolicy::default()
        },
        poll_secs,
        smtp_timeout_secs,
        run_scheduled,
    })
}

fn invalid_url(reason: impl Into<String>) -> ConfigError {
    ConfigError::Invalid {
        name: "VIGIL_SMTP_URL",
        reason: reason.into(),
    }
}

/// Parses `VIGIL_SMTP_URL` (never echoing a password back).
pub fn parse_smtp_url(
    raw: &str,
    mode: Mode,
    password_file: Option<PathBuf>,
    ca_file: Option<PathBuf>,
) -> Result<SmtpSettings, ConfigError> {
    let url = Url::parse(raw.trim()).map_err(|err| {
        invalid_url(format!(
            "{err}; use smtp://user@mail.example.com:587 or smtps://mail.example.com"
        ))
    })?;
    let host = url
        .host_str()
        .filter(|h| !h.is_empty())
        .ok_or_else(|| invalid_url("it names no host, as in smtp://mail.example.com"))?
        .trim_start_matches('[')
        .trim_end_matches(']')
        .to_owned();
    let mut tls: Option<String> = None;
    for (key, value) in url.query_pairs() {
        match key.as_ref() {
            "tls" => tls = Some(value.into_owned()),
            other => {
                return Err(invalid_url(format!(
                    "unknown option {other:?}; the only option is tls=required|opportunistic|none"
                )));
            }
        }
    }
    let (security, default_port) = match (url.scheme(), tls.as_deref()) {
        ("smtps", None) => (SmtpSecurity::Tls, 465),
        ("smtps", Some(other)) => {
            return Err(invalid_url(format!(
                "smtps:// always uses TLS; remove tls={other}"
            )));
        }
        ("smtp", None | Some("required")) => (SmtpSecurity::StartTls, 587),
        ("smtp", Some("opportunistic")) => (SmtpSecurity::Opportunistic, 587),
        ("smtp", Some("none")) => (SmtpSecurity::None, 25),
        ("smtp", Some(other)) => {
            return Err(invalid_url(format!(
                "tls={other} is not known; use required, opportunistic or none"
            )));
        }
        (scheme, _) => {
            return Err(invalid_url(format!(
                "the scheme {scheme}:// is not supported; use smtp:// (STARTTLS) or smtps:// (TLS)"
            )));
        }
    };
    let is_loopback = host == "localhost"
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback());
    if mode == Mode::Production
        && matches!(security, SmtpSecurity::None | SmtpSecurity::Opportunistic)
        && !is_loopback
    {
        return Err(invalid_url(
            "production mode sends mail to another machine only over TLS: remove tls=none / tls=opportunistic, or relay through this machine (localhost)",
        ));
    }
    let decode = |s: &str| {
        urlencoding::decode(s)
            .map(|d| d.into_owned())
            .map_err(|_| invalid_url("the user or password is not valid percent-encoding"))
    };
    let user = match url.username() {
        "" => None,
        user => Some(decode(user)?),
    };
    let password = match password_file {
        Some(path) => Some(
            std::fs::read_to_string(&path)
                .map_err(|err| ConfigError::SecretFile {
                    path: path.clone(),
                    reason: format!("VIGIL_SMTP_PASSWORD_FILE: {err}"),
                })?
                .trim_end_matches(['\r', '\n'])
                .to_owned(),
        ),
        None => url.password().map(decode).transpose()?,
    };
    if password.is_some() && user.is_none() {
        return Err(invalid_url(
            "a password is set but no user: write smtp://user@host",
        ));
    }
    if let Some(path) = &ca_file
        && !path.is_file()
    {
        return Err(ConfigError::Invalid {
            name: "VIGIL_SMTP_CA_FILE",
            reason: format!("{} is not a readable file", path.display()),
        });
    }
    Ok(SmtpSettings {
        port: url.port().unwrap_or(default_port),
        host,
        security,
        user,
        password,
        ca_file,
    })
}

fn check_from(from: &str) -> Result<(), ConfigError> {
    from.parse::<lettre::message::Mailbox>()
        .map(|_| ())
        .map_err(|reason| ConfigError::Invalid {
            name: "VIGIL_MAIL_FROM",
            reason: format!(
                "{from:?} is not a mailbox ({reason}); use the form Vigil <vigil@example.com>"
            ),
        })
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;

    fn mail(mode: Mode, vars: &[(&str, &str)]) -> Result<MailConfig, ConfigError> {
        let vars: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        from_sources(mode, &FileConfig::default(), &|name| {
            vars.get(name).cloned()
        })
    }

    fn smtp(config: &MailConfig) -> &SmtpSettings {
        match &config.transport {
            Transport::Smtp(settings) => settings,
            other => panic!("expected SMTP, got {other:?}"),
        }
    }

    #[test]
    fn smtp_means_starttls_on_587_and_smtps_means_tls_on_465() {
        let config = mail(
            Mode::Production,
            &[
                (
                    "VIGIL_SMTP_URL",
                    "smtp://vigil%40example.com:p%40ss@mail.example.com",
                ),
                ("VIGIL_MAIL_FROM", "Vigil <vigil@example.com>"),
            ],
        )
        .unwrap();
        let settings = smtp(&config);
        assert_eq!(settings.security, SmtpSecurity::StartTls);
        assert_eq!(settings.port, 587);
        assert_eq!(settings.user.as_deref(), Some("vigil@example.com"));
        assert_eq!(settings.password.as_deref(), Some("p@ss"));
        assert!(!format!("{settings:?}").contains("p@ss"));
        assert_eq!(config.message_domain(), "example.com");

        let config = mail(
            Mode::Production,
            &[
                ("VIGIL_SMTP_URL", "smtps://mail.example.com"),
                ("VIGIL_MAIL_FROM", "vigil@example.com"),
            ],
        )
        .unwrap();
        assert_eq!(smtp(&config).security, SmtpSecurity::Tls);
        assert_eq!(smtp(&config).port, 465);
    }

    #[test]
    fn the_password_file_wins_over_the_url() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("smtp-password");
        std::fs::write(&path, "from-file\n").unwrap();
        let settings = parse_smtp_url(
            "smtp://user:from-url@mail.example.com",
            Mode::Development,
            Some(path),
            None,
        )
        .unwrap();
        assert_eq!(settings.password.as_deref(), Some("from-file"));
    }

    #[test]
    fn production_without_smtp_refuses_and_names_the_variable() {
        let err = mail(Mode::Production, &[]).unwrap_err();
        assert!(err.to_string().contains("VIGIL_SMTP_URL"), "{err}");
        assert!(err.to_string().contains("VIGIL_MAIL=off"), "{err}");
        let off = mail(Mode::Production, &[("VIGIL_MAIL", "off")]).unwrap();
        assert_eq!(off.mode(), MailMode::Off);
    }

    #[test]
    fn development_without_smtp_writes_files() {
        let config = mail(Mode::Development, &[]).unwrap();
        assert!(matches!(&config.transport, Transport::Files(dir) if dir.ends_with("data/mail")));
    }

    #[test]
    fn bad_urls_stop_start_up_naming_the_variable() {
        for bad in [
            "mail.example.com",
            "http://mail.example.com",
            "smtp://",
            "smtp://mail.example.com?tls=maybe",
            "smtp://mail.example.com?verify=no",
            "smtps://mail.example.com?tls=none",
            "smtp://:secret@mail.example.com",
        ] {
            let err = mail(
                Mode::Development,
                &[
                    ("VIGIL_SMTP_URL", bad),
                    ("VIGIL_MAIL_FROM", "v@example.com"),
                ],
            )
            .unwrap_err();
            assert!(
                err.to_string().starts_with("VIGIL_SMTP_URL is not valid"),
                "{bad}: {err}"
            );
            assert!(!err.to_string().contains("secret"), "{err}");
        }
    }

    #[test]
    fn plain_text_smtp_is_only_for_a_local_relay_in_production() {
        let from = ("VIGIL_MAIL_FROM", "v@example.com");
        assert!(
            mail(
                Mode::Production,
                &[("VIGIL_SMTP_URL", "smtp://mail.example.com?tls=none"), from]
            )
            .is_err()
        );
        let local = mail(
            Mode::Production,
            &[("VIGIL_SMTP_URL", "smtp://127.0.0.1:25?tls=none"), from],
        )
        .unwrap();
        assert_eq!(smtp(&local).security, SmtpSecurity::None);
    }

    #[test]
    fn smtp_needs_a_valid_sender() {
        let err = mail(
            Mode::Development,
            &[("VIGIL_SMTP_URL", "smtp://127.0.0.1?tls=none")],
        )
        .unwrap_err();
        assert!(err.to_string().contains("VIGIL_MAIL_FROM"), "{err}");
        let err = mail(
            Mode::Development,
            &[
                ("VIGIL_SMTP_URL", "smtp://127.0.0.1?tls=none"),
                ("VIGIL_MAIL_FROM", "not a mailbox"),
            ],
        )
        .unwrap_err();
        assert!(
            err.to_string().starts_with("VIGIL_MAIL_FROM is not valid"),
            "{err}"
        );
    }

    #[test]
    fn delivery_numbers_are_checked() {
        let err = mail(Mode::Development, &[("VIGIL_MAIL_MAX_ATTEMPTS", "0")]).unwrap_err();
        assert!(
            err.to_string().starts_with("VIGIL_MAIL_MAX_ATTEMPTS"),
            "{err}"
        );
        let config = mail(
            Mode::Development,
            &[
                ("VIGIL_MAIL_RETRY_BASE_SECS", "2"),
                ("VIGIL_INVITATION_DAYS", "14"),
            ],
        )
        .unwrap();
        assert_eq!(config.retry.base, chrono::Duration::seconds(2));
        assert_eq!(config.invitation_days, 14);
    }
}
