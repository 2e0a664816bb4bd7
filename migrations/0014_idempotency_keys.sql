-- Idempotency keys of their own (issue 16): a key belongs to one client
-- and one request body, and no longer makes the tracking token.
--
-- Until now a filing's submission id (the form's one-time id, or "api:" and
-- the API's Idempotency-Key) was a column of requests, and the tracking
-- token was derived from it: whoever sent the same key again, from any
-- address and with any body, was answered the first case and its token.
-- Now the token is always random, and a key is a row here, as the IETF
-- httpapi Idempotency-Key draft describes:
-- - scoped to the client's address (`client`, http_client_ip()): the same
--   key from another address is another key;
-- - bound to the SHA-256 of the request (`body_sha256`): the same key with
--   another body is refused (422);
-- - kept 24 hours (JAWNOSC's clock, `created_at`): older rows are
--   forgotten (server/cases/filing.c: at the next use of the key, and by
--   the job "idempotency-keys").
-- The key itself is kept only as its SHA-256, and the case's tracking
-- token (needed to answer a repeat) only sealed with a key derived from
-- the application's secret, the client, the raw key and the body's hash:
-- the database alone does not give it back, as it gives no other token.
CREATE TABLE idempotency_keys (
    org_id bigint NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
    client text NOT NULL,                    -- the client's address ('' when unknown)
    key_sha256 bytea NOT NULL CHECK (length(key_sha256) = 32),
    body_sha256 bytea NOT NULL CHECK (length(body_sha256) = 32),
    request_id bigint NOT NULL REFERENCES requests(id) ON DELETE CASCADE,
    token_box bytea NOT NULL,                -- the tracking token, sealed (cases/secret.c)
    created_at timestamptz NOT NULL,
    PRIMARY KEY (org_id, client, key_sha256)
);
CREATE INDEX idempotency_keys_created_idx ON idempotency_keys (created_at);
-- No index on request_id: the table holds a day of keyed filings, and a
-- case is deleted rarely if ever (the cascade then reads it through).

-- A key being used is held by a transaction-level advisory lock on this
-- number, taken without waiting: a second request with the same key and
-- client while the first is still being filed is answered 409 at once.
-- One function, so that the server and the tests take the same lock.
CREATE FUNCTION idempotency_lock(org bigint, client text, key_sha256 bytea) RETURNS bigint
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT hashtextextended('idempotency ' || org || ' ' || client || ' ' || encode(key_sha256, 'hex'), 0)
$$;

-- The old submission ids go with the tokens derived from them: a repeat of
-- a filing made before this migration files anew. (Their tracking tokens
-- still work: only their SHA-256 was ever stored, as now.)
DROP INDEX requests_submission_key;
ALTER TABLE requests DROP COLUMN submission_id;
