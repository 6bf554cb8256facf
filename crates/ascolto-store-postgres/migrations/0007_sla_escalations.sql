-- SLA escalations, once per conversation and event; see SQLite's 0007 for what each holds.

ALTER TABLE conversations ADD COLUMN escalated_rank BIGINT;

CREATE TABLE sla_escalations (
    conversation_id BIGINT NOT NULL REFERENCES conversations (id),
    event_key TEXT NOT NULL,
    metric TEXT NOT NULL,
    action TEXT NOT NULL,
    breach BOOLEAN NOT NULL,
    deadline BIGINT NOT NULL,
    fired_at BIGINT NOT NULL,
    PRIMARY KEY (conversation_id, event_key)
);
