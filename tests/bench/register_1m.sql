-- SPDX-License-Identifier: EUPL-1.2
-- A million published cases for the register's benchmark: run on a
-- database migrated and loaded with `jawnosc seed --demo`, e.g.
--   psql -X -q -d jawnosc_bench -f tests/bench/register_1m.sql
-- (some five minutes). Rows are written directly, triggers off, with the
-- shape the services would give them: requests over ten years and four
-- units, one in ten for re-use, one in five refused, one in a thousand with
-- "żółć w stołówce" in its subject (a rare word for search), each with its
-- answer term, a publication and its version 1.0. Then
--   wrk -t4 -c64 -d30s http://127.0.0.1:8080/rejestr
--   wrk -t4 -c64 -d30s http://127.0.0.1:8080/rejestr/COMON.1431.100004.2020
SET synchronous_commit = off;
ALTER TABLE requests DISABLE TRIGGER USER;
INSERT INTO requests (org_id, unit_id, case_number, case_class, case_seq, case_year, kind, channel,
                      received_at, received_on, subject, body, delivery, state, closed_on, tracking_hash)
SELECT o.id, u.id, u.symbol || '.1431.' || (100000 + g) || '.' || y, '1431', 100000 + g, y,
       CASE WHEN g % 10 = 0 THEN 'reuse' ELSE 'public_information' END, 'web',
       make_date(y, 1, 1) + (g % 365), make_date(y, 1, 1) + (g % 365),
       'Wniosek numer ' || g || CASE WHEN g % 1000 = 0 THEN ' żółć w stołówce' ELSE ' o wydatki na promocję' END,
       'treść', 'email', CASE g % 5 WHEN 0 THEN 'refused' ELSE 'provided' END,
       make_date(y, 1, 1) + (g % 365) + 10, sha256(convert_to('bench' || g, 'UTF8'))
FROM generate_series(1, 1000000) g
CROSS JOIN LATERAL (SELECT 2016 + (g % 10) AS y) yy
JOIN organisations o ON o.slug = 'mon'
JOIN units u ON u.org_id = o.id AND u.symbol = (ARRAY['COMON', 'BDG', 'DI', 'DBM'])[1 + g % 4];
ALTER TABLE requests ENABLE TRIGGER USER;

ALTER TABLE terms DISABLE TRIGGER USER;
INSERT INTO terms (org_id, request_id, kind, label, basis, side, start_on, unshifted_on, due_on, state, closed_on)
SELECT org_id, id, 'answer', 'termin załatwienia wniosku', 'UDIP art. 13 ust. 1', 'body', received_on,
       received_on + 5, received_on + 8 + (id % 3)::int, 'met', closed_on
FROM requests WHERE case_seq >= 100000;
ALTER TABLE terms ENABLE TRIGGER USER;

ALTER TABLE publications DISABLE TRIGGER USER;
INSERT INTO publications (org_id, request_id, case_number, kind, unit_id, received_on, published_by,
                          first_published_at, version, version_published_at, public_subject, answer, outcome)
SELECT r.org_id, r.id, r.case_number, r.kind, r.unit_id, r.received_on, (SELECT min(id) FROM users), now(),
       '1.0', now(), r.subject, 'Informację udostępniono wnioskodawcy.', r.state
FROM requests r WHERE r.case_seq >= 100000;
ALTER TABLE publications ENABLE TRIGGER USER;

ALTER TABLE publication_versions DISABLE TRIGGER USER;
INSERT INTO publication_versions (publication_id, org_id, major, minor, title, public_subject, answer, outcome,
                                  produced_by, responsible, produced_on, entered_by, entered_by_name, published_at)
SELECT p.id, p.org_id, 1, 0, 'Sprawa ' || p.case_number, p.public_subject, p.answer, p.outcome, 'COMON', 'COMON',
       p.received_on + 10, p.published_by, 'Magdalena Czerwińska', p.first_published_at
FROM publications p WHERE p.version_id IS NULL;
ALTER TABLE publication_versions ENABLE TRIGGER USER;

ALTER TABLE publications DISABLE TRIGGER USER;
UPDATE publications p SET version_id = v.id
FROM publication_versions v WHERE v.publication_id = p.id AND p.version_id IS NULL;
ALTER TABLE publications ENABLE TRIGGER USER;
VACUUM ANALYZE;
