//! Parsing one raw message with mail-parser into the values the service stores.

use ascolto_core::AttachmentMeta;
use chrono::{DateTime, Utc};
use mail_parser::{Address, HeaderValue, MessageParser, MimeHeaders, PartType};
use sha2::{Digest, Sha256};

use super::classify::{MailKind, classify};
use super::token::{ReplyToken, normalise_message_id};

/// How large an attachment may be to be kept, and how much all of one message's may add up to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AttachmentLimits {
    pub max_bytes: usize,
    pub max_total_bytes: usize,
}

impl Default for AttachmentLimits {
    /// 25 MB each and 50 MB per message: what common mail servers accept anyway.
    fn default() -> Self {
        Self { max_bytes: 25 * 1024 * 1024, max_total_bytes: 50 * 1024 * 1024 }
    }
}

/// An attachment: what is known of it, and its bytes unless it was skipped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MailAttachment {
    pub meta: AttachmentMeta,
    pub data: Option<Vec<u8>>,
}

/// One message as the service needs it.
#[derive(Debug, Clone, PartialEq)]
pub struct ParsedMail {
    /// The Message-ID without brackets, when there was one.
    pub message_id: Option<String>,
    pub in_reply_to: Vec<String>,
    pub references: Vec<String>,
    /// The sender's address as written (the service parses it into an identity).
    pub from_address: Option<String>,
    pub from_name: Option<String>,
    /// Every recipient address (To, Cc, Delivered-To), for the plus-address token.
    pub recipients: Vec<String>,
    pub subject: String,
    pub date: Option<DateTime<Utc>>,
    /// The whole text, quotes included; HTML-only mail is converted to text.
    pub text: String,
    /// The HTML as sent, not yet sanitised.
    pub html: Option<String>,
    pub attachments: Vec<MailAttachment>,
    pub kind: MailKind,
    /// Our reply token, from headers or recipient addresses.
    pub token: Option<ReplyToken>,
    /// SHA-256 (hex) of what the message says: sender, date, subject, bodies and attachments.
    /// Two copies of one mail (two folders, two mailboxes) hash the same even when transport
    /// headers differ; two different mails reusing a Message-ID do not.
    pub content_hash: String,
    /// False when the bytes were not valid MIME and were kept as plain text.
    pub well_formed: bool,
}

impl ParsedMail {
    /// The store's idempotency key for this mail: the Message-ID and the content hash, so the
    /// same mail is stored once and a reused Message-ID with new content is stored again.
    pub fn dedupe_key(&self) -> String {
        let hash = &self.content_hash[..32];
        match &self.message_id {
            Some(id) => format!("{id}#{hash}"),
            None => format!("#{hash}"),
        }
    }
}

/// Parses raw message bytes. Never fails: bytes that are not MIME become a text message.
pub fn parse(raw: &[u8], limits: AttachmentLimits) -> ParsedMail {
    match MessageParser::default().parse(raw) {
        Some(message) if !message.headers().is_empty() => from_message(&message, raw, limits),
        _ => unparsed(raw),
    }
}

fn from_message(message: &mail_parser::Message<'_>, raw: &[u8], limits: AttachmentLimits) -> ParsedMail {
    let (from_address, from_name) = first_address(message.from());
    let mut recipients = addresses(message.to());
    recipients.extend(addresses(message.cc()));
    for value in message.header_values("Delivered-To").chain(message.header_values("X-Original-To")) {
        if let Some(text) = value.as_text() {
            recipients.push(text.trim().to_owned());
        }
    }
    let in_reply_to = ids(message.in_reply_to());
    let references = ids(message.references());
    let subject = message.subject().unwrap_or("").trim().to_owned();
    let mut text = body_text(message);
    let html = body_html(message);
    let mut attachments = attachments(message, limits);
    // MIME that names a boundary it never uses (and similar breakage) parses to no text, or
    // to the whole body as one "multipart" attachment: then the body is kept as text, as it
    // came and decoded leniently, so the customer's words survive.
    let undecoded = |a: &MailAttachment| a.meta.content_type.starts_with("multipart/");
    let well_formed = !text.trim().is_empty() || html.is_some() || !attachments.iter().all(undecoded);
    if !well_formed {
        attachments.retain(|a| !undecoded(a));
        let body_start = (message.root_part().raw_body_offset() as usize).min(raw.len());
        text = String::from_utf8_lossy(&raw[body_start..]).replace("\r\n", "\n").trim().to_owned();
        if text.is_empty() {
            // Not even a header/body split: the bytes themselves are all there is.
            text = String::from_utf8_lossy(raw).replace("\r\n", "\n").trim().to_owned();
        }
    }
    let kind = classify(message);
    let token = find_token(message, &in_reply_to, &references, &recipients);
    let date = message.date().and_then(|d| DateTime::from_timestamp(d.to_timestamp(), 0));
    let content_hash = hash_content(
        &[from_address.as_deref().unwrap_or(""), message.header_raw("Date").unwrap_or("").trim(), &subject],
        &text,
        html.as_deref(),
        &attachments,
    );
    ParsedMail {
        message_id: message.message_id().and_then(normalise_message_id),
        in_reply_to,
        references,
        from_address,
        from_name,
        recipients,
        subject,
        date,
        text,
        html,
        attachments,
        kind,
        token,
        content_hash,
        well_formed,
    }
}

/// Bytes mail-parser could make nothing of: kept whole as text.
fn unparsed(raw: &[u8]) -> ParsedMail {
    let text = String::from_utf8_lossy(raw).into_owned();
    let content_hash = hex_digest(raw);
    ParsedMail {
        message_id: None,
        in_reply_to: Vec::new(),
        references: Vec::new(),
        from_address: None,
        from_name: None,
        recipients: Vec::new(),
        subject: String::new(),
        date: None,
        text,
        html: None,
        attachments: Vec::new(),
        kind: MailKind::Normal,
        token: None,
        content_hash,
        well_formed: false,
    }
}

fn first_address(address: Option<&Address<'_>>) -> (Option<String>, Option<String>) {
    let Some(first) = address.and_then(Address::first) else { return (None, None) };
    let name = first.name.as_deref().map(str::trim).filter(|n| !n.is_empty()).map(str::to_owned);
    (first.address.as_deref().map(|a| a.trim().to_owned()), name)
}

fn addresses(address: Option<&Address<'_>>) -> Vec<String> {
    address
        .map(|a| a.iter().filter_map(|addr| addr.address.as_deref().map(str::to_owned)).collect())
        .unwrap_or_default()
}

fn ids(value: &HeaderValue<'_>) -> Vec<String> {
    let raw: Vec<&str> = match value {
        HeaderValue::Text(text) => vec![text.as_ref()],
        HeaderValue::TextList(list) => list.iter().map(AsRef::as_ref).collect(),
        _ => Vec::new(),
    };
    raw.into_iter().filter_map(normalise_message_id).collect()
}

/// Every text part joined; for HTML-only mail, mail-parser's conversion of the HTML.
fn body_text(message: &mail_parser::Message<'_>) -> String {
    let parts: Vec<String> = (0..message.text_body_count())
        .filter_map(|position| message.body_text(position).map(|text| text.into_owned()))
        .collect();
    let text = parts.join("\n\n");
    let text = text.replace("\r\n", "\n");
    text.trim_end().to_owned()
}

fn body_html(message: &mail_parser::Message<'_>) -> Option<String> {
    let has_html = message.html_bodies().any(|part| matches!(part.body, PartType::Html(_)));
    if !has_html {
        return None;
    }
    let parts: Vec<String> = message
        .html_bodies()
        .filter_map(|part| match &part.body {
            PartType::Html(html) => Some(html.to_string()),
            _ => None,
        })
        .collect();
    Some(parts.join("\n"))
}

fn attachments(message: &mail_parser::Message<'_>, limits: AttachmentLimits) -> Vec<MailAttachment> {
    let mut kept_total = 0usize;
    message
        .attachments()
        .enumerate()
        .map(|(index, part)| {
            let bytes: &[u8] = match &part.body {
                PartType::Message(inner) => inner.raw_message(),
                _ => part.contents(),
            };
            let content_type = part
                .content_type()
                .map(|ct| match ct.subtype() {
                    Some(sub) => format!("{}/{}", ct.ctype(), sub),
                    None => ct.ctype().to_owned(),
                })
                .unwrap_or_else(|| "application/octet-stream".to_owned())
                .to_ascii_lowercase();
            let filename = part
                .attachment_name()
                .map(str::to_owned)
                .unwrap_or_else(|| format!("attachment-{}", index + 1));
            let skipped = if bytes.len() > limits.max_bytes {
                Some(format!("larger than the {} byte limit", limits.max_bytes))
            } else if kept_total + bytes.len() > limits.max_total_bytes {
                Some(format!("the message's attachments exceed {} bytes", limits.max_total_bytes))
            } else {
                None
            };
            if skipped.is_none() {
                kept_total += bytes.len();
            }
            let meta = AttachmentMeta {
                filename: filename.chars().take(255).collect(),
                content_type,
                size_bytes: bytes.len() as i64,
                content_id: part.content_id().and_then(normalise_message_id),
                skipped: skipped.clone(),
            };
            MailAttachment { meta, data: skipped.is_none().then(|| bytes.to_vec()) }
        })
        .collect()
}

fn find_token(
    message: &mail_parser::Message<'_>,
    in_reply_to: &[String],
    references: &[String],
    recipients: &[String],
) -> Option<ReplyToken> {
    let header = message.header_raw(super::token::REF_HEADER).and_then(ReplyToken::find);
    header
        .or_else(|| in_reply_to.iter().find_map(|id| ReplyToken::find(id)))
        .or_else(|| references.iter().rev().find_map(|id| ReplyToken::find(id)))
        .or_else(|| recipients.iter().find_map(|address| ReplyToken::find(address)))
}

fn hash_content(
    header_fields: &[&str],
    text: &str,
    html: Option<&str>,
    attachments: &[MailAttachment],
) -> String {
    let mut hasher = Sha256::new();
    for field in header_fields {
        hasher.update(field.as_bytes());
        hasher.update([0]);
    }
    hasher.update(text.as_bytes());
    hasher.update([0]);
    hasher.update(html.unwrap_or("").as_bytes());
    for attachment in attachments {
        hasher.update([0]);
        hasher.update(attachment.meta.filename.as_bytes());
        hasher.update(attachment.meta.size_bytes.to_le_bytes());
        if let Some(data) = &attachment.data {
            hasher.update(data);
        }
    }
    hex::encode(hasher.finalize())
}

fn hex_digest(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}
