-- E-mail: mailboxes, how far each folder has been fetched, the Message-ID index that threads
-- mail, and attachment bytes.

-- One row per mailbox. `settings` is the JSON of `ascolto_store::MailboxSettings`, passwords
-- included: the API never returns it, it only says whether a password is set. The lease
-- (`lease_holder` until `lease_until`) lets one node at a time fetch the mailbox.
CREATE TABLE mailboxes (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    settings TEXT NOT NULL,
    active INTEGER NOT NULL DEFAULT 1,
    lease_holder TEXT,
    lease_until INTEGER,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);

-- Every message with a UID up to `last_uid` under `uid_validity` is stored. A new
-- UIDVALIDITY means the server renumbered the folder: fetching starts again from the first
-- UID, and ingest's idempotency keeps what was stored already from being stored twice.
CREATE TABLE mail_sync (
    mailbox_id INTEGER NOT NULL REFERENCES mailboxes (id) ON DELETE CASCADE,
    folder TEXT NOT NULL,
    uid_validity INTEGER NOT NULL,
    last_uid INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (mailbox_id, folder)
);

-- The Message-ID of each mail message, inbound and outbound, for threading by In-Reply-To
-- and References. Not unique on the Message-ID: two different mails may reuse one.
CREATE TABLE mail_messages (
    message_id INTEGER PRIMARY KEY REFERENCES messages (id),
    mailbox_id INTEGER,
    rfc_message_id TEXT NOT NULL,
    direction TEXT NOT NULL,
    kind TEXT NOT NULL,
    created_at INTEGER NOT NULL
);
CREATE INDEX mail_messages_rfc ON mail_messages (rfc_message_id);

-- A conversation opened for one mail (by its dedupe key) before the mail was ingested into
-- it, so a retry after a crash finds the same conversation.
CREATE TABLE mail_threads (
    dedupe_key TEXT PRIMARY KEY,
    conversation_id INTEGER NOT NULL REFERENCES conversations (id)
);

-- Attachment bytes, by the message and the attachment's place in its list. Oversized
-- attachments have no row: their metadata on the message says they were skipped.
CREATE TABLE attachments (
    message_id INTEGER NOT NULL REFERENCES messages (id),
    position INTEGER NOT NULL,
    data BLOB NOT NULL,
    PRIMARY KEY (message_id, position)
);
