//! The `vigil` binary as its own process, for tests that kill it: a command with the settings
//! every such test shares (a database, a folder for keys, content and mail, no demo, no
//! scheduled reminders, quiet logs).

use std::path::Path;
use std::process::Command;

/// `vigil --database <database>` with files kept under `dir` and sessions signed by `secret`.
pub fn vigil_command(dir: &Path, database: &str, secret: &str) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_vigil"));
    command
        .arg("--database")
        .arg(database)
        .env_remove("DATABASE_URL")
        .env("VIGIL_DEMO", "false")
        .env("VIGIL_RUN_SCHEDULED_REMINDERS", "false")
        .env("VIGIL_SITE_ROOT", dir)
        .env("VIGIL_MAIL_DIR", dir.join("mail"))
        .env("VIGIL_EVIDENCE_KEY_FILE", dir.join("key.pem"))
        .env("VIGIL_SECRET", secret)
        .env("RUST_LOG", "error");
    command
}
