-- Issue 20 items 8 and 7: who hears the requester's remedy.
--
-- The appeal body per organisation and per unit (a district office acting
-- as starosta and as building inspector has two appeal bodies, KPA art. 17):
-- a unit's NULL is the organisation's value. The letters name the case's
-- unit's body, else the organisation's (cases/letters.c).
ALTER TABLE organisations
    ADD COLUMN appeal_body text NOT NULL DEFAULT '' CHECK (length(appeal_body) <= 300),
    ADD COLUMN appeal_body_address text NOT NULL DEFAULT ''
        CHECK (length(appeal_body_address) <= 500),
    -- UDIP art. 17 ust. 1: a body that is not an organ of public authority
    -- decides without KPA: no appeal, a complaint straight to the court.
    ADD COLUMN public_authority boolean NOT NULL DEFAULT true,
    -- The competent administrative court (PPSA art. 13 §2: the one where the
    -- body has its seat), named in the remedy instructions.
    ADD COLUMN court text NOT NULL DEFAULT '' CHECK (length(court) <= 300),
    ADD COLUMN court_address text NOT NULL DEFAULT '' CHECK (length(court_address) <= 500);

ALTER TABLE units
    ADD COLUMN appeal_body text CHECK (length(appeal_body) <= 300),
    ADD COLUMN appeal_body_address text CHECK (length(appeal_body_address) <= 500),
    ADD COLUMN remedy text CHECK (remedy IN ('appeal', 'reconsideration'));
