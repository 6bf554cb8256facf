-- Live channels: the web-chat widget, Telegram and WhatsApp.

-- One row per configured channel. `settings` is the JSON of `ascolto_store::ChannelSettings`,
-- secrets included: the API never returns it, it only says which secrets are set.
CREATE TABLE channels (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    name TEXT NOT NULL,
    settings TEXT NOT NULL,
    created_at INTEGER NOT NULL
);

-- The widget's wait estimate averages recent first responses of one channel.
CREATE INDEX conversations_channel_created ON conversations (channel, created_at);
