//! The values of the queue area: a conversation's priority inputs, score and override, its
//! SLA pauses and nearest deadline, agents' capacity, "my next conversation", the reply
//! collision check, and the jobs table that keeps timers (follow-ups, scheduled replies,
//! snoozes) in the store.

use ascolto_core::assignment::KindCounts;
use ascolto_core::calendar::Pause;
use ascolto_core::followup::{ScheduledAction, ScheduledKind};
use ascolto_core::priority::{CustomerSignals, PriorityOverride};
use ascolto_core::{AgentId, Channel, ConversationId, Message, Priority, TeamId};
use chrono::{DateTime, Utc};
use serde::Serialize;

/// What the store keeps about a conversation's place in the queue.
///
/// The reasons are not stored: they are a pure function of these inputs and `now`
/// (`ascolto_core::priority::assess`), explained at read time in the reader's language.
#[derive(Debug, Clone, PartialEq)]
pub struct QueueState {
    pub conversation_id: ConversationId,
    /// What the coach read in the customer's latest message.
    pub signals: CustomerSignals,
    /// The language of the customer's latest message (`it`, `en`), for assignment.
    pub language: Option<String>,
    /// The oldest customer message not yet answered; cleared by an agent's reply.
    pub waiting_since: Option<DateTime<Utc>>,
    /// The score as of the last computation; it orders the queue.
    pub score: u16,
    /// The level the score falls in, kept beside an override so removing it restores it.
    pub computed_level: Priority,
    pub overridden: Option<PriorityOverride>,
    /// The deadline of the most pressing SLA clock at the last computation.
    pub sla_deadline: Option<DateTime<Utc>>,
    /// Past stretches spent waiting on the customer (SLA clocks stop there).
    pub pauses: Vec<Pause>,
    /// Set while the conversation waits on the customer.
    pub paused_since: Option<DateTime<Utc>>,
    /// A level raised by an SLA escalation: the computed level stays at least this pressing
    /// until an agent answers.
    pub escalated_level: Option<Priority>,
}

/// How a change moves the customer's wait.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum WaitingChange {
    /// Leave `waiting_since` as it is.
    #[default]
    Keep,
    /// A customer message at this time: it starts the wait unless one is running.
    CustomerWrote(DateTime<Utc>),
}

/// What the service computed for one conversation after a change.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct QueueUpdate {
    /// New signals and language, from a customer message.
    pub signals: Option<(CustomerSignals, Option<String>)>,
    pub waiting: WaitingChange,
    pub score: u16,
    pub computed_level: Option<Priority>,
    pub sla_deadline: Option<DateTime<Utc>>,
    /// New pauses and `paused_since`, when the status moved into or out of `pending`.
    pub pauses: Option<(Vec<Pause>, Option<DateTime<Utc>>)>,
    /// When a worker should look at the conversation's SLA escalations
    /// (`ascolto_core::sla::check_times`): stored as timers in the same transaction, once per
    /// conversation and time.
    pub sla_checks: Vec<DateTime<Utc>>,
    /// When the score can next move with time alone (`ascolto_core::priority::next_change`):
    /// the queue recompute looks at the conversation again then. `None`: never by itself.
    pub rescore_at: Option<DateTime<Utc>>,
}

/// One open conversation as a queue recompute reads it: one whose score may have moved.
#[derive(Debug, Clone, PartialEq)]
pub struct QueueInputs {
    pub conversation_id: ConversationId,
    pub channel: Channel,
    pub signals: CustomerSignals,
    pub waiting_since: Option<DateTime<Utc>>,
    pub customer_tags: Vec<String>,
    pub sla_deadline: Option<DateTime<Utc>>,
    pub score: u16,
    pub computed_level: Priority,
    pub overridden: bool,
    /// See [`QueueState::escalated_level`].
    pub escalated_level: Option<Priority>,
    /// When it fell due, as stored: handed back in [`QueueScore::was_due_at`].
    pub rescore_at: Option<DateTime<Utc>>,
}

/// A recomputed score to store.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QueueScore {
    pub conversation_id: ConversationId,
    pub score: u16,
    pub computed_level: Priority,
    /// When the score can next move with time alone; `None`: never by itself.
    pub rescore_at: Option<DateTime<Utc>>,
    /// The `rescore_at` the recompute read. The score is stored only while the row still holds
    /// it, so a refresh after a change, made between the read and this write, is not
    /// overwritten with a score of the old inputs. `None` stores it whatever the row holds.
    pub was_due_at: Option<DateTime<Utc>>,
}

/// Who asks for "my next conversation", and what they can take.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NextRequest {
    pub agent: AgentId,
    /// Languages the agent answers in; a conversation with no known language fits anyone.
    pub languages: Vec<String>,
    /// The agent's teams; a conversation without a team (the general queue) fits anyone.
    pub teams: Vec<TeamId>,
    pub capacity: KindCounts,
}

/// What a reply checked for collisions came to.
#[derive(Debug, Clone, PartialEq)]
pub enum CheckedReply {
    Stored(Message),
    /// Another agent's reply was stored after the sender's draft began; nothing was stored.
    Conflict(Message),
}

/// A timer to store.
#[derive(Debug, Clone, PartialEq)]
pub struct NewJob {
    pub conversation: ConversationId,
    pub action: ScheduledAction,
    /// The agent who set it, when a person did.
    pub created_by: Option<AgentId>,
    /// A job with a key already stored is not stored again (SLA events fire once).
    pub dedupe_key: Option<String>,
}

/// Where a job stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum JobState {
    Scheduled,
    Done,
    Cancelled,
}

/// A stored timer.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Job {
    pub id: i64,
    pub conversation_id: ConversationId,
    pub kind: ScheduledKind,
    pub due_at: DateTime<Utc>,
    pub created_at: DateTime<Utc>,
    pub cancel_on_customer_reply: bool,
    pub created_by: Option<AgentId>,
    pub state: JobState,
    pub attempts: i32,
    /// When it fired or was cancelled.
    pub finished_at: Option<DateTime<Utc>>,
    /// The customer's latest message, read with the claim, so a worker can tell whether the
    /// job was cancelled by a reply ([`ascolto_core::followup::should_fire`]).
    #[serde(skip)]
    pub last_customer_message_at: Option<DateTime<Utc>>,
}

impl Job {
    /// The job as the pure follow-up rules see it.
    pub fn action(&self) -> ScheduledAction {
        ScheduledAction {
            kind: self.kind.clone(),
            due_at: self.due_at,
            created_at: self.created_at,
            cancel_on_customer_reply: self.cancel_on_customer_reply,
        }
    }
}

/// How a claimed job ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JobOutcome {
    Done,
    Cancelled,
}

/// The default capacity of an agent nobody configured: 3 live chats and 15 e-mails.
pub const DEFAULT_CAPACITY: KindCounts = KindCounts { live: 3, email: 15 };

/// What one automatic assignment pass may hand out, and to whom it may not.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct AssignmentScope {
    /// Teams whose conversations are left for their agents to pick by hand.
    pub excluded_teams: Vec<TeamId>,
}

/// What an unassigned conversation must match for some online agent with room to take it:
/// the filter a backend puts on the candidates it reads, so a pass does not read conversations
/// nobody could take. `None` when no agent has room for anything.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CandidateFilter {
    /// Channels of the kinds some agent has room for.
    pub channels: Vec<&'static str>,
    /// Languages some agent with room speaks, lower-case primary subtags; a conversation
    /// without a known language fits anyone.
    pub languages: Vec<String>,
    /// Teams some agent with room belongs to; a conversation without a team fits anyone.
    pub teams: Vec<i64>,
}

/// The filter for the candidates `agents` (online agents and what they hold) could take now.
pub fn candidate_filter(agents: &[ascolto_core::assignment::AgentLoad]) -> Option<CandidateFilter> {
    use ascolto_core::assignment::{ChannelKind, accepts_new_conversations};
    let with_room: Vec<_> = agents
        .iter()
        .filter(|agent| accepts_new_conversations(agent.presence))
        .filter(|agent| agent.free(ChannelKind::Live) > 0 || agent.free(ChannelKind::Email) > 0)
        .collect();
    let channels: Vec<&'static str> = Channel::ALL
        .iter()
        .filter(|channel| with_room.iter().any(|agent| agent.free(ChannelKind::of(**channel)) > 0))
        .map(|channel| channel.as_str())
        .collect();
    if channels.is_empty() {
        return None;
    }
    let mut languages: Vec<String> = with_room
        .iter()
        .flat_map(|agent| agent.languages.iter())
        .map(|code| primary_language(code))
        .collect();
    languages.sort();
    languages.dedup();
    let mut teams: Vec<i64> = with_room.iter().flat_map(|agent| agent.teams.iter().map(|t| t.0)).collect();
    teams.sort_unstable();
    teams.dedup();
    Some(CandidateFilter { channels, languages, teams })
}

/// `it-IT` → `it`: the part of a language code assignment compares.
pub fn primary_language(code: &str) -> String {
    let code = code.trim();
    code.split(['-', '_']).next().unwrap_or(code).to_ascii_lowercase()
}

/// Counts `conversation` in `agent`'s load after a pass hands it to them.
pub fn add_to_load(load: &mut KindCounts, channel: Channel) {
    use ascolto_core::assignment::ChannelKind;
    match ChannelKind::of(channel) {
        ChannelKind::Live => load.live = load.live.saturating_add(1),
        ChannelKind::Email => load.email = load.email.saturating_add(1),
    }
}

/// Candidates an assignment pass reads per query.
pub const ASSIGNMENT_BATCH: u32 = 500;

/// Whose presence to read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PresenceOf {
    Agent(AgentId),
    /// The team's active members.
    Team(TeamId),
}

/// An agent's presence with their capacity and what they hold now (open and pending
/// conversations, counted per kind).
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct AgentPresence {
    pub agent: ascolto_core::Agent,
    pub capacity: KindCounts,
    pub assigned: KindCounts,
}

/// A warning or escalation of the SLA policy that fired for a conversation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct SlaEscalation {
    pub conversation_id: ConversationId,
    /// `ascolto_core::sla::SlaEvent::key`: it fires once per conversation and key.
    pub key: String,
    pub metric: ascolto_core::sla::SlaMetric,
    pub action: ascolto_core::sla::EscalationAction,
    /// Fired at or after the deadline.
    pub breach: bool,
    pub deadline: DateTime<Utc>,
    pub fired_at: DateTime<Utc>,
}

/// What recording an escalation changes on its conversation, in the same transaction.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct EscalationEffect {
    /// Raise the computed level to at least this (an override still wins).
    pub raise_to: Option<Priority>,
    /// Take the conversation from its assignee, back to the queue.
    pub unassign: bool,
}

/// The settings key of a conversation's SLA check timers: one per conversation and time.
pub fn sla_check_key(conversation: ConversationId, at: DateTime<Utc>) -> String {
    format!("sla-check:{}:{}", conversation.0, at.timestamp_millis())
}
