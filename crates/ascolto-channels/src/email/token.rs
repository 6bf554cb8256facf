//! Our reply token: every mail we send names its conversation in its Message-ID, in an
//! `X-Ascolto-Ref` header and in a plus-address `Reply-To`, so an answer finds its way back even
//! when the customer's client drops `In-Reply-To` and `References`.
//!
//! A token only proposes a conversation: the service still checks that the conversation
//! belongs to the sender, so a forged or forwarded token can never put mail into another
//! customer's conversation.

/// The header carrying our token in every mail we send.
pub const REF_HEADER: &str = "X-Ascolto-Ref";

/// What a token names: the conversation an answer belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReplyToken {
    pub conversation: i64,
}

impl ReplyToken {
    /// The token as it appears in headers and addresses: `ascolto-c42`.
    pub fn render(self) -> String {
        format!("ascolto-c{}", self.conversation)
    }

    /// Finds a token anywhere in `text` (a Message-ID, an address, a header value).
    pub fn find(text: &str) -> Option<Self> {
        let lower = text.to_ascii_lowercase();
        let mut rest = lower.as_str();
        while let Some(position) = rest.find("ascolto-c") {
            let after = &rest[position + "ascolto-c".len()..];
            let digits: String = after.chars().take_while(char::is_ascii_digit).collect();
            if let Ok(conversation) = digits.parse::<i64>() {
                if conversation > 0 {
                    return Some(Self { conversation });
                }
            }
            rest = after;
        }
        None
    }
}

/// The Message-ID of reply `message` in `conversation`, from our domain, holding the token.
/// It is the same on every attempt, so if a retry ever sends a reply a second time (the
/// server took it but the answer was lost), the customer's client sees one message.
pub fn message_id_for(conversation: i64, message: i64, domain: &str) -> String {
    format!("{}.m{message}@{domain}", ReplyToken { conversation }.render())
}

/// The plus-address `support+ascolto-c42@example.com` for a mailbox address.
pub fn plus_address(address: &str, token: ReplyToken) -> String {
    match address.split_once('@') {
        Some((local, domain)) => format!("{local}+{}@{domain}", token.render()),
        None => address.to_owned(),
    }
}

/// A Message-ID as stored and compared: without angle brackets or surrounding space. Case is
/// kept (the local part of a Message-ID is case-sensitive).
pub fn normalise_message_id(raw: &str) -> Option<String> {
    let trimmed = raw.trim().trim_start_matches('<').trim_end_matches('>').trim();
    if trimmed.is_empty() || trimmed.len() > 900 { None } else { Some(trimmed.to_owned()) }
}

/// A subject for comparison: reply and forward prefixes (English, Italian, German, Nordic,
/// `[Ticket]` tags) removed, spaces collapsed, lower case. Also says whether there was a reply
/// prefix, since only an answer should be threaded by its subject.
pub fn normalise_subject(subject: &str) -> (String, bool) {
    const PREFIXES: &[&str] =
        &["re", "r", "aw", "sv", "antw", "rif", "fw", "fwd", "i", "inoltra", "wg", "tr"];
    let mut rest = subject.trim();
    let mut was_reply = false;
    loop {
        let before = rest;
        if let Some((head, tail)) = rest.split_once(':') {
            let head = head.trim().to_ascii_lowercase();
            let bare = head.trim_end_matches(|c: char| c.is_ascii_digit() || c == '[' || c == ']');
            if PREFIXES.contains(&bare) {
                was_reply = true;
                rest = tail.trim_start();
            }
        }
        if before == rest {
            break;
        }
    }
    let words: Vec<&str> = rest.split_whitespace().collect();
    (words.join(" ").to_lowercase(), was_reply)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_found_in_message_ids_and_addresses() {
        let id = message_id_for(42, 7, "desk.example");
        assert_eq!(ReplyToken::find(&id), Some(ReplyToken { conversation: 42 }));
        let address = plus_address("Support@desk.example", ReplyToken { conversation: 9 });
        assert_eq!(address, "Support+ascolto-c9@desk.example");
        assert_eq!(ReplyToken::find(&address), Some(ReplyToken { conversation: 9 }));
        assert_eq!(ReplyToken::find("ascolto-cx ascolto-c0 hello"), None);
    }

    #[test]
    fn subjects_lose_reply_prefixes() {
        assert_eq!(normalise_subject("Re: R: AW:  Ordine   123"), ("ordine 123".to_owned(), true));
        assert_eq!(normalise_subject("Fwd: Re[2]: Refund"), ("refund".to_owned(), true));
        assert_eq!(normalise_subject("Refund: please"), ("refund: please".to_owned(), false));
    }

    #[test]
    fn message_ids_lose_their_brackets() {
        assert_eq!(normalise_message_id(" <abc@x> "), Some("abc@x".to_owned()));
        assert_eq!(normalise_message_id("<>"), None);
    }
}
