//! Live events: what agents' browsers and chat widgets hear about as it happens — a new
//! message, a conversation that moved, someone typing.
//!
//! The key decision: one [`EventBus`] per process, an in-memory broadcast. Use cases publish
//! after their store write commits, so an event never announces something that is not on disk.
//! Across nodes, a bridge (PostgreSQL LISTEN/NOTIFY) forwards events between buses; every event
//! carries the `origin` node so a bridge never echoes an event back to where it came from.

use std::sync::Arc;

use ascolto_core::{AgentId, Conversation, ConversationId, Message, TeamId};
use serde::{Deserialize, Serialize};
use tokio::sync::broadcast;

/// How many events a slow listener may fall behind before it misses some (and is told so).
const CAPACITY: usize = 4096;

/// Who may hear about an event: the conversation's id, team and assignee, enough for a
/// visibility check without reading the store.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Scope {
    pub conversation_id: ConversationId,
    pub team: Option<TeamId>,
    pub assignee: Option<AgentId>,
}

impl From<&Conversation> for Scope {
    fn from(conversation: &Conversation) -> Self {
        Self { conversation_id: conversation.id, team: conversation.team, assignee: conversation.assignee }
    }
}

/// Something that happened.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Event {
    /// A message, reply or note was stored.
    MessageCreated { conversation: Box<Conversation>, message: Box<Message> },
    /// A conversation's status, priority, assignee, team or tags changed, or it was merged.
    ConversationUpdated { conversation: Box<Conversation> },
    /// A reply's delivery status changed.
    DeliveryUpdated { scope: Scope, message: Box<Message> },
    /// An agent (or, with `agent_id: None`, the customer) started or stopped typing.
    Typing { scope: Scope, agent_id: Option<AgentId>, typing: bool },
    /// An agent opened or left a conversation.
    Viewing { scope: Scope, agent_id: AgentId, viewing: bool },
    /// An SLA warning or escalation fired; `notify` names the agents it is meant for (the
    /// assignee, their lead, or the team's leads), though everyone who may see the
    /// conversation hears of it.
    SlaEscalated {
        conversation: Box<Conversation>,
        escalation: Box<ascolto_store::SlaEscalation>,
        notify: Vec<AgentId>,
    },
}

impl Event {
    /// The conversation the event is about, for visibility checks.
    pub fn scope(&self) -> Scope {
        match self {
            Event::MessageCreated { conversation, .. }
            | Event::ConversationUpdated { conversation }
            | Event::SlaEscalated { conversation, .. } => Scope::from(conversation.as_ref()),
            Event::DeliveryUpdated { scope, .. }
            | Event::Typing { scope, .. }
            | Event::Viewing { scope, .. } => *scope,
        }
    }
}

/// An event and the node it happened on.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Envelope {
    /// The node that published it (see [`EventBus::node_id`]).
    pub origin: String,
    pub event: Event,
}

/// The in-process broadcast of events.
#[derive(Debug, Clone)]
pub struct EventBus {
    node_id: Arc<str>,
    sender: broadcast::Sender<Arc<Envelope>>,
}

impl Default for EventBus {
    fn default() -> Self {
        Self::new()
    }
}

impl EventBus {
    pub fn new() -> Self {
        let (sender, _) = broadcast::channel(CAPACITY);
        let node_id = format!("{:016x}", random_u64());
        Self { node_id: node_id.into(), sender }
    }

    /// This process's id among the nodes.
    pub fn node_id(&self) -> &str {
        &self.node_id
    }

    /// Announces an event that happened on this node.
    pub fn publish(&self, event: Event) {
        self.forward(Envelope { origin: self.node_id.to_string(), event });
    }

    /// Announces an event as it is, e.g. one a bridge received from another node.
    pub fn forward(&self, envelope: Envelope) {
        // No receivers is not an error: nobody is listening right now.
        let _ = self.sender.send(Arc::new(envelope));
    }

    pub fn subscribe(&self) -> broadcast::Receiver<Arc<Envelope>> {
        self.sender.subscribe()
    }
}

/// A node id only needs to differ between processes: the clock and the process id do.
fn random_u64() -> u64 {
    use std::hash::{BuildHasher, Hasher};
    let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
    hasher.write_u32(std::process::id());
    hasher.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn subscribers_hear_published_events_with_the_origin() {
        let bus = EventBus::new();
        let mut listener = bus.subscribe();
        let scope = Scope { conversation_id: ConversationId(7), team: None, assignee: None };
        bus.publish(Event::Typing { scope, agent_id: None, typing: true });
        let envelope = listener.recv().await.unwrap();
        assert_eq!(envelope.origin, bus.node_id());
        assert_eq!(envelope.event.scope(), scope);
    }

    #[test]
    fn two_buses_have_different_node_ids() {
        assert_ne!(EventBus::new().node_id(), EventBus::new().node_id());
    }
}
