-- Issue 23 part 3: the accessibility declaration every public body's
-- website publishes (ustawa z dnia 4 kwietnia 2019 r. o dostępności
-- cyfrowej stron internetowych i aplikacji mobilnych podmiotów
-- publicznych, art. 10), at /deklaracja-dostepnosci, from these settings
-- of the body (edited in /panel/admin/ustawienia and by `jawnosc org set`).
-- Empty text and NULL dates mean the default the page shows: a fresh body
-- publishes a complete declaration (cases/accessibility.c says which).
ALTER TABLE organisations
    -- The site the declaration covers ('': JAWNOSC_BASE_URL).
    ADD COLUMN a11y_url text NOT NULL DEFAULT '',
    -- Dates of the site's publication and last significant update, of the
    -- declaration's preparation and last review (NULL: the body's
    -- creation; each later one defaults to the one before it).
    ADD COLUMN a11y_published_on date,
    ADD COLUMN a11y_updated_on date,
    ADD COLUMN a11y_prepared_on date,
    ADD COLUMN a11y_reviewed_on date,
    -- The compliance status: zgodna, częściowo zgodna, niezgodna.
    ADD COLUMN a11y_status text NOT NULL DEFAULT 'czesciowo_zgodna'
        CHECK (a11y_status IN ('zgodna', 'czesciowo_zgodna', 'niezgodna')),
    -- What is not accessible and why; the exemption relied on; the
    -- analysis of a disproportionate burden (art. 8), if any.
    ADD COLUMN a11y_nonaccessible text NOT NULL DEFAULT '',
    ADD COLUMN a11y_exemption text NOT NULL DEFAULT '',
    ADD COLUMN a11y_burden_url text NOT NULL DEFAULT '',
    -- How it was prepared: the body's self-assessment or a third party's
    -- examination (named in a11y_auditor).
    ADD COLUMN a11y_method text NOT NULL DEFAULT 'samoocena'
        CHECK (a11y_method IN ('samoocena', 'podmiot_zewnetrzny')),
    ADD COLUMN a11y_auditor text NOT NULL DEFAULT '',
    -- Who answers accessibility requests ('': the accessibility
    -- coordinator, at the body's e-mail and phone).
    ADD COLUMN a11y_contact_name text NOT NULL DEFAULT '',
    ADD COLUMN a11y_contact_email text NOT NULL DEFAULT '',
    ADD COLUMN a11y_contact_phone text NOT NULL DEFAULT '',
    -- Architectural accessibility of the offices, mobile applications.
    ADD COLUMN a11y_architecture text NOT NULL DEFAULT '',
    ADD COLUMN a11y_apps text NOT NULL DEFAULT '';

-- What the public role reads for the page (its own view: the register's
-- view of the organisations is left as it is).
CREATE VIEW register_accessibility AS
SELECT id AS org_id, a11y_url, a11y_published_on, a11y_updated_on, a11y_prepared_on,
       a11y_reviewed_on, a11y_status, a11y_nonaccessible, a11y_exemption, a11y_burden_url,
       a11y_method, a11y_auditor, a11y_contact_name, a11y_contact_email, a11y_contact_phone,
       a11y_architecture, a11y_apps
FROM organisations;
GRANT SELECT ON register_accessibility TO jawnosc_public;
