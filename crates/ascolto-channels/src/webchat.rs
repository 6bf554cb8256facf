//! The web-chat widget's trust: visitor tokens the server signs, and identities a site vouches
//! for with its own key.
//!
//! A visitor token is `base64url(json) "." hex(HMAC-SHA256(visitor key, base64url(json)))`.
//! It names the channel, the identity the visitor writes as and when it was issued; the widget
//! keeps it in an HttpOnly cookie, so a page's scripts can neither read nor forge it.

use ascolto_core::{Identity, IdentityKind};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, TimeDelta, Utc};
use serde::{Deserialize, Serialize};

use crate::signature::{hmac_hex, verify_hmac_hex};

/// How long a visitor keeps their conversation without coming back.
pub const VISITOR_TOKEN_LIFETIME: TimeDelta = TimeDelta::days(30);

/// Who a widget visitor is, as the server vouches in their token.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Visitor {
    pub channel_id: String,
    /// An anonymous `webchat` id, or the `email` a site vouched for.
    pub identity: Identity,
    /// Seconds since the epoch.
    pub issued_at: i64,
}

impl Visitor {
    /// Signs the visitor into a token with the channel's visitor key.
    pub fn sign(&self, visitor_key: &str) -> String {
        let json = serde_json::to_vec(self).expect("a visitor serialises");
        let body = URL_SAFE_NO_PAD.encode(json);
        let signature = hmac_hex(visitor_key.as_bytes(), body.as_bytes());
        format!("{body}.{signature}")
    }

    /// Reads a token this channel signed and that has not expired; `None` for anything else
    /// (forged, altered, from another channel, expired, malformed).
    pub fn verify(token: &str, channel_id: &str, visitor_key: &str, now: DateTime<Utc>) -> Option<Visitor> {
        let (body, signature) = token.split_once('.')?;
        if !verify_hmac_hex(visitor_key.as_bytes(), body.as_bytes(), signature) {
            return None;
        }
        let visitor: Visitor = serde_json::from_slice(&URL_SAFE_NO_PAD.decode(body).ok()?).ok()?;
        let issued = DateTime::from_timestamp(visitor.issued_at, 0)?;
        let fresh = issued <= now + TimeDelta::minutes(5) && now - issued < VISITOR_TOKEN_LIFETIME;
        (visitor.channel_id == channel_id && fresh).then_some(visitor)
    }
}

/// The identity a site vouches for: its customer's e-mail address, with
/// `hex(HMAC-SHA256(identity secret, address))` computed on the site's server. An unsigned or
/// wrongly signed address is never trusted: the answer is `None`.
pub fn vouched_identity(identity_secret: Option<&str>, email: &str, signature: &str) -> Option<Identity> {
    let secret = identity_secret?;
    if !verify_hmac_hex(secret.as_bytes(), email.as_bytes(), signature) {
        return None;
    }
    Identity::parse(IdentityKind::Email, email).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn visitor() -> Visitor {
        let identity = Identity::parse(IdentityKind::WebChat, "v-123").unwrap();
        Visitor { channel_id: "wc1".into(), identity, issued_at: 1_772_355_600 }
    }

    fn now() -> DateTime<Utc> {
        DateTime::from_timestamp(1_772_355_600 + 60, 0).unwrap()
    }

    #[test]
    fn a_signed_visitor_verifies_on_its_channel_only() {
        let token = visitor().sign("key");
        assert_eq!(Visitor::verify(&token, "wc1", "key", now()), Some(visitor()));
        assert_eq!(Visitor::verify(&token, "wc2", "key", now()), None);
        assert_eq!(Visitor::verify(&token, "wc1", "other key", now()), None);
    }

    #[test]
    fn an_altered_or_expired_token_is_refused() {
        let token = visitor().sign("key");
        let (body, signature) = token.split_once('.').unwrap();
        let mut forged = visitor();
        forged.identity = Identity::parse(IdentityKind::Email, "boss@shop.example").unwrap();
        let forged_body = forged.sign("guess").split_once('.').unwrap().0.to_owned();
        assert_eq!(Visitor::verify(&format!("{forged_body}.{signature}"), "wc1", "key", now()), None);
        assert_eq!(Visitor::verify(body, "wc1", "key", now()), None);
        let later = now() + VISITOR_TOKEN_LIFETIME;
        assert_eq!(Visitor::verify(&token, "wc1", "key", later), None);
    }

    #[test]
    fn only_a_correctly_signed_identity_is_vouched_for() {
        let signature = hmac_hex(b"site-key", b"anna@shop.example");
        let vouched = vouched_identity(Some("site-key"), "anna@shop.example", &signature).unwrap();
        assert_eq!(vouched.value, "anna@shop.example");
        assert_eq!(vouched_identity(Some("site-key"), "boss@shop.example", &signature), None);
        assert_eq!(vouched_identity(None, "anna@shop.example", &signature), None);
        assert_eq!(vouched_identity(Some("site-key"), "anna@shop.example", ""), None);
    }
}
