-- Attachments of an outgoing letter (issue 19 §3, docs/letters.md,
-- "Attachments both ways"): files a clerk attaches to a draft document
-- (attachments.document_id) travel with it on every channel. Once the
-- document is issued they are what was sent: their bytes, name and
-- SHA-256 never change and none is added or taken away, as the document
-- itself (documents_guard, migration 0020). The erasure of the requester's
-- data (cases/privacy.c, which sets jawnosc.erasure) may only empty a
-- file and its name; its SHA-256 stays, the proof of what was sent.
CREATE FUNCTION attachments_of_issued_guard() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    issued boolean;
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.document_id IS NOT NULL THEN
        SELECT d.status = 'issued' INTO issued FROM documents d WHERE d.id = OLD.document_id;
        IF issued THEN
            IF TG_OP = 'UPDATE' AND current_setting('jawnosc.erasure', true) = 'on'
               AND NEW.data = '\x'::bytea AND NEW.size = 0
               AND (NEW.id, NEW.org_id, NEW.request_id, NEW.document_id, NEW.content_type,
                    NEW.sha256, NEW.source, NEW.created_at, NEW.inbound_part_id)
                   IS NOT DISTINCT FROM
                   (OLD.id, OLD.org_id, OLD.request_id, OLD.document_id, OLD.content_type,
                    OLD.sha256, OLD.source, OLD.created_at, OLD.inbound_part_id) THEN
                RETURN NEW;
            END IF;
            RAISE EXCEPTION 'attachment % belongs to an issued document and cannot be changed',
                OLD.id USING ERRCODE = 'insufficient_privilege';
        END IF;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') AND NEW.document_id IS NOT NULL
       AND (TG_OP = 'INSERT' OR NEW.document_id IS DISTINCT FROM OLD.document_id) THEN
        SELECT d.status = 'issued' INTO issued FROM documents d WHERE d.id = NEW.document_id;
        IF issued THEN
            RAISE EXCEPTION 'document % is issued: nothing can be attached to it', NEW.document_id
                USING ERRCODE = 'insufficient_privilege';
        END IF;
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER attachments_of_issued_immutable BEFORE INSERT OR UPDATE OR DELETE ON attachments
    FOR EACH ROW EXECUTE FUNCTION attachments_of_issued_guard();

CREATE INDEX attachments_document_idx ON attachments (document_id) WHERE document_id IS NOT NULL;
