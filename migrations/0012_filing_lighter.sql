-- Less work in the filing transaction (issue 9).

-- A request just registered has no publication yet, and a note changes
-- nothing public: the trigger's condition says so, and the function (an
-- UPDATE of publications that finds no row, with its statement triggers)
-- is not called for them at all.
DROP TRIGGER events_touch_publication ON events;
CREATE TRIGGER events_touch_publication AFTER INSERT ON events
    FOR EACH ROW
    WHEN (NEW.request_id IS NOT NULL AND NEW.action NOT IN ('note', 'register'))
    EXECUTE FUNCTION publications_touch();

-- New subjects wait in the trigram index's pending list until autovacuum
-- merges them; with the default 4 MB list a filing every few seconds paid
-- for the whole merge itself (a latency spike of tens of milliseconds).
-- 16 MB keeps the merge in autovacuum at a thousand filings a second while
-- a queue search still reads the list quickly.
ALTER INDEX requests_subject_trgm_idx SET (gin_pending_list_limit = 16384);
