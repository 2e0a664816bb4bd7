/* The JSON API under /api/v1: the same services as the pages, answering
 * JSON and RFC 9457 problem documents. */
#include <string.h>

#include "cases/filing.h"
#include "cases/org.h"
#include "cases/track.h"
#include "core/clock.h"
#include "core/config.h"
#include "db/db.h"
#include "http/static.h"
#include "web/api_input.h"
#include "web/web.h"

void api_openapi(http_req_t *req)
{
	static_serve(req, "openapi.json");
}

static void problem_errors(http_req_t *req, const struct filing_errors *errs)
{
	json_t *list = json_array();
	for (int i = 0; i < errs->n; i++)
		json_array_append_new(list, json_pack("{s:s, s:s}", "field", errs->e[i].field, "message",
		                                      errs->e[i].message));
	http_respond_problem(req, 422, "Nieprawidłowe dane wniosku",
	                     "Popraw pola wymienione w errors.", json_pack("{s:o}", "errors", list));
}

static bool idempotency_key(const char *k)
{
	size_t n = k ? strlen(k) : 0;
	if (n < 8 || n > 64)
		return false;
	for (; *k; k++)
		if (!((*k >= 'a' && *k <= 'z') || (*k >= 'A' && *k <= 'Z') || (*k >= '0' && *k <= '9') ||
		      *k == '-' || *k == '_'))
			return false;
	return true;
}

void api_requests_create(http_req_t *req)
{
	const char *jerr;
	json_t *body = http_json_body(req, &jerr);
	if (!body) {
		http_respond_problem(req, strstr(jerr, "application/json") ? 415 : 400,
		                     "Nieprawidłowe żądanie", jerr, NULL);
		return;
	}
	if (!json_is_object(body)) {
		http_respond_problem(req, 400, "Nieprawidłowe żądanie", "Treść musi być obiektem JSON.",
		                     NULL);
		return;
	}
	const char *key = http_header(req, "Idempotency-Key");
	if (key && !idempotency_key(key)) {
		http_respond_problem(req, 400, "Nieprawidłowy nagłówek",
		                     "Idempotency-Key: od 8 do 64 znaków A-Z, a-z, 0-9, - i _.", NULL);
		return;
	}
	struct org org;
	if (!web_org(req, &org))
		return;
	struct filing_input in = {0};
	in.channel = "api";
	in.ip = http_client_ip(req);
	in.received_at = clock_now();
	in.max_attachment = (size_t)cfg.max_attachment;
	struct filing_errors errs;
	api_filing_decode(req->arena, body, &in, &errs);
	if (errs.n) {
		problem_errors(req, &errs);
		return;
	}
	in.submission_id = key ? arena_printf(req->arena, "api:%s", key) : NULL;
	struct filing_receipt rc;
	enum filing_result res = filing_create(db_conn(), req->arena, &org, &in, cfg.filing_rate,
	                                       web_base_url(), &rc);
	if (res == FILING_RATE_LIMITED) {
		http_add_header(req, "Retry-After", "3600");
		http_respond_problem(req, 429, "Zbyt wiele wniosków",
		                     "Z tego adresu złożono w ostatniej godzinie zbyt wiele wniosków.", NULL);
		return;
	}
	if (res == FILING_UNAVAILABLE) {
		http_respond_unavailable(req);
		return;
	}
	if (res != FILING_OK) {
		http_respond_error(req, 500, NULL);
		return;
	}
	law_state_t s;
	law_state_from_id(rc.state, &s);
	json_t *doc = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s?, s:o, s:b}", "case_number",
	                        rc.case_number, "tracking_token", rc.token, "tracking_url",
	                        arena_printf(req->arena, "%s/sprawa/%s", web_base_url(), rc.token),
	                        "kind", rc.kind, "state", rc.state, "state_label",
	                        law_states[s].label, "received_on", rc.received_on, "due_date",
	                        rc.due_on, "due_explanation",
	                        rc.due_steps ? rc.due_steps : json_array(), "duplicate", rc.duplicate);
	http_add_header(req, "Location", arena_printf(req->arena, "/api/v1/requests/%s", rc.token));
	http_respond_json(req, rc.duplicate ? 200 : 201, doc);
}

static void track_problem(http_req_t *req, enum track_result r, const law_error_t *refusal)
{
	switch (r) {
	case TRACK_NOT_FOUND:
		http_respond_problem(req, 404, "Nie znaleziono sprawy", NULL, NULL);
		break;
	case TRACK_REFUSED:
		http_respond_problem(req, 409, "Czynność niedozwolona", refusal->message,
		                     json_pack("{s:s}", "code", refusal->code ? refusal->code : ""));
		break;
	case TRACK_INVALID:
		http_respond_problem(req, 422, "Nieprawidłowe dane", refusal->message,
		                     json_pack("{s:s}", "code", refusal->code ? refusal->code : ""));
		break;
	case TRACK_STALE:
		http_respond_problem(req, 409, "Sprawa zmieniła się",
		                     "Wersja sprawy jest nieaktualna: pobierz ją ponownie.",
		                     json_pack("{s:s}", "code", "stale_version"));
		break;
	case TRACK_UNAVAILABLE:
		http_respond_unavailable(req);
		break;
	default:
		http_respond_error(req, 500, NULL);
	}
}

void api_request_show(http_req_t *req)
{
	PGconn *c = db_conn();
	json_t *view = NULL;
	enum track_result r = c ? track_load(c, req->arena, http_param(req, "token"), clock_now(), &view)
	                        : TRACK_UNAVAILABLE;
	http_add_header(req, "Cache-Control", "no-store");
	if (r != TRACK_OK) {
		track_problem(req, r, NULL);
		return;
	}
	/* Internal (the page cache's key to invalidation), not in CaseView. */
	json_object_del(view, "org_id");
	http_respond_json(req, 200, view);
}

void api_request_act(http_req_t *req)
{
	const char *text = NULL;
	long version = -1;
	if (req->body.len) {
		const char *jerr;
		json_t *body = http_json_body(req, &jerr);
		if (!body || !json_is_object(body)) {
			http_respond_problem(req, body ? 400 : (strstr(jerr, "application/json") ? 415 : 400),
			                     "Nieprawidłowe żądanie", body ? "Treść musi być obiektem JSON." : jerr,
			                     NULL);
			return;
		}
		if (!api_action_decode(body, &text, &version)) {
			http_respond_problem(req, 422, "Nieprawidłowe dane",
			                     "text musi być tekstem, a version liczbą całkowitą.", NULL);
			return;
		}
	}
	PGconn *c = db_conn();
	law_error_t refusal = {0};
	enum track_result r = c ? track_act(c, req->arena, http_param(req, "token"),
	                                    http_param(req, "action"), text, version, clock_now(), &refusal)
	                        : TRACK_UNAVAILABLE;
	if (r != TRACK_OK) {
		track_problem(req, r, &refusal);
		return;
	}
	api_request_show(req);
}
