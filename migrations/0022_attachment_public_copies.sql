-- Public copies of attachments (issue 17 §1; docs/privacy.md, "Public
-- copies of attachments"). A PDF the system did not write (a requester's
-- attachment, a document a clerk uploaded, a signed PDF) is published only
-- as a redacted copy the clerk made of it (server/render/redact.h): the
-- pages with something to hide rendered to images with the boxes painted,
-- the other pages unchanged. The original attachment stays as it is and
-- is never served by the register.

-- A clerk makes a copy; a copy never changes. A second copy of the same
-- attachment (something was missed) is a new row: a version of the
-- register keeps the ids of the copies it published, so the change
-- register keeps showing exactly what each version made public.
CREATE TABLE attachment_public_copies (
    id bigserial PRIMARY KEY,
    attachment_id bigint NOT NULL REFERENCES attachments(id),
    org_id bigint NOT NULL REFERENCES organisations(id),
    pdf bytea NOT NULL,
    sha256 bytea NOT NULL CHECK (length(sha256) = 32),
    pages int NOT NULL CHECK (pages >= 1),
    made_by bigint NOT NULL REFERENCES users(id),
    made_at timestamptz NOT NULL DEFAULT now(),
    -- What was removed: how many search terms of which kinds (the
    -- detector's, law/personal.h, or "other"), how many boxes they gave,
    -- and the boxes drawn by hand. Never the hidden text itself: it is
    -- the personal data the copy exists to keep out.
    removed jsonb NOT NULL
);
CREATE INDEX attachment_public_copies_attachment_idx ON attachment_public_copies (attachment_id, id);
CREATE TRIGGER attachment_public_copies_append_only BEFORE UPDATE OR DELETE ON attachment_public_copies
    FOR EACH ROW EXECUTE FUNCTION refuse_change();
CREATE TRIGGER attachment_public_copies_no_truncate BEFORE TRUNCATE ON attachment_public_copies
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_change();
-- As migration 0011 for the other tables: writes from outside the server
-- notify the other instances.
CREATE TRIGGER attachment_public_copies_notify_ins AFTER INSERT ON attachment_public_copies
    REFERENCING NEW TABLE AS changed FOR EACH STATEMENT
    WHEN (current_setting('jawnosc.app', true) IS DISTINCT FROM 'on')
    EXECUTE FUNCTION notify_org_change();

-- The public copies a version published, in the order chosen.
ALTER TABLE publication_versions ADD COLUMN attachment_copy_ids bigint[] NOT NULL DEFAULT '{}';

-- The copies a clerk may publish: the newest copy of each PDF attachment
-- of the request (an older one stays readable through the versions that
-- published it). Never granted to the public.
CREATE VIEW publishable_attachments AS
SELECT a.request_id, a.id AS attachment_id, c.id, c.pages, c.sha256,
       to_char(c.made_at AT TIME ZONE 'Europe/Warsaw', 'YYYY-MM-DD') AS made_on
FROM attachments a
JOIN attachment_public_copies c ON c.attachment_id = a.id
WHERE c.id = (SELECT max(id) FROM attachment_public_copies l WHERE l.attachment_id = a.id);

-- The public copies a readable version published, with the PDF: only the
-- copies, never the attachment (no file name either: it may name a person).
CREATE VIEW register_attachments AS
SELECT v.id AS version_id, v.publication_id, (v.id = p.version_id) AS current, c.id,
       u.n AS position, c.pages, c.pdf, c.sha256
FROM publication_versions v
JOIN publications p ON p.id = v.publication_id
CROSS JOIN LATERAL unnest(v.attachment_copy_ids) WITH ORDINALITY AS u(id, n)
JOIN attachment_public_copies c ON c.id = u.id
JOIN attachments a ON a.id = c.attachment_id AND a.request_id = p.request_id
WHERE NOT v.withdrawn AND v.id > p.withdrawn_upto AND NOT p.withdrawn;
GRANT SELECT ON register_attachments TO jawnosc_public;

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
       v.note,
       CASE WHEN NOT v.withdrawn AND v.id > p.withdrawn_upto THEN v.attachment_copy_ids END
           AS attachment_copy_ids
FROM publication_versions v JOIN publications p ON p.id = v.publication_id;
