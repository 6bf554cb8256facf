//! `/conversations/{id}/activity`: an agent says they are viewing or typing in a conversation,
//! and the other agents who may see it hear it on the live stream.

use ascolto_core::ConversationId;
use ascolto_service::events::{Event, Scope};
use axum::extract::State;
use axum::http::StatusCode;
use serde::Deserialize;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::conversations::visible_conversation;
use crate::AppState;
use crate::auth::Caller;
use crate::error::ApiResult;
use crate::extract::{ApiJson, ApiPath};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(report_activity))
}

/// What the agent is doing; absent fields say nothing.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
struct Activity {
    viewing: Option<bool>,
    typing: Option<bool>,
}

/// Announce that the caller is viewing or typing in a conversation (nothing is stored).
#[utoipa::path(post, path = "/conversations/{id}/activity", tag = "conversations", request_body = Activity,
    responses((status = 204), (status = 404, body = crate::error::ErrorBody)))]
async fn report_activity(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<ConversationId>,
    ApiJson(activity): ApiJson<Activity>,
) -> ApiResult<StatusCode> {
    let conversation = visible_conversation(&state, &caller, id).await?;
    let scope = Scope::from(&conversation);
    if let Some(viewing) = activity.viewing {
        state.desk.events.publish(Event::Viewing { scope, agent_id: caller.agent.id, viewing });
    }
    if let Some(typing) = activity.typing {
        state.desk.events.publish(Event::Typing { scope, agent_id: Some(caller.agent.id), typing });
    }
    Ok(StatusCode::NO_CONTENT)
}
