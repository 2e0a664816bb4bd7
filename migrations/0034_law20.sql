-- Issue 20 item 2: a re-use request with formal defects always gets the
-- call to complete within 7 days with the warning (UOD art. 39 ust. 4); it
-- is statutory, not an organisation's policy, so the setting goes.
ALTER TABLE organisations DROP COLUMN policy_reuse_defects_call;
