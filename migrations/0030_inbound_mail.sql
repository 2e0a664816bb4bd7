-- Inbound mail (issue 19, docs/inbound.md): every message that reaches the
-- office by e-mail (`jawnosc mailin` on an MTA's pipe, the IMAP job) or
-- from the e-Doręczenia inbox is stored raw first, in the transaction that
-- answers the MTA; parsing comes after, so a message the parser cannot read
-- is still kept and shown. Nothing here is deleted by the application
-- (retention erases the raw text and personal data of a handled message
-- like a case's: raw_erased_at).

CREATE TABLE inbound_messages (
    id            bigserial PRIMARY KEY,
    -- The organisation whose mailbox received it (its e-mail address, a
    -- reply address of one of its cases, or `mailin --org`). NULL: no
    -- organisation recognised; kept and listed by `jawnosc mail unrouted`.
    org_id        bigint REFERENCES organisations(id),
    source        text NOT NULL CHECK (source IN ('mailin', 'imap', 'edoreczenia')),
    raw           bytea NOT NULL,
    sha256        bytea NOT NULL CHECK (length(sha256) = 32),
    -- The Message-ID header without angle brackets; NULL when absent.
    message_id    text CHECK (length(message_id) <= 998),
    envelope_from text NOT NULL DEFAULT '' CHECK (length(envelope_from) <= 998),
    envelope_to   text NOT NULL DEFAULT '' CHECK (length(envelope_to) <= 998),
    -- Where the source knows it (IMAP: "<uidvalidity>:<uid>"; e-Doręczenia:
    -- the message id).
    external_ref  text CHECK (length(external_ref) <= 300),
    -- Arrival: the clock when stored. received_on is its legal date in
    -- Europe/Warsaw, the filing date of a request registered from it.
    received_at   timestamptz NOT NULL,
    received_on   date NOT NULL,

    -- Filled by the parser (NULL parsed_at: not parsed yet).
    parsed_at     timestamptz,
    kind          text CHECK (kind IN ('message', 'auto_reply', 'bounce', 'unreadable')),
    parse_error   text,
    from_address  text NOT NULL DEFAULT '',
    from_name     text NOT NULL DEFAULT '',
    subject       text NOT NULL DEFAULT '',
    body_text     text NOT NULL DEFAULT '',
    in_reply_to   text NOT NULL DEFAULT '',
    refs          text[] NOT NULL DEFAULT '{}',
    -- A bounce: the Message-ID of our message that failed, its recipient.
    bounce_of     text,
    bounce_recipient text,

    -- Triage (/panel/poczta). 'new' until a clerk (or the matcher) acts.
    status        text NOT NULL DEFAULT 'new'
                  CHECK (status IN ('new', 'registered', 'attached', 'reply', 'not_request',
                                    'bounce', 'auto_reply')),
    request_id    bigint REFERENCES requests(id),
    handled_by    bigint REFERENCES users(id),
    handled_at    timestamptz,
    handled_note  text NOT NULL DEFAULT '' CHECK (length(handled_note) <= 2000),
    -- When inbound_route() looked at it (NULL: parsed, not routed yet).
    routed_at     timestamptz,
    raw_erased_at timestamptz,
    version       int NOT NULL DEFAULT 1
);
-- The same message delivered again (an MTA retrying after EX_TEMPFAIL,
-- two IMAP pollers) is stored once: by its bytes, and by its Message-ID
-- for one organisation.
CREATE UNIQUE INDEX inbound_messages_sha_idx ON inbound_messages (sha256);
CREATE UNIQUE INDEX inbound_messages_mid_idx ON inbound_messages (coalesce(org_id, 0), message_id)
    WHERE message_id IS NOT NULL;
CREATE INDEX inbound_messages_queue_idx ON inbound_messages (org_id, status, received_at);
CREATE INDEX inbound_messages_unparsed_idx ON inbound_messages (id) WHERE parsed_at IS NULL;
CREATE INDEX inbound_messages_unrouted_idx ON inbound_messages (id)
    WHERE parsed_at IS NOT NULL AND routed_at IS NULL;
CREATE INDEX inbound_messages_request_idx ON inbound_messages (request_id) WHERE request_id IS NOT NULL;

-- The parts the parser found: attachments, inline images, a TNEF
-- winmail.dat it could not open (readable = false, note says why).
CREATE TABLE inbound_parts (
    id           bigserial PRIMARY KEY,
    message_id   bigint NOT NULL REFERENCES inbound_messages(id),
    seq          int NOT NULL CHECK (seq > 0),
    filename     text NOT NULL CHECK (length(filename) BETWEEN 1 AND 255),
    content_type text NOT NULL CHECK (length(content_type) <= 255),
    size         bigint NOT NULL CHECK (size >= 0),
    sha256       bytea NOT NULL CHECK (length(sha256) = 32),
    data         bytea,                  -- NULL once erased
    inline       boolean NOT NULL DEFAULT false,
    readable     boolean NOT NULL DEFAULT true,
    note         text NOT NULL DEFAULT '',
    UNIQUE (message_id, seq)
);

-- An attachment of a case that came by e-mail points at its message.
ALTER TABLE attachments ADD COLUMN inbound_part_id bigint REFERENCES inbound_parts(id);
ALTER TABLE attachments DROP CONSTRAINT attachments_source_check;
ALTER TABLE attachments ADD CONSTRAINT attachments_source_check
    CHECK (source IN ('requester', 'clerk', 'mail'));

-- Outgoing mail names its case and records its Message-ID, so that a reply
-- (In-Reply-To / References) and a bounce find what they answer.
ALTER TABLE outbox ADD COLUMN message_id text;
ALTER TABLE outbox ADD COLUMN reply_to text;
CREATE UNIQUE INDEX outbox_message_id_idx ON outbox (message_id) WHERE message_id IS NOT NULL;

-- The inbound tables are the server's; the public role never sees them.
REVOKE ALL ON inbound_messages, inbound_parts FROM PUBLIC;
