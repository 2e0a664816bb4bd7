-- e-Doręczenia credentials per organisation, where one deployment serves
-- several bodies (issue 18 §3, docs/edoreczenia.md "Several bodies in one
-- deployment"). An organisation without a row sends with the deployment's
-- JAWNOSC_EDORECZENIA_* settings. The key and certificate stay files on
-- the machine: only their paths are here. url, token_url and search_url
-- NULL: the deployment's. Set with `jawnosc edoreczenia set --org SLUG`.
CREATE TABLE org_edoreczenia (
    org_id      bigint PRIMARY KEY REFERENCES organisations(id) ON DELETE CASCADE,
    address     text NOT NULL CHECK (address ~ '^AE:PL-[0-9]{5}-[0-9]{5}-[A-Z]{5}-[0-9]{2}$'),
    system_name text NOT NULL CHECK (system_name ~ '^[A-Za-z0-9_.-]{1,64}$'),
    key_path    text NOT NULL CHECK (key_path LIKE '/%' AND length(key_path) <= 1000),
    cert_path   text NOT NULL CHECK (cert_path LIKE '/%' AND length(cert_path) <= 1000),
    url         text CHECK (url ~ '^https://.+[^/]$' AND length(url) <= 1000),
    token_url   text CHECK (token_url ~ '^https://.+[^/]$' AND length(token_url) <= 1000),
    search_url  text CHECK (search_url ~ '^https://.+[^/]$' AND length(search_url) <= 1000),
    updated_at  timestamptz NOT NULL DEFAULT now()
);
