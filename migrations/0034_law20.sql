-- Issue 20 item 2: a re-use request with formal defects always gets the
-- call to complete within 7 days with the warning (UOD art. 39 ust. 4); it
-- is statutory, not an organisation's policy, so the setting goes.
ALTER TABLE organisations DROP COLUMN policy_reuse_defects_call;

-- Issue 20 item 6: a re-use request for reconsideration is decided within a
-- month (KPA art. 35 §3 with art. 127 §3), a term of its own kind
-- (`reuse_reconsideration`); the dashboard's remedy list counts it too
-- (QUEUE_REMEDY_KINDS in server/cases/queue.h).
DROP INDEX terms_running_windows_idx;
CREATE INDEX terms_running_windows_idx ON terms (org_id, due_on) INCLUDE (kind, request_id)
    WHERE state = 'open' AND kind IN ('clarification_window', 'interest_window',
        'completion_window', 'fee_window', 'form_window', 'offer_window',
        'forward_appeal', 'reconsideration', 'reuse_reconsideration', 'court_answer');
