-- The incremental queue recompute; see SQLite's 0010 for what `rescore_at` holds
-- (Unix ms; 0: due now; NULL: the score does not move with time).
ALTER TABLE conversations ADD COLUMN rescore_at BIGINT DEFAULT 0;

CREATE INDEX conversations_rescore ON conversations (rescore_at, id)
    WHERE status = 'open' AND merged_into IS NULL;

-- A conversation that changes status is due (its wait and SLA may have moved meanwhile).
CREATE FUNCTION conversations_status_rescore() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.rescore_at := 0;
    RETURN NEW;
END;
$$;

CREATE TRIGGER conversations_status_rescore BEFORE UPDATE OF status ON conversations
    FOR EACH ROW WHEN (NEW.status IS DISTINCT FROM OLD.status)
    EXECUTE FUNCTION conversations_status_rescore();

-- The customer's tags count towards the score, so a change of tags (a merge included) makes
-- their open conversations due.
CREATE FUNCTION customers_tags_rescore() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE conversations SET rescore_at = 0
    WHERE customer_id = NEW.id AND status = 'open' AND merged_into IS NULL;
    RETURN NULL;
END;
$$;

CREATE TRIGGER customers_tags_rescore AFTER UPDATE OF tags ON customers
    FOR EACH ROW WHEN (NEW.tags IS DISTINCT FROM OLD.tags)
    EXECUTE FUNCTION customers_tags_rescore();
