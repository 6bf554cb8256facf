-- The queue: who needs help first, SLA state, agents' capacity, and timers kept in the store.

-- What the coach read in the customer's latest message, kept so a recompute of the whole
-- queue needs no text analysis. Scores are integers 0..=1000 (`ascolto_core::priority`).
ALTER TABLE conversations ADD COLUMN urgency REAL NOT NULL DEFAULT 0;
ALTER TABLE conversations ADD COLUMN anger REAL NOT NULL DEFAULT 0;
ALTER TABLE conversations ADD COLUMN sentiment REAL NOT NULL DEFAULT 0;
ALTER TABLE conversations ADD COLUMN abuse INTEGER NOT NULL DEFAULT 0;
ALTER TABLE conversations ADD COLUMN language TEXT;
-- The first unanswered customer message; NULL while nobody waits for us.
ALTER TABLE conversations ADD COLUMN waiting_since INTEGER;
ALTER TABLE conversations ADD COLUMN queue_score INTEGER NOT NULL DEFAULT 0;
-- The computed level, kept beside an override so that removing it restores it.
-- `priority_rank` stays the effective level (the override's when there is one).
ALTER TABLE conversations ADD COLUMN computed_rank INTEGER NOT NULL DEFAULT 2;
ALTER TABLE conversations ADD COLUMN override_rank INTEGER;
ALTER TABLE conversations ADD COLUMN override_by INTEGER REFERENCES agents (id);
ALTER TABLE conversations ADD COLUMN override_at INTEGER;
-- The deadline of the most pressing SLA clock when the conversation last changed.
ALTER TABLE conversations ADD COLUMN sla_deadline INTEGER;
-- SLA pauses (JSON list of {from, until}) and the start of the current one.
ALTER TABLE conversations ADD COLUMN sla_pauses TEXT NOT NULL DEFAULT '[]';
ALTER TABLE conversations ADD COLUMN paused_since INTEGER;

-- The queue order in two ascending keys, so a keyset cursor is one row-value comparison:
-- the level (override included) and the score folded into one number, then the wait.
ALTER TABLE conversations ADD COLUMN queue_order INTEGER
    GENERATED ALWAYS AS (priority_rank * 2000 + 1000 - queue_score) VIRTUAL;
ALTER TABLE conversations ADD COLUMN queue_since INTEGER
    GENERATED ALWAYS AS (COALESCE(waiting_since, last_message_at)) VIRTUAL;

UPDATE conversations SET computed_rank = priority_rank;

-- The `priority` sort of the conversation list, with and without a status filter.
CREATE INDEX conversations_queue ON conversations (queue_order, queue_since, id);
CREATE INDEX conversations_status_queue ON conversations (status, queue_order, queue_since, id);
-- "My next conversation": the unassigned open queue in order.
CREATE INDEX conversations_unassigned_queue ON conversations (queue_order, queue_since, id)
    WHERE status = 'open' AND assignee_id IS NULL AND merged_into IS NULL;

-- How many conversations of each kind an agent holds at most; no row means the defaults.
CREATE TABLE agent_capacity (
    agent_id INTEGER PRIMARY KEY REFERENCES agents (id),
    live INTEGER NOT NULL,
    email INTEGER NOT NULL
);

-- Desk-wide settings as JSON text (the SLA policy).
CREATE TABLE settings (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL,
    updated_at INTEGER NOT NULL
) WITHOUT ROWID;

-- Timers: follow-ups, scheduled replies, snoozes. They live here so they survive restarts,
-- and a worker claims them with a lease, like the outbox.
CREATE TABLE queue_jobs (
    id INTEGER PRIMARY KEY,
    conversation_id INTEGER NOT NULL REFERENCES conversations (id),
    -- `ScheduledKind` as JSON ({"type": "nudge", "template": ...}).
    kind TEXT NOT NULL,
    due_at INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    cancel_on_customer_reply INTEGER NOT NULL,
    created_by INTEGER REFERENCES agents (id),
    -- A job with a key fires once however many times it is scheduled (SLA events).
    dedupe_key TEXT UNIQUE,
    leased_until INTEGER,
    attempts INTEGER NOT NULL DEFAULT 0,
    done_at INTEGER,
    cancelled_at INTEGER
);

-- The worker's scan: scheduled jobs by due time.
CREATE INDEX queue_jobs_due ON queue_jobs (due_at, id) WHERE done_at IS NULL AND cancelled_at IS NULL;
CREATE INDEX queue_jobs_conversation ON queue_jobs (conversation_id, id);
