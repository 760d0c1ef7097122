//! One message out, through SMTP or into a file, with the server's answer.

use std::path::PathBuf;
use std::time::Duration;

use lettre::message::header::ContentType;
use lettre::message::{Mailbox, MultiPart, SinglePart};
use lettre::transport::smtp::client::{Certificate, Tls, TlsParameters};
use lettre::transport::smtp::{PoolConfig, authentication::Credentials};
use lettre::{AsyncFileTransport, AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

use crate::config::mail::{MailConfig, SmtpSecurity, SmtpSettings, Transport};

/// Where messages go.
pub enum Mailer {
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
    Files {
        transport: AsyncFileTransport<Tokio1Executor>,
        dir: PathBuf,
    },
    Off,
}

/// A message to send.
pub struct Outgoing<'a> {
    pub message_id: &'a str,
    pub to_name: Option<&'a str>,
    pub to: &'a str,
    pub subject: &'a str,
    pub text: &'a str,
    /// Empty for a text-only message.
    pub html: &'a str,
}

/// Why a message was not sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SendError {
    /// The server refused it for good (an SMTP 5xx), or it can never be built: do not retry.
    pub permanent: bool,
    /// What happened, with the server's answer when there was one.
    pub reason: String,
}

impl std::fmt::Display for SendError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.reason)
    }
}

impl Mailer {
    /// Builds the transport the configuration names. Nothing is contacted yet.
    pub fn build(config: &MailConfig) -> Result<Self, String> {
        Ok(match &config.transport {
            Transport::Smtp(settings) => Self::Smtp(smtp(
                settings,
                Duration::from_secs(config.smtp_timeout_secs),
            )?),
            Transport::Files(dir) => {
                std::fs::create_dir_all(dir).map_err(|err| {
                    format!("cannot create the mail folder {}: {err}", dir.display())
                })?;
                Self::Files {
                    transport: AsyncFileTransport::new(dir),
                    dir: dir.clone(),
                }
            }
            Transport::Off => Self::Off,
        })
    }

    /// Sends one message from `from`; on success, the server's answer (or where the file went).
    pub async fn send(&self, from: &Mailbox, outgoing: &Outgoing<'_>) -> Result<String, SendError> {
        let message = build_message(from, outgoing)?;
        match self {
            Self::Smtp(transport) => match transport.send(message).await {
                Ok(response) => Ok(format!(
                    "{} {}",
                    response.code(),
                    response.message().collect::<Vec<_>>().join(" ")
                )
                .trim()
                .to_owned()),
                Err(err) => Err(SendError {
                    permanent: err.is_permanent(),
                    reason: smtp_error_text(&err),
                }),
            },
            Self::Files { transport, dir } => transport
                .send(message)
                .await
                .map(|id| format!("written to {}", dir.join(format!("{id}.eml")).display()))
                .map_err(|err| SendError {
                    permanent: false,
                    reason: format!("could not write the message file: {err}"),
                }),
            Self::Off => Err(SendError {
                permanent: true,
                reason: "mail is switched off (VIGIL_MAIL=off)".to_owned(),
            }),
        }
    }
}

fn smtp(
    settings: &SmtpSettings,
    timeout: Duration,
) -> Result<AsyncSmtpTransport<Tokio1Executor>, String> {
    let tls_parameters = || -> Result<TlsParameters, String> {
        let mut builder = TlsParameters::builder(settings.host.clone());
        if let Some(path) = &settings.ca_file {
            let pem = std::fs::read(path)
                .map_err(|err| format!("VIGIL_SMTP_CA_FILE {}: {err}", path.display()))?;
            let certificate = Certificate::from_pem(&pem)
                .map_err(|err| format!("VIGIL_SMTP_CA_FILE {}: {err}", path.display()))?;
            builder = builder.add_root_certificate(certificate);
        }
        builder
            .build_rustls()
            .map_err(|err| format!("TLS settings for {}: {err}", settings.host))
    };
    let tls = match settings.security {
        SmtpSecurity::StartTls => Tls::Required(tls_parameters()?),
        SmtpSecurity::Opportunistic => Tls::Opportunistic(tls_parameters()?),
        SmtpSecurity::Tls => Tls::Wrapper(tls_parameters()?),
        SmtpSecurity::None => Tls::None,
    };
    let mut builder =
        AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(settings.host.clone())
            .port(settings.port)
            .tls(tls)
            .timeout(Some(timeout))
            .pool_config(
                PoolConfig::new()
                    .max_size(u32::try_from(super::worker::PARALLEL_DELIVERIES).unwrap_or(4)),
            );
    if let (Some(user), Some(password)) = (&settings.user, &settings.password) {
        builder = builder.credentials(Credentials::new(user.clone(), password.clone()));
    }
    Ok(builder.build())
}

/// Builds the MIME message. Header values go through lettre's encoders; the subject and name
/// were already made header-safe when the message was composed.
pub fn build_message(from: &Mailbox, outgoing: &Outgoing<'_>) -> Result<Message, SendError> {
    let permanent = |reason: String| SendError {
        permanent: true,
        reason,
    };
    let address = outgoing.to.parse().map_err(|err| {
        permanent(format!(
            "the recipient address {:?} is not valid: {err}",
            outgoing.to
        ))
    })?;
    let to = Mailbox::new(
        outgoing
            .to_name
            .map(|name| app::domain::mail::header_text(name, 120)),
        address,
    );
    let builder = Message::builder()
        .from(from.clone())
        .to(to)
        .subject(app::domain::mail::header_text(
            outgoing.subject,
            app::domain::mail::template::SUBJECT_MAX,
        ))
        .message_id(Some(outgoing.message_id.to_owned()))
        .date_now();
    let built = if outgoing.html.is_empty() {
        builder.singlepart(
            SinglePart::builder()
                .header(ContentType::TEXT_PLAIN)
                .body(outgoing.text.to_owned()),
        )
    } else {
        builder.multipart(MultiPart::alternative_plain_html(
            outgoing.text.to_owned(),
            outgoing.html.to_owned(),
        ))
    };
    built.map_err(|err| permanent(format!("the message could not be built: {err}")))
}

// lettre's messages name the kind of failure; the server's own words follow when it answered.
fn smtp_error_text(err: &lettre::transport::smtp::Error) -> String {
    let mut text = err.to_string();
    let mut source = std::error::Error::source(err);
    while let Some(cause) = source {
        let cause_text = cause.to_string();
        if !text.contains(&cause_text) {
            text.push_str(": ");
            text.push_str(&cause_text);
        }
        source = cause.source();
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    fn outgoing<'a>(subject: &'a str, name: &'a str) -> Outgoing<'a> {
        Outgoing {
            message_id: "<abc@example.com>",
            to_name: Some(name),
            to: "erin@example.com",
            subject,
            text: "Hello",
            html: "<p>Hello</p>",
        }
    }

    fn headers(message: &Message) -> String {
        let raw = String::from_utf8(message.formatted()).unwrap();
        raw.split("\r\n\r\n").next().unwrap().to_owned()
    }

    #[test]
    fn a_line_break_in_a_subject_or_name_adds_no_header() {
        let from: Mailbox = "Vigil <vigil@example.com>".parse().unwrap();
        let message = build_message(
            &from,
            &outgoing(
                "Reminder: Phishing\r\nBcc: everyone@evil.example",
                "Erin\r\nCc: x@evil.example",
            ),
        )
        .unwrap();
        let headers = headers(&message);
        for line in headers.lines() {
            assert!(
                !line.starts_with("Bcc:") && !line.starts_with("Cc:"),
                "injected header in:\n{headers}"
            );
        }
        assert_eq!(message.envelope().to().len(), 1);
        assert!(
            headers.contains("Message-ID: <abc@example.com>"),
            "{headers}"
        );
    }

    #[test]
    fn both_parts_are_sent() {
        let from: Mailbox = "vigil@example.com".parse().unwrap();
        let raw = String::from_utf8(
            build_message(&from, &outgoing("Hi", "Erin"))
                .unwrap()
                .formatted(),
        )
        .unwrap();
        assert!(raw.contains("multipart/alternative"), "{raw}");
        assert!(
            raw.contains("text/plain") && raw.contains("text/html"),
            "{raw}"
        );
    }

    #[test]
    fn a_bad_recipient_is_a_permanent_failure() {
        let from: Mailbox = "vigil@example.com".parse().unwrap();
        let mut bad = outgoing("Hi", "Erin");
        bad.to = "not an address";
        assert!(build_message(&from, &bad).unwrap_err().permanent);
    }
}
