//! Conversations: read, list (filters, visibility, three keyset sorts), patch and merge.

use ascolto_core::agent::Visibility;
use ascolto_core::{AgentId, Conversation, ConversationId, ConversationStatus, CustomerId, Priority, TeamId};
use ascolto_store::{
    AssigneeFilter, ConversationFilter, ConversationPatch, ConversationSort, Cursor, Page, PageRequest,
    StoreError, StoreResult,
};
use chrono::{DateTime, Utc};
use sqlx::sqlite::SqliteRow;
use sqlx::{QueryBuilder, Sqlite, SqliteConnection};

use crate::error::{corrupt, db};
use crate::row::{clean, fetch_limit, get, id_array, json_list, ms, opt_ms, opt_time, time, to_json, word};

pub(crate) fn conversation(row: &SqliteRow) -> StoreResult<Conversation> {
    let rank: i64 = get(row, "priority_rank")?;
    Ok(Conversation {
        id: ConversationId(get(row, "id")?),
        customer_id: CustomerId(get(row, "customer_id")?),
        channel: word(row, "channel")?,
        subject: get(row, "subject")?,
        status: word(row, "status")?,
        priority: Priority::from_rank(rank).ok_or_else(|| corrupt(format!("priority rank {rank}")))?,
        assignee: get::<Option<i64>>(row, "assignee_id")?.map(AgentId),
        team: get::<Option<i64>>(row, "team_id")?.map(TeamId),
        tags: json_list(row, "tags")?,
        merged_into: get::<Option<i64>>(row, "merged_into")?.map(ConversationId),
        message_count: get(row, "message_count")?,
        created_at: time(row, "created_at")?,
        updated_at: time(row, "updated_at")?,
        last_message_at: time(row, "last_message_at")?,
        last_customer_message_at: opt_time(row, "last_customer_message_at")?,
        last_agent_reply_at: opt_time(row, "last_agent_reply_at")?,
        first_response_at: opt_time(row, "first_response_at")?,
        resolved_at: opt_time(row, "resolved_at")?,
        snoozed_until: opt_time(row, "snoozed_until")?,
    })
}

pub(crate) async fn load(conn: &mut SqliteConnection, id: ConversationId) -> StoreResult<Conversation> {
    let row = sqlx::query(concat!("SELECT ", conversation_columns!(), " FROM conversations WHERE id = $1"))
        .bind(id.0)
        .fetch_optional(&mut *conn)
        .await
        .map_err(db)?
        .ok_or_else(|| StoreError::not_found("conversation", id))?;
    conversation(&row)
}

/// Appends the `WHERE` terms for `visibility`; it must agree with [`Visibility::can_see`]:
/// no team, one of the teams, or assigned to one of the agents.
pub(crate) fn push_visibility(query: &mut QueryBuilder<Sqlite>, visibility: &Visibility, alias: &str) {
    if let Visibility::Scoped { teams, agents } = visibility {
        query
            .push(format_args!(
                " AND ({alias}team_id IS NULL OR {alias}team_id IN (SELECT value FROM json_each("
            ))
            .push_bind(id_array(teams.iter().map(|t| t.0)))
            .push(format_args!(")) OR {alias}assignee_id IN (SELECT value FROM json_each("))
            .push_bind(id_array(agents.iter().map(|a| a.0)))
            .push(")))");
    }
}

fn push_filter(query: &mut QueryBuilder<Sqlite>, filter: &ConversationFilter) {
    if !filter.include_merged {
        query.push(" AND merged_into IS NULL");
    }
    if let Some(status) = filter.status {
        query.push(" AND status = ").push_bind(status.as_str());
    }
    match filter.assignee {
        Some(AssigneeFilter::Unassigned) => {
            query.push(" AND assignee_id IS NULL");
        }
        Some(AssigneeFilter::Agent(agent)) => {
            query.push(" AND assignee_id = ").push_bind(agent.0);
        }
        None => {}
    }
    if let Some(team) = filter.team {
        query.push(" AND team_id = ").push_bind(team.0);
    }
    if let Some(channel) = filter.channel {
        query.push(" AND channel = ").push_bind(channel.as_str());
    }
    if let Some(priority) = filter.priority {
        query.push(" AND priority_rank = ").push_bind(priority.rank());
    }
    if let Some(customer) = filter.customer {
        query.push(" AND customer_id = ").push_bind(customer.0);
    }
}

/// Appends the keyset condition after the cursor, the order and the limit of `sort`.
fn push_order(query: &mut QueryBuilder<Sqlite>, sort: ConversationSort, page: &PageRequest) {
    match sort {
        ConversationSort::Recent => {
            if let Some((keys, id)) = page.keys(1) {
                query
                    .push(" AND (last_message_at, id) < (")
                    .push_bind(keys[0])
                    .push(", ")
                    .push_bind(id)
                    .push(")");
            }
            query.push(" ORDER BY last_message_at DESC, id DESC");
        }
        ConversationSort::Oldest => {
            if let Some((keys, id)) = page.keys(1) {
                query.push(" AND (created_at, id) > (").push_bind(keys[0]).push(", ").push_bind(id).push(")");
            }
            query.push(" ORDER BY created_at, id");
        }
        ConversationSort::Priority => {
            // The queue order (see migration 0005): level and score folded into
            // `queue_order`, then the wait, then the id.
            if let Some((keys, id)) = page.keys(2) {
                query
                    .push(" AND (queue_order, queue_since, id) > (")
                    .push_bind(keys[0])
                    .push(", ")
                    .push_bind(keys[1])
                    .push(", ")
                    .push_bind(id)
                    .push(")");
            }
            query.push(" ORDER BY queue_order, queue_since, id");
        }
    }
    query.push(" LIMIT ").push_bind(fetch_limit(page));
}

/// The cursor naming the conversation read from `row` in `sort`'s order.
fn cursor_of(sort: ConversationSort, row: &SqliteRow, conversation: &Conversation) -> StoreResult<Cursor> {
    let id = conversation.id.0;
    Ok(match sort {
        ConversationSort::Recent => Cursor::new(vec![ms(conversation.last_message_at)], id),
        ConversationSort::Oldest => Cursor::new(vec![ms(conversation.created_at)], id),
        ConversationSort::Priority => {
            Cursor::new(vec![get(row, "queue_order")?, get(row, "queue_since")?], id)
        }
    })
}

pub(crate) async fn list(
    conn: &mut SqliteConnection,
    filter: &ConversationFilter,
    visibility: &Visibility,
    page: PageRequest,
) -> StoreResult<Page<Conversation>> {
    let mut query = QueryBuilder::new(concat!(
        "SELECT ",
        conversation_columns!(),
        ", queue_order, queue_since FROM conversations WHERE 1 = 1"
    ));
    push_filter(&mut query, filter);
    push_visibility(&mut query, visibility, "");
    push_order(&mut query, filter.sort, &page);
    let rows = query.build().fetch_all(&mut *conn).await.map_err(db)?;
    let listed = rows
        .iter()
        .map(|row| {
            let conversation = conversation(row)?;
            let cursor = cursor_of(filter.sort, row, &conversation)?;
            Ok((conversation, cursor))
        })
        .collect::<StoreResult<Vec<_>>>()?;
    Ok(Page::from_rows(listed, page.limit, |(_, cursor)| cursor.clone())
        .map(|(conversation, _)| conversation))
}

/// Fails with `Invalid` when the agent or team a patch names does not exist: the request is
/// wrong, not the conversation missing.
async fn check_exists(conn: &mut SqliteConnection, table: &'static str, id: i64) -> StoreResult<()> {
    let sql = match table {
        "agents" => "SELECT 1 FROM agents WHERE id = $1",
        _ => "SELECT 1 FROM teams WHERE id = $1",
    };
    let found: Option<i64> = sqlx::query_scalar(sql).bind(id).fetch_optional(&mut *conn).await.map_err(db)?;
    match found {
        Some(_) => Ok(()),
        None => Err(StoreError::Invalid(format!("{} {id} does not exist", table.trim_end_matches('s')))),
    }
}

/// Applies `patch` to `current` in memory, with the status rules: `snoozed` needs a time,
/// `resolved` stamps `resolved_at`, and leaving either state clears its time.
fn patched(
    mut current: Conversation,
    patch: ConversationPatch,
    now: DateTime<Utc>,
) -> StoreResult<Conversation> {
    let status = patch.status.unwrap_or(current.status);
    if status == ConversationStatus::Snoozed {
        match (patch.snoozed_until, current.snoozed_until) {
            (Some(until), _) | (None, Some(until)) => current.snoozed_until = Some(until),
            (None, None) => {
                return Err(StoreError::Invalid("snoozing a conversation needs snoozed_until".into()));
            }
        }
    } else {
        current.snoozed_until = None;
    }
    if status == ConversationStatus::Resolved {
        current.resolved_at = current.resolved_at.filter(|_| current.status == status).or(Some(now));
    } else {
        current.resolved_at = None;
    }
    current.status = status;
    current.priority = patch.priority.unwrap_or(current.priority);
    current.assignee = patch.assignee.unwrap_or(current.assignee);
    current.team = patch.team.unwrap_or(current.team);
    if let Some(tags) = patch.tags {
        let mut tags: Vec<String> = tags.iter().map(|t| clean(t).into_owned()).collect();
        tags.sort();
        tags.dedup();
        current.tags = tags;
    }
    if let Some(subject) = patch.subject {
        current.subject = clean(&subject).into_owned();
    }
    current.updated_at = now;
    Ok(current)
}

pub(crate) async fn update(
    conn: &mut SqliteConnection,
    id: ConversationId,
    patch: ConversationPatch,
    now: DateTime<Utc>,
) -> StoreResult<Conversation> {
    if let Some(Some(agent)) = patch.assignee {
        check_exists(conn, "agents", agent.0).await?;
    }
    if let Some(Some(team)) = patch.team {
        check_exists(conn, "teams", team.0).await?;
    }
    let next = patched(load(conn, id).await?, patch, now)?;
    let row = sqlx::query(concat!(
        "UPDATE conversations SET status = $2, priority_rank = $3, assignee_id = $4, team_id = $5,
             tags = $6, subject = $7, snoozed_until = $8, resolved_at = $9, updated_at = $10
         WHERE id = $1 RETURNING ",
        conversation_columns!()
    ))
    .bind(id.0)
    .bind(next.status.as_str())
    .bind(next.priority.rank())
    .bind(next.assignee.map(|a| a.0))
    .bind(next.team.map(|t| t.0))
    .bind(to_json(&next.tags)?)
    .bind(&next.subject)
    .bind(opt_ms(next.snoozed_until))
    .bind(opt_ms(next.resolved_at))
    .bind(ms(now))
    .fetch_one(&mut *conn)
    .await
    .map_err(db)?;
    conversation(&row)
}

/// A conversation that has not been merged away, for a merge.
async fn live(conn: &mut SqliteConnection, id: ConversationId) -> StoreResult<Conversation> {
    let conversation = load(conn, id).await?;
    match conversation.merged_into {
        Some(into) => {
            Err(StoreError::Invalid(format!("conversation {id} was already merged into conversation {into}")))
        }
        None => Ok(conversation),
    }
}

pub(crate) async fn merge(
    conn: &mut SqliteConnection,
    survivor: ConversationId,
    merged: ConversationId,
    now: DateTime<Utc>,
) -> StoreResult<Conversation> {
    if survivor == merged {
        return Err(StoreError::Invalid(format!("conversation {survivor} cannot be merged into itself")));
    }
    let kept = live(conn, survivor).await?;
    let gone = live(conn, merged).await?;
    if kept.customer_id != gone.customer_id {
        return Err(StoreError::Invalid(format!(
            "conversations {survivor} and {merged} belong to different customers"
        )));
    }
    for sql in [
        "UPDATE messages SET conversation_id = $1 WHERE conversation_id = $2",
        "UPDATE outbox SET conversation_id = $1 WHERE conversation_id = $2",
    ] {
        sqlx::query(sql).bind(survivor.0).bind(merged.0).execute(&mut *conn).await.map_err(db)?;
    }
    sqlx::query(
        "UPDATE conversations SET merged_into = $1, status = 'resolved', message_count = 0,
             resolved_at = COALESCE(resolved_at, $3), snoozed_until = NULL, updated_at = $3
         WHERE id = $2",
    )
    .bind(survivor.0)
    .bind(merged.0)
    .bind(ms(now))
    .execute(&mut *conn)
    .await
    .map_err(db)?;
    recount(conn, kept, gone.last_message_at, now).await
}

/// Recomputes the survivor's counters and times from the messages it now holds. Its latest
/// activity is the later of the two conversations' (notes never count as activity).
async fn recount(
    conn: &mut SqliteConnection,
    kept: Conversation,
    other_last_message_at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> StoreResult<Conversation> {
    let last_message_at = ms(kept.last_message_at.max(other_last_message_at));
    let row = sqlx::query(concat!(
        "UPDATE conversations SET
             message_count = (SELECT COUNT(*) FROM messages WHERE conversation_id = $1),
             last_message_at = $2,
             last_customer_message_at = (SELECT MAX(created_at) FROM messages
                 WHERE conversation_id = $1 AND direction = 'inbound'),
             last_agent_reply_at = (SELECT MAX(created_at) FROM messages
                 WHERE conversation_id = $1 AND direction = 'outbound'),
             first_response_at = (SELECT MIN(created_at) FROM messages
                 WHERE conversation_id = $1 AND direction = 'outbound'),
             updated_at = $3
         WHERE id = $1 RETURNING ",
        conversation_columns!()
    ))
    .bind(kept.id.0)
    .bind(last_message_at)
    .bind(ms(now))
    .fetch_one(&mut *conn)
    .await
    .map_err(db)?;
    conversation(&row)
}
