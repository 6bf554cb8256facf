//! Live channels in the service: the cross-node event bridge, the deliverers of web chat,
//! Telegram and WhatsApp, and WhatsApp's 24-hour rule.
//!
//! The bridge is transport-agnostic: it takes a sender and a receiver of text payloads (the
//! binary connects them to PostgreSQL `LISTEN/NOTIFY`) and keeps every payload under
//! [`MAX_PAYLOAD`] bytes — NOTIFY refuses more than 8000 — by sending a large event as a
//! reference that the receiving node reads back from the shared store.

use std::sync::Arc;

use ascolto_channels::SendError;
use ascolto_channels::telegram::TelegramClient;
use ascolto_channels::whatsapp::{self, WhatsAppClient};
use ascolto_core::{Channel, Conversation, ConversationId, IdentityKind, Message, MessageId, ParseError};
use ascolto_store::{ChannelConfig, ChannelSettings, Store, StoreResult, WhatsAppTemplate};
use serde::{Deserialize, Serialize};
use tokio::sync::broadcast::error::RecvError;
use tokio::sync::mpsc;
use tracing::{debug, warn};

use crate::events::{Envelope, Event};
use crate::outbox::{Deliverer, Deliverers, DeliveryError};
use crate::{Desk, ReplyRequest, ServiceError};

/// The largest payload the bridge sends as it is (PostgreSQL's NOTIFY limit is 8000 bytes).
pub const MAX_PAYLOAD: usize = 7900;

/// One event on the wire between nodes.
#[derive(Debug, Serialize, Deserialize)]
#[serde(tag = "wire", rename_all = "snake_case")]
enum Wire {
    /// The event itself.
    Inline {
        envelope: Envelope,
    },
    /// A message too large to inline: read it (and its conversation) from the store.
    MessageCreated {
        origin: String,
        message_id: MessageId,
    },
    DeliveryUpdated {
        origin: String,
        message_id: MessageId,
    },
    ConversationUpdated {
        origin: String,
        conversation_id: ConversationId,
    },
}

fn encode(envelope: &Envelope) -> Option<String> {
    let inline = serde_json::to_string(&Wire::Inline { envelope: envelope.clone() }).ok()?;
    if inline.len() <= MAX_PAYLOAD {
        return Some(inline);
    }
    let origin = envelope.origin.clone();
    let reference = match &envelope.event {
        Event::MessageCreated { message, .. } => Wire::MessageCreated { origin, message_id: message.id },
        Event::DeliveryUpdated { message, .. } => Wire::DeliveryUpdated { origin, message_id: message.id },
        // Too big to carry whole (a long subject): the other nodes hear of the change only.
        Event::ConversationUpdated { conversation } | Event::SlaEscalated { conversation, .. } => {
            Wire::ConversationUpdated { origin, conversation_id: conversation.id }
        }
        Event::Typing { .. } | Event::Viewing { .. } => return None,
    };
    serde_json::to_string(&reference).ok()
}

async fn decode(store: &dyn Store, payload: &str) -> StoreResult<Option<Envelope>> {
    let Ok(wire) = serde_json::from_str::<Wire>(payload) else { return Ok(None) };
    Ok(Some(match wire {
        Wire::Inline { envelope } => envelope,
        Wire::MessageCreated { origin, message_id } => {
            let message = store.get_message(message_id).await?;
            let conversation = store.get_conversation(message.conversation_id).await?;
            let event =
                Event::MessageCreated { conversation: Box::new(conversation), message: Box::new(message) };
            Envelope { origin, event }
        }
        Wire::DeliveryUpdated { origin, message_id } => {
            let message = store.get_message(message_id).await?;
            let scope = (&store.get_conversation(message.conversation_id).await?).into();
            Envelope { origin, event: Event::DeliveryUpdated { scope, message: Box::new(message) } }
        }
        Wire::ConversationUpdated { origin, conversation_id } => {
            let conversation = Box::new(store.get_conversation(conversation_id).await?);
            Envelope { origin, event: Event::ConversationUpdated { conversation } }
        }
    }))
}

/// Connects this node's bus to the other nodes until either side closes: events published
/// here go out through `outgoing`; payloads arriving on `incoming` from other nodes are
/// forwarded to local listeners. A node never re-sends what it received, and ignores its own
/// events coming back.
pub async fn run_bridge(desk: Desk, outgoing: mpsc::Sender<String>, mut incoming: mpsc::Receiver<String>) {
    let mut local = desk.events.subscribe();
    let node = desk.events.node_id().to_owned();
    loop {
        tokio::select! {
            published = local.recv() => match published {
                Ok(envelope) if envelope.origin == node => {
                    if let Some(payload) = encode(&envelope) {
                        if outgoing.send(payload).await.is_err() {
                            return;
                        }
                    }
                }
                Ok(_) => {}
                Err(RecvError::Lagged(missed)) => warn!("the event bridge fell behind and did not relay {missed} events"),
                Err(RecvError::Closed) => return,
            },
            received = incoming.recv() => {
                let Some(payload) = received else { return };
                match decode(desk.store.as_ref(), &payload).await {
                    Ok(Some(envelope)) if envelope.origin != node => desk.events.forward(envelope),
                    Ok(_) => {}
                    Err(error) => warn!("the event bridge could not read an event from another node: {error}"),
                }
            }
        }
    }
}

impl Desk {
    /// Refuses a free-text reply on WhatsApp once the customer's last message is 24 hours
    /// old: WhatsApp would refuse it too (error 131047), and the agent should know now.
    pub(crate) fn check_service_window(&self, conversation: &Conversation) -> Result<(), ServiceError> {
        if conversation.channel != Channel::WhatsApp
            || whatsapp::window_is_open(conversation.last_customer_message_at, self.now())
        {
            return Ok(());
        }
        let last = conversation
            .last_customer_message_at
            .map(|at| format!("the customer last wrote at {}", at.format("%Y-%m-%d %H:%M UTC")))
            .unwrap_or_else(|| "the customer has not written on WhatsApp".to_owned());
        Err(ParseError::new(
            "text",
            format!(
                "WhatsApp's 24-hour rule: free text can only be sent within 24 hours of the customer's last message, \
                 and {last}; send an approved message template instead"
            ),
        )
        .into())
    }
}

impl Desk {
    /// The templates approved for the WhatsApp number (the configured WhatsApp channel, the
    /// same one replies are sent through).
    pub async fn whatsapp_templates(&self) -> Result<Vec<WhatsAppTemplate>, ServiceError> {
        let configs = self.store.list_channel_configs().await?;
        Ok(configs
            .into_iter()
            .find_map(|config| match config.settings {
                ChannelSettings::WhatsApp { templates, .. } => Some(templates),
                _ => None,
            })
            .unwrap_or_default())
    }

    /// Checks a template reply against the templates approved for the WhatsApp number, and
    /// returns the text to store: the approved body with the parameters filled in.
    pub(crate) async fn check_template(
        &self,
        conversation: &Conversation,
        request: &ReplyRequest,
    ) -> Result<String, ServiceError> {
        let Some(template) = &request.template else { return Ok(request.text.clone()) };
        if request.note {
            return Err(ParseError::new("template", "an internal note cannot be a message template").into());
        }
        if conversation.channel != Channel::WhatsApp {
            let reason = format!(
                "message templates are for WhatsApp conversations; this one is on {}",
                conversation.channel
            );
            return Err(ParseError::new("template", reason).into());
        }
        let templates = self.whatsapp_templates().await?;
        let approved = templates
            .iter()
            .find(|approved| approved.name == template.name && approved.language == template.language)
            .ok_or_else(|| {
                let reason = format!(
                    "no approved template {:?} in language {:?} is configured for this WhatsApp number",
                    template.name, template.language
                );
                ParseError::new("template", reason)
            })?;
        let expected =
            whatsapp::parameter_count(&approved.body).map_err(|why| ParseError::new("template", why))?;
        if template.parameters.len() != expected {
            let reason = format!(
                "the template {:?} takes {expected} parameters, not {}",
                template.name,
                template.parameters.len()
            );
            return Err(ParseError::new("template.parameters", reason).into());
        }
        for (index, value) in template.parameters.iter().enumerate() {
            whatsapp::check_parameter(value).map_err(|why| {
                ParseError::new("template.parameters", format!("parameter {} {why}", index + 1))
            })?;
        }
        Ok(whatsapp::render_template(&approved.body, &template.parameters))
    }
}

/// The deliverers of every channel this crate knows: the API, web chat, Telegram and
/// WhatsApp. Telegram and WhatsApp read their channel's settings at each delivery, so a
/// changed token takes effect without a restart.
pub fn deliverers(store: Arc<dyn Store>) -> Deliverers {
    let mut deliverers = Deliverers::api_only();
    let http = ascolto_channels::http_client();
    deliverers.insert(Channel::WebChat, Arc::new(WebChatDeliverer));
    deliverers
        .insert(Channel::Telegram, Arc::new(PlatformDeliverer { store: store.clone(), http: http.clone() }));
    deliverers.insert(Channel::WhatsApp, Arc::new(PlatformDeliverer { store, http }));
    deliverers
}

/// The widget's visitor hears a reply through the event bus the moment it is stored, so the
/// reply is sent once it is committed.
#[derive(Debug, Clone, Copy)]
struct WebChatDeliverer;

#[async_trait::async_trait]
impl Deliverer for WebChatDeliverer {
    async fn deliver(&self, _: &Message, _: &Conversation) -> Result<Option<String>, DeliveryError> {
        Ok(None)
    }
}

/// Telegram and WhatsApp: find the channel's settings and the customer's id there, then call
/// the platform.
#[derive(Debug, Clone)]
struct PlatformDeliverer {
    store: Arc<dyn Store>,
    http: reqwest::Client,
}

fn store_trouble(error: ascolto_store::StoreError) -> DeliveryError {
    DeliveryError::Temporary(format!("could not read the store: {error}"))
}

fn send_error(error: SendError) -> DeliveryError {
    match error {
        SendError::Temporary { message, retry_after: Some(after) } => {
            DeliveryError::RetryAfter(message, after)
        }
        SendError::Temporary { message, retry_after: None } => DeliveryError::Temporary(message),
        SendError::Permanent { message } => DeliveryError::Permanent(message),
    }
}

impl PlatformDeliverer {
    async fn settings(&self, channel: Channel) -> Result<ChannelConfig, DeliveryError> {
        let configs = self.store.list_channel_configs().await.map_err(store_trouble)?;
        configs
            .into_iter()
            .find(|config| config.settings.channel() == channel)
            .ok_or_else(|| DeliveryError::Permanent(format!("no {channel} channel is configured")))
    }

    async fn recipient(
        &self,
        conversation: &Conversation,
        kind: IdentityKind,
    ) -> Result<String, DeliveryError> {
        let customer = self.store.get_customer(conversation.customer_id).await.map_err(store_trouble)?;
        customer
            .identities
            .into_iter()
            .find(|identity| identity.kind == kind)
            .map(|identity| identity.value)
            .ok_or_else(|| {
                DeliveryError::Permanent(format!("the customer has no {kind} identity to reply to"))
            })
    }
}

#[async_trait::async_trait]
impl Deliverer for PlatformDeliverer {
    async fn deliver(
        &self,
        message: &Message,
        conversation: &Conversation,
    ) -> Result<Option<String>, DeliveryError> {
        let config = self.settings(conversation.channel).await?;
        let sent = match &config.settings {
            ChannelSettings::Telegram { bot_token, api_base, .. } => {
                let chat = self.recipient(conversation, IdentityKind::Telegram).await?;
                let client = TelegramClient::new(self.http.clone(), api_base, bot_token.expose());
                client.send_message(&chat, &message.text).await
            }
            ChannelSettings::WhatsApp { phone_number_id, access_token, api_base, api_version, .. } => {
                let to = self.recipient(conversation, IdentityKind::WhatsApp).await?;
                let client = WhatsAppClient::new(
                    self.http.clone(),
                    api_base,
                    api_version,
                    phone_number_id,
                    access_token.expose(),
                );
                match &message.template {
                    Some(template) => {
                        let (name, language) = (&template.name, &template.language);
                        client.send_template(&to, name, language, &template.parameters).await
                    }
                    None => client.send_text(&to, &message.text).await,
                }
            }
            ChannelSettings::WebChat { .. } => return Ok(None),
        };
        debug!(message.id = %message.id, channel = %conversation.channel, "handed reply {} to {}", message.id, conversation.channel);
        sent.map(Some).map_err(send_error)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::events::Scope;

    #[test]
    fn small_events_travel_inline_and_large_ones_as_references() {
        let scope = Scope { conversation_id: ConversationId(1), team: None, assignee: None };
        let typing =
            Envelope { origin: "a".into(), event: Event::Typing { scope, agent_id: None, typing: true } };
        let payload = encode(&typing).unwrap();
        assert!(payload.contains("\"inline\""), "{payload}");
        let conversation = serde_json::from_value::<Conversation>(serde_json::json!({
            "id": 1, "customer_id": 2, "channel": "webchat", "subject": "x", "status": "open", "priority": "normal",
            "assignee": null, "team": null, "tags": [], "merged_into": null, "message_count": 1,
            "created_at": "2026-03-01T09:00:00Z", "updated_at": "2026-03-01T09:00:00Z",
            "last_message_at": "2026-03-01T09:00:00Z", "last_customer_message_at": null, "last_agent_reply_at": null,
            "first_response_at": null, "resolved_at": null, "snoozed_until": null
        }))
        .unwrap();
        let message = serde_json::from_value::<Message>(serde_json::json!({
            "id": 9, "conversation_id": 1, "direction": "inbound", "customer_id": 2, "agent_id": null,
            "text": "x".repeat(20_000), "html": null, "attachments": [], "channel_message_id": null,
            "delivery_status": "received", "delivery_error": null, "created_at": "2026-03-01T09:00:00Z"
        }))
        .unwrap();
        let event =
            Event::MessageCreated { conversation: Box::new(conversation), message: Box::new(message) };
        let payload = encode(&Envelope { origin: "a".into(), event }).unwrap();
        assert!(payload.len() <= MAX_PAYLOAD);
        assert_eq!(payload, r#"{"wire":"message_created","origin":"a","message_id":9}"#);
    }
}
