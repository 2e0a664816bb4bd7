-- The controller's duties under the GDPR for requesters' personal data
-- (issue 17 §3, docs/privacy.md "Information for requesters (art. 13)" and
-- "Retention and erasure"): what the art. 13 information needs from the
-- organisation, how long requesters' data are kept per JRWA class, where
-- a case's erasure is recorded, and event details kept out of the hash
-- chain so that they can be erased.

-- 1. Settings of the art. 13 information and of retention.
--    retention_years: {"1431": 5, "1432": 10}, years after the case closed
--    per JRWA class of the case number; a class not listed keeps 5 (BE5,
--    the category of class 1431 in most filing plans).
CREATE FUNCTION retention_years_valid(r jsonb) RETURNS boolean
LANGUAGE sql IMMUTABLE AS $$
    SELECT jsonb_typeof(r) = 'object'
       AND (SELECT count(*) <= 100 FROM jsonb_object_keys(r))
       AND NOT EXISTS (SELECT 1 FROM jsonb_each(r) AS e(k, v)
                       WHERE k !~ '^[0-9]{1,4}$' OR jsonb_typeof(v) <> 'number'
                          OR v::text !~ '^[0-9]{1,3}$' OR v::text::int NOT BETWEEN 1 AND 100)
$$;

ALTER TABLE organisations
    ADD COLUMN dpo_contact text NOT NULL DEFAULT '' CHECK (length(dpo_contact) <= 500),
    ADD COLUMN privacy_recipients text NOT NULL DEFAULT '' CHECK (length(privacy_recipients) <= 2000),
    ADD COLUMN retention_years jsonb NOT NULL DEFAULT '{}' CHECK (retention_years_valid(retention_years));

-- The years a case of `class` is kept under the setting `r`.
CREATE FUNCTION retention_years_of(r jsonb, class text) RETURNS int
LANGUAGE sql IMMUTABLE AS $$
    SELECT coalesce((r ->> class)::int, 5)
$$;

-- The first day on which a case closed on `closed` may be erased: periods
-- of keeping count in whole calendar years from 1 January of the year after
-- the case closed (the archival instruction's rule), so a case closed on
-- 20 November 2026 with 5 years is kept to 31 December 2031.
CREATE FUNCTION retention_end(closed date, years int) RETURNS date
LANGUAGE sql IMMUTABLE AS $$
    SELECT make_date(extract(year FROM closed)::int + 1 + years, 1, 1)
$$;

-- 2. When the case's personal data were erased (cases/privacy.c). The
--    retention job reads closed cases not yet erased by their closing date.
ALTER TABLE requests ADD COLUMN erased_at timestamptz;
CREATE INDEX requests_retention_idx ON requests (closed_on)
    WHERE closed_on IS NOT NULL AND erased_at IS NULL;

-- 3. What a step records that may be personal (free text: the requester's
--    submissions, the clerk's reasons and notes, names of third persons)
--    lives here, not in the hash-chained payload of events. The event's
--    data holds "details_sha256": SHA-256(salt || details::text), a
--    commitment that stays verifiable while the details exist and says
--    nothing once they (and their random salt) are erased.
CREATE TABLE event_details (
    event_id bigint PRIMARY KEY REFERENCES events(id),
    org_id bigint NOT NULL REFERENCES organisations(id),
    request_id bigint REFERENCES requests(id),
    salt bytea NOT NULL CHECK (length(salt) = 32),
    data jsonb NOT NULL
);
CREATE INDEX event_details_request_idx ON event_details (request_id);

-- An event's data as the application reads it: the chained payload with
-- its details (events recorded before this migration hold everything in
-- the payload).
CREATE FUNCTION event_data(e events) RETURNS jsonb
LANGUAGE sql STABLE AS $$
    SELECT (e.data - 'details_sha256')
           || coalesce((SELECT d.data FROM event_details d WHERE d.event_id = e.id), '{}')
$$;

-- 4. An issued document never changes, except that the erasure of the
--    requester's data (cases/privacy.c, which sets jawnosc.erasure) may
--    empty its content: the Markdown, HTML, PDF and the step's inputs.
--    Nothing else of it may change, and nothing may be deleted.
CREATE OR REPLACE FUNCTION documents_guard() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF OLD.status = 'issued' THEN
        IF TG_OP = 'UPDATE' AND current_setting('jawnosc.erasure', true) = 'on'
           AND NEW.markdown = '' AND NEW.html IS NULL AND NEW.pdf IS NULL AND NEW.inputs = '{}'
           AND (NEW.id, NEW.org_id, NEW.request_id, NEW.seq, NEW.type, NEW.title, NEW.status,
                NEW.sha256, NEW.author_id, NEW.issued_at, NEW.supersedes_id, NEW.delivery,
                NEW.created_at)
               IS NOT DISTINCT FROM
               (OLD.id, OLD.org_id, OLD.request_id, OLD.seq, OLD.type, OLD.title, OLD.status,
                OLD.sha256, OLD.author_id, OLD.issued_at, OLD.supersedes_id, OLD.delivery,
                OLD.created_at) THEN
            RETURN NEW;
        END IF;
        RAISE EXCEPTION 'document % of request % is issued and cannot be changed: issue a correction',
            OLD.seq, OLD.request_id USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    RETURN NEW;
END
$$;
