//! Messages: read one, list a conversation's, and search them all.

use ascolto_core::agent::Visibility;
use ascolto_core::search::Query;
use ascolto_core::{AgentId, ConversationId, CustomerId, Message, MessageId};
use ascolto_store::{MessageHit, Page, PageRequest, StoreError, StoreResult};
use sqlx::sqlite::SqliteRow;
use sqlx::{QueryBuilder, SqliteConnection};

use crate::conversations::push_visibility;
use crate::error::db;
use crate::row::{cursor1, fetch_limit, get, json_list, time, word};

pub(crate) fn message(row: &SqliteRow) -> StoreResult<Message> {
    Ok(Message {
        id: MessageId(get(row, "id")?),
        conversation_id: ConversationId(get(row, "conversation_id")?),
        direction: word(row, "direction")?,
        customer_id: get::<Option<i64>>(row, "customer_id")?.map(CustomerId),
        agent_id: get::<Option<i64>>(row, "agent_id")?.map(AgentId),
        text: get(row, "text")?,
        html: get(row, "html")?,
        attachments: json_list(row, "attachments")?,
        channel_message_id: get(row, "channel_message_id")?,
        delivery_status: word(row, "delivery_status")?,
        delivery_error: get(row, "delivery_error")?,
        created_at: time(row, "created_at")?,
        template: get::<Option<String>>(row, "template")?
            .map(|json| serde_json::from_str(&json))
            .transpose()
            .map_err(|error| crate::error::corrupt(format!("template: {error}")))?,
    })
}

pub(crate) async fn load(conn: &mut SqliteConnection, id: MessageId) -> StoreResult<Message> {
    let row = sqlx::query(concat!("SELECT ", message_columns!(), " FROM messages WHERE id = $1"))
        .bind(id.0)
        .fetch_optional(&mut *conn)
        .await
        .map_err(db)?
        .ok_or_else(|| StoreError::not_found("message", id))?;
    message(&row)
}

pub(crate) async fn list(
    conn: &mut SqliteConnection,
    conversation: ConversationId,
    page: PageRequest,
) -> StoreResult<Page<Message>> {
    let exists: Option<i64> = sqlx::query_scalar("SELECT 1 FROM conversations WHERE id = $1")
        .bind(conversation.0)
        .fetch_optional(&mut *conn)
        .await
        .map_err(db)?;
    if exists.is_none() {
        return Err(StoreError::not_found("conversation", conversation));
    }
    let (after_time, after_id) = page.keys(1).map_or((i64::MIN, i64::MIN), |(keys, id)| (keys[0], id));
    let rows = sqlx::query(concat!(
        "SELECT ",
        message_columns!(),
        " FROM messages WHERE conversation_id = $1 AND (created_at, id) > ($2, $3)
         ORDER BY created_at, id LIMIT $4"
    ))
    .bind(conversation.0)
    .bind(after_time)
    .bind(after_id)
    .bind(fetch_limit(&page))
    .fetch_all(&mut *conn)
    .await
    .map_err(db)?;
    let messages = rows.iter().map(message).collect::<StoreResult<Vec<_>>>()?;
    Ok(Page::from_rows(messages, page.limit, |m| cursor1(m.created_at, m.id.0)))
}

/// Messages whose stems match, newest first, in conversations `visibility` allows. An empty
/// query matches nothing.
pub(crate) async fn search(
    conn: &mut SqliteConnection,
    query: &Query,
    visibility: &Visibility,
    page: PageRequest,
) -> StoreResult<Page<MessageHit>> {
    if query.is_empty() {
        return Ok(Page { items: Vec::new(), next: None });
    }
    let mut sql = QueryBuilder::new(
        "SELECT m.id, m.conversation_id, m.direction, m.customer_id, m.agent_id, m.text, m.html,
             m.attachments, m.channel_message_id, m.delivery_status, m.delivery_error, m.created_at,
             m.template, c.subject AS conversation_subject, c.customer_id AS conversation_customer_id
         FROM message_search s
         JOIN messages m ON m.id = s.rowid
         JOIN conversations c ON c.id = m.conversation_id
         WHERE message_search MATCH ",
    );
    sql.push_bind(query.to_fts5());
    push_visibility(&mut sql, visibility, "c.");
    if let Some((keys, id)) = page.keys(1) {
        sql.push(" AND (m.created_at, m.id) < (").push_bind(keys[0]).push(", ").push_bind(id).push(")");
    }
    sql.push(" ORDER BY m.created_at DESC, m.id DESC LIMIT ").push_bind(fetch_limit(&page));
    let rows = sql.build().fetch_all(&mut *conn).await.map_err(db)?;
    let hits = rows.iter().map(hit).collect::<StoreResult<Vec<_>>>()?;
    Ok(Page::from_rows(hits, page.limit, |h| cursor1(h.message.created_at, h.message.id.0)))
}

fn hit(row: &SqliteRow) -> StoreResult<MessageHit> {
    Ok(MessageHit {
        message: message(row)?,
        conversation_subject: get(row, "conversation_subject")?,
        customer_id: CustomerId(get(row, "conversation_customer_id")?),
    })
}
