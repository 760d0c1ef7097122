//! `vigil serve`.

use super::CommandError;
use crate::config::mail::Transport;
use crate::config::{Config, Mode, SecretSource};
use crate::startup::Application;

pub async fn serve(config: Config) -> Result<(), CommandError> {
    if config.secret_source == SecretSource::GeneratedForDevelopment {
        tracing::warn!(
            "development mode: no VIGIL_SECRET set, so a random signing secret was generated; sessions end when Vigil restarts"
        );
    }
    if !config.site_root.join("pkg").is_dir() {
        tracing::warn!(site_root = %config.site_root.display(), "no built site found: pages will render without styles or scripts (build with `make build`)");
    }
    match &config.mail.transport {
        Transport::Files(dir) => tracing::warn!(
            dir = %dir.display(),
            "development mode without VIGIL_SMTP_URL: each email is written as an .eml file in this folder instead of being sent"
        ),
        Transport::Off => tracing::warn!(
            "mail is switched off (VIGIL_MAIL=off): no invitations, password resets or reminders are sent"
        ),
        Transport::Smtp(smtp) => {
            tracing::info!(host = %smtp.host, port = smtp.port, security = ?smtp.security, "mail goes through SMTP")
        }
    }
    let application = Application::build(&config).await?;
    let addr = application.local_addr()?;
    println!(
        "Vigil is running at {} (listening on {addr}, {} mode).",
        config.public_base(),
        match config.mode {
            Mode::Development => "development",
            Mode::Production => "production",
        }
    );
    if app::ssr::demo::is_loaded(&application.state.db).await? {
        for line in app::ssr::demo::sign_in_details(&config.public_base()) {
            println!("{line}");
        }
    }
    application.run_until_stopped().await?;
    Ok(())
}
