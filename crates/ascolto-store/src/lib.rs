//! The storage contract of Ascolto.
//!
//! The key decision: one [`Store`] trait, two backends (SQLite embedded, PostgreSQL for many
//! nodes), and one conformance suite (feature `conformance`) that both must pass. Everything
//! above the store — service, web, channels — talks to `dyn Store` and never names a backend;
//! only the binary picks one, from the database URL.
//!
//! Invariants every backend keeps:
//! - ingest is idempotent on `(channel, channel_message_id)`: storing the same channel message
//!   twice gives one message and reports `created: false` the second time;
//! - a reply is committed together with its outbox row, in one transaction;
//! - a merged customer or conversation keeps existing and points at its survivor
//!   (`merged_into`); nothing is deleted by a merge;
//! - text is indexed with [`ascolto_core::search::index_tokens`] and searched with
//!   [`ascolto_core::search::Query`], so both backends find the same rows;
//! - times are stored as UTC milliseconds; lists are keyset-paginated ([`page`]).

mod live;
mod mail;
pub mod page;
mod queue;
mod types;
mod ui;

#[cfg(feature = "conformance")]
pub mod conformance;
#[cfg(feature = "conformance")]
pub mod conformance_live;
#[cfg(feature = "conformance")]
pub mod conformance_mail;
#[cfg(feature = "conformance")]
pub mod conformance_queue;
#[cfg(feature = "conformance")]
pub mod conformance_ui;

pub use live::*;
pub use mail::*;
pub use page::{BadCursor, Cursor, Page, PageRequest};
pub use queue::*;
pub use types::*;
pub use ui::{Macro, NewMacro};

use ascolto_core::agent::Visibility;
use ascolto_core::search::Query;
use ascolto_core::{
    Agent, AgentId, Channel, Conversation, ConversationId, Customer, CustomerId, DeliveryStatus, Identity,
    Message, Team, TeamId,
};
use chrono::{DateTime, Utc};

/// Why a store call failed.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The row does not exist (HTTP 404).
    #[error("{entity} {id} does not exist")]
    NotFound { entity: &'static str, id: String },
    /// The change clashes with existing data, such as an e-mail address already in use
    /// (HTTP 409).
    #[error("{0}")]
    Conflict(String),
    /// The change is not allowed in the current state, such as merging a customer into
    /// itself (HTTP 422).
    #[error("{0}")]
    Invalid(String),
    /// The database failed; the details are logged, never shown to a client (HTTP 500).
    #[error("database error: {0}")]
    Backend(#[source] Box<dyn std::error::Error + Send + Sync>),
}

impl StoreError {
    pub fn not_found(entity: &'static str, id: impl std::fmt::Display) -> Self {
        Self::NotFound { entity, id: id.to_string() }
    }

    pub fn backend(error: impl std::error::Error + Send + Sync + 'static) -> Self {
        Self::Backend(Box::new(error))
    }
}

pub type StoreResult<T> = Result<T, StoreError>;

/// Everything Ascolto keeps.
///
/// Methods take `now` when they stamp a time, so tests control the clock.
#[async_trait::async_trait]
pub trait Store: Send + Sync + std::fmt::Debug + 'static {
    /// `sqlite` or `postgres`, for logs and `ascolto bench`.
    fn backend_name(&self) -> &'static str;

    /// Applies pending migrations. Safe to run on every start and from several nodes at once.
    async fn migrate(&self) -> StoreResult<()>;

    // --- customers ---

    async fn create_customer(&self, new: NewCustomer, now: DateTime<Utc>) -> StoreResult<Customer>;
    async fn get_customer(&self, id: CustomerId) -> StoreResult<Customer>;
    /// The customers with these ids that exist (merged-away ones included), in no particular
    /// order, in a fixed number of queries: for pages that show many conversations' customers.
    async fn get_customers(&self, ids: &[CustomerId]) -> StoreResult<Vec<Customer>>;
    /// The customer holding `identity`, if any (never a merged-away one).
    async fn find_customer_by_identity(&self, identity: &Identity) -> StoreResult<Option<Customer>>;
    /// Applies a patch. Adding an identity another customer holds is a `Conflict`.
    async fn update_customer(
        &self,
        id: CustomerId,
        patch: CustomerPatch,
        now: DateTime<Utc>,
    ) -> StoreResult<Customer>;
    /// Customers by name, newest first. Merged-away customers are left out.
    async fn list_customers(&self, page: PageRequest) -> StoreResult<Page<Customer>>;
    /// Customers whose name, identities or notes match the query, newest first. An empty query
    /// matches nothing.
    async fn search_customers(&self, query: &Query, page: PageRequest) -> StoreResult<Page<Customer>>;
    /// Moves `merged`'s identities, tags and conversations to `survivor` and marks `merged`
    /// as merged into it. Returns the survivor as it is now.
    async fn merge_customers(
        &self,
        survivor: CustomerId,
        merged: CustomerId,
        now: DateTime<Utc>,
    ) -> StoreResult<Customer>;

    // --- conversations and messages ---

    /// Stores a customer's message: finds or creates the customer by identity, threads it into
    /// the given conversation or the customer's latest unresolved one on the same channel (or a
    /// new one), reopens a resolved, snoozed or pending conversation, and indexes the text.
    /// Idempotent on `(channel, channel_message_id)`.
    ///
    /// Threading: without an explicit conversation, a customer whose conversations on the
    /// channel are all resolved gets a new one. An explicit conversation is followed through
    /// merges to its survivor and reopened whatever its state; it must belong to the sender
    /// (`Invalid` otherwise), and one that does not exist is `NotFound`.
    async fn ingest(&self, inbound: InboundMessage) -> StoreResult<Ingested>;
    /// Stores an agent's reply (with its outbox row, in one transaction) or internal note.
    /// A reply stamps `first_response_at` (the first time), `last_agent_reply_at` and
    /// `last_message_at`; a note only counts in `message_count`. A message to a merged
    /// conversation goes to its survivor; an unknown agent is `Invalid`.
    async fn add_agent_message(&self, new: NewAgentMessage) -> StoreResult<Message>;
    async fn get_conversation(&self, id: ConversationId) -> StoreResult<Conversation>;
    async fn list_conversations(
        &self,
        filter: &ConversationFilter,
        visibility: &Visibility,
        page: PageRequest,
    ) -> StoreResult<Page<Conversation>>;
    async fn update_conversation(
        &self,
        id: ConversationId,
        patch: ConversationPatch,
        now: DateTime<Utc>,
    ) -> StoreResult<Conversation>;
    /// Moves `merged`'s messages into `survivor` (both must belong to the same customer),
    /// resolves `merged` and points it at `survivor`. Returns the survivor as it is now.
    async fn merge_conversations(
        &self,
        survivor: ConversationId,
        merged: ConversationId,
        now: DateTime<Utc>,
    ) -> StoreResult<Conversation>;
    /// Messages of a conversation, oldest first.
    async fn list_messages(
        &self,
        conversation: ConversationId,
        page: PageRequest,
    ) -> StoreResult<Page<Message>>;
    async fn get_message(&self, id: ascolto_core::MessageId) -> StoreResult<Message>;
    /// Messages matching the query in conversations `visibility` allows, newest first. An empty
    /// query matches nothing.
    async fn search_messages(
        &self,
        query: &Query,
        visibility: &Visibility,
        page: PageRequest,
    ) -> StoreResult<Page<MessageHit>>;

    // --- outbox ---

    /// Claims up to `limit` outbox jobs due at `now` that no other worker holds, holding them
    /// until `lease_until`. A job whose worker died is claimed again once its lease expires.
    /// A claim counts as an attempt: the next claim of the same job reports one more.
    async fn claim_outbox(
        &self,
        now: DateTime<Utc>,
        lease_until: DateTime<Utc>,
        limit: u32,
    ) -> StoreResult<Vec<OutboxJob>>;
    /// Records what happened to a claimed job, and the message's delivery status with it.
    async fn finish_outbox(&self, job: i64, outcome: DeliveryOutcome, now: DateTime<Utc>) -> StoreResult<()>;

    // --- agents, teams, sign-in ---

    async fn count_agents(&self) -> StoreResult<i64>;
    /// Creates an agent. An e-mail address already in use is a `Conflict`.
    async fn create_agent(&self, new: NewAgent) -> StoreResult<Agent>;
    async fn get_agent(&self, id: AgentId) -> StoreResult<Agent>;
    async fn update_agent(&self, id: AgentId, patch: AgentPatch) -> StoreResult<Agent>;
    async fn list_agents(&self, page: PageRequest) -> StoreResult<Page<Agent>>;
    /// The agent with this e-mail address and their password hash, for sign-in.
    async fn agent_credentials(&self, email: &str) -> StoreResult<Option<(Agent, Option<String>)>>;
    /// Ids of the agents who report to `lead`.
    async fn reports_of(&self, lead: AgentId) -> StoreResult<Vec<AgentId>>;
    async fn create_team(&self, name: &str) -> StoreResult<Team>;
    async fn get_team(&self, id: TeamId) -> StoreResult<Team>;
    async fn rename_team(&self, id: TeamId, name: &str) -> StoreResult<Team>;
    async fn list_teams(&self, page: PageRequest) -> StoreResult<Page<Team>>;

    async fn create_session(&self, session: NewSession) -> StoreResult<()>;
    /// The live session with this token hash and its agent; expired sessions, and sessions of
    /// deactivated agents, are not found.
    async fn get_session(
        &self,
        token_hash: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<Option<(Session, Agent)>>;
    async fn delete_session(&self, token_hash: &str) -> StoreResult<()>;

    async fn create_api_token(
        &self,
        agent: AgentId,
        name: &str,
        token_hash: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<ApiToken>;
    /// The active agent owning an unrevoked token with this hash; records its last use (to the
    /// minute, so that a busy integration does not turn every request into a write).
    async fn agent_for_api_token(&self, token_hash: &str, now: DateTime<Utc>) -> StoreResult<Option<Agent>>;
    async fn list_api_tokens(&self, agent: AgentId) -> StoreResult<Vec<ApiToken>>;
    async fn revoke_api_token(&self, id: i64) -> StoreResult<()>;

    // --- ui ---

    /// Creates a macro. A name already in use is a `Conflict`.
    async fn create_macro(&self, new: NewMacro, now: DateTime<Utc>) -> StoreResult<Macro>;
    /// Every macro, by name.
    async fn list_macros(&self) -> StoreResult<Vec<Macro>>;
    async fn get_macro(&self, id: i64) -> StoreResult<Macro>;
    /// Renames and rewrites a macro. A name another macro has is a `Conflict`.
    async fn update_macro(&self, id: i64, new: NewMacro, now: DateTime<Utc>) -> StoreResult<Macro>;
    /// Deletes a macro; a missing one is `NotFound`.
    async fn delete_macro(&self, id: i64) -> StoreResult<()>;
    // --- queue ---

    /// The queue state of each of these conversations that exists, in no particular order.
    async fn queue_states(&self, ids: &[ConversationId]) -> StoreResult<Vec<QueueState>>;
    /// Stores what the service computed after a change: signals, wait, score, level (which
    /// becomes the conversation's priority unless overridden), SLA deadline and pauses.
    async fn save_queue_state(
        &self,
        id: ConversationId,
        update: QueueUpdate,
        now: DateTime<Utc>,
    ) -> StoreResult<Conversation>;
    /// Sets (or with `None` removes) a priority set by hand. The override becomes the
    /// conversation's priority; removing it restores the computed level.
    async fn set_priority_override(
        &self,
        id: ConversationId,
        overridden: Option<ascolto_core::priority::PriorityOverride>,
        now: DateTime<Utc>,
    ) -> StoreResult<Conversation>;
    /// Open, unmerged conversations whose score may have moved by `due_by` (their stored
    /// `rescore_at` is at or before it), soonest due first, at most `limit`, with what a score
    /// needs. A recompute stores a later `rescore_at` for every row it read
    /// (`save_queue_scores`), so calling again reads the next ones; no cursor is needed.
    async fn due_queue_inputs(&self, due_by: DateTime<Utc>, limit: u32) -> StoreResult<Vec<QueueInputs>>;
    /// Makes every open conversation due for the next queue recompute, after a change that
    /// can move every score (a new SLA policy). Returns how many were marked.
    async fn mark_queue_due(&self) -> StoreResult<u64>;
    /// Stores recomputed scores (and levels, which set the priority of conversations without
    /// an override) with when each is due again, in one transaction, skipping a row that no
    /// longer holds the `was_due_at` it was read with. Returns how many rows were written.
    async fn save_queue_scores(&self, scores: &[QueueScore]) -> StoreResult<u64>;
    /// Stores an agent's reply or note like `add_agent_message`, unless another agent's reply
    /// to the customer was stored after `draft_started_at`: then nothing is stored and that
    /// reply comes back. Checked inside the write transaction, so of two racing replies at
    /// most one passes. A reply clears the customer's wait.
    async fn add_checked_reply(
        &self,
        new: NewAgentMessage,
        draft_started_at: Option<DateTime<Utc>>,
    ) -> StoreResult<CheckedReply>;
    /// How many conversations of each kind the agent may hold ([`DEFAULT_CAPACITY`] unless set).
    async fn agent_capacity(&self, agent: AgentId) -> StoreResult<ascolto_core::assignment::KindCounts>;
    async fn set_agent_capacity(
        &self,
        agent: AgentId,
        capacity: ascolto_core::assignment::KindCounts,
    ) -> StoreResult<()>;
    /// Assigns to the agent the first unassigned open conversation in queue order that fits
    /// their languages, teams and free capacity, atomically (two callers never get the same
    /// one, and nobody goes over capacity). `None` when nothing fits.
    async fn claim_next_conversation(
        &self,
        request: &NextRequest,
        now: DateTime<Utc>,
    ) -> StoreResult<Option<Conversation>>;
    /// Automatic assignment: hands unassigned open conversations, most pressing first, to
    /// online agents by free capacity, language and team (`ascolto_core::assignment::
    /// plan_assignments`), leaving out `scope`'s excluded teams. The loads are read and the
    /// assignments written in one transaction (on PostgreSQL with the online agents' rows
    /// locked), so passes on several nodes never put an agent over capacity. Returns the
    /// conversations assigned, in the order they were decided.
    async fn assign_waiting(
        &self,
        scope: &AssignmentScope,
        now: DateTime<Utc>,
    ) -> StoreResult<Vec<Conversation>>;
    /// Presence, capacity and load of one agent or of a team's active members (in id order).
    /// An unknown agent or team is `NotFound`.
    async fn agent_presence(&self, of: PresenceOf) -> StoreResult<Vec<AgentPresence>>;
    /// Records that an SLA warning or escalation fired and applies its effect, in one
    /// transaction; `None` (and no change) when it was recorded before, so it acts once.
    async fn record_sla_escalation(
        &self,
        escalation: &SlaEscalation,
        effect: EscalationEffect,
    ) -> StoreResult<Option<Conversation>>;
    /// The escalations that fired for these conversations, oldest first.
    async fn sla_escalations(&self, ids: &[ConversationId]) -> StoreResult<Vec<SlaEscalation>>;
    /// Unassigns the agent's open and pending conversations (they go offline). Returns them.
    async fn release_conversations(
        &self,
        agent: AgentId,
        now: DateTime<Utc>,
    ) -> StoreResult<Vec<Conversation>>;
    /// A desk-wide setting stored as JSON text (the SLA policy).
    async fn get_setting(&self, key: &str) -> StoreResult<Option<String>>;
    async fn put_setting(&self, key: &str, json: &str, now: DateTime<Utc>) -> StoreResult<()>;
    /// Stores a timer. With a `dedupe_key` already stored, returns the stored job instead.
    async fn schedule_job(&self, new: NewJob) -> StoreResult<Job>;
    /// A conversation's timers, newest first.
    async fn list_jobs(&self, conversation: ConversationId) -> StoreResult<Vec<Job>>;
    async fn get_job(&self, id: i64) -> StoreResult<Job>;
    /// Cancels a timer that has not run; one that has finished is left as it is.
    async fn cancel_job(&self, id: i64, now: DateTime<Utc>) -> StoreResult<Job>;
    /// Cancels the conversation's scheduled timers that a customer message at `at` cancels.
    async fn cancel_jobs_on_customer_reply(
        &self,
        conversation: ConversationId,
        at: DateTime<Utc>,
    ) -> StoreResult<u64>;
    /// Claims up to `limit` due timers no other worker holds, until `lease_until`.
    async fn claim_jobs(
        &self,
        now: DateTime<Utc>,
        lease_until: DateTime<Utc>,
        limit: u32,
    ) -> StoreResult<Vec<Job>>;
    async fn finish_job(&self, id: i64, outcome: JobOutcome, now: DateTime<Utc>) -> StoreResult<()>;
    /// Sends a claimed timer's reply and marks it done in one transaction, unless it has
    /// finished already or a customer message after it was set cancels it (then it is marked
    /// cancelled and `None` comes back). So a reply job fires at most once, never after the
    /// customer wrote.
    async fn fire_reply_job(&self, id: i64, reply: NewAgentMessage) -> StoreResult<Option<Message>>;

    // --- live ---

    /// Creates a channel. An id already in use is a `Conflict`.
    async fn create_channel_config(
        &self,
        new: NewChannelConfig,
        now: DateTime<Utc>,
    ) -> StoreResult<ChannelConfig>;
    async fn get_channel_config(&self, id: &str) -> StoreResult<ChannelConfig>;
    /// Every configured channel, oldest first.
    async fn list_channel_configs(&self) -> StoreResult<Vec<ChannelConfig>>;
    async fn delete_channel_config(&self, id: &str) -> StoreResult<()>;
    /// Replaces a channel's settings (secrets included). A channel keeps its kind: settings of
    /// another kind are `Invalid`; an unknown id is `NotFound`.
    async fn update_channel_settings(
        &self,
        id: &str,
        settings: ChannelSettings,
    ) -> StoreResult<ChannelConfig>;
    /// Renames a channel and replaces its settings. Changing its kind (web chat to Telegram)
    /// is `Invalid`; a missing channel is `NotFound`.
    async fn update_channel_config(
        &self,
        id: &str,
        name: &str,
        settings: &ChannelSettings,
    ) -> StoreResult<ChannelConfig>;
    /// Records what a channel reported about a reply it carries (its id there is
    /// `channel_message_id`). Statuses only move forward — `sent`, `delivered`, `read` — so a
    /// late `delivered` never hides a `read`; `failed` is kept unless the reply was already
    /// read. Returns the message when it changed, `None` when it is unknown or unchanged.
    async fn update_delivery_status(
        &self,
        channel: Channel,
        channel_message_id: &str,
        status: DeliveryStatus,
        error: Option<String>,
    ) -> StoreResult<Option<Message>>;
    /// The queue figures of `channel` for a wait estimate, averaging first responses of
    /// conversations created since `since`.
    async fn wait_stats(&self, channel: Channel, since: DateTime<Utc>) -> StoreResult<WaitStats>;

    // --- mail ---

    /// Creates a mailbox. A name already in use is a `Conflict`.
    async fn create_mailbox(&self, new: NewMailbox, now: DateTime<Utc>) -> StoreResult<Mailbox>;
    async fn get_mailbox(&self, id: i64) -> StoreResult<Mailbox>;
    /// Every mailbox, oldest first.
    async fn list_mailboxes(&self) -> StoreResult<Vec<Mailbox>>;
    /// Replaces a mailbox's name, settings and active flag. A missing one is `NotFound`.
    async fn update_mailbox(&self, id: i64, new: NewMailbox, now: DateTime<Utc>) -> StoreResult<Mailbox>;
    /// Deletes a mailbox with its sync state; stored mail stays. A missing one is `NotFound`.
    async fn delete_mailbox(&self, id: i64) -> StoreResult<()>;
    /// Takes (or extends) the fetch lease of a mailbox for `holder` until `lease_until`. True
    /// when `holder` holds it now: it was free, expired, or already theirs. So on many nodes one
    /// node at a time fetches each mailbox.
    async fn claim_mailbox(
        &self,
        id: i64,
        holder: &str,
        now: DateTime<Utc>,
        lease_until: DateTime<Utc>,
    ) -> StoreResult<bool>;
    /// Gives the lease back if `holder` holds it.
    async fn release_mailbox(&self, id: i64, holder: &str) -> StoreResult<()>;
    /// How far a folder has been fetched; `None` before the first fetch.
    async fn get_mail_sync(&self, mailbox: i64, folder: &str) -> StoreResult<Option<MailSync>>;
    async fn save_mail_sync(
        &self,
        mailbox: i64,
        folder: &str,
        sync: MailSync,
        now: DateTime<Utc>,
    ) -> StoreResult<()>;
    /// Indexes a stored message under its Message-ID. Recording the same message twice keeps
    /// the first record.
    async fn record_mail(&self, record: MailRecord, now: DateTime<Utc>) -> StoreResult<()>;
    /// The conversations (followed through merges) holding messages with any of these
    /// Message-IDs, with their customers, latest message first.
    async fn find_mail_threads(&self, rfc_message_ids: &[String]) -> StoreResult<Vec<MailThreadHit>>;
    /// The indexed Message-IDs of a conversation, oldest first.
    async fn mail_references(&self, conversation: ConversationId) -> StoreResult<Vec<MailReference>>;
    /// A new, empty e-mail conversation for `customer`, created once per `key`: calling
    /// again with the same key returns the same conversation. A mail that must not join the
    /// customer's open conversation is then ingested into it; a crash in between cannot
    /// leave a second conversation behind.
    async fn open_mail_conversation(
        &self,
        key: &str,
        customer: CustomerId,
        subject: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<ConversationId>;
    /// Keeps the bytes of a message's attachment at `position` (its place in the message's
    /// attachment list). Saving again replaces nothing.
    async fn save_attachment(
        &self,
        message: ascolto_core::MessageId,
        position: i32,
        data: &[u8],
    ) -> StoreResult<()>;
    /// The bytes of an attachment, `None` when none were kept.
    async fn get_attachment(
        &self,
        message: ascolto_core::MessageId,
        position: i32,
    ) -> StoreResult<Option<Vec<u8>>>;
}
