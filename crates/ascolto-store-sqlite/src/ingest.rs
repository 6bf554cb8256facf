//! Writing messages: a customer's inbound message (finding the customer, threading, reopening)
//! and an agent's reply or note (with the reply's outbox row).
//!
//! Ingest is the hot path (thousands of messages a second through the API). Every statement
//! costs a round trip to SQLite's worker thread, so an inbound message takes two: one look-up
//! that answers every question (stored already? who sent it? which conversation?), then one
//! script of statements that writes everything, chained by `last_insert_rowid()`. The text is
//! analysed before the write lock is taken, and [`crate::batch`] commits many ingests at once.

use ascolto_core::search::index_tokens;
use ascolto_core::{
    Conversation, ConversationId, CustomerId, DeliveryStatus, Direction, Message, MessageId, Priority,
};
use ascolto_store::{InboundMessage, Ingested, NewAgentMessage, StoreError, StoreResult};
use sqlx::SqliteConnection;
use sqlx::sqlite::SqliteRow;

use crate::conversations::{self, conversation};
use crate::error::{corrupt, db};
use crate::messages::message;
use crate::row::{MAX_INDEX_TOKENS, clean, clean_attachments, clean_opt, ms, to_json};

/// How many merges ingest follows from an explicit conversation to the one that survived.
const MAX_MERGE_HOPS: usize = 16;

/// The most stems a customer created by ingest puts in the index (name and identity).
const NEW_CUSTOMER_TOKENS: usize = 100;

/// The search tokens of a message's text.
pub(crate) fn tokens_of(text: &str) -> String {
    index_tokens(text, MAX_INDEX_TOKENS)
}

/// An inbound message made ready to write before the write lock is taken: text cleaned of
/// NUL bytes, JSON serialised, stems computed.
#[derive(Debug)]
pub(crate) struct Prepared {
    inbound: InboundMessage,
    text: String,
    html: Option<String>,
    subject: String,
    attachments: String,
    channel_message_id: Option<String>,
    tokens: String,
    customer_name: String,
    customer_tokens: String,
}

impl Prepared {
    pub(crate) fn new(inbound: InboundMessage) -> StoreResult<Self> {
        let text = clean(&inbound.text).into_owned();
        let name = inbound.customer_name.as_deref().filter(|n| !n.trim().is_empty());
        let customer_name = clean(name.unwrap_or(&inbound.identity.value)).into_owned();
        let customer_text = format!("{customer_name} {}", inbound.identity.value);
        Ok(Self {
            tokens: tokens_of(&text),
            html: clean_opt(inbound.html.as_deref()).map(|h| h.into_owned()),
            subject: clean(&inbound.subject).into_owned(),
            attachments: to_json(&clean_attachments(&inbound.attachments))?,
            channel_message_id: clean_opt(inbound.channel_message_id.as_deref()).map(|c| c.into_owned()),
            customer_tokens: index_tokens(&customer_text, NEW_CUSTOMER_TOKENS),
            customer_name,
            text,
            inbound,
        })
    }
}

/// What one look-up tells ingest: whether the message is already stored, who sent it, and
/// their latest unresolved conversation on this channel.
struct Found {
    existing_message: Option<i64>,
    customer: Option<i64>,
    open_conversation: Option<i64>,
}

async fn look_up(conn: &mut SqliteConnection, prepared: &Prepared) -> StoreResult<Found> {
    let inbound = &prepared.inbound;
    let row: (Option<i64>, Option<i64>, Option<i64>) = sqlx::query_as(
        "WITH sender AS (SELECT customer_id FROM customer_identities WHERE kind = $3 AND value = $4)
         SELECT
             (SELECT id FROM messages WHERE channel = $1 AND channel_message_id = $2),
             (SELECT customer_id FROM sender),
             (SELECT c.id FROM conversations c
              WHERE c.customer_id = (SELECT customer_id FROM sender) AND c.channel = $1
                AND c.status <> 'resolved' AND c.merged_into IS NULL
              ORDER BY c.last_message_at DESC, c.id DESC LIMIT 1)",
    )
    .bind(inbound.channel.as_str())
    .bind(&prepared.channel_message_id)
    .bind(inbound.identity.kind.as_str())
    .bind(&inbound.identity.value)
    .fetch_one(&mut *conn)
    .await
    .map_err(db)?;
    Ok(Found { existing_message: row.0, customer: row.1, open_conversation: row.2 })
}

/// The message stored under this channel message id, if any: ingest's fast path for a
/// redelivery, answered from a reader without queueing for the writer.
pub(crate) async fn already_stored_by_channel_id(
    conn: &mut SqliteConnection,
    prepared: &Prepared,
) -> StoreResult<Option<Ingested>> {
    let Some(channel_message_id) = &prepared.channel_message_id else { return Ok(None) };
    let id: Option<i64> =
        sqlx::query_scalar("SELECT id FROM messages WHERE channel = $1 AND channel_message_id = $2")
            .bind(prepared.inbound.channel.as_str())
            .bind(channel_message_id)
            .fetch_optional(&mut *conn)
            .await
            .map_err(db)?;
    match id {
        Some(id) => already_stored(conn, MessageId(id)).await.map(Some),
        None => Ok(None),
    }
}

/// Stores one inbound message, inside the caller's write transaction.
///
/// The outer `Err` means the transaction is spoiled and must be rolled back; the inner one is
/// a refusal (a conversation of another customer, a missing one), decided before the first
/// write so the transaction stays clean for the other messages of its batch.
pub(crate) async fn ingest(
    conn: &mut SqliteConnection,
    prepared: &Prepared,
) -> StoreResult<StoreResult<Ingested>> {
    let found = look_up(conn, prepared).await?;
    if let Some(existing) = found.existing_message {
        return already_stored(conn, MessageId(existing)).await.map(Ok);
    }
    let explicit = match prepared.inbound.conversation {
        Some(id) => match explicit_conversation(conn, id, found.customer.map(CustomerId)).await {
            Ok(id) => Some(id),
            Err(StoreError::Backend(error)) => return Err(StoreError::Backend(error)),
            Err(refusal) => return Ok(Err(refusal)),
        },
        None => None,
    };
    let (script, conversation) = match explicit.or(found.open_conversation.map(ConversationId)) {
        Some(conversation) => (APPEND, Some(conversation)),
        None if found.customer.is_some() => (START, None),
        None => (CUSTOMER_AND_START, None),
    };
    let rows = write_script(conn, script, prepared, conversation).await?;
    decode_written(&rows, conversation.is_none()).map(Ok)
}

/// Reads the message and conversation rows a script returned: a script that starts a
/// conversation returns it first, one that appends returns the message first.
fn decode_written(rows: &[SqliteRow], new_conversation: bool) -> StoreResult<Ingested> {
    let [first, second] = rows else {
        return Err(corrupt(format!("ingest wrote {} rows instead of 2", rows.len())));
    };
    let (conversation_row, message_row) = if new_conversation { (first, second) } else { (second, first) };
    Ok(Ingested {
        message: message(message_row)?,
        conversation: conversation(conversation_row)?,
        created: true,
        new_conversation,
    })
}

/// The sender's customer id, found through the identity (created earlier in the script when
/// the sender is new).
macro_rules! sender {
    () => {
        "(SELECT customer_id FROM customer_identities WHERE kind = $9 AND value = $10)"
    };
}

/// Inserts the message into `$1` (returning it), records it on the conversation (returning
/// that), and indexes it: the message is the last row inserted before the index.
macro_rules! append_message {
    ($conversation:literal) => {
        concat!(
            "INSERT INTO messages (conversation_id, direction, customer_id, channel, text, html, attachments,
                 channel_message_id, delivery_status, created_at)
             VALUES (",
            $conversation,
            ", 'inbound', ",
            sender!(),
            ", $2, $3, $4, $5, $6, 'received', $7) RETURNING ",
            message_columns!(),
            ";"
        )
    };
}

/// Indexes the message inserted last (an `UPDATE` in between does not move
/// `last_insert_rowid()`).
macro_rules! index_message {
    () => {
        "INSERT INTO message_search (rowid, tokens) VALUES (last_insert_rowid(), $8);"
    };
}

/// A message in an existing conversation `$1`, which it reopens whatever its state.
const APPEND: &str = concat!(
    append_message!("$1"),
    "UPDATE conversations SET status = 'open', snoozed_until = NULL, resolved_at = NULL,
         last_customer_message_at = MAX(COALESCE(last_customer_message_at, $7), $7),
         last_message_at = MAX(last_message_at, $7),
         message_count = message_count + 1,
         updated_at = MAX(updated_at, $7)
     WHERE id = $1 RETURNING ",
    conversation_columns!(),
    ";",
    index_message!()
);

/// A new conversation for a known customer, then its first message.
const START: &str = concat!(
    "INSERT INTO conversations (customer_id, channel, subject, status, priority_rank, message_count,
         created_at, updated_at, last_message_at, last_customer_message_at)
     VALUES (",
    sender!(),
    ", $2, $11, 'open', $14, 1, $7, $7, $7, $7) RETURNING ",
    conversation_columns!(),
    ";",
    append_message!("last_insert_rowid()"),
    index_message!()
);

/// A customer seen for the first time (named by the channel or after the identity), then a
/// new conversation and its first message.
const CUSTOMER_AND_START: &str = concat!(
    "INSERT INTO customers (name, created_at, updated_at) VALUES ($12, $7, $7);
     INSERT INTO customer_identities (kind, value, customer_id) VALUES ($9, $10, last_insert_rowid());
     INSERT INTO customer_search (rowid, tokens) VALUES (",
    sender!(),
    ", $13);
     INSERT INTO conversations (customer_id, channel, subject, status, priority_rank, message_count,
         created_at, updated_at, last_message_at, last_customer_message_at)
     VALUES (",
    sender!(),
    ", $2, $11, 'open', $14, 1, $7, $7, $7, $7) RETURNING ",
    conversation_columns!(),
    ";",
    append_message!("last_insert_rowid()"),
    index_message!()
);

/// Runs one of the write scripts with the message's values as `$1`..`$14`.
async fn write_script(
    conn: &mut SqliteConnection,
    script: &'static str,
    prepared: &Prepared,
    conversation: Option<ConversationId>,
) -> StoreResult<Vec<SqliteRow>> {
    let inbound = &prepared.inbound;
    sqlx::query(script)
        .bind(conversation.map(|c| c.0))
        .bind(inbound.channel.as_str())
        .bind(&prepared.text)
        .bind(&prepared.html)
        .bind(&prepared.attachments)
        .bind(&prepared.channel_message_id)
        .bind(ms(inbound.received_at))
        .bind(&prepared.tokens)
        .bind(inbound.identity.kind.as_str())
        .bind(&inbound.identity.value)
        .bind(&prepared.subject)
        .bind(&prepared.customer_name)
        .bind(&prepared.customer_tokens)
        .bind(Priority::Normal.rank())
        .fetch_all(&mut *conn)
        .await
        .map_err(db)
}

/// A message seen before: nothing changes, and the caller learns where it is. One round trip
/// for both rows.
async fn already_stored(conn: &mut SqliteConnection, id: MessageId) -> StoreResult<Ingested> {
    let rows = sqlx::query(concat!(
        "SELECT ",
        message_columns!(),
        " FROM messages WHERE id = $1;
         SELECT ",
        conversation_columns!(),
        " FROM conversations WHERE id = (SELECT conversation_id FROM messages WHERE id = $1);"
    ))
    .bind(id.0)
    .fetch_all(&mut *conn)
    .await
    .map_err(db)?;
    let [message_row, conversation_row] = rows.as_slice() else {
        return Err(StoreError::not_found("message", id));
    };
    Ok(Ingested {
        message: message(message_row)?,
        conversation: conversation(conversation_row)?,
        created: false,
        new_conversation: false,
    })
}

/// The conversation a channel named, followed through merges; it must be the sender's (a
/// sender the store does not know yet owns no conversation at all).
async fn explicit_conversation(
    conn: &mut SqliteConnection,
    mut id: ConversationId,
    sender: Option<CustomerId>,
) -> StoreResult<ConversationId> {
    for _ in 0..MAX_MERGE_HOPS {
        let conversation = conversations::load(conn, id).await?;
        match conversation.merged_into {
            Some(survivor) => id = survivor,
            None if Some(conversation.customer_id) == sender => return Ok(id),
            None => {
                return Err(StoreError::Invalid(format!(
                    "conversation {id} belongs to customer {}, not to the sender",
                    conversation.customer_id
                )));
            }
        }
    }
    Err(StoreError::Invalid(format!("conversation {id} is at the end of too long a chain of merges")))
}

/// Adds a message's stems to the search index.
async fn index(conn: &mut SqliteConnection, id: MessageId, tokens: &str) -> StoreResult<()> {
    sqlx::query("INSERT INTO message_search (rowid, tokens) VALUES ($1, $2)")
        .bind(id.0)
        .bind(tokens)
        .execute(&mut *conn)
        .await
        .map_err(db)?;
    Ok(())
}

/// The live conversation behind `id`, following merges, for an agent's message.
async fn live_conversation(conn: &mut SqliteConnection, mut id: ConversationId) -> StoreResult<Conversation> {
    for _ in 0..MAX_MERGE_HOPS {
        let conversation = conversations::load(conn, id).await?;
        match conversation.merged_into {
            Some(survivor) => id = survivor,
            None => return Ok(conversation),
        }
    }
    Err(StoreError::Invalid(format!("conversation {id} is at the end of too long a chain of merges")))
}

pub(crate) async fn add_agent_message(
    conn: &mut SqliteConnection,
    new: &NewAgentMessage,
    tokens: &str,
) -> StoreResult<Message> {
    let conversation = live_conversation(conn, new.conversation).await?;
    let agent_exists: Option<i64> = sqlx::query_scalar("SELECT 1 FROM agents WHERE id = $1")
        .bind(new.agent.0)
        .fetch_optional(&mut *conn)
        .await
        .map_err(db)?;
    if agent_exists.is_none() {
        return Err(StoreError::Invalid(format!("agent {} does not exist", new.agent)));
    }
    let (direction, status) = if new.note {
        (Direction::Note, DeliveryStatus::Received)
    } else {
        (Direction::Outbound, DeliveryStatus::Queued)
    };
    let row = sqlx::query(concat!(
        "INSERT INTO messages (conversation_id, direction, agent_id, channel, text, html, delivery_status, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING ",
        message_columns!()
    ))
    .bind(conversation.id.0)
    .bind(direction.as_str())
    .bind(new.agent.0)
    .bind(conversation.channel.as_str())
    .bind(clean(&new.text))
    .bind(clean_opt(new.html.as_deref()))
    .bind(status.as_str())
    .bind(ms(new.created_at))
    .fetch_one(&mut *conn)
    .await
    .map_err(db)?;
    let message = message(&row)?;
    index(conn, message.id, tokens).await?;
    if new.note {
        touch_for_note(conn, conversation.id, &message).await?;
    } else {
        queue_reply(conn, &conversation, &message).await?;
    }
    Ok(message)
}

/// A note counts as a message but is no exchange with the customer: no response times move.
async fn touch_for_note(
    conn: &mut SqliteConnection,
    id: ConversationId,
    message: &Message,
) -> StoreResult<()> {
    sqlx::query(
        "UPDATE conversations SET message_count = message_count + 1, updated_at = MAX(updated_at, $2)
         WHERE id = $1",
    )
    .bind(id.0)
    .bind(ms(message.created_at))
    .execute(&mut *conn)
    .await
    .map_err(db)?;
    Ok(())
}

/// Records an agent's reply on its conversation and queues it for delivery.
async fn queue_reply(
    conn: &mut SqliteConnection,
    conversation: &Conversation,
    message: &Message,
) -> StoreResult<()> {
    let at = ms(message.created_at);
    sqlx::query(
        "UPDATE conversations SET message_count = message_count + 1,
             first_response_at = COALESCE(first_response_at, $2),
             last_agent_reply_at = MAX(COALESCE(last_agent_reply_at, $2), $2),
             last_message_at = MAX(last_message_at, $2),
             updated_at = MAX(updated_at, $2)
         WHERE id = $1",
    )
    .bind(conversation.id.0)
    .bind(at)
    .execute(&mut *conn)
    .await
    .map_err(db)?;
    sqlx::query(
        "INSERT INTO outbox (message_id, conversation_id, channel, next_attempt_at) VALUES ($1, $2, $3, $4)",
    )
    .bind(message.id.0)
    .bind(conversation.id.0)
    .bind(conversation.channel.as_str())
    .bind(at)
    .execute(&mut *conn)
    .await
    .map_err(db)?;
    Ok(())
}
