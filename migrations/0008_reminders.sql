-- Reminders by e-mail and the manager's dashboard.
--
-- A reminder is sent once: the row below is inserted with ON CONFLICT DO
-- NOTHING in the transaction that queues the e-mail in the outbox, so when
-- several server instances (or one restarted) try the same reminder, the
-- unique index lets exactly one of them through.
--   due_soon  to the assignee, some working days before a term of the body
--   missed    to each manager of the organisation or of the case's unit,
--             once the term has passed and is still open
--   digest    to each manager, once per working day (`day`)
CREATE TABLE reminders (
    id bigserial PRIMARY KEY,
    org_id bigint NOT NULL REFERENCES organisations(id),
    kind text NOT NULL CHECK (kind IN ('due_soon', 'missed', 'digest')),
    term_id bigint REFERENCES terms(id),
    user_id bigint NOT NULL REFERENCES users(id),
    day date NOT NULL,                  -- the Warsaw date it was sent on (for)
    created_at timestamptz NOT NULL DEFAULT now(),
    CHECK ((kind = 'digest') = (term_id IS NULL))
);
CREATE UNIQUE INDEX reminders_term_key ON reminders (term_id, kind, user_id) WHERE term_id IS NOT NULL;
CREATE UNIQUE INDEX reminders_digest_key ON reminders (user_id, day) WHERE kind = 'digest';
CREATE INDEX reminders_org_idx ON reminders (org_id, created_at);

-- The reminder job looks at open terms of every organisation by due date.
CREATE INDEX terms_open_due_any_idx ON terms (due_on) WHERE state = 'open';

-- Charts and the statistics export: cases received, and cases closed, in a
-- period of one organisation.
CREATE INDEX requests_org_received_idx ON requests (org_id, received_on);
CREATE INDEX requests_org_closed_idx ON requests (org_id, closed_on) WHERE closed_on IS NOT NULL;
