//! Telegram: a bot's webhook updates mapped to customer messages, and replies through the Bot
//! API's `sendMessage`.
//!
//! Only private chats are conversations: there the chat is the user, so the customer identity
//! (the user's id) is also where replies go. Updates from groups and channels, edits and
//! service messages are acknowledged and left out.

use std::time::Duration;

use ascolto_core::{AttachmentMeta, Identity, IdentityKind};
use chrono::{DateTime, Utc};
use serde::Deserialize;

use crate::{SendError, unreachable};

/// The header Telegram sends the webhook's secret token in.
pub const SECRET_HEADER: &str = "x-telegram-bot-api-secret-token";
/// The longest text one Telegram message may carry.
const MAX_MESSAGE_CHARS: usize = 4096;

#[derive(Debug, Deserialize)]
struct Update {
    update_id: i64,
    message: Option<TgMessage>,
}

#[derive(Debug, Deserialize)]
struct TgMessage {
    message_id: i64,
    from: Option<User>,
    chat: Chat,
    date: i64,
    text: Option<String>,
    caption: Option<String>,
    #[serde(default)]
    photo: Vec<PhotoSize>,
    document: Option<Document>,
}

#[derive(Debug, Deserialize)]
struct User {
    id: i64,
    #[serde(default)]
    is_bot: bool,
    first_name: String,
    last_name: Option<String>,
    username: Option<String>,
}

#[derive(Debug, Deserialize)]
struct Chat {
    id: i64,
    #[serde(rename = "type")]
    kind: String,
}

#[derive(Debug, Deserialize)]
struct PhotoSize {
    file_id: String,
    file_size: Option<i64>,
    width: i64,
}

#[derive(Debug, Deserialize)]
struct Document {
    file_id: String,
    file_name: Option<String>,
    mime_type: Option<String>,
    file_size: Option<i64>,
}

/// A customer's message from a Telegram private chat.
#[derive(Debug, Clone, PartialEq)]
pub struct TelegramInbound {
    pub update_id: i64,
    /// The user's id, which is also the private chat's id.
    pub identity: Identity,
    pub name: Option<String>,
    /// The text or the media's caption (may be empty when only a file was sent).
    pub text: String,
    /// Photos and documents; `content_id` holds `telegram:<file_id>` to fetch the bytes.
    pub attachments: Vec<AttachmentMeta>,
    /// `<chat id>:<message id>`: message ids are unique within a chat.
    pub channel_message_id: String,
    pub sent_at: Option<DateTime<Utc>>,
}

/// Reads a webhook update. `Ok(None)` means a valid update that is not a customer message.
pub fn parse_update(body: &[u8]) -> Result<Option<TelegramInbound>, serde_json::Error> {
    let update: Update = serde_json::from_slice(body)?;
    let Some(message) = update.message else { return Ok(None) };
    let Some(from) = message.from.as_ref().filter(|from| !from.is_bot) else { return Ok(None) };
    if message.chat.kind != "private" || message.chat.id != from.id {
        return Ok(None);
    }
    let attachments = attachments(&message);
    let text = message.text.clone().or(message.caption.clone()).unwrap_or_default();
    if text.trim().is_empty() && attachments.is_empty() {
        return Ok(None);
    }
    let Ok(identity) = Identity::parse(IdentityKind::Telegram, &from.id.to_string()) else { return Ok(None) };
    Ok(Some(TelegramInbound {
        update_id: update.update_id,
        identity,
        name: Some(display_name(from)),
        text,
        attachments,
        channel_message_id: format!("{}:{}", message.chat.id, message.message_id),
        sent_at: DateTime::from_timestamp(message.date, 0),
    }))
}

fn display_name(user: &User) -> String {
    match (&user.last_name, &user.username) {
        (Some(last), _) => format!("{} {last}", user.first_name),
        (None, Some(username)) if user.first_name.trim().is_empty() => format!("@{username}"),
        _ => user.first_name.clone(),
    }
}

fn attachments(message: &TgMessage) -> Vec<AttachmentMeta> {
    let mut found = Vec::new();
    // Telegram sends each photo in several sizes; the widest is the one worth keeping.
    if let Some(photo) = message.photo.iter().max_by_key(|size| size.width) {
        found.push(AttachmentMeta {
            filename: format!("photo-{}.jpg", message.message_id),
            content_type: "image/jpeg".into(),
            size_bytes: photo.file_size.unwrap_or(0),
            content_id: Some(format!("telegram:{}", photo.file_id)),
            skipped: None,
        });
    }
    if let Some(document) = &message.document {
        found.push(AttachmentMeta {
            filename: document
                .file_name
                .clone()
                .unwrap_or_else(|| format!("document-{}", message.message_id)),
            content_type: document.mime_type.clone().unwrap_or_else(|| "application/octet-stream".into()),
            size_bytes: document.file_size.unwrap_or(0),
            content_id: Some(format!("telegram:{}", document.file_id)),
            skipped: None,
        });
    }
    found
}

/// The Bot API for one bot.
#[derive(Clone)]
pub struct TelegramClient {
    http: reqwest::Client,
    api_base: String,
    bot_token: String,
}

impl std::fmt::Debug for TelegramClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TelegramClient").field("api_base", &self.api_base).finish_non_exhaustive()
    }
}

#[derive(Debug, Deserialize)]
struct ApiResponse {
    ok: bool,
    result: Option<SentMessage>,
    error_code: Option<u16>,
    description: Option<String>,
    parameters: Option<ResponseParameters>,
}

#[derive(Debug, Deserialize)]
struct SentMessage {
    message_id: i64,
}

#[derive(Debug, Deserialize)]
struct ResponseParameters {
    retry_after: Option<u64>,
}

impl TelegramClient {
    pub fn new(http: reqwest::Client, api_base: &str, bot_token: &str) -> Self {
        Self { http, api_base: api_base.trim_end_matches('/').to_owned(), bot_token: bot_token.to_owned() }
    }

    /// Sends `text` to the private chat `chat_id`, in several messages when it is longer than
    /// Telegram allows. Returns the channel message id (`<chat>:<message>`) of the last part.
    pub async fn send_message(&self, chat_id: &str, text: &str) -> Result<String, SendError> {
        let mut last = String::new();
        for part in split_text(text, MAX_MESSAGE_CHARS) {
            let message_id = self.send_part(chat_id, &part).await?;
            last = format!("{chat_id}:{message_id}");
        }
        Ok(last)
    }

    async fn send_part(&self, chat_id: &str, text: &str) -> Result<i64, SendError> {
        // The token is part of the path; it must not appear in errors, so reqwest's error
        // (which prints the URL) is reduced to its kind.
        let url = format!("{}/bot{}/sendMessage", self.api_base, self.bot_token);
        let body = serde_json::json!({ "chat_id": chat_id, "text": text });
        let response = self
            .http
            .post(url)
            .json(&body)
            .send()
            .await
            .map_err(|error| unreachable("Telegram", error.without_url()))?;
        let status = response.status();
        let answer: ApiResponse = response.json().await.map_err(|_| {
            SendError::temporary(format!("Telegram answered {status} with a body that is not the Bot API's"))
        })?;
        match answer {
            ApiResponse { ok: true, result: Some(sent), .. } => Ok(sent.message_id),
            answer => Err(api_error(status.as_u16(), answer)),
        }
    }
}

fn api_error(status: u16, answer: ApiResponse) -> SendError {
    let code = answer.error_code.unwrap_or(status);
    let description = answer.description.unwrap_or_else(|| "no description".into());
    let message = format!("Telegram refused the message ({code}: {description})");
    match code {
        429 => SendError::Temporary {
            message,
            retry_after: answer.parameters.and_then(|p| p.retry_after).map(Duration::from_secs),
        },
        500..=599 => SendError::temporary(message),
        _ => SendError::permanent(message),
    }
}

/// Cuts text into parts of at most `max` characters, at a line break when there is one.
fn split_text(text: &str, max: usize) -> Vec<String> {
    let mut parts = Vec::new();
    let mut rest = text;
    while rest.chars().count() > max {
        let cut = rest.char_indices().nth(max).map(|(i, _)| i).unwrap_or(rest.len());
        let at = rest[..cut].rfind('\n').filter(|&i| i > 0).unwrap_or(cut);
        parts.push(rest[..at].to_owned());
        rest = rest[at..].trim_start_matches('\n');
    }
    parts.push(rest.to_owned());
    parts
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_private_text_message_becomes_an_inbound_message() {
        let body = br#"{"update_id":10,"message":{"message_id":5,"from":{"id":111,"is_bot":false,"first_name":"Anna","last_name":"Rossi"},"chat":{"id":111,"type":"private"},"date":1772355600,"text":"Ciao"}}"#;
        let inbound = parse_update(body).unwrap().unwrap();
        assert_eq!(inbound.identity.value, "111");
        assert_eq!(inbound.name.as_deref(), Some("Anna Rossi"));
        assert_eq!(inbound.text, "Ciao");
        assert_eq!(inbound.channel_message_id, "111:5");
    }

    #[test]
    fn photos_keep_the_widest_size_and_the_caption() {
        let body = br#"{"update_id":11,"message":{"message_id":6,"from":{"id":111,"first_name":"Anna"},"chat":{"id":111,"type":"private"},"date":1772355600,"caption":"Rotto","photo":[{"file_id":"small","file_unique_id":"s","width":90,"height":90,"file_size":100},{"file_id":"big","file_unique_id":"b","width":800,"height":800,"file_size":9000}]}}"#;
        let inbound = parse_update(body).unwrap().unwrap();
        assert_eq!(inbound.text, "Rotto");
        assert_eq!(inbound.attachments[0].content_id.as_deref(), Some("telegram:big"));
        assert_eq!(inbound.attachments[0].size_bytes, 9000);
    }

    #[test]
    fn groups_edits_and_bots_are_left_out() {
        let group = br#"{"update_id":1,"message":{"message_id":1,"from":{"id":1,"first_name":"A"},"chat":{"id":-5,"type":"group"},"date":1,"text":"x"}}"#;
        let edit = br#"{"update_id":2,"edited_message":{"message_id":1,"from":{"id":1,"first_name":"A"},"chat":{"id":1,"type":"private"},"date":1,"text":"x"}}"#;
        let bot = br#"{"update_id":3,"message":{"message_id":1,"from":{"id":1,"is_bot":true,"first_name":"B"},"chat":{"id":1,"type":"private"},"date":1,"text":"x"}}"#;
        for body in [&group[..], &edit[..], &bot[..]] {
            assert_eq!(parse_update(body).unwrap(), None);
        }
        assert!(parse_update(b"not json").is_err());
    }

    #[test]
    fn long_text_is_split_at_line_breaks() {
        let text = format!("{}\n{}", "a".repeat(3000), "b".repeat(3000));
        let parts = split_text(&text, 4096);
        assert_eq!(parts, vec!["a".repeat(3000), "b".repeat(3000)]);
        assert_eq!(split_text("è".repeat(5).as_str(), 2), vec!["èè", "èè", "è"]);
    }
}
