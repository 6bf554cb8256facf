//! `/teams` (admins): groups of agents sharing a queue.

use ascolto_core::text::required_text;
use ascolto_core::{Team, TeamId};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::Deserialize;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::{ListResponse, PageParams};
use crate::AppState;
use crate::auth::Caller;
use crate::error::ApiResult;
use crate::extract::{ApiJson, ApiPath, ApiQuery};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(list_teams, create_team)).routes(routes!(update_team))
}

/// List teams (admins).
#[utoipa::path(get, path = "/teams", tag = "teams", params(PageParams),
    responses((status = 200, body = ListResponse<Team>), (status = 403, body = crate::error::ErrorBody)))]
async fn list_teams(
    State(state): State<AppState>,
    caller: Caller,
    ApiQuery(page): ApiQuery<PageParams>,
) -> ApiResult<Json<ListResponse<Team>>> {
    caller.require_admin()?;
    Ok(Json(state.desk.store.list_teams(page.to_request()?).await?.into()))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
struct TeamInput {
    name: String,
}

/// Create a team (admins).
#[utoipa::path(post, path = "/teams", tag = "teams", request_body = TeamInput,
    responses((status = 201, body = Team), (status = 403, body = crate::error::ErrorBody),
        (status = 409, body = crate::error::ErrorBody)))]
async fn create_team(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(input): ApiJson<TeamInput>,
) -> ApiResult<(StatusCode, Json<Team>)> {
    caller.require_admin()?;
    let name = required_text("name", &input.name, 100)?;
    Ok((StatusCode::CREATED, Json(state.desk.store.create_team(&name).await?)))
}

/// Rename a team (admins).
#[utoipa::path(patch, path = "/teams/{id}", tag = "teams", request_body = TeamInput,
    responses((status = 200, body = Team), (status = 403, body = crate::error::ErrorBody),
        (status = 404, body = crate::error::ErrorBody)))]
async fn update_team(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<TeamId>,
    ApiJson(input): ApiJson<TeamInput>,
) -> ApiResult<Json<Team>> {
    caller.require_admin()?;
    let name = required_text("name", &input.name, 100)?;
    Ok(Json(state.desk.store.rename_team(id, &name).await?))
}
