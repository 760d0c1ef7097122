//! The `vigil` command line.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

/// Vigil: security awareness training you can prove to an auditor.
#[derive(Debug, Parser)]
#[command(name = "vigil", version, about, long_about = None)]
pub struct Cli {
    /// A TOML configuration file (see docs/configuration.md). Environment variables win over it.
    #[arg(long, global = true, env = "VIGIL_CONFIG", value_name = "FILE")]
    pub config: Option<PathBuf>,

    /// The database to use, overriding DATABASE_URL: sqlite://path.db or postgres://…
    #[arg(long, global = true, value_name = "URL")]
    pub database: Option<String>,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the web server (migrates the database and imports content first).
    Serve(ServeArgs),
    /// Apply pending database migrations and exit.
    Migrate,
    /// Manage people and their access.
    #[command(subcommand)]
    User(UserCommand),
    /// Load the demo organisation (40 people in four departments) and, into a database with no
    /// courses yet, eighteen months of training history.
    Demo {
        /// The course folder the demo history uses.
        #[arg(long, default_value = "content")]
        content: PathBuf,
        /// Grow the organisation with generated people to this many in all (departments of
        /// 5,000 under a head, teams of 12), each with 18 months of history: for trials and
        /// benchmarks at scale.
        #[arg(long, default_value_t = 0)]
        people: usize,
    },
    /// Check and publish course content.
    #[command(subcommand)]
    Content(ContentCommand),
    /// Check the tamper-evident completion ledger.
    #[command(subcommand)]
    Ledger(LedgerCommand),
    /// Recompute everyone's training obligations now (Vigil also does this daily and after changes).
    Assign,
    /// Build and check signed evidence packs for audits.
    #[command(subcommand)]
    Evidence(EvidenceCommand),
    /// Email: send a test message, list the queue, deliver what is due.
    #[command(subcommand)]
    Mail(MailCommand),
    /// Scheduled reminders and escalations.
    #[command(subcommand)]
    Reminders(RemindersCommand),
    /// API tokens for scripts and directory provisioning (Authorization: Bearer).
    #[command(subcommand)]
    Token(TokenCommand),
}

#[derive(Debug, Subcommand)]
pub enum TokenCommand {
    /// Make a token and print it, once. Scopes: scim, reports:read, evidence:export.
    Create {
        /// What uses it, e.g. "Entra ID provisioning".
        #[arg(long)]
        name: String,
        /// What it may do: scim, reports:read or evidence:export.
        #[arg(long)]
        scope: String,
        /// Days until it expires (1 to 730; 90 if not given).
        #[arg(long, value_name = "N")]
        expires_days: Option<u32>,
    },
    /// List every token: scope, status, expiry and last use (never a secret).
    List,
    /// Make a token stop working now.
    Revoke {
        /// The token's number, from `vigil token list`.
        id: i64,
    },
}

#[derive(Debug, Subcommand)]
pub enum MailCommand {
    /// Send one message now with the configured settings; exits non-zero with the server's
    /// answer if it is not accepted.
    Test {
        /// Where to send it.
        #[arg(long, value_name = "ADDRESS")]
        to: String,
    },
    /// List queued and failed messages (with --all, every message), newest first.
    Queue {
        /// Include sent and cancelled messages too.
        #[arg(long)]
        all: bool,
    },
    /// Deliver every queued message that is due now (the server does this by itself).
    Deliver,
}

#[derive(Debug, Subcommand)]
pub enum RemindersCommand {
    /// Recompute obligations and queue today's scheduled reminders now, if they have not run
    /// today (here or on another instance). The running server delivers them.
    Run {
        /// Run for this day instead of today, as YYYY-MM-DD (to catch up a missed day).
        #[arg(long, value_name = "YYYY-MM-DD")]
        date: Option<String>,
    },
}

#[derive(Debug, Subcommand)]
pub enum EvidenceCommand {
    /// Write the signed evidence pack for a period (inclusive) to a zip file.
    Export {
        /// First day, YYYY-MM-DD.
        #[arg(long)]
        from: String,
        /// Last day, YYYY-MM-DD.
        #[arg(long)]
        to: String,
        /// Where to write the pack.
        #[arg(long, value_name = "PACK.zip")]
        out: PathBuf,
    },
    /// Check a pack offline: signature, every file's hash, nothing added or removed.
    Verify {
        /// The pack to check.
        pack: PathBuf,
        /// The public key the pack must be signed with (PEM, as shown by `vigil evidence key`).
        #[arg(long, value_name = "FILE")]
        public_key: Option<PathBuf>,
        /// The previous period's pack: also prove that this pack's ledger extends that one's.
        #[arg(long, value_name = "OLD.zip")]
        previous: Option<PathBuf>,
    },
    /// Print the public key that signs evidence packs, and its fingerprint.
    Key,
}

#[derive(Debug, Subcommand)]
pub enum LedgerCommand {
    /// Check every record's hash and the chain between them; names the first broken record.
    /// With --checkpoint, also prove from the records that today's ledger begins with exactly
    /// what that checkpoint committed to (any record deleted, changed, reordered or rewritten
    /// since fails, naming the first bad index).
    Verify {
        /// A checkpoint kept earlier (from `vigil ledger checkpoint`, GET /ledger/checkpoint, an
        /// evidence pack or a witness).
        #[arg(long, value_name = "FILE")]
        checkpoint: Option<PathBuf>,
        /// The public key the checkpoint must be signed by (PEM); by default the public half of
        /// the configured evidence key.
        #[arg(long, value_name = "PEM")]
        public_key: Option<PathBuf>,
    },
    /// Bring the ledger's Merkle tree up to date, sign a checkpoint if records were added since
    /// the last one, and print the newest checkpoint.
    Checkpoint,
}

#[derive(Debug, Subcommand)]
pub enum ContentCommand {
    /// Validate a content tree and print every problem; exits non-zero if there is any.
    Check {
        /// The folder holding one folder per course.
        #[arg(default_value = "content")]
        dir: PathBuf,
    },
    /// Publish new versions of changed courses; unchanged courses are left alone.
    Import {
        /// The folder holding one folder per course.
        #[arg(default_value = "content")]
        dir: PathBuf,
    },
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Address and port to listen on, overriding VIGIL_LISTEN (default 127.0.0.1:3000).
    #[arg(long, value_name = "ADDR")]
    pub listen: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Add a person. Prints a generated password unless --password-stdin is given.
    Add(UserAddArgs),
    /// Replace a person's job roles and, optionally, their admin permissions.
    SetRole(SetRoleArgs),
    /// Deactivate a person: sessions end at once and they owe no more training.
    Deactivate {
        /// The person's email address.
        email: String,
    },
    /// List everybody with department, manager, roles and status.
    List,
    /// Set a new password for a person (read from standard input) and end their sessions.
    SetPassword {
        /// The person's email address.
        email: String,
    },
    /// Email a person (again) an invitation to choose their password; earlier ones stop working.
    Invite {
        /// The person's email address.
        email: String,
    },
}

#[derive(Debug, Args)]
pub struct UserAddArgs {
    /// Email address; also the sign-in name.
    #[arg(long)]
    pub email: String,
    /// Full name.
    #[arg(long)]
    pub name: String,
    /// Department; created if it does not exist yet.
    #[arg(long)]
    pub department: Option<String>,
    /// Job title.
    #[arg(long, default_value = "")]
    pub job_title: String,
    /// Hire date as YYYY-MM-DD (default today).
    #[arg(long)]
    pub hire_date: Option<String>,
    /// The manager's email address.
    #[arg(long)]
    pub manager: Option<String>,
    /// A job role slug (repeat for several), e.g. secure-development-engineer. Everyone is also an employee.
    #[arg(long = "role", value_name = "SLUG")]
    pub roles: Vec<String>,
    /// Make the person a compliance administrator.
    #[arg(long)]
    pub compliance_admin: bool,
    /// Make the person a platform administrator.
    #[arg(long)]
    pub platform_admin: bool,
    /// Read the password from standard input instead of generating one.
    #[arg(long, conflicts_with = "invite")]
    pub password_stdin: bool,
    /// Email them an invitation to choose their own password, instead of generating one.
    #[arg(long)]
    pub invite: bool,
}

#[derive(Debug, Args)]
pub struct SetRoleArgs {
    /// The person's email address.
    pub email: String,
    /// A job role slug (repeat for several). Replaces the current roles; employee is always kept.
    #[arg(long = "role", value_name = "SLUG")]
    pub roles: Vec<String>,
    /// Grant or remove compliance administration.
    #[arg(long, value_name = "true|false")]
    pub compliance_admin: Option<bool>,
    /// Grant or remove platform administration.
    #[arg(long, value_name = "true|false")]
    pub platform_admin: Option<bool>,
}
