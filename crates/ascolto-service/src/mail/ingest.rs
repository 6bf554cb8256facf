//! One fetched mail into the store: bounces mark our reply failed, everything else is threaded
//! (our token, then In-Reply-To and References, then the subject of the same customer's
//! conversations) and stored through `Desk::ingest`, then indexed by Message-ID.

use ascolto_channels::email::{self, AttachmentLimits, MailKind, ParsedMail, ReplyToken};
use ascolto_core::{
    Channel, ConversationId, CustomerId, DeliveryStatus, Direction, Identity, IdentityKind, MessageId,
};
use ascolto_store::{ConversationFilter, MailRecord, Mailbox, PageRequest, StoreError};
use tracing::{info, warn};

use crate::ingest::MAX_TEXT_CHARS;
use crate::{Desk, InboundRequest, ServiceError};

/// What storing one mail came to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MailOutcome {
    /// Stored (`created`) or found already stored (a copy, a re-fetch).
    Stored { message: MessageId, conversation: ConversationId, created: bool, automatic: bool },
    /// A bounce of one of our replies: the reply is marked failed, nothing else is stored.
    Bounced { original: String },
}

/// Followed merges at most this many times when a token names a merged conversation.
const MAX_MERGE_HOPS: usize = 8;

impl Desk {
    /// Stores one raw mail fetched from `mailbox`. Safe to call again with the same bytes.
    pub async fn ingest_mail(&self, mailbox: &Mailbox, raw: &[u8]) -> Result<MailOutcome, ServiceError> {
        let limits = AttachmentLimits {
            max_bytes: usize::try_from(mailbox.settings.max_attachment_bytes).unwrap_or(0),
            ..AttachmentLimits::default()
        };
        let mail = email::parse(raw, limits);
        if let MailKind::Bounce { original: Some(original), diagnostic } = &mail.kind {
            if ReplyToken::find(original).is_some() {
                self.mark_bounced(original, diagnostic).await?;
                return Ok(MailOutcome::Bounced { original: original.clone() });
            }
        }
        self.store_mail(mailbox, &mail).await
    }

    async fn mark_bounced(&self, original: &str, diagnostic: &str) -> Result<(), ServiceError> {
        let error = format!("bounced: {diagnostic}");
        let changed = self
            .store
            .update_delivery_status(Channel::Email, original, DeliveryStatus::Failed, Some(error))
            .await?;
        if let Some(message) = changed {
            info!(message.id = %message.id, "reply {} bounced: {diagnostic}", message.id);
            let conversation = self.store.get_conversation(message.conversation_id).await?;
            self.events.publish(crate::events::Event::DeliveryUpdated {
                scope: crate::events::Scope::from(&conversation),
                message: Box::new(message),
            });
        }
        Ok(())
    }

    async fn store_mail(&self, mailbox: &Mailbox, mail: &ParsedMail) -> Result<MailOutcome, ServiceError> {
        let identity = sender_identity(mail);
        let key = mail.dedupe_key();
        let conversation = match self.store.find_customer_by_identity(&identity).await? {
            Some(customer) => self.thread(mail, customer.id, &key).await?,
            None => None,
        };
        let request = InboundRequest {
            channel: Channel::Email,
            identity,
            customer_name: mail.from_name.clone(),
            conversation,
            subject: Some(mail.subject.clone()),
            text: text_of(mail),
            html: mail.html.clone(),
            attachments: mail.attachments.iter().map(|a| a.meta.clone()).collect(),
            channel_message_id: Some(key.clone()),
            received_at: None,
        };
        let ingested = self.ingest(request).await?;
        let message = ingested.message.id;
        let record = MailRecord {
            message,
            mailbox: Some(mailbox.id),
            rfc_message_id: mail.message_id.clone().unwrap_or(key),
            direction: Direction::Inbound,
            kind: mail.kind.as_str().to_owned(),
        };
        self.store.record_mail(record, self.now()).await?;
        for (position, attachment) in mail.attachments.iter().enumerate() {
            if let (Some(data), Ok(position)) = (&attachment.data, i32::try_from(position)) {
                self.store.save_attachment(message, position, data).await?;
            }
        }
        if mail.kind.is_automatic() {
            info!(message.id = %message, "mail {message} is automatic ({}); it will not be answered automatically", mail.kind.as_str());
        }
        Ok(MailOutcome::Stored {
            message,
            conversation: ingested.conversation.id,
            created: ingested.created,
            automatic: mail.kind.is_automatic(),
        })
    }

    /// The conversation of `customer` this mail answers, or a new one when it answers none
    /// but the customer has another conversation open. `None` lets ingest start one.
    async fn thread(
        &self,
        mail: &ParsedMail,
        customer: CustomerId,
        key: &str,
    ) -> Result<Option<ConversationId>, ServiceError> {
        if let Some(token) = mail.token {
            if let Some(found) = self.own_conversation(ConversationId(token.conversation), customer).await? {
                return Ok(Some(found));
            }
        }
        let mut ids = mail.in_reply_to.clone();
        ids.extend(mail.references.iter().rev().cloned());
        let hits = self.store.find_mail_threads(&ids).await?;
        if let Some(hit) = hits.iter().find(|hit| hit.customer == customer) {
            return Ok(Some(hit.conversation));
        }
        let recent = self.recent_email_conversations(customer).await?;
        let (subject, is_reply) = email::normalise_subject(&mail.subject);
        if is_reply && !subject.is_empty() {
            if let Some(same) = recent.iter().find(|c| email::normalise_subject(&c.subject).0 == subject) {
                return Ok(Some(same.id));
            }
        }
        let open = recent.iter().any(|c| c.status != ascolto_core::ConversationStatus::Resolved);
        if !open {
            return Ok(None);
        }
        let subject = if mail.subject.trim().is_empty() { "(no subject)" } else { mail.subject.trim() };
        let subject: String = subject.chars().take(crate::ingest::MAX_SUBJECT_CHARS).collect();
        Ok(Some(self.store.open_mail_conversation(key, customer, &subject, self.now()).await?))
    }

    /// `id` (followed through merges) when it belongs to `customer`; never another
    /// customer's conversation, whatever a token says.
    async fn own_conversation(
        &self,
        mut id: ConversationId,
        customer: CustomerId,
    ) -> Result<Option<ConversationId>, ServiceError> {
        for _ in 0..MAX_MERGE_HOPS {
            let conversation = match self.store.get_conversation(id).await {
                Ok(conversation) => conversation,
                Err(StoreError::NotFound { .. }) => return Ok(None),
                Err(error) => return Err(error.into()),
            };
            match conversation.merged_into {
                Some(survivor) => id = survivor,
                None => {
                    let ours = conversation.customer_id == customer && conversation.channel == Channel::Email;
                    return Ok(ours.then_some(id));
                }
            }
        }
        Ok(None)
    }

    async fn recent_email_conversations(
        &self,
        customer: CustomerId,
    ) -> Result<Vec<ascolto_core::Conversation>, ServiceError> {
        let filter = ConversationFilter {
            channel: Some(Channel::Email),
            customer: Some(customer),
            ..ConversationFilter::default()
        };
        let visibility = ascolto_core::agent::Visibility::All;
        Ok(self.store.list_conversations(&filter, &visibility, PageRequest::first(50)).await?.items)
    }
}

/// The sender as an e-mail identity. Mail without a usable From (broken headers) is still
/// stored, under one placeholder sender, rather than lost.
fn sender_identity(mail: &ParsedMail) -> Identity {
    let parsed =
        mail.from_address.as_deref().and_then(|address| Identity::parse(IdentityKind::Email, address).ok());
    parsed.unwrap_or_else(|| {
        warn!("a mail without a usable sender address is stored as from unknown-sender@invalid");
        Identity { kind: IdentityKind::Email, value: "unknown-sender@invalid".to_owned() }
    })
}

/// The text to store: the whole mail text, cut with a marker beyond the desk's limit (mail is
/// never refused for its size), or a placeholder for a mail with no text at all.
fn text_of(mail: &ParsedMail) -> String {
    if mail.text.trim().is_empty() && mail.html.is_none() && mail.attachments.is_empty() {
        return "(empty message)".to_owned();
    }
    if mail.text.chars().count() <= MAX_TEXT_CHARS {
        return mail.text.clone();
    }
    let marker = "\n[… the rest of this mail was too long to keep]";
    let mut text: String = mail.text.chars().take(MAX_TEXT_CHARS - marker.chars().count()).collect();
    text.push_str(marker);
    text
}
