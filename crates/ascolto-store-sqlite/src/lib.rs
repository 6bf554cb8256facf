//! Ascolto's embedded storage backend: the [`Store`] trait on one SQLite file.
//!
//! The key decision: SQLite allows one writer at a time, so this store keeps **two pools** —
//! a single-connection pool that every write goes through, each write in a `BEGIN IMMEDIATE`
//! transaction, and a pool of read-only connections. Writers queue in the pool (in Rust, not
//! in SQLite's busy loop), so concurrent requests never see `SQLITE_BUSY`, and readers never
//! wait for writers thanks to WAL.
//!
//! Invariants:
//! - every statement that changes data runs on the write pool; the read pool is opened
//!   read-only, so a write that slips into it fails loudly;
//! - a call that writes several rows does so in one transaction;
//! - text reaches the database without NUL bytes (see [`row::clean`]), like on PostgreSQL,
//!   so both backends store the same text;
//! - full-text search indexes the stems from [`ascolto_core::search::index_tokens`] in FTS5
//!   tables whose rowid is the indexed row's id.

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
mod batch;
mod conversations;
mod customers;
mod error;
mod ingest;
mod live;
mod mail;
mod messages;
mod outbox;
mod queue;
mod row;
mod ui;

use std::path::Path;
use std::str::FromStr;
use std::sync::Arc;
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
    Page, PageRequest, Session, Store, StoreResult,
};
use ascolto_store::{
    AgentPresence, AssignmentScope, CheckedReply, EscalationEffect, Job, JobOutcome, NewJob, NextRequest,
    PresenceOf, QueueInputs, QueueScore, QueueState, QueueUpdate, SlaEscalation,
};
use ascolto_store::{Macro, NewMacro};
use chrono::{DateTime, Utc};
use sqlx::migrate::{Migration, MigrationType, Migrator};
use sqlx::pool::PoolConnection;
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};
use sqlx::{SqlSafeStr, Sqlite, Transaction};

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

/// How many read connections a file-backed store opens at most.
const READ_CONNECTIONS: u32 = 4;

/// Page cache sizes (negative: KiB). The writer touches every index of the hot tables on each
/// message, so it gets the larger share; readers also go through the memory map.
const WRITER_CACHE: &str = "-65536";
const READER_CACHE: &str = "-16384";

/// How much of the file readers and the writer map into memory.
const MMAP_BYTES: &str = "268435456";

/// How long a statement waits for a lock held by another process before failing.
const BUSY_TIMEOUT: Duration = Duration::from_secs(10);

/// The [`Store`] on SQLite. Cheap to clone: clones share the pools.
#[derive(Debug, Clone)]
pub struct SqliteStore {
    /// One connection: SQLite has one writer, and queueing here avoids `SQLITE_BUSY`.
    write: SqlitePool,
    /// Read-only connections (the same single connection for an in-memory store).
    read: SqlitePool,
    /// Inbound messages waiting to be written together (group commit).
    ingest_queue: Arc<batch::IngestQueue>,
}

impl SqliteStore {
    /// Opens (creating it and its folder when missing) the database at `path`, in WAL mode
    /// with `synchronous=NORMAL` and foreign keys on. Call [`Store::migrate`] before use.
    pub async fn open(path: &Path) -> StoreResult<Self> {
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent).map_err(ascolto_store::StoreError::backend)?;
        }
        let options = SqliteConnectOptions::new()
            .filename(path)
            .foreign_keys(true)
            .busy_timeout(BUSY_TIMEOUT)
            .synchronous(SqliteSynchronous::Normal)
            .pragma("temp_store", "memory")
            // Reads through the OS page cache instead of a pread per page.
            .pragma("mmap_size", MMAP_BYTES)
            .pragma("cache_size", READER_CACHE);
        let writer = options.clone().create_if_missing(true).journal_mode(SqliteJournalMode::Wal);
        let write = writer_pool_options()
            .connect_with(writer.pragma("cache_size", WRITER_CACHE))
            .await
            .map_err(db)?;
        let read = SqlitePoolOptions::new()
            .max_connections(READ_CONNECTIONS)
            .connect_with(options.read_only(true))
            .await
            .map_err(db)?;
        Ok(Self { write, read, ingest_queue: Arc::default() })
    }

    /// A private in-memory database, gone when the store is dropped. Reads and writes share
    /// its one connection, which is never closed (closing it would drop the database). Call
    /// [`Store::migrate`] before use.
    pub async fn in_memory() -> StoreResult<Self> {
        let options = SqliteConnectOptions::from_str("sqlite::memory:").map_err(db)?.foreign_keys(true);
        let pool = writer_pool_options().connect_with(options).await.map_err(db)?;
        Ok(Self { write: pool.clone(), read: pool, ingest_queue: Arc::default() })
    }

    /// Closes both pools, checkpointing the WAL.
    pub async fn close(&self) {
        self.read.close().await;
        self.write.close().await;
    }

    /// A write transaction. `IMMEDIATE` takes SQLite's write lock up front, so a transaction
    /// that reads before it writes cannot fail half-way on a lock upgrade.
    async fn begin_write(&self) -> StoreResult<Transaction<'static, Sqlite>> {
        self.write.begin_with("BEGIN IMMEDIATE").await.map_err(db)
    }

    /// A connection for reads outside any write transaction.
    async fn reader(&self) -> StoreResult<PoolConnection<Sqlite>> {
        self.read.acquire().await.map_err(db)
    }
}

/// The pool of the one write connection: always open (an in-memory database lives only as
/// long as its connection), and carrying ingest's trigger.
fn writer_pool_options() -> SqlitePoolOptions {
    SqlitePoolOptions::new()
        .max_connections(1)
        .min_connections(1)
        .idle_timeout(None)
        .max_lifetime(None)
        .after_connect(|connection, _| {
            Box::pin(async move {
                sqlx::raw_sql(ingest::INSTALL).execute(connection).await?;
                Ok(())
            })
        })
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
impl Store for SqliteStore {
    fn backend_name(&self) -> &'static str {
        "sqlite"
    }

    async fn migrate(&self) -> StoreResult<()> {
        migrator().run(&self.write).await.map_err(ascolto_store::StoreError::backend)
    }

    async fn create_customer(&self, new: NewCustomer, now: DateTime<Utc>) -> StoreResult<Customer> {
        let mut tx = self.begin_write().await?;
        let customer = customers::create(&mut tx, new, now).await?;
        tx.commit().await.map_err(db)?;
        Ok(customer)
    }

    async fn get_customer(&self, id: CustomerId) -> StoreResult<Customer> {
        customers::load(&mut *self.reader().await?, id).await
    }

    async fn get_customers(&self, ids: &[CustomerId]) -> StoreResult<Vec<Customer>> {
        customers::load_many(&mut *self.reader().await?, ids).await
    }

    async fn find_customer_by_identity(&self, identity: &Identity) -> StoreResult<Option<Customer>> {
        customers::find_by_identity(&mut *self.reader().await?, identity).await
    }

    async fn update_customer(
        &self,
        id: CustomerId,
        patch: CustomerPatch,
        now: DateTime<Utc>,
    ) -> StoreResult<Customer> {
        let mut tx = self.begin_write().await?;
        let customer = customers::update(&mut tx, id, patch, now).await?;
        tx.commit().await.map_err(db)?;
        Ok(customer)
    }

    async fn list_customers(&self, page: PageRequest) -> StoreResult<Page<Customer>> {
        customers::list(&mut *self.reader().await?, page).await
    }

    async fn search_customers(&self, query: &Query, page: PageRequest) -> StoreResult<Page<Customer>> {
        customers::search(&mut *self.reader().await?, query, page).await
    }

    async fn merge_customers(
        &self,
        survivor: CustomerId,
        merged: CustomerId,
        now: DateTime<Utc>,
    ) -> StoreResult<Customer> {
        let mut tx = self.begin_write().await?;
        let customer = customers::merge(&mut tx, survivor, merged, now).await?;
        tx.commit().await.map_err(db)?;
        Ok(customer)
    }

    async fn ingest(&self, inbound: InboundMessage) -> StoreResult<Ingested> {
        let prepared = ingest::Prepared::new(inbound)?;
        self.ingest_queue.ingest(&self.write, prepared).await
    }

    async fn add_agent_message(&self, new: NewAgentMessage) -> StoreResult<Message> {
        let tokens = ingest::tokens_of(&new.text);
        let mut tx = self.begin_write().await?;
        let message = ingest::add_agent_message(&mut tx, &new, &tokens).await?;
        tx.commit().await.map_err(db)?;
        Ok(message)
    }

    async fn get_conversation(&self, id: ConversationId) -> StoreResult<Conversation> {
        conversations::load(&mut *self.reader().await?, id).await
    }

    async fn list_conversations(
        &self,
        filter: &ConversationFilter,
        visibility: &Visibility,
        page: PageRequest,
    ) -> StoreResult<Page<Conversation>> {
        conversations::list(&mut *self.reader().await?, filter, visibility, page).await
    }

    async fn update_conversation(
        &self,
        id: ConversationId,
        patch: ConversationPatch,
        now: DateTime<Utc>,
    ) -> StoreResult<Conversation> {
        let mut tx = self.begin_write().await?;
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
        let mut tx = self.begin_write().await?;
        let conversation = conversations::merge(&mut tx, survivor, merged, now).await?;
        tx.commit().await.map_err(db)?;
        Ok(conversation)
    }

    async fn list_messages(
        &self,
        conversation: ConversationId,
        page: PageRequest,
    ) -> StoreResult<Page<Message>> {
        messages::list(&mut *self.reader().await?, conversation, page).await
    }

    async fn get_message(&self, id: MessageId) -> StoreResult<Message> {
        messages::load(&mut *self.reader().await?, id).await
    }

    async fn search_messages(
        &self,
        query: &Query,
        visibility: &Visibility,
        page: PageRequest,
    ) -> StoreResult<Page<MessageHit>> {
        messages::search(&mut *self.reader().await?, query, visibility, page).await
    }

    async fn claim_outbox(
        &self,
        now: DateTime<Utc>,
        lease_until: DateTime<Utc>,
        limit: u32,
    ) -> StoreResult<Vec<OutboxJob>> {
        let mut tx = self.begin_write().await?;
        let jobs = outbox::claim(&mut tx, now, lease_until, limit).await?;
        tx.commit().await.map_err(db)?;
        Ok(jobs)
    }

    async fn finish_outbox(&self, job: i64, outcome: DeliveryOutcome, now: DateTime<Utc>) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        outbox::finish(&mut tx, job, outcome, now).await?;
        tx.commit().await.map_err(db)
    }

    async fn count_agents(&self) -> StoreResult<i64> {
        agents::count(&mut *self.reader().await?).await
    }

    async fn create_agent(&self, new: NewAgent) -> StoreResult<Agent> {
        let mut tx = self.begin_write().await?;
        let agent = agents::create(&mut tx, new).await?;
        tx.commit().await.map_err(db)?;
        Ok(agent)
    }

    async fn get_agent(&self, id: AgentId) -> StoreResult<Agent> {
        agents::load(&mut *self.reader().await?, id).await
    }

    async fn update_agent(&self, id: AgentId, patch: AgentPatch) -> StoreResult<Agent> {
        let mut tx = self.begin_write().await?;
        let agent = agents::update(&mut tx, id, patch).await?;
        tx.commit().await.map_err(db)?;
        Ok(agent)
    }

    async fn list_agents(&self, page: PageRequest) -> StoreResult<Page<Agent>> {
        agents::list(&mut *self.reader().await?, page).await
    }

    async fn agent_credentials(&self, email: &str) -> StoreResult<Option<(Agent, Option<String>)>> {
        agents::credentials(&mut *self.reader().await?, email).await
    }

    async fn reports_of(&self, lead: AgentId) -> StoreResult<Vec<AgentId>> {
        agents::reports_of(&mut *self.reader().await?, lead).await
    }

    async fn create_team(&self, name: &str) -> StoreResult<Team> {
        agents::create_team(&mut *self.write.acquire().await.map_err(db)?, name).await
    }

    async fn get_team(&self, id: TeamId) -> StoreResult<Team> {
        agents::load_team(&mut *self.reader().await?, id).await
    }

    async fn rename_team(&self, id: TeamId, name: &str) -> StoreResult<Team> {
        agents::rename_team(&mut *self.write.acquire().await.map_err(db)?, id, name).await
    }

    async fn list_teams(&self, page: PageRequest) -> StoreResult<Page<Team>> {
        agents::list_teams(&mut *self.reader().await?, page).await
    }

    async fn create_session(&self, session: NewSession) -> StoreResult<()> {
        auth::create_session(&mut *self.write.acquire().await.map_err(db)?, session).await
    }

    async fn get_session(
        &self,
        token_hash: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<Option<(Session, Agent)>> {
        auth::get_session(&mut *self.reader().await?, token_hash, now).await
    }

    async fn delete_session(&self, token_hash: &str) -> StoreResult<()> {
        auth::delete_session(&mut *self.write.acquire().await.map_err(db)?, token_hash).await
    }

    async fn create_api_token(
        &self,
        agent: AgentId,
        name: &str,
        token_hash: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<ApiToken> {
        let mut conn = self.write.acquire().await.map_err(db)?;
        auth::create_api_token(&mut conn, agent, name, token_hash, now).await
    }

    async fn agent_for_api_token(&self, token_hash: &str, now: DateTime<Utc>) -> StoreResult<Option<Agent>> {
        // Looked up on a reader; the writer is only taken when the last use is worth recording.
        let found = auth::find_api_token(&mut *self.reader().await?, token_hash).await?;
        let Some((token, agent, last_used_at)) = found else { return Ok(None) };
        if auth::use_is_news(last_used_at, now) {
            auth::record_use(&mut *self.write.acquire().await.map_err(db)?, token, now).await?;
        }
        agents::load(&mut *self.reader().await?, agent).await.map(Some)
    }

    async fn list_api_tokens(&self, agent: AgentId) -> StoreResult<Vec<ApiToken>> {
        auth::list_api_tokens(&mut *self.reader().await?, agent).await
    }

    async fn revoke_api_token(&self, id: i64) -> StoreResult<()> {
        auth::revoke_api_token(&mut *self.write.acquire().await.map_err(db)?, id).await
    }

    // --- ui ---

    async fn create_macro(&self, new: NewMacro, now: DateTime<Utc>) -> StoreResult<Macro> {
        ui::create(&mut *self.write.acquire().await.map_err(db)?, new, now).await
    }

    async fn list_macros(&self) -> StoreResult<Vec<Macro>> {
        ui::list(&mut *self.reader().await?).await
    }

    async fn get_macro(&self, id: i64) -> StoreResult<Macro> {
        ui::load(&mut *self.reader().await?, id).await
    }

    async fn update_macro(&self, id: i64, new: NewMacro, now: DateTime<Utc>) -> StoreResult<Macro> {
        ui::update(&mut *self.write.acquire().await.map_err(db)?, id, new, now).await
    }

    async fn delete_macro(&self, id: i64) -> StoreResult<()> {
        ui::delete(&mut *self.write.acquire().await.map_err(db)?, id).await
    }

    // --- queue ---

    async fn queue_states(&self, ids: &[ConversationId]) -> StoreResult<Vec<QueueState>> {
        queue::states(&mut *self.reader().await?, ids).await
    }

    async fn save_queue_state(
        &self,
        id: ConversationId,
        update: QueueUpdate,
        now: DateTime<Utc>,
    ) -> StoreResult<Conversation> {
        let mut tx = self.begin_write().await?;
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
        let mut tx = self.begin_write().await?;
        let conversation = queue::set_override(&mut tx, id, overridden, now).await?;
        tx.commit().await.map_err(db)?;
        Ok(conversation)
    }

    async fn due_queue_inputs(&self, due_by: DateTime<Utc>, limit: u32) -> StoreResult<Vec<QueueInputs>> {
        queue::due_inputs(&mut *self.reader().await?, due_by, limit).await
    }

    async fn mark_queue_due(&self) -> StoreResult<u64> {
        let mut tx = self.begin_write().await?;
        let marked = queue::mark_due(&mut tx).await?;
        tx.commit().await.map_err(db)?;
        Ok(marked)
    }

    async fn save_queue_scores(&self, scores: &[QueueScore]) -> StoreResult<u64> {
        let mut tx = self.begin_write().await?;
        let changed = queue::save_scores(&mut tx, scores).await?;
        tx.commit().await.map_err(db)?;
        Ok(changed)
    }

    async fn add_checked_reply(
        &self,
        new: NewAgentMessage,
        draft_started_at: Option<DateTime<Utc>>,
    ) -> StoreResult<CheckedReply> {
        let mut tx = self.begin_write().await?;
        let outcome = queue::add_checked_reply(&mut tx, &new, draft_started_at).await?;
        tx.commit().await.map_err(db)?;
        Ok(outcome)
    }

    async fn assign_waiting(
        &self,
        scope: &AssignmentScope,
        now: DateTime<Utc>,
    ) -> StoreResult<Vec<Conversation>> {
        let mut tx = self.begin_write().await?;
        let assigned = queue::assign_waiting(&mut tx, scope, now).await?;
        tx.commit().await.map_err(db)?;
        Ok(assigned)
    }

    async fn agent_presence(&self, of: PresenceOf) -> StoreResult<Vec<AgentPresence>> {
        queue::presence(&mut *self.reader().await?, of).await
    }

    async fn record_sla_escalation(
        &self,
        escalation: &SlaEscalation,
        effect: EscalationEffect,
    ) -> StoreResult<Option<Conversation>> {
        let mut tx = self.begin_write().await?;
        let recorded = queue::record_escalation(&mut tx, escalation, effect).await?;
        tx.commit().await.map_err(db)?;
        Ok(recorded)
    }

    async fn sla_escalations(&self, ids: &[ConversationId]) -> StoreResult<Vec<SlaEscalation>> {
        queue::escalations(&mut *self.reader().await?, ids).await
    }

    async fn agent_capacity(&self, agent: AgentId) -> StoreResult<KindCounts> {
        queue::capacity(&mut *self.reader().await?, agent).await
    }

    async fn set_agent_capacity(&self, agent: AgentId, capacity: KindCounts) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        queue::set_capacity(&mut tx, agent, capacity).await?;
        tx.commit().await.map_err(db)
    }

    async fn claim_next_conversation(
        &self,
        request: &NextRequest,
        now: DateTime<Utc>,
    ) -> StoreResult<Option<Conversation>> {
        let mut tx = self.begin_write().await?;
        let claimed = queue::claim_next(&mut tx, request, now).await?;
        tx.commit().await.map_err(db)?;
        Ok(claimed)
    }

    async fn release_conversations(
        &self,
        agent: AgentId,
        now: DateTime<Utc>,
    ) -> StoreResult<Vec<Conversation>> {
        let mut tx = self.begin_write().await?;
        let released = queue::release(&mut tx, agent, now).await?;
        tx.commit().await.map_err(db)?;
        Ok(released)
    }

    async fn get_setting(&self, key: &str) -> StoreResult<Option<String>> {
        queue::get_setting(&mut *self.reader().await?, key).await
    }

    async fn put_setting(&self, key: &str, json: &str, now: DateTime<Utc>) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        queue::put_setting(&mut tx, key, json, now).await?;
        tx.commit().await.map_err(db)
    }

    async fn schedule_job(&self, new: NewJob) -> StoreResult<Job> {
        let mut tx = self.begin_write().await?;
        let job = queue::schedule(&mut tx, new).await?;
        tx.commit().await.map_err(db)?;
        Ok(job)
    }

    async fn list_jobs(&self, conversation: ConversationId) -> StoreResult<Vec<Job>> {
        queue::list_jobs(&mut *self.reader().await?, conversation).await
    }

    async fn get_job(&self, id: i64) -> StoreResult<Job> {
        queue::load_job(&mut *self.reader().await?, id).await
    }

    async fn cancel_job(&self, id: i64, now: DateTime<Utc>) -> StoreResult<Job> {
        let mut tx = self.begin_write().await?;
        let job = queue::cancel_job(&mut tx, id, now).await?;
        tx.commit().await.map_err(db)?;
        Ok(job)
    }

    async fn cancel_jobs_on_customer_reply(
        &self,
        conversation: ConversationId,
        at: DateTime<Utc>,
    ) -> StoreResult<u64> {
        let mut tx = self.begin_write().await?;
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
        let mut tx = self.begin_write().await?;
        let jobs = queue::claim_jobs(&mut tx, now, lease_until, limit).await?;
        tx.commit().await.map_err(db)?;
        Ok(jobs)
    }

    async fn finish_job(&self, id: i64, outcome: JobOutcome, now: DateTime<Utc>) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        queue::finish(&mut tx, id, outcome, now).await?;
        tx.commit().await.map_err(db)
    }

    async fn fire_reply_job(&self, id: i64, reply: NewAgentMessage) -> StoreResult<Option<Message>> {
        let mut tx = self.begin_write().await?;
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
        live::create(&mut *self.write.acquire().await.map_err(db)?, new, now).await
    }

    async fn get_channel_config(&self, id: &str) -> StoreResult<ascolto_store::ChannelConfig> {
        live::load(&mut *self.reader().await?, id).await
    }

    async fn list_channel_configs(&self) -> StoreResult<Vec<ascolto_store::ChannelConfig>> {
        live::list(&mut *self.reader().await?).await
    }

    async fn delete_channel_config(&self, id: &str) -> StoreResult<()> {
        live::delete(&mut *self.write.acquire().await.map_err(db)?, id).await
    }

    async fn update_channel_settings(
        &self,
        id: &str,
        settings: ascolto_store::ChannelSettings,
    ) -> StoreResult<ascolto_store::ChannelConfig> {
        live::update_settings(&mut *self.write.acquire().await.map_err(db)?, id, settings).await
    }

    async fn update_channel_config(
        &self,
        id: &str,
        name: &str,
        settings: &ascolto_store::ChannelSettings,
    ) -> StoreResult<ascolto_store::ChannelConfig> {
        live::update(&mut *self.write.acquire().await.map_err(db)?, id, name, settings).await
    }

    async fn update_delivery_status(
        &self,
        channel: ascolto_core::Channel,
        channel_message_id: &str,
        status: ascolto_core::DeliveryStatus,
        error: Option<String>,
    ) -> StoreResult<Option<Message>> {
        live::update_delivery(
            &mut *self.write.acquire().await.map_err(db)?,
            channel,
            channel_message_id,
            status,
            error,
        )
        .await
    }

    async fn wait_stats(
        &self,
        channel: ascolto_core::Channel,
        since: DateTime<Utc>,
    ) -> StoreResult<ascolto_store::WaitStats> {
        live::wait_stats(&mut *self.reader().await?, channel, since).await
    }

    // --- mail ---

    async fn create_mailbox(
        &self,
        new: ascolto_store::NewMailbox,
        now: DateTime<Utc>,
    ) -> StoreResult<ascolto_store::Mailbox> {
        mail::create(&mut *self.write.acquire().await.map_err(db)?, new, now).await
    }

    async fn get_mailbox(&self, id: i64) -> StoreResult<ascolto_store::Mailbox> {
        mail::load(&mut *self.reader().await?, id).await
    }

    async fn list_mailboxes(&self) -> StoreResult<Vec<ascolto_store::Mailbox>> {
        mail::list(&mut *self.reader().await?).await
    }

    async fn update_mailbox(
        &self,
        id: i64,
        new: ascolto_store::NewMailbox,
        now: DateTime<Utc>,
    ) -> StoreResult<ascolto_store::Mailbox> {
        mail::update(&mut *self.write.acquire().await.map_err(db)?, id, new, now).await
    }

    async fn delete_mailbox(&self, id: i64) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
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
        mail::claim(&mut *self.write.acquire().await.map_err(db)?, id, holder, now, lease_until).await
    }

    async fn release_mailbox(&self, id: i64, holder: &str) -> StoreResult<()> {
        mail::release(&mut *self.write.acquire().await.map_err(db)?, id, holder).await
    }

    async fn get_mail_sync(
        &self,
        mailbox: i64,
        folder: &str,
    ) -> StoreResult<Option<ascolto_store::MailSync>> {
        mail::get_sync(&mut *self.reader().await?, mailbox, folder).await
    }

    async fn save_mail_sync(
        &self,
        mailbox: i64,
        folder: &str,
        sync: ascolto_store::MailSync,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        mail::save_sync(&mut *self.write.acquire().await.map_err(db)?, mailbox, folder, sync, now).await
    }

    async fn record_mail(&self, record: ascolto_store::MailRecord, now: DateTime<Utc>) -> StoreResult<()> {
        mail::record(&mut *self.write.acquire().await.map_err(db)?, record, now).await
    }

    async fn find_mail_threads(
        &self,
        rfc_message_ids: &[String],
    ) -> StoreResult<Vec<ascolto_store::MailThreadHit>> {
        mail::find_threads(&mut *self.reader().await?, rfc_message_ids).await
    }

    async fn mail_references(
        &self,
        conversation: ConversationId,
    ) -> StoreResult<Vec<ascolto_store::MailReference>> {
        mail::references(&mut *self.reader().await?, conversation).await
    }

    async fn open_mail_conversation(
        &self,
        key: &str,
        customer: CustomerId,
        subject: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<ConversationId> {
        let mut tx = self.begin_write().await?;
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
        mail::save_attachment(&mut *self.write.acquire().await.map_err(db)?, message, position, data).await
    }

    async fn get_attachment(
        &self,
        message: ascolto_core::MessageId,
        position: i32,
    ) -> StoreResult<Option<Vec<u8>>> {
        mail::get_attachment(&mut *self.reader().await?, message, position).await
    }
}
