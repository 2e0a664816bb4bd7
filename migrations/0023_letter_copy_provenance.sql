-- The public copy of a letter (issue 17 §1) says who made it and what was
-- removed, as an attachment's public copy does (0022): made_by is the
-- clerk who issued the letter (the copy is made in the same step);
-- removed counts what the copy lost: {"addressee": true, "distribution":
-- true when the "Otrzymują" list went, "requester_data": n places,
-- "third_party_data": n places}, never the removed text. pages is the
-- copy's page count, for the publication page's page-by-page preview.
-- Copies made before this migration have made_by NULL, removed {} and
-- pages NULL (counted when shown).
ALTER TABLE document_public_copies
    ADD COLUMN made_by bigint REFERENCES users(id),
    ADD COLUMN removed jsonb NOT NULL DEFAULT '{}',
    ADD COLUMN pages int CHECK (pages IS NULL OR pages BETWEEN 1 AND 10000);
