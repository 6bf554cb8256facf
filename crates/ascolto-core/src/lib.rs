//! Ascolto's domain: the people, conversations and messages a help desk is made of, and the
//! rules about them that need no I/O.
//!
//! The key decision: every type here is plain data, parsed once at the edge (the API, a
//! channel adapter) into newtypes whose constructors state the rules, and trusted after that.
//!
//! Invariants:
//! - nothing in this crate does I/O or reads the clock: a function that needs "now" takes it
//!   as an argument;
//! - every value that reaches the store has passed through a `parse`/`TryFrom` here, so the
//!   store never sees an empty name, an upper-case e-mail address or an unknown status.

pub mod agent;
pub mod assignment;
pub mod calendar;
pub mod conversation;
pub mod customer;
pub mod followup;
pub mod ids;
pub mod message;
pub mod priority;
pub mod search;
pub mod sla;
pub mod text;

pub use agent::{Agent, Presence, Role, Team};
pub use conversation::{Channel, Conversation, ConversationStatus, Priority};
pub use customer::{Customer, EmailAddress, Identity, IdentityKind};
pub use ids::{AgentId, ConversationId, CustomerId, MessageId, TeamId};
pub use message::{AttachmentMeta, DeliveryStatus, Direction, Message, TemplateMessage};

/// A value from outside did not follow the rules of its type.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {reason}")]
pub struct ParseError {
    /// The name of the field, as the API spells it.
    pub field: &'static str,
    /// What is wrong with it, written for the person who sent it.
    pub reason: String,
}

impl ParseError {
    pub fn new(field: &'static str, reason: impl Into<String>) -> Self {
        Self { field, reason: reason.into() }
    }
}
