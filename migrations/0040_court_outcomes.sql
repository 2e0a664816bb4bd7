-- Issue 20 items 10 and 11 (court): a re-use complaint gives the body its
-- own term to send it on with the files and the answer (`reuse_court_answer`,
-- UOD art. 41 with PPSA art. 54 §2); the dashboard's remedy list and the
-- queue's filter `srodki=1` count it with `court_answer` (QUEUE_REMEDY_KINDS
-- in server/cases/queue.h), so the running-windows index covers it too.
DROP INDEX terms_running_windows_idx;
CREATE INDEX terms_running_windows_idx ON terms (org_id, due_on) INCLUDE (kind, request_id)
    WHERE state = 'open' AND kind IN ('clarification_window', 'interest_window',
        'completion_window', 'fee_window', 'form_window', 'offer_window',
        'forward_appeal', 'reconsideration', 'reuse_reconsideration', 'court_answer',
        'reuse_court_answer');
