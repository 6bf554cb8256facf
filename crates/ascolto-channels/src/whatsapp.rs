//! WhatsApp Cloud API: the webhook's handshake and signature, inbound messages and delivery
//! statuses mapped to plain values, and replies (free text or an approved template) through
//! `POST /{version}/{phone-number-id}/messages`.

use std::time::Duration;

use ascolto_core::{AttachmentMeta, DeliveryStatus, Identity, IdentityKind};
use chrono::{DateTime, TimeDelta, Utc};
use serde::Deserialize;

use crate::signature::verify_hmac_hex;
use crate::{SendError, unreachable};

/// The header carrying `sha256=<hex HMAC of the raw body with the app secret>`.
pub const SIGNATURE_HEADER: &str = "x-hub-signature-256";
/// How long after the customer's last message a free-text reply may be sent.
pub const SERVICE_WINDOW: TimeDelta = TimeDelta::hours(24);
/// The error code of a free-text message sent outside the 24-hour window.
pub const WINDOW_CLOSED: i64 = 131047;

/// Whether a free-text reply may be sent now, given the customer's last message.
pub fn window_is_open(last_customer_message_at: Option<DateTime<Utc>>, now: DateTime<Utc>) -> bool {
    last_customer_message_at.is_some_and(|last| now - last < SERVICE_WINDOW)
}

/// Whether `header` (`sha256=<hex>`) signs `body` with `app_secret`.
pub fn signature_is_valid(app_secret: &str, body: &[u8], header: Option<&str>) -> bool {
    let Some(hex) = header.and_then(|value| value.trim().strip_prefix("sha256=")) else { return false };
    verify_hmac_hex(app_secret.as_bytes(), body, hex)
}

/// Answers the subscription handshake: the challenge to echo when the mode is `subscribe` and
/// the token is ours, `None` otherwise.
pub fn handshake<'a>(
    mode: Option<&str>,
    token: Option<&str>,
    challenge: Option<&'a str>,
    verify_token: &str,
) -> Option<&'a str> {
    let token_matches = token.is_some_and(|token| crate::signature::same_secret(token, verify_token));
    (mode == Some("subscribe") && token_matches).then_some(challenge?)
}

#[derive(Debug, Deserialize)]
struct Notification {
    #[serde(default)]
    entry: Vec<Entry>,
}

#[derive(Debug, Deserialize)]
struct Entry {
    #[serde(default)]
    changes: Vec<Change>,
}

#[derive(Debug, Deserialize)]
struct Change {
    value: Value,
}

#[derive(Debug, Deserialize)]
struct Value {
    metadata: Option<Metadata>,
    #[serde(default)]
    contacts: Vec<Contact>,
    #[serde(default)]
    messages: Vec<WaMessage>,
    #[serde(default)]
    statuses: Vec<WaStatus>,
}

#[derive(Debug, Deserialize)]
struct Metadata {
    phone_number_id: String,
}

#[derive(Debug, Deserialize)]
struct Contact {
    wa_id: String,
    profile: Option<Profile>,
}

#[derive(Debug, Deserialize)]
struct Profile {
    name: Option<String>,
}

#[derive(Debug, Deserialize)]
struct WaMessage {
    from: String,
    id: String,
    timestamp: String,
    #[serde(rename = "type")]
    kind: String,
    text: Option<Text>,
    image: Option<Media>,
    document: Option<Media>,
    audio: Option<Media>,
    video: Option<Media>,
    sticker: Option<Media>,
}

#[derive(Debug, Deserialize)]
struct Text {
    body: String,
}

#[derive(Debug, Deserialize)]
struct Media {
    id: String,
    mime_type: Option<String>,
    filename: Option<String>,
    caption: Option<String>,
}

#[derive(Debug, Deserialize)]
struct WaStatus {
    id: String,
    status: String,
    #[serde(default)]
    errors: Vec<ApiErrorDetail>,
}

#[derive(Debug, Deserialize)]
struct ApiErrorDetail {
    code: i64,
    title: Option<String>,
    message: Option<String>,
}

/// A customer's message from WhatsApp.
#[derive(Debug, Clone, PartialEq)]
pub struct WhatsAppInbound {
    /// The customer's number, `+digits`.
    pub identity: Identity,
    pub name: Option<String>,
    pub text: String,
    /// Media; `content_id` holds `whatsapp:<media id>` to fetch the bytes.
    pub attachments: Vec<AttachmentMeta>,
    /// The `wamid`.
    pub channel_message_id: String,
    pub sent_at: Option<DateTime<Utc>>,
}

/// What WhatsApp reported about a reply we sent.
#[derive(Debug, Clone, PartialEq)]
pub struct WhatsAppStatus {
    pub channel_message_id: String,
    pub status: DeliveryStatus,
    pub error: Option<String>,
}

/// Everything one webhook delivery carried for our phone number.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct WhatsAppDelivery {
    pub messages: Vec<WhatsAppInbound>,
    pub statuses: Vec<WhatsAppStatus>,
}

/// Reads a webhook delivery, keeping what is addressed to `phone_number_id`.
pub fn parse_delivery(body: &[u8], phone_number_id: &str) -> Result<WhatsAppDelivery, serde_json::Error> {
    let notification: Notification = serde_json::from_slice(body)?;
    let mut delivery = WhatsAppDelivery::default();
    let values = notification.entry.into_iter().flat_map(|entry| entry.changes).map(|change| change.value);
    for value in values.filter(|v| v.metadata.as_ref().is_some_and(|m| m.phone_number_id == phone_number_id))
    {
        for message in &value.messages {
            delivery.messages.extend(inbound(message, &value.contacts));
        }
        delivery.statuses.extend(value.statuses.iter().filter_map(status));
    }
    Ok(delivery)
}

fn inbound(message: &WaMessage, contacts: &[Contact]) -> Option<WhatsAppInbound> {
    if message.kind == "reaction" {
        return None;
    }
    let identity = Identity::parse(IdentityKind::WhatsApp, &format!("+{}", message.from)).ok()?;
    let name = contacts
        .iter()
        .find(|contact| contact.wa_id == message.from)
        .and_then(|contact| contact.profile.as_ref()?.name.clone());
    let media = [&message.image, &message.document, &message.audio, &message.video, &message.sticker]
        .into_iter()
        .flatten()
        .next();
    let attachments =
        media.map(|media| vec![attachment(&message.kind, &message.id, media)]).unwrap_or_default();
    let text = match (&message.text, media) {
        (Some(text), _) => text.body.clone(),
        (None, Some(media)) => media.caption.clone().unwrap_or_default(),
        // A kind we do not map (location, contacts...) is still stored, so nobody is ignored.
        (None, None) => format!("[{} message: open WhatsApp to see it]", message.kind),
    };
    let sent_at = message.timestamp.parse().ok().and_then(|seconds| DateTime::from_timestamp(seconds, 0));
    Some(WhatsAppInbound {
        identity,
        name,
        text,
        attachments,
        channel_message_id: message.id.clone(),
        sent_at,
    })
}

fn attachment(kind: &str, message_id: &str, media: &Media) -> AttachmentMeta {
    AttachmentMeta {
        filename: media.filename.clone().unwrap_or_else(|| format!("{kind}-{message_id}")),
        content_type: media.mime_type.clone().unwrap_or_else(|| "application/octet-stream".into()),
        size_bytes: 0,
        content_id: Some(format!("whatsapp:{}", media.id)),
        skipped: None,
    }
}

fn status(status: &WaStatus) -> Option<WhatsAppStatus> {
    let mapped = match status.status.as_str() {
        "sent" => DeliveryStatus::Sent,
        "delivered" => DeliveryStatus::Delivered,
        "read" => DeliveryStatus::Read,
        "failed" => DeliveryStatus::Failed,
        _ => return None,
    };
    let error = status.errors.first().map(|e| {
        let detail = e.message.as_deref().or(e.title.as_deref()).unwrap_or("no detail");
        format!("WhatsApp error {}: {detail}", e.code)
    });
    Some(WhatsAppStatus { channel_message_id: status.id.clone(), status: mapped, error })
}

/// The Cloud API for one phone number.
#[derive(Clone)]
pub struct WhatsAppClient {
    http: reqwest::Client,
    endpoint: String,
    access_token: String,
}

impl std::fmt::Debug for WhatsAppClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WhatsAppClient").field("endpoint", &self.endpoint).finish_non_exhaustive()
    }
}

#[derive(Debug, Deserialize)]
struct SendResponse {
    #[serde(default)]
    messages: Vec<SentId>,
    error: Option<GraphError>,
}

#[derive(Debug, Deserialize)]
struct SentId {
    id: String,
}

#[derive(Debug, Deserialize)]
struct GraphError {
    message: Option<String>,
    code: Option<i64>,
    error_data: Option<ErrorData>,
}

#[derive(Debug, Deserialize)]
struct ErrorData {
    details: Option<String>,
}

impl WhatsAppClient {
    pub fn new(
        http: reqwest::Client,
        api_base: &str,
        api_version: &str,
        phone_number_id: &str,
        access_token: &str,
    ) -> Self {
        let endpoint = format!("{}/{api_version}/{phone_number_id}/messages", api_base.trim_end_matches('/'));
        Self { http, endpoint, access_token: access_token.to_owned() }
    }

    /// Sends free text to `to` (`+digits`). Returns the `wamid`.
    pub async fn send_text(&self, to: &str, text: &str) -> Result<String, SendError> {
        let body = serde_json::json!({
            "messaging_product": "whatsapp",
            "recipient_type": "individual",
            "to": to.trim_start_matches('+'),
            "type": "text",
            "text": { "preview_url": false, "body": text },
        });
        self.send(body).await
    }

    /// Sends the approved template `name` in `language` (such as `it` or `en_US`), with
    /// `parameters` filling its body's `{{1}}`, `{{2}}`, ... in order. Returns the `wamid`.
    pub async fn send_template(
        &self,
        to: &str,
        name: &str,
        language: &str,
        parameters: &[String],
    ) -> Result<String, SendError> {
        self.send(template_body(to, name, language, parameters)).await
    }

    async fn send(&self, body: serde_json::Value) -> Result<String, SendError> {
        let response = self
            .http
            .post(&self.endpoint)
            .bearer_auth(&self.access_token)
            .json(&body)
            .send()
            .await
            .map_err(|error| unreachable("WhatsApp", error))?;
        let status = response.status().as_u16();
        let answer: SendResponse = response.json().await.map_err(|_| {
            SendError::temporary(format!(
                "WhatsApp answered {status} with a body that is not the Cloud API's"
            ))
        })?;
        match (answer.messages.into_iter().next(), answer.error) {
            (Some(sent), None) if status < 300 => Ok(sent.id),
            (_, error) => Err(graph_error(status, error)),
        }
    }
}

/// The Cloud API's request for a template message: the body's parameters go in one `body`
/// component, as text parameters; a template without parameters has no components.
pub fn template_body(to: &str, name: &str, language: &str, parameters: &[String]) -> serde_json::Value {
    let mut template = serde_json::json!({ "name": name, "language": { "code": language } });
    if !parameters.is_empty() {
        let parameters: Vec<_> =
            parameters.iter().map(|text| serde_json::json!({ "type": "text", "text": text })).collect();
        template["components"] = serde_json::json!([{ "type": "body", "parameters": parameters }]);
    }
    serde_json::json!({
        "messaging_product": "whatsapp",
        "recipient_type": "individual",
        "to": to.trim_start_matches('+'),
        "type": "template",
        "template": template,
    })
}

/// Checks a template's name as WhatsApp Manager allows it: 1 to 512 lower-case letters,
/// digits and underscores.
pub fn check_template_name(name: &str) -> Result<(), String> {
    let valid = (1..=512).contains(&name.len())
        && name.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
    if valid {
        Ok(())
    } else {
        Err(format!("{name:?} is not a template name (lower-case letters, digits and _)"))
    }
}

/// Checks a language code of the kind templates use: `it`, `en_US`.
pub fn check_language(code: &str) -> Result<(), String> {
    let (language, region) = code.split_once('_').unwrap_or((code, ""));
    let language_ok = (2..=3).contains(&language.len()) && language.chars().all(|c| c.is_ascii_lowercase());
    let region_ok =
        region.is_empty() || (region.len() == 2 && region.chars().all(|c| c.is_ascii_uppercase()));
    if language_ok && region_ok && !code.ends_with('_') {
        Ok(())
    } else {
        Err(format!("{code:?} is not a language code such as `it` or `en_US`"))
    }
}

/// How many parameters a template body takes: its placeholders must be `{{1}}` to `{{n}}`,
/// each number used, none skipped.
pub fn parameter_count(body: &str) -> Result<usize, String> {
    let mut numbers = Vec::new();
    let mut rest = body;
    while let Some(start) = rest.find("{{") {
        let after = &rest[start + 2..];
        let Some(end) = after.find("}}") else { break };
        let inside = after[..end].trim();
        let number = inside
            .parse::<usize>()
            .map_err(|_| format!("`{{{{{inside}}}}}` is not a placeholder such as {{{{1}}}}"))?;
        numbers.push(number);
        rest = &after[end + 2..];
    }
    numbers.sort_unstable();
    numbers.dedup();
    if numbers.iter().enumerate().any(|(index, number)| *number != index + 1) {
        return Err("placeholders must be numbered {{1}}, {{2}}, ... without gaps".to_owned());
    }
    Ok(numbers.len())
}

/// Checks one parameter value the way the Cloud API does (error 132018): not empty, at most
/// 1,024 characters, no new lines or tabs, no more than four spaces in a row.
pub fn check_parameter(value: &str) -> Result<(), String> {
    if value.trim().is_empty() {
        return Err("must not be empty".to_owned());
    }
    if value.chars().count() > 1024 {
        return Err("must be at most 1024 characters".to_owned());
    }
    if value.contains(['\n', '\r', '\t']) || value.contains("     ") {
        return Err("must not contain new lines, tabs or more than four spaces in a row".to_owned());
    }
    Ok(())
}

/// The body with `{{n}}` replaced by the n-th parameter: the text an agent sees for a sent
/// template.
pub fn render_template(body: &str, parameters: &[String]) -> String {
    let mut text = String::with_capacity(body.len());
    let mut rest = body;
    while let Some(start) = rest.find("{{") {
        let after = &rest[start + 2..];
        let Some(end) = after.find("}}") else { break };
        let value = after[..end].trim().parse::<usize>().ok().and_then(|n| parameters.get(n.checked_sub(1)?));
        text.push_str(&rest[..start]);
        match value {
            Some(value) => text.push_str(value),
            None => text.push_str(&rest[start..start + 2 + end + 2]),
        }
        rest = &after[end + 2..];
    }
    text.push_str(rest);
    text
}

fn graph_error(status: u16, error: Option<GraphError>) -> SendError {
    let code = error.as_ref().and_then(|e| e.code).unwrap_or(0);
    let detail = error
        .as_ref()
        .and_then(|e| e.error_data.as_ref().and_then(|d| d.details.clone()).or(e.message.clone()))
        .unwrap_or_else(|| format!("HTTP {status}"));
    let message = format!("WhatsApp refused the message ({code}: {detail})");
    match code {
        WINDOW_CLOSED => SendError::permanent(format!(
            "WhatsApp only allows free text within 24 hours of the customer's last message; send an approved template instead ({code}: {detail})"
        )),
        // Rate limits (130429 throughput, 131056 pair rate, 131048 spam rate, 4 and 80007
        // app/account throttling) and temporary service errors: try again later.
        130429 | 131056 | 131048 | 4 | 80007 | 131000 | 131016 => {
            SendError::Temporary { message, retry_after: Some(Duration::from_secs(30)) }
        }
        _ if status >= 500 => SendError::temporary(message),
        _ => SendError::permanent(message),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::signature::hmac_hex;

    #[test]
    fn the_signature_must_match_the_raw_body() {
        let body = br#"{"entry":[]}"#;
        let header = format!("sha256={}", hmac_hex(b"app-secret", body));
        assert!(signature_is_valid("app-secret", body, Some(&header)));
        assert!(!signature_is_valid("app-secret", br#"{"entry": []}"#, Some(&header)));
        assert!(!signature_is_valid("other", body, Some(&header)));
        assert!(!signature_is_valid("app-secret", body, None));
        assert!(!signature_is_valid("app-secret", body, Some(header.trim_start_matches("sha256="))));
    }

    #[test]
    fn the_handshake_echoes_the_challenge_only_for_our_token() {
        assert_eq!(handshake(Some("subscribe"), Some("tok"), Some("42"), "tok"), Some("42"));
        assert_eq!(handshake(Some("subscribe"), Some("bad"), Some("42"), "tok"), None);
        assert_eq!(handshake(Some("unsubscribe"), Some("tok"), Some("42"), "tok"), None);
        assert_eq!(handshake(Some("subscribe"), None, Some("42"), "tok"), None);
    }

    #[test]
    fn the_window_closes_after_24_hours() {
        let now = DateTime::from_timestamp(1_772_355_600, 0).unwrap();
        assert!(window_is_open(Some(now - TimeDelta::hours(23)), now));
        assert!(!window_is_open(Some(now - TimeDelta::hours(24)), now));
        assert!(!window_is_open(None, now));
    }

    #[test]
    fn template_bodies_follow_the_cloud_api_shape() {
        let body = template_body("+393331234567", "order_update", "it", &["Giulia".into(), "A-12".into()]);
        assert_eq!(
            body,
            serde_json::json!({"messaging_product": "whatsapp", "recipient_type": "individual",
                "to": "393331234567", "type": "template", "template": {"name": "order_update",
                "language": {"code": "it"}, "components": [{"type": "body", "parameters": [
                {"type": "text", "text": "Giulia"}, {"type": "text", "text": "A-12"}]}]}})
        );
        let plain = template_body("+1555", "hello_world", "en_US", &[]);
        assert!(plain["template"].get("components").is_none(), "{plain}");
    }

    #[test]
    fn template_settings_and_parameters_are_checked() {
        assert!(check_template_name("order_update_2").is_ok());
        assert!(check_template_name("Order Update").is_err());
        assert!(check_language("it").is_ok() && check_language("en_US").is_ok());
        assert!(
            check_language("EN").is_err()
                && check_language("en_us").is_err()
                && check_language("en_").is_err()
        );
        assert_eq!(parameter_count("Ciao {{1}}, l'ordine {{2}} è partito. {{1}}"), Ok(2));
        assert_eq!(parameter_count("Nessun parametro"), Ok(0));
        assert!(parameter_count("Ciao {{2}}").is_err());
        assert!(parameter_count("Ciao {{nome}}").is_err());
        assert!(check_parameter("Giulia").is_ok());
        for bad in ["", "  ", "a\nb", "a\tb", "a     b"] {
            assert!(check_parameter(bad).is_err(), "{bad:?}");
        }
        assert_eq!(
            render_template("Ciao {{1}}, ordine {{2}}", &["Giulia".into(), "A-12".into()]),
            "Ciao Giulia, ordine A-12"
        );
    }

    #[test]
    fn messages_and_statuses_are_mapped_for_our_number_only() {
        let body = br#"{"object":"whatsapp_business_account","entry":[{"id":"1","changes":[{"field":"messages","value":{"messaging_product":"whatsapp","metadata":{"display_phone_number":"15550001111","phone_number_id":"PN1"},"contacts":[{"profile":{"name":"Anna"},"wa_id":"393331234567"}],"messages":[{"from":"393331234567","id":"wamid.A","timestamp":"1772355600","type":"text","text":{"body":"Ciao"}},{"from":"393331234567","id":"wamid.B","timestamp":"1772355601","type":"image","image":{"id":"M1","mime_type":"image/jpeg","sha256":"x","caption":"Rotto"}}],"statuses":[{"id":"wamid.OUT","status":"failed","timestamp":"1772355602","recipient_id":"393331234567","errors":[{"code":131047,"title":"Re-engagement message"}]}]}},{"field":"messages","value":{"metadata":{"phone_number_id":"OTHER"},"messages":[{"from":"1555","id":"wamid.C","timestamp":"1","type":"text","text":{"body":"no"}}]}}]}]}"#;
        let delivery = parse_delivery(body, "PN1").unwrap();
        assert_eq!(delivery.messages.len(), 2);
        assert_eq!(delivery.messages[0].identity.value, "+393331234567");
        assert_eq!(delivery.messages[0].name.as_deref(), Some("Anna"));
        assert_eq!(delivery.messages[1].text, "Rotto");
        assert_eq!(delivery.messages[1].attachments[0].content_id.as_deref(), Some("whatsapp:M1"));
        assert_eq!(delivery.statuses[0].status, DeliveryStatus::Failed);
        assert_eq!(
            delivery.statuses[0].error.as_deref(),
            Some("WhatsApp error 131047: Re-engagement message")
        );
    }
}
