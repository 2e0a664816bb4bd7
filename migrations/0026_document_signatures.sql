-- Signed versions of issued documents (issue 18 §2, docs/signing.md). The
-- official signs the issued PDF outside the system and uploads it; the
-- server verifies it (render/pdfsig.c) and keeps it here, beside the
-- unsigned original, which documents_guard() keeps unchanged. From then on
-- the signed PDF is what is dispatched and shown to the requester. Both
-- hashes are kept: the original's (as issued) and the signed file's.
--
-- One signed version per document, never replaced: a wrong one is
-- corrected as any issued document is, by a correction (a new document).
CREATE TABLE document_signatures (
    document_id bigint PRIMARY KEY REFERENCES documents(id),
    org_id bigint NOT NULL REFERENCES organisations(id),
    signed_pdf bytea,                 -- NULL only after the requester's data were erased
    signed_sha256 bytea NOT NULL CHECK (length(signed_sha256) = 32),
    original_sha256 bytea NOT NULL CHECK (length(original_sha256) = 32),
    size int NOT NULL CHECK (size > 0),
    signatures int NOT NULL CHECK (signatures BETWEEN 1 AND 16),
    incremental boolean NOT NULL,     -- the issued PDF's bytes are a prefix of the signed file
    signer_name text NOT NULL CHECK (length(signer_name) <= 1000),
    certificate_issuer text NOT NULL CHECK (length(certificate_issuer) <= 2000),
    signed_at timestamptz,            -- as the signature states it (NULL: it states none)
    uploaded_by bigint NOT NULL REFERENCES users(id),
    uploaded_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX document_signatures_org_idx ON document_signatures (org_id);

-- Immutable as the issued document is; the erasure of a requester's data
-- (cases/privacy.c, which sets jawnosc.erasure) may only empty the file.
CREATE FUNCTION document_signatures_guard() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND current_setting('jawnosc.erasure', true) = 'on'
       AND NEW.signed_pdf IS NULL
       AND (NEW.document_id, NEW.org_id, NEW.signed_sha256, NEW.original_sha256, NEW.size,
            NEW.signatures, NEW.incremental, NEW.signer_name, NEW.certificate_issuer,
            NEW.signed_at, NEW.uploaded_by, NEW.uploaded_at)
           IS NOT DISTINCT FROM
           (OLD.document_id, OLD.org_id, OLD.signed_sha256, OLD.original_sha256, OLD.size,
            OLD.signatures, OLD.incremental, OLD.signer_name, OLD.certificate_issuer,
            OLD.signed_at, OLD.uploaded_by, OLD.uploaded_at) THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'the signed version of document % cannot be changed', OLD.document_id
        USING ERRCODE = 'insufficient_privilege';
END
$$;
CREATE TRIGGER document_signatures_immutable BEFORE UPDATE OR DELETE ON document_signatures
    FOR EACH ROW EXECUTE FUNCTION document_signatures_guard();
CREATE TRIGGER document_signatures_no_truncate BEFORE TRUNCATE ON document_signatures
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_change();
