-- Issue 21 item 5: staff find any case of their body, closed ones too, by
-- words of its number ("1431.14", "28.2026"), subject and content, or of
-- its requester's name and e-mail, without Polish letters ("gadzety"
-- finds "gadżety"): cases/queue.c matches LIKE '%word%' on these folded
-- texts (register_fold, migration 0007), which trigram indexes answer
-- without folding every case of the body. Migration 0013 dropped the
-- trigram index on subjects because the queue searched open cases only;
-- the search now spans every case, so it needs one.
CREATE INDEX requests_search_fold_idx ON requests
    USING gin (register_fold(case_number || ' ' || subject || ' ' || body) gin_trgm_ops);
-- The requester's data in its own table, searched only from the staff
-- panel (never by the public views, which do not join it).
CREATE INDEX requesters_search_fold_idx ON requesters
    USING gin (register_fold(name || ' ' || email) gin_trgm_ops);
