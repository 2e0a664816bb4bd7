/* SPDX-License-Identifier: EUPL-1.2 */
/* The staff API for EZD systems (/api/v1/staff, issue 23 part 4) over real
 * HTTP with tokens made on the administrator's real page: every operation
 * (list, read, queue, register with attachments and a received date in the
 * past, add a document), every scope refusal (403 with
 * error="insufficient_scope"), a missing, malformed, unknown and revoked
 * token (401 with WWW-Authenticate), another body's token (404 and its own
 * cases only), hostile input (bad JSON, bad and huge base64, bad dates,
 * wrong types, a body over the limit: 4xx with a Polish message, never a
 * 500), the limit per token (429 with Retry-After), and an audit event
 * naming the integration for every call, the chain still verifying. The
 * page: the secret shown once, never listed, stored as its SHA-256 only,
 * revoked by a POST with the session's CSRF token, its last use shown. */
#include <cairo-pdf.h>
#include <cairo.h>
#include <setjmp.h>
#include <sodium.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "integration/cases_util.h"

/* A Wednesday. */
#define NOW "2026-11-04T09:00:00Z"
#define RATE 100

static struct u_staff admin, clerk, other_admin;
/* Tokens: every scope; one scope each; the other body's; for hostile
 * input; for the limit. */
static char t_full[96], t_read[96], t_register[96], t_documents[96], t_other[96], t_hostile[96],
    t_rate[96];
static unsigned char *pdf;
static size_t pdf_len;
static long long registered_id;

/* ---- Helpers ------------------------------------------------------------------ */

struct buf {
	unsigned char *p;
	size_t n, cap;
};

static cairo_status_t buf_write(void *closure, const unsigned char *data, unsigned int len)
{
	struct buf *b = closure;
	if (b->n + len > b->cap) {
		b->cap = (b->n + len) * 2;
		b->p = realloc(b->p, b->cap);
	}
	memcpy(b->p + b->n, data, len);
	b->n += len;
	return CAIRO_STATUS_SUCCESS;
}

/* A one-page PDF, as a scanner in the registry would send. */
static void make_pdf(void)
{
	struct buf b = {0};
	cairo_surface_t *s = cairo_pdf_surface_create_for_stream(buf_write, &b, 595, 842);
	cairo_t *cr = cairo_create(s);
	cairo_select_font_face(cr, "DejaVu Sans", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
	cairo_set_font_size(cr, 12);
	cairo_move_to(cr, 72, 100);
	cairo_show_text(cr, "Wniosek o udostepnienie informacji publicznej (skan z kancelarii)");
	cairo_show_page(cr);
	cairo_destroy(cr);
	cairo_surface_finish(s);
	cairo_surface_destroy(s);
	pdf = b.p;
	pdf_len = b.n;
}

static char *b64(const void *data, size_t len)
{
	size_t n = sodium_base64_encoded_len(len, sodium_base64_VARIANT_ORIGINAL);
	char *out = malloc(n);
	sodium_bin2base64(out, n, data, len, sodium_base64_VARIANT_ORIGINAL);
	return out;
}

/* A call of the API with `token` (NULL: no Authorization header; a string
 * starting with "!" is sent as the whole header value) and a JSON body. */
static void call(const char *method, const char *path, const char *token, const char *body,
                 struct hresp *r)
{
	char auth[256];
	const char *hdr[4] = {NULL};
	int n = 0;
	if (token) {
		if (token[0] == '!')
			snprintf(auth, sizeof auth, "Authorization: %s", token + 1);
		else
			snprintf(auth, sizeof auth, "Authorization: Bearer %s", token);
		hdr[n++] = auth;
	}
	if (body)
		hdr[n++] = "Content-Type: application/json";
	h_request(method, path, hdr, body, body ? strlen(body) : 0, r);
}

static void expect(const struct hresp *r, long status, const char *what)
{
	if (r->status != status)
		fprintf(stderr, "%s: expected %ld, got %ld: %.1500s\n", what, status, r->status, r->body);
	assert_int_equal(r->status, status);
}

/* A problem document with a Polish detail, of this status. */
static void expect_problem(const struct hresp *r, long status, const char *what)
{
	expect(r, status, what);
	const char *ct = h_header(r, "Content-Type");
	assert_non_null(ct);
	assert_non_null(strstr(ct, "application/problem+json"));
	json_t *j = u_json(r);
	const char *detail = u_str(j, "detail");
	if (!detail || !*detail)
		fprintf(stderr, "%s: no detail: %s\n", what, r->body);
	assert_non_null(detail);
	json_decref(j);
}

/* The field named by the problem's errors, or the test fails. */
static void expect_field(const struct hresp *r, const char *field, const char *what)
{
	expect_problem(r, 422, what);
	json_t *j = u_json(r), *e;
	size_t i;
	bool found = false;
	json_array_foreach(json_object_get(j, "errors"), i, e) found |=
	    !strcmp(u_str(e, "field"), field) && u_str(e, "message") && *u_str(e, "message");
	if (!found)
		fprintf(stderr, "%s: no error at %s: %s\n", what, field, r->body);
	assert_true(found);
	json_decref(j);
}

/* `obj` has every member the OpenAPI document requires of `schema`
 * (templates/static/openapi.json, the document the server serves). */
static void has_required(json_t *obj, const char *schema)
{
	static json_t *doc;
	if (!doc) {
		json_error_t e;
		doc = json_load_file("templates/static/openapi.json", 0, &e);
		assert_non_null(doc);
	}
	json_t *s = json_object_get(json_object_get(json_object_get(doc, "components"), "schemas"),
	                            schema),
	       *k;
	assert_non_null(s);
	size_t i;
	json_array_foreach(json_object_get(s, "required"), i, k)
	{
		if (!json_object_get(obj, json_string_value(k)))
			fprintf(stderr, "%s lacks %s\n", schema, json_string_value(k));
		assert_non_null(json_object_get(obj, json_string_value(k)));
	}
}

/* Events of the integration `name` for operation `op` answered `status`
 * (0: any). */
static long calls(const char *name, const char *op, int status)
{
	char q[512];
	snprintf(q, sizeof q,
	         "SELECT count(*) FROM events WHERE action = 'integration_call' AND actor = "
	         "'integration' AND request_id IS NULL AND actor_user_id IS NULL AND "
	         "data->>'integration' = '%s' AND data->>'operation' = '%s' AND (%d = 0 OR "
	         "(data->>'status')::int = %d)",
	         name, op, status, status);
	return u_count(q);
}

/* The token the page shows once, from its read-only field. */
static void shown_token(const char *html, char *out, size_t len)
{
	const char *key = "id=\"token\" value=\"";
	const char *p = strstr(html, key);
	out[0] = '\0';
	if (!p)
		return;
	p += strlen(key);
	const char *q = strchr(p, '"');
	snprintf(out, len, "%.*s", (int)(q - p), p);
}

/* Creates a token on the page of `who` (an administrator); `scopes` is the
 * form's "&scopes=..." part. */
static void create(const struct u_staff *who, const char *name, const char *scopes, char *out)
{
	char body[512], enc[256];
	u_urlencode(name, enc, sizeof enc);
	snprintf(body, sizeof body, "op=create&name=%s%s", enc, scopes);
	struct hresp r;
	u_staff_post(who, "/panel/admin/integracje", body, &r);
	expect(&r, 201, "creating a token");
	shown_token(r.body, out, 96);
	assert_int_equal(strncmp(out, "jwi_", 4), 0);
	assert_int_equal(strlen(out), 4 + 43);
	assert_non_null(strstr(r.body, "Nie zostanie pokazany ponownie"));
	h_free(&r);
}

static char *register_body(const char *received_on, const char *channel, const char *extra)
{
	char *att = b64(pdf, pdf_len);
	char *txt = b64("Notatka z rozmowy telefonicznej.", 32);
	size_t n = strlen(att) + strlen(txt) + 2048;
	char *body = malloc(n);
	snprintf(body, n,
	         "{\"received_on\":\"%s\",\"channel\":\"%s\",\"kind\":\"public_information\","
	         "\"subject\":\"Umowy na odśnieżanie\",\"content\":\"Proszę o kopie umów na "
	         "odśnieżanie dróg gminnych w 2026 r.\",\"delivery\":\"post\","
	         "\"requester\":{\"name\":\"Anna Nowak\",\"postal_address\":\"ul. Lipowa 1\\n00-001 "
	         "Warszawa\"},\"attachments\":[{\"filename\":\"wniosek.pdf\",\"content_base64\":\"%s\"},"
	         "{\"filename\":\"notatka.txt\",\"content_base64\":\"%s\"}]%s}",
	         received_on, channel, att, txt, extra ? extra : "");
	free(att);
	free(txt);
	return body;
}

static char *document_body(const char *filename, const void *data, size_t len)
{
	char *c = b64(data, len);
	size_t n = strlen(c) + 512;
	char *body = malloc(n);
	snprintf(body, n, "{\"filename\":\"%s\",\"content_base64\":\"%s\"}", filename, c);
	free(c);
	return body;
}

/* ---- Setup ------------------------------------------------------------------ */

static int setup(void **state)
{
	(void)state;
	make_pdf();
	setenv("JAWNOSC_FAKE_NOW", NOW, 1);
	static const char *env[] = {"JAWNOSC_FAKE_NOW=" NOW, "JAWNOSC_FILING_RATE=100000",
	                            "JAWNOSC_INTEGRATION_RATE=100", "JAWNOSC_MAX_ATTACHMENT=100K",
	                            "JAWNOSC_MAX_BODY=512K", NULL};
	h_server_start(env);
	h_sql("INSERT INTO organisations (slug, name) VALUES ('inny', 'Inny Urząd');"
	      "INSERT INTO units (org_id, symbol, name) SELECT id, 'SEK', 'Sekretariat' FROM "
	      "organisations WHERE slug = 'inny';"
	      "UPDATE organisations SET web_unit_id = (SELECT id FROM units WHERE symbol = 'SEK') "
	      "WHERE slug = 'inny';"
	      "INSERT INTO users (org_id, email, name, role, password_hash) SELECT o.id, "
	      "'admin@inny.example', 'Admin Inny', 'admin', u.password_hash FROM organisations o, "
	      "users u WHERE o.slug = 'inny' AND u.email = 'admin@mon.example'");
	u_login("admin%40mon.example", "jawnosc-demo", &admin);
	u_login("urzednik%40mon.example", "jawnosc-demo", &clerk);
	u_login("admin%40inny.example", "jawnosc-demo", &other_admin);
	return 0;
}

/* ---- The administrator's page ------------------------------------------------- */

static void test_the_page_shows_a_new_secret_once_and_stores_only_its_hash(void **state)
{
	struct hresp r;
	/* Only an administrator. */
	u_staff_get(&clerk, "/panel/admin/integracje", &r);
	expect(&r, 403, "a clerk opens the page");
	h_free(&r);
	u_staff_get(&admin, "/panel/admin", &r);
	expect(&r, 200, "the administration");
	assert_non_null(strstr(r.body, "href=\"/panel/admin/integracje\""));
	h_free(&r);
	u_staff_get(&admin, "/panel/admin/integracje", &r);
	expect(&r, 200, "the page");
	assert_non_null(strstr(r.body, "Urząd nie ma jeszcze tokenów integracji"));
	h_free(&r);

	/* A name and a scope are needed; what was typed comes back. */
	u_staff_post(&admin, "/panel/admin/integracje", "op=create&name=++", &r);
	expect(&r, 422, "no name, no scope");
	assert_non_null(strstr(r.body, "Podaj nazwę integracji"));
	assert_non_null(strstr(r.body, "Zaznacz co najmniej jeden zakres"));
	assert_null(strstr(r.body, "jwi_"));
	h_free(&r);
	assert_int_equal(u_count("SELECT count(*) FROM integrations"), 0);

	create(&admin, "EZD RP — kancelaria", "&scopes=read&scopes=register&scopes=documents", t_full);
	/* Stored as its SHA-256 only. */
	char q[512];
	snprintf(q, sizeof q,
	         "SELECT count(*) FROM integrations WHERE token_sha256 = sha256('%s'::bytea) AND "
	         "scopes = '{read,register,documents}' AND name = 'EZD RP — kancelaria' AND created_by = "
	         "(SELECT id FROM users WHERE email = 'admin@mon.example')",
	         t_full);
	assert_int_equal(u_count(q), 1);
	/* No column holds the secret. */
	snprintf(q, sizeof q, "SELECT count(*) FROM integrations i WHERE i::text LIKE '%%%s%%'",
	         t_full + 4);
	assert_int_equal(u_count(q), 0);
	assert_int_equal(u_count("SELECT count(*) FROM events WHERE action = 'integration_created' "
	                         "AND actor = 'admin' AND data->>'name' = 'EZD RP — kancelaria' "
	                         "AND data::text NOT LIKE '%jwi_%'"),
	                 1);
	/* Two live tokens of a body do not share a name. */
	u_staff_post(&admin, "/panel/admin/integracje",
	             "op=create&name=ezd+rp+%E2%80%94+kancelaria&scopes=read", &r);
	expect(&r, 422, "the same name again");
	assert_non_null(strstr(r.body, "aktywną integrację o tej nazwie"));
	h_free(&r);

	/* The list never shows the secret again. */
	u_staff_get(&admin, "/panel/admin/integracje", &r);
	expect(&r, 200, "the list");
	assert_non_null(strstr(r.body, "EZD RP — kancelaria"));
	assert_non_null(strstr(r.body, "read, register, documents"));
	assert_non_null(strstr(r.body, "jeszcze nie użyty"));
	assert_null(strstr(r.body, t_full));
	assert_null(strstr(r.body, "jwi_"));
	h_free(&r);

	create(&admin, "EZD PUW (odczyt)", "&scopes=read", t_read);
	create(&admin, "Kancelaria — rejestracja", "&scopes=register", t_register);
	create(&admin, "Skaner dokumentów", "&scopes=documents", t_documents);
	create(&admin, "Testy wejścia", "&scopes=read&scopes=register&scopes=documents", t_hostile);
	create(&admin, "Limit", "&scopes=read", t_rate);
	create(&other_admin, "EZD innego urzędu", "&scopes=read&scopes=register&scopes=documents",
	       t_other);
	assert_int_equal(u_count("SELECT count(DISTINCT token_sha256) FROM integrations"), 7);
}

/* ---- Every operation ------------------------------------------------------------ */

static void test_every_operation_over_http(void **state)
{
	struct hresp r;
	/* Register a request received by post last Friday, with its scan. */
	char *body = register_body("2026-10-30", "post", NULL);
	call("POST", "/api/v1/staff/requests", t_full, body, &r);
	free(body);
	expect(&r, 201, "registering");
	json_t *j = u_json(&r);
	registered_id = json_integer_value(json_object_get(j, "id"));
	assert_true(registered_id > 0);
	char location[96];
	snprintf(location, sizeof location, "/api/v1/staff/cases/%lld", registered_id);
	assert_string_equal(h_header(&r, "Location"), location);
	assert_string_equal(u_str(j, "received_on"), "2026-10-30");
	assert_string_equal(u_str(j, "channel"), "post");
	/* UDIP art. 13 ust. 1: fourteen days from the day it reached the body. */
	assert_string_equal(u_str(j, "due_on"), "2026-11-13");
	assert_string_equal(u_str(json_object_get(j, "requester"), "name"), "Anna Nowak");
	assert_int_equal(json_array_size(json_object_get(j, "attachments")), 2);
	assert_true(json_array_size(json_object_get(j, "terms")) >= 1);
	assert_null(json_object_get(j, "actions"));
	assert_null(json_object_get(j, "users"));
	has_required(j, "StaffCase");
	has_required(json_array_get(json_object_get(j, "attachments"), 0), "StaffAttachment");
	has_required(json_array_get(json_object_get(j, "terms"), 0), "Term");
	char number[64];
	snprintf(number, sizeof number, "%s", u_str(j, "case_number"));
	assert_int_equal(strncmp(number, "COMON.", 6), 0);
	json_decref(j);
	h_free(&r);
	/* The case's first event is the integration's. */
	char q[512];
	snprintf(q, sizeof q,
	         "SELECT count(*) FROM events WHERE request_id = %lld AND action = 'register' AND "
	         "actor = 'integration' AND actor_user_id IS NULL AND data->>'channel' = 'post'",
	         registered_id);
	assert_int_equal(u_count(q), 1);
	snprintf(q, sizeof q,
	         "SELECT count(*) FROM requests WHERE id = %lld AND received_on = '2026-10-30' AND "
	         "channel = 'post'",
	         registered_id);
	assert_int_equal(u_count(q), 1);

	/* The list, with filters. */
	call("GET", "/api/v1/staff/cases?channel=post&received_from=2026-10-30&received_to=2026-10-30",
	     t_full, NULL, &r);
	expect(&r, 200, "the list");
	assert_non_null(strstr(r.body, number));
	assert_string_equal(h_header(&r, "Cache-Control"), "no-store");
	h_free(&r);
	call("GET", "/api/v1/staff/cases?channel=email", t_full, NULL, &r);
	expect(&r, 200, "the list of e-mailed cases");
	assert_null(strstr(r.body, number));
	h_free(&r);
	call("GET", "/api/v1/staff/cases?updated_since=2000-01-01T00:00:00Z&state=received&open=true",
	     t_full, NULL, &r);
	expect(&r, 200, "updated since");
	assert_non_null(strstr(r.body, number));
	h_free(&r);
	call("GET", "/api/v1/staff/cases?updated_since=2999-01-01T00:00:00%2B01:00", t_full, NULL, &r);
	expect(&r, 200, "updated since a day to come");
	j = u_json(&r);
	assert_int_equal(json_array_size(json_object_get(j, "items")), 0);
	json_decref(j);
	h_free(&r);

	/* The queue (before the next test fills it past a page). */
	call("GET", "/api/v1/staff/queue", t_full, NULL, &r);
	expect(&r, 200, "the queue");
	assert_non_null(strstr(r.body, number));
	h_free(&r);

	/* One case. */
	call("GET", location, t_full, NULL, &r);
	expect(&r, 200, "the case");
	j = u_json(&r);
	assert_string_equal(u_str(j, "case_number"), number);
	assert_non_null(json_object_get(j, "documents"));
	assert_non_null(json_object_get(j, "terms"));
	json_decref(j);
	h_free(&r);

	/* A document added to it. */
	body = document_body("pismo-uzupelniajace.pdf", pdf, pdf_len);
	char path[128];
	snprintf(path, sizeof path, "/api/v1/staff/cases/%lld/documents", registered_id);
	call("POST", path, t_full, body, &r);
	free(body);
	expect(&r, 201, "adding a document");
	j = u_json(&r);
	has_required(j, "AddedDocument");
	assert_int_equal(json_integer_value(json_object_get(j, "case_id")), registered_id);
	assert_int_equal(json_integer_value(json_object_get(j, "size")), (long long)pdf_len);
	assert_int_equal(strlen(u_str(j, "sha256")), 64);
	json_decref(j);
	h_free(&r);
	snprintf(q, sizeof q,
	         "SELECT count(*) FROM attachments WHERE request_id = %lld AND filename = "
	         "'pismo-uzupelniajace.pdf' AND size = %zu",
	         registered_id, pdf_len);
	assert_int_equal(u_count(q), 1);
	snprintf(q, sizeof q,
	         "SELECT count(*) FROM events WHERE request_id = %lld AND action = 'attachment_add' "
	         "AND actor = 'integration'",
	         registered_id);
	assert_int_equal(u_count(q), 1);
	/* The clerk sees it on the case's page, added by the integration. */
	char page[96];
	snprintf(page, sizeof page, "/panel/sprawy/%lld", registered_id);
	u_staff_get(&clerk, page, &r);
	expect(&r, 200, "the clerk's page of the case");
	assert_non_null(strstr(r.body, "pismo-uzupelniajace.pdf"));
	h_free(&r);
}

/* The queue: open cases the nearest due date first, page by page, as the
 * clerk's queue orders them. */
static void test_the_queue_in_pages_in_the_clerks_order(void **state)
{
	/* More than a page (50) of open cases. */
	for (int i = 0; i < 52; i++)
		free(u_file("public_information", NULL));
	struct hresp r;
	char path[256] = "/api/v1/staff/queue";
	char last_due[16] = "";
	long long last_id = 0;
	int pages = 0, items = 0;
	bool seen_registered = false;
	for (;;) {
		call("GET", path, t_read, NULL, &r);
		expect(&r, 200, "a page of the queue");
		json_t *j = u_json(&r), *it;
		has_required(j, "CaseList");
		size_t i;
		json_array_foreach(json_object_get(j, "items"), i, it)
		{
			has_required(it, "CaseSummary");
			/* Due dates rising, ids rising among equal ones, then the
			 * cases without a due date by id. */
			const char *due = u_str(it, "due_on");
			long long id = json_integer_value(json_object_get(it, "id"));
			if (!due)
				due = "9999-99-99";
			assert_true(strcmp(due, last_due) > 0 || (!strcmp(due, last_due) && id > last_id));
			snprintf(last_due, sizeof last_due, "%s", due);
			last_id = id;
			seen_registered |= id == registered_id;
			assert_null(u_str(it, "closed_on"));
			items++;
		}
		pages++;
		const char *next = u_str(j, "next_cursor");
		if (!next) {
			json_decref(j);
			h_free(&r);
			break;
		}
		snprintf(path, sizeof path, "/api/v1/staff/queue?cursor=%s", next);
		json_decref(j);
		h_free(&r);
	}
	assert_int_equal(pages, 2);
	assert_true(seen_registered);
	assert_int_equal(items, u_count("SELECT count(*) FROM requests r JOIN organisations o ON "
	                                "o.id = r.org_id WHERE o.slug = 'mon' AND r.closed_on IS NULL"));
	/* The clerk's queue has the same first case. */
	call("GET", "/api/v1/staff/queue", t_read, NULL, &r);
	json_t *j = u_json(&r);
	long long first = json_integer_value(json_object_get(json_array_get(json_object_get(j, "items"), 0), "id"));
	json_decref(j);
	h_free(&r);
	u_staff_get(&clerk, "/panel", &r);
	char needle[64];
	snprintf(needle, sizeof needle, "/panel/sprawy/%lld\"", first);
	const char *at = strstr(r.body, "/panel/sprawy/");
	assert_non_null(at);
	assert_int_equal(strncmp(at, needle, strlen(needle)), 0);
	h_free(&r);
	/* The list pages too, with the same cursor. */
	call("GET", "/api/v1/staff/cases?open=true", t_read, NULL, &r);
	j = u_json(&r);
	assert_int_equal(json_array_size(json_object_get(j, "items")), 50);
	assert_non_null(u_str(j, "next_cursor"));
	json_decref(j);
	h_free(&r);
}

/* ---- Scopes and tokens ------------------------------------------------------------ */

static void expect_scope_refused(const char *method, const char *path, const char *token,
                                 const char *body, const char *scope)
{
	struct hresp r;
	call(method, path, token, body, &r);
	expect_problem(&r, 403, path);
	char want[128];
	snprintf(want, sizeof want, "error=\"insufficient_scope\", scope=\"%s\"", scope);
	const char *www = h_header(&r, "WWW-Authenticate");
	assert_non_null(www);
	assert_non_null(strstr(www, want));
	json_t *j = u_json(&r);
	has_required(j, "ProblemDetails");
	assert_string_equal(u_str(j, "code"), "insufficient_scope");
	assert_non_null(strstr(u_str(j, "detail"), scope));
	json_decref(j);
	h_free(&r);
}

static void test_every_scope_refusal(void **state)
{
	char one[96], docs[96];
	snprintf(one, sizeof one, "/api/v1/staff/cases/%lld", registered_id);
	snprintf(docs, sizeof docs, "/api/v1/staff/cases/%lld/documents", registered_id);
	char *reg = register_body("2026-11-02", "email", NULL);
	char *doc = document_body("skan.pdf", pdf, pdf_len);
	long attachments = u_countf("SELECT count(*) FROM attachments WHERE request_id = %lld",
	                            registered_id);
	long cases = u_count("SELECT count(*) FROM requests");
	/* read */
	expect_scope_refused("POST", "/api/v1/staff/requests", t_read, reg, "register");
	expect_scope_refused("POST", docs, t_read, doc, "documents");
	/* register */
	expect_scope_refused("GET", "/api/v1/staff/cases", t_register, NULL, "read");
	expect_scope_refused("GET", one, t_register, NULL, "read");
	expect_scope_refused("GET", "/api/v1/staff/queue", t_register, NULL, "read");
	expect_scope_refused("POST", docs, t_register, doc, "documents");
	/* documents */
	expect_scope_refused("GET", "/api/v1/staff/cases", t_documents, NULL, "read");
	expect_scope_refused("GET", one, t_documents, NULL, "read");
	expect_scope_refused("GET", "/api/v1/staff/queue", t_documents, NULL, "read");
	expect_scope_refused("POST", "/api/v1/staff/requests", t_documents, reg, "register");
	/* Nothing was written. */
	assert_int_equal(u_count("SELECT count(*) FROM requests"), cases);
	assert_int_equal(u_countf("SELECT count(*) FROM attachments WHERE request_id = %lld",
	                          registered_id),
	                 attachments);
	/* Each scope does what it names. */
	struct hresp r;
	call("POST", "/api/v1/staff/requests", t_register, reg, &r);
	expect(&r, 201, "register with its scope");
	h_free(&r);
	call("POST", docs, t_documents, doc, &r);
	expect(&r, 201, "a document with its scope");
	h_free(&r);
	call("GET", one, t_read, NULL, &r);
	expect(&r, 200, "read with its scope");
	h_free(&r);
	free(reg);
	free(doc);
	/* Each refusal is in the trail under the integration's name. */
	assert_int_equal(calls("EZD PUW (odczyt)", "requests.register", 403), 1);
	assert_int_equal(calls("EZD PUW (odczyt)", "cases.documents.add", 403), 1);
	assert_int_equal(calls("Kancelaria — rejestracja", "cases.list", 403), 1);
	assert_int_equal(calls("Kancelaria — rejestracja", "cases.show", 403), 1);
	assert_int_equal(calls("Kancelaria — rejestracja", "queue", 403), 1);
	assert_int_equal(calls("Skaner dokumentów", "requests.register", 403), 1);
	assert_true(h_metric(h_port(), "jawnosc_integration_calls_total{result=\"forbidden\"}") >= 10);
}

static void expect_unauthenticated(const char *token, const char *code, bool error)
{
	struct hresp r;
	call("GET", "/api/v1/staff/cases", token, NULL, &r);
	expect_problem(&r, 401, token ? token : "no token");
	const char *www = h_header(&r, "WWW-Authenticate");
	assert_non_null(www);
	assert_int_equal(strncmp(www, "Bearer realm=\"jawnosc\"", 22), 0);
	assert_true((strstr(www, "error=\"invalid_token\"") != NULL) == error);
	json_t *j = u_json(&r);
	assert_string_equal(u_str(j, "code"), code);
	assert_null(json_object_get(j, "items"));
	json_decref(j);
	h_free(&r);
}

static void test_a_missing_bad_or_revoked_token_is_401(void **state)
{
	double before = h_metric(h_port(), "jawnosc_integration_calls_total{result=\"unauthenticated\"}");
	expect_unauthenticated(NULL, "missing_token", false);
	expect_unauthenticated("!Basic YWRtaW46YWRtaW4=", "missing_token", false);
	expect_unauthenticated("!Bearer", "missing_token", false);
	expect_unauthenticated("nie-token", "invalid_token", true);
	expect_unauthenticated("jwi_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "invalid_token", true);
	/* The tracking token's shape, or a session's, is not an integration's. */
	expect_unauthenticated(t_full + 4, "invalid_token", true);
	/* A session does not open the API either. */
	struct hresp r;
	u_staff_get(&admin, "/api/v1/staff/cases", &r);
	expect(&r, 401, "a session on the API");
	h_free(&r);

	/* Revoking needs the session's CSRF token. */
	long long id = u_count("SELECT id FROM integrations WHERE name = 'Limit'");
	char body[128];
	snprintf(body, sizeof body, "op=revoke&id=%lld", id);
	const char *hdr[] = {"Content-Type: application/x-www-form-urlencoded", admin.cookie, NULL};
	h_request("POST", "/panel/admin/integracje", hdr, body, strlen(body), &r);
	expect(&r, 403, "revoking without the CSRF token");
	h_free(&r);
	/* Another body's administrator cannot revoke it. */
	u_staff_post(&other_admin, "/panel/admin/integracje", body, &r);
	expect(&r, 404, "another body's administrator revokes");
	h_free(&r);
	call("GET", "/api/v1/staff/queue", t_rate, NULL, &r);
	expect(&r, 200, "the token before it is revoked");
	h_free(&r);
	u_staff_post(&admin, "/panel/admin/integracje", body, &r);
	expect(&r, 303, "revoking");
	h_free(&r);
	expect_unauthenticated(t_rate, "token_revoked", true);
	assert_int_equal(calls("Limit", "cases.list", 401), 1);
	assert_int_equal(u_count("SELECT count(*) FROM events WHERE action = 'integration_revoked' "
	                         "AND actor = 'admin' AND data->>'name' = 'Limit'"),
	                 1);
	u_staff_get(&admin, "/panel/admin/integracje", &r);
	expect(&r, 200, "the list after revoking");
	assert_non_null(strstr(r.body, "wycofany 2"));
	h_free(&r);
	assert_true(h_metric(h_port(), "jawnosc_integration_calls_total{result=\"unauthenticated\"}") >=
	            before + 7);
}

/* A token is its body's: another body's cases are not found and not listed. */
static void test_another_bodys_token_sees_only_its_own(void **state)
{
	struct hresp r;
	char one[96], docs[96];
	snprintf(one, sizeof one, "/api/v1/staff/cases/%lld", registered_id);
	snprintf(docs, sizeof docs, "/api/v1/staff/cases/%lld/documents", registered_id);
	call("GET", one, t_other, NULL, &r);
	expect_problem(&r, 404, "another body's case");
	h_free(&r);
	long attachments = u_countf("SELECT count(*) FROM attachments WHERE request_id = %lld",
	                            registered_id);
	char *doc = document_body("obcy.pdf", pdf, pdf_len);
	call("POST", docs, t_other, doc, &r);
	free(doc);
	expect_problem(&r, 404, "a document to another body's case");
	h_free(&r);
	assert_int_equal(u_countf("SELECT count(*) FROM attachments WHERE request_id = %lld",
	                          registered_id),
	                 attachments);
	call("GET", "/api/v1/staff/cases", t_other, NULL, &r);
	expect(&r, 200, "another body's list");
	assert_null(strstr(r.body, "COMON."));
	h_free(&r);
	call("GET", "/api/v1/staff/queue", t_other, NULL, &r);
	expect(&r, 200, "another body's queue");
	assert_null(strstr(r.body, "COMON."));
	h_free(&r);
	/* What it registers is its own body's case. */
	char *reg = register_body("2026-11-03", "in_person", NULL);
	call("POST", "/api/v1/staff/requests", t_other, reg, &r);
	free(reg);
	expect(&r, 201, "another body registers");
	json_t *j = u_json(&r);
	assert_int_equal(strncmp(u_str(j, "case_number"), "SEK.", 4), 0);
	json_decref(j);
	h_free(&r);
	call("GET", "/api/v1/staff/cases", t_other, NULL, &r);
	j = u_json(&r);
	assert_int_equal(json_array_size(json_object_get(j, "items")), 1);
	json_decref(j);
	h_free(&r);
	assert_int_equal(calls("EZD innego urzędu", "cases.show", 404), 1);
}

/* ---- Hostile input ------------------------------------------------------------------ */

static void test_bad_input_is_a_polish_4xx_never_a_500(void **state)
{
	struct hresp r;
	char docs[96];
	snprintf(docs, sizeof docs, "/api/v1/staff/cases/%lld/documents", registered_id);
	long cases = u_count("SELECT count(*) FROM requests");
	/* Bodies that are not JSON objects. */
	char auth[128];
	snprintf(auth, sizeof auth, "Authorization: Bearer %s", t_hostile);
	const char *h2[] = {"Content-Type: text/plain", auth, NULL};
	h_request("POST", "/api/v1/staff/requests", h2, "{}", 2, &r);
	expect_problem(&r, 415, "text/plain");
	h_free(&r);
	static const char *const broken[] = {"{", "[1,2]", "\"tekst\"", "{\"a\":1,\"a\":2}", "",
	                                     "{\"subject\":\"\\u0000\"}"};
	for (size_t i = 0; i < sizeof broken / sizeof broken[0]; i++) {
		const char *h[] = {"Content-Type: application/json", auth, NULL};
		h_request("POST", "/api/v1/staff/requests", h, broken[i], strlen(broken[i]), &r);
		expect_problem(&r, 400, broken[i]);
		h_free(&r);
		h_request("POST", docs, h, broken[i], strlen(broken[i]), &r);
		expect_problem(&r, 400, broken[i]);
		h_free(&r);
	}
	/* Dates: not a date, not a day that exists, a day to come, not text. */
	static const char *const dates[] = {"wczoraj", "2026-02-30", "2026-11-05", "30.10.2026",
	                                    "2026-10-30T00:00:00Z", "1899-01-01"};
	for (size_t i = 0; i < sizeof dates / sizeof dates[0]; i++) {
		char *b = register_body(dates[i], "post", NULL);
		call("POST", "/api/v1/staff/requests", t_hostile, b, &r);
		free(b);
		expect_field(&r, "received_on", dates[i]);
		assert_non_null(strstr(r.body, "Podaj datę wpływu"));
		h_free(&r);
	}
	call("POST", "/api/v1/staff/requests", t_hostile,
	     "{\"received_on\":20261030,\"channel\":[\"post\"],\"requester\":\"Anna\","
	     "\"subject\":1}",
	     &r);
	expect_field(&r, "received_on", "a number for a date");
	expect_field(&r, "channel", "an array for a channel");
	expect_field(&r, "requester", "a string for the requester");
	expect_field(&r, "subject", "a number for a subject");
	h_free(&r);
	/* Missing everything: each field named, in the API's names. */
	call("POST", "/api/v1/staff/requests", t_hostile, "{}", &r);
	expect_field(&r, "received_on", "nothing");
	expect_field(&r, "channel", "nothing");
	expect_field(&r, "content", "nothing");
	h_free(&r);
	/* A channel a clerk does not register. */
	char *b = register_body("2026-10-30", "web", NULL);
	call("POST", "/api/v1/staff/requests", t_hostile, b, &r);
	free(b);
	expect_field(&r, "channel", "the web form's channel");
	h_free(&r);
	/* Attachments: not a list, too many, not objects, bad base64, a path
	 * for a name, a type not taken, too large. */
	static const struct {
		const char *attachments, *field;
	} bad[] = {
	    {"\"wniosek.pdf\"", "attachments"},
	    {"[{},{},{},{}]", "attachments"},
	    {"[\"x\"]", "attachments[0]"},
	    {"[{\"filename\":\"a.txt\",\"content_base64\":\"@@@@\"}]", "attachments[0].content_base64"},
	    {"[{\"filename\":\"a.txt\",\"content_base64\":\"QUJD=\"}]", "attachments[0].content_base64"},
	    {"[{\"filename\":\"a.txt\",\"content_base64\":\"QQ==QQ==\"}]", "attachments[0].content_base64"},
	    {"[{\"filename\":\"a.txt\",\"content_base64\":123}]", "attachments[0].content_base64"},
	    {"[{\"filename\":\"../../etc/passwd\",\"content_base64\":\"QUJD\"}]", "attachments[0].filename"},
	    {"[{\"filename\":\"\",\"content_base64\":\"QUJD\"}]", "attachments[0].filename"},
	    {"[{\"filename\":\"a\\u0007.txt\",\"content_base64\":\"QUJD\"}]", "attachments[0].filename"},
	    {"[{\"filename\":\"program.exe\",\"content_base64\":\"TVo=\"}]", "attachments"},
	    {"[{\"filename\":\"fake.pdf\",\"content_base64\":\"QUJD\"}]", "attachments"},
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		char extra[512];
		snprintf(extra, sizeof extra, ",\"attachments\":%s", bad[i].attachments);
		/* The body's own attachments member comes first: replace it. */
		char *full = register_body("2026-10-30", "post", NULL);
		char *at = strstr(full, ",\"attachments\":");
		snprintf(at, strlen(at) + 1, "%s}", extra);
		call("POST", "/api/v1/staff/requests", t_hostile, full, &r);
		free(full);
		expect_field(&r, bad[i].field, bad[i].attachments);
		h_free(&r);
	}
	/* A file over JAWNOSC_MAX_ATTACHMENT (100K here), refused without
	 * being decoded; the same in a document. */
	size_t big = 150 * 1024;
	unsigned char *blob = malloc(big);
	memcpy(blob, "%PDF-1.4\n", 9);
	memset(blob + 9, 'x', big - 9);
	char *doc = document_body("duzy.pdf", blob, big);
	call("POST", docs, t_hostile, doc, &r);
	expect_field(&r, "content_base64", "a document too large");
	assert_non_null(strstr(r.body, "MB"));
	h_free(&r);
	char *at = strstr(doc, "\"content_base64\":");
	char *reg = malloc(strlen(doc) + 1024);
	sprintf(reg, "{\"received_on\":\"2026-10-30\",\"channel\":\"post\",\"attachments\":[{\"filename\":"
	             "\"duzy.pdf\",%s]}",
	        at);
	call("POST", "/api/v1/staff/requests", t_hostile, reg, &r);
	expect_field(&r, "attachments[0].content_base64", "an attachment too large");
	h_free(&r);
	free(reg);
	free(doc);
	free(blob);
	/* A body over the route's limit: 413 before it is read. */
	size_t huge = 1200 * 1024;
	char *hb = malloc(huge + 1);
	memset(hb, 'A', huge);
	memcpy(hb, "{\"x\":\"", 6);
	memcpy(hb + huge - 2, "\"}", 2);
	hb[huge] = '\0';
	call("POST", "/api/v1/staff/requests", t_hostile, hb, &r);
	assert_int_equal(r.status, 413);
	h_free(&r);
	free(hb);
	/* Documents: not a PDF, not readable, no name. */
	doc = document_body("notatka.txt", "tekst", 5);
	call("POST", docs, t_hostile, doc, &r);
	free(doc);
	expect_field(&r, "content_base64", "a text as a document");
	assert_non_null(strstr(r.body, "tylko plik PDF"));
	h_free(&r);
	doc = document_body("zepsuty.pdf", "%PDF-1.4 to nie jest PDF", 24);
	call("POST", docs, t_hostile, doc, &r);
	free(doc);
	expect_field(&r, "content_base64", "a broken PDF");
	h_free(&r);
	call("POST", docs, t_hostile, "{\"content_base64\":\"QUJD\"}", &r);
	expect_field(&r, "filename", "no file name");
	h_free(&r);
	/* A case id that is none. */
	static const char *const ids[] = {"abc", "0", "-1", "99999999999999", "1e3", "%F0%9F%92%A9"};
	for (size_t i = 0; i < sizeof ids / sizeof ids[0]; i++) {
		char path[128];
		snprintf(path, sizeof path, "/api/v1/staff/cases/%s", ids[i]);
		call("GET", path, t_hostile, NULL, &r);
		expect_problem(&r, 404, path);
		h_free(&r);
	}
	/* The list's parameters. */
	static const struct {
		const char *query, *field;
	} params[] = {
	    {"state=otwarte", "state"},
	    {"open=tak", "open"},
	    {"kind=wniosek", "kind"},
	    {"channel=fax", "channel"},
	    {"received_from=2026-13-01", "received_from"},
	    {"received_to=jutro", "received_to"},
	    {"received_from=2026-11-02&received_to=2026-11-01", "received_to"},
	    {"updated_since=2026-11-04", "updated_since"},
	    {"updated_since=2026-11-04T25:00:00Z", "updated_since"},
	    {"updated_since=2026-11-04T09:00:00", "updated_since"},
	    {"updated_since=2026-11-04T09:00:00%2B16:00", "updated_since"},
	    {"cursor=xyz", "cursor"},
	    {"cursor=2026-11-13_", "cursor"},
	    {"cursor=2026-11-13_0", "cursor"},
	    {"cursor=none_1234567890123", "cursor"},
	    {"cursor=2026-02-30_5", "cursor"},
	};
	for (size_t i = 0; i < sizeof params / sizeof params[0]; i++) {
		char path[256];
		snprintf(path, sizeof path, "/api/v1/staff/cases?%s", params[i].query);
		call("GET", path, t_hostile, NULL, &r);
		expect_field(&r, params[i].field, path);
		h_free(&r);
	}
	static const char *const queue[] = {"overdue=1", "due_within=61", "due_within=-1", "cursor=none_abc"};
	for (size_t i = 0; i < sizeof queue / sizeof queue[0]; i++) {
		char path[256];
		snprintf(path, sizeof path, "/api/v1/staff/queue?%s", queue[i]);
		call("GET", path, t_hostile, NULL, &r);
		assert_true(r.status == 422 || r.status == 400);
		expect_problem(&r, r.status, path);
		h_free(&r);
	}
	/* Nothing was filed by any of it. */
	assert_int_equal(u_count("SELECT count(*) FROM requests"), cases);
	/* Every refusal is in the trail, none a server error. */
	assert_int_equal(u_count("SELECT count(*) FROM events WHERE action = 'integration_call' "
	                         "AND data->>'integration' = 'Testy wejścia' AND "
	                         "(data->>'status')::int >= 500"),
	                 0);
	assert_true(u_count("SELECT count(*) FROM events WHERE action = 'integration_call' AND "
	                    "data->>'integration' = 'Testy wejścia'") >= 40);
}

/* ---- The limit, the trail, the last use ---------------------------------------------- */

static void test_a_token_over_its_limit_gets_429_with_retry_after(void **state)
{
	char token[96];
	create(&admin, "Limit 2", "&scopes=read", token);
	struct hresp r;
	for (int i = 0; i < RATE; i++) {
		call("GET", "/api/v1/staff/queue?due_within=0", token, NULL, &r);
		expect(&r, 200, "within the limit");
		h_free(&r);
	}
	call("GET", "/api/v1/staff/queue", token, NULL, &r);
	expect_problem(&r, 429, "over the limit");
	const char *retry = h_header(&r, "Retry-After");
	assert_non_null(retry);
	assert_true(atoi(retry) >= 1 && atoi(retry) <= 60);
	assert_non_null(strstr(r.body, "Limit 2"));
	h_free(&r);
	/* Another token is not held back by it. */
	call("GET", "/api/v1/staff/queue", t_read, NULL, &r);
	expect(&r, 200, "another token");
	h_free(&r);
	assert_int_equal(calls("Limit 2", "queue", 429), 1);
	assert_true(h_metric(h_port(), "jawnosc_integration_calls_total{result=\"rate_limited\"}") >= 1);
}

static void test_every_call_is_an_audit_event_naming_the_integration(void **state)
{
	static const char *const ops[] = {"cases.list", "cases.show", "queue", "requests.register",
	                                  "cases.documents.add"};
	for (size_t i = 0; i < sizeof ops / sizeof ops[0]; i++) {
		long n = calls("EZD RP — kancelaria", ops[i], 0);
		if (n < 1)
			fprintf(stderr, "no event of %s\n", ops[i]);
		assert_true(n >= 1);
	}
	assert_int_equal(calls("EZD RP — kancelaria", "requests.register", 201), 1);
	assert_int_equal(
	    u_countf("SELECT count(*) FROM events WHERE action = 'integration_call' AND "
	             "data->>'operation' = 'cases.documents.add' AND (data->>'case_id')::bigint = %lld "
	             "AND data->>'integration' = 'EZD RP — kancelaria'",
	             registered_id),
	    1);
	/* Each event carries the integration's id; none holds a token. */
	assert_int_equal(u_count("SELECT count(*) FROM events e WHERE e.action = 'integration_call' "
	                         "AND NOT EXISTS (SELECT 1 FROM integrations i WHERE i.id = "
	                         "(e.data->>'integration_id')::bigint AND i.org_id = e.org_id AND "
	                         "i.name = e.data->>'integration')"),
	                 0);
	assert_int_equal(u_count("SELECT count(*) FROM events WHERE data::text LIKE '%jwi_%'"), 0);
	/* The chain still verifies. */
	char *out = NULL;
	const char *args[] = {"audit", "verify", NULL};
	int rc = h_cli(&out, args);
	if (rc != 0)
		fprintf(stderr, "audit verify: %s\n", out);
	assert_int_equal(rc, 0);
	free(out);
}

static void test_the_page_shows_each_tokens_last_use(void **state)
{
	struct hresp r;
	u_staff_get(&admin, "/panel/admin/integracje", &r);
	expect(&r, 200, "the list");
	/* Used today (the database's clock): a date in the row of a used
	 * token; the scanner's token was used, a new one not. */
	assert_null(strstr(r.body, "jwi_"));
	const char *row = strstr(r.body, "<th scope=\"row\">EZD RP — kancelaria</th>");
	assert_non_null(row);
	const char *end = strstr(row, "</tr>");
	char *cells = strndup(row, (size_t)(end - row));
	assert_null(strstr(cells, "jeszcze nie użyty"));
	free(cells);
	h_free(&r);
	assert_int_equal(u_count("SELECT count(*) FROM integrations WHERE last_used_at IS NULL"), 0);
	char unused[96];
	create(&admin, "Nowy", "&scopes=read", unused);
	u_staff_get(&admin, "/panel/admin/integracje", &r);
	row = strstr(r.body, "<th scope=\"row\">Nowy</th>");
	assert_non_null(row);
	end = strstr(row, "</tr>");
	cells = strndup(row, (size_t)(end - row));
	assert_non_null(strstr(cells, "jeszcze nie użyty"));
	free(cells);
	h_free(&r);
	struct hresp c;
	call("GET", "/api/v1/staff/queue", unused, NULL, &c);
	expect(&c, 200, "the new token's first call");
	h_free(&c);
	assert_int_equal(u_count("SELECT count(*) FROM integrations WHERE name = 'Nowy' AND "
	                         "last_used_at IS NOT NULL"),
	                 1);
	u_staff_get(&admin, "/panel/admin/integracje", &r);
	row = strstr(r.body, "<th scope=\"row\">Nowy</th>");
	end = strstr(row, "</tr>");
	cells = strndup(row, (size_t)(end - row));
	assert_null(strstr(cells, "jeszcze nie użyty"));
	free(cells);
	h_free(&r);
}

/* A registration with `token` and an Idempotency-Key header. */
static void call_keyed(const char *token, const char *key, const char *body, struct hresp *r)
{
	char auth[256], k[160];
	snprintf(auth, sizeof auth, "Authorization: Bearer %s", token);
	snprintf(k, sizeof k, "Idempotency-Key: %s", key);
	const char *hdr[] = {auth, "Content-Type: application/json", k, NULL};
	h_request("POST", "/api/v1/staff/requests", hdr, body, strlen(body), r);
}

/* An EZD system retrying after a lost answer registers the request once:
 * the same key with the same body answers the case registered then (200),
 * another body under the key is refused, a malformed key is 400, and the
 * key is the integration's own (another token's same key registers). */
static void test_a_retry_with_the_same_key_registers_once(void **state)
{
	char token[96];
	create(&admin, "EZD — ponowienia", "&scopes=read&scopes=register", token);
	char *body = register_body("2026-11-02", "post", NULL);
	long cases = u_count("SELECT count(*) FROM requests");
	struct hresp r;
	call_keyed(token, "ezd-2026-000123", body, &r);
	expect(&r, 201, "the first registration with a key");
	json_t *first = u_json(&r);
	long long id = json_integer_value(json_object_get(first, "id"));
	const char *cn = u_str(first, "case_number");
	assert_non_null(cn);
	char number[64];
	snprintf(number, sizeof number, "%s", cn ? cn : "");
	json_decref(first);
	h_free(&r);
	call_keyed(token, "ezd-2026-000123", body, &r);
	expect(&r, 200, "the retry with the same key and body");
	json_t *again = u_json(&r);
	assert_int_equal(json_integer_value(json_object_get(again, "id")), id);
	assert_string_equal(u_str(again, "case_number"), number);
	json_decref(again);
	assert_non_null(strstr(h_header(&r, "Location"), "/api/v1/staff/cases/"));
	h_free(&r);
	assert_int_equal(u_count("SELECT count(*) FROM requests"), cases + 1);
	assert_int_equal(u_countf("SELECT count(*) FROM attachments WHERE request_id = %lld", id), 2);
	/* Another body under the same key: refused, nothing registered. */
	char *other = register_body("2026-11-03", "post", NULL);
	call_keyed(token, "ezd-2026-000123", other, &r);
	expect_problem(&r, 422, "another body under the key");
	assert_non_null(strstr(r.body, "idempotency_key_reused"));
	assert_non_null(strstr(r.body, "Idempotency-Key"));
	h_free(&r);
	/* A malformed key: 400 before anything is read. */
	call_keyed(token, "krótki", body, &r);
	expect_problem(&r, 400, "a malformed key");
	h_free(&r);
	assert_int_equal(u_count("SELECT count(*) FROM requests"), cases + 1);
	/* The same key from another integration is its own. */
	call_keyed(t_register, "ezd-2026-000123", body, &r);
	expect(&r, 201, "the same key of another integration");
	h_free(&r);
	assert_int_equal(u_count("SELECT count(*) FROM requests"), cases + 2);
	free(body);
	free(other);
}

int main(void)
{
	h_setup_db("staff_api");
	u_seed_demo();
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_the_page_shows_a_new_secret_once_and_stores_only_its_hash),
	    cmocka_unit_test(test_every_operation_over_http),
	    cmocka_unit_test(test_the_queue_in_pages_in_the_clerks_order),
	    cmocka_unit_test(test_every_scope_refusal),
	    cmocka_unit_test(test_a_missing_bad_or_revoked_token_is_401),
	    cmocka_unit_test(test_another_bodys_token_sees_only_its_own),
	    cmocka_unit_test(test_bad_input_is_a_polish_4xx_never_a_500),
	    cmocka_unit_test(test_a_token_over_its_limit_gets_429_with_retry_after),
	    cmocka_unit_test(test_every_call_is_an_audit_event_naming_the_integration),
	    cmocka_unit_test(test_a_retry_with_the_same_key_registers_once),
	    cmocka_unit_test(test_the_page_shows_each_tokens_last_use),
	};
	int failed = cmocka_run_group_tests_name("staff_api", tests, setup, h_stop_server);
	h_teardown();
	free(pdf);
	return failed;
}
