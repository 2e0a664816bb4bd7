-- Lawful dispatch (issue 18, docs/dispatch.md): how an issued document
-- travels to its addressee, and the evidence of its delivery. The channels
-- are transports of one outbox: a dispatch row is written in the same
-- transaction as the step that causes it and a job (or the clerk, for
-- post and in person) moves it on. The delivery date that starts the
-- requester's terms comes from the evidence and is recorded in
-- `deliveries` (with the rule applied), as a clerk's recorded date is.
--
-- Channels (law/dispatch.c holds the rules, with the article for each):
--   edoreczenia        e-Doręczenia to the requester's address in the BAE
--   hybrid_post        e-Doręczenia's hybrid service (printed and delivered
--                      on paper by the designated operator)
--   registered_letter  printed in the office, a registered letter with a
--                      return receipt (KPA art. 39, 44)
--   email, tracking_page, in_person
CREATE TABLE dispatches (
    id bigserial PRIMARY KEY,
    org_id bigint NOT NULL REFERENCES organisations(id),
    request_id bigint NOT NULL REFERENCES requests(id),
    document_id bigint NOT NULL REFERENCES documents(id),
    channel text NOT NULL CHECK (channel IN ('edoreczenia', 'hybrid_post', 'registered_letter',
                                             'email', 'tracking_page', 'in_person')),
    -- queued: waiting for the job (or the clerk: printing the letter);
    -- sending: handed to the service, its task not finished;
    -- sent: accepted by the service / posted (dispatch number known);
    -- delivered: the evidence of delivery (or the return receipt) is in;
    -- deemed: delivered by the statute's fiction (e-Doręczenia: 14 days
    --   after it became available; KPA art. 44: a letter not collected);
    -- rejected: the service refused it (A.2), with the reason; failed:
    --   given up by the clerk. Only queued rows are taken by the job.
    state text NOT NULL DEFAULT 'queued'
        CHECK (state IN ('queued', 'sending', 'sent', 'delivered', 'deemed', 'rejected', 'failed')),
    address text NOT NULL DEFAULT '' CHECK (length(address) <= 500),  -- AE:PL-… or postal
    external_id text,             -- e-Doręczenia message id, post dispatch number
    task_id text,                 -- e-Doręczenia message task id while sending
    attempts int NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL DEFAULT now(),
    last_error text NOT NULL DEFAULT '' CHECK (length(last_error) <= 1000),
    sent_at timestamptz,
    available_at timestamptz,     -- made available to the addressee (deemed delivery counts from it)
    delivered_on date,            -- the date that starts the requester's terms
    delivery_rule text CHECK (delivery_rule IN ('evidence', 'deemed_edoreczenia', 'return_receipt',
                                                'deemed_kpa44', 'email', 'tracking_page', 'in_person')),
    created_by bigint REFERENCES users(id),
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);
-- One live dispatch per document and channel; a rejected or failed one may be retried.
CREATE UNIQUE INDEX dispatches_live_idx ON dispatches (document_id, channel)
    WHERE state NOT IN ('rejected', 'failed');
CREATE INDEX dispatches_due_idx ON dispatches (next_attempt_at) WHERE state IN ('queued', 'sending', 'sent');
CREATE INDEX dispatches_request_idx ON dispatches (request_id);

-- Evidence of a dispatch, stored raw as the service gave it (XML or PDF):
-- e-Doręczenia's A.1/A.2, E.1/E.2, BP.WX/BP.WP, BP.OX/BP.OP, H.*; or the
-- scan of a return receipt. Never changes.
CREATE TABLE dispatch_evidences (
    id bigserial PRIMARY KEY,
    org_id bigint NOT NULL REFERENCES organisations(id),
    dispatch_id bigint NOT NULL REFERENCES dispatches(id),
    type text NOT NULL CHECK (length(type) BETWEEN 1 AND 32),
    external_id text,
    occurred_at timestamptz NOT NULL,
    content_type text NOT NULL,
    body bytea NOT NULL,
    sha256 bytea NOT NULL CHECK (length(sha256) = 32),
    created_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (dispatch_id, type, external_id)
);
CREATE TRIGGER dispatch_evidences_append_only BEFORE UPDATE OR DELETE ON dispatch_evidences
    FOR EACH ROW EXECUTE FUNCTION refuse_change();

-- The delivery recorded from a dispatch says which rule gave its date.
ALTER TABLE deliveries ADD COLUMN dispatch_id bigint REFERENCES dispatches(id);
ALTER TABLE deliveries ADD COLUMN rule text;

-- The requester's electronic delivery address, when they gave one or the
-- BAE lookup found it (AE:PL-NNNNN-NNNNN-XXXXX-NN).
ALTER TABLE requesters ADD COLUMN ade_address text
    CHECK (ade_address IS NULL OR ade_address ~ '^AE:PL-[0-9]{5}-[0-9]{5}-[A-Z]{5}-[0-9]{2}$');
