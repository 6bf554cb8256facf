//! Writing messages: a customer's inbound message (finding the customer, threading, reopening)
//! and an agent's reply or note (with the reply's outbox row).
//!
//! Ingest is the hot path (thousands of messages a second through the API), so the common
//! case is four statements in one transaction: one look-up, the message, the conversation
//! update and the search tokens. Text is analysed before the write lock is taken.

use ascolto_core::search::index_tokens;
use ascolto_core::{Conversation, ConversationId, CustomerId, DeliveryStatus, Direction, Message, MessageId};
use ascolto_store::{InboundMessage, Ingested, NewAgentMessage, StoreError, StoreResult};
use sqlx::SqliteConnection;

use crate::conversations::{self, conversation};
use crate::error::db;
use crate::messages::{self, message};
use crate::row::{MAX_INDEX_TOKENS, clean, clean_attachments, clean_opt, ms, to_json};

/// How many merges ingest follows from an explicit conversation to the one that survived.
const MAX_MERGE_HOPS: usize = 16;

/// The search tokens of a message's text.
pub(crate) fn tokens_of(text: &str) -> String {
    index_tokens(text, MAX_INDEX_TOKENS)
}

/// What ingest computes before taking the write lock: cleaned text, JSON and search tokens.
#[derive(Debug)]
pub(crate) struct Prepared {
    text: String,
    html: Option<String>,
    subject: String,
    attachments: String,
    tokens: String,
    customer_name: String,
}

impl Prepared {
    pub(crate) fn new(inbound: &InboundMessage) -> StoreResult<Self> {
        let text = clean(&inbound.text).into_owned();
        let name = inbound.customer_name.as_deref().filter(|n| !n.trim().is_empty());
        Ok(Self {
            tokens: tokens_of(&text),
            html: clean_opt(inbound.html.as_deref()).map(|h| h.into_owned()),
            subject: clean(&inbound.subject).into_owned(),
            attachments: to_json(&clean_attachments(&inbound.attachments))?,
            customer_name: clean(name.unwrap_or(&inbound.identity.value)).into_owned(),
            text,
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

async fn look_up(conn: &mut SqliteConnection, inbound: &InboundMessage) -> StoreResult<Found> {
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
    .bind(inbound.channel_message_id.as_deref().map(clean))
    .bind(inbound.identity.kind.as_str())
    .bind(&inbound.identity.value)
    .fetch_one(&mut *conn)
    .await
    .map_err(db)?;
    Ok(Found { existing_message: row.0, customer: row.1, open_conversation: row.2 })
}

pub(crate) async fn ingest(
    conn: &mut SqliteConnection,
    inbound: &InboundMessage,
    prepared: &Prepared,
) -> StoreResult<Ingested> {
    let found = look_up(conn, inbound).await?;
    if let Some(existing) = found.existing_message {
        return already_stored(conn, MessageId(existing)).await;
    }
    let customer = match found.customer {
        Some(id) => CustomerId(id),
        None => new_customer(conn, inbound, prepared).await?,
    };
    let existing_conversation = match inbound.conversation {
        Some(explicit) => Some(explicit_conversation(conn, explicit, customer).await?),
        None => found.open_conversation.map(ConversationId),
    };
    let new_conversation = existing_conversation.is_none();
    let (message, conversation) = match existing_conversation {
        Some(id) => {
            let message = insert_inbound(conn, inbound, prepared, id, customer).await?;
            let conversation = touch_inbound(conn, id, &message).await?;
            (message, conversation)
        }
        None => {
            let conversation = new_conversation_for(conn, inbound, prepared, customer).await?;
            (insert_inbound(conn, inbound, prepared, conversation.id, customer).await?, conversation)
        }
    };
    index(conn, message.id, &prepared.tokens).await?;
    Ok(Ingested { message, conversation, created: true, new_conversation })
}

/// A message seen before: nothing changes, and the caller learns where it is.
async fn already_stored(conn: &mut SqliteConnection, id: MessageId) -> StoreResult<Ingested> {
    let message = messages::load(conn, id).await?;
    let conversation = conversations::load(conn, message.conversation_id).await?;
    Ok(Ingested { message, conversation, created: false, new_conversation: false })
}

/// A customer for an identity seen for the first time, named by the channel or, failing
/// that, by the identity itself.
async fn new_customer(
    conn: &mut SqliteConnection,
    inbound: &InboundMessage,
    prepared: &Prepared,
) -> StoreResult<CustomerId> {
    let at = ms(inbound.received_at);
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO customers (name, created_at, updated_at) VALUES ($1, $2, $2) RETURNING id",
    )
    .bind(&prepared.customer_name)
    .bind(at)
    .fetch_one(&mut *conn)
    .await
    .map_err(db)?;
    sqlx::query("INSERT INTO customer_identities (kind, value, customer_id) VALUES ($1, $2, $3)")
        .bind(inbound.identity.kind.as_str())
        .bind(&inbound.identity.value)
        .bind(id)
        .execute(&mut *conn)
        .await
        .map_err(db)?;
    let text = format!("{} {}", prepared.customer_name, inbound.identity.value);
    sqlx::query("INSERT INTO customer_search (rowid, tokens) VALUES ($1, $2)")
        .bind(id)
        .bind(index_tokens(&text, 100))
        .execute(&mut *conn)
        .await
        .map_err(db)?;
    Ok(CustomerId(id))
}

/// The conversation a channel named, followed through merges; it must be the sender's.
async fn explicit_conversation(
    conn: &mut SqliteConnection,
    mut id: ConversationId,
    customer: CustomerId,
) -> StoreResult<ConversationId> {
    for _ in 0..MAX_MERGE_HOPS {
        let conversation = conversations::load(conn, id).await?;
        match conversation.merged_into {
            Some(survivor) => id = survivor,
            None if conversation.customer_id == customer => return Ok(id),
            None => {
                return Err(StoreError::Invalid(format!(
                    "conversation {id} belongs to customer {}, not to the sender (customer {customer})",
                    conversation.customer_id
                )));
            }
        }
    }
    Err(StoreError::Invalid(format!("conversation {id} is at the end of too long a chain of merges")))
}

async fn new_conversation_for(
    conn: &mut SqliteConnection,
    inbound: &InboundMessage,
    prepared: &Prepared,
    customer: CustomerId,
) -> StoreResult<Conversation> {
    let row = sqlx::query(concat!(
        "INSERT INTO conversations (customer_id, channel, subject, status, priority_rank, message_count,
             created_at, updated_at, last_message_at, last_customer_message_at)
         VALUES ($1, $2, $3, 'open', $4, 1, $5, $5, $5, $5) RETURNING ",
        conversation_columns!()
    ))
    .bind(customer.0)
    .bind(inbound.channel.as_str())
    .bind(&prepared.subject)
    .bind(ascolto_core::Priority::Normal.rank())
    .bind(ms(inbound.received_at))
    .fetch_one(&mut *conn)
    .await
    .map_err(db)?;
    conversation(&row)
}

async fn insert_inbound(
    conn: &mut SqliteConnection,
    inbound: &InboundMessage,
    prepared: &Prepared,
    conversation: ConversationId,
    customer: CustomerId,
) -> StoreResult<Message> {
    let row = sqlx::query(concat!(
        "INSERT INTO messages (conversation_id, direction, customer_id, channel, text, html, attachments,
             channel_message_id, delivery_status, created_at)
         VALUES ($1, 'inbound', $2, $3, $4, $5, $6, $7, 'received', $8) RETURNING ",
        message_columns!()
    ))
    .bind(conversation.0)
    .bind(customer.0)
    .bind(inbound.channel.as_str())
    .bind(&prepared.text)
    .bind(&prepared.html)
    .bind(&prepared.attachments)
    .bind(inbound.channel_message_id.as_deref().map(clean))
    .bind(ms(inbound.received_at))
    .fetch_one(&mut *conn)
    .await
    .map_err(db)?;
    message(&row)
}

/// Records a customer's message on its conversation, reopening it whatever its state.
async fn touch_inbound(
    conn: &mut SqliteConnection,
    id: ConversationId,
    message: &Message,
) -> StoreResult<Conversation> {
    let row = sqlx::query(concat!(
        "UPDATE conversations SET status = 'open', snoozed_until = NULL, resolved_at = NULL,
             last_customer_message_at = MAX(COALESCE(last_customer_message_at, $2), $2),
             last_message_at = MAX(last_message_at, $2),
             message_count = message_count + 1,
             updated_at = MAX(updated_at, $2)
         WHERE id = $1 RETURNING ",
        conversation_columns!()
    ))
    .bind(id.0)
    .bind(ms(message.created_at))
    .fetch_one(&mut *conn)
    .await
    .map_err(db)?;
    conversation(&row)
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
