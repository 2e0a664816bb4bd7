-- Change notifications for the servers' page caches (server/db/changes.c).
--
-- Every statement that changes what a public page, a tracking page or a
-- dashboard shows sends NOTIFY jawnosc_changes with the organisation's id
-- as the payload, once per organisation and statement (PostgreSQL drops
-- duplicates within a transaction, and delivers at commit only: a rolled
-- back change sends nothing). Each server LISTENs and forgets what it kept
-- of that organisation. Statement-level triggers read the changed rows from
-- transition tables, so a COPY of a million rows costs one notification per
-- organisation, not a million trigger calls.

CREATE FUNCTION notify_org_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('jawnosc_changes', o::text) FROM (SELECT DISTINCT org_id AS o FROM changed) s;
    RETURN NULL;
END $$;

-- organisations: the row's own id.
CREATE FUNCTION notify_org_row_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('jawnosc_changes', o::text) FROM (SELECT DISTINCT id AS o FROM changed) s;
    RETURN NULL;
END $$;

DO $$
DECLARE
    t text;
    f text;
BEGIN
    FOREACH t IN ARRAY ARRAY['requests', 'requesters', 'terms', 'events', 'documents',
                             'attachments', 'deliveries', 'publications',
                             'publication_versions', 'units', 'users', 'organisations'] LOOP
        f := CASE WHEN t = 'organisations' THEN 'notify_org_row_change' ELSE 'notify_org_change' END;
        EXECUTE format('CREATE TRIGGER %I AFTER INSERT ON %I REFERENCING NEW TABLE AS changed '
                       'FOR EACH STATEMENT EXECUTE FUNCTION %I()', t || '_notify_ins', t, f);
        EXECUTE format('CREATE TRIGGER %I AFTER UPDATE ON %I REFERENCING NEW TABLE AS changed '
                       'FOR EACH STATEMENT EXECUTE FUNCTION %I()', t || '_notify_upd', t, f);
        EXECUTE format('CREATE TRIGGER %I AFTER DELETE ON %I REFERENCING OLD TABLE AS changed '
                       'FOR EACH STATEMENT EXECUTE FUNCTION %I()', t || '_notify_del', t, f);
    END LOOP;
END $$;
