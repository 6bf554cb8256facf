//! `/tokens` (admins): API tokens for integrations. A token is shown once; only its hash is
//! kept.

use ascolto_core::AgentId;
use ascolto_core::text::required_text;
use ascolto_store::ApiToken;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::AppState;
use crate::auth::{Caller, hash_secret, new_api_token};
use crate::error::ApiResult;
use crate::extract::{ApiJson, ApiPath, ApiQuery};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(list_tokens, create_token)).routes(routes!(revoke_token))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
struct TokenParams {
    /// Whose tokens; defaults to the caller's.
    agent_id: Option<i64>,
}

/// List an agent's API tokens (admins).
#[utoipa::path(get, path = "/tokens", tag = "tokens", params(TokenParams),
    responses((status = 200, body = Vec<ApiToken>), (status = 403, body = crate::error::ErrorBody)))]
async fn list_tokens(
    State(state): State<AppState>,
    caller: Caller,
    ApiQuery(params): ApiQuery<TokenParams>,
) -> ApiResult<Json<Vec<ApiToken>>> {
    caller.require_admin()?;
    let agent = params.agent_id.map(AgentId).unwrap_or(caller.agent.id);
    Ok(Json(state.desk.store.list_api_tokens(agent).await?))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
struct TokenInput {
    /// What the token is for, e.g. "shop integration".
    name: String,
    /// The agent the token acts as; defaults to the caller.
    #[schema(value_type = Option<i64>)]
    agent_id: Option<AgentId>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
struct CreatedToken {
    /// The secret, shown only now. Send it as `Authorization: Bearer <token>`.
    token: String,
    #[serde(flatten)]
    details: ApiToken,
}

/// Create an API token (admins).
#[utoipa::path(post, path = "/tokens", tag = "tokens", request_body = TokenInput,
    responses((status = 201, body = CreatedToken), (status = 403, body = crate::error::ErrorBody)))]
async fn create_token(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(input): ApiJson<TokenInput>,
) -> ApiResult<(StatusCode, Json<CreatedToken>)> {
    caller.require_admin()?;
    let name = required_text("name", &input.name, 100)?;
    let agent = input.agent_id.unwrap_or(caller.agent.id);
    state.desk.store.get_agent(agent).await?;
    let token = new_api_token()?;
    let details =
        state.desk.store.create_api_token(agent, &name, &hash_secret(&token), state.desk.now()).await?;
    Ok((StatusCode::CREATED, Json(CreatedToken { token, details })))
}

/// Revoke an API token (admins).
#[utoipa::path(delete, path = "/tokens/{id}", tag = "tokens",
    responses((status = 204), (status = 403, body = crate::error::ErrorBody), (status = 404, body = crate::error::ErrorBody)))]
async fn revoke_token(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<StatusCode> {
    caller.require_admin()?;
    state.desk.store.revoke_api_token(id).await?;
    Ok(StatusCode::NO_CONTENT)
}
