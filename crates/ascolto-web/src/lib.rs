//! Ascolto's HTTP side: the JSON API under `/api/v1`, its OpenAPI document, and sign-in.
//!
//! The key decision: the app is built by [`app`] from an [`AppState`] and served by [`serve`]
//! on a listener the caller binds, so tests run it on `127.0.0.1:0` with a fresh store and
//! the binary runs it on the configured address; nothing here names a database backend.
//!
//! Invariants:
//! - every route under `/api/v1` except sign-in and the OpenAPI document takes a
//!   [`auth::Caller`], so no handler can forget authentication, and checks the caller's role
//!   or visibility before touching data;
//! - every error leaves through [`error::ApiError`], the one place that makes a response;
//! - a conversation the caller may not see answers 404, exactly like one that does not exist.

pub mod api;
pub mod auth;
pub mod error;
pub mod extract;
pub mod live;
pub mod ui;
pub mod widget;

use std::sync::Arc;
use std::time::Duration;

use ascolto_service::Desk;
use axum::Router;
use axum::extract::DefaultBodyLimit;
use tokio::net::TcpListener;
use tokio::sync::Notify;
use tower_http::trace::TraceLayer;

/// Settings of the HTTP side.
#[derive(Debug, Clone)]
pub struct WebConfig {
    /// Mark cookies `Secure` (serve over HTTPS, usually behind a proxy).
    pub secure_cookies: bool,
    /// How long a sign-in lasts.
    pub session_ttl: Duration,
    /// The largest request body accepted.
    pub max_body_bytes: usize,
}

impl Default for WebConfig {
    fn default() -> Self {
        Self {
            secure_cookies: false,
            session_ttl: Duration::from_secs(12 * 3600),
            max_body_bytes: 2 * 1024 * 1024,
        }
    }
}

/// What every handler can reach.
#[derive(Debug, Clone)]
pub struct AppState {
    pub desk: Desk,
    pub config: Arc<WebConfig>,
    /// Notified when a reply is queued, so the outbox worker delivers it at once.
    pub outbox_wake: Arc<Notify>,
    /// Hunspell dictionaries for the coach's spelling check; `None` turns spelling off.
    pub spelling: Option<Arc<ascolto_coach::Spelling>>,
}

impl AppState {
    pub fn new(desk: Desk, config: WebConfig) -> Self {
        Self { desk, config: Arc::new(config), outbox_wake: Arc::new(Notify::new()), spelling: None }
    }

    /// Turns on the coach's spelling check with these dictionaries.
    pub fn with_spelling(mut self, spelling: Option<ascolto_coach::Spelling>) -> Self {
        self.spelling = spelling.map(Arc::new);
        self
    }
}

/// The whole HTTP application.
pub fn app(state: AppState) -> Router {
    let body_limit = state.config.max_body_bytes;
    Router::new()
        .merge(api::router())
        .merge(ui::router())
        .fallback(api::not_found)
        .layer(DefaultBodyLimit::max(body_limit))
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}

/// Serves the app on `listener` until `shutdown` completes, then finishes in-flight requests.
pub async fn serve(
    listener: TcpListener,
    state: AppState,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(listener, app(state)).with_graceful_shutdown(shutdown).await
}
