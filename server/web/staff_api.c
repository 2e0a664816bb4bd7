/* SPDX-License-Identifier: EUPL-1.2 */
/* The staff API under /api/v1/staff: a body's electronic document
 * management system (EZD RP, EZD PUW, a commercial one) reads the cases and
 * the queue, registers the requests its own registry received and adds
 * documents to cases, with a token an administrator gave it
 * (cases/integrations.h, /panel/admin/integracje).
 *
 * A thin layer over the clerk's services (cases/queue.h, clerk.h,
 * attachments.h): each call is authenticated by its bearer token (401 with
 * WWW-Authenticate, RFC 6750 §3, when it is missing, unknown or revoked),
 * counted against the token's limit (429 with Retry-After), checked for
 * its scope (403, error="insufficient_scope"), then acts as the
 * integration's actor (its organisation only: another body's case is 404)
 * and is recorded as an audit event naming the integration
 * (integration_record()) before it is answered. Errors are RFC 9457
 * problem documents (web_fail()); the routes take any Host, as the staff
 * panel does: the token says which body. */
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "cases/attachments.h"
#include "cases/clerk.h"
#include "cases/integrations.h"
#include "cases/queue.h"
#include "core/clock.h"
#include "core/config.h"
#include "web/outcome.h"
#include "web/staff_input.h"
#include "web/web.h"

#define REALM "Bearer realm=\"jawnosc\""

/* One call: who makes it, as what, and what it concerns. */
struct call {
	http_req_t *req;
	const char *op; /* the audit trail's name of the operation */
	struct integration in;
	struct actor who;
	struct svc_ctx ctx;
	long long case_id;
};

static void record(struct call *c, int status)
{
	struct problem p;
	/* A failure is logged by the service; the caller's answer stands. */
	integration_record(&c->ctx, &c->in, c->op, c->case_id, status, &p);
}

/* 401: RFC 9110 §15.5.2 and RFC 6750 §3 (error="invalid_token" when a
 * token was sent). Not a row of web/outcome.c: the table's OUT_DENIED is a
 * right the caller lacks (403), as for the sign-in form (web/auth.c). */
static void unauthenticated(http_req_t *req, bool sent, bool revoked)
{
	http_add_header(req, "WWW-Authenticate",
	                sent ? REALM ", error=\"invalid_token\"" : REALM);
	const char *detail =
	    revoked ? "Token tej integracji został wycofany przez administratora urzędu. Poproś "
	              "administratora o nowy token."
	    : sent  ? "Token integracji jest nieprawidłowy. Sprawdź, czy został skopiowany w całości, "
	              "albo poproś administratora urzędu o nowy."
	            : "To wywołanie wymaga tokenu integracji w nagłówku Authorization: Bearer <token>.";
	json_t *extra = json_pack("{s:s, s:s}", "type", "urn:jawnosc:problem:unauthenticated", "code",
	                          revoked ? "token_revoked" : sent ? "invalid_token" : "missing_token");
	http_respond_problem(req, 401, "Brak uwierzytelnienia", detail, extra);
}

static void fail(struct call *c, const struct problem *p)
{
	record(c, web_outcome_status(p->outcome));
	web_fail(c->req, p);
}

static void answer(struct call *c, int status, json_t *doc)
{
	record(c, status);
	http_respond_json(c->req, status, doc);
}

/* The call's integration, its limit and its scope; false after answering. */
static bool begin(http_req_t *req, unsigned scope, const char *op, struct call *c)
{
	http_add_header(req, "Cache-Control", "no-store");
	*c = (struct call){.req = req, .op = op};
	c->ctx = (struct svc_ctx){.arena = req->arena, .now = clock_now()};
	const char *token = staff_bearer(req->arena, http_header(req, "Authorization"));
	int retry = 0;
	struct problem p;
	enum outcome o = token ? integration_authenticate(&c->ctx, token, &c->in, &retry, &p)
	                       : problem_set(&p, OUT_DENIED, NULL, NULL);
	if (o == OUT_DENIED) {
		if (c->in.id)
			record(c, 401);
		else
			integration_count_unknown();
		unauthenticated(req, token != NULL, c->in.revoked);
		return false;
	}
	if (o == OUT_RATE_LIMITED) {
		http_add_header(req, "Retry-After", arena_printf(req->arena, "%d", retry));
		fail(c, &p);
		return false;
	}
	if (o != OUT_OK) {
		web_fail(req, &p);
		return false;
	}
	integration_actor(&c->in, &c->who);
	c->ctx.who = &c->who;
	if (!(c->in.scopes & scope)) {
		const char *name = integration_scope_name(scope);
		http_add_header(req, "WWW-Authenticate",
		                arena_printf(req->arena, REALM ", error=\"insufficient_scope\", scope=\"%s\"",
		                             name));
		problem_set(&p, OUT_DENIED,
		            arena_printf(req->arena,
		                         "Token integracji „%s” nie ma zakresu „%s”, którego wymaga to "
		                         "wywołanie. Administrator urzędu może utworzyć token z tym "
		                         "zakresem.",
		                         c->in.name, name),
		            "insufficient_scope");
		fail(c, &p);
		return false;
	}
	return true;
}

/* A page of the queue's items as the API's list: the items as
 * queue_list() gives them, and the cursor of the next page. */
static json_t *page_doc(http_req_t *req, json_t *list)
{
	json_t *doc = json_pack("{s:O}", "items", json_object_get(list, "items"));
	json_t *next = json_object_get(list, "next");
	const char *cursor = next ? staff_cursor(req->arena, json_string_value(json_object_get(next, "due")),
	                                         json_string_value(json_object_get(next, "id")))
	                          : NULL;
	if (cursor)
		json_object_set_new(doc, "next_cursor", json_string(cursor));
	json_decref(list);
	return doc;
}

static void list_answer(struct call *c, const struct queue_filter *f)
{
	struct problem p;
	json_t *list;
	if (queue_list(&c->ctx, f, &list, &p) != OUT_OK)
		fail(c, &p);
	else
		answer(c, 200, page_doc(c->req, list));
}

void api_staff_cases(http_req_t *req)
{
	struct call c;
	if (!begin(req, INTEGRATION_READ, "cases.list", &c))
		return;
	struct staff_list_query q = {.state = http_query(req, "state"),
	                             .open = http_query(req, "open"),
	                             .kind = http_query(req, "kind"),
	                             .channel = http_query(req, "channel"),
	                             .received_from = http_query(req, "received_from"),
	                             .received_to = http_query(req, "received_to"),
	                             .updated_since = http_query(req, "updated_since"),
	                             .cursor = http_query(req, "cursor")};
	struct queue_filter f;
	struct problem p;
	if (staff_list_decode(req->arena, &q, &f, &p) != OUT_OK)
		fail(&c, &p);
	else
		list_answer(&c, &f);
}

void api_staff_queue(http_req_t *req)
{
	struct call c;
	if (!begin(req, INTEGRATION_READ, "queue", &c))
		return;
	struct queue_filter f;
	struct problem p;
	if (staff_queue_decode(req->arena, http_query(req, "cursor"), http_query(req, "overdue"),
	                       http_query(req, "due_within"), &f, &p) != OUT_OK)
		fail(&c, &p);
	else
		list_answer(&c, &f);
}

/* An attachment of the clerk's view as the API shows it: numbers as
 * numbers, without what only the panel draws. */
static const char *str(json_t *row, const char *key)
{
	const char *v = json_string_value(json_object_get(row, key));
	return v ? v : "";
}

static json_t *attachment_doc(json_t *row)
{
	json_t *d = json_pack("{s:I, s:s, s:I, s:s, s:s}", "id", (json_int_t)atoll(str(row, "id")),
	                      "filename", str(row, "filename"), "size",
	                      (json_int_t)atoll(str(row, "size")), "source", str(row, "source"),
	                      "source_label", str(row, "source_label"));
	if (*str(row, "letter_seq"))
		json_object_set_new(d, "letter_seq", json_integer(atoi(str(row, "letter_seq"))));
	return d;
}

/* The clerk's view of a case as the API shows it: its data, terms,
 * documents and attachments; not the panel's forms (the steps offered,
 * the staff to assign). */
static json_t *case_doc(json_t *view)
{
	static const char *const keep[] = {
	    "id",           "case_number", "kind",        "state",          "state_label",
	    "closed",       "version",     "channel",     "channel_label",  "received_on",
	    "received_at",  "assignee",    "unit",        "requester",      "delivery_label",
	    "due_on",       "weekday",     "days_left",   "due_today",      "overdue",
	    "days_overdue", "due_text",    "subject",     "content",        "form",
	    "delivery",     "purpose",     "format",      "manner",         "reuse_standing",
	    "closed_on",    "terms",       "documents",
	};
	json_t *doc = json_object();
	for (size_t i = 0; i < sizeof keep / sizeof keep[0]; i++) {
		json_t *v = json_object_get(view, keep[i]);
		if (v)
			json_object_set(doc, keep[i], v);
	}
	json_t *list = json_array(), *row;
	size_t i;
	json_array_foreach(json_object_get(view, "attachments"), i, row)
	    json_array_append_new(list, attachment_doc(row));
	json_object_set_new(doc, "attachments", list);
	json_decref(view);
	return doc;
}

void api_staff_case(http_req_t *req)
{
	struct call c;
	if (!begin(req, INTEGRATION_READ, "cases.show", &c))
		return;
	c.case_id = web_id_param(req, "id");
	struct problem p;
	json_t *view;
	if (clerk_case(&c.ctx, c.case_id, &view, &p) != OUT_OK)
		fail(&c, &p);
	else
		answer(&c, 200, case_doc(view));
}

void api_staff_register(http_req_t *req)
{
	struct call c;
	if (!begin(req, INTEGRATION_REGISTER, "requests.register", &c))
		return;
	struct problem p;
	json_t *body;
	struct filing_input in = {0};
	const char *channel = NULL, *received_on = NULL, *key;
	if (http_json_object(req, &body, &p) != OUT_OK || web_idempotency_key(req, &key, &p) != OUT_OK ||
	    staff_register_decode(req->arena, body, &in, &channel, &received_on,
	                          (size_t)cfg.max_attachment, &p) != OUT_OK) {
		fail(&c, &p);
		return;
	}
	in.channel = channel;
	/* A key is the integration's own, bound to the body as received. */
	if (key) {
		in.idempotency_key = arena_printf(req->arena, "staff:%lld:%s", c.in.id, key);
		in.request_body = req->body.data;
		in.request_body_len = req->body.len;
	}
	if (clerk_register(&c.ctx, &in, received_on, web_base_url(), &c.case_id, &p) != OUT_OK) {
		staff_problem_fields(&p);
		if (p.nfields)
			p.message = "Popraw pola wymienione w errors.";
		fail(&c, &p);
		return;
	}
	/* The case as registered: its number and terms, as GET answers it. */
	json_t *view;
	if (clerk_case(&c.ctx, c.case_id, &view, &p) != OUT_OK) {
		fail(&c, &p);
		return;
	}
	http_add_header(req, "Location", arena_printf(req->arena, "/api/v1/staff/cases/%lld", c.case_id));
	answer(&c, in.replayed ? 200 : 201, case_doc(view));
}

void api_staff_document(http_req_t *req)
{
	struct call c;
	if (!begin(req, INTEGRATION_DOCUMENTS, "cases.documents.add", &c))
		return;
	c.case_id = web_id_param(req, "id");
	struct problem p;
	json_t *body;
	const char *filename, *data;
	size_t len;
	long long id;
	size_t max = (size_t)cfg.max_attachment;
	if (http_json_object(req, &body, &p) != OUT_OK ||
	    staff_document_decode(req->arena, body, max, &filename, &data, &len, &p) != OUT_OK) {
		fail(&c, &p);
		return;
	}
	if (attach_add(&c.ctx, c.case_id, filename, data, len, max, &id, &p) != OUT_OK) {
		staff_problem_fields(&p);
		if (p.nfields)
			p.message = "Popraw pola wymienione w errors.";
		fail(&c, &p);
		return;
	}
	unsigned char sha[32];
	char hex[65];
	crypto_hash_sha256(sha, (const unsigned char *)data, len);
	sodium_bin2hex(hex, sizeof hex, sha, sizeof sha);
	answer(&c, 201,
	       json_pack("{s:I, s:I, s:s, s:I, s:s}", "id", (json_int_t)id, "case_id",
	                 (json_int_t)c.case_id, "filename", filename, "size", (json_int_t)len,
	                 "sha256", hex));
}
