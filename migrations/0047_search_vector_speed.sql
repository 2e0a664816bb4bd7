-- Issue 22 ("nothing else slower"): the search vector of migration 0045
-- made a filing's database work 20-30 % dearer. search_vector() ran two
-- statements for every text, the INSERT of new words (a lookup a word even
-- when every word is kept, which is nearly always) and the SELECT that
-- assembles the vector, and called two functions that PostgreSQL does not
-- inline: register_fold (IMMUTABLE over the STABLE unaccent(): its body is
-- planned again in each transaction) and search_case_parts (a PL/pgSQL
-- loop). Now the SELECT comes first and also tells whether a word is not
-- kept yet (or, for a published text, not marked public); only then are
-- the new words kept and the SELECT run again. The folding and the case
-- number's runs are written out inside it. The vector is the same as
-- before, word for word (test_search_vector compares it with the
-- definition of 0045, kept there as the reference).
CREATE OR REPLACE FUNCTION search_vector(head text, body text, case_number text, pub boolean)
RETURNS tsvector
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
    -- register_fold(), written out (see above).
    hw text[] := regexp_split_to_array(lower(public.unaccent('public.unaccent'::regdictionary,
                                                              coalesce(head, ''))), '[^[:alnum:]]+');
    bw text[] := regexp_split_to_array(lower(public.unaccent('public.unaccent'::regdictionary,
                                                              coalesce(body, ''))), '[^[:alnum:]]+');
    cp text[] := string_to_array(lower(public.unaccent('public.unaccent'::regdictionary,
                                                       case_number)), '.');
    v text;
    missing boolean;
BEGIN
    FOR pass IN 1..2 LOOP
        -- The case number's parts alone and every run of them, as
        -- search_case_parts() gives them: unnest() rather than
        -- generate_series() keeps the generic plan's estimate small, so
        -- the statement is planned once per connection, not at each call.
        SELECT string_agg(quote_literal(x.lx) || ':' || x.pos || x.wt, ' '), bool_or(x.missing)
        INTO v, missing
        FROM (SELECT coalesce(l.lx, t.w) AS lx, t.pos, t.wt,
                     (s.word IS NULL OR (pub AND NOT s.public)) AND t.w !~ '^[0-9]+$' AS missing
              FROM (SELECT h.w, h.n AS pos, 'A' AS wt FROM unnest(hw) WITH ORDINALITY AS h(w, n)
                    UNION ALL
                    SELECT b.w, least(b.n + 200, 16383), 'D' FROM unnest(bw) WITH ORDINALITY AS b(w, n)) t
              LEFT JOIN public.search_words s ON s.word = t.w
              LEFT JOIN LATERAL unnest(s.lemmas) AS l(lx) ON true
              WHERE t.w <> '' AND length(t.w) <= 60
              UNION ALL
              SELECT r.run, 1, 'A', false
              FROM unnest(cp) WITH ORDINALITY AS a(p, i)
              JOIN unnest(cp) WITH ORDINALITY AS b(p, j) ON b.j >= a.i
              CROSS JOIN LATERAL array_to_string(cp[a.i:b.j], '.') AS r(run)
              WHERE r.run ~ '^[[:alnum:]]+(\.[[:alnum:]]+)*$') x;
        -- A word the dictionary fails on is not kept: the second pass
        -- takes it as it stands, as 0045 did.
        EXIT WHEN missing IS NOT TRUE OR pass = 2;
        -- Keeps the forms of the words not kept yet (sorted, so that two
        -- transactions adding the same words wait for each other instead
        -- of deadlocking); a word of a published text is marked public.
        INSERT INTO public.search_words AS s (word, lemmas, known, public)
        SELECT w.w, l.lemmas, l.known, pub
        FROM (SELECT DISTINCT u AS w FROM unnest(hw || bw) AS u
              WHERE u <> '' AND length(u) <= 60 AND u !~ '^[0-9]+$'
                AND NOT EXISTS (SELECT 1 FROM public.search_words k
                                WHERE k.word = u AND (k.public OR NOT pub))) w
        CROSS JOIN LATERAL public.search_lexize(w.w) l
        WHERE l.lemmas IS NOT NULL
        ORDER BY w.w
        ON CONFLICT (word) DO UPDATE SET public = true WHERE pub AND NOT s.public;
    END LOOP;
    RETURN coalesce(v, '')::tsvector;
END
$$;
