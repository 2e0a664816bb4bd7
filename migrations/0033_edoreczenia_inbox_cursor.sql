-- The e-Doręczenia inbox (issue 19 §2, docs/inbound.md "IMAP and the
-- e-Doręczenia inbox"). The User Agent API has no operation by which a
-- system marks a received message as taken (`opened` is set by the service
-- itself when the message is read in full, which happens before our
-- commit), so the job keeps, per box, how far it has stored everything:
-- the submission date up to which every message of the inbox is in
-- inbound_messages. Each round lists the inbox from a day before it on and
-- skips the messages stored already (by their id, external_ref).
CREATE TABLE edor_inbox_cursors (
    address    text PRIMARY KEY CHECK (address ~ '^AE:PL-[0-9]{5}-[0-9]{5}-[A-Z]{5}-[0-9]{2}$'),
    seen_until timestamptz NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now()
);
REVOKE ALL ON edor_inbox_cursors FROM PUBLIC;

-- "Is this message of the source stored?" (the IMAP job's UID, the
-- e-Doręczenia message id) without reading the whole table.
CREATE INDEX inbound_messages_external_idx ON inbound_messages (source, external_ref)
    WHERE external_ref IS NOT NULL;
