-- The public register of requests and answers (UDIP art. 8, LAW.md §6-7):
-- publications with immutable versions (the BIP change register), the
-- page-visit counter, and the views the public pages read as the role
-- jawnosc_public, which can see nothing else.

-- Accent folding for Polish search: unaccent() is only STABLE (it reads a
-- dictionary found through search_path), so an index cannot use it. This
-- wrapper names the dictionary with its schema, which makes the result
-- depend on its argument alone.
CREATE FUNCTION register_fold(text) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
    SELECT lower(public.unaccent('public.unaccent'::regdictionary, $1))
$$;

-- A search query as prefix matches of every word ("zolc wyd" finds
-- "Żółć ... wydatki"); NULL when the text has no word.
CREATE FUNCTION register_tsquery(text) RETURNS tsquery
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
    SELECT to_tsquery('simple', string_agg(quote_literal(w) || ':*', ' & '))
    FROM regexp_split_to_table(public.register_fold($1), '[^[:alnum:]]+') AS w
    WHERE w <> ''
$$;

-- One row per published request. The request's fixed facts are copied
-- (case number, kind, unit, date received) and so is the content of the
-- current version, so the register's list, filters and search read one
-- table through its own indexes.
CREATE TABLE publications (
    id bigserial PRIMARY KEY,
    org_id bigint NOT NULL REFERENCES organisations(id),
    request_id bigint NOT NULL UNIQUE REFERENCES requests(id),
    case_number text NOT NULL,
    kind text NOT NULL,
    unit_id bigint NOT NULL REFERENCES units(id),
    received_on date NOT NULL,
    published_by bigint NOT NULL REFERENCES users(id),
    first_published_at timestamptz NOT NULL,
    -- The current version, copied from publication_versions.
    version_id bigint,
    version text NOT NULL DEFAULT '1.0',
    version_published_at timestamptz NOT NULL,
    withdrawn boolean NOT NULL DEFAULT false,
    public_subject text NOT NULL,
    answer text NOT NULL DEFAULT '',
    outcome text NOT NULL DEFAULT '',
    legal_basis text NOT NULL DEFAULT '',
    -- The last withdrawal: versions up to it are no longer readable.
    withdrawn_upto bigint NOT NULL DEFAULT 0,
    -- Anything a public page of this item shows changed (a version, a step
    -- of the case): the ETag and Last-Modified of the pages.
    changed_at timestamptz NOT NULL DEFAULT now(),
    subject_folded text GENERATED ALWAYS AS (register_fold(public_subject)) STORED,
    search tsvector GENERATED ALWAYS AS
        (to_tsvector('simple', register_fold(public_subject || ' ' || answer))) STORED,
    UNIQUE (org_id, case_number)
);
-- Newest first with keyset pages over (received_on, id), alone or with one
-- filter; a year is a range of received_on.
CREATE INDEX publications_list_idx ON publications (org_id, received_on, id) WHERE NOT withdrawn;
CREATE INDEX publications_kind_idx ON publications (org_id, kind, received_on, id) WHERE NOT withdrawn;
CREATE INDEX publications_unit_idx ON publications (org_id, unit_id, received_on, id) WHERE NOT withdrawn;
CREATE INDEX publications_outcome_idx ON publications (org_id, outcome, received_on, id) WHERE NOT withdrawn;
CREATE INDEX publications_changed_idx ON publications (org_id, changed_at);
CREATE INDEX publications_search_idx ON publications USING gin (search);
CREATE INDEX publications_subject_trgm_idx ON publications USING gin (subject_folded gin_trgm_ops);

-- Every publication, change and withdrawal is a new row, never changed:
-- version "1.0" first, then "1.1", "1.2", ... (the seed page's footer).
CREATE TABLE publication_versions (
    id bigserial PRIMARY KEY,
    publication_id bigint NOT NULL REFERENCES publications(id),
    org_id bigint NOT NULL REFERENCES organisations(id),
    major int NOT NULL CHECK (major >= 1),
    minor int NOT NULL CHECK (minor >= 0),
    version text GENERATED ALWAYS AS (major::text || '.' || minor::text) STORED,
    withdrawn boolean NOT NULL DEFAULT false,   -- taken off the register (still in the change register)
    title text NOT NULL CHECK (length(title) BETWEEN 1 AND 400),
    public_subject text NOT NULL CHECK (length(public_subject) BETWEEN 1 AND 300),
    answer text NOT NULL DEFAULT '' CHECK (length(answer) <= 20000),
    outcome text NOT NULL DEFAULT '',
    legal_basis text NOT NULL DEFAULT '' CHECK (length(legal_basis) <= 500),
    document_ids bigint[] NOT NULL DEFAULT '{}',
    -- UDIP art. 8 ust. 3-4: who produced the information or answers for it,
    -- who entered it, when it was produced and published.
    produced_by text NOT NULL CHECK (length(produced_by) BETWEEN 1 AND 300),
    responsible text NOT NULL CHECK (length(responsible) BETWEEN 1 AND 300),
    produced_on date NOT NULL,
    entered_by bigint NOT NULL REFERENCES users(id),
    entered_by_name text NOT NULL,          -- as it was then: the change register never changes
    published_at timestamptz NOT NULL,
    UNIQUE (publication_id, major, minor)
);
CREATE INDEX publication_versions_item_idx ON publication_versions (publication_id, id);
CREATE INDEX publication_versions_feed_idx ON publication_versions (org_id, id);
ALTER TABLE publications ADD CONSTRAINT publications_version_fk
    FOREIGN KEY (version_id) REFERENCES publication_versions(id) DEFERRABLE INITIALLY DEFERRED;

CREATE TRIGGER publication_versions_append_only BEFORE UPDATE OR DELETE ON publication_versions
    FOR EACH ROW EXECUTE FUNCTION refuse_change();
CREATE TRIGGER publication_versions_no_truncate BEFORE TRUNCATE ON publication_versions
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_change();

-- A step of a published case changes its public page (state, timeline,
-- terms): every step appends an event, so one trigger there is enough.
CREATE FUNCTION publications_touch() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.request_id IS NOT NULL AND NEW.action <> 'note' THEN
        UPDATE publications SET changed_at = now() WHERE request_id = NEW.request_id;
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER events_touch_publication AFTER INSERT ON events
    FOR EACH ROW EXECUTE FUNCTION publications_touch();

-- The page-visit counter the BIP regulation expects: one row per page.
CREATE TABLE page_visits (
    org_id bigint NOT NULL,
    path text NOT NULL CHECK (length(path) <= 400),
    count bigint NOT NULL DEFAULT 0,
    PRIMARY KEY (org_id, path)
);

-- ---- What may be published, per request (never granted to the public) ---
-- The same columns feed the public pages (through the register_* views
-- below) and the clerk's preview, so the preview shows exactly what the
-- public will see. No requester, no request body, no event data, no notes.
CREATE VIEW publishable_facts AS
SELECT r.id AS request_id, r.org_id, r.case_number, r.kind, r.unit_id, u.symbol AS unit_symbol,
       u.name AS unit_name, r.received_on, r.state, r.closed_on
FROM requests r JOIN units u ON u.id = r.unit_id;

-- A request registered later than it arrived (post, e-mail) shows the day
-- it arrived, the day its terms count from.
CREATE VIEW publishable_timeline AS
SELECT e.request_id, e.id,
       CASE WHEN e.action = 'register' THEN r.received_on::text
            ELSE to_char(e.at AT TIME ZONE 'Europe/Warsaw', 'YYYY-MM-DD') END AS on_date,
       e.action, coalesce(e.to_state, '') AS to_state
FROM events e JOIN requests r ON r.id = e.request_id
WHERE e.action NOT IN ('note', 'assign');

CREATE VIEW publishable_terms AS
SELECT t.request_id, t.id, t.kind, t.label, t.basis, t.start_on, t.due_on, t.state, t.closed_on
FROM terms t
WHERE t.side = 'body';

CREATE VIEW publishable_documents AS
SELECT d.request_id, d.id, d.seq, d.title,
       to_char(d.issued_at AT TIME ZONE 'Europe/Warsaw', 'YYYY-MM-DD') AS issued_on,
       d.pdf IS NOT NULL AS has_pdf
FROM documents d
WHERE d.status = 'issued';

-- ---- The public role's views ---------------------------------------------
CREATE VIEW register_organisations AS
SELECT id, slug, name, address, place, email, phone, bip_url, hosts, created_at FROM organisations;

CREATE VIEW register_units AS
SELECT id, org_id, symbol, name FROM units;

-- Every publication, withdrawn or not, for finding an item and its
-- change register and for the pages' validators.
CREATE VIEW register_items AS
SELECT p.id, p.org_id, p.case_number, p.received_on, p.withdrawn, p.version, p.version_id,
       p.first_published_at, p.changed_at
FROM publications p;

-- What the register's filters, search and keyset pages read: one table,
-- so every query is one of its index scans; the rows of a page are then
-- read from register_entries.
CREATE VIEW register_index AS
SELECT p.id, p.org_id, p.received_on, p.kind, p.unit_id, p.outcome, p.subject_folded, p.search
FROM publications p
WHERE NOT p.withdrawn;

-- The register itself: what is published now.
CREATE VIEW register_entries AS
SELECT p.id, p.org_id, p.case_number, p.kind, p.unit_id, u.symbol AS unit_symbol, u.name AS unit_name,
       p.received_on, r.state, r.closed_on, p.outcome, p.legal_basis, p.public_subject, p.answer,
       p.version, p.version_id, p.version_published_at, p.first_published_at, p.changed_at,
       p.subject_folded, p.search
FROM publications p JOIN units u ON u.id = p.unit_id JOIN requests r ON r.id = p.request_id
WHERE NOT p.withdrawn;

-- Content only for versions still readable: a withdrawal hides every
-- version before it (taken off, e.g., for personal data published by
-- mistake); the change register keeps listing them.
CREATE VIEW register_versions AS
SELECT v.id, v.publication_id, v.org_id, p.case_number, v.version, v.major, v.minor, v.withdrawn,
       v.produced_by, v.responsible, v.produced_on, v.entered_by_name, v.published_at,
       (NOT v.withdrawn AND v.id > p.withdrawn_upto) AS readable,
       CASE WHEN v.withdrawn OR v.id > p.withdrawn_upto THEN v.title END AS title,
       CASE WHEN NOT v.withdrawn AND v.id > p.withdrawn_upto THEN v.public_subject END AS public_subject,
       CASE WHEN NOT v.withdrawn AND v.id > p.withdrawn_upto THEN v.answer END AS answer,
       CASE WHEN NOT v.withdrawn AND v.id > p.withdrawn_upto THEN v.outcome END AS outcome,
       CASE WHEN NOT v.withdrawn AND v.id > p.withdrawn_upto THEN v.legal_basis END AS legal_basis,
       CASE WHEN NOT v.withdrawn AND v.id > p.withdrawn_upto THEN v.document_ids END AS document_ids
FROM publication_versions v JOIN publications p ON p.id = v.publication_id;

CREATE VIEW register_facts AS
SELECT p.id AS publication_id, f.org_id, f.case_number, f.kind, f.unit_symbol, f.unit_name,
       f.received_on, f.state, f.closed_on
FROM publications p JOIN publishable_facts f ON f.request_id = p.request_id
WHERE NOT p.withdrawn;

CREATE VIEW register_timeline AS
SELECT p.id AS publication_id, t.id, t.on_date, t.action, t.to_state
FROM publications p JOIN publishable_timeline t ON t.request_id = p.request_id
WHERE NOT p.withdrawn;

CREATE VIEW register_terms AS
SELECT p.id AS publication_id, t.id, t.kind, t.label, t.basis, t.start_on, t.due_on, t.state, t.closed_on
FROM publications p JOIN publishable_terms t ON t.request_id = p.request_id
WHERE NOT p.withdrawn;

-- The issued documents a readable version made public, with the PDF.
CREATE VIEW register_documents AS
SELECT v.id AS version_id, v.publication_id, (v.id = p.version_id) AS current, d.seq, d.title,
       d.issued_on, d.has_pdf, doc.pdf, doc.sha256
FROM publication_versions v
JOIN publications p ON p.id = v.publication_id
JOIN publishable_documents d ON d.request_id = p.request_id AND d.id = ANY (v.document_ids)
JOIN documents doc ON doc.id = d.id
WHERE NOT v.withdrawn AND v.id > p.withdrawn_upto AND NOT p.withdrawn;

-- Public statistics per year of receipt: counts by state (the outcome, for
-- closed cases) and how many closed cases were closed on or before the due
-- date of their answer term (the extended one, if extended). An aggregate
-- over every request takes a moment at a million of them, so the pages read
-- a snapshot, refreshed when it is older than a few minutes
-- (register_stats_refresh() in server/cases/register.c).
CREATE VIEW register_statistics_live AS
SELECT r.org_id, extract(year FROM r.received_on)::int AS year, r.state, count(*) AS requests,
       count(*) FILTER (WHERE r.closed_on IS NOT NULL) AS closed,
       count(*) FILTER (WHERE r.closed_on IS NOT NULL AND r.closed_on <= t.due_on) AS on_time
FROM requests r
LEFT JOIN (SELECT DISTINCT ON (request_id) request_id, due_on FROM terms
           WHERE kind IN ('answer', 'answer_extended', 'reuse_answer', 'reuse_answer_extended')
           ORDER BY request_id, id DESC) t ON t.request_id = r.id
GROUP BY r.org_id, 2, r.state;

CREATE MATERIALIZED VIEW register_statistics AS SELECT * FROM register_statistics_live;
CREATE UNIQUE INDEX register_statistics_key ON register_statistics (org_id, year, state);
CREATE TABLE register_statistics_refreshed (
    only_row boolean PRIMARY KEY DEFAULT true CHECK (only_row),
    refreshed_at timestamptz NOT NULL
);
-- Stale from the start: the first look refreshes it.
INSERT INTO register_statistics_refreshed (refreshed_at) VALUES ('-infinity');

-- ---- The role of the public pages ----------------------------------------
-- Roles belong to the whole cluster (test databases share one), so it may
-- exist already; the server's user must be a member to SET ROLE to it.
DO $$ BEGIN
    CREATE ROLE jawnosc_public NOLOGIN;
EXCEPTION WHEN duplicate_object THEN NULL;
END $$;
GRANT jawnosc_public TO CURRENT_USER;
GRANT SELECT ON register_organisations, register_units, register_items, register_index, register_entries,
    register_versions,
    register_facts, register_timeline, register_terms, register_documents, register_statistics,
    register_statistics_refreshed TO jawnosc_public;
GRANT SELECT, INSERT, UPDATE ON page_visits TO jawnosc_public;
