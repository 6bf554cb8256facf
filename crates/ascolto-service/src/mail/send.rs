//! Sending replies over SMTP: the outbox's deliverer for the e-mail channel.

use std::sync::Arc;
use std::time::Duration;

use ascolto_channels::email::{OutgoingMail, ReplyToken, build_reply};
use ascolto_core::{Conversation, Direction, IdentityKind, Message};
use ascolto_store::{MailRecord, MailSecurity, Mailbox, Store, StoreError};
use lettre::transport::smtp::authentication::Credentials;
use lettre::{AsyncSmtpTransport, AsyncTransport, Tokio1Executor};

use crate::outbox::{Deliverer, DeliveryError};

/// How many of the thread's Message-IDs go into `References` (the newest ones).
const MAX_REFERENCES: usize = 20;

/// Delivers e-mail replies from the mailbox the conversation's mail arrived in.
#[derive(Debug, Clone)]
pub struct EmailDeliverer {
    store: Arc<dyn Store>,
}

impl EmailDeliverer {
    pub fn new(store: Arc<dyn Store>) -> Self {
        Self { store }
    }

    /// The mailbox that received the conversation's latest mail, else the first active one.
    async fn mailbox_for(
        &self,
        references: &[ascolto_store::MailReference],
    ) -> Result<Mailbox, DeliveryError> {
        if let Some(id) = references.iter().rev().find_map(|r| r.mailbox) {
            match self.store.get_mailbox(id).await {
                Ok(mailbox) => return Ok(mailbox),
                Err(StoreError::NotFound { .. }) => {}
                Err(error) => return Err(temporary(error)),
            }
        }
        let mailboxes = self.store.list_mailboxes().await.map_err(temporary)?;
        mailboxes
            .into_iter()
            .find(|m| m.active)
            .ok_or_else(|| DeliveryError::Permanent("no mailbox is configured to send e-mail".to_owned()))
    }

    async fn outgoing(
        &self,
        message: &Message,
        conversation: &Conversation,
    ) -> Result<(Mailbox, OutgoingMail), DeliveryError> {
        let references = self.store.mail_references(conversation.id).await.map_err(temporary)?;
        let mailbox = self.mailbox_for(&references).await?;
        let customer = self.store.get_customer(conversation.customer_id).await.map_err(temporary)?;
        let to_address = customer
            .identities
            .iter()
            .find(|identity| identity.kind == IdentityKind::Email)
            .map(|identity| identity.value.clone())
            .ok_or_else(|| DeliveryError::Permanent("the customer has no e-mail address".to_owned()))?;
        let domain =
            mailbox.settings.address.rsplit_once('@').map_or("ascolto.invalid", |(_, d)| d).to_owned();
        let in_reply_to = references
            .iter()
            .rev()
            .find(|r| r.direction == Direction::Inbound && r.kind == "normal")
            .map(|r| r.rfc_message_id.clone());
        let thread: Vec<String> = references
            .iter()
            .filter(|r| r.rfc_message_id.contains('@'))
            .map(|r| r.rfc_message_id.clone())
            .collect();
        let references = thread[thread.len().saturating_sub(MAX_REFERENCES)..].to_vec();
        let mail = OutgoingMail {
            from_address: mailbox.settings.address.clone(),
            from_name: mailbox.settings.display_name.clone(),
            to_address,
            to_name: Some(customer.name.clone()),
            subject: conversation.subject.clone(),
            text: message.text.clone(),
            html: message.html.clone(),
            message_id: ascolto_channels::email::message_id_for(conversation.id.0, message.id.0, &domain),
            in_reply_to,
            references,
            token: ReplyToken { conversation: conversation.id.0 },
        };
        Ok((mailbox, mail))
    }
}

#[async_trait::async_trait]
impl Deliverer for EmailDeliverer {
    async fn deliver(
        &self,
        message: &Message,
        conversation: &Conversation,
    ) -> Result<Option<String>, DeliveryError> {
        let (mailbox, mail) = self.outgoing(message, conversation).await?;
        let built = build_reply(&mail).map_err(|error| DeliveryError::Permanent(error.to_string()))?;
        // Indexed before sending, so an answer or a bounce that comes back at once finds it.
        let record = MailRecord {
            message: message.id,
            mailbox: Some(mailbox.id),
            rfc_message_id: mail.message_id.clone(),
            direction: Direction::Outbound,
            kind: "normal".to_owned(),
        };
        self.store.record_mail(record, chrono::Utc::now()).await.map_err(temporary)?;
        let transport = transport(&mailbox)?;
        match transport.send(built).await {
            Ok(_) => Ok(Some(mail.message_id)),
            Err(error) if error.is_permanent() => {
                Err(DeliveryError::Permanent(format!("the mail server refused the reply: {error}")))
            }
            Err(error) => {
                Err(DeliveryError::Temporary(format!("the mail server could not take the reply: {error}")))
            }
        }
    }
}

fn temporary(error: StoreError) -> DeliveryError {
    DeliveryError::Temporary(error.to_string())
}

/// An SMTP connection for the mailbox's settings.
fn transport(mailbox: &Mailbox) -> Result<AsyncSmtpTransport<Tokio1Executor>, DeliveryError> {
    let smtp = &mailbox.settings.smtp;
    let bad =
        |error: lettre::transport::smtp::Error| DeliveryError::Permanent(format!("SMTP settings: {error}"));
    let builder = match smtp.security {
        MailSecurity::Tls => AsyncSmtpTransport::<Tokio1Executor>::relay(&smtp.host).map_err(bad)?,
        MailSecurity::StartTls => {
            AsyncSmtpTransport::<Tokio1Executor>::starttls_relay(&smtp.host).map_err(bad)?
        }
        MailSecurity::Plain => AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&smtp.host),
    };
    let mut builder = builder.port(smtp.port).timeout(Some(Duration::from_secs(30)));
    if !smtp.username.is_empty() {
        builder =
            builder.credentials(Credentials::new(smtp.username.clone(), smtp.password.expose().to_owned()));
    }
    Ok(builder.build())
}
