-- Where a requester's electronic delivery address came from, and the BAE
-- lookup (issue 18 §3, docs/dispatch.md "The BAE lookup"). Before a
-- document is dispatched to a requester who gave no address, the search
-- engine is asked by name and postal address; its answer counts for
-- JAWNOSC_EDORECZENIA_LOOKUP_TTL, then it is asked again.
--
-- ade_source: 'requester' (given on a form: never looked up, never
--             replaced), 'bae' (found by the lookup); NULL with no address.
-- bae_checked_at: the search engine's last answer (found or not found).
-- bae_failed_at:  the last attempt that got no answer ("nie sprawdzono"
--                 while it is later than bae_checked_at).
-- An erasure empties all four (cases/privacy.c).
ALTER TABLE requesters
    ADD COLUMN ade_source text CHECK (ade_source IN ('requester', 'bae')),
    ADD COLUMN bae_checked_at timestamptz,
    ADD COLUMN bae_failed_at timestamptz;

UPDATE requesters SET ade_source = 'requester' WHERE ade_address IS NOT NULL;

ALTER TABLE requesters ADD CONSTRAINT requesters_ade_source_known
    CHECK ((ade_address IS NULL) = (ade_source IS NULL));
