//! The live channels' area: channel settings, delivery statuses reported by a channel, and
//! the queue figures behind the widget's wait estimate.

use ascolto_core::{Channel, DeliveryStatus, Message};
use ascolto_store::{ChannelConfig, ChannelSettings, NewChannelConfig, StoreError, StoreResult, WaitStats};
use chrono::{DateTime, Utc};
use sqlx::SqliteConnection;
use sqlx::sqlite::SqliteRow;

use crate::error::{corrupt, db, db_or_conflict};
use crate::messages::message;
use crate::row::{clean, get, ms, time};

fn channel_config(row: &SqliteRow) -> StoreResult<ChannelConfig> {
    let settings: String = get(row, "settings")?;
    let settings: ChannelSettings =
        serde_json::from_str(&settings).map_err(|error| corrupt(format!("channel settings: {error}")))?;
    Ok(ChannelConfig {
        id: get(row, "id")?,
        name: get(row, "name")?,
        settings,
        created_at: time(row, "created_at")?,
    })
}

pub(crate) async fn create(
    conn: &mut SqliteConnection,
    new: NewChannelConfig,
    now: DateTime<Utc>,
) -> StoreResult<ChannelConfig> {
    let settings = serde_json::to_string(&new.settings).map_err(StoreError::backend)?;
    let id = new.id.clone();
    let row = sqlx::query(
        "INSERT INTO channels (id, kind, name, settings, created_at) VALUES ($1, $2, $3, $4, $5)
         RETURNING id, name, settings, created_at",
    )
    .bind(clean(&new.id))
    .bind(new.settings.channel().as_str())
    .bind(clean(&new.name))
    .bind(settings)
    .bind(ms(now))
    .fetch_one(&mut *conn)
    .await
    .map_err(|error| db_or_conflict(error, || format!("a channel with id {id} already exists")))?;
    channel_config(&row)
}

pub(crate) async fn load(conn: &mut SqliteConnection, id: &str) -> StoreResult<ChannelConfig> {
    let row = sqlx::query("SELECT id, name, settings, created_at FROM channels WHERE id = $1")
        .bind(id)
        .fetch_optional(&mut *conn)
        .await
        .map_err(db)?
        .ok_or_else(|| StoreError::not_found("channel", id))?;
    channel_config(&row)
}

pub(crate) async fn list(conn: &mut SqliteConnection) -> StoreResult<Vec<ChannelConfig>> {
    let rows = sqlx::query("SELECT id, name, settings, created_at FROM channels ORDER BY created_at, id")
        .fetch_all(&mut *conn)
        .await
        .map_err(db)?;
    rows.iter().map(channel_config).collect()
}

/// Renames a channel and replaces its settings; the kind of channel cannot change.
pub(crate) async fn update(
    conn: &mut SqliteConnection,
    id: &str,
    name: &str,
    settings: &ChannelSettings,
) -> StoreResult<ChannelConfig> {
    let current = load(&mut *conn, id).await?;
    if current.settings.channel() != settings.channel() {
        return Err(StoreError::Invalid(format!(
            "channel {id} is a {} channel and cannot become a {} one",
            current.settings.channel(),
            settings.channel()
        )));
    }
    let json = serde_json::to_string(settings).map_err(StoreError::backend)?;
    let row = sqlx::query(
        "UPDATE channels SET name = $2, settings = $3 WHERE id = $1 RETURNING id, name, settings, created_at",
    )
    .bind(id)
    .bind(clean(name))
    .bind(json)
    .fetch_optional(&mut *conn)
    .await
    .map_err(db)?
    .ok_or_else(|| StoreError::not_found("channel", id))?;
    channel_config(&row)
}

pub(crate) async fn delete(conn: &mut SqliteConnection, id: &str) -> StoreResult<()> {
    let deleted =
        sqlx::query("DELETE FROM channels WHERE id = $1").bind(id).execute(&mut *conn).await.map_err(db)?;
    if deleted.rows_affected() == 0 {
        return Err(StoreError::not_found("channel", id));
    }
    Ok(())
}

pub(crate) async fn update_settings(
    conn: &mut SqliteConnection,
    id: &str,
    settings: ChannelSettings,
) -> StoreResult<ChannelConfig> {
    let json = serde_json::to_string(&settings).map_err(StoreError::backend)?;
    // The kind is part of the condition, so a change of kind cannot slip in between a check
    // and the write.
    let row = sqlx::query(
        "UPDATE channels SET settings = $3 WHERE id = $1 AND kind = $2 RETURNING id, name, settings, created_at",
    )
    .bind(id)
    .bind(settings.channel().as_str())
    .bind(json)
    .fetch_optional(&mut *conn)
    .await
    .map_err(db)?;
    match row {
        Some(row) => channel_config(&row),
        None => {
            let existing = load(conn, id).await?;
            Err(StoreError::Invalid(format!(
                "channel {id} is a {} channel, not {}",
                existing.settings.channel(),
                settings.channel()
            )))
        }
    }
}

/// The rank a status must exceed the current one's by to replace it (see the trait's doc).
pub(crate) fn forward_rank(status: DeliveryStatus) -> Option<i64> {
    match status {
        DeliveryStatus::Sent => Some(1),
        DeliveryStatus::Delivered => Some(2),
        DeliveryStatus::Read | DeliveryStatus::Failed => Some(3),
        DeliveryStatus::Received | DeliveryStatus::Queued => None,
    }
}

pub(crate) async fn update_delivery(
    conn: &mut SqliteConnection,
    channel: Channel,
    channel_message_id: &str,
    status: DeliveryStatus,
    error: Option<String>,
) -> StoreResult<Option<Message>> {
    let Some(rank) = forward_rank(status) else {
        return Err(StoreError::Invalid(format!("a channel cannot report the status {status}")));
    };
    let row = sqlx::query(concat!(
        "UPDATE messages SET delivery_status = $3, delivery_error = $4
         WHERE channel = $1 AND channel_message_id = $2 AND direction = 'outbound'
           AND (CASE delivery_status WHEN 'queued' THEN 0 WHEN 'sent' THEN 1 WHEN 'delivered' THEN 2
                WHEN 'read' THEN 3 ELSE 9 END) < $5
         RETURNING ",
        message_columns!()
    ))
    .bind(channel.as_str())
    .bind(clean(channel_message_id))
    .bind(status.as_str())
    .bind(error.as_deref().map(clean))
    .bind(rank)
    .fetch_optional(&mut *conn)
    .await
    .map_err(db)?;
    row.as_ref().map(message).transpose()
}

pub(crate) async fn wait_stats(
    conn: &mut SqliteConnection,
    channel: Channel,
    since: DateTime<Utc>,
) -> StoreResult<WaitStats> {
    let row = sqlx::query(
        "SELECT
            (SELECT count(*) FROM agents WHERE active = 1 AND presence = 'online') AS online_agents,
            (SELECT count(*) FROM conversations WHERE channel = $1 AND status = 'open'
                AND first_response_at IS NULL AND merged_into IS NULL) AS waiting,
            (SELECT CAST(avg(first_response_at - created_at) AS INTEGER) FROM conversations
                WHERE channel = $1 AND created_at >= $2 AND first_response_at IS NOT NULL) AS average_ms",
    )
    .bind(channel.as_str())
    .bind(ms(since))
    .fetch_one(&mut *conn)
    .await
    .map_err(db)?;
    let average_ms: Option<i64> = get(&row, "average_ms")?;
    Ok(WaitStats {
        online_agents: get(&row, "online_agents")?,
        waiting: get(&row, "waiting")?,
        average_first_response_seconds: average_ms.map(|ms| (ms + 999) / 1000),
    })
}
