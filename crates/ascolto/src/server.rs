//! Opening the store the settings name, and running the web server and the workers until
//! Ctrl-C or SIGTERM.

use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use ascolto_core::{Channel, EmailAddress, Role};
use ascolto_service::Desk;
use ascolto_service::mail::EmailDeliverer;
use ascolto_store::{NewAgent, Store};
use ascolto_store_postgres::PostgresStore;
use ascolto_store_sqlite::SqliteStore;
use ascolto_web::{AppState, WebConfig};
use tokio::net::TcpListener;
use tokio::sync::watch;
use tracing::info;

use crate::config::{Config, Database};

/// Opens the configured store and brings its schema up to date. This is the only place that
/// names a concrete backend.
pub async fn open_store(config: &Config) -> anyhow::Result<Arc<dyn Store>> {
    let store: Arc<dyn Store> = match config.database() {
        Database::Sqlite(path) => {
            info!(path = %path.display(), "opening the embedded SQLite database");
            Arc::new(SqliteStore::open(&path).await.with_context(|| format!("opening {}", path.display()))?)
        }
        Database::Postgres(url) => {
            info!("connecting to PostgreSQL");
            Arc::new(PostgresStore::connect(&url).await.context("connecting to PostgreSQL")?)
        }
    };
    store.migrate().await.context("migrating the database")?;
    Ok(store)
}

pub async fn migrate(config: &Config) -> anyhow::Result<()> {
    let store = open_store(config).await?;
    println!("the {} database is up to date", store.backend_name());
    Ok(())
}

/// On a database with no agents, creates the admin and prints a one-time password.
pub async fn ensure_admin(store: &dyn Store, config: &Config) -> anyhow::Result<()> {
    if store.count_agents().await? > 0 {
        return Ok(());
    }
    let password = ascolto_web::auth::random_token()?;
    let admin = NewAgent {
        name: "Admin".to_owned(),
        email: EmailAddress::parse(&config.admin_email)?,
        role: Role::Admin,
        password_hash: Some(ascolto_web::auth::hash_password(password.clone()).await?),
        languages: vec!["it".into(), "en".into()],
        teams: Vec::new(),
        reports_to: None,
        ui_language: "en".into(),
    };
    store.create_agent(admin).await?;
    // Printed, not logged: the password must reach the person starting Ascolto, not log files.
    println!("First run: created the admin {}", config.admin_email);
    println!("One-time password: {password}");
    println!("Sign in and change it (PATCH /api/v1/me).");
    Ok(())
}

pub fn web_config(config: &Config) -> WebConfig {
    WebConfig {
        secure_cookies: config.secure_cookies,
        session_ttl: Duration::from_secs(config.session_ttl_hours.max(1) * 3600),
        max_body_bytes: config.max_body_bytes,
    }
}

/// The web layer's state: the desk, the HTTP settings, and the coach's dictionaries, loaded
/// once here with the coach's lexicon (both take a moment to build).
pub async fn app_state(config: &Config, desk: Desk) -> AppState {
    let dir = config.dictionaries_dir.clone();
    let spelling = tokio::task::spawn_blocking(move || {
        ascolto_coach::prepare();
        ascolto_coach_cli::load_system_dictionaries(&dir, &[])
    })
    .await
    .ok()
    .flatten();
    if spelling.is_none() {
        info!(dir = %config.dictionaries_dir.display(), "no Hunspell dictionaries found: the coach will not check spelling");
    }
    AppState::new(desk, web_config(config)).with_spelling(spelling)
}

/// Resolves when the process is asked to stop (Ctrl-C, or SIGTERM on Unix).
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {}
        _ = terminate => {}
    }
    info!("shutting down: finishing requests in flight");
}

/// Runs the web server and the outbox worker on `store` until a shutdown signal.
pub async fn run(config: &Config, store: Arc<dyn Store>, listener: TcpListener) -> anyhow::Result<()> {
    let desk = Desk::new(store.clone());
    if let Database::Postgres(url) = config.database() {
        start_event_bridge(&desk, &url).await?;
    }
    let state = app_state(config, desk.clone()).await;
    let (stop_workers, workers_stopped) = watch::channel(false);
    let mut deliverers = ascolto_service::live::deliverers(store.clone());
    deliverers.insert(Channel::Email, Arc::new(EmailDeliverer::new(store)));
    let outbox =
        tokio::spawn(desk.clone().run_outbox(deliverers, state.outbox_wake.clone(), workers_stopped.clone()));
    let queue_workers = spawn_queue_workers(&desk, &workers_stopped);
    // Each node names itself in mailbox leases, so on many nodes one fetches each mailbox.
    let holder = desk.events.node_id().to_string();
    let mail = tokio::spawn(ascolto_service::mail::run_mail(desk.clone(), holder, workers_stopped.clone()));
    ascolto_web::serve(listener, state, shutdown_signal()).await.context("serving HTTP")?;
    let _ = stop_workers.send(true);
    let _ = tokio::join!(outbox, queue_workers.join(), mail);
    info!("stopped");
    Ok(())
}

/// The queue's background workers of one node.
#[derive(Debug)]
pub struct QueueWorkers {
    timers: tokio::task::JoinHandle<()>,
    recompute: tokio::task::JoinHandle<()>,
    assignment: tokio::task::JoinHandle<()>,
}

impl QueueWorkers {
    /// Waits until every worker has stopped.
    pub async fn join(self) {
        let _ = tokio::join!(self.timers, self.recompute, self.assignment);
    }
}

/// Starts the timer worker, the once-a-minute queue recompute and automatic assignment (a
/// pass after each arrival and every 15 seconds). All are safe on several nodes: timers are
/// claimed with a lease, a recompute writes the same scores whoever runs it, and an
/// assignment pass reads loads and writes assignments in one transaction.
pub fn spawn_queue_workers(desk: &Desk, stopped: &watch::Receiver<bool>) -> QueueWorkers {
    let timers = tokio::spawn(desk.clone().run_jobs(stopped.clone()));
    let every = Duration::from_secs(60);
    let recompute = tokio::spawn(desk.clone().run_queue_recompute(every, stopped.clone()));
    let every = Duration::from_secs(15);
    let assignment = tokio::spawn(desk.clone().run_auto_assignment(every, stopped.clone()));
    QueueWorkers { timers, recompute, assignment }
}

/// On PostgreSQL, several nodes share the database: their event buses are joined through
/// `LISTEN/NOTIFY`, so an agent on one node hears a message that arrived on another.
async fn start_event_bridge(desk: &Desk, url: &str) -> anyhow::Result<()> {
    let relay =
        PostgresStore::connect_with(url, 2).await.context("connecting the event bridge to PostgreSQL")?;
    let (outgoing, incoming) = relay.relay().await.context("listening for other nodes' events")?;
    tokio::spawn(ascolto_service::live::run_bridge(desk.clone(), outgoing, incoming));
    info!(node.id = %desk.events.node_id(), "node {} relays live events through PostgreSQL", desk.events.node_id());
    Ok(())
}

/// The address to print: `public_url` when set, otherwise the address actually bound (which
/// differs from the setting when it asked for port 0).
pub fn url_of(config: &Config, listener: &TcpListener) -> String {
    match (&config.public_url, listener.local_addr()) {
        (Some(url), _) => url.clone(),
        (None, Ok(address)) => format!("http://{address}"),
        (None, Err(_)) => config.public_url(),
    }
}

pub async fn bind(config: &Config) -> anyhow::Result<TcpListener> {
    TcpListener::bind(config.listen).await.with_context(|| format!("binding {}", config.listen))
}

pub async fn serve(config: Config) -> anyhow::Result<()> {
    let store = open_store(&config).await?;
    ensure_admin(store.as_ref(), &config).await?;
    let listener = bind(&config).await?;
    info!("Ascolto is listening on {}", url_of(&config, &listener));
    run(&config, store, listener).await
}
