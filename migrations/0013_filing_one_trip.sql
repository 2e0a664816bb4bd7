-- A filing in one round trip (server/cases/filing.c), and fewer indexes
-- for it to write.

-- 1. Servers keep each organisation's settings in memory (cases/org.c)
-- until any organisation's settings change. Any change to organisations
-- or units says so, whoever makes it: settings change rarely, so these
-- triggers need no exemption for the server's own writes (migration 0011).
CREATE FUNCTION notify_settings_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('jawnosc_changes', 'settings');
    RETURN NULL;
END $$;

CREATE TRIGGER organisations_notify_settings AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE
    ON organisations FOR EACH STATEMENT EXECUTE FUNCTION notify_settings_change();
CREATE TRIGGER units_notify_settings AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE
    ON units FOR EACH STATEMENT EXECUTE FUNCTION notify_settings_change();

-- 2. The case number is now made by the filing statement itself from the
-- counter: the counter cannot go past what a case number may hold
-- (LAW_CASENUM_NUMBER_MAX in server/law/casenum.h), so the filing that
-- would need number 1,000,000 fails and rolls back instead.
ALTER TABLE case_counters ADD CONSTRAINT case_counters_last_check
    CHECK (last BETWEEN 0 AND 999999);

-- Rate-limit counters matter for an hour, and only on the primary: their
-- rows need no WAL. After a crash the table starts empty, and an address
-- gets a fresh window once; a replica has none of them, which nothing
-- reads there. (The reminder job now deletes the windows that are over.)
ALTER TABLE rate_limits SET UNLOGGED;

-- 3. Indexes a filing wrote for nothing.
-- requests_unit_idx: the unique key on (unit_id, case_class, case_year,
-- case_seq) starts with unit_id and serves the same look-ups.
DROP INDEX requests_unit_idx;
-- The clerk's queue (org_id, due_on, id) and the dashboard's covering index
-- (org_id, due_on) INCLUDE (id, unit_id, assignee_id) are one index.
CREATE INDEX requests_open_due_idx ON requests (org_id, due_on, id)
    INCLUDE (unit_id, assignee_id) WHERE closed_on IS NULL;
DROP INDEX requests_queue_idx;
DROP INDEX requests_open_due_cover_idx;
-- Open cases of one clerk: a new case has no clerk yet.
CREATE INDEX requests_assigned_idx ON requests (assignee_id)
    WHERE closed_on IS NULL AND assignee_id IS NOT NULL;
DROP INDEX requests_assignee_idx;
-- A repeated submit is found by its submission id; most API filings have
-- none (no Idempotency-Key), and need no entry.
CREATE UNIQUE INDEX requests_submission_key ON requests (org_id, submission_id)
    WHERE submission_id IS NOT NULL;
ALTER TABLE requests DROP CONSTRAINT requests_org_id_submission_id_key;
-- The clerk's queue searches one organisation's open cases, which
-- requests_open_due_idx narrows to a few thousand rows at most; the planner
-- never chose the trigram index over every subject (no scan of it in a
-- whole benchmark at a million cases), and each filing paid for its entry
-- and, now and then, for merging its pending list.
DROP INDEX requests_subject_trgm_idx;
-- Open terms by organisation and due date: the reminder job reads open
-- terms of every organisation (terms_open_due_any_idx) and the dashboard
-- the running windows (terms_running_windows_idx); nothing read this one.
DROP INDEX terms_open_due_idx;
-- Requests by organisation and state: the queue's state filter reads one
-- organisation's open cases through requests_open_due_idx, and the
-- dashboard's counts by state come from requests_org_closed_idx.
DROP INDEX requests_org_state_idx;

-- 4. The hash chain's trigger, lighter.
-- event_payload() is made of stable functions (to_char, convert_to,
-- concat_ws): declared IMMUTABLE, PostgreSQL would not inline it, and a
-- SQL function that is not inlined is parsed and planned again in every
-- transaction that calls it. STABLE is what it is, and lets it be inlined.
ALTER FUNCTION event_payload(events) STABLE;

-- One UPDATE locks the organisation's row, moves the chain on and gives
-- the hash before it (SET reads the row as it was; a writer that waited
-- for another sees that one's hash), instead of a locking SELECT and then
-- an UPDATE. The hash is computed exactly as before.
ALTER TABLE event_chain ADD COLUMN prev_hash bytea NOT NULL DEFAULT '\x';

CREATE OR REPLACE FUNCTION events_chain() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    payload bytea := event_payload(NEW);
BEGIN
    UPDATE event_chain SET prev_hash = last_hash, last_hash = sha256(last_hash || payload),
                           last_id = NEW.id
    WHERE org_id = NEW.org_id
    RETURNING prev_hash, last_hash INTO NEW.prev_hash, NEW.hash;
    IF NOT FOUND THEN
        INSERT INTO event_chain (org_id, last_hash, last_id)
        VALUES (NEW.org_id, '\x'::bytea, 0)
        ON CONFLICT (org_id) DO NOTHING;
        UPDATE event_chain SET prev_hash = last_hash, last_hash = sha256(last_hash || payload),
                               last_id = NEW.id
        WHERE org_id = NEW.org_id
        RETURNING prev_hash, last_hash INTO NEW.prev_hash, NEW.hash;
    END IF;
    RETURN NEW;
END
$$;

-- requests.due_on is the nearest due date of the body's open terms. A new
-- term can only bring it nearer, and only when it is an open term of the
-- body: that case is one keyed UPDATE, without reading the request's other
-- terms (a filing's terms arrive with the date already in the request, so
-- for a filing it changes nothing). A changed state or due date still
-- recomputes it from all the terms (requests_refresh_due()).
CREATE FUNCTION requests_nearer_due() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    UPDATE requests SET due_on = NEW.due_on
    WHERE id = NEW.request_id AND (due_on IS NULL OR due_on > NEW.due_on);
    RETURN NULL;
END
$$;
DROP TRIGGER terms_refresh_due ON terms;
CREATE TRIGGER terms_refresh_due AFTER UPDATE OF state, due_on ON terms
    FOR EACH ROW EXECUTE FUNCTION requests_refresh_due();
CREATE TRIGGER terms_nearer_due AFTER INSERT ON terms
    FOR EACH ROW WHEN (NEW.state = 'open' AND NEW.side = 'body')
    EXECUTE FUNCTION requests_nearer_due();
