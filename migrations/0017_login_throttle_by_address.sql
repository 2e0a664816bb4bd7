-- Sign-in throttling by (account, address) and by address instead of by
-- account alone (server/cases/auth.c): failures from anywhere no longer lock
-- an account. Counting needs the "address" the limits see: an IPv4 address
-- itself, but an IPv6 client's /64 network, since one host usually has a
-- whole /64 to pick addresses from.

-- The network a sign-in attempt from `a` is counted under: the address
-- itself for IPv4 (and IPv4-mapped IPv6), its /64 for other IPv6, and '::'
-- for an unknown address (all such attempts share one count).
CREATE FUNCTION login_net(a inet) RETURNS inet
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE
        WHEN a IS NULL THEN inet '::'
        WHEN family(a) = 6 AND NOT a << inet '::ffff:0:0/96'
            THEN network(set_masklen(a, 64))::inet
        ELSE host(a)::inet
    END
$$;

ALTER TABLE login_failures
    ADD COLUMN net inet NOT NULL GENERATED ALWAYS AS (login_net(ip)) STORED;

-- The per-address count and the (account, address) count and last failure;
-- the account's own count keeps login_failures_email_idx.
DROP INDEX login_failures_ip_idx;
CREATE INDEX login_failures_net_idx ON login_failures (net, at);
CREATE INDEX login_failures_pair_idx ON login_failures (email_lower, net, at);
