-- Issue 20 item 8 on the public procedure page: a unit with its own remedy
-- or appeal body (migration 0036) is named there with the remedy that
-- applies to its cases and the body that hears it, as the letters and the
-- lifecycle take them. The public role reads them from its view of the
-- units (new columns go last). The appeal body's address is not shown.
CREATE OR REPLACE VIEW register_units AS
SELECT id, org_id, symbol, name, appeal_body, remedy
FROM units;
