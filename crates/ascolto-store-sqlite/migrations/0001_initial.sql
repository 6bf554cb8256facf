-- The first schema of Ascolto's embedded store.
--
-- Conventions, kept in every later migration (migrations are append-only: never edit one
-- that has shipped, add a new file instead):
-- - times are INTEGER UTC milliseconds, so sorting and keyset cursors compare plain integers
--   and the PostgreSQL backend stores exactly the same values;
-- - enums (status, channel, role...) are stored as the lower-case words `ascolto_core` parses,
--   so a row read back always goes through the same parser as API input;
-- - small lists (tags, languages, attachments) are JSON text: they are read whole and never
--   filtered on, so a side table would only cost joins.

-- Agents and teams come first because conversations point at them.
CREATE TABLE agents (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    -- Sign-in looks agents up by address; two agents sharing one would make sign-in ambiguous.
    email TEXT NOT NULL UNIQUE,
    role TEXT NOT NULL,
    -- NULL for agents who only use API tokens.
    password_hash TEXT,
    languages TEXT NOT NULL DEFAULT '[]',
    presence TEXT NOT NULL DEFAULT 'offline',
    reports_to INTEGER REFERENCES agents (id),
    ui_language TEXT NOT NULL,
    active INTEGER NOT NULL DEFAULT 1
);

-- A lead's visibility is "my reports", read on every request of theirs.
CREATE INDEX agents_reports_to ON agents (reports_to);

CREATE TABLE teams (
    id INTEGER PRIMARY KEY,
    -- Two teams with one name could not be told apart in the queue filters.
    name TEXT NOT NULL UNIQUE
);

CREATE TABLE agent_teams (
    agent_id INTEGER NOT NULL REFERENCES agents (id),
    team_id INTEGER NOT NULL REFERENCES teams (id),
    PRIMARY KEY (agent_id, team_id)
) WITHOUT ROWID;

CREATE TABLE customers (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    tags TEXT NOT NULL DEFAULT '[]',
    language TEXT,
    notes TEXT NOT NULL DEFAULT '',
    -- A merged customer is kept (links and audits still resolve) and points at its survivor.
    merged_into INTEGER REFERENCES customers (id),
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);

-- The customer list is newest first and leaves merged customers out.
CREATE INDEX customers_newest ON customers (created_at DESC, id DESC) WHERE merged_into IS NULL;

-- One identity (an address, a phone number, a chat id) belongs to exactly one customer: this
-- is what lets ingest find the customer behind an incoming message.
CREATE TABLE customer_identities (
    kind TEXT NOT NULL,
    value TEXT NOT NULL,
    customer_id INTEGER NOT NULL REFERENCES customers (id),
    PRIMARY KEY (kind, value)
) WITHOUT ROWID;

CREATE INDEX customer_identities_customer ON customer_identities (customer_id);

-- Search over a customer's name, identities and notes. Tokens are stems made in Rust by
-- `ascolto_core::search::index_tokens`; unicode61 only splits them on spaces. The rowid is
-- the customer id, rewritten whenever those fields change.
CREATE VIRTUAL TABLE customer_search USING fts5 (tokens, tokenize = 'unicode61');

CREATE TABLE conversations (
    id INTEGER PRIMARY KEY,
    customer_id INTEGER NOT NULL REFERENCES customers (id),
    channel TEXT NOT NULL,
    subject TEXT NOT NULL,
    status TEXT NOT NULL,
    -- `Priority::rank` (0 = urgent), so the priority sort is a plain integer order.
    priority_rank INTEGER NOT NULL,
    assignee_id INTEGER REFERENCES agents (id),
    team_id INTEGER REFERENCES teams (id),
    tags TEXT NOT NULL DEFAULT '[]',
    merged_into INTEGER REFERENCES conversations (id),
    message_count INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    last_message_at INTEGER NOT NULL,
    last_customer_message_at INTEGER,
    last_agent_reply_at INTEGER,
    first_response_at INTEGER,
    resolved_at INTEGER,
    snoozed_until INTEGER
);

-- The queue's three sorts, each with and without a status filter (the common view is one
-- status). Each index ends with id, the tie-breaker of every keyset cursor, so a page is one
-- index range scan however deep the cursor is.
CREATE INDEX conversations_recent ON conversations (last_message_at, id);
CREATE INDEX conversations_oldest ON conversations (created_at, id);
CREATE INDEX conversations_priority ON conversations (priority_rank, last_message_at, id);
CREATE INDEX conversations_status_recent ON conversations (status, last_message_at, id);
CREATE INDEX conversations_status_oldest ON conversations (status, created_at, id);
CREATE INDEX conversations_status_priority
    ON conversations (status, priority_rank, last_message_at, id);

-- "Mine", "unassigned" and team queues.
CREATE INDEX conversations_assignee ON conversations (assignee_id, status, last_message_at);
CREATE INDEX conversations_team ON conversations (team_id, status, last_message_at);

-- Threading looks for the customer's latest unresolved conversation on a channel on every
-- inbound message; the customer page lists their conversations.
CREATE INDEX conversations_customer ON conversations (customer_id, channel, last_message_at);

CREATE TABLE messages (
    id INTEGER PRIMARY KEY,
    conversation_id INTEGER NOT NULL REFERENCES conversations (id),
    direction TEXT NOT NULL,
    customer_id INTEGER REFERENCES customers (id),
    agent_id INTEGER REFERENCES agents (id),
    -- The channel the message travelled on, kept on the row so that the idempotency key
    -- below survives a conversation merge.
    channel TEXT NOT NULL,
    text TEXT NOT NULL,
    html TEXT,
    attachments TEXT NOT NULL DEFAULT '[]',
    channel_message_id TEXT,
    delivery_status TEXT NOT NULL,
    delivery_error TEXT,
    created_at INTEGER NOT NULL
);

-- Ingest is idempotent: a channel that redelivers a message (IMAP re-sync, webhook retry)
-- must not store it twice.
CREATE UNIQUE INDEX messages_channel_message_id
    ON messages (channel, channel_message_id) WHERE channel_message_id IS NOT NULL;

-- A conversation's messages, oldest first.
CREATE INDEX messages_conversation ON messages (conversation_id, created_at, id);

-- Message search. Contentless: the text already lives in `messages`, and a 1 MB message
-- should not be stored twice. The rowid is the message id; `contentless_delete` keeps the
-- door open to re-indexing an edited message.
CREATE VIRTUAL TABLE message_search USING fts5 (
    tokens,
    content = '',
    contentless_delete = 1,
    tokenize = 'unicode61'
);

-- Replies waiting for delivery. A row is written in the same transaction as its reply, so a
-- reply is never lost between "saved" and "sent"; workers lease rows so that a crashed worker's
-- job is picked up again when the lease runs out.
CREATE TABLE outbox (
    id INTEGER PRIMARY KEY,
    message_id INTEGER NOT NULL UNIQUE REFERENCES messages (id),
    conversation_id INTEGER NOT NULL REFERENCES conversations (id),
    channel TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL,
    lease_until INTEGER,
    last_error TEXT,
    done INTEGER NOT NULL DEFAULT 0
);

-- Workers only ever look at unfinished jobs, which stay few while sent ones pile up.
CREATE INDEX outbox_due ON outbox (next_attempt_at, id) WHERE done = 0;

-- Browser sessions. Only a hash of the token is stored, so a leaked database does not leak
-- live sessions.
CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    agent_id INTEGER NOT NULL REFERENCES agents (id),
    csrf_token TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE api_tokens (
    id INTEGER PRIMARY KEY,
    agent_id INTEGER NOT NULL REFERENCES agents (id),
    name TEXT NOT NULL,
    -- Hashed like sessions; unique so that one hash names one token.
    token_hash TEXT NOT NULL UNIQUE,
    created_at INTEGER NOT NULL,
    -- Recorded to the minute: a busy integration must not turn every request into a write.
    last_used_at INTEGER,
    -- Revoked tokens are kept so their owner still sees them listed.
    revoked INTEGER NOT NULL DEFAULT 0
);

CREATE INDEX api_tokens_agent ON api_tokens (agent_id);
