//! Writing messages: a customer's inbound message (finding the customer, threading, reopening)
//! and an agent's reply or note (with the reply's outbox row).
//!
//! Ingest is the hot path (thousands of messages a second through the API). On 2 cores its
//! cost is dominated by round trips to SQLite's worker thread (each one a pair of thread
//! switches), not by SQLite itself. So ingest lives in SQL, in a trigger on a temporary input
//! table (see [`INSTALL`]): a whole batch of messages is inserted there by one statement and
//! written in one round trip, each message seeing the writes of those before it. The text is
//! analysed before the write lock is taken, and [`crate::batch`] gathers the batches.

use ascolto_core::search::index_tokens;
use ascolto_core::{
    Conversation, ConversationId, CustomerId, DeliveryStatus, Direction, Message, MessageId, Priority,
};
use ascolto_store::{InboundMessage, Ingested, NewAgentMessage, StoreError, StoreResult};
use sqlx::sqlite::{SqliteArguments, SqliteRow};
use sqlx::{Sqlite, SqliteConnection};

use crate::conversations::{self, conversation};
use crate::error::{corrupt, db};
use crate::messages::message;
use crate::row::{MAX_INDEX_TOKENS, clean, clean_attachments, clean_opt, get, ms, to_json};

/// How many merges ingest follows from an explicit conversation to the one that survived.
const MAX_MERGE_HOPS: usize = 16;

/// The most stems a customer created by ingest puts in the index (name and identity).
const NEW_CUSTOMER_TOKENS: usize = 100;

/// The search tokens of a message's text.
pub(crate) fn tokens_of(text: &str) -> String {
    index_tokens(text, MAX_INDEX_TOKENS)
}

/// Installs ingest on a new write connection: an input table, an output table, and a trigger
/// that ingests each input row as it is inserted. Temporary objects belong to one connection
/// and vanish with it, so this runs on every write connection the pool opens.
///
/// The trigger is the whole of ingest, for one message (`NEW`):
/// 1. note whether the channel message is stored already, and who sent it;
/// 2. a sender seen for the first time becomes a customer (named by the channel, or after the
///    identity), with the identity and search tokens;
/// 3. the conversation is the explicit one (checked beforehand, in Rust), else the sender's
///    latest unresolved one on this channel, else a new one;
/// 4. the message is inserted and indexed, and the conversation reopened and stamped.
///
/// A message stored already writes nothing but its output row. Triggers fire row by row, so a
/// message sees every write of the messages before it in the same batch.
pub(crate) const INSTALL: &str = "
CREATE TEMP TABLE IF NOT EXISTS ingest_input (
    seq INTEGER PRIMARY KEY, conversation INTEGER, channel TEXT, text TEXT, html TEXT,
    attachments TEXT, channel_message_id TEXT, at INTEGER, tokens TEXT, kind TEXT, value TEXT,
    subject TEXT, customer_name TEXT, customer_tokens TEXT, priority_rank INTEGER);
CREATE TEMP TABLE IF NOT EXISTS ingest_output (
    seq INTEGER PRIMARY KEY, existing INTEGER, customer INTEGER, new_customer INTEGER,
    conversation INTEGER, new_conversation INTEGER, message INTEGER);
CREATE TEMP TRIGGER IF NOT EXISTS ingest_row AFTER INSERT ON ingest_input WHEN NEW.channel IS NOT NULL BEGIN
    INSERT INTO ingest_output (seq, existing, customer, new_customer, new_conversation)
    SELECT NEW.seq,
        (SELECT id FROM messages WHERE channel = NEW.channel AND channel_message_id = NEW.channel_message_id),
        (SELECT customer_id FROM customer_identities WHERE kind = NEW.kind AND value = NEW.value), 0, 0;

    INSERT INTO customers (name, created_at, updated_at)
    SELECT NEW.customer_name, NEW.at, NEW.at FROM ingest_output
    WHERE seq = NEW.seq AND existing IS NULL AND customer IS NULL;
    UPDATE ingest_output SET customer = last_insert_rowid(), new_customer = 1
    WHERE seq = NEW.seq AND existing IS NULL AND customer IS NULL;
    INSERT INTO customer_identities (kind, value, customer_id)
    SELECT NEW.kind, NEW.value, customer FROM ingest_output WHERE seq = NEW.seq AND new_customer = 1;
    INSERT INTO customer_search (rowid, tokens)
    SELECT customer, NEW.customer_tokens FROM ingest_output WHERE seq = NEW.seq AND new_customer = 1;

    UPDATE ingest_output SET conversation = COALESCE(NEW.conversation, (
        SELECT c.id FROM conversations c
        WHERE c.customer_id = ingest_output.customer AND c.channel = NEW.channel
          AND c.status <> 'resolved' AND c.merged_into IS NULL
        ORDER BY c.last_message_at DESC, c.id DESC LIMIT 1))
    WHERE seq = NEW.seq AND existing IS NULL;
    INSERT INTO conversations (customer_id, channel, subject, status, priority_rank, created_at,
        updated_at, last_message_at)
    SELECT customer, NEW.channel, NEW.subject, 'open', NEW.priority_rank, NEW.at, NEW.at, NEW.at
    FROM ingest_output WHERE seq = NEW.seq AND existing IS NULL AND conversation IS NULL;
    UPDATE ingest_output SET conversation = last_insert_rowid(), new_conversation = 1
    WHERE seq = NEW.seq AND existing IS NULL AND conversation IS NULL;

    INSERT INTO messages (conversation_id, direction, customer_id, channel, text, html, attachments,
        channel_message_id, delivery_status, created_at)
    SELECT conversation, 'inbound', customer, NEW.channel, NEW.text, NEW.html, NEW.attachments,
        NEW.channel_message_id, 'received', NEW.at
    FROM ingest_output WHERE seq = NEW.seq AND existing IS NULL;
    UPDATE ingest_output SET message = last_insert_rowid() WHERE seq = NEW.seq AND existing IS NULL;
    INSERT INTO message_search (rowid, tokens)
    SELECT message, NEW.tokens FROM ingest_output WHERE seq = NEW.seq AND existing IS NULL;
    UPDATE conversations SET status = 'open', snoozed_until = NULL, resolved_at = NULL,
        last_customer_message_at = MAX(COALESCE(last_customer_message_at, NEW.at), NEW.at),
        last_message_at = MAX(last_message_at, NEW.at),
        message_count = message_count + 1,
        updated_at = MAX(updated_at, NEW.at)
    WHERE id = (SELECT conversation FROM ingest_output WHERE seq = NEW.seq AND existing IS NULL);
END;
";

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

/// The values of one input row, in the column order of [`batch_sql`].
const INPUT_COLUMNS: usize = 15;

/// Batch sizes with a statement of their own; a batch is padded with empty rows (which the
/// trigger skips) up to the next size, so that five prepared statements serve every batch.
const BATCH_SHAPES: [usize; 5] = [1, 4, 16, 64, 256];

/// The statement for batches of up to `rows` messages: clear the scratch tables, insert the
/// rows (the trigger ingests each), then read back each message's conversation (with the
/// flags) and the message, in input order.
fn batch_sql(rows: usize) -> String {
    let mut sql = String::from(
        "DELETE FROM temp.ingest_input;
         DELETE FROM temp.ingest_output;
         INSERT INTO temp.ingest_input (seq, conversation, channel, text, html, attachments,
             channel_message_id, at, tokens, kind, value, subject, customer_name, customer_tokens,
             priority_rank) VALUES ",
    );
    for row in 0..rows {
        let first = row * INPUT_COLUMNS + 1;
        let params: Vec<String> = (first..first + INPUT_COLUMNS).map(|n| format!("${n}")).collect();
        sql.push_str(if row == 0 { "(" } else { ", (" });
        sql.push_str(&params.join(", "));
        sql.push(')');
    }
    sql.push_str(concat!(
        ";
         SELECT o.existing, o.new_conversation, ",
        conversation_columns!(),
        " FROM temp.ingest_output o JOIN conversations ON conversations.id =
             COALESCE(o.conversation, (SELECT conversation_id FROM messages WHERE id = o.existing))
         ORDER BY o.seq;
         SELECT ",
        message_columns!(),
        " FROM temp.ingest_output o JOIN messages ON messages.id = COALESCE(o.existing, o.message)
         ORDER BY o.seq;"
    ));
    sql
}

/// The statements of [`BATCH_SHAPES`], built once.
fn batch_statements() -> &'static [(usize, String)] {
    static STATEMENTS: std::sync::LazyLock<Vec<(usize, String)>> =
        std::sync::LazyLock::new(|| BATCH_SHAPES.iter().map(|&rows| (rows, batch_sql(rows))).collect());
    &STATEMENTS
}

/// One message as the ingest trigger reads it.
#[derive(Debug)]
struct InputRow<'a> {
    prepared: &'a Prepared,
    conversation: Option<ConversationId>,
}

impl<'a> InputRow<'a> {
    fn new(prepared: &'a Prepared, conversation: Option<ConversationId>) -> Self {
        Self { prepared, conversation }
    }
}

/// Binds one input row (`seq` first), or an empty one for padding.
fn bind_row<'q>(
    query: sqlx::query::Query<'q, Sqlite, SqliteArguments>,
    seq: usize,
    row: Option<&'q InputRow<'q>>,
) -> sqlx::query::Query<'q, Sqlite, SqliteArguments> {
    let Some(row) = row else {
        return (0..INPUT_COLUMNS).fold(query, |query, _| query.bind(None::<i64>));
    };
    let (prepared, inbound) = (row.prepared, &row.prepared.inbound);
    query
        .bind(seq as i64)
        .bind(row.conversation.map(|c| c.0))
        .bind(inbound.channel.as_str())
        .bind(prepared.text.as_str())
        .bind(prepared.html.as_deref())
        .bind(prepared.attachments.as_str())
        .bind(prepared.channel_message_id.as_deref())
        .bind(ms(inbound.received_at))
        .bind(prepared.tokens.as_str())
        .bind(inbound.identity.kind.as_str())
        .bind(inbound.identity.value.as_str())
        .bind(prepared.subject.as_str())
        .bind(prepared.customer_name.as_str())
        .bind(prepared.customer_tokens.as_str())
        .bind(Priority::Normal.rank())
}

/// Stores a batch of inbound messages, in order, inside the caller's write transaction.
///
/// The outer `Err` means the transaction is spoiled and must be rolled back; an inner one is
/// a refusal (a conversation of another customer, a missing one), decided in Rust before that
/// message's writes, so the transaction stays clean for the others. Messages naming their
/// conversation are checked in order, after everything before them has been written.
pub(crate) async fn ingest_batch(
    conn: &mut SqliteConnection,
    batch: &[&Prepared],
) -> StoreResult<Vec<StoreResult<Ingested>>> {
    let mut outcomes = Vec::with_capacity(batch.len());
    let mut pending: Vec<InputRow<'_>> = Vec::new();
    for prepared in batch {
        let Some(named) = prepared.inbound.conversation else {
            pending.push(InputRow::new(prepared, None));
            continue;
        };
        write_rows(conn, &mut pending, &mut outcomes).await?;
        match explicit_conversation(conn, named, &prepared.inbound).await {
            Ok(id) => pending.push(InputRow::new(prepared, Some(id))),
            Err(StoreError::Backend(error)) => return Err(StoreError::Backend(error)),
            Err(refusal) => outcomes.push(Err(refusal)),
        }
    }
    write_rows(conn, &mut pending, &mut outcomes).await?;
    Ok(outcomes)
}

/// Writes the pending rows, in statements of [`BATCH_SHAPES`] rows, and appends their
/// outcomes.
async fn write_rows(
    conn: &mut SqliteConnection,
    pending: &mut Vec<InputRow<'_>>,
    outcomes: &mut Vec<StoreResult<Ingested>>,
) -> StoreResult<()> {
    let statements = batch_statements();
    let mut rest: &[InputRow<'_>] = pending;
    while !rest.is_empty() {
        let (rows, sql) = statements
            .iter()
            .find(|(rows, _)| *rows >= rest.len())
            .or(statements.last())
            .ok_or_else(|| corrupt("no ingest statement"))?;
        let (chunk, later) = rest.split_at(rest.len().min(*rows));
        let mut query = sqlx::query(sql.as_str());
        for seq in 0..*rows {
            query = bind_row(query, seq, chunk.get(seq));
        }
        let read = query.fetch_all(&mut *conn).await.map_err(db)?;
        decode_chunk(&read, chunk.len(), outcomes)?;
        rest = later;
    }
    pending.clear();
    Ok(())
}

/// Decodes the rows of one statement: the conversations, then the messages.
fn decode_chunk(
    read: &[SqliteRow],
    count: usize,
    outcomes: &mut Vec<StoreResult<Ingested>>,
) -> StoreResult<()> {
    if read.len() != 2 * count {
        return Err(corrupt(format!("ingest read back {} rows for {count} messages", read.len())));
    }
    let (conversation_rows, message_rows) = read.split_at(count);
    for (conversation_row, message_row) in conversation_rows.iter().zip(message_rows) {
        outcomes.push(Ok(decode(conversation_row, message_row)?));
    }
    Ok(())
}

/// One message's conversation row (with the flags) and message row.
fn decode(conversation_row: &SqliteRow, message_row: &SqliteRow) -> StoreResult<Ingested> {
    let existing: Option<i64> = get(conversation_row, "existing")?;
    let started: i64 = get(conversation_row, "new_conversation")?;
    Ok(Ingested {
        message: message(message_row)?,
        conversation: conversation(conversation_row)?,
        created: existing.is_none(),
        new_conversation: started == 1,
    })
}

/// The sender's customer id, if the store knows the identity.
async fn sender(conn: &mut SqliteConnection, inbound: &InboundMessage) -> StoreResult<Option<CustomerId>> {
    let id: Option<i64> =
        sqlx::query_scalar("SELECT customer_id FROM customer_identities WHERE kind = $1 AND value = $2")
            .bind(inbound.identity.kind.as_str())
            .bind(&inbound.identity.value)
            .fetch_optional(&mut *conn)
            .await
            .map_err(db)?;
    Ok(id.map(CustomerId))
}

/// The conversation a channel named, followed through merges; it must be the sender's (a
/// sender the store does not know yet owns no conversation at all).
async fn explicit_conversation(
    conn: &mut SqliteConnection,
    mut id: ConversationId,
    inbound: &InboundMessage,
) -> StoreResult<ConversationId> {
    let sender = sender(conn, inbound).await?;
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
        "INSERT INTO messages (conversation_id, direction, agent_id, channel, text, html, delivery_status, created_at,
             template)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9);
         SELECT ",
        message_columns!(),
        " FROM messages WHERE id = last_insert_rowid();"
    ))
    .bind(conversation.id.0)
    .bind(direction.as_str())
    .bind(new.agent.0)
    .bind(conversation.channel.as_str())
    .bind(clean(&new.text))
    .bind(clean_opt(new.html.as_deref()))
    .bind(status.as_str())
    .bind(ms(new.created_at))
    .bind(new.template.as_ref().map(to_json).transpose()?)
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
