//! A real SMTP server for tests: `smtp_sink.py` (aiosmtpd) in its own process on 127.0.0.1,
//! storing each accepted message as JSON. Started and stopped (by PID) by the test.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A message the sink accepted, decoded the way a mail client would show it.
#[derive(Clone, Debug, serde::Deserialize)]
pub struct Received {
    pub mail_from: String,
    pub rcpt_tos: Vec<String>,
    pub headers: Vec<(String, String)>,
    pub subject: String,
    pub to: String,
    pub message_id: String,
    pub text: String,
    pub html: String,
    /// The message as it arrived.
    pub raw: String,
    pub tls: bool,
}

impl Received {
    /// The first link in the plain-text part that starts with `prefix` (a path such as
    /// `/invite/`), as a path on the server.
    pub fn link(&self, prefix: &str) -> Option<String> {
        let start = self.text.find(prefix)?;
        let rest = &self.text[start..];
        let end = rest
            .find(|c: char| c.is_whitespace() || c == ')' || c == '>')
            .unwrap_or(rest.len());
        Some(rest[..end].to_owned())
    }

    /// The values of a header (case-insensitive name).
    pub fn header(&self, name: &str) -> Vec<&str> {
        self.headers
            .iter()
            .filter(|(key, _)| key.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_str())
            .collect()
    }
}

/// Options for the sink.
#[derive(Default)]
pub struct SinkOptions {
    /// Listen on this port (0 or `None`: any free one).
    pub port: Option<u16>,
    /// Seconds each DATA takes.
    pub delay: Option<f64>,
    /// Offer and require STARTTLS with this certificate and key.
    pub tls: Option<(PathBuf, PathBuf)>,
}

/// A running sink. Stopped when dropped.
pub struct SmtpSink {
    pub port: u16,
    dir: tempfile::TempDir,
    child: Option<Child>,
}

/// The Python with aiosmtpd that `make test-deps` sets up.
pub fn python() -> PathBuf {
    if let Ok(path) = std::env::var("VIGIL_TEST_PYTHON") {
        return PathBuf::from(path);
    }
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/test-tools/venv/bin/python3");
    assert!(
        path.exists(),
        "{} is missing: run `make test-deps` (it installs aiosmtpd for the SMTP tests)",
        path.display()
    );
    path
}

impl SmtpSink {
    /// Starts a sink on a free port.
    pub fn start() -> Self {
        Self::start_with(SinkOptions::default())
    }

    /// Starts a sink with options.
    pub fn start_with(options: SinkOptions) -> Self {
        let dir = tempfile::tempdir().expect("sink folder");
        Self::spawn(options, dir)
    }

    fn spawn(options: SinkOptions, dir: tempfile::TempDir) -> Self {
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/support/smtp_sink.py");
        let mut command = Command::new(python());
        command
            .arg(script)
            .arg("--dir")
            .arg(dir.path())
            .arg("--port")
            .arg(options.port.unwrap_or(0).to_string())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit());
        if let Some(delay) = options.delay {
            command.arg("--delay").arg(delay.to_string());
        }
        if let Some((cert, key)) = &options.tls {
            command
                .arg("--tls-cert")
                .arg(cert)
                .arg("--tls-key")
                .arg(key);
        }
        let mut child = command.spawn().expect("the SMTP sink starts");
        let mut line = String::new();
        BufReader::new(child.stdout.take().expect("stdout"))
            .read_line(&mut line)
            .expect("the SMTP sink says where it listens");
        let port = line
            .trim()
            .strip_prefix("listening on ")
            .and_then(|p| p.parse().ok())
            .unwrap_or_else(|| panic!("unexpected first line from the SMTP sink: {line:?}"));
        Self {
            port,
            dir,
            child: Some(child),
        }
    }

    /// `VIGIL_SMTP_URL` for this sink (plain text: it is on this machine).
    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}?tls=none", self.port)
    }

    /// Every message accepted so far, oldest first.
    pub fn messages(&self) -> Vec<Received> {
        let mut names: Vec<PathBuf> = std::fs::read_dir(self.dir.path())
            .expect("sink folder")
            .filter_map(|entry| entry.ok().map(|e| e.path()))
            .filter(|path| {
                path.extension().is_some_and(|e| e == "json")
                    && !path
                        .file_name()
                        .is_some_and(|n| n.to_string_lossy().starts_with('.'))
            })
            .collect();
        names.sort();
        names
            .iter()
            .map(|path| {
                serde_json::from_slice(&std::fs::read(path).expect("message file"))
                    .expect("message JSON")
            })
            .collect()
    }

    /// Messages to `address`.
    pub fn to(&self, address: &str) -> Vec<Received> {
        self.messages()
            .into_iter()
            .filter(|m| m.rcpt_tos.iter().any(|r| r.eq_ignore_ascii_case(address)))
            .collect()
    }

    /// Waits until at least `count` messages arrived for `address` (any address if empty).
    pub async fn wait_for(&self, address: &str, count: usize, timeout: Duration) -> Vec<Received> {
        let started = Instant::now();
        loop {
            let found = if address.is_empty() {
                self.messages()
            } else {
                self.to(address)
            };
            if found.len() >= count {
                return found;
            }
            assert!(
                started.elapsed() < timeout,
                "waited {timeout:?} for {count} message(s) to {address:?}; got {}",
                found.len()
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Stops the sink (by its PID); messages received stay readable.
    pub fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// Starts the sink again on the same port, keeping what it received.
    pub fn restart(&mut self) {
        self.stop();
        let dir = std::mem::replace(&mut self.dir, tempfile::tempdir().expect("folder"));
        let started = Self::spawn(
            SinkOptions {
                port: Some(self.port),
                ..SinkOptions::default()
            },
            dir,
        );
        *self = started;
    }
}

impl Drop for SmtpSink {
    fn drop(&mut self) {
        self.stop();
    }
}

/// A port nothing listens on (bound, then released).
pub fn closed_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .expect("bind")
        .local_addr()
        .expect("address")
        .port()
}

/// A sink on a port chosen earlier (for "the server comes back").
pub fn start_on(port: u16) -> SmtpSink {
    SmtpSink::start_with(SinkOptions {
        port: Some(port),
        ..SinkOptions::default()
    })
}
