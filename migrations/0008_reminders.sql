-- Reminders by e-mail, and what the manager's dashboard, its charts and the
-- statistics need to stay one index pass each at a million cases.

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

-- The dashboard's list of cases waiting on the requester and of remedy terms
-- running (the kinds are QUEUE_WAITING_KINDS and QUEUE_REMEDY_KINDS in
-- server/cases/queue.h): a small index of just those terms.
CREATE INDEX terms_running_windows_idx ON terms (org_id, due_on) INCLUDE (kind, request_id)
    WHERE state = 'open' AND kind IN ('clarification_window', 'interest_window',
        'completion_window', 'fee_window', 'form_window', 'offer_window',
        'forward_appeal', 'reconsideration', 'court_answer');

-- Whether the case was answered in time: the last answer term (an extended
-- one carries the due date then) that a step ended — met: true, missed:
-- false, no longer binding (a withdrawal, say): null. Kept by a trigger, so
-- charts and statistics read it from an index, with no look-up per case.
ALTER TABLE requests ADD COLUMN answered_on_time boolean;

CREATE FUNCTION requests_note_answer() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    UPDATE requests SET answered_on_time = CASE NEW.state WHEN 'met' THEN true
                                                          WHEN 'missed' THEN false END
    WHERE id = NEW.request_id;
    RETURN NULL;
END
$$;
CREATE TRIGGER terms_note_answer AFTER INSERT OR UPDATE OF state ON terms
    FOR EACH ROW
    WHEN (NEW.state <> 'open' AND NEW.kind IN ('answer', 'answer_extended', 'reuse_answer',
                                               'reuse_answer_extended'))
    EXECUTE FUNCTION requests_note_answer();

UPDATE requests r SET answered_on_time = CASE a.state WHEN 'met' THEN true
                                                      WHEN 'missed' THEN false END
FROM (SELECT DISTINCT ON (request_id) request_id, state FROM terms
      WHERE state <> 'open'
        AND kind IN ('answer', 'answer_extended', 'reuse_answer', 'reuse_answer_extended')
      ORDER BY request_id, id DESC) a
WHERE a.request_id = r.id;

-- Open cases by due date with what the dashboard groups them by, so the
-- figures and the workload are an index-only scan of one organisation.
CREATE INDEX requests_open_due_cover_idx ON requests (org_id, due_on)
    INCLUDE (id, unit_id, assignee_id) WHERE closed_on IS NULL;

-- Charts and the statistics: cases received, and cases closed, in a period
-- of one organisation, with the columns they count by.
CREATE INDEX requests_org_received_idx ON requests (org_id, received_on)
    INCLUDE (kind, channel, unit_id);
CREATE INDEX requests_org_closed_idx ON requests (org_id, closed_on)
    INCLUDE (received_on, state, unit_id, answered_on_time) WHERE closed_on IS NOT NULL;
