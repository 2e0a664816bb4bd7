-- The clerk's queue: each open case sorted by its nearest statutory due date
-- of the body (the requester's own windows do not count), paged by keyset
-- over (due_on, id). The date is kept on the request by a trigger on terms,
-- so the queue is one index scan however many cases there are.
ALTER TABLE requests ADD COLUMN due_on date;

CREATE FUNCTION requests_refresh_due() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    UPDATE requests r SET due_on = (
        SELECT min(t.due_on) FROM terms t
        WHERE t.request_id = r.id AND t.state = 'open' AND t.side = 'body')
    WHERE r.id = NEW.request_id;
    RETURN NULL;
END
$$;
CREATE TRIGGER terms_refresh_due AFTER INSERT OR UPDATE OF state, due_on ON terms
    FOR EACH ROW EXECUTE FUNCTION requests_refresh_due();

UPDATE requests r SET due_on = (
    SELECT min(t.due_on) FROM terms t
    WHERE t.request_id = r.id AND t.state = 'open' AND t.side = 'body');

-- Open cases by due date (NULLs, waiting on the requester, last).
CREATE INDEX requests_queue_idx ON requests (org_id, due_on, id) WHERE closed_on IS NULL;
CREATE INDEX requests_subject_trgm_idx ON requests USING gin (subject gin_trgm_ops);
CREATE INDEX requests_unit_idx ON requests (unit_id);
