//! The queue area on PostgreSQL: priority inputs and overrides, the queue recompute, "my next
//! conversation", the reply collision check, agents' capacity, settings and timers.
//!
//! Several nodes may run these at once, so every check followed by a write locks what it
//! checks first: the agent's row for "my next conversation" (one claim per agent at a time),
//! the conversation's row for the reply collision check and a job firing, and candidate rows
//! and jobs are claimed with `FOR UPDATE SKIP LOCKED`.

use ascolto_core::assignment::{AgentLoad, ChannelKind, KindCounts, QueuedConversation, plan_assignments};
use ascolto_core::priority::{CustomerSignals, PriorityOverride};
use ascolto_core::{AgentId, Channel, Conversation, ConversationId, Message, Presence, Priority, TeamId};
use ascolto_store::{
    ASSIGNMENT_BATCH, AgentPresence, AssignmentScope, CandidateFilter, CheckedReply, DEFAULT_CAPACITY,
    EscalationEffect, Job, JobOutcome, JobState, NewAgentMessage, NewJob, NextRequest, PresenceOf,
    QueueInputs, QueueScore, QueueState, QueueUpdate, SlaEscalation, StoreError, StoreResult, WaitingChange,
};
use chrono::{DateTime, Utc};
use sqlx::PgConnection;
use sqlx::postgres::PgRow;

use crate::conversations::conversation;
use crate::error::{corrupt, db};
use crate::ingest;
use crate::messages::message;
use crate::row::{get, id_array, json, ms, opt_ms, opt_time, time, to_json, word};

const STATE_COLUMNS: &str = "id, urgency, anger, sentiment, abuse, language, waiting_since, queue_score, \
     computed_rank, override_rank, override_by, override_at, sla_deadline, sla_pauses, paused_since, escalated_rank";

/// A job with its conversation's latest customer message.
const JOB_SELECT: &str = "SELECT j.id, j.conversation_id, j.kind, j.due_at, j.created_at,
         j.cancel_on_customer_reply, j.created_by, j.attempts, j.done_at, j.cancelled_at,
         c.last_customer_message_at
     FROM queue_jobs j JOIN conversations c ON c.id = j.conversation_id";

fn rank(row: &PgRow, column: &str) -> StoreResult<Priority> {
    let rank: i64 = get(row, column)?;
    Priority::from_rank(rank).ok_or_else(|| corrupt(format!("{column} = {rank}")))
}

fn signals(row: &PgRow) -> StoreResult<CustomerSignals> {
    Ok(CustomerSignals {
        urgency: get(row, "urgency")?,
        anger: get(row, "anger")?,
        sentiment: get(row, "sentiment")?,
        abuse: get(row, "abuse")?,
    })
}

fn score(row: &PgRow) -> StoreResult<u16> {
    let score: i64 = get(row, "queue_score")?;
    u16::try_from(score).map_err(|_| corrupt(format!("queue_score = {score}")))
}

fn escalated(row: &PgRow) -> StoreResult<Option<Priority>> {
    match get::<Option<i64>>(row, "escalated_rank")? {
        Some(_) => rank(row, "escalated_rank").map(Some),
        None => Ok(None),
    }
}

fn state(row: &PgRow) -> StoreResult<QueueState> {
    let overridden = match get::<Option<i64>>(row, "override_rank")? {
        Some(_) => Some(PriorityOverride {
            priority: rank(row, "override_rank")?,
            by: AgentId(get(row, "override_by")?),
            at: time(row, "override_at")?,
        }),
        None => None,
    };
    Ok(QueueState {
        conversation_id: ConversationId(get(row, "id")?),
        signals: signals(row)?,
        language: get(row, "language")?,
        waiting_since: opt_time(row, "waiting_since")?,
        score: score(row)?,
        computed_level: rank(row, "computed_rank")?,
        overridden,
        sla_deadline: opt_time(row, "sla_deadline")?,
        pauses: json(row, "sla_pauses")?,
        paused_since: opt_time(row, "paused_since")?,
        escalated_level: escalated(row)?,
    })
}

pub(crate) async fn states(conn: &mut PgConnection, ids: &[ConversationId]) -> StoreResult<Vec<QueueState>> {
    let sql = format!("SELECT {STATE_COLUMNS} FROM conversations WHERE id = ANY($1)");
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(id_array(ids.iter().map(|id| id.0)))
        .fetch_all(&mut *conn)
        .await
        .map_err(db)?;
    rows.iter().map(state).collect()
}

pub(crate) async fn save_state(
    conn: &mut PgConnection,
    id: ConversationId,
    update: QueueUpdate,
    now: DateTime<Utc>,
) -> StoreResult<Conversation> {
    let (new_signals, language) = match &update.signals {
        Some((signals, language)) => (Some(*signals), language.clone()),
        None => (None, None),
    };
    let customer_wrote = match update.waiting {
        WaitingChange::CustomerWrote(at) => Some(ms(at)),
        WaitingChange::Keep => None,
    };
    let (pauses, paused_since) = match &update.pauses {
        Some((pauses, since)) => (Some(to_json(pauses.clone())), opt_ms(*since)),
        None => (None, None),
    };
    let row = sqlx::query(concat!(
        "UPDATE conversations SET
             urgency = COALESCE($2, urgency), anger = COALESCE($3, anger),
             sentiment = COALESCE($4, sentiment), abuse = COALESCE($5, abuse),
             language = CASE WHEN $6 THEN $7 ELSE language END,
             waiting_since = CASE WHEN $8 IS NULL THEN waiting_since ELSE COALESCE(waiting_since, $8) END,
             queue_score = $9,
             computed_rank = COALESCE($10, computed_rank),
             priority_rank = COALESCE(override_rank, $10, computed_rank),
             sla_deadline = $11,
             sla_pauses = COALESCE($12, sla_pauses),
             paused_since = CASE WHEN $12 IS NULL THEN paused_since ELSE $13 END,
             updated_at = GREATEST(updated_at, $14),
             rescore_at = $15
         WHERE id = $1 RETURNING ",
        conversation_columns!()
    ))
    .bind(id.0)
    .bind(new_signals.map(|s| s.urgency))
    .bind(new_signals.map(|s| s.anger))
    .bind(new_signals.map(|s| s.sentiment))
    .bind(new_signals.map(|s| s.abuse))
    .bind(new_signals.is_some())
    .bind(language)
    .bind(customer_wrote)
    .bind(i64::from(update.score))
    .bind(update.computed_level.map(Priority::rank))
    .bind(opt_ms(update.sla_deadline))
    .bind(pauses)
    .bind(paused_since)
    .bind(ms(now))
    .bind(opt_ms(update.rescore_at))
    .fetch_optional(&mut *conn)
    .await
    .map_err(db)?
    .ok_or_else(|| StoreError::not_found("conversation", id))?;
    insert_sla_checks(conn, id, &update.sla_checks, now).await?;
    conversation(&row)
}

pub(crate) async fn set_override(
    conn: &mut PgConnection,
    id: ConversationId,
    overridden: Option<PriorityOverride>,
    now: DateTime<Utc>,
) -> StoreResult<Conversation> {
    let row = sqlx::query(concat!(
        "UPDATE conversations SET override_rank = $2, override_by = $3, override_at = $4,
             priority_rank = COALESCE($2, computed_rank), updated_at = $5
         WHERE id = $1 RETURNING ",
        conversation_columns!()
    ))
    .bind(id.0)
    .bind(overridden.map(|o| o.priority.rank()))
    .bind(overridden.map(|o| o.by.0))
    .bind(overridden.map(|o| ms(o.at)))
    .bind(ms(now))
    .fetch_optional(&mut *conn)
    .await
    .map_err(db)?
    .ok_or_else(|| StoreError::not_found("conversation", id))?;
    conversation(&row)
}

pub(crate) async fn due_inputs(
    conn: &mut PgConnection,
    due_by: DateTime<Utc>,
    limit: u32,
) -> StoreResult<Vec<QueueInputs>> {
    // Read by the partial index `conversations_rescore`, soonest due first.
    let rows = sqlx::query(
        "SELECT c.id, c.channel, c.urgency, c.anger, c.sentiment, c.abuse, c.waiting_since, cu.tags,
             c.sla_deadline, c.queue_score, c.computed_rank, c.override_rank, c.escalated_rank, c.rescore_at
         FROM conversations c JOIN customers cu ON cu.id = c.customer_id
         WHERE c.status = 'open' AND c.merged_into IS NULL AND c.rescore_at <= $1
         ORDER BY c.rescore_at, c.id LIMIT $2",
    )
    .bind(ms(due_by))
    .bind(i64::from(limit))
    .fetch_all(&mut *conn)
    .await
    .map_err(db)?;
    rows.iter().map(queue_inputs).collect()
}

fn queue_inputs(row: &PgRow) -> StoreResult<QueueInputs> {
    Ok(QueueInputs {
        conversation_id: ConversationId(get(row, "id")?),
        channel: word(row, "channel")?,
        signals: signals(row)?,
        waiting_since: opt_time(row, "waiting_since")?,
        customer_tags: get(row, "tags")?,
        sla_deadline: opt_time(row, "sla_deadline")?,
        score: score(row)?,
        computed_level: rank(row, "computed_rank")?,
        overridden: get::<Option<i64>>(row, "override_rank")?.is_some(),
        escalated_level: escalated(row)?,
        rescore_at: opt_time(row, "rescore_at")?,
    })
}

pub(crate) async fn mark_due(conn: &mut PgConnection) -> StoreResult<u64> {
    let done = sqlx::query(
        "UPDATE conversations SET rescore_at = 0
         WHERE status = 'open' AND merged_into IS NULL AND rescore_at IS DISTINCT FROM 0",
    )
    .execute(&mut *conn)
    .await
    .map_err(db)?;
    Ok(done.rows_affected())
}

pub(crate) async fn save_scores(conn: &mut PgConnection, scores: &[QueueScore]) -> StoreResult<u64> {
    let ids: Vec<i64> = scores.iter().map(|s| s.conversation_id.0).collect();
    let values: Vec<i64> = scores.iter().map(|s| i64::from(s.score)).collect();
    let ranks: Vec<i64> = scores.iter().map(|s| s.computed_level.rank()).collect();
    let due: Vec<Option<i64>> = scores.iter().map(|s| opt_ms(s.rescore_at)).collect();
    let was_due: Vec<Option<i64>> = scores.iter().map(|s| opt_ms(s.was_due_at)).collect();
    // One statement for the whole batch, the rows passed as five arrays.
    let done = sqlx::query(
        "UPDATE conversations c SET queue_score = u.score, computed_rank = u.rank,
             priority_rank = COALESCE(c.override_rank, u.rank), rescore_at = u.due
         FROM UNNEST($1::BIGINT[], $2::BIGINT[], $3::BIGINT[], $4::BIGINT[], $5::BIGINT[])
             AS u (id, score, rank, due, was_due)
         WHERE c.id = u.id AND (u.was_due IS NULL OR c.rescore_at = u.was_due)",
    )
    .bind(ids)
    .bind(values)
    .bind(ranks)
    .bind(due)
    .bind(was_due)
    .execute(&mut *conn)
    .await
    .map_err(db)?;
    Ok(done.rows_affected())
}

pub(crate) async fn add_checked_reply(
    conn: &mut PgConnection,
    new: &NewAgentMessage,
    draft_started_at: Option<DateTime<Utc>>,
) -> StoreResult<CheckedReply> {
    // Racing replies to one conversation queue here, so the second sees the first.
    lock_conversation(conn, new.conversation).await?;
    if let Some(since) = draft_started_at.filter(|_| !new.note) {
        if let Some(other) = reply_since(conn, new.conversation, since).await? {
            return Ok(CheckedReply::Conflict(other));
        }
    }
    let message = ingest::add_agent_message(conn, new, &ingest::tokens_of(&new.text)).await?;
    if !new.note {
        sqlx::query("UPDATE conversations SET waiting_since = NULL, escalated_rank = NULL WHERE id = $1")
            .bind(message.conversation_id.0)
            .execute(&mut *conn)
            .await
            .map_err(db)?;
    }
    Ok(CheckedReply::Stored(message))
}

async fn lock_conversation(conn: &mut PgConnection, id: ConversationId) -> StoreResult<()> {
    sqlx::query("SELECT id FROM conversations WHERE id = $1 FOR UPDATE")
        .bind(id.0)
        .fetch_optional(&mut *conn)
        .await
        .map_err(db)?
        .ok_or_else(|| StoreError::not_found("conversation", id))?;
    Ok(())
}

/// The latest reply to the customer stored after `since`, if any.
async fn reply_since(
    conn: &mut PgConnection,
    conversation: ConversationId,
    since: DateTime<Utc>,
) -> StoreResult<Option<Message>> {
    let row = sqlx::query(concat!(
        "SELECT ",
        message_columns!(),
        " FROM messages WHERE conversation_id = $1 AND direction = 'outbound' AND created_at > $2
         ORDER BY created_at DESC, id DESC LIMIT 1"
    ))
    .bind(conversation.0)
    .bind(ms(since))
    .fetch_optional(&mut *conn)
    .await
    .map_err(db)?;
    row.as_ref().map(message).transpose()
}

pub(crate) async fn capacity(conn: &mut PgConnection, agent: AgentId) -> StoreResult<KindCounts> {
    let row: Option<(i64, i64)> =
        sqlx::query_as("SELECT live, email FROM agent_capacity WHERE agent_id = $1")
            .bind(agent.0)
            .fetch_optional(&mut *conn)
            .await
            .map_err(db)?;
    Ok(row.map_or(DEFAULT_CAPACITY, |(live, email)| KindCounts {
        live: u16::try_from(live).unwrap_or(u16::MAX),
        email: u16::try_from(email).unwrap_or(u16::MAX),
    }))
}

pub(crate) async fn set_capacity(
    conn: &mut PgConnection,
    agent: AgentId,
    capacity: KindCounts,
) -> StoreResult<()> {
    let exists: Option<i64> = sqlx::query_scalar("SELECT id FROM agents WHERE id = $1")
        .bind(agent.0)
        .fetch_optional(&mut *conn)
        .await
        .map_err(db)?;
    if exists.is_none() {
        return Err(StoreError::not_found("agent", agent));
    }
    sqlx::query(
        "INSERT INTO agent_capacity (agent_id, live, email) VALUES ($1, $2, $3)
         ON CONFLICT (agent_id) DO UPDATE SET live = excluded.live, email = excluded.email",
    )
    .bind(agent.0)
    .bind(i64::from(capacity.live))
    .bind(i64::from(capacity.email))
    .execute(&mut *conn)
    .await
    .map_err(db)?;
    Ok(())
}

/// How many open or pending conversations of each kind the agent holds.
async fn load_of(conn: &mut PgConnection, agent: AgentId) -> StoreResult<KindCounts> {
    let rows: Vec<(String, i64)> = sqlx::query_as(
        "SELECT channel, COUNT(*) FROM conversations
         WHERE assignee_id = $1 AND status IN ('open', 'pending') AND merged_into IS NULL GROUP BY channel",
    )
    .bind(agent.0)
    .fetch_all(&mut *conn)
    .await
    .map_err(db)?;
    let mut held = KindCounts::default();
    for (channel, count) in rows {
        let channel: Channel =
            channel.parse().map_err(|e: ascolto_core::ParseError| corrupt(e.to_string()))?;
        let count = u16::try_from(count).unwrap_or(u16::MAX);
        match ChannelKind::of(channel) {
            ChannelKind::Live => held.live = held.live.saturating_add(count),
            ChannelKind::Email => held.email = held.email.saturating_add(count),
        }
    }
    Ok(held)
}

/// The channels of the kinds the agent has room for.
pub(crate) fn channels_with_room(capacity: KindCounts, held: KindCounts) -> Vec<&'static str> {
    Channel::ALL
        .iter()
        .filter(|channel| {
            let kind = ChannelKind::of(**channel);
            held.get(kind) < capacity.get(kind)
        })
        .map(|channel| channel.as_str())
        .collect()
}

pub(crate) async fn claim_next(
    conn: &mut PgConnection,
    request: &NextRequest,
    now: DateTime<Utc>,
) -> StoreResult<Option<Conversation>> {
    // One claim per agent at a time, so two of theirs cannot both pass the capacity check.
    sqlx::query("SELECT id FROM agents WHERE id = $1 FOR UPDATE")
        .bind(request.agent.0)
        .fetch_optional(&mut *conn)
        .await
        .map_err(db)?
        .ok_or_else(|| StoreError::not_found("agent", request.agent))?;
    let channels = channels_with_room(request.capacity, load_of(conn, request.agent).await?);
    if channels.is_empty() {
        return Ok(None);
    }
    // `status = ANY('{open}')` rather than `status = 'open'`: it still proves the predicate of
    // the partial index `conversations_unassigned_queue`, which holds only candidates, while
    // the index on `(status, queue_order, …)` can no longer give the queue order. Given the
    // choice, PostgreSQL (15) takes that index, which also holds every assigned open
    // conversation: the claims of a busy day pile up at its front and each claim stepped over
    // them all (9 ms with 20,000 assigned, against 0.05 ms).
    let id: Option<i64> = sqlx::query_scalar(
        "SELECT id FROM conversations
         WHERE status = ANY('{open}') AND assignee_id IS NULL AND merged_into IS NULL
           AND channel = ANY($1) AND (team_id IS NULL OR team_id = ANY($2))
           AND (language IS NULL OR language = ANY($3))
         ORDER BY queue_order, queue_since, id LIMIT 1 FOR UPDATE SKIP LOCKED",
    )
    .bind(channels)
    .bind(id_array(request.teams.iter().map(|t| t.0)))
    .bind(&request.languages)
    .fetch_optional(&mut *conn)
    .await
    .map_err(db)?;
    let Some(id) = id else { return Ok(None) };
    let row = sqlx::query(concat!(
        "UPDATE conversations SET assignee_id = $2, updated_at = $3 WHERE id = $1 RETURNING ",
        conversation_columns!()
    ))
    .bind(id)
    .bind(request.agent.0)
    .bind(ms(now))
    .fetch_one(&mut *conn)
    .await
    .map_err(db)?;
    conversation(&row).map(Some)
}

pub(crate) async fn release(
    conn: &mut PgConnection,
    agent: AgentId,
    now: DateTime<Utc>,
) -> StoreResult<Vec<Conversation>> {
    let rows = sqlx::query(concat!(
        "UPDATE conversations SET assignee_id = NULL, updated_at = $2
         WHERE assignee_id = $1 AND status IN ('open', 'pending') AND merged_into IS NULL RETURNING ",
        conversation_columns!()
    ))
    .bind(agent.0)
    .bind(ms(now))
    .fetch_all(&mut *conn)
    .await
    .map_err(db)?;
    rows.iter().map(conversation).collect()
}

pub(crate) async fn get_setting(conn: &mut PgConnection, key: &str) -> StoreResult<Option<String>> {
    sqlx::query_scalar("SELECT value FROM settings WHERE key = $1")
        .bind(key)
        .fetch_optional(&mut *conn)
        .await
        .map_err(db)
}

pub(crate) async fn put_setting(
    conn: &mut PgConnection,
    key: &str,
    json: &str,
    now: DateTime<Utc>,
) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO settings (key, value, updated_at) VALUES ($1, $2, $3)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
    )
    .bind(key)
    .bind(json)
    .bind(ms(now))
    .execute(&mut *conn)
    .await
    .map_err(db)?;
    Ok(())
}

fn job(row: &PgRow) -> StoreResult<Job> {
    let kind: String = get(row, "kind")?;
    let done_at = opt_time(row, "done_at")?;
    let cancelled_at = opt_time(row, "cancelled_at")?;
    let state = match (done_at, cancelled_at) {
        (Some(_), _) => JobState::Done,
        (None, Some(_)) => JobState::Cancelled,
        (None, None) => JobState::Scheduled,
    };
    Ok(Job {
        id: get(row, "id")?,
        conversation_id: ConversationId(get(row, "conversation_id")?),
        kind: serde_json::from_str(&kind).map_err(|e| corrupt(format!("job kind: {e}")))?,
        due_at: time(row, "due_at")?,
        created_at: time(row, "created_at")?,
        cancel_on_customer_reply: get(row, "cancel_on_customer_reply")?,
        created_by: get::<Option<i64>>(row, "created_by")?.map(AgentId),
        state,
        attempts: i32::try_from(get::<i64>(row, "attempts")?).unwrap_or(i32::MAX),
        finished_at: done_at.or(cancelled_at),
        last_customer_message_at: opt_time(row, "last_customer_message_at")?,
    })
}

pub(crate) async fn load_job(conn: &mut PgConnection, id: i64) -> StoreResult<Job> {
    let row = sqlx::query(sqlx::AssertSqlSafe(format!("{JOB_SELECT} WHERE j.id = $1")))
        .bind(id)
        .fetch_optional(&mut *conn)
        .await
        .map_err(db)?
        .ok_or_else(|| StoreError::not_found("job", id))?;
    job(&row)
}

pub(crate) async fn schedule(conn: &mut PgConnection, new: NewJob) -> StoreResult<Job> {
    crate::conversations::load(conn, new.conversation).await?;
    let action = &new.action;
    let inserted: Option<i64> = sqlx::query_scalar(
        "INSERT INTO queue_jobs (conversation_id, kind, due_at, created_at, cancel_on_customer_reply,
             created_by, dedupe_key)
         VALUES ($1, $2, $3, $4, $5, $6, $7)
         ON CONFLICT (dedupe_key) DO NOTHING RETURNING id",
    )
    .bind(new.conversation.0)
    .bind(serde_json::to_string(&action.kind).map_err(StoreError::backend)?)
    .bind(ms(action.due_at))
    .bind(ms(action.created_at))
    .bind(action.cancel_on_customer_reply)
    .bind(new.created_by.map(|a| a.0))
    .bind(&new.dedupe_key)
    .fetch_optional(&mut *conn)
    .await
    .map_err(db)?;
    let id = match inserted {
        Some(id) => id,
        None => sqlx::query_scalar("SELECT id FROM queue_jobs WHERE dedupe_key = $1")
            .bind(&new.dedupe_key)
            .fetch_one(&mut *conn)
            .await
            .map_err(db)?,
    };
    load_job(conn, id).await
}

pub(crate) async fn list_jobs(
    conn: &mut PgConnection,
    conversation: ConversationId,
) -> StoreResult<Vec<Job>> {
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "{JOB_SELECT} WHERE j.conversation_id = $1 ORDER BY j.id DESC"
    )))
    .bind(conversation.0)
    .fetch_all(&mut *conn)
    .await
    .map_err(db)?;
    rows.iter().map(job).collect()
}

pub(crate) async fn cancel_job(conn: &mut PgConnection, id: i64, now: DateTime<Utc>) -> StoreResult<Job> {
    finish(conn, id, JobOutcome::Cancelled, now).await?;
    load_job(conn, id).await
}

pub(crate) async fn cancel_on_customer_reply(
    conn: &mut PgConnection,
    conversation: ConversationId,
    at: DateTime<Utc>,
) -> StoreResult<u64> {
    let done = sqlx::query(
        "UPDATE queue_jobs SET cancelled_at = $2
         WHERE conversation_id = $1 AND cancel_on_customer_reply AND created_at < $2
           AND done_at IS NULL AND cancelled_at IS NULL",
    )
    .bind(conversation.0)
    .bind(ms(at))
    .execute(&mut *conn)
    .await
    .map_err(db)?;
    Ok(done.rows_affected())
}

pub(crate) async fn claim_jobs(
    conn: &mut PgConnection,
    now: DateTime<Utc>,
    lease_until: DateTime<Utc>,
    limit: u32,
) -> StoreResult<Vec<Job>> {
    let ids: Vec<i64> = sqlx::query_scalar(
        "UPDATE queue_jobs SET leased_until = $2, attempts = attempts + 1
         WHERE id IN (SELECT id FROM queue_jobs
             WHERE done_at IS NULL AND cancelled_at IS NULL AND due_at <= $1
               AND (leased_until IS NULL OR leased_until <= $1)
             ORDER BY due_at, id LIMIT $3 FOR UPDATE SKIP LOCKED)
         RETURNING id",
    )
    .bind(ms(now))
    .bind(ms(lease_until))
    .bind(i64::from(limit))
    .fetch_all(&mut *conn)
    .await
    .map_err(db)?;
    let mut jobs = Vec::with_capacity(ids.len());
    for id in ids {
        jobs.push(load_job(conn, id).await?);
    }
    jobs.sort_by_key(|job| (job.due_at, job.id));
    Ok(jobs)
}

/// Marks a job done or cancelled unless it already finished. An unknown job is not found.
pub(crate) async fn finish(
    conn: &mut PgConnection,
    id: i64,
    outcome: JobOutcome,
    now: DateTime<Utc>,
) -> StoreResult<()> {
    let column = match outcome {
        JobOutcome::Done => "done_at",
        JobOutcome::Cancelled => "cancelled_at",
    };
    let sql = format!(
        "UPDATE queue_jobs SET {column} = $2, leased_until = NULL
         WHERE id = $1 AND done_at IS NULL AND cancelled_at IS NULL"
    );
    let done =
        sqlx::query(sqlx::AssertSqlSafe(sql)).bind(id).bind(ms(now)).execute(&mut *conn).await.map_err(db)?;
    if done.rows_affected() == 0 {
        load_job(conn, id).await?;
    }
    Ok(())
}

pub(crate) async fn fire_reply(
    conn: &mut PgConnection,
    id: i64,
    reply: &NewAgentMessage,
) -> StoreResult<Option<Message>> {
    // The conversation's lock orders this against an ingest of a customer message, which
    // updates the same row; the job's lock against another worker firing it.
    let conversation: Option<i64> =
        sqlx::query_scalar("SELECT conversation_id FROM queue_jobs WHERE id = $1 FOR UPDATE")
            .bind(id)
            .fetch_optional(&mut *conn)
            .await
            .map_err(db)?;
    let conversation = conversation.ok_or_else(|| StoreError::not_found("job", id))?;
    lock_conversation(conn, ConversationId(conversation)).await?;
    let job = load_job(conn, id).await?;
    if job.state != JobState::Scheduled {
        return Ok(None);
    }
    if ascolto_core::followup::is_cancelled(&job.action(), job.last_customer_message_at) {
        finish(conn, id, JobOutcome::Cancelled, reply.created_at).await?;
        return Ok(None);
    }
    let message = ingest::add_agent_message(conn, reply, &ingest::tokens_of(&reply.text)).await?;
    finish(conn, id, JobOutcome::Done, reply.created_at).await?;
    Ok(Some(message))
}

/// The online, active agents with their languages, teams, capacity and what they hold, their
/// rows locked in id order until the transaction ends: a "my next conversation" claim or
/// another node's pass waits, so nobody counts a load that is about to change.
pub(crate) async fn lock_online_loads(conn: &mut PgConnection) -> StoreResult<Vec<AgentLoad>> {
    let rows = sqlx::query(
        "SELECT a.id, a.languages, cap.live, cap.email FROM agents a
         LEFT JOIN agent_capacity cap ON cap.agent_id = a.id
         WHERE a.active AND a.presence = 'online' ORDER BY a.id FOR UPDATE OF a",
    )
    .fetch_all(&mut *conn)
    .await
    .map_err(db)?;
    let mut loads = Vec::with_capacity(rows.len());
    for row in &rows {
        let capacity = match (get::<Option<i64>>(row, "live")?, get::<Option<i64>>(row, "email")?) {
            (Some(live), Some(email)) => KindCounts {
                live: u16::try_from(live).unwrap_or(u16::MAX),
                email: u16::try_from(email).unwrap_or(u16::MAX),
            },
            _ => DEFAULT_CAPACITY,
        };
        loads.push(AgentLoad {
            agent_id: AgentId(get(row, "id")?),
            presence: Presence::Online,
            languages: get(row, "languages")?,
            teams: Vec::new(),
            capacity,
            assigned: KindCounts::default(),
        });
    }
    let ids = id_array(loads.iter().map(|agent| agent.agent_id.0));
    let teams: Vec<(i64, i64)> =
        sqlx::query_as("SELECT agent_id, team_id FROM agent_teams WHERE agent_id = ANY($1) ORDER BY team_id")
            .bind(&ids)
            .fetch_all(&mut *conn)
            .await
            .map_err(db)?;
    let held: Vec<(i64, String, i64)> = sqlx::query_as(
        "SELECT assignee_id, channel, COUNT(*) FROM conversations
         WHERE assignee_id = ANY($1) AND status IN ('open', 'pending') AND merged_into IS NULL
         GROUP BY assignee_id, channel",
    )
    .bind(&ids)
    .fetch_all(&mut *conn)
    .await
    .map_err(db)?;
    for load in &mut loads {
        load.teams = teams.iter().filter(|(a, _)| *a == load.agent_id.0).map(|(_, t)| TeamId(*t)).collect();
        for (_, channel, count) in held.iter().filter(|(a, _, _)| *a == load.agent_id.0) {
            let channel: Channel =
                channel.parse().map_err(|e: ascolto_core::ParseError| corrupt(e.to_string()))?;
            for _ in 0..*count {
                ascolto_store::add_to_load(&mut load.assigned, channel);
            }
        }
    }
    Ok(loads)
}

/// The next unassigned open conversations in queue order after `after` that `filter` lets
/// through, outside `scope`'s excluded teams, locked; rows another transaction holds are
/// skipped.
async fn candidates(
    conn: &mut PgConnection,
    filter: &CandidateFilter,
    scope: &AssignmentScope,
    after: (i64, i64, i64),
) -> StoreResult<Vec<(QueuedConversation, (i64, i64, i64))>> {
    let rows = sqlx::query(
        "SELECT id, channel, language, team_id, priority_rank, queue_score, queue_order, queue_since
         FROM conversations
         WHERE status = 'open' AND assignee_id IS NULL AND merged_into IS NULL
           AND (queue_order, queue_since, id) > ($1, $2, $3)
           AND channel = ANY($4)
           AND (language IS NULL OR lower(language) = ANY($5))
           AND (team_id IS NULL OR team_id = ANY($6))
           AND (team_id IS NULL OR NOT team_id = ANY($7))
         ORDER BY queue_order, queue_since, id LIMIT $8 FOR UPDATE SKIP LOCKED",
    )
    .bind(after.0)
    .bind(after.1)
    .bind(after.2)
    .bind(&filter.channels)
    .bind(&filter.languages)
    .bind(&filter.teams)
    .bind(id_array(scope.excluded_teams.iter().map(|t| t.0)))
    .bind(i64::from(ASSIGNMENT_BATCH))
    .fetch_all(&mut *conn)
    .await
    .map_err(db)?;
    rows.iter()
        .map(|row| {
            let id: i64 = get(row, "id")?;
            let queued = QueuedConversation {
                id: ConversationId(id),
                channel: word(row, "channel")?,
                language: get(row, "language")?,
                team: get::<Option<i64>>(row, "team_id")?.map(TeamId),
                level: rank(row, "priority_rank")?,
                score: score(row)?,
                waiting_since: time(row, "queue_since")?,
            };
            Ok((queued, (get(row, "queue_order")?, get(row, "queue_since")?, id)))
        })
        .collect()
}

/// One automatic assignment pass, in the caller's transaction.
pub(crate) async fn assign_waiting(
    conn: &mut PgConnection,
    scope: &AssignmentScope,
    now: DateTime<Utc>,
) -> StoreResult<Vec<Conversation>> {
    let mut loads = lock_online_loads(conn).await?;
    let mut assigned = Vec::new();
    let mut after = (i64::MIN, i64::MIN, i64::MIN);
    while let Some(filter) = ascolto_store::candidate_filter(&loads) {
        let batch = candidates(conn, &filter, scope, after).await?;
        let Some((_, last)) = batch.last() else { break };
        after = *last;
        let full_batch = batch.len() == ASSIGNMENT_BATCH as usize;
        let queue: Vec<QueuedConversation> = batch.into_iter().map(|(queued, _)| queued).collect();
        for (id, agent) in plan_assignments(&loads, &queue) {
            let row = sqlx::query(concat!(
                "UPDATE conversations SET assignee_id = $2, updated_at = $3 WHERE id = $1 RETURNING ",
                conversation_columns!()
            ))
            .bind(id.0)
            .bind(agent.0)
            .bind(ms(now))
            .fetch_one(&mut *conn)
            .await
            .map_err(db)?;
            let conversation = conversation(&row)?;
            if let Some(load) = loads.iter_mut().find(|load| load.agent_id == agent) {
                ascolto_store::add_to_load(&mut load.assigned, conversation.channel);
            }
            assigned.push(conversation);
        }
        if !full_batch {
            break;
        }
    }
    Ok(assigned)
}

pub(crate) async fn presence(conn: &mut PgConnection, of: PresenceOf) -> StoreResult<Vec<AgentPresence>> {
    let ids: Vec<i64> = match of {
        PresenceOf::Agent(agent) => vec![agent.0],
        PresenceOf::Team(team) => {
            crate::agents::load_team(conn, team).await?;
            sqlx::query_scalar(
                "SELECT a.id FROM agents a JOIN agent_teams t ON t.agent_id = a.id
                 WHERE t.team_id = $1 AND a.active ORDER BY a.id",
            )
            .bind(team.0)
            .fetch_all(&mut *conn)
            .await
            .map_err(db)?
        }
    };
    let mut found = Vec::with_capacity(ids.len());
    for id in ids {
        let agent = crate::agents::load(conn, AgentId(id)).await?;
        let capacity = capacity(conn, agent.id).await?;
        let assigned = load_of(conn, agent.id).await?;
        found.push(AgentPresence { agent, capacity, assigned });
    }
    Ok(found)
}

/// Stores the SLA check timers of a conversation, each once per time.
async fn insert_sla_checks(
    conn: &mut PgConnection,
    id: ConversationId,
    checks: &[DateTime<Utc>],
    now: DateTime<Utc>,
) -> StoreResult<()> {
    for at in checks {
        sqlx::query(
            "INSERT INTO queue_jobs (conversation_id, kind, due_at, created_at, cancel_on_customer_reply, dedupe_key)
             VALUES ($1, '{\"type\":\"sla_check\"}', $2, $3, FALSE, $4) ON CONFLICT (dedupe_key) DO NOTHING",
        )
        .bind(id.0)
        .bind(ms(*at))
        .bind(ms(now))
        .bind(ascolto_store::sla_check_key(id, *at))
        .execute(&mut *conn)
        .await
        .map_err(db)?;
    }
    Ok(())
}

pub(crate) async fn record_escalation(
    conn: &mut PgConnection,
    escalation: &SlaEscalation,
    effect: EscalationEffect,
) -> StoreResult<Option<Conversation>> {
    let id = escalation.conversation_id;
    crate::conversations::load(conn, id).await?;
    let inserted = sqlx::query(
        "INSERT INTO sla_escalations (conversation_id, event_key, metric, action, breach, deadline, fired_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (conversation_id, event_key) DO NOTHING",
    )
    .bind(id.0)
    .bind(&escalation.key)
    .bind(escalation.metric.as_str())
    .bind(escalation.action.as_str())
    .bind(escalation.breach)
    .bind(ms(escalation.deadline))
    .bind(ms(escalation.fired_at))
    .execute(&mut *conn)
    .await
    .map_err(db)?;
    if inserted.rows_affected() == 0 {
        return Ok(None);
    }
    // The override, when there is one, stays in charge; the raise lasts until an agent answers.
    let row = sqlx::query(concat!(
        "UPDATE conversations SET
             escalated_rank = CASE WHEN $3 IS NULL THEN escalated_rank ELSE LEAST(escalated_rank, $3) END,
             computed_rank = CASE WHEN $3 IS NULL THEN computed_rank ELSE LEAST(computed_rank, $3) END,
             priority_rank = COALESCE(override_rank,
                 CASE WHEN $3 IS NULL THEN computed_rank ELSE LEAST(computed_rank, $3) END),
             assignee_id = CASE WHEN $2 THEN NULL ELSE assignee_id END,
             updated_at = $4
         WHERE id = $1 RETURNING ",
        conversation_columns!()
    ))
    .bind(id.0)
    .bind(effect.unassign)
    .bind(effect.raise_to.map(Priority::rank))
    .bind(ms(escalation.fired_at))
    .fetch_one(&mut *conn)
    .await
    .map_err(db)?;
    conversation(&row).map(Some)
}

fn escalation(row: &PgRow) -> StoreResult<SlaEscalation> {
    Ok(SlaEscalation {
        conversation_id: ConversationId(get(row, "conversation_id")?),
        key: get(row, "event_key")?,
        metric: word(row, "metric")?,
        action: word(row, "action")?,
        breach: get(row, "breach")?,
        deadline: time(row, "deadline")?,
        fired_at: time(row, "fired_at")?,
    })
}

pub(crate) async fn escalations(
    conn: &mut PgConnection,
    ids: &[ConversationId],
) -> StoreResult<Vec<SlaEscalation>> {
    let rows = sqlx::query(
        "SELECT conversation_id, event_key, metric, action, breach, deadline, fired_at FROM sla_escalations
         WHERE conversation_id = ANY($1)
         ORDER BY fired_at, conversation_id, event_key",
    )
    .bind(id_array(ids.iter().map(|id| id.0)))
    .fetch_all(&mut *conn)
    .await
    .map_err(db)?;
    rows.iter().map(escalation).collect()
}
