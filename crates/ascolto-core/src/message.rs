//! Messages: what the customer wrote, what an agent replied, and notes agents leave each other.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::{AgentId, ConversationId, CustomerId, MessageId, word_enum};

word_enum!(
    /// Which way a message travels.
    Direction {
        /// From the customer.
        Inbound = "inbound",
        /// An agent's reply to the customer.
        Outbound = "outbound",
        /// An internal note: agents only, never sent.
        Note = "note",
    }
);

word_enum!(
    /// Where a message is on its way. Inbound messages and notes are `received`.
    DeliveryStatus {
        Received = "received",
        /// Committed with its delivery job; the outbox worker has not sent it yet.
        Queued = "queued",
        Sent = "sent",
        Delivered = "delivered",
        Read = "read",
        /// Delivery gave up; `delivery_error` says why.
        Failed = "failed",
    }
);

/// What we know of an attachment. The bytes live in the attachment store, not here.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct AttachmentMeta {
    pub filename: String,
    pub content_type: String,
    pub size_bytes: i64,
    /// Content id for inline images (`cid:` references in HTML).
    pub content_id: Option<String>,
    /// Set when the attachment was not kept (too large, refused type), with the reason.
    pub skipped: Option<String>,
}

/// One message in a conversation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Message {
    pub id: MessageId,
    pub conversation_id: ConversationId,
    pub direction: Direction,
    /// The customer who wrote an inbound message.
    pub customer_id: Option<CustomerId>,
    /// The agent who wrote a reply or a note.
    pub agent_id: Option<AgentId>,
    /// The plain text, always present; search and the coach read this.
    pub text: String,
    /// HTML already sanitised for display, when the channel sent HTML.
    pub html: Option<String>,
    pub attachments: Vec<AttachmentMeta>,
    /// The channel's own id for this message (e-mail Message-ID, Telegram update id, ...).
    pub channel_message_id: Option<String>,
    pub delivery_status: DeliveryStatus,
    pub delivery_error: Option<String>,
    pub created_at: DateTime<Utc>,
    /// Set when the reply is an approved WhatsApp template rather than free text; `text`
    /// then holds the template's body with the parameters filled in.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub template: Option<TemplateMessage>,
}

/// An approved message template sent as a reply (WhatsApp allows only these once the
/// customer has not written for 24 hours).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct TemplateMessage {
    /// The template's name as approved (`order_update`).
    pub name: String,
    /// The language it was approved in (`it`, `en_US`).
    pub language: String,
    /// The values of the body's `{{1}}`, `{{2}}`, ... in order.
    #[serde(default)]
    pub parameters: Vec<String>,
}
