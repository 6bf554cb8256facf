//! `/agents` (admins) and `/me` (everyone): who answers customers, and their own settings.

use ascolto_core::text::required_text;
use ascolto_core::{Agent, AgentId, EmailAddress, Presence, Role, TeamId};
use ascolto_store::{AgentPatch, NewAgent};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::{ListResponse, PageParams, double_option};
use crate::AppState;
use crate::auth::{Caller, hash_password, random_token};
use crate::error::{ApiError, ApiResult};
use crate::extract::{ApiJson, ApiPath, ApiQuery};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_agents, create_agent))
        .routes(routes!(get_agent, update_agent))
        .routes(routes!(get_me, update_me))
}

/// The shortest password accepted.
pub const MIN_PASSWORD_CHARS: usize = 10;

fn check_password(password: &str) -> ApiResult<()> {
    if password.chars().count() < MIN_PASSWORD_CHARS || password.len() > 1024 {
        return Err(ApiError::Unprocessable(format!(
            "password: use at least {MIN_PASSWORD_CHARS} characters (and at most 1024 bytes)"
        )));
    }
    Ok(())
}

fn parse_languages(raw: &[String]) -> ApiResult<Vec<String>> {
    let mut languages = Vec::new();
    for language in raw {
        match language.trim() {
            l @ ("it" | "en") if !languages.iter().any(|x| x == l) => languages.push(l.to_owned()),
            "it" | "en" => {}
            other => {
                return Err(ApiError::Unprocessable(format!("languages: {other:?} is not one of: it, en")));
            }
        }
    }
    Ok(languages)
}

fn parse_ui_language(raw: &str) -> ApiResult<String> {
    parse_languages(&[raw.to_owned()])?
        .pop()
        .ok_or_else(|| ApiError::Unprocessable("ui_language must be it or en".to_owned()))
}

/// List agents (admins).
#[utoipa::path(get, path = "/agents", tag = "agents", params(PageParams),
    responses((status = 200, body = ListResponse<Agent>), (status = 403, body = crate::error::ErrorBody)))]
async fn list_agents(
    State(state): State<AppState>,
    caller: Caller,
    ApiQuery(page): ApiQuery<PageParams>,
) -> ApiResult<Json<ListResponse<Agent>>> {
    caller.require_admin()?;
    Ok(Json(state.desk.store.list_agents(page.to_request()?).await?.into()))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
struct AgentInput {
    name: String,
    email: String,
    role: Role,
    /// At least 10 characters. Leave out to have one generated and returned once.
    password: Option<String>,
    #[serde(default)]
    languages: Vec<String>,
    #[serde(default)]
    #[schema(value_type = Vec<i64>)]
    team_ids: Vec<TeamId>,
    #[schema(value_type = Option<i64>)]
    reports_to: Option<AgentId>,
    ui_language: Option<String>,
}

/// A new agent, with the generated password when none was given.
#[derive(Debug, Serialize, utoipa::ToSchema)]
struct CreatedAgent {
    agent: Agent,
    /// Shown only now; present when the password was generated.
    generated_password: Option<String>,
}

/// Create an agent (admins).
#[utoipa::path(post, path = "/agents", tag = "agents", request_body = AgentInput,
    responses((status = 201, body = CreatedAgent), (status = 403, body = crate::error::ErrorBody),
        (status = 409, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
async fn create_agent(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(input): ApiJson<AgentInput>,
) -> ApiResult<(StatusCode, Json<CreatedAgent>)> {
    caller.require_admin()?;
    let generated_password = match &input.password {
        Some(password) => {
            check_password(password)?;
            None
        }
        None => Some(random_token()?),
    };
    let password = input.password.clone().or_else(|| generated_password.clone()).unwrap_or_default();
    let new = NewAgent {
        name: required_text("name", &input.name, 200)?,
        email: EmailAddress::parse(&input.email)?,
        role: input.role,
        password_hash: Some(hash_password(password).await?),
        languages: parse_languages(&input.languages)?,
        teams: input.team_ids,
        reports_to: input.reports_to,
        ui_language: input
            .ui_language
            .as_deref()
            .map(parse_ui_language)
            .transpose()?
            .unwrap_or_else(|| "en".into()),
    };
    let agent = state.desk.store.create_agent(new).await?;
    Ok((StatusCode::CREATED, Json(CreatedAgent { agent, generated_password })))
}

/// Read an agent (admins).
#[utoipa::path(get, path = "/agents/{id}", tag = "agents",
    responses((status = 200, body = Agent), (status = 403, body = crate::error::ErrorBody),
        (status = 404, body = crate::error::ErrorBody)))]
async fn get_agent(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<AgentId>,
) -> ApiResult<Json<Agent>> {
    caller.require_admin()?;
    Ok(Json(state.desk.store.get_agent(id).await?))
}

#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
struct AgentUpdate {
    name: Option<String>,
    role: Option<Role>,
    password: Option<String>,
    languages: Option<Vec<String>>,
    presence: Option<Presence>,
    #[schema(value_type = Option<Vec<i64>>)]
    team_ids: Option<Vec<TeamId>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<i64>)]
    reports_to: Option<Option<AgentId>>,
    ui_language: Option<String>,
    active: Option<bool>,
}

async fn agent_patch(update: AgentUpdate) -> ApiResult<AgentPatch> {
    let password_hash = match update.password {
        Some(password) => {
            check_password(&password)?;
            Some(hash_password(password).await?)
        }
        None => None,
    };
    Ok(AgentPatch {
        name: update.name.as_deref().map(|n| required_text("name", n, 200)).transpose()?,
        role: update.role,
        password_hash,
        languages: update.languages.as_deref().map(parse_languages).transpose()?,
        presence: update.presence,
        teams: update.team_ids,
        reports_to: update.reports_to,
        ui_language: update.ui_language.as_deref().map(parse_ui_language).transpose()?,
        active: update.active,
    })
}

/// Update an agent (admins).
#[utoipa::path(patch, path = "/agents/{id}", tag = "agents", request_body = AgentUpdate,
    responses((status = 200, body = Agent), (status = 403, body = crate::error::ErrorBody),
        (status = 404, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
async fn update_agent(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<AgentId>,
    ApiJson(update): ApiJson<AgentUpdate>,
) -> ApiResult<Json<Agent>> {
    caller.require_admin()?;
    Ok(Json(state.desk.store.update_agent(id, agent_patch(update).await?).await?))
}

/// The signed-in agent.
#[utoipa::path(get, path = "/me", tag = "agents", responses((status = 200, body = Agent)))]
async fn get_me(caller: Caller) -> Json<Agent> {
    Json(caller.agent)
}

/// What agents may change about themselves.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
struct MeUpdate {
    name: Option<String>,
    password: Option<String>,
    languages: Option<Vec<String>>,
    presence: Option<Presence>,
    ui_language: Option<String>,
}

/// Update your own name, password, languages, presence or interface language.
#[utoipa::path(patch, path = "/me", tag = "agents", request_body = MeUpdate,
    responses((status = 200, body = Agent), (status = 422, body = crate::error::ErrorBody)))]
async fn update_me(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(update): ApiJson<MeUpdate>,
) -> ApiResult<Json<Agent>> {
    let update = AgentUpdate {
        name: update.name,
        password: update.password,
        languages: update.languages,
        presence: update.presence,
        ui_language: update.ui_language,
        ..Default::default()
    };
    let presence = update.presence;
    let agent = state.desk.store.update_agent(caller.agent.id, agent_patch(update).await?).await?;
    match presence {
        // Going offline returns the agent's open conversations to the queue.
        Some(presence) => Ok(Json(state.desk.set_presence(agent.id, presence).await?.0)),
        None => Ok(Json(agent)),
    }
}
