//! Building the mail that carries an agent's reply: our Message-ID with the token, the
//! customer's thread in `In-Reply-To` and `References`, and a plus-address `Reply-To`.

use lettre::message::header::{HeaderName, HeaderValue};
use lettre::message::{Mailbox, MultiPart};

use super::token::{REF_HEADER, ReplyToken, plus_address};

/// One reply to send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutgoingMail {
    /// The mailbox's own address and display name.
    pub from_address: String,
    pub from_name: String,
    pub to_address: String,
    pub to_name: Option<String>,
    pub subject: String,
    pub text: String,
    /// Sanitised HTML, when the agent wrote HTML.
    pub html: Option<String>,
    /// Our Message-ID for this reply, without brackets (see `message_id_for`).
    pub message_id: String,
    /// The customer's latest Message-ID in the conversation, without brackets.
    pub in_reply_to: Option<String>,
    /// The thread's Message-IDs, oldest first, without brackets.
    pub references: Vec<String>,
    pub token: ReplyToken,
}

/// Why a reply could not be built (bad addresses): permanent, retrying will not help.
#[derive(Debug, thiserror::Error)]
#[error("the reply could not be built: {0}")]
pub struct BuildError(String);

/// The reply as a MIME message ready for SMTP.
pub fn build_reply(mail: &OutgoingMail) -> Result<lettre::Message, BuildError> {
    let from = mailbox(Some(mail.from_name.clone()), &mail.from_address)?;
    let reply_to = mailbox(Some(mail.from_name.clone()), &plus_address(&mail.from_address, mail.token))?;
    let to = mailbox(mail.to_name.clone(), &mail.to_address)?;
    let subject = reply_subject(&mail.subject);
    let mut builder = lettre::Message::builder()
        .from(from)
        .reply_to(reply_to)
        .to(to)
        .subject(subject)
        .message_id(Some(format!("<{}>", mail.message_id)));
    if let Some(parent) = &mail.in_reply_to {
        builder = builder.in_reply_to(format!("<{parent}>"));
    }
    if !mail.references.is_empty() {
        let references: Vec<String> = mail.references.iter().map(|id| format!("<{id}>")).collect();
        builder = builder.references(references.join(" "));
    }
    let builder =
        builder.raw_header(HeaderValue::new(HeaderName::new_from_ascii_str(REF_HEADER), mail.token.render()));
    let built = match &mail.html {
        Some(html) => builder.multipart(MultiPart::alternative_plain_html(mail.text.clone(), html.clone())),
        None => builder.body(mail.text.clone()),
    };
    built.map_err(|error| BuildError(error.to_string()))
}

/// `Re: subject`, unless it already is an answer.
fn reply_subject(subject: &str) -> String {
    let (_, is_reply) = super::token::normalise_subject(subject);
    if is_reply { subject.to_owned() } else { format!("Re: {subject}") }
}

fn mailbox(name: Option<String>, address: &str) -> Result<Mailbox, BuildError> {
    let address = address.parse().map_err(|error| BuildError(format!("{address:?}: {error}")))?;
    Ok(Mailbox::new(name.filter(|n| !n.trim().is_empty()), address))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replies_carry_thread_headers_and_the_token() {
        let mail = OutgoingMail {
            from_address: "support@desk.example".into(),
            from_name: "Support".into(),
            to_address: "anna@example.com".into(),
            to_name: Some("Anna".into()),
            subject: "Ordine 12".into(),
            text: "Buongiorno".into(),
            html: None,
            message_id: "ascolto-c3.m9.1@desk.example".into(),
            in_reply_to: Some("abc@client".into()),
            references: vec!["first@client".into(), "abc@client".into()],
            token: ReplyToken { conversation: 3 },
        };
        let formatted = String::from_utf8(build_reply(&mail).expect("built").formatted()).expect("utf-8");
        assert!(formatted.contains("Message-ID: <ascolto-c3.m9.1@desk.example>"), "{formatted}");
        assert!(formatted.contains("In-Reply-To: <abc@client>"), "{formatted}");
        assert!(formatted.contains("References: <first@client> <abc@client>"), "{formatted}");
        assert!(formatted.contains("support+ascolto-c3@desk.example"), "{formatted}");
        assert!(formatted.contains("Subject: Re: Ordine 12"), "{formatted}");
        assert!(formatted.contains("X-Ascolto-Ref: ascolto-c3"), "{formatted}");
    }
}
