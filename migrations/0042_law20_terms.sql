-- Issue 20 items 9-12: the new terms of the requester's side and of the
-- body's remedies join the dashboard's running-windows index
-- (QUEUE_WAITING_KINDS and QUEUE_REMEDY_KINDS in server/cases/queue.h):
-- item 12, the 7 days to give the name and address (`identity_window`).
DROP INDEX terms_running_windows_idx;
CREATE INDEX terms_running_windows_idx ON terms (org_id, due_on) INCLUDE (kind, request_id)
    WHERE state = 'open' AND kind IN ('clarification_window', 'interest_window',
        'completion_window', 'fee_window', 'form_window', 'offer_window', 'identity_window',
        'forward_appeal', 'reconsideration', 'reuse_reconsideration', 'court_answer');
