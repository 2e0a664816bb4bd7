/* INTERIM, until wip-dispatch's cases/dispatch.c lands: the part of
 * dispatch_record_delivery() the e-Doręczenia job needs to be tested
 * (the deliveries row and the dispatch's state). Delete this file when
 * merging wip-dispatch: its cases/dispatch.c defines the real one (which
 * also writes the event and starts the requester's term). */
#include "cases/dispatch.h"

#include <stdio.h>
#include <string.h>

#include "core/log.h"

enum db_status dispatch_record_delivery(PGconn *c, arena_t *a, long long dispatch_id,
                                        const char *date, const char *rule)
{
	(void)a;
	char id[24];
	snprintf(id, sizeof id, "%lld", dispatch_id);
	const char *state = strncmp(rule, "deemed", 6) == 0 ? "deemed" : "delivered";
	const char *p[] = {id, date, rule, state};
	int rows = 0;
	enum db_status st = db_run_rows(c,
	                                "UPDATE dispatches SET state = $4, delivered_on = $2::date, "
	                                "delivery_rule = $3, updated_at = now() WHERE id = $1 "
	                                "AND state NOT IN ('delivered', 'deemed') RETURNING id",
	                                4, p, &rows);
	if (st != DB_OK || rows == 0)
		return st;
	st = db_run(c,
	            "INSERT INTO deliveries (org_id, document_id, delivered_on, dispatch_id, rule) "
	            "SELECT org_id, document_id, $2::date, id, $3 FROM dispatches WHERE id = $1 "
	            "AND $4::text IS NOT NULL",
	            4, p);
	if (st != DB_OK)
		log_warn("dispatch %lld: cannot record the delivery: %s", dispatch_id, PQerrorMessage(c));
	return st;
}
