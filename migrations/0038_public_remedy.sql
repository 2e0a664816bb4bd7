-- Issue 20 item 13: the public page on how to obtain information names the
-- body's own remedy (an appeal, a request for reconsideration, or, for a
-- body that is not an organ of public authority, a complaint to the
-- administrative court), as the tracking page and the letters do. The public
-- role reads it from its view of the organisations (new columns go last).
CREATE OR REPLACE VIEW register_organisations AS
SELECT id, slug, name, address, place, email, phone, bip_url, hosts, created_at,
       policy_remedy, public_authority, appeal_body
FROM organisations;
