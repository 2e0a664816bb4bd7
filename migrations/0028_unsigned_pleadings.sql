-- Pleadings filed unsigned (issue 18 §5; KPA art. 63 §3, art. 64 §2;
-- docs/dispatch.md, "Unsigned pleadings"). An appeal or a request for
-- reconsideration that the requester files through the tracking page
-- carries no signature: the case waits in 'pleading_unsigned' for the
-- clerk's call to sign it within 7 days, unless the organisation accepts
-- such pleadings (e.g. it treats the tracking page as an identified
-- channel) and says on what legal ground, in the note shown with every
-- such pleading on the clerk's case page.
ALTER TABLE organisations
    ADD COLUMN policy_unsigned_pleadings boolean NOT NULL DEFAULT false,
    ADD COLUMN policy_unsigned_note text NOT NULL DEFAULT ''
        CHECK (length(policy_unsigned_note) <= 2000),
    ADD CONSTRAINT organisations_unsigned_note_check
        CHECK (NOT policy_unsigned_pleadings OR policy_unsigned_note <> '');
