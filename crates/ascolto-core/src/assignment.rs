//! Assignment: which agent takes which waiting conversation, given who is online, what
//! languages they speak, their teams, and how many conversations of each kind they can hold.
//!
//! The key decision: assignment is greedy in queue order. Conversations are taken most
//! pressing first ([`QueueKey`]: level, score, wait, id), and each goes to the least loaded
//! agent who can take it; a conversation nobody can take now is skipped, not waited for, so a
//! German e-mail with no German speaker online never holds up the Italian chats behind it.
//! Greedy is not an optimal matching, but it is predictable: a person can tell why a
//! conversation went where it went.
//!
//! Invariants:
//! - nothing is assigned beyond capacity: after a plan, every agent holds at most their
//!   capacity of each kind (or what they held before, if they were already over it);
//! - only online agents receive conversations from a plan; an agent who goes offline gives
//!   theirs back to the queue ([`releases_conversations`]);
//! - after a plan, no conversation is left in the queue while an online agent with free
//!   capacity of its kind, its language and its team could have taken it;
//! - the same inputs give the same plan, whatever order the queue and agents came in, except
//!   that ties between equally loaded agents go to the lower agent id.

use std::collections::HashSet;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::priority::QueueKey;
use crate::{AgentId, Channel, ConversationId, Presence, Priority, TeamId, word_enum};

word_enum!(
    /// Channels grouped by how agents work them, the unit capacity is counted in.
    ChannelKind {
        /// Web chat, WhatsApp, Telegram: the customer waits minutes, an agent holds a few.
        Live = "live",
        /// E-mail and API conversations: the customer waits hours, an agent holds many.
        Email = "email",
    }
);

impl ChannelKind {
    pub fn of(channel: Channel) -> Self {
        if channel.is_live() { ChannelKind::Live } else { ChannelKind::Email }
    }
}

/// A number of conversations per [`ChannelKind`]: an agent's capacity, or what they hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize, utoipa::ToSchema)]
pub struct KindCounts {
    pub live: u16,
    pub email: u16,
}

impl KindCounts {
    pub fn get(self, kind: ChannelKind) -> u16 {
        match kind {
            ChannelKind::Live => self.live,
            ChannelKind::Email => self.email,
        }
    }

    fn add_one(&mut self, kind: ChannelKind) {
        match kind {
            ChannelKind::Live => self.live = self.live.saturating_add(1),
            ChannelKind::Email => self.email = self.email.saturating_add(1),
        }
    }
}

/// An agent as assignment sees them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct AgentLoad {
    pub agent_id: AgentId,
    pub presence: Presence,
    /// Language codes the agent answers in (`it`, `en`).
    pub languages: Vec<String>,
    pub teams: Vec<TeamId>,
    /// How many open conversations of each kind the agent can hold at once.
    pub capacity: KindCounts,
    /// How many they hold now.
    pub assigned: KindCounts,
}

impl AgentLoad {
    /// How many more conversations of `kind` the agent can take.
    pub fn free(&self, kind: ChannelKind) -> u16 {
        self.capacity.get(kind).saturating_sub(self.assigned.get(kind))
    }
}

/// An unassigned open conversation waiting in the queue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct QueuedConversation {
    pub id: ConversationId,
    pub channel: Channel,
    /// The customer's language code; any agent will do when unknown.
    pub language: Option<String>,
    /// Only this team's agents may take it; `None` is the general queue, open to all.
    pub team: Option<TeamId>,
    /// The effective level: the override's when there is one.
    pub level: Priority,
    /// The computed score (see [`crate::priority`]).
    pub score: u16,
    /// When the customer started waiting.
    pub waiting_since: DateTime<Utc>,
}

impl QueuedConversation {
    /// Its key in the queue order.
    pub fn key(&self) -> QueueKey {
        QueueKey::new(self.level, self.score, self.waiting_since, self.id)
    }

    pub fn kind(&self) -> ChannelKind {
        ChannelKind::of(self.channel)
    }
}

/// Sorts `queue` most pressing first. The order is total, so the result does not depend on
/// the order `queue` came in.
pub fn sort_queue(queue: &mut [QueuedConversation]) {
    queue.sort_by_key(QueuedConversation::key);
}

/// Whether an agent with this presence receives new conversations from the planner: only
/// when online. Away and on break keep what they hold but get nothing new.
pub fn accepts_new_conversations(presence: Presence) -> bool {
    presence == Presence::Online
}

/// Whether an agent with this presence gives their open conversations back to the queue:
/// only when offline, so a short break does not reshuffle the queue.
pub fn releases_conversations(presence: Presence) -> bool {
    presence == Presence::Offline
}

/// Whether `agent` may take `conversation` now: they speak its language, belong to its team
/// (if it has one) and have free capacity of its kind. Presence is not checked here.
pub fn can_take(agent: &AgentLoad, conversation: &QueuedConversation) -> bool {
    agent.free(conversation.kind()) > 0 && in_team(agent, conversation) && speaks(agent, conversation)
}

fn speaks(agent: &AgentLoad, conversation: &QueuedConversation) -> bool {
    conversation
        .language
        .as_deref()
        .is_none_or(|wanted| agent.languages.iter().any(|spoken| same_language(spoken, wanted)))
}

/// Compares language codes by their primary subtag, ignoring case: `it-IT` is `it`.
fn same_language(a: &str, b: &str) -> bool {
    primary_subtag(a).eq_ignore_ascii_case(primary_subtag(b))
}

fn primary_subtag(code: &str) -> &str {
    // Byte-wise, because assignment runs this for every agent and conversation it weighs;
    // splitting at an ASCII byte always leaves valid UTF-8.
    let code = code.trim_ascii();
    let end = code.bytes().position(|byte| byte == b'-' || byte == b'_').unwrap_or(code.len());
    &code[..end]
}

fn in_team(agent: &AgentLoad, conversation: &QueuedConversation) -> bool {
    conversation.team.is_none_or(|team| agent.teams.contains(&team))
}

/// Plans who takes what from `queue` (unassigned conversations, in any order), as
/// `(conversation, agent)` pairs in the order they were decided: most pressing first.
///
/// Each conversation goes to the online agent who can take it ([`can_take`]) and is least
/// loaded in its kind (share of capacity used, then fewer conversations held, then the lower
/// id). A conversation listed twice is planned once.
pub fn plan_assignments(
    agents: &[AgentLoad],
    queue: &[QueuedConversation],
) -> Vec<(ConversationId, AgentId)> {
    let mut available: Vec<AgentLoad> =
        agents.iter().filter(|agent| accepts_new_conversations(agent.presence)).cloned().collect();
    let mut order: Vec<&QueuedConversation> = queue.iter().collect();
    order.sort_by_key(|conversation| conversation.key());
    let mut planned = HashSet::new();
    let mut plan = Vec::new();
    for conversation in order {
        if planned.contains(&conversation.id) {
            continue;
        }
        if available
            .iter()
            .all(|agent| agent.free(ChannelKind::Live) == 0 && agent.free(ChannelKind::Email) == 0)
        {
            break;
        }
        if let Some(agent) = least_loaded(&mut available, conversation) {
            agent.assigned.add_one(conversation.kind());
            planned.insert(conversation.id);
            plan.push((conversation.id, agent.agent_id));
        }
    }
    plan
}

/// The agent among `agents` who can take `conversation` and is least loaded in its kind.
fn least_loaded<'a>(
    agents: &'a mut [AgentLoad],
    conversation: &QueuedConversation,
) -> Option<&'a mut AgentLoad> {
    let kind = conversation.kind();
    agents.iter_mut().filter(|agent| can_take(agent, conversation)).min_by(|a, b| {
        // Shares of capacity compared by cross-multiplying, to stay in integers:
        // a.assigned / a.capacity < b.assigned / b.capacity.
        let share = |agent: &AgentLoad, other: &AgentLoad| {
            u32::from(agent.assigned.get(kind)) * u32::from(other.capacity.get(kind))
        };
        let held = |agent: &AgentLoad| u32::from(agent.assigned.live) + u32::from(agent.assigned.email);
        share(a, b).cmp(&share(b, a)).then(held(a).cmp(&held(b))).then(a.agent_id.cmp(&b.agent_id))
    })
}

/// The conversation `agent` should take when they ask for their next one: the most pressing
/// one they can take ([`can_take`]). An agent who asks is taken to be working, so any
/// presence but offline may ask.
///
/// One pass over the queue, no sorting: the queue may come in any order.
pub fn next_for(agent: &AgentLoad, queue: &[QueuedConversation]) -> Option<ConversationId> {
    if releases_conversations(agent.presence) {
        return None;
    }
    queue
        .iter()
        .filter(|conversation| can_take(agent, conversation))
        .min_by_key(|conversation| conversation.key())
        .map(|conversation| conversation.id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn language_codes_match_by_their_primary_subtag() {
        assert!(same_language("it-IT", "it"));
        assert!(same_language("EN", "en_GB"));
        assert!(!same_language("it", "en"));
        assert!(!same_language("", "en"));
    }

    #[test]
    fn chats_are_live_and_api_conversations_count_as_e_mail() {
        assert_eq!(ChannelKind::of(Channel::WhatsApp), ChannelKind::Live);
        assert_eq!(ChannelKind::of(Channel::Api), ChannelKind::Email);
    }
}
