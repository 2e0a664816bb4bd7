-- Integrations: the electronic document management systems of a body
-- (EZD RP, EZD PUW, commercial ones) reading its cases and registering the
-- requests its own registry received, over /api/v1/staff (issue 23 part 4;
-- server/cases/integrations.c, server/web/staff_api.c).
--
-- An administrator creates a token for one system: its name, its scopes
-- (read: the cases and the queue; register: new requests; documents: files
-- added to a case). The secret is shown once and kept only as its SHA-256
-- (as sessions and tracking links are), so the database alone gives no
-- token. A token belongs to one organisation and never reaches another's
-- data. Revoking keeps the row (its audit trail names it) and refuses the
-- token from the next call on.
CREATE TABLE integrations (
    id bigserial PRIMARY KEY,
    org_id bigint NOT NULL REFERENCES organisations(id),
    name text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    scopes text[] NOT NULL CHECK (cardinality(scopes) BETWEEN 1 AND 3
                                  AND scopes <@ ARRAY['read', 'register', 'documents']),
    token_sha256 bytea NOT NULL UNIQUE CHECK (length(token_sha256) = 32),
    created_by bigint REFERENCES users(id),
    created_at timestamptz NOT NULL DEFAULT now(),
    last_used_at timestamptz,
    revoked_at timestamptz,
    revoked_by bigint REFERENCES users(id)
);
CREATE INDEX integrations_org_idx ON integrations (org_id, id);
-- Two live tokens of one body do not share a name: the audit trail tells
-- the systems apart by it.
CREATE UNIQUE INDEX integrations_live_name ON integrations (org_id, lower(name))
    WHERE revoked_at IS NULL;

-- Each call of an integration is an event of the body's chain (actor
-- 'integration', no user; its data names the integration), and so is
-- what it registers or adds to a case.
ALTER TABLE events DROP CONSTRAINT IF EXISTS events_actor_check;
ALTER TABLE events ADD CONSTRAINT events_actor_check
    CHECK (actor IN ('requester', 'clerk', 'manager', 'admin', 'iod', 'system', 'integration'));
