-- Issue 23 part 3: the BIP change register ("Rejestr zmian") of the pages
-- the system composes from a body's settings rather than from a versioned
-- publication: the home page, the filing form, the page on how to obtain
-- information, the accessibility declaration, the register's list and its
-- statistics (server/cases/register_changes.c). Their content changes when
-- the body's settings do, and every such change is already an audit event
-- (org_settings, whose data.changed lists each changed column with its old
-- and new value: server/cases/admin.c). The first publication of these
-- pages is the body's creation (organisations.created_at).
--
-- The public role sees of each change only when it was made, who made it
-- (the staff member's name, as the register's versions name who entered
-- them; "administrator systemu" for the command line, which acts as no
-- account) and the KEYS of the settings it changed, never their values:
-- an old or new value may be personal data (a data protection officer's
-- contact, a contact person of the declaration).
CREATE VIEW register_settings_changes AS
SELECT e.id, e.org_id, e.at,
       coalesce(nullif(u.name, ''), 'administrator systemu') AS who,
       ARRAY(SELECT k FROM jsonb_object_keys(e.data -> 'changed') AS k ORDER BY k) AS keys
FROM events e
LEFT JOIN users u ON u.id = e.actor_user_id
WHERE e.action = 'org_settings' AND jsonb_typeof(e.data -> 'changed') = 'object';
GRANT SELECT ON register_settings_changes TO jawnosc_public;

-- A body's settings changes among all its events (every case step is one):
-- found by this index alone, newest first.
CREATE INDEX events_org_settings_idx ON events (org_id, id) WHERE action = 'org_settings';
