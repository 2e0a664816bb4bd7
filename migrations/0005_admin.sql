-- The administrator's settings of an organisation that letters need: free
-- text lines printed under the body's name (the letterhead: department,
-- address lines, a motto), and who signs letters unless a clerk says
-- otherwise (name and position, as on a decision: KPA art. 107 § 1).
ALTER TABLE organisations
    ADD COLUMN letterhead text NOT NULL DEFAULT '' CHECK (length(letterhead) <= 2000),
    ADD COLUMN signer_name text NOT NULL DEFAULT '' CHECK (length(signer_name) <= 200),
    ADD COLUMN signer_position text NOT NULL DEFAULT '' CHECK (length(signer_position) <= 200);
