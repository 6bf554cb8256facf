//! The values that go into and come out of the store.

use ascolto_core::{
    AgentId, AttachmentMeta, Channel, Conversation, ConversationId, ConversationStatus, CustomerId,
    EmailAddress, Identity, Message, MessageId, Presence, Priority, Role, TeamId,
};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// A customer to create.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct NewCustomer {
    pub name: String,
    pub identities: Vec<Identity>,
    pub tags: Vec<String>,
    pub language: Option<String>,
    pub notes: String,
}

/// Changes to a customer; `None` leaves a field as it is.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct CustomerPatch {
    pub name: Option<String>,
    pub tags: Option<Vec<String>>,
    pub language: Option<Option<String>>,
    pub notes: Option<String>,
    pub add_identities: Vec<Identity>,
    pub remove_identities: Vec<Identity>,
}

/// A customer's message as a channel (or the API) delivered it.
#[derive(Debug, Clone, PartialEq)]
pub struct InboundMessage {
    pub channel: Channel,
    /// Who wrote it, as the channel knows them.
    pub identity: Identity,
    /// The sender's display name, used when the customer is new.
    pub customer_name: Option<String>,
    /// The conversation the channel's threading chose; `None` lets the store pick the
    /// customer's latest unresolved conversation on this channel, or start one.
    pub conversation: Option<ConversationId>,
    /// The subject of a new conversation (e-mail subject, or the first words of a chat).
    pub subject: String,
    pub text: String,
    /// Sanitised HTML, when the channel sent HTML.
    pub html: Option<String>,
    pub attachments: Vec<AttachmentMeta>,
    /// The channel's own id for this message; the idempotency key with `channel`.
    pub channel_message_id: Option<String>,
    pub received_at: DateTime<Utc>,
}

/// What `ingest` did.
#[derive(Debug, Clone, PartialEq)]
pub struct Ingested {
    pub message: Message,
    pub conversation: Conversation,
    /// False when this channel message was already stored: nothing changed.
    pub created: bool,
    /// True when the conversation was created by this message.
    pub new_conversation: bool,
}

/// An agent's reply or internal note.
#[derive(Debug, Clone, PartialEq)]
pub struct NewAgentMessage {
    pub conversation: ConversationId,
    pub agent: AgentId,
    pub text: String,
    pub html: Option<String>,
    /// An internal note: stored for agents, never sent.
    pub note: bool,
    pub created_at: DateTime<Utc>,
    /// An approved template to send instead of free text (WhatsApp); `text` is its body.
    pub template: Option<ascolto_core::TemplateMessage>,
}

/// How to narrow a conversation list. Every field left `None` matches everything.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ConversationFilter {
    pub status: Option<ConversationStatus>,
    pub assignee: Option<AssigneeFilter>,
    pub team: Option<TeamId>,
    pub channel: Option<Channel>,
    pub priority: Option<Priority>,
    pub customer: Option<CustomerId>,
    /// Include conversations merged into others (left out by default).
    pub include_merged: bool,
    pub sort: ConversationSort,
}

/// Whose conversations to list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AssigneeFilter {
    Unassigned,
    Agent(AgentId),
}

/// The order of a conversation list. Each uses its own cursor keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ConversationSort {
    /// Latest activity first: keys `[last_message_at]`.
    #[default]
    Recent,
    /// Oldest first: keys `[created_at]`.
    Oldest,
    /// Most urgent first, then longest waiting: keys `[priority rank, last_message_at]`.
    Priority,
}

/// Changes to a conversation; `None` leaves a field as it is.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ConversationPatch {
    pub status: Option<ConversationStatus>,
    pub priority: Option<Priority>,
    pub assignee: Option<Option<AgentId>>,
    pub team: Option<Option<TeamId>>,
    pub tags: Option<Vec<String>>,
    pub subject: Option<String>,
    /// Required with `status: snoozed`; cleared by any other status.
    pub snoozed_until: Option<DateTime<Utc>>,
}

/// A message found by search, with what a result list shows beside it.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct MessageHit {
    pub message: Message,
    pub conversation_subject: String,
    pub customer_id: CustomerId,
}

/// A reply waiting to be delivered.
#[derive(Debug, Clone, PartialEq)]
pub struct OutboxJob {
    pub id: i64,
    pub message_id: MessageId,
    pub conversation_id: ConversationId,
    pub channel: Channel,
    /// Delivery attempts before this one.
    pub attempts: i32,
}

/// What a delivery attempt came to.
#[derive(Debug, Clone, PartialEq)]
pub enum DeliveryOutcome {
    /// Handed to the channel; its id for the message, when it gave one.
    Sent { channel_message_id: Option<String> },
    /// A temporary failure: try again at `retry_at`.
    Retry { error: String, retry_at: DateTime<Utc> },
    /// Gave up; the message shows `failed` with this reason.
    Failed { error: String },
}

/// An agent to create.
#[derive(Debug, Clone, PartialEq)]
pub struct NewAgent {
    pub name: String,
    pub email: EmailAddress,
    pub role: Role,
    /// Argon2id PHC string; `None` for an agent who signs in only with API tokens.
    pub password_hash: Option<String>,
    pub languages: Vec<String>,
    pub teams: Vec<TeamId>,
    pub reports_to: Option<AgentId>,
    pub ui_language: String,
}

/// Changes to an agent; `None` leaves a field as it is.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct AgentPatch {
    pub name: Option<String>,
    pub role: Option<Role>,
    pub password_hash: Option<String>,
    pub languages: Option<Vec<String>>,
    pub presence: Option<Presence>,
    pub teams: Option<Vec<TeamId>>,
    pub reports_to: Option<Option<AgentId>>,
    pub ui_language: Option<String>,
    pub active: Option<bool>,
}

/// A browser session to store. Only the token's hash is kept.
#[derive(Debug, Clone, PartialEq)]
pub struct NewSession {
    pub token_hash: String,
    pub agent: AgentId,
    /// The token forms must echo back (double-submit CSRF protection).
    pub csrf_token: String,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
}

/// A stored session.
#[derive(Debug, Clone, PartialEq)]
pub struct Session {
    pub agent: AgentId,
    pub csrf_token: String,
    pub expires_at: DateTime<Utc>,
}

/// An API token as listed to its owner. The token itself is shown once, at creation.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct ApiToken {
    pub id: i64,
    pub agent_id: AgentId,
    pub name: String,
    pub created_at: DateTime<Utc>,
    pub last_used_at: Option<DateTime<Utc>>,
    pub revoked: bool,
}
