-- The case store: organisations (tenants), units, staff, requests with the
-- requester's personal data in a table of its own, statutory terms, an
-- append-only hash-chained event log, documents, attachments, the outbox.

-- A per-database secret for HMACs (CSRF tokens, tracking tokens derived from
-- a form's submission id): shared by every server instance, never shown.
CREATE TABLE app_secrets (
    name text PRIMARY KEY,
    value bytea NOT NULL CHECK (length(value) >= 32)
);
INSERT INTO app_secrets (name, value)
VALUES ('hmac', decode(md5(random()::text || clock_timestamp()::text) ||
                       md5(random()::text || pg_backend_pid()::text), 'hex'));

CREATE TABLE organisations (
    id bigserial PRIMARY KEY,
    slug text NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9][a-z0-9-]{1,31}$'),
    name text NOT NULL CHECK (length(name) BETWEEN 1 AND 300),
    address text NOT NULL DEFAULT '',
    place text NOT NULL DEFAULT '',          -- "Warszawa", for "Warszawa, dnia ..."
    email text NOT NULL DEFAULT '',
    phone text NOT NULL DEFAULT '',
    bip_url text NOT NULL DEFAULT '',
    hosts text[] NOT NULL DEFAULT '{}',      -- Host headers that select this body
    web_unit_id bigint,                      -- the unit that receives online requests
    class_public text NOT NULL DEFAULT '1431' CHECK (class_public ~ '^[0-9]{1,4}$'),
    class_reuse text NOT NULL DEFAULT '1432' CHECK (class_reuse ~ '^[0-9]{1,4}$'),
    -- Policies where courts disagree (LAW.md), shown in the case view.
    policy_clarification_restarts boolean NOT NULL DEFAULT true,
    policy_remedy text NOT NULL DEFAULT 'appeal' CHECK (policy_remedy IN ('appeal', 'reconsideration')),
    policy_reuse_defects_call boolean NOT NULL DEFAULT true,
    policy_clarification_days int NOT NULL DEFAULT 7 CHECK (policy_clarification_days BETWEEN 1 AND 60),
    policy_interest_days int NOT NULL DEFAULT 7 CHECK (policy_interest_days BETWEEN 1 AND 60),
    policy_interest_keeps_running boolean NOT NULL DEFAULT true,
    created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE units (
    id bigserial PRIMARY KEY,
    org_id bigint NOT NULL REFERENCES organisations(id),
    -- LAW.md §5: the unit's symbol, a hyphen only for a sub-unit.
    symbol text NOT NULL CHECK (symbol ~ '^[A-Z0-9]+(-[A-Z0-9]+)*$' AND length(symbol) <= 20),
    name text NOT NULL,
    UNIQUE (org_id, symbol),
    UNIQUE (org_id, id)
);
ALTER TABLE organisations
    ADD CONSTRAINT organisations_web_unit_fk FOREIGN KEY (id, web_unit_id)
    REFERENCES units (org_id, id) DEFERRABLE INITIALLY DEFERRED;

CREATE TABLE users (
    id bigserial PRIMARY KEY,
    org_id bigint NOT NULL REFERENCES organisations(id),
    unit_id bigint REFERENCES units(id),
    email text NOT NULL,
    name text NOT NULL,
    position text NOT NULL DEFAULT '',
    role text NOT NULL CHECK (role IN ('clerk', 'manager', 'admin')),
    password_hash text,                     -- Argon2id (libsodium crypto_pwhash_str)
    disabled boolean NOT NULL DEFAULT false,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX users_email_key ON users (lower(email));
CREATE INDEX users_org_idx ON users (org_id);

-- Case numbers: one counter per unit, class and year, incremented in the
-- transaction that creates the case, so numbers have no gaps and no repeats.
CREATE TABLE case_counters (
    unit_id bigint NOT NULL REFERENCES units(id),
    class text NOT NULL,
    year int NOT NULL,
    last int NOT NULL DEFAULT 0,
    PRIMARY KEY (unit_id, class, year)
);

CREATE TABLE requests (
    id bigserial PRIMARY KEY,
    org_id bigint NOT NULL REFERENCES organisations(id),
    unit_id bigint NOT NULL REFERENCES units(id),
    case_number text NOT NULL,
    case_class text NOT NULL,
    case_seq int NOT NULL CHECK (case_seq > 0),
    case_year int NOT NULL,
    kind text NOT NULL CHECK (kind IN ('public_information', 'reuse')),
    channel text NOT NULL CHECK (channel IN ('web', 'api', 'email', 'post', 'epuap', 'phone', 'in_person')),
    received_at timestamptz NOT NULL,
    received_on date NOT NULL,                -- the legal date in Europe/Warsaw
    subject text NOT NULL CHECK (length(subject) BETWEEN 1 AND 300),
    body text NOT NULL CHECK (length(body) BETWEEN 1 AND 20000),
    form text NOT NULL DEFAULT '',            -- requested form of the information
    delivery text NOT NULL CHECK (delivery IN ('email', 'post', 'tracking_page')),
    reuse_purpose text,
    reuse_format text,
    reuse_manner text,
    state text NOT NULL,
    closed_on date,
    assignee_id bigint REFERENCES users(id),
    tracking_hash bytea NOT NULL UNIQUE CHECK (length(tracking_hash) = 32),
    submission_id text,                      -- a form's one-time id: a double submit finds the first case
    version int NOT NULL DEFAULT 1,          -- optimistic locking
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (org_id, case_number),
    UNIQUE (unit_id, case_class, case_year, case_seq),
    UNIQUE (org_id, submission_id)
);
CREATE INDEX requests_org_state_idx ON requests (org_id, state);
CREATE INDEX requests_assignee_idx ON requests (assignee_id) WHERE closed_on IS NULL;

-- Personal data of the requester: never joined by public queries.
CREATE TABLE requesters (
    request_id bigint PRIMARY KEY REFERENCES requests(id),
    org_id bigint NOT NULL REFERENCES organisations(id),
    name text NOT NULL DEFAULT '',
    email text NOT NULL DEFAULT '',
    postal_address text NOT NULL DEFAULT '',
    phone text NOT NULL DEFAULT '',
    ip inet,
    created_at timestamptz NOT NULL DEFAULT now()
);

-- Statutory terms: one row each, so "due this week" is one indexed query and
-- every due date explains how it was computed.
CREATE TABLE terms (
    id bigserial PRIMARY KEY,
    org_id bigint NOT NULL REFERENCES organisations(id),
    request_id bigint NOT NULL REFERENCES requests(id),
    kind text NOT NULL,
    label text NOT NULL,
    basis text NOT NULL,
    side text NOT NULL CHECK (side IN ('body', 'requester')),
    start_on date NOT NULL,
    unshifted_on date NOT NULL,
    due_on date NOT NULL CHECK (due_on >= unshifted_on),
    state text NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'met', 'missed', 'cancelled', 'passed')),
    at_risk boolean NOT NULL DEFAULT false,
    steps jsonb NOT NULL DEFAULT '[]',
    closed_on date,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX terms_request_idx ON terms (request_id);
CREATE INDEX terms_open_due_idx ON terms (org_id, due_on) WHERE state = 'open';

-- The audit trail: append-only, hash-chained per organisation.
CREATE TABLE event_chain (
    org_id bigint PRIMARY KEY REFERENCES organisations(id),
    last_hash bytea NOT NULL,
    last_id bigint NOT NULL
);

CREATE TABLE events (
    id bigserial PRIMARY KEY,
    org_id bigint NOT NULL REFERENCES organisations(id),
    request_id bigint REFERENCES requests(id),
    at timestamptz NOT NULL DEFAULT clock_timestamp(),
    actor text NOT NULL CHECK (actor IN ('requester', 'clerk', 'manager', 'admin', 'system')),
    actor_user_id bigint REFERENCES users(id),
    action text NOT NULL,
    from_state text,
    to_state text,
    data jsonb NOT NULL DEFAULT '{}',
    prev_hash bytea NOT NULL,
    hash bytea NOT NULL
);
CREATE INDEX events_request_idx ON events (request_id, id);
CREATE INDEX events_org_idx ON events (org_id, id);

-- The text each hash covers; `audit verify` recomputes it the same way.
CREATE FUNCTION event_payload(e events) RETURNS bytea
LANGUAGE sql IMMUTABLE AS $$
    SELECT convert_to(concat_ws('|', e.id, e.org_id, coalesce(e.request_id::text, ''),
                                to_char(e.at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
                                e.actor, coalesce(e.actor_user_id::text, ''), e.action,
                                coalesce(e.from_state, ''), coalesce(e.to_state, ''),
                                e.data::text), 'UTF8')
$$;

-- Chains each new event to the previous one of its organisation. The row
-- lock on event_chain orders concurrent writers of one organisation.
CREATE FUNCTION events_chain() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    prev bytea;
BEGIN
    INSERT INTO event_chain (org_id, last_hash, last_id)
    VALUES (NEW.org_id, '\x'::bytea, 0)
    ON CONFLICT (org_id) DO NOTHING;
    SELECT last_hash INTO prev FROM event_chain WHERE org_id = NEW.org_id FOR UPDATE;
    NEW.prev_hash := prev;
    NEW.hash := sha256(prev || event_payload(NEW));
    UPDATE event_chain SET last_hash = NEW.hash, last_id = NEW.id WHERE org_id = NEW.org_id;
    RETURN NEW;
END
$$;
CREATE TRIGGER events_chain BEFORE INSERT ON events
    FOR EACH ROW EXECUTE FUNCTION events_chain();

CREATE FUNCTION refuse_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'insufficient_privilege';
END
$$;
CREATE TRIGGER events_append_only BEFORE UPDATE OR DELETE ON events
    FOR EACH ROW EXECUTE FUNCTION refuse_change();
CREATE TRIGGER events_no_truncate BEFORE TRUNCATE ON events
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_change();

CREATE TABLE documents (
    id bigserial PRIMARY KEY,
    org_id bigint NOT NULL REFERENCES organisations(id),
    request_id bigint NOT NULL REFERENCES requests(id),
    seq int NOT NULL,                       -- numbered within the case
    type text NOT NULL,                     -- law document id, e.g. "extension_notice"
    title text NOT NULL,
    status text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'issued')),
    markdown text NOT NULL DEFAULT '',
    html text,
    pdf bytea,
    sha256 bytea,
    author_id bigint REFERENCES users(id),
    issued_at timestamptz,
    delivered_on date,
    supersedes_id bigint REFERENCES documents(id),
    created_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (request_id, seq)
);

CREATE TABLE attachments (
    id bigserial PRIMARY KEY,
    org_id bigint NOT NULL REFERENCES organisations(id),
    request_id bigint NOT NULL REFERENCES requests(id),
    document_id bigint REFERENCES documents(id),
    filename text NOT NULL CHECK (length(filename) BETWEEN 1 AND 255),
    content_type text NOT NULL,
    size int NOT NULL CHECK (size >= 0),
    sha256 bytea NOT NULL,
    data bytea NOT NULL,
    source text NOT NULL CHECK (source IN ('requester', 'clerk')),
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX attachments_request_idx ON attachments (request_id);

-- Outgoing mail, written in the same transaction as the step that causes it
-- and sent by a background job (FOR UPDATE SKIP LOCKED).
CREATE TABLE outbox (
    id bigserial PRIMARY KEY,
    org_id bigint NOT NULL REFERENCES organisations(id),
    request_id bigint REFERENCES requests(id),
    recipient text NOT NULL,
    subject text NOT NULL,
    body text NOT NULL,
    attachment_document_id bigint REFERENCES documents(id),
    status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'failed')),
    attempts int NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL DEFAULT now(),
    last_error text,
    created_at timestamptz NOT NULL DEFAULT now(),
    sent_at timestamptz
);
CREATE INDEX outbox_pending_idx ON outbox (next_attempt_at) WHERE status = 'pending';

-- Fixed-window counters for rate limits (per address, per purpose).
CREATE TABLE rate_limits (
    key text NOT NULL,
    window_start timestamptz NOT NULL,
    count int NOT NULL DEFAULT 0,
    PRIMARY KEY (key, window_start)
);
