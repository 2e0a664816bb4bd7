-- Issue 22 items 1-2: one search engine for the public register and the
-- staff's search, which understands Polish ("umów", "umowy", "umowami" and
-- "umowa" are one word, typed with Polish letters or without), finds case
-- numbers whole or by any dotted part, ranks by relevance, and reads one
-- body's entries of its index alone (docs/register.md, "Search").
--
-- The words: the folded text (register_fold: lower case, no diacritics)
-- split at anything that is not a letter or a digit; each word is turned
-- into its basic forms by the text-search configuration jawnosc_pl:
-- unaccent, then the ispell dictionary jawnosc_pl_ispell made from Debian's
-- hunspell-pl (deploy/search-dict.sh writes its files, folded as the text
-- is, into PostgreSQL's tsearch_data: a migration cannot write files), then
-- the simple dictionary for the words it does not know. Where the files are
-- absent (a managed PostgreSQL) the configuration is unaccent and simple
-- only: the search works, without inflection (search_dictionary_setup()).
--
-- PostgreSQL's ispell reads about 20-40 µs a word for Polish and loads the
-- dictionary (about 26 MB) into every backend that uses it. So each word's
-- forms are kept in search_words once computed: a text's vector is built
-- from that table, and a backend needs the dictionary only for a word never
-- seen before (a filing costs a few index lookups a word, not the
-- dictionary). The same table is the word list of the typo fallback
-- (pg_trgm similarity and Levenshtein distance on it).
CREATE EXTENSION IF NOT EXISTS btree_gin;
CREATE EXTENSION IF NOT EXISTS fuzzystrmatch;

CREATE TEXT SEARCH CONFIGURATION jawnosc_pl (COPY = pg_catalog.simple);

-- Every word seen in a searched text or a search, folded, with its basic
-- forms. `known`: the dictionary knows it (a word it does not know is
-- matched as a prefix in a search); `public`: seen in a published text
-- (only these are offered to the public search's typo fallback).
CREATE TABLE search_words (
    word text PRIMARY KEY,
    lemmas text[] NOT NULL,
    known boolean NOT NULL,
    public boolean NOT NULL DEFAULT false
);
CREATE INDEX search_words_trgm_idx ON search_words USING gin (word gin_trgm_ops);

-- The public role's part of it: words of published texts only.
CREATE VIEW register_words AS
SELECT w.word, w.lemmas, w.known FROM search_words w WHERE w.public;

-- The ispell dictionary the configuration uses now; NULL: none (unaccent
-- and simple only).
CREATE FUNCTION search_dictionary() RETURNS regdictionary
LANGUAGE sql STABLE AS $$
    SELECT m.mapdict::regdictionary
    FROM pg_catalog.pg_ts_config_map m
    JOIN pg_catalog.pg_ts_dict d ON d.oid = m.mapdict
    JOIN pg_catalog.pg_ts_template t ON t.oid = d.dicttemplate
    WHERE m.mapcfg = 'public.jawnosc_pl'::regconfig AND t.tmplname = 'ispell'
    LIMIT 1
$$;

-- Loads the dictionary into this backend now (about 0.8 s of CPU and
-- 26 MB, once per backend) instead of on the first word never seen
-- before: PgBouncer's connect_query (deploy/pgbouncer/pgbouncer.ini).
-- True when there is a dictionary and it loaded.
CREATE FUNCTION search_warm() RETURNS boolean
LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN ts_lexize(public.search_dictionary(), 'umowa') IS NOT NULL;
EXCEPTION WHEN OTHERS THEN
    RETURN false;
END
$$;

-- The folded words of a text with their positions (1, 2, ...).
CREATE FUNCTION search_tokens(text) RETURNS TABLE (word text, pos bigint)
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT t.w, t.n
    FROM regexp_split_to_table(public.register_fold(coalesce($1, '')), '[^[:alnum:]]+')
         WITH ORDINALITY AS t(w, n)
    WHERE t.w <> '' AND length(t.w) <= 60
$$;

-- What the dictionary makes of one folded word: its basic forms and
-- whether it knew it. Numbers are themselves. A dictionary that fails (its
-- files removed since) gives NULL: the word stands for itself and is not
-- kept, and nothing that writes a text fails because of the search.
CREATE FUNCTION search_lexize(w text, OUT lemmas text[], OUT known boolean)
LANGUAGE plpgsql STABLE AS $$
DECLARE
    d regdictionary;
BEGIN
    IF w ~ '^[0-9]+$' THEN
        lemmas := ARRAY[w];
        known := true;
        RETURN;
    END IF;
    d := public.search_dictionary();
    IF d IS NOT NULL THEN
        BEGIN
            lemmas := ARRAY(SELECT l FROM unnest(ts_lexize(d, w)) AS l
                            WHERE l ~ '^[[:alnum:]]+$' ORDER BY l);
        EXCEPTION WHEN OTHERS THEN
            RAISE WARNING 'search: the dictionary %: %', d, SQLERRM;
            RETURN;
        END;
        IF cardinality(lemmas) > 0 THEN
            known := true;
            RETURN;
        END IF;
    END IF;
    lemmas := ARRAY[w];
    known := false;
END
$$;

-- A case number's dotted parts, alone and every run of them:
-- "COMON.1431.14.2026" gives "comon", "1431", ..., "1431.14", "14.2026",
-- "1431.14.2026", ..., the whole number.
CREATE FUNCTION search_case_parts(cn text) RETURNS text[]
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
DECLARE
    p text[] := string_to_array(public.register_fold(cn), '.');
    runs text[] := '{}';
    run text;
BEGIN
    FOR i IN 1..coalesce(cardinality(p), 0) LOOP
        FOR j IN i..cardinality(p) LOOP
            run := array_to_string(p[i:j], '.');
            IF run ~ '^[[:alnum:]]+(\.[[:alnum:]]+)*$' THEN
                runs := runs || run;
            END IF;
        END LOOP;
    END LOOP;
    RETURN runs;
END
$$;

-- The search vector of a text: the case number's parts and the words of
-- `head` (the subject) with weight A, the words of `body` (the content,
-- the answer) with weight D, each word as its basic forms.
CREATE FUNCTION search_vector(head text, body text, case_number text, pub boolean)
RETURNS tsvector
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
    hw text[] := regexp_split_to_array(public.register_fold(coalesce(head, '')), '[^[:alnum:]]+');
    bw text[] := regexp_split_to_array(public.register_fold(coalesce(body, '')), '[^[:alnum:]]+');
    v text;
BEGIN
    -- Keeps the forms of the words not kept yet (sorted, so that two
    -- transactions adding the same words wait for each other instead of
    -- deadlocking); a word of a published text is marked public.
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
    SELECT string_agg(quote_literal(x.lx) || ':' || x.pos || x.wt, ' ')
    INTO v
    FROM (SELECT coalesce(l.lx, t.w) AS lx, t.pos, t.wt
          FROM (SELECT h.w, h.n AS pos, 'A' AS wt FROM unnest(hw) WITH ORDINALITY AS h(w, n)
                UNION ALL
                SELECT b.w, least(b.n + 200, 16383), 'D' FROM unnest(bw) WITH ORDINALITY AS b(w, n)) t
          LEFT JOIN public.search_words s ON s.word = t.w
          LEFT JOIN LATERAL unnest(s.lemmas) AS l(lx) ON true
          WHERE t.w <> '' AND length(t.w) <= 60
          UNION ALL
          SELECT c, 1, 'A' FROM unnest(public.search_case_parts(case_number)) AS c) x;
    RETURN coalesce(v, '')::tsvector;
END
$$;

-- A search as a tsquery, every word required:
-- - a word with dots ("1431.14", "comon.1431.14.2026") is a case number
--   or a part of one, matched as it is;
-- - a word the dictionary knows is any of its basic forms;
-- - a word it does not know, and the last word when it is short (it may
--   be typed only in part: "stol"), is also a prefix ("wyd" finds
--   "wydatki") when it has three letters or more and is not a number (a
--   prefix reads the entries of every body with it: GIN has no order
--   within a column's keys to skip them by organisation, so a known word
--   of five letters or more is taken as typed whole); with `typos`, also
--   any word kept in
--   search_words (public ones only for `pub`) within one letter of it
--   (two for words of eight letters or more), by trigram similarity and
--   Levenshtein distance.
-- NULL when the text has no word. `pub`: the public role's call (reads
-- register_words, not search_words).
CREATE FUNCTION search_query(q text, pub boolean, typos boolean DEFAULT false)
RETURNS tsquery
LANGUAGE plpgsql STABLE AS $$
DECLARE
    tok text;
    w text;
    parts text[] := '{}';
    alts text[];
    ands text[];
    lem text[];
    kn boolean;
    near text[];
    threshold text;
    words int;
    seen int := 0;
BEGIN
    -- The words, but for the case numbers: the last one may be a prefix.
    SELECT count(*) INTO words
    FROM regexp_split_to_table(public.register_fold(coalesce(q, '')), '\s+') AS t,
         regexp_split_to_table(trim(BOTH '.' FROM t), '[^[:alnum:]]+') AS x
    WHERE x <> '' AND length(x) <= 60
      AND trim(BOTH '.' FROM t) !~ '^[[:alnum:]]+(\.[[:alnum:]]+)+$';
    FOR tok IN SELECT t FROM regexp_split_to_table(public.register_fold(coalesce(q, '')), '\s+') AS t
               WHERE t <> '' LOOP
        tok := trim(BOTH '.' FROM tok);
        IF tok ~ '^[[:alnum:]]+(\.[[:alnum:]]+)+$' THEN
            parts := parts || quote_literal(tok);
            CONTINUE;
        END IF;
        ands := '{}';
        FOR w IN SELECT t.word FROM public.search_tokens(tok) t ORDER BY t.pos LOOP
            IF pub THEN
                SELECT r.lemmas, r.known INTO lem, kn FROM public.register_words r WHERE r.word = w;
            ELSE
                SELECT s.lemmas, s.known INTO lem, kn FROM public.search_words s WHERE s.word = w;
            END IF;
            IF NOT FOUND THEN
                SELECT x.lemmas, x.known INTO lem, kn FROM public.search_lexize(w) x;
            END IF;
            IF lem IS NULL THEN
                lem := ARRAY[w];
                kn := false;
            END IF;
            seen := seen + 1;
            alts := ARRAY(SELECT quote_literal(l) FROM unnest(lem) AS l);
            IF (NOT kn OR (seen = words AND length(w) < 5)) AND length(w) >= 3
               AND w !~ '^[0-9]+$' THEN
                alts := alts || (quote_literal(w) || ':*');
            END IF;
            IF typos AND NOT kn AND length(w) >= 4 AND w !~ '[0-9]' THEN
                -- pg_trgm's setting exists once its library is loaded.
                threshold := coalesce(current_setting('pg_trgm.similarity_threshold', true), '0.3');
                PERFORM set_config('pg_trgm.similarity_threshold', '0.2', true);
                IF pub THEN
                    near := ARRAY(SELECT DISTINCT quote_literal(l)
                                  FROM (SELECT r.lemmas FROM public.register_words r
                                        WHERE r.word % w AND r.word <> w
                                          AND levenshtein_less_equal(r.word, w, 2)
                                              <= CASE WHEN length(w) >= 8 THEN 2 ELSE 1 END
                                        ORDER BY similarity(r.word, w) DESC LIMIT 5) c,
                                       unnest(c.lemmas) AS l);
                ELSE
                    near := ARRAY(SELECT DISTINCT quote_literal(l)
                                  FROM (SELECT s.lemmas FROM public.search_words s
                                        WHERE s.word % w AND s.word <> w
                                          AND levenshtein_less_equal(s.word, w, 2)
                                              <= CASE WHEN length(w) >= 8 THEN 2 ELSE 1 END
                                        ORDER BY similarity(s.word, w) DESC LIMIT 5) c,
                                       unnest(c.lemmas) AS l);
                END IF;
                PERFORM set_config('pg_trgm.similarity_threshold', threshold, true);
                alts := alts || near;
            END IF;
            ands := ands || ('(' || array_to_string(alts, ' | ') || ')');
        END LOOP;
        IF cardinality(ands) > 0 THEN
            parts := parts || array_to_string(ands, ' & ');
        END IF;
    END LOOP;
    IF cardinality(parts) = 0 THEN
        RETURN NULL;
    END IF;
    RETURN array_to_string(parts, ' & ')::tsquery;
END
$$;

-- The relevance of a match as an integer (exact in a keyset): ts_rank with
-- its default weights (A 1.0, D 0.1), so a word of the subject or the case
-- number counts ten times one of the content.
CREATE FUNCTION search_score(v tsvector, q tsquery) RETURNS int
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
    SELECT (ts_rank(v, q) * 1000000)::int
$$;

-- The searched texts' vectors, kept by triggers.
ALTER TABLE publications ADD COLUMN words tsvector;
ALTER TABLE requests ADD COLUMN search tsvector;

CREATE FUNCTION publications_words() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    NEW.words := public.search_vector(NEW.public_subject, NEW.answer, NEW.case_number, true);
    RETURN NEW;
END
$$;
CREATE TRIGGER publications_words BEFORE INSERT OR UPDATE OF public_subject, answer, case_number
    ON publications FOR EACH ROW EXECUTE FUNCTION publications_words();

-- A request's text changed (the erasure of personal data, cases/
-- privacy.c): the words it no longer has are dropped from search_words
-- too, so that no table keeps an erased name (a word still used elsewhere
-- is only computed again when next seen).
CREATE FUNCTION requests_search() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    NEW.search := public.search_vector(NEW.subject, NEW.body, NEW.case_number, false);
    IF TG_OP = 'UPDATE' THEN
        DELETE FROM public.search_words s
        WHERE s.word IN (
            SELECT unnest(regexp_split_to_array(public.register_fold(
                       coalesce(OLD.subject, '') || ' ' || coalesce(OLD.body, '')), '[^[:alnum:]]+'))
            EXCEPT
            SELECT unnest(regexp_split_to_array(public.register_fold(
                       coalesce(NEW.subject, '') || ' ' || coalesce(NEW.body, '')), '[^[:alnum:]]+')));
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER requests_search BEFORE INSERT OR UPDATE OF subject, body, case_number
    ON requests FOR EACH ROW EXECUTE FUNCTION requests_search();

-- Takes the Polish dictionary when its files are there and `want` is not
-- 'off' (JAWNOSC_SEARCH_DICTIONARY, passed by `jawnosc migrate` as the
-- setting jawnosc.search_dictionary), or leaves it; when that changes (or
-- with `rebuild`) every kept word and vector is made again, since they
-- depend on it. Answers 'polish' or 'simple'.
CREATE FUNCTION search_dictionary_setup(want text, rebuild boolean DEFAULT false) RETURNS text
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
    had boolean := public.search_dictionary() IS NOT NULL;
    use boolean := false;
BEGIN
    IF want IS DISTINCT FROM 'off' THEN
        BEGIN
            IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_ts_dict
                           WHERE dictname = 'jawnosc_pl_ispell'
                             AND dictnamespace = 'public'::regnamespace) THEN
                -- Reads the files: fails when they are absent.
                CREATE TEXT SEARCH DICTIONARY public.jawnosc_pl_ispell
                    (TEMPLATE = ispell, DictFile = jawnosc_pl, AffFile = jawnosc_pl);
            END IF;
            PERFORM ts_lexize('public.jawnosc_pl_ispell', 'umowa');
            use := true;
        EXCEPTION WHEN OTHERS THEN
            RAISE NOTICE 'search: no Polish dictionary (%): unaccent and simple only', SQLERRM;
        END;
    END IF;
    IF use THEN
        ALTER TEXT SEARCH CONFIGURATION public.jawnosc_pl
            ALTER MAPPING FOR asciiword, word, hword_part, hword_asciipart, asciihword, hword
            WITH public.unaccent, public.jawnosc_pl_ispell, pg_catalog.simple;
    ELSE
        ALTER TEXT SEARCH CONFIGURATION public.jawnosc_pl
            ALTER MAPPING FOR asciiword, word, hword_part, hword_asciipart, asciihword, hword
            WITH public.unaccent, pg_catalog.simple;
    END IF;
    IF use IS DISTINCT FROM had OR rebuild THEN
        DELETE FROM public.search_words;
        UPDATE public.publications
        SET words = public.search_vector(public_subject, answer, case_number, true);
        UPDATE public.requests
        SET search = public.search_vector(subject, body, case_number, false);
    END IF;
    RETURN CASE WHEN use THEN 'polish' ELSE 'simple' END;
END
$$;

SELECT search_dictionary_setup(current_setting('jawnosc.search_dictionary', true), true);

-- One body's search reads one body's entries: a composite GIN index
-- (btree_gin) with the organisation as its first key, so a search is one
-- scan that intersects the body's posting list with the words' lists,
-- never a scan of every body's matches filtered afterwards.
CREATE INDEX publications_words_idx ON publications USING gin (org_id, words) WHERE NOT withdrawn;
CREATE INDEX requests_search_idx ON requests USING gin (org_id, search);

-- The old engine: 'simple' vectors of the register, a trigram index of its
-- subjects, and trigrams of the requests' text for the staff (migration
-- 0043). The views that show them are made again without them.
DROP VIEW register_entries;
DROP VIEW register_index;
DROP INDEX publications_search_idx;
DROP INDEX publications_subject_trgm_idx;
ALTER TABLE publications DROP COLUMN search;
DROP FUNCTION register_tsquery(text);
DROP INDEX requests_search_fold_idx;

CREATE VIEW register_index AS
SELECT p.id, p.org_id, p.received_on, p.kind, p.unit_id, p.outcome, p.subject_folded, p.words
FROM publications p
WHERE NOT p.withdrawn;

CREATE VIEW register_entries AS
SELECT p.id, p.org_id, p.case_number, p.kind, p.unit_id, u.symbol AS unit_symbol, u.name AS unit_name,
       p.received_on, r.state, r.closed_on, p.outcome, p.legal_basis, p.public_subject, p.answer,
       p.version, p.version_id, p.version_published_at, p.first_published_at, p.changed_at,
       p.subject_folded
FROM publications p JOIN units u ON u.id = p.unit_id JOIN requests r ON r.id = p.request_id
WHERE NOT p.withdrawn;

GRANT SELECT ON register_index, register_entries, register_words TO jawnosc_public;
