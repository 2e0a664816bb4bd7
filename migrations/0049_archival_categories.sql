-- The archival category (kategoria archiwalna) of each JRWA class, for the
-- case package's NDAP metadata (issue 23 §2, docs/export.md): "A" (kept
-- for ever and handed over to a state archive), "B<n>"/"BE<n>" (destroyed
-- after n years; BE after an archive's expert review), "Bc". The body's
-- filing plan gives it; most plans give class 1431 (udostępnianie
-- informacji publicznej) BE5, and the years requesters' data are kept
-- already follow it (retention_years, migration 0020, default 5). So a
-- class not listed here is "BE" followed by its retention years: BE5 by
-- default, and a body that keeps a class 10 years gets BE10 without
-- saying it twice. A body whose plan says otherwise ("A", "B5") lists it:
-- {"1431": "A"}, set with `jawnosc export category` (cli/cmd_export.c).
CREATE FUNCTION archival_categories_valid(c jsonb) RETURNS boolean
LANGUAGE sql IMMUTABLE AS $$
    SELECT jsonb_typeof(c) = 'object'
       AND (SELECT count(*) <= 100 FROM jsonb_object_keys(c))
       AND NOT EXISTS (SELECT 1 FROM jsonb_each_text(c) AS e(k, v)
                       WHERE k !~ '^[0-9]{1,4}$' OR v !~ '^(A|Bc|B[0-9]{0,2}|BE[0-9]{1,2})$')
$$;

ALTER TABLE organisations
    ADD COLUMN archival_categories jsonb NOT NULL DEFAULT '{}'
        CHECK (archival_categories_valid(archival_categories));

-- The category of a case of `class` under the settings `c` and `r`.
CREATE FUNCTION archival_category_of(c jsonb, r jsonb, class text) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
    SELECT coalesce(c ->> class, 'BE' || retention_years_of(r, class))
$$;
