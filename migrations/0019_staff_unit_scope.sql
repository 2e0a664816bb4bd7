-- Unit scoping of staff (issue 16): an organisation may confine the staff
-- of a unit (clerks and managers with users.unit_id) to their unit's
-- cases: the queue, case pages and steps, letters and their PDFs, the
-- register of outgoing letters and its CSV, the publication page
-- (server/cases/scope.h). Administrators and staff without a unit see the
-- whole organisation. Off by default: everyone sees every case of the
-- organisation, as before. The administrator sets it in /panel/admin/ustawienia.
ALTER TABLE organisations
    ADD COLUMN staff_unit_only boolean NOT NULL DEFAULT false;
