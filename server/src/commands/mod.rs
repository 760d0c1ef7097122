//! What each `vigil` subcommand does.

mod content;
mod evidence;
mod ledger;
mod mail;
mod serve;
mod token;
mod user;

use crate::cli::{
    Cli, Command, ContentCommand, EvidenceCommand, LedgerCommand, MailCommand, RemindersCommand,
    TokenCommand, UserCommand,
};
use crate::config::{Config, Overrides};
use crate::startup::{StartupError, open_database};

/// Any failure of a command, shown to the operator as one line.
#[derive(Debug, thiserror::Error)]
pub enum CommandError {
    #[error("{0}")]
    Config(#[from] crate::config::ConfigError),
    #[error("{0}")]
    Startup(#[from] StartupError),
    #[error("{0}")]
    App(#[from] app::error::AppError),
    #[error("{0}")]
    Io(#[from] std::io::Error),
    #[error("{0}")]
    Usage(String),
    /// The command ran and found problems it has already printed.
    #[error("{0}")]
    Failed(String),
}

/// Recomputes obligations and prints a one-line summary.
async fn assign(db: &sea_orm::DatabaseConnection) -> Result<(), CommandError> {
    let now = chrono::Utc::now();
    let lock = app::ssr::training::engine::EngineLock::default();
    let summary = app::ssr::training::engine::recompute(db, &lock, now.date_naive(), now).await?;
    let counts: Vec<String> = summary
        .by_status
        .iter()
        .map(|(status, n)| format!("{n} {}", status.label().to_lowercase()))
        .collect();
    println!(
        "Training obligations: {} ({}).",
        summary.obligations,
        if counts.is_empty() {
            "none".to_owned()
        } else {
            counts.join(", ")
        }
    );
    Ok(())
}

/// Runs the parsed command line.
pub async fn run(cli: Cli) -> Result<(), CommandError> {
    let overrides = |listen: Option<String>| Overrides {
        listen,
        database_url: cli.database.clone(),
    };
    match cli.command {
        Command::Serve(args) => {
            let config = Config::load(cli.config.as_deref(), overrides(args.listen))?;
            serve::serve(config).await
        }
        Command::Migrate => {
            let config = Config::load_for_tools(cli.config.as_deref(), overrides(None))?;
            open_database(&config.database_url).await?;
            println!(
                "The database at {} is up to date.",
                crate::startup::redact(&config.database_url)
            );
            Ok(())
        }
        Command::User(command) => {
            let config = Config::load_for_tools(cli.config.as_deref(), overrides(None))?;
            let db = open_database(&config.database_url).await?;
            app::ssr::db::job_roles::seed(&db)
                .await
                .map_err(StartupError::Migration)?;
            // Listing and passwords change nobody's obligations; the rest can.
            let changes_obligations = matches!(
                command,
                UserCommand::Add(_) | UserCommand::SetRole(_) | UserCommand::Deactivate { .. }
            );
            let settings = crate::startup::mail_settings(&config.mail, config.public_base());
            user::run(&db, &settings, command).await?;
            if changes_obligations {
                assign(&db).await
            } else {
                Ok(())
            }
        }
        Command::Content(ContentCommand::Check { dir }) => content::check(&dir),
        Command::Content(ContentCommand::Import { dir }) => {
            let config = Config::load_for_tools(cli.config.as_deref(), overrides(None))?;
            let db = open_database(&config.database_url).await?;
            content::import(&db, &dir).await?;
            assign(&db).await
        }
        Command::Ledger(command) => {
            let config = Config::load_for_tools(cli.config.as_deref(), overrides(None))?;
            let db = open_database(&config.database_url).await?;
            match command {
                LedgerCommand::Verify {
                    checkpoint,
                    public_key,
                } => {
                    ledger::verify(
                        &db,
                        &config.evidence_key_file,
                        checkpoint.as_deref(),
                        public_key.as_deref(),
                    )
                    .await
                }
                LedgerCommand::Checkpoint => {
                    ledger::checkpoint(&db, &config.evidence_key_file, &config.ledger.origin).await
                }
            }
        }
        Command::Evidence(EvidenceCommand::Verify {
            pack,
            public_key,
            previous,
        }) => evidence::verify(&pack, public_key.as_deref(), previous.as_deref()),
        Command::Evidence(EvidenceCommand::Key) => {
            let config = Config::load_for_tools(cli.config.as_deref(), overrides(None))?;
            evidence::show_key(&config.evidence_key_file)
        }
        Command::Evidence(EvidenceCommand::Export { from, to, out }) => {
            let config = Config::load_for_tools(cli.config.as_deref(), overrides(None))?;
            let db = open_database(&config.database_url).await?;
            evidence::export(
                &db,
                &config.evidence_key_file,
                &config.ledger.origin,
                &from,
                &to,
                &out,
            )
            .await
        }
        Command::Mail(command) => {
            let config = Config::load_for_tools(cli.config.as_deref(), overrides(None))?;
            let db = open_database(&config.database_url).await?;
            match command {
                MailCommand::Test { to } => mail::test(&config, &db, &to).await,
                MailCommand::Queue { all } => mail::queue(&db, all).await,
                MailCommand::Deliver => mail::deliver(&config, &db).await,
            }
        }
        Command::Reminders(RemindersCommand::Run { date }) => {
            let config = Config::load_for_tools(cli.config.as_deref(), overrides(None))?;
            let db = open_database(&config.database_url).await?;
            mail::run_reminders(&config, &db, date.as_deref()).await
        }
        Command::Token(command) => {
            let config = Config::load_for_tools(cli.config.as_deref(), overrides(None))?;
            let db = open_database(&config.database_url).await?;
            match command {
                TokenCommand::Create {
                    name,
                    scope,
                    expires_days,
                } => token::create(&db, &name, &scope, expires_days).await,
                TokenCommand::List => token::list(&db).await,
                TokenCommand::Revoke { id } => token::revoke(&db, id).await,
            }
        }
        Command::Assign => {
            let config = Config::load_for_tools(cli.config.as_deref(), overrides(None))?;
            let db = open_database(&config.database_url).await?;
            assign(&db).await
        }
        Command::Demo { content, people } => {
            let config = Config::load_for_tools(cli.config.as_deref(), overrides(None))?;
            if config.mode == crate::config::Mode::Production {
                return Err(CommandError::Usage(
                    "the demo organisation (every account with one published password) is never loaded in production mode".to_owned(),
                ));
            }
            let db = open_database(&config.database_url).await?;
            if app::ssr::demo::is_loaded(&db).await? {
                println!("The demo organisation is already loaded; nothing changed.");
            } else if app::ssr::db::people::count(&db)
                .await
                .map_err(app::error::AppError::from)?
                > 0
            {
                return Err(CommandError::Usage(
                    "this database already has people in it; the demo is only loaded into an empty database".to_owned(),
                ));
            } else {
                crate::startup::load_demo(&db, &content, people).await?;
                println!(
                    "Loaded the demo organisation ({} people).",
                    app::ssr::db::people::count(&db)
                        .await
                        .map_err(app::error::AppError::from)?
                );
                assign(&db).await?;
            }
            for line in app::ssr::demo::sign_in_details(&config.public_base()) {
                println!("{line}");
            }
            Ok(())
        }
    }
}
