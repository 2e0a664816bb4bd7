/* Liveness and readiness for load balancers and orchestrators. */
#include "db/db.h"
#include "web/web.h"

void web_healthz(http_req_t *req)
{
	http_add_header(req, "Cache-Control", "no-store");
	http_respond_json(req, 200, json_pack("{s:s}", "status", "ok"));
}

static void not_ready(http_req_t *req, const char *database, long pending)
{
	json_t *doc = json_pack("{s:s, s:s}", "status", "unavailable", "database", database);
	if (pending > 0)
		json_object_set_new(doc, "pending_migrations", json_integer(pending));
	http_add_header(req, "Retry-After", "5");
	http_respond_json(req, 503, doc);
}

/* Ready: the database answers and has every migration this binary knows.
 * A lost connection is re-opened by db_conn() on the next call, so /readyz
 * turns 200 again by itself once PostgreSQL is back. */
void web_readyz(http_req_t *req)
{
	http_add_header(req, "Cache-Control", "no-store");
	PGconn *c = db_conn();
	if (!c) {
		not_ready(req, "unreachable", 0);
		return;
	}
	char err[256];
	long pending = migrate_pending(c, web_migrations(), err, sizeof err);
	if (pending < 0)
		not_ready(req, "error", 0);
	else if (pending > 0)
		not_ready(req, "behind", pending);
	else
		http_respond_json(req, 200, json_pack("{s:s, s:s}", "status", "ok", "database", "ok"));
}
