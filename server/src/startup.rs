//! Building and running the web application.

use std::net::SocketAddr;
use std::sync::Arc;

use app::app::{App, shell};
use app::domain::login_throttle::LoginThrottle;
use app::ssr::{AppState, AuthSettings, auth::jwt::SessionTokens, auth::password, db};
use axum::serve::ListenerExt;
use axum::{Router, middleware};
use leptos::prelude::provide_context;
use leptos_axum::{LeptosRoutes, file_and_error_handler_with_context, generate_route_list};
use sea_orm::DatabaseConnection;
use tokio::net::TcpListener;
use tower_http::{compression::CompressionLayer, trace::TraceLayer};

use crate::config::{Config, MailConfig, Mode};
use crate::http::{assets, csrf, evidence, exports, ledger, request_guard, security_headers};
use crate::mail::{Mailer, Worker};
use app::ssr::mail::MailSettings;

/// What can stop Vigil from starting.
#[derive(Debug, thiserror::Error)]
pub enum StartupError {
    #[error("could not open the database at {url}: {cause}")]
    Database { url: String, cause: sea_orm::DbErr },
    #[error("could not migrate the database: {0}")]
    Migration(sea_orm::DbErr),
    #[error("could not listen on {addr}: {cause}")]
    Listen {
        addr: SocketAddr,
        cause: std::io::Error,
    },
    #[error("{0}")]
    Setup(String),
}

/// A bound, ready-to-run server.
pub struct Application {
    listener: TcpListener,
    router: Router,
    pub state: AppState,
    /// The mail delivery worker, when mail is on.
    pub mail_worker: Option<Worker>,
    /// Posts checkpoints to web witnesses (whether or not mail is on).
    witness_poster: crate::witness::Poster,
    /// Whether obligations are still to be brought up to today once serving.
    recompute_in_background: bool,
    /// How the ledger's checkpoints are named and how often they are made.
    ledger: crate::config::LedgerConfig,
}

impl Application {
    /// Opens and migrates the database, seeds reference data, loads the demo organisation into an
    /// empty database when configured, and binds the listener.
    pub async fn build(config: &Config) -> Result<Self, StartupError> {
        let db = open_pool(&config.database_url, config.database_connections).await?;
        app::ssr::db::job_roles::seed(&db)
            .await
            .map_err(StartupError::Migration)?;
        if config.demo_on_empty
            && app::ssr::db::people::count(&db)
                .await
                .map_err(StartupError::Migration)?
                == 0
        {
            load_demo(&db, &config.content_dir, 0)
                .await
                .map_err(|err| {
                    StartupError::Setup(format!("loading the demo organisation failed: {err}"))
                })?;
        }
        let rendered_again = organisation_details(&db, &config.organisation).await?;
        let published = import_content(&db, &config.content_dir).await || rendered_again;
        let state = app_state(config, db).await?;
        let mail_worker = mail_worker(config, &state)?;
        let witness_poster = crate::witness::Poster::new(
            state.db.clone(),
            config.mail.retry,
            std::time::Duration::from_secs(config.mail.poll_secs),
            std::time::Duration::from_secs(config.mail.smtp_timeout_secs),
        )
        .map_err(StartupError::Setup)?;
        let now = chrono::Utc::now();
        // Obligations must be right before the first page when courses changed or somebody was
        // never evaluated (a new hire whose start date has arrived); otherwise the stored ones
        // are (as between daily runs), and bringing them up to today happens in the background
        // so that start-up does not wait for the whole organisation. A few new people are
        // evaluated one by one; many (a first start after an import) in one full run.
        let few = app::ssr::training::engine::SLICE as u64;
        let unevaluated =
            app::ssr::db::training::unevaluated_people(&state.db, now.date_naive(), few + 1)
                .await
                .map_err(StartupError::Migration)?;
        let upgraded = app::ssr::db::training::lacks_first_deadlines(&state.db)
            .await
            .map_err(StartupError::Migration)?;
        let full_run_now = published || upgraded || unevaluated.len() as u64 > few;
        let failed =
            |err| StartupError::Setup(format!("computing training obligations failed: {err}"));
        if full_run_now {
            app::ssr::training::engine::daily_now(
                &state.db,
                &state.engine,
                &crate::mail::worker::instance_name(),
                now,
            )
            .await
            .map_err(failed)?;
        } else {
            for person_id in unevaluated {
                app::ssr::training::engine::recompute_person(&state.db, &state.engine, person_id)
                    .await
                    .map_err(failed)?;
            }
        }
        let recompute_in_background = !full_run_now;
        let router = router(state.clone(), config);
        let listener =
            TcpListener::bind(config.listen)
                .await
                .map_err(|cause| StartupError::Listen {
                    addr: config.listen,
                    cause,
                })?;
        Ok(Self {
            listener,
            router,
            state,
            mail_worker,
            witness_poster,
            recompute_in_background,
            ledger: config.ledger.clone(),
        })
    }

    /// The address actually bound (useful with port 0).
    pub fn local_addr(&self) -> Result<SocketAddr, std::io::Error> {
        self.listener.local_addr()
    }

    /// Serves until Ctrl-C or SIGTERM, finishing requests in flight.
    pub async fn run_until_stopped(self) -> Result<(), std::io::Error> {
        spawn_maintenance(self.state.clone());
        spawn_checkpoints(self.state.clone(), self.ledger.clone());
        let background = self.state.clone();
        let recompute = self.recompute_in_background;
        tokio::spawn(async move {
            // Today's run, unless this or another instance already did it.
            if recompute {
                app::ssr::training::engine::daily_once_logged(
                    &background.db,
                    &background.engine,
                    &crate::mail::worker::instance_name(),
                )
                .await;
            }
            app::ssr::reporting::trend::fill_month_ends_logged(&background.db).await;
        });
        if let Some(worker) = self.mail_worker {
            tokio::spawn(worker.run());
        }
        tokio::spawn(self.witness_poster.run());
        // Responses go out at once: without TCP_NODELAY, Nagle's algorithm meets the client's
        // delayed ACK and every response on a kept-alive connection waits about 40 ms.
        let listener = self.listener.tap_io(|stream| {
            if let Err(err) = stream.set_nodelay(true) {
                tracing::debug!(%err, "could not set TCP_NODELAY on a connection");
            }
        });
        axum::serve(
            listener,
            self.router
                .into_make_service_with_connect_info::<SocketAddr>(),
        )
        .with_graceful_shutdown(shutdown_signal())
        .await
    }
}

/// The demo organisation, grown with generated people to `people` in all (when more than the
/// demo's own), and (when the content folder is there) its history.
pub async fn load_demo(
    db: &DatabaseConnection,
    content_dir: &std::path::Path,
    people: usize,
) -> Result<(), app::error::AppError> {
    let now = chrono::Utc::now();
    app::ssr::content::organisation::set_demo_values(db, now).await?;
    app::ssr::demo::load(db, now).await?;
    let added = app::ssr::demo_scale::add_people(db, people, now).await?;
    if added > 0 {
        tracing::info!(added, "added generated people to the demo organisation");
    }
    if content_dir.is_dir() && app::ssr::db::courses::all(db).await?.is_empty() {
        let history = app::ssr::demo_history::load(db, content_dir, now).await?;
        tracing::info!(
            records = history.records,
            "loaded the demo organisation with its training history"
        );
    } else {
        tracing::info!(
            "loaded the demo organisation (no training history: courses were already published)"
        );
    }
    Ok(())
}

/// Puts the configured organisation details in place and renders again every course whose
/// details changed (in the configuration, or in the browser before a crash); whether any was.
async fn organisation_details(
    db: &DatabaseConnection,
    configured: &app::domain::content::variables::Values,
) -> Result<bool, StartupError> {
    use app::ssr::content::organisation;
    let failed =
        |err: app::error::AppError| StartupError::Setup(format!("organisation details: {err}"));
    let now = chrono::Utc::now();
    let changed = organisation::apply_configuration(db, configured, now)
        .await
        .map_err(failed)?;
    if !changed.is_empty() {
        tracing::info!(changed = %changed.join(", "), "organisation details set from the configuration");
    }
    let actor = app::ssr::db::audit::Actor::system("organisation details at start-up");
    let published = organisation::render_again(db, &actor, now)
        .await
        .map_err(failed)?;
    for (id, version) in &published {
        tracing::info!(%id, version, "course rendered again with the organisation's details");
    }
    Ok(!published.is_empty())
}

/// Publishes changed courses from the content folder; whether any was published. Problems are
/// logged, not fatal: a typo in one course must not keep Vigil from starting.
async fn import_content(db: &DatabaseConnection, dir: &std::path::Path) -> bool {
    use app::ssr::content::tree::{ImportResult, import_tree};
    if !dir.is_dir() {
        tracing::info!(dir = %dir.display(), "no content folder to import");
        return false;
    }
    let mut published = false;
    let actor = app::ssr::db::audit::Actor::system("content import at start-up");
    match import_tree(db, dir, &actor, chrono::Utc::now()).await {
        Ok(results) => {
            for (folder, result) in results {
                match result {
                    ImportResult::Published { id, version } => {
                        published = true;
                        tracing::info!(%id, version, "published course")
                    }
                    ImportResult::Unchanged { .. } => {}
                    ImportResult::Retired { id } => {
                        tracing::info!(%id, "course is retired; not republished")
                    }
                    ImportResult::Conflict { id, version } => {
                        tracing::warn!(%id, version, "{}", ImportResult::conflict_message(&id, version))
                    }
                    ImportResult::Invalid { problems } => {
                        tracing::warn!(%folder, problems = %problems.join("; "), "course not published: fix it and restart, or run `vigil content check`")
                    }
                }
            }
        }
        Err(err) => tracing::error!(%err, "importing content failed"),
    }
    published
}

/// Connects to and migrates the database, with the default number of connections.
pub async fn open_database(url: &str) -> Result<DatabaseConnection, StartupError> {
    open_pool(url, None).await
}

/// Connects to and migrates the database, keeping `connections` connections (`None`: the
/// default for its kind).
pub async fn open_pool(
    url: &str,
    connections: Option<u32>,
) -> Result<DatabaseConnection, StartupError> {
    let db = db::connect_with(url, connections)
        .await
        .map_err(|cause| StartupError::Database {
            url: redact(url),
            cause,
        })?;
    db::migrate(&db).await.map_err(StartupError::Migration)?;
    Ok(db)
}

async fn app_state(config: &Config, db: DatabaseConnection) -> Result<AppState, StartupError> {
    let leptos_options = leptos::config::LeptosOptions::builder()
        .output_name("vigil")
        .site_root(config.site_root.to_string_lossy().into_owned())
        .site_pkg_dir("pkg")
        .site_addr(config.listen)
        .env(if config.mode == Mode::Production {
            leptos::config::Env::PROD
        } else {
            leptos::config::Env::DEV
        })
        .build();
    let dummy_password_hash = tokio::task::spawn_blocking(password::dummy_hash)
        .await
        .map_err(|err| StartupError::Setup(err.to_string()))?
        .map_err(|err| StartupError::Setup(err.to_string()))?;
    let auth = AuthSettings {
        tokens: SessionTokens::new(
            config.secret.expose(),
            config.public_base(),
            chrono::Duration::hours(i64::from(config.session_hours)),
        ),
        cookie_secure: config.mode == Mode::Production,
        dummy_password_hash,
        throttle: LoginThrottle::default(),
        trust_forwarded_for: config.trust_forwarded_for,
        passwords_for_platform_admins_only: config
            .oidc
            .as_ref()
            .is_some_and(|o| o.passwords_for_platform_admins_only),
    };
    let (evidence_key, created) =
        app::ssr::evidence::EvidenceKey::load_or_create(&config.evidence_key_file)
            .map_err(StartupError::Setup)?;
    if created {
        tracing::warn!(path = %config.evidence_key_file.display(), fingerprint = %evidence_key.fingerprint(), "created a new evidence-signing key; back it up");
    }
    let oidc = match &config.oidc {
        Some(settings) => {
            let provider =
                app::ssr::auth::oidc::OidcProvider::discover(app::ssr::auth::oidc::OidcSettings {
                    issuer: settings.issuer.clone(),
                    client_id: settings.client_id.clone(),
                    client_secret: settings.client_secret.clone(),
                    name: settings.name.clone(),
                    public_base: config.public_base(),
                    emails_set_by_admins: settings.emails_set_by_admins,
                    create_people: settings.create_people.clone().map(|(department, role)| {
                        app::ssr::auth::oidc::NewPeople { department, role }
                    }),
                })
                .await
                .map_err(|err| StartupError::Setup(err.to_string()))?;
            tracing::info!(issuer = %settings.issuer, "single sign-on through the OpenID provider is on");
            Some(Arc::new(provider))
        }
        None => None,
    };
    Ok(AppState {
        leptos_options,
        db,
        auth: Arc::new(auth),
        engine: Arc::default(),
        versions: Arc::default(),
        evidence_key: Arc::new(evidence_key),
        ledger_origin: Arc::from(config.ledger.origin.as_str()),
        mail: Arc::new(mail_settings(&config.mail, config.public_base())),
        public_base: Arc::from(config.public_base().as_str()),
        oidc,
        organisation_fixed: Arc::new(config.organisation.clone()),
    })
}

/// What the application needs to know about mail.
pub fn mail_settings(mail: &MailConfig, public_base: String) -> MailSettings {
    MailSettings::new(
        mail.mode(),
        public_base,
        mail.message_domain(),
        mail.invitation_days,
    )
}

/// The delivery worker for this instance, or `None` when mail is off.
pub fn mail_worker(config: &Config, state: &AppState) -> Result<Option<Worker>, StartupError> {
    build_worker(&config.mail, state.db.clone(), state.mail.clone())
}

/// A delivery worker for `mail`, or `None` when mail is off.
pub fn build_worker(
    mail: &MailConfig,
    db: DatabaseConnection,
    settings: Arc<MailSettings>,
) -> Result<Option<Worker>, StartupError> {
    if !mail.mode().is_on() {
        return Ok(None);
    }
    let mailer = Mailer::build(mail).map_err(StartupError::Setup)?;
    let from = mail.from.parse().map_err(|err| {
        StartupError::Setup(format!(
            "VIGIL_MAIL_FROM {:?} is not valid: {err}",
            mail.from
        ))
    })?;
    Ok(Some(Worker {
        db,
        mail: settings,
        mailer: Arc::new(mailer),
        from,
        retry: mail.retry,
        poll: std::time::Duration::from_secs(mail.poll_secs),
        lease: chrono::Duration::seconds(
            i64::try_from(mail.smtp_timeout_secs.saturating_mul(2)).unwrap_or(60),
        ),
        instance: crate::mail::worker::instance_name(),
        run_scheduled: mail.run_scheduled,
    }))
}

/// The routes Vigil serves besides Leptos pages and server functions (the authorization matrix
/// test checks that each one has an entry).
pub const HTTP_ROUTES: [&str; 5] = [
    COURSE_ASSETS,
    DRAFT_ASSETS,
    EXPORTS,
    EVIDENCE_PACK,
    crate::http::course_source::PATH,
];
const COURSE_ASSETS: &str = "/course-assets/{hash}/{*path}";
const DRAFT_ASSETS: &str = "/draft-assets/{id}/{*path}";
const EXPORTS: &str = "/exports/{file}";
const EVIDENCE_PACK: &str = "/evidence/pack.zip";

/// The full router: Leptos pages and server functions, static files, and the security layers.
pub fn router(state: AppState, config: &Config) -> Router {
    let routes = generate_route_list(App);
    let context_state = state.clone();
    let provide_state = move || {
        provide_context(context_state.clone());
        provide_context(app::ssr::auth::RequestUser::default());
    };
    let origin_policy = csrf::OriginPolicy {
        public_origin: config.public_url.origin().ascii_serialization(),
    };
    let header_settings = security_headers::HeaderSettings {
        form_targets: std::sync::Arc::from(
            state
                .oidc
                .as_ref()
                .map(|provider| provider.origins().join(" "))
                .unwrap_or_default()
                .as_str(),
        ),
        hsts: config.mode == Mode::Production,
    };
    let router = Router::new()
        .route(COURSE_ASSETS, axum::routing::get(assets::course_asset))
        .route(DRAFT_ASSETS, axum::routing::get(assets::draft_asset))
        .route(EXPORTS, axum::routing::post(exports::export))
        .route(EVIDENCE_PACK, axum::routing::post(evidence::download))
        .route(
            crate::http::course_source::PATH,
            axum::routing::get(crate::http::course_source::download),
        )
        .route(ledger::CHECKPOINT, axum::routing::get(ledger::checkpoint))
        .route(
            app::ssr::openapi::PATH,
            axum::routing::get(crate::http::openapi::document),
        )
        .route(ledger::INCLUSION, axum::routing::get(ledger::inclusion))
        .route(ledger::CONSISTENCY, axum::routing::get(ledger::consistency))
        .nest(crate::http::scim::BASE, crate::http::scim::routes())
        .route(
            crate::http::oidc::START,
            axum::routing::post(crate::http::oidc::start),
        )
        .route(
            crate::http::oidc::CALLBACK,
            axum::routing::get(crate::http::oidc::callback),
        )
        .leptos_routes_with_context(&state, routes, provide_state.clone(), {
            let options = state.leptos_options.clone();
            move || shell(options.clone())
        })
        .fallback(file_and_error_handler_with_context::<AppState, _>(
            provide_state,
            shell,
        ));
    // The built site inside the binary, answered before the files on disk (if any).
    #[cfg(feature = "embed-site")]
    let router = router.layer(middleware::from_fn(crate::http::embedded_site::serve));
    router
        .layer(middleware::from_fn_with_state(
            origin_policy,
            csrf::refuse_cross_site,
        ))
        .layer(middleware::from_fn_with_state(
            header_settings,
            security_headers::apply,
        ))
        .layer(middleware::from_fn_with_state(
            request_guard::GuardSettings {
                public_authority: request_guard::authority_of(&config.public_url),
                allow_loopback: config.mode == Mode::Development,
                multipart_paths: app::api::multipart_paths(),
            },
            request_guard::guard,
        ))
        .layer(CompressionLayer::new())
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}

/// Hourly housekeeping: forget old sign-in failures and expired revocations, and recompute
/// obligations once each day (due dates pass and exemptions expire without anyone acting).
fn spawn_maintenance(state: AppState) {
    tokio::spawn(async move {
        let db = state.db.clone();
        let mut interval = tokio::time::interval(std::time::Duration::from_secs(3600));
        let instance = crate::mail::worker::instance_name();
        let mut last_run = chrono::Utc::now().date_naive();
        loop {
            interval.tick().await;
            let now = chrono::Utc::now();
            // Once a day across every instance (a claimed run that died is taken over).
            app::ssr::training::engine::daily_once_logged(&state.db, &state.engine, &instance)
                .await;
            if now.date_naive() != last_run {
                last_run = now.date_naive();
                app::ssr::reporting::trend::fill_month_ends_logged(&state.db).await;
            }
            // Anything changed without being recorded in the history packs read.
            if let Err(err) = db::history::reconcile(&db, now).await {
                tracing::warn!(%err, "bringing the kept history up to date failed");
            }
            if let Err(err) = db::login_failures::prune(&db, now - chrono::Duration::days(1)).await
            {
                tracing::warn!(%err, "pruning sign-in failures failed");
            }
            if let Err(err) = db::revoked_sessions::prune(&db, now).await {
                tracing::warn!(%err, "pruning revoked sessions failed");
            }
            if let Err(err) = db::presence::prune(&db, now).await {
                tracing::warn!(%err, "pruning used proofs of presence failed");
            }
            if let Err(err) = db::reset_requests::prune(&db, now - chrono::Duration::days(1)).await
            {
                tracing::warn!(%err, "pruning password reset requests failed");
            }
        }
    });
}

/// Extends the ledger's Merkle tree and signs a checkpoint of it whenever records were added, at
/// most once per `checkpoint_every` (every instance tries; the tree is extended by one at a time
/// and a checkpoint of the same size is kept once).
fn spawn_checkpoints(state: AppState, ledger: crate::config::LedgerConfig) {
    tokio::spawn(async move {
        let mut interval = tokio::time::interval(ledger.checkpoint_every);
        interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            interval.tick().await;
            let made = app::ssr::transparency::checkpoint(
                &state.db,
                &state.evidence_key,
                &ledger.origin,
                chrono::Utc::now(),
            )
            .await;
            match made {
                Ok(Ok(checkpoint)) => {
                    // Witnesses due it are sent the newest checkpoint (once across instances).
                    let queued = app::ssr::witnesses::queue_checkpoint(
                        &state.db,
                        &state.mail,
                        &checkpoint,
                        chrono::Utc::now(),
                    )
                    .await;
                    if let Err(err) = queued {
                        tracing::warn!(%err, "queueing the checkpoint for witnesses failed");
                    }
                }
                Ok(Err(refused)) => tracing::error!(
                    %refused,
                    "no ledger checkpoint can be made (run `vigil ledger verify`)"
                ),
                Err(err) => tracing::warn!(%err, "making a ledger checkpoint failed"),
            }
        }
    });
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        if let Ok(mut signal) =
            tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
            signal.recv().await;
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
}

/// The URL with any password removed, for messages.
pub fn redact(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut parsed) if parsed.password().is_some() => {
            let _ = parsed.set_password(Some("***"));
            parsed.to_string()
        }
        _ => url.to_owned(),
    }
}
