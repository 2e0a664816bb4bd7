/* SPDX-License-Identifier: EUPL-1.2 */
/* Liveness and readiness for load balancers and orchestrators. */
#include "cases/context.h"
#include "cases/ops.h"
#include "web/web.h"

void web_healthz(http_req_t *req)
{
	http_add_header(req, "Cache-Control", "no-store");
	http_respond_json(req, 200, json_pack("{s:s}", "status", "ok"));
}

/* Ready: the database answers and has every migration this binary knows. */
void web_readyz(http_req_t *req)
{
	http_add_header(req, "Cache-Control", "no-store");
	struct svc_ctx ctx;
	struct actor who;
	web_ctx(req, &ctx, &who);
	struct ops_readiness r;
	struct problem p;
	ops_ready(&ctx, web_migrations(), &r, &p);
	if (r.ready) {
		http_respond_json(req, 200, json_pack("{s:s, s:s, s:s}", "status", "ok", "database",
		                                      "ok", "search", r.search ? r.search : "unknown"));
		return;
	}
	json_t *doc = json_pack("{s:s, s:s}", "status", "unavailable", "database", r.database);
	if (r.pending > 0)
		json_object_set_new(doc, "pending_migrations", json_integer(r.pending));
	http_add_header(req, "Retry-After", "5");
	http_respond_json(req, 503, doc);
}
