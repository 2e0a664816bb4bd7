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
