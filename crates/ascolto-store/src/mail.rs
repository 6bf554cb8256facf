//! The values of the e-mail area: mailboxes (with their credentials), IMAP sync state, and
//! the Message-ID index that threads mail.

use ascolto_core::{ConversationId, CustomerId, Direction, MessageId};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::Secret;

/// How a connection to a mail server is protected.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum MailSecurity {
    /// TLS from the first byte (IMAPS 993, SMTPS 465).
    Tls,
    /// A plain connection upgraded with STARTTLS (IMAP 143, submission 587).
    StartTls,
    /// No encryption: only for servers on loopback, as in tests.
    Plain,
}

/// One server a mailbox talks to. The password is a [`Secret`]: never in `Debug` output.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MailServer {
    pub host: String,
    pub port: u16,
    pub security: MailSecurity,
    /// Empty for an SMTP server that takes mail without signing in.
    pub username: String,
    pub password: Secret,
}

/// How a mailbox connects and behaves. Stored as JSON, secrets included.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MailboxSettings {
    /// The support address customers write to; replies come from it.
    pub address: String,
    pub display_name: String,
    pub imap: MailServer,
    pub smtp: MailServer,
    /// IMAP folders to fetch, such as `INBOX`.
    pub folders: Vec<String>,
    /// How often to look for mail when the server does not offer IDLE, in seconds.
    pub poll_seconds: u32,
    /// Attachments larger than this are recorded as skipped; the message is still stored.
    pub max_attachment_bytes: i64,
}

/// A configured mailbox.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mailbox {
    pub id: i64,
    pub name: String,
    pub settings: MailboxSettings,
    /// Whether the fetch worker reads it.
    pub active: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A mailbox to create, or the new state of one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewMailbox {
    pub name: String,
    pub settings: MailboxSettings,
    pub active: bool,
}

/// How far one folder of a mailbox has been fetched: every message with a UID up to
/// `last_uid` under this `uid_validity` is stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MailSync {
    pub uid_validity: u32,
    pub last_uid: u32,
}

/// A stored message's place in the mail index.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MailRecord {
    pub message: MessageId,
    pub mailbox: Option<i64>,
    /// The Message-ID without brackets.
    pub rfc_message_id: String,
    pub direction: Direction,
    /// `normal`, `auto_reply` or `bounce`.
    pub kind: String,
}

/// A conversation a Message-ID belongs to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MailThreadHit {
    pub rfc_message_id: String,
    pub conversation: ConversationId,
    pub customer: CustomerId,
    pub message: MessageId,
}

/// One Message-ID of a conversation, for `References`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MailReference {
    pub rfc_message_id: String,
    /// The mailbox it arrived in (inbound) or was sent from (outbound).
    pub mailbox: Option<i64>,
    pub direction: Direction,
    pub kind: String,
}
