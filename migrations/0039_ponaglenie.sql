-- Issue 20 item 9: the body's 7 days to send a ponaglenie on to the higher
-- body with its position (KPA art. 37 §4), or to consider it itself where
-- there is none (§3 pkt 2, §5), are remedy terms of the body the dashboard
-- lists (QUEUE_REMEDY_KINDS in server/cases/queue.h): its running-terms
-- index covers them too.
DROP INDEX terms_running_windows_idx;
CREATE INDEX terms_running_windows_idx ON terms (org_id, due_on) INCLUDE (kind, request_id)
    WHERE state = 'open' AND kind IN ('clarification_window', 'interest_window',
        'completion_window', 'fee_window', 'form_window', 'offer_window',
        'forward_appeal', 'reconsideration', 'reuse_reconsideration', 'court_answer',
        'forward_ponaglenie', 'consider_ponaglenie');
