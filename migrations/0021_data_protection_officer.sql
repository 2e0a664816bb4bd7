-- The data protection officer (issue 17 §3; GDPR art. 37-39, in Polish
-- "inspektor ochrony danych"): a staff role of its own, 'iod', who answers
-- a person's requests for access to and erasure of their data (GDPR
-- art. 15, 17) in /panel/iod and opens no case, queue or letter
-- (http/router.h, ROLE_IOD; docs/privacy.md, "Access and erasure on
-- request"). Its steps are events like anyone's, so the actor may be it.
ALTER TABLE users DROP CONSTRAINT IF EXISTS users_role_check;
ALTER TABLE users ADD CONSTRAINT users_role_check
    CHECK (role IN ('clerk', 'manager', 'admin', 'iod'));
ALTER TABLE events DROP CONSTRAINT IF EXISTS events_actor_check;
ALTER TABLE events ADD CONSTRAINT events_actor_check
    CHECK (actor IN ('requester', 'clerk', 'manager', 'admin', 'iod', 'system'));

-- Finding one person's data: by e-mail, exactly but for case; by name,
-- where a folded name holds the first letters of each word searched for
-- (cases/iod.c), which a trigram index answers without reading every row.
CREATE INDEX requesters_email_idx ON requesters (org_id, lower(email)) WHERE email <> '';
CREATE INDEX requesters_name_fold_idx ON requesters USING gin (register_fold(name) gin_trgm_ops);
CREATE INDEX outbox_recipient_idx ON outbox (org_id, lower(recipient));
