//! Ascolto's live channel adapters: the web-chat widget's tokens, Telegram and WhatsApp.
//!
//! The key decision: this crate never touches the store. It verifies what arrives (webhook
//! signatures, secret tokens, signed identities), maps a channel's payload to plain values the
//! service stores, and sends replies through each platform's HTTP API, reporting failures as
//! [`SendError`] so the outbox knows whether to retry. Everything that compares a secret does
//! so in constant time.

pub mod email;
pub mod signature;
pub mod telegram;
pub mod webchat;
pub mod whatsapp;

use std::time::Duration;

/// Why a platform did not take a reply.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SendError {
    /// Worth trying again: the platform was unreachable, failed, or rate-limited us
    /// (`retry_after` is its own hint, when it gave one).
    #[error("{message}")]
    Temporary { message: String, retry_after: Option<Duration> },
    /// Will never work as it is (blocked bot, closed 24-hour window, bad token).
    #[error("{message}")]
    Permanent { message: String },
}

impl SendError {
    fn temporary(message: impl Into<String>) -> Self {
        SendError::Temporary { message: message.into(), retry_after: None }
    }

    fn permanent(message: impl Into<String>) -> Self {
        SendError::Permanent { message: message.into() }
    }
}

/// The HTTP client every adapter shares: rustls on ring, a timeout so a hung platform
/// cannot hold an outbox lease forever.
pub fn http_client() -> reqwest::Client {
    reqwest::Client::builder()
        .timeout(Duration::from_secs(20))
        .connect_timeout(Duration::from_secs(5))
        .user_agent(concat!("ascolto/", env!("CARGO_PKG_VERSION")))
        .build()
        .unwrap_or_default()
}

/// A transport failure: the request never got an answer.
fn unreachable(platform: &str, error: reqwest::Error) -> SendError {
    SendError::temporary(format!("{platform} could not be reached: {error}"))
}
