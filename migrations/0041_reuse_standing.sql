-- Issue 20 item 11: a re-use request may ask for standing and direct re-use,
-- in real time, of information kept in the body's IT system (UOD art. 39
-- ust. 2). Its offer allows no objection (art. 42 ust. 1 pkt 1), so the law
-- core must know which kind of re-use request a case is.
ALTER TABLE requests ADD COLUMN reuse_standing boolean NOT NULL DEFAULT false;
ALTER TABLE requests ADD CONSTRAINT requests_reuse_standing_kind
    CHECK (NOT reuse_standing OR kind = 'reuse');
