-- SLA escalations: what each fired warning or escalation did, kept once per conversation and
-- event so that workers on several nodes, or one running late or twice, act on it once.

-- A level raised by an SLA escalation; the computed level never falls below it until an
-- agent answers. NULL when nothing was raised.
ALTER TABLE conversations ADD COLUMN escalated_rank INTEGER;

CREATE TABLE sla_escalations (
    conversation_id INTEGER NOT NULL REFERENCES conversations (id),
    -- `SlaEvent::key`: metric, clock start, trigger and action.
    event_key TEXT NOT NULL,
    metric TEXT NOT NULL,
    action TEXT NOT NULL,
    -- 1 when it fired at or after the deadline.
    breach INTEGER NOT NULL,
    deadline INTEGER NOT NULL,
    fired_at INTEGER NOT NULL,
    PRIMARY KEY (conversation_id, event_key)
) WITHOUT ROWID;
