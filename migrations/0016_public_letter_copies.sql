-- Published letters without the requester's personal data (LAW.md §7).
-- An issued letter is addressed to the requester and names them, so the
-- register never serves it: it serves the letter's public copy, rendered
-- when the letter is issued without the addressee block, the requester's
-- data and the "Otrzymują" list (server/render/letter_public.c). A letter
-- without a public copy is neither listed nor served by the register.

CREATE TABLE document_public_copies (
    document_id bigint PRIMARY KEY REFERENCES documents(id),
    org_id bigint NOT NULL REFERENCES organisations(id),
    markdown text NOT NULL,
    pdf bytea NOT NULL,
    sha256 bytea NOT NULL CHECK (length(sha256) = 32),
    created_at timestamptz NOT NULL DEFAULT now()
);
-- Like the issued document it copies, a public copy never changes.
CREATE TRIGGER document_public_copies_append_only BEFORE UPDATE OR DELETE ON document_public_copies
    FOR EACH ROW EXECUTE FUNCTION refuse_change();
CREATE TRIGGER document_public_copies_no_truncate BEFORE TRUNCATE ON document_public_copies
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_change();

-- Why a version was made, when it was not a clerk's edit (shown in the
-- change register); a version made by the system has no user behind it.
ALTER TABLE publication_versions ADD COLUMN note text NOT NULL DEFAULT '' CHECK (length(note) <= 500);
ALTER TABLE publication_versions ALTER COLUMN entered_by DROP NOT NULL;

-- has_pdf: the document has a public copy, so it may be published.
CREATE OR REPLACE VIEW publishable_documents AS
SELECT d.request_id, d.id, d.seq, d.title,
       to_char(d.issued_at AT TIME ZONE 'Europe/Warsaw', 'YYYY-MM-DD') AS issued_on,
       EXISTS (SELECT 1 FROM document_public_copies c WHERE c.document_id = d.id) AS has_pdf
FROM documents d
WHERE d.status = 'issued';

-- The documents a readable version made public: only their public copies.
CREATE OR REPLACE VIEW register_documents AS
SELECT v.id AS version_id, v.publication_id, (v.id = p.version_id) AS current, d.seq, d.title,
       d.issued_on, d.has_pdf, c.pdf, c.sha256
FROM publication_versions v
JOIN publications p ON p.id = v.publication_id
JOIN publishable_documents d ON d.request_id = p.request_id AND d.id = ANY (v.document_ids)
JOIN document_public_copies c ON c.document_id = d.id
WHERE NOT v.withdrawn AND v.id > p.withdrawn_upto AND NOT p.withdrawn;

CREATE OR REPLACE VIEW register_versions AS
SELECT v.id, v.publication_id, v.org_id, p.case_number, v.version, v.major, v.minor, v.withdrawn,
       v.produced_by, v.responsible, v.produced_on, v.entered_by_name, v.published_at,
       (NOT v.withdrawn AND v.id > p.withdrawn_upto) AS readable,
       CASE WHEN v.withdrawn OR v.id > p.withdrawn_upto THEN v.title END AS title,
       CASE WHEN NOT v.withdrawn AND v.id > p.withdrawn_upto THEN v.public_subject END AS public_subject,
       CASE WHEN NOT v.withdrawn AND v.id > p.withdrawn_upto THEN v.answer END AS answer,
       CASE WHEN NOT v.withdrawn AND v.id > p.withdrawn_upto THEN v.outcome END AS outcome,
       CASE WHEN NOT v.withdrawn AND v.id > p.withdrawn_upto THEN v.legal_basis END AS legal_basis,
       CASE WHEN NOT v.withdrawn AND v.id > p.withdrawn_upto THEN v.document_ids END AS document_ids,
       v.note
FROM publication_versions v JOIN publications p ON p.id = v.publication_id;

-- Every publication whose current version published a document: until now
-- that was the issued PDF, with the requester's name and address, and no
-- document issued before this migration has a public copy. Each gets a new
-- version without those documents (the same text otherwise), entered by
-- the system with its reason, and an event in the audit log: the events
-- trigger chains it like any other, so `jawnosc audit verify` holds.
DO $$
DECLARE
    reason constant text := 'Wycofano pismo zawierające dane osobowe wnioskodawcy';
    pub record;
    cur publication_versions;
    kept bigint[];
    gone int[];
    new_id bigint;
    new_version text;
BEGIN
    FOR pub IN
        SELECT p.id, p.org_id, p.request_id, p.version_id
        FROM publications p JOIN publication_versions v ON v.id = p.version_id
        WHERE NOT p.withdrawn AND NOT v.withdrawn
          AND EXISTS (SELECT 1 FROM unnest(v.document_ids) AS u(id)
                      WHERE NOT EXISTS (SELECT 1 FROM document_public_copies c
                                        WHERE c.document_id = u.id))
        ORDER BY p.org_id, p.id
        FOR UPDATE OF p
    LOOP
        SELECT * INTO cur FROM publication_versions WHERE id = pub.version_id;
        SELECT coalesce(array_agg(u.id ORDER BY u.n), '{}') INTO kept
        FROM unnest(cur.document_ids) WITH ORDINALITY AS u(id, n)
        WHERE EXISTS (SELECT 1 FROM document_public_copies c WHERE c.document_id = u.id);
        SELECT coalesce(array_agg(d.seq ORDER BY d.seq), '{}') INTO gone
        FROM documents d
        WHERE d.id = ANY (cur.document_ids) AND NOT d.id = ANY (kept);
        -- As the application numbers them (register_publish.c): the
        -- highest major, the highest minor + 1.
        INSERT INTO publication_versions (publication_id, org_id, major, minor, withdrawn, title,
            public_subject, answer, outcome, legal_basis, document_ids, produced_by, responsible,
            produced_on, entered_by, entered_by_name, published_at, note)
        SELECT pub.id, pub.org_id, max(major), max(minor) + 1, false, cur.title,
            cur.public_subject, cur.answer, cur.outcome, cur.legal_basis, kept, cur.produced_by,
            cur.responsible, cur.produced_on, NULL, 'system Jawność (zmiana automatyczna)', now(),
            reason
        FROM publication_versions WHERE publication_id = pub.id
        RETURNING id, version INTO new_id, new_version;
        UPDATE publications SET version_id = new_id, version = new_version,
            version_published_at = now(), changed_at = now()
        WHERE id = pub.id;
        INSERT INTO events (org_id, request_id, actor, action, data)
        VALUES (pub.org_id, pub.request_id, 'system', 'publish',
                jsonb_build_object('version', new_version, 'text', reason,
                                   'withdrawn_documents', to_jsonb(gone)));
    END LOOP;
END
$$;
