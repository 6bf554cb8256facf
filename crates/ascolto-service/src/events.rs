//! Live events: what agents' browsers and chat widgets hear about as it happens — a new
//! message, a conversation that moved, someone typing.
//!
//! The key decision: one [`EventBus`] per process, an in-memory broadcast. Use cases publish
//! after their store write commits, so an event never announces something that is not on disk.
//! Across nodes, a bridge (PostgreSQL LISTEN/NOTIFY) forwards events between buses; every event
//! carries the `origin` node so a bridge never echoes an event back to where it came from.
//!
//! Two ways to listen. Agents' streams and the bridge [`subscribe`](EventBus::subscribe) to
//! everything (an agent may see most conversations). A widget visitor cares about one
//! customer's conversations out of thousands, so a visitor [`listen`](EventBus::listen)s to
//! [`Interest`]s instead, and the bus routes each event through an index to the few listeners
//! it concerns: a message wakes its own visitor, not every visitor connected to the node.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use ascolto_core::{AgentId, Conversation, ConversationId, CustomerId, Message, TeamId};
use serde::{Deserialize, Serialize};
use tokio::sync::broadcast;

/// How many events a slow listener may fall behind before it misses some (and is told so).
const CAPACITY: usize = 4096;
/// The same for a routed listener, which hears only the events of its own interests.
const ROUTED_CAPACITY: usize = 256;

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

    /// The interests an event concerns: its conversation, and its customer when the event
    /// carries the conversation.
    fn interests(&self) -> ([Interest; 2], usize) {
        let conversation = Interest::Conversation(self.scope().conversation_id);
        match self {
            Event::MessageCreated { conversation: c, .. }
            | Event::ConversationUpdated { conversation: c } => {
                ([conversation, Interest::Customer(c.customer_id)], 2)
            }
            _ => ([conversation, conversation], 1),
        }
    }
}

/// What a routed listener wants to hear about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Interest {
    /// Messages and changes in any conversation of this customer.
    Customer(CustomerId),
    /// Everything about this conversation (typing included).
    Conversation(ConversationId),
}

type ListenerId = u64;

/// The index from interests to routed listeners.
#[derive(Debug, Default)]
struct Routes {
    by_interest: HashMap<Interest, Vec<ListenerId>>,
    senders: HashMap<ListenerId, (broadcast::Sender<Arc<Envelope>>, Vec<Interest>)>,
}

impl Routes {
    fn send(&self, envelope: &Arc<Envelope>) {
        let (interests, count) = envelope.event.interests();
        let mut listeners: Vec<ListenerId> =
            interests[..count].iter().filter_map(|i| self.by_interest.get(i)).flatten().copied().collect();
        // A listener interested in both the customer and the conversation hears it once.
        listeners.sort_unstable();
        listeners.dedup();
        for id in listeners {
            if let Some((sender, _)) = self.senders.get(&id) {
                let _ = sender.send(envelope.clone());
            }
        }
    }

    fn remove(&mut self, id: ListenerId) {
        let Some((_, interests)) = self.senders.remove(&id) else { return };
        for interest in interests {
            if let Some(ids) = self.by_interest.get_mut(&interest) {
                ids.retain(|other| *other != id);
                if ids.is_empty() {
                    self.by_interest.remove(&interest);
                }
            }
        }
    }
}

/// A listener that hears only the events of its interests. Dropping it unregisters it.
#[derive(Debug)]
pub struct Listener {
    id: ListenerId,
    routes: Arc<Mutex<Routes>>,
    receiver: broadcast::Receiver<Arc<Envelope>>,
}

impl Listener {
    /// Also hear about `interest` from now on.
    pub fn add(&self, interest: Interest) {
        let mut routes = lock(&self.routes);
        let Some((_, interests)) = routes.senders.get_mut(&self.id) else { return };
        if interests.contains(&interest) {
            return;
        }
        interests.push(interest);
        routes.by_interest.entry(interest).or_default().push(self.id);
    }

    /// The next event; `Lagged` when the listener fell behind and missed some.
    pub async fn recv(&mut self) -> Result<Arc<Envelope>, broadcast::error::RecvError> {
        self.receiver.recv().await
    }
}

impl Drop for Listener {
    fn drop(&mut self) {
        lock(&self.routes).remove(self.id);
    }
}

fn lock(routes: &Mutex<Routes>) -> std::sync::MutexGuard<'_, Routes> {
    // Every change to the index is a few map operations that cannot leave it half-done.
    routes.lock().unwrap_or_else(PoisonError::into_inner)
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
    routes: Arc<Mutex<Routes>>,
    next_listener: Arc<AtomicU64>,
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
        Self {
            node_id: node_id.into(),
            sender,
            routes: Arc::default(),
            next_listener: Arc::new(AtomicU64::new(1)),
        }
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
        let envelope = Arc::new(envelope);
        lock(&self.routes).send(&envelope);
        // No receivers is not an error: nobody is listening right now.
        let _ = self.sender.send(envelope);
    }

    /// Hears every event.
    pub fn subscribe(&self) -> broadcast::Receiver<Arc<Envelope>> {
        self.sender.subscribe()
    }

    /// Hears only the events of the interests the listener adds.
    pub fn listen(&self) -> Listener {
        let id = self.next_listener.fetch_add(1, Ordering::Relaxed);
        let (sender, receiver) = broadcast::channel(ROUTED_CAPACITY);
        lock(&self.routes).senders.insert(id, (sender, Vec::new()));
        Listener { id, routes: self.routes.clone(), receiver }
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

    fn typing(conversation: i64) -> Event {
        let scope = Scope { conversation_id: ConversationId(conversation), team: None, assignee: None };
        Event::Typing { scope, agent_id: None, typing: true }
    }

    #[tokio::test]
    async fn a_listener_hears_only_its_interests_once_each_and_unregisters_on_drop() {
        let bus = EventBus::new();
        let mut listener = bus.listen();
        listener.add(Interest::Conversation(ConversationId(1)));
        listener.add(Interest::Conversation(ConversationId(1)));
        let other = bus.listen();
        other.add(Interest::Conversation(ConversationId(2)));
        bus.publish(typing(3));
        bus.publish(typing(1));
        bus.publish(typing(2));
        assert_eq!(listener.recv().await.unwrap().event, typing(1));
        assert!(listener.receiver.try_recv().is_err(), "heard another conversation or twice");
        drop(other);
        let routes = lock(&bus.routes);
        assert_eq!(routes.senders.len(), 1);
        assert!(!routes.by_interest.contains_key(&Interest::Conversation(ConversationId(2))));
    }

    #[test]
    fn two_buses_have_different_node_ids() {
        assert_ne!(EventBus::new().node_id(), EventBus::new().node_id());
    }
}
