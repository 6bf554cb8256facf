-- The incremental queue recompute: each conversation keeps the instant (Unix ms) at which its
-- score can next move with time alone (`ascolto_core::priority::next_change`), so the periodic
-- recompute reads only the open conversations whose instant has come, by index, instead of
-- every open conversation.
--
-- 0 means "due now": a new conversation, one whose inputs changed outside the service's
-- refresh (reopened, its customer's tags changed), or every open one after a new SLA policy.
-- NULL means the score does not move with time (nobody waits and no SLA clock runs).
-- Existing rows start at 0, so the first recompute after this migration scores them all.
ALTER TABLE conversations ADD COLUMN rescore_at INTEGER DEFAULT 0;

-- The recompute's scan: due open conversations, soonest first.
CREATE INDEX conversations_rescore ON conversations (rescore_at, id)
    WHERE status = 'open' AND merged_into IS NULL;

-- A conversation that changes status (reopened by a customer message, snoozed and back) is
-- due: its wait and SLA may have moved while it was out of the open queue.
CREATE TRIGGER conversations_status_rescore AFTER UPDATE OF status ON conversations
WHEN NEW.status IS NOT OLD.status
BEGIN
    UPDATE conversations SET rescore_at = 0 WHERE id = NEW.id;
END;

-- The customer's tags count towards the score (VIP), so a change of tags, a merge included,
-- makes their open conversations due.
CREATE TRIGGER customers_tags_rescore AFTER UPDATE OF tags ON customers
WHEN NEW.tags IS NOT OLD.tags
BEGIN
    UPDATE conversations SET rescore_at = 0
    WHERE customer_id = NEW.id AND status = 'open' AND merged_into IS NULL;
END;
