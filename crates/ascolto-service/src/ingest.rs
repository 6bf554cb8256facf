//! Storing what customers write and what agents answer, through the same rules for every
//! channel.

use ascolto_core::Conversation;
use ascolto_core::text::{bounded, required_text};
use ascolto_core::{
    AgentId, AttachmentMeta, Channel, ConversationId, Identity, Message, ParseError, TemplateMessage,
};
use ascolto_store::{ConversationPatch, InboundMessage, Ingested, NewAgentMessage};
use chrono::{DateTime, Utc};

use crate::events::Event;
use crate::{Desk, ServiceError, html};

/// The longest message text kept, in characters. Longer text is refused by the API and
/// cut (with a marker) by channel adapters, which must never drop mail.
pub const MAX_TEXT_CHARS: usize = 1_000_000;
/// The longest subject kept; longer ones are cut.
pub const MAX_SUBJECT_CHARS: usize = 200;

/// A customer's message as it arrives, before any check.
#[derive(Debug, Clone, PartialEq)]
pub struct InboundRequest {
    pub channel: Channel,
    pub identity: Identity,
    pub customer_name: Option<String>,
    pub conversation: Option<ConversationId>,
    pub subject: Option<String>,
    pub text: String,
    pub html: Option<String>,
    pub attachments: Vec<AttachmentMeta>,
    pub channel_message_id: Option<String>,
    /// When the channel received it; `None` means now.
    pub received_at: Option<DateTime<Utc>>,
}

/// An agent's reply or note as the agent wrote it.
#[derive(Debug, Clone, PartialEq)]
pub struct ReplyRequest {
    pub conversation: ConversationId,
    pub agent: AgentId,
    pub text: String,
    pub html: Option<String>,
    pub note: bool,
    /// An approved WhatsApp template to send instead of free text; `text` is then ignored
    /// and the stored text is the template's body with the parameters filled in.
    pub template: Option<TemplateMessage>,
}

/// The subject for a new conversation: the given one, or the first words of the text.
fn subject_for(subject: Option<&str>, text: &str) -> String {
    let source = subject.map(str::trim).filter(|s| !s.is_empty()).unwrap_or(text);
    let first_line = source.lines().map(str::trim).find(|l| !l.is_empty()).unwrap_or("");
    let mut subject: String = first_line.chars().take(MAX_SUBJECT_CHARS).collect();
    if first_line.chars().count() > MAX_SUBJECT_CHARS {
        subject.pop();
        subject.push('…');
    }
    if subject.is_empty() { "(no subject)".to_owned() } else { subject }
}

impl Desk {
    /// Stores a customer's message. Idempotent on the channel's message id.
    pub async fn ingest(&self, request: InboundRequest) -> Result<Ingested, ServiceError> {
        let InboundRequest {
            channel,
            identity,
            customer_name,
            conversation,
            subject,
            text,
            html: raw_html,
            attachments,
            channel_message_id,
            received_at,
        } = request;
        if text.trim().is_empty() && attachments.is_empty() && raw_html.is_none() {
            return Err(ParseError::new("text", "must not be empty").into());
        }
        bounded("text", &text, MAX_TEXT_CHARS)?;
        let customer_name = customer_name
            .map(|name| name.trim().chars().take(200).collect::<String>())
            .filter(|name| !name.is_empty());
        let channel_message_id =
            channel_message_id.map(|id| required_text("external_id", &id, 998)).transpose()?;
        // The coach reads the message before the store's write (tens of microseconds), so the
        // signals are ready the moment the message is stored.
        let signals = crate::queue::signals_of(&text);
        let received_at = received_at.unwrap_or_else(|| self.now());
        let inbound = InboundMessage {
            channel,
            identity,
            customer_name,
            conversation,
            subject: subject_for(subject.as_deref(), &text),
            html: raw_html.as_deref().map(html::sanitize),
            text,
            attachments,
            channel_message_id,
            received_at,
        };
        let mut ingested = self.store.ingest(inbound).await?;
        if ingested.created {
            // The message is committed: agents hear of it now, and the queue bookkeeping
            // (two more writes behind the same writer) does not delay what they see. Its
            // outcome, the conversation's new place in the queue, follows as an update.
            self.events.publish(Event::MessageCreated {
                conversation: Box::new(ingested.conversation.clone()),
                message: Box::new(ingested.message.clone()),
            });
            ingested.conversation =
                self.after_customer_message(&ingested.conversation, signals, received_at).await?;
            self.events.publish(Event::ConversationUpdated {
                conversation: Box::new(ingested.conversation.clone()),
            });
        }
        Ok(ingested)
    }

    /// Stores an agent's reply (queued for delivery through the outbox) or internal note.
    pub async fn reply(&self, request: ReplyRequest) -> Result<Message, ServiceError> {
        match self.reply_checked(request, None).await? {
            ascolto_store::CheckedReply::Stored(message) => Ok(message),
            // Without a draft time there is nothing to collide with.
            ascolto_store::CheckedReply::Conflict(message) => Ok(message),
        }
    }

    /// Checks a reply and makes it ready for the store. A template reply's text is its
    /// checked, filled-in body (see [`Desk::check_template`]).
    pub(crate) fn prepare_reply(&self, request: ReplyRequest) -> Result<NewAgentMessage, ServiceError> {
        let text = required_text("text", &request.text, MAX_TEXT_CHARS)?;
        Ok(NewAgentMessage {
            conversation: request.conversation,
            agent: request.agent,
            text,
            html: request.html.as_deref().map(html::sanitize),
            note: request.note,
            created_at: self.now(),
            template: request.template,
        })
    }

    /// Changes a conversation's status, priority, assignee, team, tags or subject.
    pub async fn update_conversation(
        &self,
        id: ConversationId,
        patch: ConversationPatch,
    ) -> Result<Conversation, ServiceError> {
        let before = self.store.get_conversation(id).await?.status;
        let mut conversation = self.store.update_conversation(id, patch, self.now()).await?;
        if conversation.status != before {
            conversation = self.after_status_change(before, &conversation).await?;
        }
        self.events.publish(Event::ConversationUpdated { conversation: Box::new(conversation.clone()) });
        Ok(conversation)
    }

    /// Merges `merged` into `survivor` (same customer), announcing both changes.
    pub async fn merge_conversations(
        &self,
        survivor: ConversationId,
        merged: ConversationId,
    ) -> Result<Conversation, ServiceError> {
        let conversation = self.store.merge_conversations(survivor, merged, self.now()).await?;
        let merged = self.store.get_conversation(merged).await?;
        self.events.publish(Event::ConversationUpdated { conversation: Box::new(merged) });
        self.events.publish(Event::ConversationUpdated { conversation: Box::new(conversation.clone()) });
        Ok(conversation)
    }
}

#[cfg(test)]
mod tests {
    use super::subject_for;

    #[test]
    fn subject_falls_back_to_the_first_line_of_text() {
        assert_eq!(subject_for(None, "\n  Ordine in ritardo\nSaluti"), "Ordine in ritardo");
        assert_eq!(subject_for(Some("  "), "Hello"), "Hello");
        assert_eq!(subject_for(Some("Refund"), "Hello"), "Refund");
        assert_eq!(subject_for(None, ""), "(no subject)");
    }

    #[test]
    fn long_subjects_are_cut_on_a_character() {
        let subject = subject_for(Some(&"è".repeat(500)), "");
        assert_eq!(subject.chars().count(), super::MAX_SUBJECT_CHARS);
        assert!(subject.ends_with('…'));
    }
}
