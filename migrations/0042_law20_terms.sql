-- Issue 20 items 9-12: the dashboard's running-windows index covers every
-- kind of QUEUE_WAITING_KINDS and QUEUE_REMEDY_KINDS (server/cases/queue.h)
-- as they stand after the items: the requester's windows of the standing
-- re-use offer (item 11, `standing_offer_window`) and of the name and
-- address (item 12, `identity_window`); the body's remedy terms of the
-- ponaglenie (item 9, `forward_ponaglenie`, `consider_ponaglenie`) and the
-- re-use court answer (items 10-11, `reuse_court_answer`). One rebuild for
-- all four items. test_dashboard checks the lists and the index agree.
DROP INDEX terms_running_windows_idx;
CREATE INDEX terms_running_windows_idx ON terms (org_id, due_on) INCLUDE (kind, request_id)
    WHERE state = 'open' AND kind IN ('clarification_window', 'interest_window',
        'completion_window', 'fee_window', 'form_window', 'offer_window',
        'standing_offer_window', 'identity_window',
        'forward_appeal', 'reconsideration', 'reuse_reconsideration', 'court_answer',
        'reuse_court_answer', 'forward_ponaglenie', 'consider_ponaglenie');
