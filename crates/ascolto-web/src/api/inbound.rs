//! `/inbound-messages`: the API channel, for integrations that bring customer messages in.

use ascolto_core::{AttachmentMeta, Channel, ConversationId};
use ascolto_service::InboundRequest;
use ascolto_store::Ingested;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::customers::IdentityInput;
use crate::AppState;
use crate::auth::Caller;
use crate::error::ApiResult;
use crate::extract::ApiJson;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(create_inbound))
}

/// A customer's message brought in by an integration.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
struct InboundInput {
    /// Who wrote it; the customer is found by this identity or created.
    identity: IdentityInput,
    /// The customer's name, used when the customer is new.
    name: Option<String>,
    /// Thread into this conversation; otherwise the customer's open one on the API channel.
    #[schema(value_type = Option<i64>)]
    conversation_id: Option<ConversationId>,
    subject: Option<String>,
    text: String,
    /// Optional HTML; sanitised before it is stored.
    html: Option<String>,
    #[serde(default)]
    attachments: Vec<AttachmentMeta>,
    /// Your id for this message. Sending the same id again stores nothing new.
    external_id: Option<String>,
    /// When it was received; defaults to now.
    received_at: Option<DateTime<Utc>>,
}

/// What was stored.
#[derive(Debug, Serialize, utoipa::ToSchema)]
struct InboundResult {
    message: ascolto_core::Message,
    conversation: ascolto_core::Conversation,
    /// False when `external_id` was already stored: nothing changed.
    created: bool,
}

/// Store a customer's message (idempotent on `external_id`): 201 when stored, 200 when it
/// was already there.
#[utoipa::path(post, path = "/inbound-messages", tag = "messages", request_body = InboundInput,
    responses((status = 201, body = InboundResult), (status = 200, body = InboundResult),
        (status = 422, body = crate::error::ErrorBody)))]
async fn create_inbound(
    State(state): State<AppState>,
    _caller: Caller,
    ApiJson(input): ApiJson<InboundInput>,
) -> ApiResult<(StatusCode, Json<InboundResult>)> {
    let request = InboundRequest {
        channel: Channel::Api,
        identity: input.identity.parse()?,
        customer_name: input.name,
        conversation: input.conversation_id,
        subject: input.subject,
        text: input.text,
        html: input.html,
        attachments: input.attachments,
        channel_message_id: input.external_id,
        received_at: input.received_at,
    };
    let Ingested { message, conversation, created, .. } = state.desk.ingest(request).await?;
    let status = if created { StatusCode::CREATED } else { StatusCode::OK };
    Ok((status, Json(InboundResult { message, conversation, created })))
}
