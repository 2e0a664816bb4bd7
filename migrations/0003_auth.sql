-- Staff sign-in: sessions and the record of failed attempts that throttles
-- password guessing. Both are in the database, so any number of server
-- instances share them.

-- A session is found by the SHA-256 of its random token; the token itself
-- lives only in the browser's cookie, so a copy of this table signs no one in.
CREATE TABLE sessions (
    token_hash bytea PRIMARY KEY CHECK (length(token_hash) = 32),
    user_id bigint NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    org_id bigint NOT NULL REFERENCES organisations(id),
    csrf text NOT NULL CHECK (length(csrf) >= 32),   -- the token every form of the session carries
    created_at timestamptz NOT NULL DEFAULT now(),
    last_seen_at timestamptz NOT NULL DEFAULT now(), -- for the idle timeout; touched at most once a minute
    expires_at timestamptz NOT NULL,                 -- the absolute lifetime
    ip inet,
    user_agent text NOT NULL DEFAULT ''
);
CREATE INDEX sessions_user_idx ON sessions (user_id);
CREATE INDEX sessions_expires_idx ON sessions (expires_at);

-- One row per failed sign-in, and per attempt still being checked (a row is
-- written before the password is verified and removed when it was right,
-- so parallel guesses count too). Old rows are removed on sign-in.
CREATE TABLE login_failures (
    id bigserial PRIMARY KEY,
    email_lower text NOT NULL,
    ip inet,
    at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX login_failures_email_idx ON login_failures (email_lower, at);
CREATE INDEX login_failures_ip_idx ON login_failures (ip, at);
CREATE INDEX login_failures_at_idx ON login_failures (at);
