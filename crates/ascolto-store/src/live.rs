//! The values of the live channels' area: each channel's settings (with its secrets), and the
//! queue figures a chat widget turns into an honest wait estimate.

use ascolto_core::Channel;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// A secret (token, signing key). Its `Debug` never shows the value, so a secret cannot leak
/// through a log line or an error message that prints a configuration.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    /// The value itself, for signing or for an `Authorization` header; never for a log.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(<redacted>)")
    }
}

/// How one channel connects, secrets included. Stored as JSON in the `channels` table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ChannelSettings {
    /// The chat widget on the customer's own site.
    #[serde(rename = "webchat")]
    WebChat {
        /// The key the site signs a logged-in customer's e-mail address with; `None` means
        /// the site vouches for nobody and every visitor is anonymous.
        identity_secret: Option<Secret>,
        /// The server's key for visitor tokens (generated, never shown).
        visitor_key: Secret,
        /// Origins (`https://shop.example`) allowed to embed the widget; empty allows any.
        allowed_origins: Vec<String>,
    },
    /// A Telegram bot.
    Telegram {
        bot_token: Secret,
        /// The value Telegram echoes in `X-Telegram-Bot-Api-Secret-Token`.
        webhook_secret: Secret,
        /// `https://api.telegram.org`, or a local server in tests.
        api_base: String,
    },
    /// A WhatsApp Cloud API phone number.
    #[serde(rename = "whatsapp")]
    WhatsApp {
        phone_number_id: String,
        access_token: Secret,
        /// The Meta app's secret, the key of `X-Hub-Signature-256`.
        app_secret: Secret,
        /// The token of the subscription handshake (`hub.verify_token`).
        verify_token: Secret,
        /// `https://graph.facebook.com`, or a local server in tests.
        api_base: String,
        /// The Graph API version, such as `v21.0`.
        api_version: String,
        /// The message templates approved for this number, which agents may send once the
        /// customer's 24-hour window has closed.
        #[serde(default)]
        templates: Vec<WhatsAppTemplate>,
    },
}

/// A message template approved for a WhatsApp number (in WhatsApp Manager), as an admin
/// registered it here.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WhatsAppTemplate {
    /// The name as approved: lower-case letters, digits and underscores.
    pub name: String,
    /// The language code it was approved in (`it`, `en_US`).
    pub language: String,
    /// The approved body text with its `{{1}}`, `{{2}}`, ... placeholders: agents see it, and
    /// a sent template is stored with them filled in.
    pub body: String,
}

impl ChannelSettings {
    pub fn channel(&self) -> Channel {
        match self {
            ChannelSettings::WebChat { .. } => Channel::WebChat,
            ChannelSettings::Telegram { .. } => Channel::Telegram,
            ChannelSettings::WhatsApp { .. } => Channel::WhatsApp,
        }
    }
}

/// A configured channel.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChannelConfig {
    /// Public and random: it appears in the widget's `<script>` tag and in webhook URLs.
    pub id: String,
    pub name: String,
    pub settings: ChannelSettings,
    pub created_at: DateTime<Utc>,
}

/// A channel to create.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewChannelConfig {
    pub id: String,
    pub name: String,
    pub settings: ChannelSettings,
}

/// What the queue of one channel looks like now, for a wait estimate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct WaitStats {
    /// Active agents whose presence is `online`.
    pub online_agents: i64,
    /// Open conversations on the channel still waiting for their first answer.
    pub waiting: i64,
    /// The average first-response time, in seconds, of the channel's conversations created
    /// since the given time; `None` when there were none.
    pub average_first_response_seconds: Option<i64>,
}
