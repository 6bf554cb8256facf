//! Ascolto's use cases: what happens when a customer writes and when an agent answers.
//!
//! The key decision: channels and the web layer never call the store's write methods
//! directly for messages; they go through [`Desk`], which validates, sanitises and then stores,
//! so every way in (API, e-mail, chat) follows the same rules and the same benchmark path.

pub mod assignment;
pub mod events;
pub mod html;
pub mod ingest;
pub mod live;
pub mod mail;
pub mod outbox;
pub mod queue;

pub use ingest::{InboundRequest, ReplyRequest};

use std::sync::Arc;

use ascolto_store::{Store, StoreError};
use chrono::{DateTime, Utc};

/// Where "now" comes from, so tests can hold the clock still.
pub trait Clock: Send + Sync + std::fmt::Debug + 'static {
    fn now(&self) -> DateTime<Utc>;
}

/// The wall clock.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}

/// Why a use case failed.
#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    /// The request broke a rule of the domain (HTTP 422).
    #[error(transparent)]
    Invalid(#[from] ascolto_core::ParseError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// The help desk's use cases over one store.
#[derive(Debug, Clone)]
pub struct Desk {
    pub store: Arc<dyn Store>,
    pub clock: Arc<dyn Clock>,
    /// Live events, published after each write commits.
    pub events: events::EventBus,
    /// Wakes this node's automatic assignment worker when capacity may have freed up (an
    /// agent came online); new conversations reach it through `events`.
    pub assignment_wake: Arc<tokio::sync::Notify>,
}

impl Desk {
    pub fn new(store: Arc<dyn Store>) -> Self {
        Self::with_clock(store, Arc::new(SystemClock))
    }

    pub fn with_clock(store: Arc<dyn Store>, clock: Arc<dyn Clock>) -> Self {
        Self { store, clock, events: events::EventBus::new(), assignment_wake: Arc::default() }
    }

    pub fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }
}
