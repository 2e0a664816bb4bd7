-- Issue 21 item 1: a step that needs a letter takes effect when the letter
-- leaves the body, not when the clerk asks for it (docs/letters.md "A step
-- waits for its letter"). Until then the step waits here, beside the draft
-- of its letter: the law's inputs to decide it again on the day the letter
-- is dispatched, posted, sent by the service or handed over, and what its
-- event will record. One step waits per case (the primary key): a second
-- step with a letter is refused until the first is sent or its draft is
-- deleted. The row goes when the step takes effect, lapses or its draft is
-- deleted; an erasure deletes it with the case's other personal data
-- (`data` may hold the clerk's text).
CREATE TABLE pending_steps (
    request_id bigint PRIMARY KEY REFERENCES requests(id),
    org_id bigint NOT NULL REFERENCES organisations(id),
    document_id bigint NOT NULL UNIQUE REFERENCES documents(id),
    action text NOT NULL,                  -- law action id, e.g. "provide"
    role text NOT NULL CHECK (role IN ('clerk', 'manager')),
    actor text NOT NULL,                   -- events.actor of the step
    user_id bigint REFERENCES users(id),
    input jsonb NOT NULL DEFAULT '{}',     -- new_due, term_days, restore_request
    data jsonb NOT NULL DEFAULT '{}',      -- the step's event data
    asked_on date NOT NULL,                -- the day the clerk asked for it
    created_at timestamptz NOT NULL DEFAULT now()
);
REVOKE ALL ON pending_steps FROM PUBLIC;

-- The list of drafts not yet issued (/panel/pisma?stan=projekt) and its
-- count on the manager's dashboard.
CREATE INDEX documents_draft_idx ON documents (org_id, created_at DESC, id DESC)
    WHERE status = 'draft';
