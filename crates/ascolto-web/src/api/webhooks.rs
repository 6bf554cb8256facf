//! `/webhooks/telegram/{channel}` and `/webhooks/whatsapp/{channel}`: what the platforms push.
//!
//! Each delivery is verified before anything is read (Telegram's secret token header,
//! WhatsApp's `X-Hub-Signature-256` over the raw body); a forgery answers 401 and stores
//! nothing. A genuine delivery is acknowledged only once stored, so a failure makes the
//! platform retry, and a retry stores nothing twice (ingest is idempotent on the channel's
//! message id).

use std::collections::HashMap;

use ascolto_channels::{telegram, whatsapp};
use ascolto_core::Channel;
use ascolto_service::InboundRequest;
use ascolto_service::events::{Event, Scope};
use ascolto_store::{ChannelConfig, ChannelSettings};
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use tracing::{info, warn};

use crate::AppState;
use crate::error::{ApiError, ApiResult};
use crate::extract::ApiPath;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/webhooks/telegram/{channel}", post(telegram_update))
        .route("/webhooks/whatsapp/{channel}", post(whatsapp_delivery).get(whatsapp_handshake))
}

async fn channel_config(state: &AppState, id: &str, kind: Channel) -> ApiResult<ChannelConfig> {
    match state.desk.store.get_channel_config(id).await {
        Ok(config) if config.settings.channel() == kind => Ok(config),
        Ok(_) | Err(ascolto_store::StoreError::NotFound { .. }) => {
            Err(ApiError::NotFound("no such channel".to_owned()))
        }
        Err(error) => Err(error.into()),
    }
}

fn forged(channel: &str) -> ApiError {
    warn!(channel.id = %channel, "refused a webhook delivery for channel {channel} with a missing or wrong signature");
    ApiError::Unauthenticated
}

/// Receive a Telegram update.
async fn telegram_update(
    State(state): State<AppState>,
    ApiPath(channel): ApiPath<String>,
    headers: HeaderMap,
    body: Bytes,
) -> ApiResult<StatusCode> {
    let config = channel_config(&state, &channel, Channel::Telegram).await?;
    let ChannelSettings::Telegram { webhook_secret, .. } = &config.settings else {
        unreachable!("checked above")
    };
    let given = headers.get(telegram::SECRET_HEADER).and_then(|v| v.to_str().ok()).unwrap_or_default();
    if given.is_empty() || !ascolto_channels::signature::same_secret(given, webhook_secret.expose()) {
        return Err(forged(&channel));
    }
    let update = telegram::parse_update(&body)
        .map_err(|e| ApiError::BadRequest(format!("not a Telegram update: {e}")))?;
    let Some(inbound) = update else { return Ok(StatusCode::OK) };
    let request = InboundRequest {
        channel: Channel::Telegram,
        identity: inbound.identity,
        customer_name: inbound.name,
        conversation: None,
        subject: None,
        text: inbound.text,
        html: None,
        attachments: inbound.attachments,
        channel_message_id: Some(inbound.channel_message_id),
        received_at: inbound.sent_at,
    };
    let ingested = state.desk.ingest(request).await?;
    if ingested.created {
        info!(message.id = %ingested.message.id, "stored Telegram message {} (update {})", ingested.message.id, inbound.update_id);
    }
    Ok(StatusCode::OK)
}

/// Answer WhatsApp's subscription handshake.
async fn whatsapp_handshake(
    State(state): State<AppState>,
    ApiPath(channel): ApiPath<String>,
    Query(query): Query<HashMap<String, String>>,
) -> ApiResult<String> {
    let config = channel_config(&state, &channel, Channel::WhatsApp).await?;
    let ChannelSettings::WhatsApp { verify_token, .. } = &config.settings else {
        unreachable!("checked above")
    };
    let field = |name: &str| query.get(name).map(String::as_str);
    whatsapp::handshake(
        field("hub.mode"),
        field("hub.verify_token"),
        field("hub.challenge"),
        verify_token.expose(),
    )
    .map(str::to_owned)
    .ok_or_else(|| ApiError::Forbidden("the verify token does not match".to_owned()))
}

/// Receive a WhatsApp delivery: messages and statuses.
async fn whatsapp_delivery(
    State(state): State<AppState>,
    ApiPath(channel): ApiPath<String>,
    headers: HeaderMap,
    body: Bytes,
) -> ApiResult<StatusCode> {
    let config = channel_config(&state, &channel, Channel::WhatsApp).await?;
    let ChannelSettings::WhatsApp { app_secret, phone_number_id, .. } = &config.settings else {
        unreachable!("checked above")
    };
    let signature = headers.get(whatsapp::SIGNATURE_HEADER).and_then(|v| v.to_str().ok());
    if !whatsapp::signature_is_valid(app_secret.expose(), &body, signature) {
        return Err(forged(&channel));
    }
    let delivery = whatsapp::parse_delivery(&body, phone_number_id)
        .map_err(|e| ApiError::BadRequest(format!("not a WhatsApp notification: {e}")))?;
    for inbound in delivery.messages {
        let request = InboundRequest {
            channel: Channel::WhatsApp,
            identity: inbound.identity,
            customer_name: inbound.name,
            conversation: None,
            subject: None,
            text: inbound.text,
            html: None,
            attachments: inbound.attachments,
            channel_message_id: Some(inbound.channel_message_id),
            received_at: inbound.sent_at,
        };
        state.desk.ingest(request).await?;
    }
    for status in delivery.statuses {
        let store = &state.desk.store;
        let updated = store
            .update_delivery_status(
                Channel::WhatsApp,
                &status.channel_message_id,
                status.status,
                status.error,
            )
            .await?;
        if let Some(message) = updated {
            let scope = Scope::from(&store.get_conversation(message.conversation_id).await?);
            state.desk.events.publish(Event::DeliveryUpdated { scope, message: Box::new(message) });
        }
    }
    Ok(StatusCode::OK)
}
