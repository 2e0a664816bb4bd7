/* SPDX-License-Identifier: EUPL-1.2 */
/* The JSON API under /api/v1: the same services as the pages, answering
 * JSON and RFC 9457 problem documents (web_fail()). */
#include <string.h>

#include "cases/filing.h"
#include "cases/org.h"
#include "cases/track.h"
#include "core/clock.h"
#include "core/config.h"
#include "http/static.h"
#include "web/api_input.h"
#include "web/outcome.h"
#include "web/web.h"

void api_openapi(http_req_t *req)
{
	static_serve(req, "openapi.json");
}

/* The service's context: this request's arena and instant. */
static struct svc_ctx ctx_of(http_req_t *req, const struct org *org)
{
	return (struct svc_ctx){.arena = req->arena, .org = org, .now = clock_now()};
}

/* POST /api/v1/requests: a JSON object, and an Idempotency-Key when there
 * is one, checked before the organisation is looked up. */
static enum outcome read_body(http_req_t *req, json_t **body, const char **key, struct problem *p)
{
	if (http_json_object(req, body, p) != OUT_OK)
		return p->outcome;
	return web_idempotency_key(req, key, p);
}

/* The receipt as the API's document; takes rc->due_steps. */
static json_t *receipt_doc(http_req_t *req, const char *base, struct filing_receipt *rc)
{
	law_state_t s;
	law_state_from_id(rc->state, &s);
	json_t *doc = json_pack(
	    "{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s?, s:o, s:b}", "case_number", rc->case_number,
	    "tracking_token", rc->token, "tracking_url",
	    arena_printf(req->arena, "%s/sprawa/%s", base, rc->token), "kind", rc->kind,
	    "state", rc->state, "state_label", law_states[s].label, "received_on", rc->received_on,
	    "due_date", rc->due_on, "due_explanation", rc->due_steps ? rc->due_steps : json_array(),
	    "duplicate", rc->duplicate);
	rc->due_steps = NULL;
	return doc;
}

void api_requests_create(http_req_t *req)
{
	struct problem p = {0};
	json_t *body;
	const char *key = NULL;
	if (read_body(req, &body, &key, &p) != OUT_OK) {
		web_fail(req, &p);
		return;
	}
	struct org org;
	if (!web_org(req, &org))
		return;
	struct svc_ctx ctx = ctx_of(req, &org);
	struct filing_input in = {.channel = "api",
	                          .ip = http_client_ip(req),
	                          .received_at = ctx.now,
	                          .max_attachment = (size_t)cfg.max_attachment,
	                          .base_url = web_org_base_url(req->arena, &org),
	                          /* The key is this client's (in.ip) and bound to
	                           * this body, as received. */
	                          .idempotency_key = key ? arena_printf(req->arena, "api:%s", key) : NULL,
	                          .request_body = req->body.data,
	                          .request_body_len = req->body.len};
	struct filing_receipt rc;
	if (api_filing_read(req->arena, body, &in, &p) != OUT_OK ||
	    filing_create(&ctx, &in, &rc, &p) != OUT_OK) {
		if (p.outcome == OUT_RATE_LIMITED)
			http_add_header(req, "Retry-After", arena_printf(req->arena, "%d", FILING_RATE_WINDOW));
		web_fail(req, &p);
		return;
	}
	http_add_header(req, "Location", arena_printf(req->arena, "/api/v1/requests/%s", rc.token));
	http_respond_json(req, rc.duplicate ? 200 : 201, receipt_doc(req, in.base_url, &rc));
}

/* The case as CaseView: "org_id" is the page cache's, not the API's. */
static void answer_case(http_req_t *req, json_t *view)
{
	json_object_del(view, "org_id");
	http_respond_json(req, 200, view);
}

void api_request_show(http_req_t *req)
{
	struct svc_ctx ctx = ctx_of(req, NULL);
	struct problem p = {0};
	json_t *view;
	http_add_header(req, "Cache-Control", "no-store");
	if (track_load(&ctx, http_param(req, "token"), &view, &p) != OUT_OK)
		web_fail(req, &p);
	else
		answer_case(req, view);
}

void api_request_act(http_req_t *req)
{
	struct svc_ctx ctx = ctx_of(req, NULL);
	struct problem p = {0};
	struct track_step step = {.token = http_param(req, "token"),
	                          .action = http_param(req, "action"),
	                          .version = -1,
	                          .show = TRACK_SHOW_AFTER};
	json_t *body, *view = NULL;
	/* The body is optional: without one, no text and no version check. */
	if ((req->body.len && (http_json_object(req, &body, &p) != OUT_OK ||
	                       api_step_decode(body, &step, &p) != OUT_OK)) ||
	    track_act(&ctx, &step, &view, &p) != OUT_OK) {
		web_fail(req, &p);
		return;
	}
	http_add_header(req, "Cache-Control", "no-store");
	answer_case(req, view);
}
