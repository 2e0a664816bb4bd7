/* SPDX-License-Identifier: EUPL-1.2 */
/* Which of its organisation's cases a staff member sees (issue 16).
 *
 * An organisation may confine the staff of a unit to that unit's cases
 * (organisations.staff_unit_only, "Urzędnicy widzą tylko sprawy swojej
 * komórki", migration 0019): a clerk or a manager with users.unit_id then
 * sees only the cases of that unit; an administrator, and anyone without a
 * unit, sees the whole organisation. Off (the default), everyone sees every
 * case of the organisation.
 *
 * A case outside is not found: absent from the queue, the register of
 * outgoing letters and every count, and OUT_NOT_FOUND (404, never 403: its
 * existence is not told) for its page, its steps, its letters and their
 * PDFs, and its publication. The condition is in the SQL of every staff
 * query that reads or writes a case, always the one below, so no query
 * states it its own way. The manager's dashboard, statistics and digest
 * were confined to a manager's unit before this setting (dashboard.h,
 * struct dash_scope) and stay so. */
#ifndef JAWNOSC_CASES_SCOPE_H
#define JAWNOSC_CASES_SCOPE_H

#include "cases/context.h"

/* The unit `who` is confined to when the organisation says so: a clerk's or
 * a manager's unit; 0 for an administrator and for staff without a unit. */
long long scope_unit(const struct actor *who);

/* The condition that keeps a row of requests `alias` within what the staff
 * member sees. `org` and `unit` are the statement's parameters ("$2", "$3")
 * holding who->org_id and scope_unit(who). The setting is read in the same
 * statement, and once: its subquery depends on a parameter, not on the row
 * (an InitPlan). All arguments are string literals. */
#define SCOPE_CASES(alias, org, unit)                                                              \
	"(" unit "::bigint = 0 OR " alias ".unit_id = " unit "::bigint OR NOT (SELECT "            \
	"so.staff_unit_only FROM organisations so WHERE so.id = " org "::bigint))"

/* The same for a row that names its case by `request_id` (a column such as
 * "d.request_id"). */
#define SCOPE_CASE_OF(request_id, org, unit)                                                       \
	"EXISTS (SELECT 1 FROM requests sr WHERE sr.id = " request_id " AND "                      \
	SCOPE_CASES("sr", org, unit) ")"

/* The same seen from the other side: staff member `u` (a row of users)
 * sees case `r` (a row of requests) of organisation `o` (a row of
 * organisations). For whom a case may be assigned to: nobody is given a
 * case they could not open. The data protection officer opens no case
 * (http/router.h, ROLE_IOD): never. */
#define SCOPE_STAFF_SEES(u, r, o)                                                                  \
	"(" u ".role <> 'iod' AND (NOT " o ".staff_unit_only OR " u ".role = 'admin' OR " u       \
	".unit_id IS NULL OR " u ".unit_id = " r ".unit_id))"

#endif
