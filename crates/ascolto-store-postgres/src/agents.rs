//! Agents and teams.

use std::collections::HashMap;

use ascolto_core::{Agent, AgentId, EmailAddress, Presence, Team, TeamId};
use ascolto_store::{AgentPatch, Cursor, NewAgent, Page, PageRequest, StoreError, StoreResult};
use sqlx::PgConnection;
use sqlx::postgres::PgRow;

use crate::error::{corrupt, db, db_or_conflict};
use crate::row::{clean, fetch_limit, get, id_array, word};

macro_rules! agent_columns {
    () => {
        "id, name, email, role, languages, presence, reports_to, ui_language, active"
    };
}

/// An agent row, without their teams (see [`attach_teams`]).
fn agent(row: &PgRow) -> StoreResult<Agent> {
    let email: String = get(row, "email")?;
    Ok(Agent {
        id: AgentId(get(row, "id")?),
        name: get(row, "name")?,
        email: EmailAddress::parse(&email).map_err(|e| corrupt(e.to_string()))?,
        role: word(row, "role")?,
        languages: get(row, "languages")?,
        presence: word(row, "presence")?,
        teams: Vec::new(),
        reports_to: get::<Option<i64>>(row, "reports_to")?.map(AgentId),
        ui_language: get(row, "ui_language")?,
        active: get(row, "active")?,
    })
}

/// Fills in the teams of `agents` with one query.
async fn attach_teams(conn: &mut PgConnection, agents: &mut [Agent]) -> StoreResult<()> {
    if agents.is_empty() {
        return Ok(());
    }
    let rows: Vec<(i64, i64)> = sqlx::query_as(
        "SELECT agent_id, team_id FROM agent_teams
         WHERE agent_id = ANY($1) ORDER BY team_id",
    )
    .bind(id_array(agents.iter().map(|a| a.id.0)))
    .fetch_all(&mut *conn)
    .await
    .map_err(db)?;
    let mut by_agent: HashMap<i64, Vec<TeamId>> = HashMap::new();
    for (agent, team) in rows {
        by_agent.entry(agent).or_default().push(TeamId(team));
    }
    for agent in agents {
        agent.teams = by_agent.remove(&agent.id.0).unwrap_or_default();
    }
    Ok(())
}

pub(crate) async fn load(conn: &mut PgConnection, id: AgentId) -> StoreResult<Agent> {
    let row = sqlx::query(concat!("SELECT ", agent_columns!(), " FROM agents WHERE id = $1"))
        .bind(id.0)
        .fetch_optional(&mut *conn)
        .await
        .map_err(db)?
        .ok_or_else(|| StoreError::not_found("agent", id))?;
    let mut agents = vec![agent(&row)?];
    attach_teams(conn, &mut agents).await?;
    agents.pop().ok_or_else(|| StoreError::not_found("agent", id))
}

pub(crate) async fn count(conn: &mut PgConnection) -> StoreResult<i64> {
    sqlx::query_scalar("SELECT COUNT(*) FROM agents").fetch_one(&mut *conn).await.map_err(db)
}

pub(crate) async fn create(conn: &mut PgConnection, new: NewAgent) -> StoreResult<Agent> {
    let email = new.email.as_str().to_owned();
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO agents (name, email, role, password_hash, languages, presence, reports_to, ui_language)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
    )
    .bind(clean(&new.name))
    .bind(&email)
    .bind(new.role.as_str())
    .bind(new.password_hash.as_deref())
    .bind(&new.languages)
    .bind(Presence::Offline.as_str())
    .bind(new.reports_to.map(|a| a.0))
    .bind(clean(&new.ui_language))
    .fetch_one(&mut *conn)
    .await
    .map_err(|e| db_or_conflict(e, || format!("an agent with e-mail {email} already exists")))?;
    set_teams(conn, AgentId(id), &new.teams).await?;
    load(conn, AgentId(id)).await
}

/// Replaces the agent's teams; a team that does not exist is `Invalid`.
async fn set_teams(conn: &mut PgConnection, agent: AgentId, teams: &[TeamId]) -> StoreResult<()> {
    sqlx::query("DELETE FROM agent_teams WHERE agent_id = $1")
        .bind(agent.0)
        .execute(&mut *conn)
        .await
        .map_err(db)?;
    for team in teams {
        sqlx::query("INSERT INTO agent_teams (agent_id, team_id) VALUES ($1, $2) ON CONFLICT DO NOTHING")
            .bind(agent.0)
            .bind(team.0)
            .execute(&mut *conn)
            .await
            .map_err(|error| match db(error) {
                StoreError::Invalid(_) => StoreError::Invalid(format!("team {team} does not exist")),
                other => other,
            })?;
    }
    Ok(())
}

pub(crate) async fn update(conn: &mut PgConnection, id: AgentId, patch: AgentPatch) -> StoreResult<Agent> {
    if patch.reports_to == Some(Some(id)) {
        return Err(StoreError::Invalid(format!("agent {id} cannot report to themselves")));
    }
    let changed = sqlx::query(
        "UPDATE agents SET name = COALESCE($2, name), role = COALESCE($3, role),
             password_hash = COALESCE($4, password_hash), languages = COALESCE($5, languages),
             presence = COALESCE($6, presence),
             reports_to = CASE WHEN $7 THEN $8 ELSE reports_to END,
             ui_language = COALESCE($9, ui_language), active = COALESCE($10, active)
         WHERE id = $1",
    )
    .bind(id.0)
    .bind(patch.name.as_deref().map(clean))
    .bind(patch.role.map(|r| r.as_str()))
    .bind(patch.password_hash.as_deref())
    .bind(&patch.languages)
    .bind(patch.presence.map(|p| p.as_str()))
    .bind(patch.reports_to.is_some())
    .bind(patch.reports_to.flatten().map(|a| a.0))
    .bind(patch.ui_language.as_deref().map(clean))
    .bind(patch.active)
    .execute(&mut *conn)
    .await
    .map_err(db)?;
    if changed.rows_affected() == 0 {
        return Err(StoreError::not_found("agent", id));
    }
    if let Some(teams) = &patch.teams {
        set_teams(conn, id, teams).await?;
    }
    load(conn, id).await
}

pub(crate) async fn list(conn: &mut PgConnection, page: PageRequest) -> StoreResult<Page<Agent>> {
    let after = page.keys(0).map_or(i64::MIN, |(_, id)| id);
    let rows =
        sqlx::query(concat!("SELECT ", agent_columns!(), " FROM agents WHERE id > $1 ORDER BY id LIMIT $2"))
            .bind(after)
            .bind(fetch_limit(&page))
            .fetch_all(&mut *conn)
            .await
            .map_err(db)?;
    let mut agents = rows.iter().map(agent).collect::<StoreResult<Vec<_>>>()?;
    attach_teams(conn, &mut agents).await?;
    Ok(Page::from_rows(agents, page.limit, |a| Cursor::new(vec![], a.id.0)))
}

pub(crate) async fn credentials(
    conn: &mut PgConnection,
    email: &str,
) -> StoreResult<Option<(Agent, Option<String>)>> {
    let row =
        sqlx::query(concat!("SELECT ", agent_columns!(), ", password_hash FROM agents WHERE email = $1"))
            .bind(email.trim().to_lowercase())
            .fetch_optional(&mut *conn)
            .await
            .map_err(db)?;
    let Some(row) = row else { return Ok(None) };
    let hash: Option<String> = get(&row, "password_hash")?;
    let mut agents = vec![agent(&row)?];
    attach_teams(conn, &mut agents).await?;
    Ok(agents.pop().map(|agent| (agent, hash)))
}

pub(crate) async fn reports_of(conn: &mut PgConnection, lead: AgentId) -> StoreResult<Vec<AgentId>> {
    let ids: Vec<i64> = sqlx::query_scalar("SELECT id FROM agents WHERE reports_to = $1 ORDER BY id")
        .bind(lead.0)
        .fetch_all(&mut *conn)
        .await
        .map_err(db)?;
    Ok(ids.into_iter().map(AgentId).collect())
}

fn team_conflict(name: &str) -> impl FnOnce() -> String + '_ {
    move || format!("a team named {name:?} already exists")
}

pub(crate) async fn create_team(conn: &mut PgConnection, name: &str) -> StoreResult<Team> {
    let name = clean(name);
    let id: i64 = sqlx::query_scalar("INSERT INTO teams (name) VALUES ($1) RETURNING id")
        .bind(&name)
        .fetch_one(&mut *conn)
        .await
        .map_err(|e| db_or_conflict(e, team_conflict(&name)))?;
    Ok(Team { id: TeamId(id), name: name.into_owned() })
}

pub(crate) async fn load_team(conn: &mut PgConnection, id: TeamId) -> StoreResult<Team> {
    let name: String = sqlx::query_scalar("SELECT name FROM teams WHERE id = $1")
        .bind(id.0)
        .fetch_optional(&mut *conn)
        .await
        .map_err(db)?
        .ok_or_else(|| StoreError::not_found("team", id))?;
    Ok(Team { id, name })
}

pub(crate) async fn rename_team(conn: &mut PgConnection, id: TeamId, name: &str) -> StoreResult<Team> {
    let name = clean(name);
    let changed = sqlx::query("UPDATE teams SET name = $2 WHERE id = $1")
        .bind(id.0)
        .bind(&name)
        .execute(&mut *conn)
        .await
        .map_err(|e| db_or_conflict(e, team_conflict(&name)))?;
    if changed.rows_affected() == 0 {
        return Err(StoreError::not_found("team", id));
    }
    Ok(Team { id, name: name.into_owned() })
}

pub(crate) async fn list_teams(conn: &mut PgConnection, page: PageRequest) -> StoreResult<Page<Team>> {
    let after = page.keys(0).map_or(i64::MIN, |(_, id)| id);
    let rows: Vec<(i64, String)> =
        sqlx::query_as("SELECT id, name FROM teams WHERE id > $1 ORDER BY id LIMIT $2")
            .bind(after)
            .bind(fetch_limit(&page))
            .fetch_all(&mut *conn)
            .await
            .map_err(db)?;
    let teams = rows.into_iter().map(|(id, name)| Team { id: TeamId(id), name }).collect();
    Ok(Page::from_rows(teams, page.limit, |t: &Team| Cursor::new(vec![], t.id.0)))
}
