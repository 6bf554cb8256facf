//! Sign-in state: browser sessions and API tokens, both stored as hashes only.

use ascolto_core::{Agent, AgentId};
use ascolto_store::{ApiToken, NewSession, Session, StoreError, StoreResult};
use chrono::{DateTime, Utc};
use sqlx::PgConnection;
use sqlx::postgres::PgRow;

use crate::agents;
use crate::error::{db, db_or_conflict};
use crate::row::{clean, get, ms, opt_time, time};

/// How stale a token's `last_used_at` may get before a use is written down: recording every
/// request would turn each API call into a write (and a dead row to vacuum).
pub(crate) const LAST_USED_RESOLUTION_MS: i64 = 60_000;

pub(crate) async fn create_session(conn: &mut PgConnection, session: NewSession) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO sessions (token_hash, agent_id, csrf_token, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(&session.token_hash)
    .bind(session.agent.0)
    .bind(&session.csrf_token)
    .bind(ms(session.created_at))
    .bind(ms(session.expires_at))
    .execute(&mut *conn)
    .await
    .map_err(|e| db_or_conflict(e, || "a session with this token already exists".into()))?;
    Ok(())
}

/// A session that has not expired, of an agent who is still active.
pub(crate) async fn get_session(
    conn: &mut PgConnection,
    token_hash: &str,
    now: DateTime<Utc>,
) -> StoreResult<Option<(Session, Agent)>> {
    let row = sqlx::query(
        "SELECT s.agent_id, s.csrf_token, s.expires_at FROM sessions s JOIN agents a ON a.id = s.agent_id
         WHERE s.token_hash = $1 AND s.expires_at > $2 AND a.active",
    )
    .bind(token_hash)
    .bind(ms(now))
    .fetch_optional(&mut *conn)
    .await
    .map_err(db)?;
    let Some(row) = row else { return Ok(None) };
    let session = Session {
        agent: AgentId(get(&row, "agent_id")?),
        csrf_token: get(&row, "csrf_token")?,
        expires_at: time(&row, "expires_at")?,
    };
    let agent = agents::load(conn, session.agent).await?;
    Ok(Some((session, agent)))
}

pub(crate) async fn delete_session(conn: &mut PgConnection, token_hash: &str) -> StoreResult<()> {
    sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
        .bind(token_hash)
        .execute(&mut *conn)
        .await
        .map_err(db)?;
    Ok(())
}

fn api_token(row: &PgRow) -> StoreResult<ApiToken> {
    Ok(ApiToken {
        id: get(row, "id")?,
        agent_id: AgentId(get(row, "agent_id")?),
        name: get(row, "name")?,
        created_at: time(row, "created_at")?,
        last_used_at: opt_time(row, "last_used_at")?,
        revoked: get(row, "revoked")?,
    })
}

pub(crate) async fn create_api_token(
    conn: &mut PgConnection,
    agent: AgentId,
    name: &str,
    token_hash: &str,
    now: DateTime<Utc>,
) -> StoreResult<ApiToken> {
    let row = sqlx::query(
        "INSERT INTO api_tokens (agent_id, name, token_hash, created_at) VALUES ($1, $2, $3, $4)
         RETURNING id, agent_id, name, created_at, last_used_at, revoked",
    )
    .bind(agent.0)
    .bind(clean(name))
    .bind(token_hash)
    .bind(ms(now))
    .fetch_one(&mut *conn)
    .await
    .map_err(|e| match db_or_conflict(e, || "an API token with this hash already exists".into()) {
        StoreError::Invalid(_) => StoreError::not_found("agent", agent),
        other => other,
    })?;
    api_token(&row)
}

/// A usable token: `(token id, agent id, last_used_at)` of an unrevoked token whose agent is
/// active.
pub(crate) async fn find_api_token(
    conn: &mut PgConnection,
    token_hash: &str,
) -> StoreResult<Option<(i64, AgentId, Option<i64>)>> {
    let row: Option<(i64, i64, Option<i64>)> = sqlx::query_as(
        "SELECT t.id, t.agent_id, t.last_used_at FROM api_tokens t JOIN agents a ON a.id = t.agent_id
         WHERE t.token_hash = $1 AND NOT t.revoked AND a.active",
    )
    .bind(token_hash)
    .fetch_optional(&mut *conn)
    .await
    .map_err(db)?;
    Ok(row.map(|(id, agent, last_used)| (id, AgentId(agent), last_used)))
}

/// Whether a use at `now` should be written down (see [`LAST_USED_RESOLUTION_MS`]).
pub(crate) fn use_is_news(last_used_at: Option<i64>, now: DateTime<Utc>) -> bool {
    last_used_at.is_none_or(|last| ms(now) - last >= LAST_USED_RESOLUTION_MS)
}

pub(crate) async fn record_use(conn: &mut PgConnection, token: i64, now: DateTime<Utc>) -> StoreResult<()> {
    sqlx::query("UPDATE api_tokens SET last_used_at = GREATEST(last_used_at, $2) WHERE id = $1")
        .bind(token)
        .bind(ms(now))
        .execute(&mut *conn)
        .await
        .map_err(db)?;
    Ok(())
}

pub(crate) async fn list_api_tokens(conn: &mut PgConnection, agent: AgentId) -> StoreResult<Vec<ApiToken>> {
    let rows = sqlx::query(
        "SELECT id, agent_id, name, created_at, last_used_at, revoked FROM api_tokens WHERE agent_id = $1 ORDER BY id",
    )
    .bind(agent.0)
    .fetch_all(&mut *conn)
    .await
    .map_err(db)?;
    rows.iter().map(api_token).collect()
}

pub(crate) async fn revoke_api_token(conn: &mut PgConnection, id: i64) -> StoreResult<()> {
    let changed = sqlx::query("UPDATE api_tokens SET revoked = TRUE WHERE id = $1")
        .bind(id)
        .execute(&mut *conn)
        .await
        .map_err(db)?;
    if changed.rows_affected() == 0 {
        return Err(StoreError::not_found("API token", id));
    }
    Ok(())
}
