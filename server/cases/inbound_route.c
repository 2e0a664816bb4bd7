#include "cases/inbound_route.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cases/store.h"

enum db_status inbound_attach(PGconn *c, long long org_id, long long id, long long request_id,
                              const char *status, const char *actor, long long user_id,
                              bool *found)
{
	char org[24], mid[24], req[24], user[24];
	snprintf(org, sizeof org, "%lld", org_id);
	snprintf(mid, sizeof mid, "%lld", id);
	snprintf(req, sizeof req, "%lld", request_id);
	snprintf(user, sizeof user, "%lld", user_id);
	const char *p[] = {org, mid, req, status, user_id ? user : NULL};
	enum db_status st;
	*found = false;
	/* The message and the case, both of this organisation; a message
	 * handled already is left as it is. */
	PGresult *r = db_exec(
	    c, &st,
	    "UPDATE inbound_messages m SET status = $4, request_id = $3, handled_by = $5, "
	    "handled_at = now(), version = m.version + 1 "
	    "WHERE m.id = $2 AND m.org_id = $1 AND m.status = 'new' AND EXISTS "
	    "(SELECT 1 FROM requests r WHERE r.id = $3 AND r.org_id = $1 AND r.erased_at IS NULL) "
	    "RETURNING to_char(m.received_on, 'YYYY-MM-DD')",
	    5, p);
	if (st != DB_OK || PQntuples(r) != 1) {
		PQclear(r);
		return st;
	}
	char received_on[16];
	snprintf(received_on, sizeof received_on, "%s", PQgetvalue(r, 0, 0));
	PQclear(r);
	int n = 0;
	st = db_run_rows(c,
	                 "INSERT INTO attachments (org_id, request_id, filename, content_type, size, "
	                 "sha256, data, source, inbound_part_id) "
	                 "SELECT $1, $3, p.filename, p.content_type, p.size, p.sha256, p.data, 'mail', "
	                 "p.id FROM inbound_parts p WHERE p.message_id = $2 AND p.readable AND "
	                 "NOT p.inline AND p.data IS NOT NULL ORDER BY p.seq RETURNING 1",
	                 3, p, &n);
	if (st != DB_OK)
		return st;
	json_t *data = json_pack("{s:I, s:s, s:s, s:i}", "inbound_id", (json_int_t)id, "status",
	                         status, "received_on", received_on, "attachments", n);
	st = store_event(c, org_id, request_id, actor, user_id, "mail_received", NULL, NULL, data);
	json_decref(data);
	*found = st == DB_OK;
	return st;
}

/* Placeholder until routing lands: every message stays in the queue. */
enum db_status inbound_route(PGconn *c, long long id)
{
	(void)c;
	(void)id;
	return DB_OK;
}

enum job_result inbound_route_job(void)
{
	return JOB_DONE;
}
