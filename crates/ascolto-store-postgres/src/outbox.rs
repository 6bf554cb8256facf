//! The outbox: replies waiting to be delivered, leased to one worker at a time.
//!
//! A claim counts as an attempt as soon as it is made, so a message that crashes its worker
//! every time still runs out of attempts instead of looping forever.

use ascolto_core::{ConversationId, MessageId};
use ascolto_store::{DeliveryOutcome, OutboxJob, StoreError, StoreResult};
use chrono::{DateTime, Utc};
use sqlx::PgConnection;

use crate::error::db;
use crate::row::{clean, get, ms, word};

pub(crate) async fn claim(
    conn: &mut PgConnection,
    now: DateTime<Utc>,
    lease_until: DateTime<Utc>,
    limit: u32,
) -> StoreResult<Vec<OutboxJob>> {
    let rows = sqlx::query(
        "UPDATE outbox SET lease_until = $2, attempts = attempts + 1
         WHERE id IN (
             SELECT id FROM outbox
             WHERE NOT done AND next_attempt_at <= $1 AND (lease_until IS NULL OR lease_until <= $1)
             ORDER BY next_attempt_at, id LIMIT $3
             FOR UPDATE SKIP LOCKED)
         RETURNING id, message_id, conversation_id, channel, attempts",
    )
    .bind(ms(now))
    .bind(ms(lease_until))
    .bind(i64::from(limit))
    .fetch_all(&mut *conn)
    .await
    .map_err(db)?;
    let mut jobs = rows
        .iter()
        .map(|row| {
            Ok(OutboxJob {
                id: get(row, "id")?,
                message_id: MessageId(get(row, "message_id")?),
                conversation_id: ConversationId(get(row, "conversation_id")?),
                channel: word(row, "channel")?,
                attempts: get::<i32>(row, "attempts")? - 1,
            })
        })
        .collect::<StoreResult<Vec<_>>>()?;
    jobs.sort_by_key(|job| job.id);
    Ok(jobs)
}

pub(crate) async fn finish(
    conn: &mut PgConnection,
    job: i64,
    outcome: DeliveryOutcome,
    _now: DateTime<Utc>,
) -> StoreResult<()> {
    let message: i64 = sqlx::query_scalar("SELECT message_id FROM outbox WHERE id = $1")
        .bind(job)
        .fetch_optional(&mut *conn)
        .await
        .map_err(db)?
        .ok_or_else(|| StoreError::not_found("outbox job", job))?;
    match outcome {
        DeliveryOutcome::Sent { channel_message_id } => sent(conn, job, message, channel_message_id).await,
        DeliveryOutcome::Retry { error, retry_at } => {
            let error = clean(&error);
            sqlx::query(
                "UPDATE outbox SET next_attempt_at = $2, lease_until = NULL, last_error = $3 WHERE id = $1",
            )
            .bind(job)
            .bind(ms(retry_at))
            .bind(&error)
            .execute(&mut *conn)
            .await
            .map_err(db)?;
            set_delivery(conn, message, "queued", Some(&error)).await
        }
        DeliveryOutcome::Failed { error } => {
            let error = clean(&error);
            sqlx::query("UPDATE outbox SET done = TRUE, lease_until = NULL, last_error = $2 WHERE id = $1")
                .bind(job)
                .bind(&error)
                .execute(&mut *conn)
                .await
                .map_err(db)?;
            set_delivery(conn, message, "failed", Some(&error)).await
        }
    }
}

async fn sent(
    conn: &mut PgConnection,
    job: i64,
    message: i64,
    channel_message_id: Option<String>,
) -> StoreResult<()> {
    sqlx::query("UPDATE outbox SET done = TRUE, lease_until = NULL, last_error = NULL WHERE id = $1")
        .bind(job)
        .execute(&mut *conn)
        .await
        .map_err(db)?;
    set_delivery(conn, message, "sent", None).await?;
    if let Some(channel_message_id) = channel_message_id {
        // A channel may hand back an id a stored message already has (an echo of our own
        // reply ingested first); the delivery still succeeded, so the id is simply not kept.
        sqlx::query(
            "UPDATE messages SET channel_message_id = $2 WHERE id = $1 AND NOT EXISTS (
                 SELECT FROM messages other
                 WHERE other.channel = messages.channel AND other.channel_message_id = $2)",
        )
        .bind(message)
        .bind(clean(&channel_message_id))
        .execute(&mut *conn)
        .await
        .map_err(db)?;
    }
    Ok(())
}

async fn set_delivery(
    conn: &mut PgConnection,
    message: i64,
    status: &str,
    error: Option<&str>,
) -> StoreResult<()> {
    sqlx::query("UPDATE messages SET delivery_status = $2, delivery_error = $3 WHERE id = $1")
        .bind(message)
        .bind(status)
        .bind(error)
        .execute(&mut *conn)
        .await
        .map_err(db)?;
    Ok(())
}
