//! Customers and their identities: one person, reachable on many channels.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::{CustomerId, ParseError, word_enum};

word_enum!(
    /// Where an identity comes from.
    IdentityKind {
        Email = "email",
        Phone = "phone",
        WhatsApp = "whatsapp",
        Telegram = "telegram",
        WebChat = "webchat",
    }
);

/// One way to reach a customer, normalised so the same person always gives the same value.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Identity {
    pub kind: IdentityKind,
    pub value: String,
}

impl Identity {
    /// Parses and normalises an identity: e-mail addresses lower-cased, phone and WhatsApp
    /// numbers reduced to `+` and digits, other ids trimmed.
    pub fn parse(kind: IdentityKind, raw: &str) -> Result<Self, ParseError> {
        let value = match kind {
            IdentityKind::Email => EmailAddress::parse(raw)?.0,
            IdentityKind::Phone | IdentityKind::WhatsApp => normalise_phone(raw)?,
            IdentityKind::Telegram | IdentityKind::WebChat => {
                let id = raw.trim();
                let valid = !id.is_empty()
                    && id.len() <= 128
                    && id.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
                if !valid {
                    return Err(ParseError::new("identity", format!("{raw:?} is not a valid {kind} id")));
                }
                id.to_owned()
            }
        };
        Ok(Self { kind, value })
    }

    pub fn email(address: &EmailAddress) -> Self {
        Self { kind: IdentityKind::Email, value: address.0.clone() }
    }
}

fn normalise_phone(raw: &str) -> Result<String, ParseError> {
    let trimmed = raw.trim();
    let digits: String = trimmed.chars().filter(char::is_ascii_digit).collect();
    let allowed =
        trimmed.chars().all(|c| c.is_ascii_digit() || matches!(c, '+' | ' ' | '-' | '(' | ')' | '.'));
    if !allowed || !(6..=15).contains(&digits.len()) {
        return Err(ParseError::new(
            "identity",
            format!("{raw:?} is not a phone number (6 to 15 digits, optionally with a leading +)"),
        ));
    }
    Ok(format!("+{digits}"))
}

/// An e-mail address, trimmed and lower-cased, with one `@` and a dotted or local domain.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct EmailAddress(String);

impl EmailAddress {
    pub fn parse(raw: &str) -> Result<Self, ParseError> {
        let address = raw.trim().to_lowercase();
        let invalid = || ParseError::new("email", format!("{raw:?} is not an e-mail address"));
        let (local, domain) = address.split_once('@').ok_or_else(invalid)?;
        let well_formed = !local.is_empty()
            && !domain.is_empty()
            && !domain.contains('@')
            && !domain.starts_with('.')
            && !domain.ends_with('.')
            && address.len() <= 254
            && !address.chars().any(|c| c.is_whitespace() || c.is_control() || "<>,;\"".contains(c));
        if well_formed { Ok(Self(address)) } else { Err(invalid()) }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for EmailAddress {
    type Error = ParseError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<EmailAddress> for String {
    fn from(value: EmailAddress) -> Self {
        value.0
    }
}

impl std::fmt::Display for EmailAddress {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// A customer as the desk knows them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Customer {
    pub id: CustomerId,
    pub name: String,
    pub identities: Vec<Identity>,
    pub tags: Vec<String>,
    /// The language the customer writes in (`it`, `en`), when known.
    pub language: Option<String>,
    /// Free notes agents keep about the customer.
    pub notes: String,
    /// Set when this customer was merged into another one: read that one instead.
    pub merged_into: Option<CustomerId>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn email_addresses_are_lower_cased_and_trimmed() {
        assert_eq!(
            EmailAddress::parse("  Anna.Rossi@Example.IT ").unwrap().as_str(),
            "anna.rossi@example.it"
        );
    }

    #[test]
    fn malformed_email_addresses_are_refused() {
        for raw in ["", "anna", "@example.it", "anna@", "a b@example.it", "a@b@c", "anna@.it", "<a@b.it>"] {
            assert!(EmailAddress::parse(raw).is_err(), "{raw:?} should be refused");
        }
    }

    #[test]
    fn phone_numbers_keep_only_digits_after_a_plus() {
        let identity = Identity::parse(IdentityKind::WhatsApp, "+39 (333) 123-4567").unwrap();
        assert_eq!(identity.value, "+393331234567");
        assert!(Identity::parse(IdentityKind::Phone, "call me").is_err());
    }

    #[test]
    fn telegram_ids_refuse_spaces() {
        assert!(Identity::parse(IdentityKind::Telegram, "12 34").is_err());
        assert_eq!(Identity::parse(IdentityKind::Telegram, " 1234 ").unwrap().value, "1234");
    }
}
