//! Telling mail written by people from mail written by machines: auto-replies (out of office,
//! autoresponders), bulk and list mail, and bounces (delivery status notifications).
//!
//! We never answer a machine automatically: that is how two autoresponders end up mailing
//! each other forever. A bounce names the mail it bounces, so the reply it answers can be
//! marked failed.

use mail_parser::{MessageParser, MimeHeaders, PartType};

use super::token::normalise_message_id;

/// What kind of sender wrote a mail.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MailKind {
    /// A person.
    Normal,
    /// An autoresponder, or bulk and list mail: stored, never answered automatically.
    AutoReply { reason: String },
    /// A delivery failure report for `original` (the Message-ID of the mail that bounced).
    Bounce { original: Option<String>, diagnostic: String },
}

impl MailKind {
    /// Whether an automatic answer to this mail is forbidden.
    pub fn is_automatic(&self) -> bool {
        !matches!(self, MailKind::Normal)
    }

    /// `normal`, `auto_reply` or `bounce`, as the store keeps it.
    pub fn as_str(&self) -> &'static str {
        match self {
            MailKind::Normal => "normal",
            MailKind::AutoReply { .. } => "auto_reply",
            MailKind::Bounce { .. } => "bounce",
        }
    }
}

pub(super) fn classify(message: &mail_parser::Message<'_>) -> MailKind {
    if let Some(bounce) = bounce(message) {
        return bounce;
    }
    let header = |name: &str| message.header_raw(name).map(|v| v.trim().to_ascii_lowercase());
    if let Some(value) = header("Auto-Submitted").filter(|v| !v.starts_with("no")) {
        return auto(format!("Auto-Submitted: {value}"));
    }
    for name in ["X-Autoreply", "X-Autorespond", "X-Autoresponder", "X-Auto-Response-Suppress"] {
        if header(name).is_some() {
            return auto(format!("{name} header"));
        }
    }
    if let Some(value) =
        header("Precedence").filter(|v| matches!(v.as_str(), "bulk" | "junk" | "list" | "auto_reply"))
    {
        return auto(format!("Precedence: {value}"));
    }
    if header("List-Id").is_some() || header("List-Unsubscribe").is_some() {
        return auto("mailing list".to_owned());
    }
    MailKind::Normal
}

fn auto(reason: String) -> MailKind {
    MailKind::AutoReply { reason }
}

/// A DSN (`multipart/report; report-type=delivery-status`), or a mailer daemon's message
/// carrying the bounced mail.
fn bounce(message: &mail_parser::Message<'_>) -> Option<MailKind> {
    let root = message.root_part();
    let is_report = root.content_type().is_some_and(|ct| {
        ct.ctype().eq_ignore_ascii_case("multipart")
            && ct.subtype().is_some_and(|s| s.eq_ignore_ascii_case("report"))
            && ct.attribute("report-type").is_none_or(|t| t.eq_ignore_ascii_case("delivery-status"))
    });
    let from_daemon = message
        .from()
        .and_then(|a| a.first())
        .and_then(|a| a.address.as_deref())
        .map(|a| a.to_ascii_lowercase())
        .is_some_and(|a| a.starts_with("mailer-daemon@") || a.starts_with("postmaster@"));
    if !is_report && !from_daemon {
        return None;
    }
    let mut original = None;
    let mut diagnostic = Vec::new();
    for part in &message.parts {
        let is = |t: &str, s: &str| part.is_content_type(t, s);
        if is("message", "delivery-status") {
            let text = String::from_utf8_lossy(part.contents()).into_owned();
            diagnostic.extend(status_lines(&text));
        } else if original.is_none() {
            original = match &part.body {
                PartType::Message(inner) => inner.message_id().and_then(normalise_message_id),
                _ if is("text", "rfc822-headers") => MessageParser::default()
                    .parse_headers(part.contents())
                    .and_then(|headers| headers.message_id().and_then(normalise_message_id)),
                _ => None,
            };
        }
    }
    if !is_report && original.is_none() {
        return None;
    }
    let diagnostic = if diagnostic.is_empty() {
        "the mail could not be delivered".to_owned()
    } else {
        diagnostic.join("; ")
    };
    Some(MailKind::Bounce { original, diagnostic })
}

fn status_lines(text: &str) -> Vec<String> {
    text.lines()
        .map(str::trim)
        .filter(|line| {
            let lower = line.to_ascii_lowercase();
            lower.starts_with("status:")
                || lower.starts_with("diagnostic-code:")
                || lower.starts_with("action:")
        })
        .map(str::to_owned)
        .collect()
}
