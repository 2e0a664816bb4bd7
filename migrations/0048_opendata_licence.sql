-- Issue 23 part 1: the feed for the dane.gov.pl harvester (/opendata/katalog.xml)
-- names the licence under which the body lets its register be re-used (the
-- format's conditions for information that is a work or a database).
-- The harvester's format 1.10 allows only these six; the administrator
-- chooses one in the organisation's settings, CC BY 4.0 unless chosen.
ALTER TABLE organisations
    ADD COLUMN opendata_licence text NOT NULL DEFAULT 'CC BY 4.0'
        CHECK (opendata_licence IN ('CC BY 4.0', 'CC BY-SA 4.0', 'CC BY-NC 4.0',
                                    'CC BY-NC-SA 4.0', 'CC BY-ND 4.0', 'CC BY-NC-ND 4.0'));

-- The public role reads it from its view of the organisations (new columns
-- go last; the columns before are those of migration 0038).
CREATE OR REPLACE VIEW register_organisations AS
SELECT id, slug, name, address, place, email, phone, bip_url, hosts, created_at,
       policy_remedy, public_authority, appeal_body, opendata_licence
FROM organisations;
