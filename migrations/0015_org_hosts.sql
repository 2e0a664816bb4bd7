-- Host names belong to one organisation each (issue 16, item 3).
--
-- A request's Host header picks the organisation whose pages it sees and
-- for which a citizen's filing, personal data included, is stored. Until
-- now two organisations could list the same host (the lower id won), so one
-- body's administrator could take over another's address. Now:
--
--   organisations.hosts  stays what operators and the administrator's form
--                        write: it is normalised on the way in (lower case,
--                        no port, no blanks, no repeats);
--   org_hosts            one row per listed host, kept by the triggers below
--                        and written by nothing else: its primary key is the
--                        constraint that no host is listed twice, and the
--                        server finds a request's organisation through it.
--
-- Existing data: a host listed by two organisations stops this migration
-- with an error naming both (nothing is changed: it runs in a transaction).
-- Which body a host belongs to is for a person to decide, not for the
-- order in which bodies were created; remove it from the wrong one and
-- migrate again.

-- "Bip.Urzad.gov.pl:8080" -> "bip.urzad.gov.pl", "[::1]:8080" -> "[::1]".
-- The same rule as org_host_key() in server/cases/org.c.
CREATE FUNCTION org_host_normal(h text) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
    SELECT CASE
        WHEN lower(btrim(h)) LIKE '[%]%' THEN substring(lower(btrim(h)) FROM '^\[[^]]*\]')
        ELSE regexp_replace(lower(btrim(h)), ':[0-9]*$', '')
    END
$$;

-- The normal form of a list: each host once, in the order first given,
-- blanks dropped.
CREATE FUNCTION org_hosts_normal(hs text[]) RETURNS text[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT coalesce(array_agg(h ORDER BY first), '{}')
    FROM (SELECT org_host_normal(x) AS h, min(i) AS first
          FROM unnest(hs) WITH ORDINALITY AS t(x, i)
          WHERE coalesce(org_host_normal(x), '') <> ''
          GROUP BY 1) n
$$;

UPDATE organisations SET hosts = org_hosts_normal(hosts)
WHERE hosts IS DISTINCT FROM org_hosts_normal(hosts);

DO $$
DECLARE
    dups text;
BEGIN
    SELECT string_agg(format('%s (organisations %s)', host, bodies), '; ' ORDER BY host)
    INTO dups
    FROM (SELECT h AS host, string_agg(format('%s, id %s', o.slug, o.id), ' and ' ORDER BY o.id) AS bodies
          FROM organisations o, unnest(o.hosts) AS h
          GROUP BY h HAVING count(*) > 1) d;
    IF dups IS NOT NULL THEN
        RAISE EXCEPTION 'host names listed by more than one organisation: %', dups
            USING HINT = 'Remove each from the body it does not belong to, e.g. '
                         'UPDATE organisations SET hosts = array_remove(hosts, ''bip.example.gov.pl'') '
                         'WHERE slug = ''other''; then run the migrations again.';
    END IF;
END $$;

CREATE TABLE org_hosts (
    host text PRIMARY KEY CHECK (host <> '' AND host = org_host_normal(host)),
    org_id bigint NOT NULL REFERENCES organisations(id) ON DELETE CASCADE
);
CREATE INDEX org_hosts_org_idx ON org_hosts (org_id);

INSERT INTO org_hosts (host, org_id)
SELECT h, o.id FROM organisations o, unnest(o.hosts) AS h;

-- The list as written is normalised before it is stored...
CREATE FUNCTION organisations_hosts_normalise() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    NEW.hosts := org_hosts_normal(NEW.hosts);
    RETURN NEW;
END $$;

CREATE TRIGGER organisations_hosts_normalise BEFORE INSERT OR UPDATE OF hosts
    ON organisations FOR EACH ROW EXECUTE FUNCTION organisations_hosts_normalise();

-- ...and org_hosts follows it. A host another body lists is refused with
-- that body's slug for the operator's psql; the primary key refuses it
-- too, and is what holds when two transactions add the same host at once.
CREATE FUNCTION organisations_hosts_sync() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    h text;
    owner text;
BEGIN
    DELETE FROM org_hosts WHERE org_id = NEW.id AND host <> ALL (NEW.hosts);
    FOREACH h IN ARRAY NEW.hosts LOOP
        SELECT o.slug INTO owner FROM org_hosts x JOIN organisations o ON o.id = x.org_id
        WHERE x.host = h AND x.org_id <> NEW.id;
        IF owner IS NOT NULL THEN
            RAISE EXCEPTION 'host % is already listed by organisation %', h, owner
                USING ERRCODE = 'unique_violation', CONSTRAINT = 'org_hosts_pkey';
        END IF;
        INSERT INTO org_hosts (host, org_id) SELECT h, NEW.id
        WHERE NOT EXISTS (SELECT 1 FROM org_hosts WHERE host = h AND org_id = NEW.id);
    END LOOP;
    RETURN NULL;
END $$;

CREATE TRIGGER organisations_hosts_sync AFTER INSERT OR UPDATE OF hosts
    ON organisations FOR EACH ROW EXECUTE FUNCTION organisations_hosts_sync();

-- org_hosts is written only by the trigger above (and emptied with its
-- organisation): a row written by hand would route a host that no body's
-- settings show.
CREATE FUNCTION org_hosts_guard() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF pg_trigger_depth() < 2 THEN
        RAISE EXCEPTION 'org_hosts follows organisations.hosts: change that column instead'
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
END $$;

CREATE TRIGGER org_hosts_guard BEFORE INSERT OR UPDATE OR DELETE
    ON org_hosts FOR EACH ROW EXECUTE FUNCTION org_hosts_guard();

-- The lookup is now org_hosts' primary key.
DROP INDEX organisations_hosts_idx;

-- The public register finds its body the same way, as jawnosc_public.
CREATE VIEW register_org_hosts AS SELECT host, org_id FROM org_hosts;
GRANT SELECT ON register_org_hosts TO jawnosc_public;
