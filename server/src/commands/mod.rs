//! What each `vigil` subcommand does.

mod content;
mod serve;
mod user;

use crate::cli::{Cli, Command, ContentCommand};
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
            user::run(&db, command).await
        }
        Command::Content(ContentCommand::Check { dir }) => content::check(&dir),
        Command::Content(ContentCommand::Import { dir }) => {
            let config = Config::load_for_tools(cli.config.as_deref(), overrides(None))?;
            let db = open_database(&config.database_url).await?;
            content::import(&db, &dir).await
        }
        Command::Demo => {
            let config = Config::load_for_tools(cli.config.as_deref(), overrides(None))?;
            let db = open_database(&config.database_url).await?;
            if app::ssr::demo::load(&db, chrono::Utc::now()).await? {
                println!("Loaded the demo organisation.");
            } else {
                println!("The demo organisation is already loaded; nothing changed.");
            }
            for line in app::ssr::demo::sign_in_details(&config.public_base()) {
                println!("{line}");
            }
            Ok(())
        }
    }
}
