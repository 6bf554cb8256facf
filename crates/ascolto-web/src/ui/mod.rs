//! The agents' web interface: server-rendered HTML pages (maud) with a little hand-written
//! JavaScript for live updates and the reply box.
//!
//! The key decision: every page works as plain HTML forms; scripts only add what needs them
//! (live updates, coaching while typing, keyboard shortcuts), and they talk to the same JSON
//! API and WebSocket any integration uses. Invariants:
//! - every response of these routes carries a strict Content-Security-Policy with no inline
//!   scripts or styles ([`security_headers`]), so injected markup cannot run;
//! - every form that changes something carries the session's CSRF token and its handler checks
//!   it first ([`session::UiAgent::check_csrf`]); a mismatch changes nothing and answers 403;
//! - customer text is always escaped; customer HTML (sanitised at ingest) is shown only inside
//!   a sandboxed frame served with its own script-less policy.

mod assets;
mod channels;
mod conversation;
mod error;
pub mod i18n;
mod layout;
pub mod macros;
mod mailboxes;
mod pages;
mod session;
mod settings;
mod sla;
mod team;
mod timers;

use axum::Router;
use axum::http::{HeaderName, HeaderValue, header};
use axum::routing::{get, post};
use tower_http::set_header::SetResponseHeaderLayer;

use crate::AppState;

pub use error::UiError;
pub use session::UiAgent;

/// The policy every page is served with: nothing inline, nothing from elsewhere.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self'; style-src 'self'; \
     img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'";

/// The HTML pages and their assets.
pub fn router() -> Router<AppState> {
    let pages = Router::new()
        .route("/", get(pages::home))
        .route("/login", get(session::login_page).post(session::login))
        .route("/logout", post(session::logout))
        .route("/language", post(session::set_language))
        .route("/inbox", get(pages::inbox))
        .route("/inbox/rows", get(pages::inbox_rows))
        .route("/conversations/{id}", get(conversation::page))
        .route("/conversations/{id}/update", post(conversation::update))
        .route("/conversations/{id}/reply", post(conversation::reply))
        .route("/conversations/{id}/messages", get(conversation::messages_after))
        .route("/conversations/{id}/snooze", post(timers::snooze))
        .route("/conversations/{id}/follow-ups", post(timers::follow_up))
        .route("/conversations/{id}/scheduled-replies", post(timers::scheduled_reply))
        .route("/conversations/{id}/jobs/{job}/cancel", post(timers::cancel))
        .route("/messages/{id}/html", get(conversation::message_html))
        .route("/customers/{id}", get(pages::customer))
        .route("/customers/{id}/merge", post(pages::merge_customer))
        .route("/team", get(team::page))
        .merge(settings::router())
        .route("/assets/{file}", get(assets::serve));
    security_headers(pages)
}

/// Adds the security headers to every response that has not set its own.
fn security_headers(router: Router<AppState>) -> Router<AppState> {
    let headers: [(HeaderName, &'static str); 5] = [
        (header::CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::X_FRAME_OPTIONS, "DENY"),
        (header::REFERRER_POLICY, "same-origin"),
        (HeaderName::from_static("cross-origin-opener-policy"), "same-origin"),
    ];
    headers.into_iter().fold(router, |router, (name, value)| {
        router.layer(SetResponseHeaderLayer::if_not_present(name, HeaderValue::from_static(value)))
    })
}
