-- Letters and decisions: a draft is prepared for each step that needs one
-- (with the step's inputs), edited and issued by a clerk. An issued
-- document never changes: a correction is a new document that supersedes
-- it. Delivery dates live in their own table.
ALTER TABLE documents ADD COLUMN inputs jsonb NOT NULL DEFAULT '{}';
ALTER TABLE documents ADD COLUMN delivery text CHECK (delivery IN ('email', 'post', 'tracking_page'));
ALTER TABLE documents DROP COLUMN delivered_on;

CREATE FUNCTION documents_guard() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF OLD.status = 'issued' THEN
        RAISE EXCEPTION 'document % of request % is issued and cannot be changed: issue a correction',
            OLD.seq, OLD.request_id USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER documents_immutable BEFORE UPDATE OR DELETE ON documents
    FOR EACH ROW EXECUTE FUNCTION documents_guard();

CREATE TABLE deliveries (
    id bigserial PRIMARY KEY,
    org_id bigint NOT NULL REFERENCES organisations(id),
    document_id bigint NOT NULL REFERENCES documents(id),
    delivered_on date NOT NULL,
    recorded_by bigint REFERENCES users(id),
    recorded_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX deliveries_document_idx ON deliveries (document_id);

-- The register of outgoing letters, newest first.
CREATE INDEX documents_issued_idx ON documents (org_id, issued_at DESC, id DESC) WHERE status = 'issued';
