//! Logging to standard error, filtered by `RUST_LOG` (default: info for Vigil, warn otherwise).

use tracing_subscriber::EnvFilter;

/// Installs the global log subscriber. Safe to call more than once (tests do).
pub fn init() {
    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new("warn,server=info,app=info"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .try_init();
}
