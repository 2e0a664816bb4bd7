-- Change notifications sent by the server itself (server/db/changes.c).
--
-- A transaction that sends NOTIFY holds a lock from its commit until the
-- commit is on disk, so every such transaction in the cluster commits one
-- after another, each waiting for its own fsync: with the triggers of 0009
-- on the tables a filing writes, filings could not share a WAL flush. The
-- server's own write transactions (db_transaction) now say so with
-- SET LOCAL jawnosc.app = 'on'; for them the triggers do nothing (their
-- WHEN is false, so not even the function is called) and the server tells
-- the other instances after the commit, from its listener connection with
-- an asynchronous commit, naming the organisation it wrote for. Everything
-- else (psql, the command-line tools, a statement outside a transaction)
-- still notifies through the triggers.

DO $$
DECLARE
    t text;
    f text;
    k text;
BEGIN
    FOREACH t IN ARRAY ARRAY['requests', 'requesters', 'terms', 'events', 'documents',
                             'attachments', 'deliveries', 'publications',
                             'publication_versions', 'units', 'users', 'organisations'] LOOP
        f := CASE WHEN t = 'organisations' THEN 'notify_org_row_change' ELSE 'notify_org_change' END;
        FOREACH k IN ARRAY ARRAY['ins', 'upd', 'del'] LOOP
            EXECUTE format('DROP TRIGGER IF EXISTS %I ON %I', t || '_notify_' || k, t);
            EXECUTE format('CREATE TRIGGER %I AFTER %s ON %I REFERENCING %s TABLE AS changed '
                           'FOR EACH STATEMENT '
                           'WHEN (current_setting(''jawnosc.app'', true) IS DISTINCT FROM ''on'') '
                           'EXECUTE FUNCTION %I()',
                           t || '_notify_' || k,
                           CASE k WHEN 'ins' THEN 'INSERT' WHEN 'upd' THEN 'UPDATE' ELSE 'DELETE' END,
                           t,
                           CASE k WHEN 'del' THEN 'OLD' ELSE 'NEW' END,
                           f);
        END LOOP;
    END LOOP;
END $$;
