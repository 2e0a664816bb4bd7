-- Matching replies and bounces (issue 19 §2, docs/inbound.md): the mail
-- job reads a case's earlier messages for In-Reply-To/References, and a
-- bounce finds the outbox row it is about by its Message-ID (unique index
-- of 0030).
CREATE INDEX outbox_request_idx ON outbox (request_id) WHERE request_id IS NOT NULL;
