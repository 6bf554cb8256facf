//! Ascolto's multi-node storage backend: the [`Store`] trait on PostgreSQL.
//!
//! The key decision: several Ascolto nodes may share one database, so every rule that SQLite
//! gets from having a single writer is made explicit here — ingest takes transaction-scoped
//! advisory locks on the sender and on the channel message, read-modify-write calls lock the
//! rows they change (`FOR UPDATE`, in id order), outbox workers claim jobs with
//! `FOR UPDATE SKIP LOCKED`, and the migrator holds an advisory lock so nodes starting
//! together migrate once.
//!
//! Invariants:
//! - a call that writes several rows does so in one transaction;
//! - text reaches the database without NUL bytes (see [`row::clean`]): PostgreSQL refuses
//!   them, and a message carrying one is still stored;
//! - full-text search matches `tsvector` columns built with `to_tsvector('simple', ...)` from
//!   the stems of [`ascolto_core::search::index_tokens`], with `to_tsquery('simple', ...)`
//!   from [`Query::to_tsquery`], so the language work is the same Rust code as on SQLite;
//! - times are BIGINT milliseconds, as on SQLite.

/// The columns `conversations::conversation` reads, for `SELECT` and `RETURNING`.
macro_rules! conversation_columns {
    () => {
        "id, customer_id, channel, subject, status, priority_rank, assignee_id, team_id, tags, \
         merged_into, message_count, created_at, updated_at, last_message_at, \
         last_customer_message_at, last_agent_reply_at, first_response_at, resolved_at, snoozed_until"
    };
}

/// The columns `messages::message` reads, for `SELECT` and `RETURNING`.
macro_rules! message_columns {
    () => {
        "id, conversation_id, direction, customer_id, agent_id, text, html, attachments, \
         channel_message_id, delivery_status, delivery_error, created_at, template"
    };
}

mod agents;
mod auth;
mod conversations;
mod customers;
mod error;
mod ingest;
mod live;
mod mail;
mod messages;
pub mod notify;
mod outbox;
mod queue;
mod row;
mod ui;

use std::str::FromStr;
use std::time::Duration;

use ascolto_core::agent::Visibility;
use ascolto_core::assignment::KindCounts;
use ascolto_core::priority::PriorityOverride;
use ascolto_core::search::Query;
use ascolto_core::{
    Agent, AgentId, Conversation, ConversationId, Customer, CustomerId, Identity, Message, MessageId, Team,
    TeamId,
};
use ascolto_store::{
    AgentPatch, ApiToken, ConversationFilter, ConversationPatch, CustomerPatch, DeliveryOutcome,
    InboundMessage, Ingested, MessageHit, NewAgent, NewAgentMessage, NewCustomer, NewSession, OutboxJob,
    Page, PageRequest, Session, Store, StoreError, StoreResult,
};
use ascolto_store::{
    AgentPresence, AssignmentScope, CheckedReply, EscalationEffect, Job, JobOutcome, NewJob, NextRequest,
    PresenceOf, QueueInputs, QueueScore, QueueState, QueueUpdate, SlaEscalation,
};
use ascolto_store::{Macro, NewMacro};
use chrono::{DateTime, Utc};
use sqlx::migrate::{Migration, MigrationType, Migrator};
use sqlx::pool::PoolConnection;
use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};
use sqlx::{Postgres, SqlSafeStr, Transaction};

use crate::error::db;

/// The migrations, oldest first. Append a line for each new file; never edit a shipped one.
const MIGRATIONS: &[(i64, &str, &str)] = &[
    (1, "initial", include_str!("../migrations/0001_initial.sql")),
    (3, "live", include_str!("../migrations/0003_live.sql")),
    (4, "ui macros", include_str!("../migrations/0004_ui_macros.sql")),
    (5, "queue", include_str!("../migrations/0005_queue.sql")),
    (6, "email", include_str!("../migrations/0006_email.sql")),
    (7, "sla escalations", include_str!("../migrations/0007_sla_escalations.sql")),
    (9, "reply templates", include_str!("../migrations/0009_reply_templates.sql")),
    (10, "queue rescore", include_str!("../migrations/0010_queue_rescore.sql")),
];

/// Connections one node opens at most, unless told otherwise.
pub const DEFAULT_CONNECTIONS: u32 = 10;

/// How long a call waits for a free connection before failing.
const ACQUIRE_TIMEOUT: Duration = Duration::from_secs(10);

/// The [`Store`] on PostgreSQL. Cheap to clone: clones share the pool.
#[derive(Debug, Clone)]
pub struct PostgresStore {
    pool: PgPool,
}

impl PostgresStore {
    /// Connects to the database at `url` (`postgres://user@host/db`) with a pool of
    /// [`DEFAULT_CONNECTIONS`]. Call [`Store::migrate`] before use.
    pub async fn connect(url: &str) -> StoreResult<Self> {
        Self::connect_with(url, DEFAULT_CONNECTIONS).await
    }

    /// Like [`connect`](Self::connect), with at most `max_connections` connections.
    pub async fn connect_with(url: &str, max_connections: u32) -> StoreResult<Self> {
        let options = PgConnectOptions::from_str(url).map_err(db)?.application_name("ascolto");
        let pool = PgPoolOptions::new()
            .max_connections(max_connections.max(1))
            .acquire_timeout(ACQUIRE_TIMEOUT)
            .connect_with(options)
            .await
            .map_err(db)?;
        Ok(Self { pool })
    }

    /// A store on a pool the caller built.
    pub fn from_pool(pool: PgPool) -> Self {
        Self { pool }
    }

    /// Closes the pool's connections.
    pub async fn close(&self) {
        self.pool.close().await;
    }

    async fn begin(&self) -> StoreResult<Transaction<'static, Postgres>> {
        self.pool.begin().await.map_err(db)
    }

    async fn conn(&self) -> StoreResult<PoolConnection<Postgres>> {
        self.pool.acquire().await.map_err(db)
    }
}

fn migrator() -> Migrator {
    let migrations = MIGRATIONS
        .iter()
        .map(|(version, description, sql)| {
            Migration::new(*version, (*description).into(), MigrationType::Simple, sql.into_sql_str(), false)
        })
        .collect();
    Migrator::with_migrations(migrations)
}

#[async_trait::async_trait]
impl Store for PostgresStore {
    fn backend_name(&self) -> &'static str {
        "postgres"
    }

    async fn migrate(&self) -> StoreResult<()> {
        migrator().run(&self.pool).await.map_err(StoreError::backend)
    }

    async fn create_customer(&self, new: NewCustomer, now: DateTime<Utc>) -> StoreResult<Customer> {
        let mut tx = self.begin().await?;
        let customer = customers::create(&mut tx, new, now).await?;
        tx.commit().await.map_err(db)?;
        Ok(customer)
    }

    async fn get_customer(&self, id: CustomerId) -> StoreResult<Customer> {
        customers::load(&mut *self.conn().await?, id).await
    }

    async fn get_customers(&self, ids: &[CustomerId]) -> StoreResult<Vec<Customer>> {
        customers::load_many(&mut *self.conn().await?, ids).await
    }

    async fn find_customer_by_identity(&self, identity: &Identity) -> StoreResult<Option<Customer>> {
        customers::find_by_identity(&mut *self.conn().await?, identity).await
    }

    async fn update_customer(
        &self,
        id: CustomerId,
        patch: CustomerPatch,
        now: DateTime<Utc>,
    ) -> StoreResult<Customer> {
        let mut tx = self.begin().await?;
        let customer = customers::update(&mut tx, id, patch, now).await?;
        tx.commit().await.map_err(db)?;
        Ok(customer)
    }

    async fn list_customers(&self, page: PageRequest) -> StoreResult<Page<Customer>> {
        customers::list(&mut *self.conn().await?, page).await
    }

    async fn search_customers(&self, query: &Query, page: PageRequest) -> StoreResult<Page<Customer>> {
        customers::search(&mut *self.conn().await?, query, page).await
    }

    async fn merge_customers(
        &self,
        survivor: CustomerId,
        merged: CustomerId,
        now: DateTime<Utc>,
    ) -> StoreResult<Customer> {
        let mut tx = self.begin().await?;
        let customer = customers::merge(&mut tx, survivor, merged, now).await?;
        tx.commit().await.map_err(db)?;
        Ok(customer)
    }

    async fn ingest(&self, inbound: InboundMessage) -> StoreResult<Ingested> {
        let prepared = ingest::Prepared::new(&inbound)?;
        let mut tx = self.begin().await?;
        let ingested = ingest::ingest(&mut tx, &inbound, &prepared).await?;
        tx.commit().await.map_err(db)?;
        Ok(ingested)
    }

    async fn add_agent_message(&self, new: NewAgentMessage) -> StoreResult<Message> {
        let tokens = ingest::tokens_of(&new.text);
        let mut tx = self.begin().await?;
        let message = ingest::add_agent_message(&mut tx, &new, &tokens).await?;
        tx.commit().await.map_err(db)?;
        Ok(message)
    }

    async fn get_conversation(&self, id: ConversationId) -> StoreResult<Conversation> {
        conversations::load(&mut *self.conn().await?, id).await
    }

    async fn list_conversations(
        &self,
        filter: &ConversationFilter,
        visibility: &Visibility,
        page: PageRequest,
    ) -> StoreResult<Page<Conversation>> {
        conversations::list(&mut *self.conn().await?, filter, visibility, page).await
    }

    async fn update_conversation(
        &self,
        id: ConversationId,
        patch: ConversationPatch,
        now: DateTime<Utc>,
    ) -> StoreResult<Conversation> {
        let mut tx = self.begin().await?;
        let conversation = conversations::update(&mut tx, id, patch, now).await?;
        tx.commit().await.map_err(db)?;
        Ok(conversation)
    }

    async fn merge_conversations(
        &self,
        survivor: ConversationId,
        merged: ConversationId,
        now: DateTime<Utc>,
    ) -> StoreResult<Conversation> {
        let mut tx = self.begin().await?;
        let conversation = conversations::merge(&mut tx, survivor, merged, now).await?;
        tx.commit().await.map_err(db)?;
        Ok(conversation)
    }

    async fn list_messages(
        &self,
        conversation: ConversationId,
        page: PageRequest,
    ) -> StoreResult<Page<Message>> {
        messages::list(&mut *self.conn().await?, conversation, page).await
    }

    async fn get_message(&self, id: MessageId) -> StoreResult<Message> {
        messages::load(&mut *self.conn().await?, id).await
    }

    async fn search_messages(
        &self,
        query: &Query,
        visibility: &Visibility,
        page: PageRequest,
    ) -> StoreResult<Page<MessageHit>> {
        messages::search(&mut *self.conn().await?, query, visibility, page).await
    }

    async fn claim_outbox(
        &self,
        now: DateTime<Utc>,
        lease_until: DateTime<Utc>,
        limit: u32,
    ) -> StoreResult<Vec<OutboxJob>> {
        let mut tx = self.begin().await?;
        let jobs = outbox::claim(&mut tx, now, lease_until, limit).await?;
        tx.commit().await.map_err(db)?;
        Ok(jobs)
    }

    async fn finish_outbox(&self, job: i64, outcome: DeliveryOutcome, now: DateTime<Utc>) -> StoreResult<()> {
        let mut tx = self.begin().await?;
        outbox::finish(&mut tx, job, outcome, now).await?;
        tx.commit().await.map_err(db)
    }

    async fn count_agents(&self) -> StoreResult<i64> {
        agents::count(&mut *self.conn().await?).await
    }

    async fn create_agent(&self, new: NewAgent) -> StoreResult<Agent> {
        let mut tx = self.begin().await?;
        let agent = agents::create(&mut tx, new).await?;
        tx.commit().await.map_err(db)?;
        Ok(agent)
    }

    async fn get_agent(&self, id: AgentId) -> StoreResult<Agent> {
        agents::load(&mut *self.conn().await?, id).await
    }

    async fn update_agent(&self, id: AgentId, patch: AgentPatch) -> StoreResult<Agent> {
        let mut tx = self.begin().await?;
        let agent = agents::update(&mut tx, id, patch).await?;
        tx.commit().await.map_err(db)?;
        Ok(agent)
    }

    async fn list_agents(&self, page: PageRequest) -> StoreResult<Page<Agent>> {
        agents::list(&mut *self.conn().await?, page).await
    }

    async fn agent_credentials(&self, email: &str) -> StoreResult<Option<(Agent, Option<String>)>> {
        agents::credentials(&mut *self.conn().await?, email).await
    }

    async fn reports_of(&self, lead: AgentId) -> StoreResult<Vec<AgentId>> {
        agents::reports_of(&mut *self.conn().await?, lead).await
    }

    async fn create_team(&self, name: &str) -> StoreResult<Team> {
        agents::create_team(&mut *self.conn().await?, name).await
    }

    async fn get_team(&self, id: TeamId) -> StoreResult<Team> {
        agents::load_team(&mut *self.conn().await?, id).await
    }

    async fn rename_team(&self, id: TeamId, name: &str) -> StoreResult<Team> {
        agents::rename_team(&mut *self.conn().await?, id, name).await
    }

    async fn list_teams(&self, page: PageRequest) -> StoreResult<Page<Team>> {
        agents::list_teams(&mut *self.conn().await?, page).await
    }

    async fn create_session(&self, session: NewSession) -> StoreResult<()> {
        auth::create_session(&mut *self.conn().await?, session).await
    }

    async fn get_session(
        &self,
        token_hash: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<Option<(Session, Agent)>> {
        auth::get_session(&mut *self.conn().await?, token_hash, now).await
    }

    async fn delete_session(&self, token_hash: &str) -> StoreResult<()> {
        auth::delete_session(&mut *self.conn().await?, token_hash).await
    }

    async fn create_api_token(
        &self,
        agent: AgentId,
        name: &str,
        token_hash: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<ApiToken> {
        let mut conn = self.conn().await?;
        auth::create_api_token(&mut conn, agent, name, token_hash, now).await
    }

    async fn agent_for_api_token(&self, token_hash: &str, now: DateTime<Utc>) -> StoreResult<Option<Agent>> {
        let found = auth::find_api_token(&mut *self.conn().await?, token_hash).await?;
        let Some((token, agent, last_used_at)) = found else { return Ok(None) };
        if auth::use_is_news(last_used_at, now) {
            auth::record_use(&mut *self.conn().await?, token, now).await?;
        }
        agents::load(&mut *self.conn().await?, agent).await.map(Some)
    }

    async fn list_api_tokens(&self, agent: AgentId) -> StoreResult<Vec<ApiToken>> {
        auth::list_api_tokens(&mut *self.conn().await?, agent).await
    }

    async fn revoke_api_token(&self, id: i64) -> StoreResult<()> {
        auth::revoke_api_token(&mut *self.conn().await?, id).await
    }

    // --- ui ---

    async fn create_macro(&self, new: NewMacro, now: DateTime<Utc>) -> StoreResult<Macro> {
        ui::create(&mut *self.conn().await?, new, now).await
    }

    async fn list_macros(&self) -> StoreResult<Vec<Macro>> {
        ui::list(&mut *self.conn().await?).await
    }

    async fn get_macro(&self, id: i64) -> StoreResult<Macro> {
        ui::load(&mut *self.conn().await?, id).await
    }

    async fn update_macro(&self, id: i64, new: NewMacro, now: DateTime<Utc>) -> StoreResult<Macro> {
        ui::update(&mut *self.conn().await?, id, new, now).await
    }

    async fn delete_macro(&self, id: i64) -> StoreResult<()> {
        ui::delete(&mut *self.conn().await?, id).await
    }

    // --- queue ---

    async fn queue_states(&self, ids: &[ConversationId]) -> StoreResult<Vec<QueueState>> {
        queue::states(&mut *self.conn().await?, ids).await
    }

    async fn save_queue_state(
        &self,
        id: ConversationId,
        update: QueueUpdate,
        now: DateTime<Utc>,
    ) -> StoreResult<Conversation> {
        let mut tx = self.begin().await?;
        let conversation = queue::save_state(&mut tx, id, update, now).await?;
        tx.commit().await.map_err(db)?;
        Ok(conversation)
    }

    async fn set_priority_override(
        &self,
        id: ConversationId,
        overridden: Option<PriorityOverride>,
        now: DateTime<Utc>,
    ) -> StoreResult<Conversation> {
        let mut tx = self.begin().await?;
        let conversation = queue::set_override(&mut tx, id, overridden, now).await?;
        tx.commit().await.map_err(db)?;
        Ok(conversation)
    }

    async fn due_queue_inputs(&self, due_by: DateTime<Utc>, limit: u32) -> StoreResult<Vec<QueueInputs>> {
        queue::due_inputs(&mut *self.conn().await?, due_by, limit).await
    }

    async fn mark_queue_due(&self) -> StoreResult<u64> {
        queue::mark_due(&mut *self.conn().await?).await
    }

    async fn save_queue_scores(&self, scores: &[QueueScore]) -> StoreResult<u64> {
        let mut tx = self.begin().await?;
        let changed = queue::save_scores(&mut tx, scores).await?;
        tx.commit().await.map_err(db)?;
        Ok(changed)
    }

    async fn add_checked_reply(
        &self,
        new: NewAgentMessage,
        draft_started_at: Option<DateTime<Utc>>,
    ) -> StoreResult<CheckedReply> {
        let mut tx = self.begin().await?;
        let outcome = queue::add_checked_reply(&mut tx, &new, draft_started_at).await?;
        tx.commit().await.map_err(db)?;
        Ok(outcome)
    }

    async fn assign_waiting(
        &self,
        scope: &AssignmentScope,
        now: DateTime<Utc>,
    ) -> StoreResult<Vec<Conversation>> {
        let mut tx = self.begin().await?;
        let assigned = queue::assign_waiting(&mut tx, scope, now).await?;
        tx.commit().await.map_err(db)?;
        Ok(assigned)
    }

    async fn agent_presence(&self, of: PresenceOf) -> StoreResult<Vec<AgentPresence>> {
        queue::presence(&mut *self.conn().await?, of).await
    }

    async fn record_sla_escalation(
        &self,
        escalation: &SlaEscalation,
        effect: EscalationEffect,
    ) -> StoreResult<Option<Conversation>> {
        let mut tx = self.begin().await?;
        let recorded = queue::record_escalation(&mut tx, escalation, effect).await?;
        tx.commit().await.map_err(db)?;
        Ok(recorded)
    }

    async fn sla_escalations(&self, ids: &[ConversationId]) -> StoreResult<Vec<SlaEscalation>> {
        queue::escalations(&mut *self.conn().await?, ids).await
    }

    async fn agent_capacity(&self, agent: AgentId) -> StoreResult<KindCounts> {
        queue::capacity(&mut *self.conn().await?, agent).await
    }

    async fn set_agent_capacity(&self, agent: AgentId, capacity: KindCounts) -> StoreResult<()> {
        let mut tx = self.begin().await?;
        queue::set_capacity(&mut tx, agent, capacity).await?;
        tx.commit().await.map_err(db)
    }

    async fn claim_next_conversation(
        &self,
        request: &NextRequest,
        now: DateTime<Utc>,
    ) -> StoreResult<Option<Conversation>> {
        let mut tx = self.begin().await?;
        let claimed = queue::claim_next(&mut tx, request, now).await?;
        tx.commit().await.map_err(db)?;
        Ok(claimed)
    }

    async fn release_conversations(
        &self,
        agent: AgentId,
        now: DateTime<Utc>,
    ) -> StoreResult<Vec<Conversation>> {
        let mut tx = self.begin().await?;
        let released = queue::release(&mut tx, agent, now).await?;
        tx.commit().await.map_err(db)?;
        Ok(released)
    }

    async fn get_setting(&self, key: &str) -> StoreResult<Option<String>> {
        queue::get_setting(&mut *self.conn().await?, key).await
    }

    async fn put_setting(&self, key: &str, json: &str, now: DateTime<Utc>) -> StoreResult<()> {
        let mut tx = self.begin().await?;
        queue::put_setting(&mut tx, key, json, now).await?;
        tx.commit().await.map_err(db)
    }

    async fn schedule_job(&self, new: NewJob) -> StoreResult<Job> {
        let mut tx = self.begin().await?;
        let job = queue::schedule(&mut tx, new).await?;
        tx.commit().await.map_err(db)?;
        Ok(job)
    }

    async fn list_jobs(&self, conversation: ConversationId) -> StoreResult<Vec<Job>> {
        queue::list_jobs(&mut *self.conn().await?, conversation).await
    }

    async fn get_job(&self, id: i64) -> StoreResult<Job> {
        queue::load_job(&mut *self.conn().await?, id).await
    }

    async fn cancel_job(&self, id: i64, now: DateTime<Utc>) -> StoreResult<Job> {
        let mut tx = self.begin().await?;
        let job = queue::cancel_job(&mut tx, id, now).await?;
        tx.commit().await.map_err(db)?;
        Ok(job)
    }

    async fn cancel_jobs_on_customer_reply(
        &self,
        conversation: ConversationId,
        at: DateTime<Utc>,
    ) -> StoreResult<u64> {
        let mut tx = self.begin().await?;
        let cancelled = queue::cancel_on_customer_reply(&mut tx, conversation, at).await?;
        tx.commit().await.map_err(db)?;
        Ok(cancelled)
    }

    async fn claim_jobs(
        &self,
        now: DateTime<Utc>,
        lease_until: DateTime<Utc>,
        limit: u32,
    ) -> StoreResult<Vec<Job>> {
        let mut tx = self.begin().await?;
        let jobs = queue::claim_jobs(&mut tx, now, lease_until, limit).await?;
        tx.commit().await.map_err(db)?;
        Ok(jobs)
    }

    async fn finish_job(&self, id: i64, outcome: JobOutcome, now: DateTime<Utc>) -> StoreResult<()> {
        let mut tx = self.begin().await?;
        queue::finish(&mut tx, id, outcome, now).await?;
        tx.commit().await.map_err(db)
    }

    async fn fire_reply_job(&self, id: i64, reply: NewAgentMessage) -> StoreResult<Option<Message>> {
        let mut tx = self.begin().await?;
        let message = queue::fire_reply(&mut tx, id, &reply).await?;
        tx.commit().await.map_err(db)?;
        Ok(message)
    }

    // --- live ---

    async fn create_channel_config(
        &self,
        new: ascolto_store::NewChannelConfig,
        now: DateTime<Utc>,
    ) -> StoreResult<ascolto_store::ChannelConfig> {
        live::create(&mut *self.conn().await?, new, now).await
    }

    async fn get_channel_config(&self, id: &str) -> StoreResult<ascolto_store::ChannelConfig> {
        live::load(&mut *self.conn().await?, id).await
    }

    async fn list_channel_configs(&self) -> StoreResult<Vec<ascolto_store::ChannelConfig>> {
        live::list(&mut *self.conn().await?).await
    }

    async fn delete_channel_config(&self, id: &str) -> StoreResult<()> {
        live::delete(&mut *self.conn().await?, id).await
    }

    async fn update_channel_settings(
        &self,
        id: &str,
        settings: ascolto_store::ChannelSettings,
    ) -> StoreResult<ascolto_store::ChannelConfig> {
        live::update_settings(&mut *self.conn().await?, id, settings).await
    }

    async fn update_channel_config(
        &self,
        id: &str,
        name: &str,
        settings: &ascolto_store::ChannelSettings,
    ) -> StoreResult<ascolto_store::ChannelConfig> {
        live::update(&mut *self.conn().await?, id, name, settings).await
    }

    async fn update_delivery_status(
        &self,
        channel: ascolto_core::Channel,
        channel_message_id: &str,
        status: ascolto_core::DeliveryStatus,
        error: Option<String>,
    ) -> StoreResult<Option<Message>> {
        live::update_delivery(&mut *self.conn().await?, channel, channel_message_id, status, error).await
    }

    async fn wait_stats(
        &self,
        channel: ascolto_core::Channel,
        since: DateTime<Utc>,
    ) -> StoreResult<ascolto_store::WaitStats> {
        live::wait_stats(&mut *self.conn().await?, channel, since).await
    }

    // --- mail ---

    async fn create_mailbox(
        &self,
        new: ascolto_store::NewMailbox,
        now: DateTime<Utc>,
    ) -> StoreResult<ascolto_store::Mailbox> {
        mail::create(&mut *self.conn().await?, new, now).await
    }

    async fn get_mailbox(&self, id: i64) -> StoreResult<ascolto_store::Mailbox> {
        mail::load(&mut *self.conn().await?, id).await
    }

    async fn list_mailboxes(&self) -> StoreResult<Vec<ascolto_store::Mailbox>> {
        mail::list(&mut *self.conn().await?).await
    }

    async fn update_mailbox(
        &self,
        id: i64,
        new: ascolto_store::NewMailbox,
        now: DateTime<Utc>,
    ) -> StoreResult<ascolto_store::Mailbox> {
        mail::update(&mut *self.conn().await?, id, new, now).await
    }

    async fn delete_mailbox(&self, id: i64) -> StoreResult<()> {
        let mut tx = self.begin().await?;
        mail::delete(&mut tx, id).await?;
        tx.commit().await.map_err(db)
    }

    async fn claim_mailbox(
        &self,
        id: i64,
        holder: &str,
        now: DateTime<Utc>,
        lease_until: DateTime<Utc>,
    ) -> StoreResult<bool> {
        mail::claim(&mut *self.conn().await?, id, holder, now, lease_until).await
    }

    async fn release_mailbox(&self, id: i64, holder: &str) -> StoreResult<()> {
        mail::release(&mut *self.conn().await?, id, holder).await
    }

    async fn get_mail_sync(
        &self,
        mailbox: i64,
        folder: &str,
    ) -> StoreResult<Option<ascolto_store::MailSync>> {
        mail::get_sync(&mut *self.conn().await?, mailbox, folder).await
    }

    async fn save_mail_sync(
        &self,
        mailbox: i64,
        folder: &str,
        sync: ascolto_store::MailSync,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        mail::save_sync(&mut *self.conn().await?, mailbox, folder, sync, now).await
    }

    async fn record_mail(&self, record: ascolto_store::MailRecord, now: DateTime<Utc>) -> StoreResult<()> {
        mail::record(&mut *self.conn().await?, record, now).await
    }

    async fn find_mail_threads(
        &self,
        rfc_message_ids: &[String],
    ) -> StoreResult<Vec<ascolto_store::MailThreadHit>> {
        mail::find_threads(&mut *self.conn().await?, rfc_message_ids).await
    }

    async fn mail_references(
        &self,
        conversation: ConversationId,
    ) -> StoreResult<Vec<ascolto_store::MailReference>> {
        mail::references(&mut *self.conn().await?, conversation).await
    }

    async fn open_mail_conversation(
        &self,
        key: &str,
        customer: CustomerId,
        subject: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<ConversationId> {
        let mut tx = self.begin().await?;
        let conversation = mail::open_conversation(&mut tx, key, customer, subject, now).await?;
        tx.commit().await.map_err(db)?;
        Ok(conversation)
    }

    async fn save_attachment(
        &self,
        message: ascolto_core::MessageId,
        position: i32,
        data: &[u8],
    ) -> StoreResult<()> {
        mail::save_attachment(&mut *self.conn().await?, message, position, data).await
    }

    async fn get_attachment(
        &self,
        message: ascolto_core::MessageId,
        position: i32,
    ) -> StoreResult<Option<Vec<u8>>> {
        mail::get_attachment(&mut *self.conn().await?, message, position).await
    }
}
