//! Writing messages: a customer's inbound message (finding the customer, threading, reopening)
//! and an agent's reply or note (with the reply's outbox row).
//!
//! Ingest is the hot path, so the common case is a few statements in one transaction: an
//! advisory lock, one look-up, the message (with its search vector) and the conversation
//! update. Text is analysed in Rust before the transaction starts.

use ascolto_core::search::index_tokens;
use ascolto_core::{
    AttachmentMeta, Conversation, ConversationId, CustomerId, DeliveryStatus, Direction, Message, MessageId,
};
use ascolto_store::{InboundMessage, Ingested, NewAgentMessage, StoreError, StoreResult};
use sqlx::PgConnection;

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

/// What ingest computes before its transaction starts: cleaned text and search tokens.
#[derive(Debug)]
pub(crate) struct Prepared {
    text: String,
    html: Option<String>,
    subject: String,
    attachments: Vec<AttachmentMeta>,
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
            attachments: clean_attachments(&inbound.attachments),
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

/// Serialises ingests of the same sender, and of the same channel message, across every node
/// until this transaction ends. Without it two messages from a new customer arriving at once
/// would create two customers (one failing on the identity) or two conversations, and a
/// redelivered message racing its first copy would fail on the unique index instead of being
/// reported as already stored. The identity lock is always taken first, so two ingests
/// cannot wait on each other in a cycle.
async fn lock_sender_and_message(conn: &mut PgConnection, inbound: &InboundMessage) -> StoreResult<()> {
    let sender = format!("identity:{}:{}", inbound.identity.kind, inbound.identity.value);
    let message =
        inbound.channel_message_id.as_deref().map(|id| format!("message:{}:{}", inbound.channel, clean(id)));
    for key in std::iter::once(sender).chain(message) {
        sqlx::query("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))")
            .bind(key)
            .execute(&mut *conn)
            .await
            .map_err(db)?;
    }
    Ok(())
}

async fn look_up(conn: &mut PgConnection, inbound: &InboundMessage) -> StoreResult<Found> {
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
    conn: &mut PgConnection,
    inbound: &InboundMessage,
    prepared: &Prepared,
) -> StoreResult<Ingested> {
    lock_sender_and_message(conn, inbound).await?;
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
    Ok(Ingested { message, conversation, created: true, new_conversation })
}

/// A message seen before: nothing changes, and the caller learns where it is.
async fn already_stored(conn: &mut PgConnection, id: MessageId) -> StoreResult<Ingested> {
    let message = messages::load(conn, id).await?;
    let conversation = conversations::load(conn, message.conversation_id).await?;
    Ok(Ingested { message, conversation, created: false, new_conversation: false })
}

/// A customer for an identity seen for the first time, named by the channel or, failing
/// that, by the identity itself.
async fn new_customer(
    conn: &mut PgConnection,
    inbound: &InboundMessage,
    prepared: &Prepared,
) -> StoreResult<CustomerId> {
    let at = ms(inbound.received_at);
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO customers (name, created_at, updated_at, search)
         VALUES ($1, $2, $2, to_tsvector('simple', $3)) RETURNING id",
    )
    .bind(&prepared.customer_name)
    .bind(at)
    .bind(index_tokens(&format!("{} {}", prepared.customer_name, inbound.identity.value), 100))
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
    Ok(CustomerId(id))
}

/// The conversation a channel named, followed through merges; it must be the sender's.
async fn explicit_conversation(
    conn: &mut PgConnection,
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
    conn: &mut PgConnection,
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
    conn: &mut PgConnection,
    inbound: &InboundMessage,
    prepared: &Prepared,
    conversation: ConversationId,
    customer: CustomerId,
) -> StoreResult<Message> {
    let row = sqlx::query(concat!(
        "INSERT INTO messages (conversation_id, direction, customer_id, channel, text, html, attachments,
             channel_message_id, delivery_status, created_at, search)
         VALUES ($1, 'inbound', $2, $3, $4, $5, $6, $7, 'received', $8, to_tsvector('simple', $9))
         RETURNING ",
        message_columns!()
    ))
    .bind(conversation.0)
    .bind(customer.0)
    .bind(inbound.channel.as_str())
    .bind(&prepared.text)
    .bind(&prepared.html)
    .bind(to_json(&prepared.attachments))
    .bind(inbound.channel_message_id.as_deref().map(clean))
    .bind(ms(inbound.received_at))
    .bind(&prepared.tokens)
    .fetch_one(&mut *conn)
    .await
    .map_err(db)?;
    message(&row)
}

/// Records a customer's message on its conversation, reopening it whatever its state.
async fn touch_inbound(
    conn: &mut PgConnection,
    id: ConversationId,
    message: &Message,
) -> StoreResult<Conversation> {
    let row = sqlx::query(concat!(
        "UPDATE conversations SET status = 'open', snoozed_until = NULL, resolved_at = NULL,
             last_customer_message_at = GREATEST(COALESCE(last_customer_message_at, $2), $2),
             last_message_at = GREATEST(last_message_at, $2),
             message_count = message_count + 1,
             updated_at = GREATEST(updated_at, $2)
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

/// The live conversation behind `id`, following merges, for an agent's message.
async fn live_conversation(conn: &mut PgConnection, mut id: ConversationId) -> StoreResult<Conversation> {
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
    conn: &mut PgConnection,
    new: &NewAgentMessage,
    tokens: &str,
) -> StoreResult<Message> {
    let conversation = live_conversation(conn, new.conversation).await?;
    let agent_exists: Option<i64> = sqlx::query_scalar("SELECT id FROM agents WHERE id = $1")
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
        "INSERT INTO messages (conversation_id, direction, agent_id, channel, text, html, delivery_status,
             created_at, search, template)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, to_tsvector('simple', $9), $10) RETURNING ",
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
    .bind(tokens)
    .bind(new.template.as_ref().map(to_json))
    .fetch_one(&mut *conn)
    .await
    .map_err(db)?;
    let message = message(&row)?;
    if new.note {
        touch_for_note(conn, conversation.id, &message).await?;
    } else {
        queue_reply(conn, &conversation, &message).await?;
    }
    Ok(message)
}

/// A note counts as a message but is no exchange with the customer: no response times move.
async fn touch_for_note(conn: &mut PgConnection, id: ConversationId, message: &Message) -> StoreResult<()> {
    sqlx::query(
        "UPDATE conversations SET message_count = message_count + 1, updated_at = GREATEST(updated_at, $2)
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
    conn: &mut PgConnection,
    conversation: &Conversation,
    message: &Message,
) -> StoreResult<()> {
    let at = ms(message.created_at);
    sqlx::query(
        "UPDATE conversations SET message_count = message_count + 1,
             first_response_at = COALESCE(first_response_at, $2),
             last_agent_reply_at = GREATEST(COALESCE(last_agent_reply_at, $2), $2),
             last_message_at = GREATEST(last_message_at, $2),
             updated_at = GREATEST(updated_at, $2)
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
