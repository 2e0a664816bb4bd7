/* SPDX-License-Identifier: EUPL-1.2 */
/* Hostile input against the real server and the real PostgreSQL (issue 9,
 * part 4): markup, SQL and template metacharacters, Polish text, emoji,
 * 10,000-character strings, invalid UTF-8 and NUL bytes in every text field
 * of the filing form, the API, the tracking page's action form and the
 * panel's forms; malformed HTTP on raw sockets (request lines, headers,
 * Content-Length, chunked bodies, pipelining); path traversal; wrong
 * content types on every POST endpoint; multipart parts over the body and
 * attachment limits; JSON bombs; slowloris.
 *
 * What must hold: invalid input gets a 4xx with a Polish message, never a
 * 5xx and never a crash; valid but nasty text is stored byte-exact (compared
 * in the database) and rendered escaped (no raw "<script" or "<img" in any
 * page); after each group /healthz still answers 200, and the harness fails
 * the test if the server's log shows a sanitizer report when it stops. */
#include <arpa/inet.h>
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "integration/cases_util.h"

/* ---- small tools ---------------------------------------------------------- */

struct buf {
	char *p;
	size_t n, cap;
};

static void b_add(struct buf *b, const void *d, size_t n)
{
	if (b->n + n + 1 > b->cap) {
		b->cap = (b->n + n + 1) * 2;
		b->p = realloc(b->p, b->cap);
	}
	memcpy(b->p + b->n, d, n);
	b->n += n;
	b->p[b->n] = '\0';
}

static void b_str(struct buf *b, const char *s)
{
	b_add(b, s, strlen(s));
}

static void b_fmt(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *s = NULL;
	int n = vasprintf(&s, fmt, ap);
	va_end(ap);
	assert_true(n >= 0);
	b_add(b, s, (size_t)n);
	free(s);
}

static void b_free(struct buf *b)
{
	free(b->p);
	memset(b, 0, sizeof *b);
}

/* Percent-encodes everything but unreserved characters. */
static void b_urlenc(struct buf *b, const char *s, size_t n)
{
	static const char hex[] = "0123456789ABCDEF";
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		    c == '-' || c == '_' || c == '.' || c == '~') {
			b_add(b, &s[i], 1);
		} else {
			char e[3] = {'%', hex[c >> 4], hex[c & 15]};
			b_add(b, e, 3);
		}
	}
}

/* "&name=value", the value percent-encoded. */
static void b_pair(struct buf *b, const char *name, const char *value)
{
	b_fmt(b, "%s%s=", b->n ? "&" : "", name);
	b_urlenc(b, value, strlen(value));
}

/* What the template engine writes for `s` (strbuf.c sb_html_escape). */
static char *esc(const char *s)
{
	struct buf b = {0};
	b_str(&b, "");
	for (; *s; s++) {
		switch (*s) {
		case '&': b_str(&b, "&amp;"); break;
		case '<': b_str(&b, "&lt;"); break;
		case '>': b_str(&b, "&gt;"); break;
		case '"': b_str(&b, "&quot;"); break;
		case '\'': b_str(&b, "&#39;"); break;
		default: b_add(&b, s, 1);
		}
	}
	return b.p;
}

static const char *header_in(const struct hresp *r, const char *name, char *out, size_t len)
{
	size_t nl = strlen(name);
	for (const char *line = r->headers; line && *line;) {
		const char *end = strstr(line, "\r\n");
		size_t ll = end ? (size_t)(end - line) : strlen(line);
		if (ll > nl && strncasecmp(line, name, nl) == 0 && line[nl] == ':') {
			const char *v = line + nl + 1;
			while (*v == ' ')
				v++;
			snprintf(out, len, "%.*s", (int)(ll - (size_t)(v - line)), v);
			return out;
		}
		if (!end)
			break;
		line = end + 2;
	}
	return NULL;
}

static void alive(void)
{
	struct hresp r;
	h_get("/healthz", &r);
	if (r.status != 200)
		fprintf(stderr, "/healthz answered %ld after the group\n", r.status);
	assert_int_equal(r.status, 200);
	h_free(&r);
}

/* Text of the HTML in [p, e) without its tags, headings dropped (a
 * heading is the same whatever went wrong), in a buffer of the caller's. */
static void html_text(const char *p, const char *e, struct buf *out)
{
	b_str(out, "");
	while (p < e) {
		if (!strncmp(p, "<h1", 3) || !strncmp(p, "<h2", 3)) {
			char close[6] = {'<', '/', 'h', p[2], '>', '\0'};
			const char *c = strstr(p, close);
			p = c && c < e ? c + 5 : e;
		} else if (*p == '<') {
			const char *c = memchr(p, '>', (size_t)(e - p));
			p = c ? c + 1 : e;
			b_str(out, " ");
		} else {
			b_add(out, p++, 1);
		}
	}
}

/* The message an HTML page gives for the error: the element marked
 * role="alert" (a form sent back with what is wrong: its summary or the
 * field's message), or else the paragraph of an error page
 * (templates/pages/error.html: heading, this text, then the code). False
 * when the page has neither. */
static bool html_message(const char *html, struct buf *out)
{
	const char *a = strstr(html, "role=\"alert\"");
	if (a) {
		const char *open = a;
		while (open > html && *open != '<')
			open--;
		size_t n = strcspn(open + 1, " >");
		char close[16];
		snprintf(close, sizeof close, "</%.*s>", (int)(n < 8 ? n : 8), open + 1);
		const char *body = strchr(a, '>'), *end = body ? strstr(body, close) : NULL;
		if (!end)
			return false;
		html_text(body + 1, end, out);
		return true;
	}
	const char *code = strstr(html, "<p class=\"error-code\">");
	if (!code)
		return false;
	const char *p = code;
	while (p > html && strncmp(p, "<p>", 3) != 0)
		p--;
	if (p == html)
		return false;
	html_text(p, code, out);
	return true;
}

/* The message of a problem document (RFC 9457): its detail. */
static bool problem_message(const char *body, struct buf *out)
{
	json_t *doc = json_loads(body, 0, NULL);
	json_t *d = json_object_get(doc, "detail");
	bool ok = json_is_string(d);
	if (ok)
		b_str(out, json_string_value(d));
	json_decref(doc);
	return ok;
}

/* A 4xx (not a 5xx, not a dropped connection) whose message says something
 * in Polish: the detail of a problem document, or on an HTML page the text
 * of its alert or of the error page (not the layout around it, which is
 * Polish whatever the page says). Polish: a letter of the alphabet outside
 * ASCII, or one of the words the messages use ("Wybierz rodzaj wniosku."
 * has no such letter). */
static void assert_4xx_polish(const struct hresp *r, const char *what)
{
	if (r->status < 400 || r->status > 499)
		fprintf(stderr, "%s: %ld %.400s\n", what, r->status, r->body);
	assert_true(r->status >= 400 && r->status <= 499);
	const char *ct = h_header(r, "Content-Type");
	struct buf msg = {0};
	bool found = false;
	if (ct && !strcmp(ct, "application/problem+json"))
		found = problem_message(r->body, &msg);
	else if (ct && !strncmp(ct, "text/html", 9))
		found = html_message(r->body, &msg);
	if (!found) {
		fprintf(stderr, "%s: %ld %s without a message: %.400s\n", what, r->status,
		        ct ? ct : "(no type)", r->body);
		fail();
	}
	static const char *const marks[] = {"ą", "ć", "ę", "ł", "ń", "ó", "ś", "ź", "ż",
	                                    "Ą", "Ć", "Ę", "Ł", "Ń", "Ó", "Ś", "Ź", "Ż",
	                                    "Nieprawidłow", "Popraw", "Wybierz", "Podaj", "Wpisz",
	                                    "nie ", "Nie ", "jest", "musi", NULL};
	bool polish = false;
	for (int i = 0; marks[i]; i++)
		polish |= strstr(msg.p, marks[i]) != NULL;
	if (!polish)
		fprintf(stderr, "%s: %ld, no Polish in its message \"%.300s\"\n", what, r->status, msg.p);
	b_free(&msg);
	assert_true(polish);
}

/* Nothing that could run in a browser made it into the page unescaped. */
static void assert_no_raw_markup(const char *html, const char *where)
{
	static const char *const bad[] = {"<script>alert", "<img src=x", "onerror=alert(1)>",
	                                  "<script>x", "<b>bold</b>", NULL};
	for (int i = 0; bad[i]; i++) {
		if (strstr(html, bad[i])) {
			fprintf(stderr, "%s: raw \"%s\" in the page\n", where, bad[i]);
			fail();
		}
	}
}

static void assert_shows_escaped(const char *html, const char *value, const char *where)
{
	char *e = esc(value);
	if (!strstr(html, e)) {
		fprintf(stderr, "%s: \"%s\" is not in the page as \"%s\"\n", where, value, e);
		free(e);
		fail();
	}
	free(e);
}

/* ---- the payloads --------------------------------------------------------- */

/* Valid but nasty: each must be stored byte-exact and rendered escaped.
 * Short enough that every field takes them with its suffix (the phone
 * number has at most 40 characters). */
static const char *const nasty[] = {
    "<script>alert(1)</script>",
    "\"><img src=x onerror=alert(1)>",
    "'; DROP TABLE requests; --",
    "{{7*7}} {{{content}}} {{#org}}x",
    "Zażółć gęślą jaźń „Łódź” ĄĆĘŁŃÓŚŹŻ",
    "\xF0\x9F\x99\x82\xF0\x9F\x91\x8D\xF0\x9F\x8F\xBD \xF0\x9D\x84\x9E emoji <b>bold</b>",
};
#define NNASTY (sizeof nasty / sizeof nasty[0])

struct fields {
	char subject[512], content[512], form[512], purpose[512], format[512], manner[512];
	char name[512], email[128], postal[512], phone[128];
};

static void nasty_fields(size_t i, const char *channel, struct fields *f)
{
	const char *p = nasty[i];
	snprintf(f->subject, sizeof f->subject, "%s temat %s-%zu", p, channel, i);
	snprintf(f->content, sizeof f->content, "%s\r\n\ttreść w drugiej linii", p);
	snprintf(f->form, sizeof f->form, "%s forma", p);
	snprintf(f->purpose, sizeof f->purpose, "%s\ncel", p);
	snprintf(f->format, sizeof f->format, "%s format", p);
	snprintf(f->manner, sizeof f->manner, "%s sposób", p);
	snprintf(f->name, sizeof f->name, "%s imię", p);
	snprintf(f->email, sizeof f->email, "o'hara+%s%zu@example.pl", channel, i);
	snprintf(f->postal, sizeof f->postal, "%s\r\n00-950 Warszawa", p);
	snprintf(f->phone, sizeof f->phone, "%s tel", p);
}

/* The stored request matches `f` byte for byte. */
static void assert_stored(const char *case_number, const struct fields *f)
{
	PGconn *c = h_db();
	const char *p[1] = {case_number};
	PGresult *r = PQexecParams(
	    c,
	    "SELECT r.subject, r.body, coalesce(r.form, ''), coalesce(r.reuse_purpose, ''), "
	    "coalesce(r.reuse_format, ''), coalesce(r.reuse_manner, ''), coalesce(q.name, ''), "
	    "coalesce(q.email, ''), coalesce(q.postal_address, ''), coalesce(q.phone, '') "
	    "FROM requests r JOIN requesters q ON q.request_id = r.id WHERE r.case_number = $1",
	    1, NULL, p, NULL, NULL, 0);
	assert_int_equal(PQresultStatus(r), PGRES_TUPLES_OK);
	assert_int_equal(PQntuples(r), 1);
	const char *want[] = {f->subject, f->content, f->form,  f->purpose, f->format,
	                      f->manner,  f->name,    f->email, f->postal,  f->phone};
	for (int k = 0; k < 10; k++) {
		if (strcmp(PQgetvalue(r, 0, k), want[k]) != 0) {
			fprintf(stderr, "%s column %d stored as \"%s\", sent \"%s\"\n", case_number, k,
			        PQgetvalue(r, 0, k), want[k]);
			fail();
		}
	}
	PQclear(r);
	PQfinish(c);
}

static void assert_event_text(const char *case_number, const char *action, const char *text)
{
	PGconn *c = h_db();
	const char *p[3] = {case_number, action, text};
	PGresult *r = PQexecParams(c,
	                           "SELECT count(*) FROM events e JOIN requests r ON r.id = e.request_id "
	                           "WHERE r.case_number = $1 AND e.action = $2 AND event_data(e)->>'text' = $3",
	                           3, NULL, p, NULL, NULL, 0);
	assert_int_equal(PQresultStatus(r), PGRES_TUPLES_OK);
	if (atoi(PQgetvalue(r, 0, 0)) != 1)
		fprintf(stderr, "%s: no %s event with the text \"%s\"\n", case_number, action, text);
	assert_int_equal(atoi(PQgetvalue(r, 0, 0)), 1);
	PQclear(r);
	PQfinish(c);
}

static struct u_staff admin;
static bool signed_in;

static const struct u_staff *staff(void)
{
	if (!signed_in) {
		u_login("admin@mon.example", "jawnosc-demo", &admin);
		signed_in = true;
	}
	return &admin;
}

/* The tracking page, the panel's case page and the API show `f` escaped
 * (HTML) or exactly (JSON). */
static void assert_rendered(const char *token, const char *case_number, const struct fields *f)
{
	struct hresp r;
	char path[256];
	snprintf(path, sizeof path, "/sprawa/%s", token);
	h_get(path, &r);
	assert_int_equal(r.status, 200);
	assert_no_raw_markup(r.body, "tracking page");
	assert_shows_escaped(r.body, f->subject, "tracking page");
	h_free(&r);

	snprintf(path, sizeof path, "/panel/sprawy/%lld", u_request_id(case_number));
	u_staff_get(staff(), path, &r);
	assert_int_equal(r.status, 200);
	assert_no_raw_markup(r.body, "panel case page");
	const char *shown[] = {f->subject, f->content, f->form,  f->purpose, f->format,
	                       f->manner,  f->name,    f->email, f->postal,  f->phone};
	for (int k = 0; k < 10; k++)
		assert_shows_escaped(r.body, shown[k], "panel case page");
	h_free(&r);

	snprintf(path, sizeof path, "/api/v1/requests/%s", token);
	h_get(path, &r);
	assert_int_equal(r.status, 200);
	json_t *j = u_json(&r);
	assert_string_equal(u_str(j, "subject"), f->subject);
	json_decref(j);
	h_free(&r);
}

/* ---- the filing form ------------------------------------------------------ */

/* POSTs `b` (url-encoded fields, without csrf and submission_id). */
static void submit_form(const struct u_form *fp, const struct buf *fields, struct hresp *r)
{
	struct buf b = {0};
	b_fmt(&b, "csrf=%s&submission_id=%s&", fp->csrf, fp->sid);
	b_add(&b, fields->p, fields->n);
	const char *hdr[] = {"Content-Type: application/x-www-form-urlencoded", fp->cookie, NULL};
	h_request("POST", "/wniosek", hdr, b.p, b.n, r);
	b_free(&b);
}

static void form_fields(const struct fields *f, struct buf *b)
{
	b_pair(b, "kind", "reuse");
	b_pair(b, "subject", f->subject);
	b_pair(b, "content", f->content);
	b_pair(b, "form", f->form);
	b_pair(b, "delivery", "email");
	b_pair(b, "name", f->name);
	b_pair(b, "email", f->email);
	b_pair(b, "postal_address", f->postal);
	b_pair(b, "phone", f->phone);
	b_pair(b, "purpose", f->purpose);
	b_pair(b, "format", f->format);
	b_pair(b, "manner", f->manner);
}

/* The token from a "/sprawa/<token>/potwierdzenie" redirect. */
static void token_of(const struct hresp *r, char *token, size_t len)
{
	char loc[256];
	assert_non_null(header_in(r, "Location", loc, sizeof loc));
	const char *p = strstr(loc, "/sprawa/");
	assert_non_null(p);
	p += strlen("/sprawa/");
	const char *e = strchr(p, '/');
	snprintf(token, len, "%.*s", (int)(e ? e - p : (long)strlen(p)), p);
}

static void case_number_of_subject(const char *subject, char *out, size_t len)
{
	PGconn *c = h_db();
	const char *p[1] = {subject};
	PGresult *r = PQexecParams(c, "SELECT case_number FROM requests WHERE subject = $1", 1, NULL,
	                           p, NULL, NULL, 0);
	assert_int_equal(PQntuples(r), 1);
	snprintf(out, len, "%s", PQgetvalue(r, 0, 0));
	PQclear(r);
	PQfinish(c);
}

/* ---- setup ---------------------------------------------------------------- */

/* Raw requests name "Host: x": the demo body answers them (as a body of
 * its own deployment would), so bodies and forms are read past the host. */
static const char *const server_env[] = {"JAWNOSC_FILING_RATE=100000", "JAWNOSC_DEFAULT_ORG=mon",
                                         NULL};

static int setup(void **state)
{
	(void)state;
	h_server_start(server_env);
	return 0;
}

/* Each test's time, so that a slow group shows in the log. */
static struct timespec test_t0;

static int test_start(void **state)
{
	(void)state;
	clock_gettime(CLOCK_MONOTONIC, &test_t0);
	return 0;
}

static int test_end(void **state)
{
	(void)state;
	struct timespec t1;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	printf("    (%.1f s)\n",
	        (double)(t1.tv_sec - test_t0.tv_sec) + (double)(t1.tv_nsec - test_t0.tv_nsec) / 1e9);
	return 0;
}

#define TIMED(f) cmocka_unit_test_setup_teardown(f, test_start, test_end)

/* ---- valid but nasty text -------------------------------------------------- */

static char *api_body(const struct fields *f, size_t flags)
{
	json_t *doc = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:{s:s, s:s, s:s, s:s}}",
	                        "kind", "reuse", "subject", f->subject, "content", f->content,
	                        "form", f->form, "delivery", "email", "purpose", f->purpose,
	                        "format", f->format, "manner", f->manner, "requester", "name",
	                        f->name, "email", f->email, "postal_address", f->postal, "phone",
	                        f->phone);
	assert_non_null(doc);
	char *s = json_dumps(doc, JSON_COMPACT | flags);
	json_decref(doc);
	return s;
}

static void test_nasty_text_through_the_api_is_stored_exactly_and_rendered_escaped(void **state)
{
	for (size_t i = 0; i < NNASTY; i++) {
		struct fields f;
		nasty_fields(i, "api", &f);
		/* Half of them with every non-ASCII character as \u escapes
		 * (emoji as surrogate pairs). */
		char *body = api_body(&f, i % 2 ? JSON_ENSURE_ASCII : 0);
		struct hresp r;
		u_post_json("/api/v1/requests", body, &r);
		free(body);
		if (r.status != 201)
			fprintf(stderr, "payload %zu: %ld %s\n", i, r.status, r.body);
		assert_int_equal(r.status, 201);
		json_t *j = u_json(&r);
		char number[64], token[64];
		snprintf(number, sizeof number, "%s", u_str(j, "case_number"));
		snprintf(token, sizeof token, "%s", u_str(j, "tracking_token"));
		json_decref(j);
		h_free(&r);
		assert_stored(number, &f);
		assert_rendered(token, number, &f);

		/* The requester's action through the API, with the payload as
		 * its text: stored exactly, shown escaped. */
		char path[256], text[600];
		snprintf(text, sizeof text, "%s\r\nuzasadnienie", nasty[i]);
		json_t *act = json_pack("{s:s, s:i}", "text", text, "version", 1);
		char *ab = json_dumps(act, JSON_COMPACT);
		json_decref(act);
		snprintf(path, sizeof path, "/api/v1/requests/%s/actions/withdraw", token);
		u_post_json(path, ab, &r);
		free(ab);
		if (r.status != 200)
			fprintf(stderr, "withdraw %zu: %ld %s\n", i, r.status, r.body);
		assert_int_equal(r.status, 200);
		h_free(&r);
		assert_event_text(number, "withdraw", text);
		snprintf(path, sizeof path, "/sprawa/%s", token);
		h_get(path, &r);
		assert_no_raw_markup(r.body, "tracking page after withdraw");
		assert_shows_escaped(r.body, text, "tracking page after withdraw");
		h_free(&r);
	}
	alive();
}

static void test_nasty_text_through_the_form_is_stored_exactly_and_rendered_escaped(void **state)
{
	for (size_t i = 0; i < NNASTY; i++) {
		struct fields f;
		nasty_fields(i, "form", &f);
		struct u_form fp;
		u_open_form(&fp);
		struct buf b = {0};
		form_fields(&f, &b);
		struct hresp r;
		submit_form(&fp, &b, &r);
		b_free(&b);
		if (r.status != 303)
			fprintf(stderr, "payload %zu: %ld %.500s\n", i, r.status, r.body);
		assert_int_equal(r.status, 303);
		char token[64], number[64];
		token_of(&r, token, sizeof token);
		h_free(&r);
		case_number_of_subject(f.subject, number, sizeof number);
		assert_stored(number, &f);
		assert_rendered(token, number, &f);

		/* The tracking page's action form with the payload as text. */
		char path[256], text[600];
		snprintf(text, sizeof text, "%s\r\nuzasadnienie", nasty[i]);
		b_pair(&b, "csrf", fp.csrf);
		b_pair(&b, "action", "withdraw");
		b_pair(&b, "version", "1");
		b_pair(&b, "potwierdzam", "1");
		b_pair(&b, "text", text);
		snprintf(path, sizeof path, "/sprawa/%s/czynnosc", token);
		const char *hdr[] = {"Content-Type: application/x-www-form-urlencoded", fp.cookie, NULL};
		h_request("POST", path, hdr, b.p, b.n, &r);
		b_free(&b);
		assert_int_equal(r.status, 303);
		h_free(&r);
		assert_event_text(number, "withdraw", text);
		snprintf(path, sizeof path, "/sprawa/%s", token);
		h_get(path, &r);
		assert_no_raw_markup(r.body, "tracking page after withdraw");
		assert_shows_escaped(r.body, text, "tracking page after withdraw");
		h_free(&r);
	}
	/* The same text typed into a form that comes back with an error is
	 * shown escaped in the fields it was typed into. */
	struct fields f;
	nasty_fields(0, "form-error", &f);
	struct u_form fp;
	u_open_form(&fp);
	struct buf b = {0};
	form_fields(&f, &b);
	struct buf b2 = {0}; /* the first "kind" counts: make it a bad one */
	b_pair(&b2, "kind", "nonsense");
	b_add(&b2, "&", 1);
	b_add(&b2, b.p, b.n);
	struct hresp r;
	submit_form(&fp, &b2, &r);
	b_free(&b);
	b_free(&b2);
	assert_4xx_polish(&r, "form with a bad kind");
	assert_no_raw_markup(r.body, "form again");
	assert_shows_escaped(r.body, f.subject, "form again");
	assert_shows_escaped(r.body, f.content, "form again");
	h_free(&r);
	alive();
}

/* ---- 10,000 characters ------------------------------------------------------ */

static char *ten_thousand(const char *unit)
{
	struct buf b = {0};
	for (int i = 0; i < 10000; i++)
		b_str(&b, unit);
	return b.p;
}

static void test_ten_thousand_characters_in_each_field(void **state)
{
	char *z = ten_thousand("ż"); /* 10,000 characters, 20,000 bytes */
	static const char *const members[] = {"subject", "content", "form",   "purpose",
	                                      "format",  "manner",  "name",   "postal_address",
	                                      "phone",   "email"};
	for (size_t i = 0; i < sizeof members / sizeof members[0]; i++) {
		json_t *who = json_pack("{s:s, s:s, s:s}", "name", "Jan Nowak", "postal_address",
		                        "ul. Długa 1, 00-950 Warszawa", "email", "jan@example.pl");
		json_t *doc = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:o}", "kind", "reuse",
		                        "subject", "Długie pole", "content", "Treść wniosku o dane.",
		                        "delivery", "tracking_page", "purpose", "analiza", "format",
		                        "CSV", "manner", "e-mail", "requester", who);
		bool requester = i >= 6;
		json_object_set_new(requester ? who : doc, members[i], json_string(z));
		char *body = json_dumps(doc, JSON_COMPACT);
		json_decref(doc);
		struct hresp r;
		u_post_json("/api/v1/requests", body, &r);
		free(body);
		if (!strcmp(members[i], "content")) {
			/* Within the limit of 20,000 characters: filed, stored exactly. */
			assert_int_equal(r.status, 201);
			json_t *j = u_json(&r);
			PGconn *c = h_db();
			const char *p[2] = {u_str(j, "case_number"), z};
			PGresult *q = PQexecParams(c, "SELECT count(*) FROM requests WHERE case_number = $1 "
			                              "AND body = $2 AND char_length(body) = 10000",
			                           2, NULL, p, NULL, NULL, 0);
			assert_string_equal(PQgetvalue(q, 0, 0), "1");
			PQclear(q);
			PQfinish(c);
			json_decref(j);
		} else {
			assert_int_equal(r.status, 422);
			assert_4xx_polish(&r, members[i]);
			char field[64];
			snprintf(field, sizeof field, "\"field\":\"%s%s\"", requester ? "requester." : "",
			         members[i]);
			if (!strstr(r.body, field))
				fprintf(stderr, "%s not named: %s\n", members[i], r.body);
			assert_non_null(strstr(r.body, field));
		}
		h_free(&r);
	}
	/* Through the form: the message at the field, the text kept. */
	struct u_form fp;
	u_open_form(&fp);
	struct buf b = {0};
	b_pair(&b, "kind", "public_information");
	b_pair(&b, "subject", z);
	b_pair(&b, "content", "Treść wniosku o dane.");
	b_pair(&b, "delivery", "tracking_page");
	struct hresp r;
	submit_form(&fp, &b, &r);
	b_free(&b);
	assert_int_equal(r.status, 422);
	assert_4xx_polish(&r, "10,000-character subject");
	assert_non_null(strstr(r.body, "subject-error"));
	assert_non_null(strstr(r.body, z));
	h_free(&r);
	/* An action's text over 20,000 characters. */
	char *token = u_file("public_information", NULL);
	char *zz = ten_thousand("żż");
	json_t *act = json_pack("{s:s}", "text", zz);
	char *ab = json_dumps(act, JSON_COMPACT);
	json_decref(act);
	char path[256];
	snprintf(path, sizeof path, "/api/v1/requests/%s/actions/withdraw", token);
	u_post_json(path, ab, &r);
	assert_int_equal(r.status, 422);
	assert_4xx_polish(&r, "20,000-character action text");
	h_free(&r);
	free(ab);
	free(zz);
	free(token);
	free(z);
	alive();
}

/* ---- invalid UTF-8 and NUL --------------------------------------------------- */

static void test_invalid_utf8_and_nul_are_refused_with_a_polish_message(void **state)
{
	long before = u_count("SELECT count(*) FROM requests");
	long events_before = u_count("SELECT count(*) FROM events");
	struct hresp r;
	/* The API: raw bytes that are not UTF-8, and \u0000. */
	static const char *const bad_json[] = {
	    "{\"kind\":\"public_information\",\"subject\":\"Te\xC3\x28mat\",\"content\":\"Tre\xC5\x9B\xC4\x87 wniosku.\",\"delivery\":\"tracking_page\"}",
	    "{\"kind\":\"public_information\",\"subject\":\"Temat\xFF\",\"content\":\"Tre\xC5\x9B\xC4\x87 wniosku.\",\"delivery\":\"tracking_page\"}",
	    "{\"kind\":\"public_information\",\"subject\":\"Te\\u0000mat\",\"content\":\"Tre\xC5\x9B\xC4\x87 wniosku.\",\"delivery\":\"tracking_page\"}",
	    "{\"kind\":\"public_information\",\"subject\":\"Te\\ud800mat\",\"content\":\"Tre\xC5\x9B\xC4\x87 wniosku.\",\"delivery\":\"tracking_page\"}",
	    "{\"kind\":\"public_information\",\"subject\":\"Te\xED\xA0\x80mat\",\"content\":\"Tre\xC5\x9B\xC4\x87 wniosku.\",\"delivery\":\"tracking_page\"}",
	    "{\"kind\":\"public_information\",\"subject\":\"Te\xC0\xAFmat\",\"content\":\"Tre\xC5\x9B\xC4\x87 wniosku.\",\"delivery\":\"tracking_page\"}",
	};
	for (size_t i = 0; i < sizeof bad_json / sizeof bad_json[0]; i++) {
		u_post_json("/api/v1/requests", bad_json[i], &r);
		assert_int_equal(r.status, 400);
		assert_4xx_polish(&r, bad_json[i]);
		assert_string_equal(h_header(&r, "Content-Type"), "application/problem+json");
		h_free(&r);
	}
	/* Control characters are valid UTF-8 but not text: 422 at the field. */
	u_post_json("/api/v1/requests",
	            "{\"kind\":\"public_information\",\"subject\":\"Te\\u001b[2Jmat\","
	            "\"content\":\"Tre\xC5\x9B\xC4\x87 wniosku.\",\"delivery\":\"tracking_page\"}",
	            &r);
	assert_int_equal(r.status, 422);
	assert_4xx_polish(&r, "escape sequence in the subject");
	h_free(&r);
	/* The filing form: %C3%28, %FF and %00 in a field. */
	static const char *const bad_form[] = {"Te%C3%28mat", "Temat%FF", "Te%00mat", "Te%ED%A0%80mat",
	                                       "%", "Te%zzmat"};
	for (size_t i = 0; i < sizeof bad_form / sizeof bad_form[0]; i++) {
		struct u_form fp;
		u_open_form(&fp);
		struct buf b = {0};
		b_fmt(&b, "kind=public_information&subject=%s&content=Tre%%C5%%9B%%C4%%87+wniosku.&"
		          "delivery=tracking_page",
		      bad_form[i]);
		submit_form(&fp, &b, &r);
		b_free(&b);
		assert_int_equal(r.status, 400);
		assert_4xx_polish(&r, bad_form[i]);
		assert_non_null(strstr(r.body, "<form")); /* the form again, to correct and send */
		h_free(&r);
	}
	/* A multipart text part with raw invalid bytes and with a NUL. */
	static const char *const bad_parts[] = {"Te\xC3\x28mat", "Te\xFFmat"};
	for (size_t i = 0; i < 3; i++) {
		struct u_form fp;
		u_open_form(&fp);
		struct buf b = {0};
		b_fmt(&b, "--B\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n%s\r\n", fp.csrf);
		b_str(&b, "--B\r\nContent-Disposition: form-data; name=\"subject\"\r\n\r\n");
		if (i < 2)
			b_str(&b, bad_parts[i]);
		else
			b_add(&b, "Te\0mat", 6);
		b_str(&b, "\r\n--B--\r\n");
		const char *hdr[] = {"Content-Type: multipart/form-data; boundary=B", fp.cookie, NULL};
		h_request("POST", "/wniosek", hdr, b.p, b.n, &r);
		b_free(&b);
		assert_int_equal(r.status, 400);
		assert_4xx_polish(&r, "multipart with a bad text part");
		h_free(&r);
	}
	/* The tracking page's action form and the API's action. */
	char *token = u_file("public_information", NULL);
	char path[256];
	snprintf(path, sizeof path, "/sprawa/%s/czynnosc", token);
	struct u_form fp;
	u_open_form(&fp);
	struct buf b = {0};
	b_fmt(&b, "csrf=%s&action=withdraw&version=1&text=Ju%%C5%%BC%%FF+nie", fp.csrf);
	const char *hdr[] = {"Content-Type: application/x-www-form-urlencoded", fp.cookie, NULL};
	h_request("POST", path, hdr, b.p, b.n, &r);
	b_free(&b);
	assert_int_equal(r.status, 400);
	assert_4xx_polish(&r, "tracking action with %FF");
	h_free(&r);
	snprintf(path, sizeof path, "/api/v1/requests/%s/actions/withdraw", token);
	u_post_json(path, "{\"text\":\"Ju\xC5\xBC\xFF nie\"}", &r);
	assert_int_equal(r.status, 400);
	assert_4xx_polish(&r, "API action with 0xFF");
	h_free(&r);
	u_post_json(path, "{\"text\":\"Ju\\u0000 nie\"}", &r);
	assert_int_equal(r.status, 400);
	h_free(&r);
	/* The panel's note and registration forms. */
	snprintf(path, sizeof path, "/panel/sprawy/%ld/notatka",
	         u_count("SELECT max(id) FROM requests"));
	u_staff_post(staff(), path, "text=Notatka%C3%28", &r);
	assert_int_equal(r.status, 400);
	assert_4xx_polish(&r, "panel note with %C3%28");
	assert_non_null(strstr(r.body, "niedozwolone znaki"));
	h_free(&r);
	u_staff_post(staff(), "/panel/rejestracja",
	             "channel=post&received_on=2026-01-05&kind=public_information&subject=Te%00mat"
	             "&content=Tre%C5%9B%C4%87+wniosku.&delivery=tracking_page",
	             &r);
	assert_int_equal(r.status, 400);
	assert_non_null(strstr(r.body, "niedozwolone znaki"));
	h_free(&r);
	free(token);
	/* Nothing stored by any of them (u_file filed one). */
	assert_int_equal(u_count("SELECT count(*) FROM requests"), before + 1);
	assert_int_equal(u_count("SELECT count(*) FROM events"), events_before + 1);
	alive();
}

/* ---- the panel's forms ------------------------------------------------------ */

static void test_panel_forms_store_exactly_and_render_escaped(void **state)
{
	char number[64];
	char *token = u_file("public_information", number);
	long long id = u_request_id(number);
	char path[256], page[256];
	snprintf(path, sizeof path, "/panel/sprawy/%lld/notatka", id);
	snprintf(page, sizeof page, "/panel/sprawy/%lld", id);
	struct hresp r;
	for (size_t i = 0; i < NNASTY; i++) {
		char text[600];
		snprintf(text, sizeof text, "%s\r\nnotatka %zu", nasty[i], i);
		struct buf b = {0};
		b_pair(&b, "text", text);
		u_staff_post(staff(), path, b.p, &r);
		b_free(&b);
		assert_int_equal(r.status, 303);
		h_free(&r);
		assert_event_text(number, "note", text);
		u_staff_get(staff(), page, &r);
		assert_int_equal(r.status, 200);
		assert_no_raw_markup(r.body, "panel page with a note");
		assert_shows_escaped(r.body, text, "panel page with a note");
		h_free(&r);
	}
	/* Registering a request that came by post, with the payloads. */
	for (size_t i = 0; i < NNASTY; i++) {
		struct fields f;
		nasty_fields(i, "panel", &f);
		struct buf b = {0};
		b_pair(&b, "channel", "post");
		b_pair(&b, "received_on", "2026-01-05");
		form_fields(&f, &b);
		u_staff_post(staff(), "/panel/rejestracja", b.p, &r);
		b_free(&b);
		if (r.status != 303)
			fprintf(stderr, "register %zu: %ld %.600s\n", i, r.status, r.body);
		assert_int_equal(r.status, 303);
		h_free(&r);
		char num[64];
		case_number_of_subject(f.subject, num, sizeof num);
		assert_stored(num, &f);
		snprintf(path, sizeof path, "/panel/sprawy/%lld", u_request_id(num));
		u_staff_get(staff(), path, &r);
		assert_no_raw_markup(r.body, "registered case");
		assert_shows_escaped(r.body, f.content, "registered case");
		assert_shows_escaped(r.body, f.name, "registered case");
		h_free(&r);
	}
	/* The queue's search box and filters echo what was typed, escaped. */
	struct buf q = {0};
	b_str(&q, "/panel?q=");
	b_urlenc(&q, nasty[1], strlen(nasty[1]));
	b_str(&q, "&stan=");
	b_urlenc(&q, nasty[0], strlen(nasty[0]));
	b_str(&q, "&prowadzi=%3Cscript%3Ex&od=%27%3B");
	u_staff_get(staff(), q.p, &r);
	b_free(&q);
	assert_int_equal(r.status, 200);
	assert_no_raw_markup(r.body, "queue with a hostile search");
	h_free(&r);
	u_staff_get(staff(), "/panel?q=%FF%00&stan=%C3%28", &r);
	assert_true(r.status == 200 || (r.status >= 400 && r.status <= 499));
	h_free(&r);
	/* A step that does not exist, named with markup: refused, escaped. */
	snprintf(path, sizeof path, "/panel/sprawy/%lld/czynnosc", id);
	struct buf b = {0};
	b_pair(&b, "action", "<script>alert(1)</script>");
	b_pair(&b, "text", nasty[1]);
	b_pair(&b, "version", "1");
	u_staff_post(staff(), path, b.p, &r);
	b_free(&b);
	assert_4xx_polish(&r, "panel step with a hostile name");
	assert_no_raw_markup(r.body, "panel step with a hostile name");
	h_free(&r);
	/* A case id that is not one. */
	u_staff_get(staff(), "/panel/sprawy/1%27%20OR%201=1", &r);
	assert_int_equal(r.status, 404);
	h_free(&r);
	u_staff_get(staff(), "/panel/sprawy/99999999999999999999999", &r);
	assert_int_equal(r.status, 404);
	h_free(&r);
	free(token);
	alive();
}

/* The administrator's forms: staff accounts and units. */
static void test_admin_forms_store_exactly_and_render_escaped(void **state)
{
	struct hresp r;
	for (size_t i = 0; i < NNASTY; i++) {
		char name[256], position[256], email[64], unit[256], symbol[8];
		snprintf(name, sizeof name, "%s osoba", nasty[i]);
		snprintf(position, sizeof position, "%s stanowisko", nasty[i]);
		snprintf(email, sizeof email, "hostile-%zu@mon.example", i);
		snprintf(unit, sizeof unit, "%s komórka", nasty[i]);
		snprintf(symbol, sizeof symbol, "HX%c", (char)('A' + i));
		struct buf b = {0};
		b_pair(&b, "email", email);
		b_pair(&b, "name", name);
		b_pair(&b, "position", position);
		b_pair(&b, "role", "clerk");
		b_pair(&b, "unit", "BDG");
		b_pair(&b, "password", "bardzo-tajne-haslo-1");
		u_staff_post(staff(), "/panel/admin/uzytkownicy", b.p, &r);
		b_free(&b);
		if (r.status != 303)
			fprintf(stderr, "user %zu: %ld %.400s\n", i, r.status, r.body);
		assert_int_equal(r.status, 303);
		h_free(&r);
		b_pair(&b, "op", "add");
		b_pair(&b, "symbol", symbol);
		b_pair(&b, "name", unit);
		u_staff_post(staff(), "/panel/admin/komorki", b.p, &r);
		b_free(&b);
		if (r.status != 303)
			fprintf(stderr, "unit %zu: %ld %.400s\n", i, r.status, r.body);
		assert_int_equal(r.status, 303);
		h_free(&r);
		PGconn *c = h_db();
		const char *p[4] = {email, name, position, NULL};
		PGresult *q = PQexecParams(c, "SELECT count(*) FROM users WHERE email = $1 AND name = $2 "
		                              "AND position = $3",
		                           3, NULL, p, NULL, NULL, 0);
		assert_string_equal(PQgetvalue(q, 0, 0), "1");
		PQclear(q);
		const char *pu[2] = {symbol, unit};
		q = PQexecParams(c, "SELECT count(*) FROM units WHERE symbol = $1 AND name = $2", 2, NULL,
		                 pu, NULL, NULL, 0);
		assert_string_equal(PQgetvalue(q, 0, 0), "1");
		PQclear(q);
		PQfinish(c);
		u_staff_get(staff(), "/panel/admin/uzytkownicy", &r);
		assert_int_equal(r.status, 200);
		assert_no_raw_markup(r.body, "staff accounts");
		assert_shows_escaped(r.body, name, "staff accounts");
		h_free(&r);
		u_staff_get(staff(), "/panel/admin/komorki", &r);
		assert_int_equal(r.status, 200);
		assert_no_raw_markup(r.body, "units");
		assert_shows_escaped(r.body, unit, "units");
		h_free(&r);
	}
	/* Bytes that are not UTF-8: 400 with the message, nothing added. */
	long users = u_count("SELECT count(*) FROM users");
	u_staff_post(staff(), "/panel/admin/uzytkownicy",
	             "email=x%40mon.example&name=Zo%C5%BC%FFa&position=p&role=clerk&unit=BDG"
	             "&password=bardzo-tajne-haslo-1",
	             &r);
	assert_int_equal(r.status, 400);
	assert_non_null(strstr(r.body, "niedozwolone znaki"));
	h_free(&r);
	assert_int_equal(u_count("SELECT count(*) FROM users"), users);
	alive();
}

/* ---- paths, headers and queries --------------------------------------------- */

static void test_path_traversal_and_hostile_paths_are_4xx(void **state)
{
	static const char *const paths[] = {
	    "/static/../../etc/passwd",
	    "/static/%2e%2e/%2e%2e/etc/passwd",
	    "/static/%2e%2e%2f%2e%2e%2fetc%2fpasswd",
	    "/static/..%2f..%2fMakefile",
	    "/static/..%5c..%5cMakefile",
	    "/static/..\\..\\Makefile",
	    "/static/%252e%252e/%252e%252e/etc/passwd",
	    "/static/....//....//etc/passwd",
	    "/static/.%2e/Makefile",
	    "/static/%c0%ae%c0%ae/Makefile",
	    "/static/style.css%00.png",
	    "/static//etc/passwd",
	    "/static/%2fetc%2fpasswd",
	    "/static/%00",
	    "/static/",
	    "/../../../../etc/passwd",
	    "/sprawa/..%2f..%2fetc%2fpasswd",
	    "/sprawa/%3Cscript%3Ealert(1)%3C%2Fscript%3E",
	    "/sprawa/%22%3E%3Cimg%20src=x%20onerror=alert(1)%3E",
	    "/sprawa/'%3B%20DROP%20TABLE%20requests%3B%20--",
	    "/sprawa/%FF%FE",
	    "/sprawa/%00",
	    "/api/v1/requests/%3Cscript%3E",
	    "/api/v1/requests/..%2f..%2fopenapi.json",
	    "/rejestr/%3Cscript%3Ealert(1)%3C%2Fscript%3E",
	    "/panel/../wniosek",
	    "/wniosek/%2e%2e",
	};
	for (size_t i = 0; i < sizeof paths / sizeof paths[0]; i++) {
		struct hresp r;
		h_get(paths[i], &r);
		if (r.status < 400 || r.status > 499 || strstr(r.body, "root:") ||
		    strstr(r.body, "CLANG"))
			fprintf(stderr, "%s: %ld %.200s\n", paths[i], r.status, r.body);
		assert_true(r.status >= 400 && r.status <= 499);
		assert_null(strstr(r.body, "root:"));
		assert_null(strstr(r.body, "CLANG")); /* the Makefile */
		assert_no_raw_markup(r.body, paths[i]);
		h_free(&r);
	}
	alive();
}

static void test_hostile_headers_and_queries_are_harmless(void **state)
{
	struct hresp r;
	/* Host, Cookie, Idempotency-Key, X-Forwarded-For, Accept-Language. */
	const char *h1[] = {"Host: <script>alert(1)</script>", "Cookie: jw_form=<script>; jw_session=%00%FF",
	                    "X-Forwarded-For: '; DROP TABLE requests; --", "Accept-Language: \xFF\xFE",
	                    NULL};
	static const char *const pages[] = {"/", "/wniosek", "/rejestr", "/panel", "/panel/logowanie"};
	for (size_t i = 0; i < sizeof pages / sizeof pages[0]; i++) {
		h_request("GET", pages[i], h1, NULL, 0, &r);
		if (r.status >= 500 || r.status < 0)
			fprintf(stderr, "%s with hostile headers: %ld\n", pages[i], r.status);
		assert_true(r.status > 0 && r.status < 500);
		assert_no_raw_markup(r.body, pages[i]);
		h_free(&r);
	}
	const char *h2[] = {"Content-Type: application/json", "Idempotency-Key: <script>alert(1)</script>",
	                    NULL};
	const char *body = "{\"kind\":\"public_information\",\"subject\":\"Temat\","
	                   "\"content\":\"Tre\xC5\x9B\xC4\x87 wniosku.\",\"delivery\":\"tracking_page\"}";
	h_request("POST", "/api/v1/requests", h2, body, strlen(body), &r);
	assert_int_equal(r.status, 400);
	assert_4xx_polish(&r, "hostile Idempotency-Key");
	h_free(&r);
	/* Session and form cookies that are not ours. */
	const char *h3[] = {"Cookie: jw_session=' OR '1'='1; jw_session=AAAA", NULL};
	h_request("GET", "/panel", h3, NULL, 0, &r);
	assert_int_equal(r.status, 303);
	h_free(&r);
	/* Queries of the public register and the pages. */
	static const char *const queries[] = {
	    "/rejestr?q=%3Cscript%3Ealert(1)%3C%2Fscript%3E",
	    "/rejestr?q=%27%3B+DROP+TABLE+requests%3B+--&strona=-1",
	    "/rejestr?q=%FF&strona=99999999999999999999",
	    "/rejestr?od=%3Cimg+src%3Dx+onerror%3Dalert(1)%3E&do=2026-13-45",
	    "/rejestr.csv?q=%00",
	    "/rejestr.json?q=%7B%7B7*7%7D%7D",
	    "/wniosek?%3Cscript%3E=1&a=%",
	    "/sprawa/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA?wykonano=%3Cscript%3Ealert(1)%3C%2Fscript%3E",
	};
	for (size_t i = 0; i < sizeof queries / sizeof queries[0]; i++) {
		h_get(queries[i], &r);
		if (r.status >= 500 || r.status < 0)
			fprintf(stderr, "%s: %ld %.300s\n", queries[i], r.status, r.body);
		assert_true(r.status > 0 && r.status < 500);
		assert_no_raw_markup(r.body, queries[i]);
		h_free(&r);
	}
	/* The tracking page of a real case with a hostile wykonano=. */
	char *token = u_file("public_information", NULL);
	char path[256];
	snprintf(path, sizeof path, "/sprawa/%s?wykonano=%%3Cscript%%3Ealert(1)%%3C%%2Fscript%%3E",
	         token);
	h_get(path, &r);
	assert_int_equal(r.status, 200);
	assert_no_raw_markup(r.body, "tracking page with a hostile wykonano");
	h_free(&r);
	free(token);
	alive();
}

/* ---- content types ----------------------------------------------------------- */

static void test_wrong_content_type_on_every_post_endpoint_is_4xx(void **state)
{
	char number[64];
	char *token = u_file("public_information", number);
	long long id = u_request_id(number);
	char act_page[256], act_api[256], note[256], step[256];
	snprintf(act_page, sizeof act_page, "/sprawa/%s/czynnosc", token);
	snprintf(act_api, sizeof act_api, "/api/v1/requests/%s/actions/withdraw", token);
	snprintf(note, sizeof note, "/panel/sprawy/%lld/notatka", id);
	snprintf(step, sizeof step, "/panel/sprawy/%lld/czynnosc", id);
	struct {
		const char *path;
		bool staff;
		bool api;
	} endpoints[] = {
	    {"/wniosek", false, false},	 {act_page, false, false},
	    {"/api/v1/requests", false, true}, {act_api, false, true},
	    {"/panel/logowanie", false, false}, {note, true, false},
	    {step, true, false},		 {"/panel/rejestracja", true, false},
	    {"/panel/wyloguj", true, false},
	};
	static const char *const types[] = {
	    "Content-Type: text/plain",
	    "Content-Type: application/xml",
	    "Content-Type: multipart/form-data",
	    "Content-Type: multipart/form-data; boundary=",
	    "Content-Type: application/x-www-form-urlencoded; charset=iso-8859-2",
	    "Content-Type: application/json",
	    "Content-Type: \xFF\xFE",
	    NULL, /* none at all */
	};
	struct u_form fp;
	u_open_form(&fp);
	for (size_t e = 0; e < sizeof endpoints / sizeof endpoints[0]; e++) {
		for (size_t t = 0; t < sizeof types / sizeof types[0]; t++) {
			/* application/json is right for the API */
			if (endpoints[e].api && types[t] && !strcmp(types[t], "Content-Type: application/json"))
				continue;
			/* a form that json-parses to nothing, markup that is not a form */
			const char *body = t % 2 ? "<?xml version=\"1.0\"?><a>&x;</a>"
			                         : "csrf=x&kind=public_information&text=x";
			const char *hdr[4] = {0};
			int n = 0;
			if (types[t])
				hdr[n++] = types[t];
			hdr[n++] = endpoints[e].staff ? staff()->cookie : fp.cookie;
			struct hresp r;
			h_request("POST", endpoints[e].path, hdr, body, strlen(body), &r);
			if (r.status < 400 || r.status > 499)
				fprintf(stderr, "%s with %s: %ld %.300s\n", endpoints[e].path,
				        types[t] ? types[t] : "no type", r.status, r.body);
			assert_true(r.status >= 400 && r.status <= 499);
			if (endpoints[e].api) {
				assert_int_equal(r.status, 415);
				assert_4xx_polish(&r, endpoints[e].path);
				assert_string_equal(h_header(&r, "Content-Type"), "application/problem+json");
			}
			assert_no_raw_markup(r.body, endpoints[e].path);
			h_free(&r);
		}
	}
	/* The case is untouched and the session still works. */
	assert_int_equal(u_count("SELECT count(*) FROM events e JOIN requests r ON r.id = e.request_id "
	                         "WHERE r.id = (SELECT max(id) FROM requests)"),
	                 1);
	struct hresp r;
	u_staff_get(staff(), "/panel", &r);
	assert_int_equal(r.status, 200);
	h_free(&r);
	free(token);
	alive();
}

/* Cookies the server did not set, as scripts and other sites' code can set
 * them, are skipped: pages answer as without them, and a session beside
 * them still counts. */
static void test_malformed_cookies_are_ignored(void **state)
{
	static const char *const junk[] = {
	    "Cookie: \"",
	    "Cookie: \"\"\"",
	    "Cookie: ;;;",
	    "Cookie: =",
	    "Cookie: a=\"x; b=\"",
	    "Cookie: jw_session=\"; x=1",
	    "Cookie: jw_session=a b c",
	    "Cookie: \xff\xfe=\x01",
	    "Cookie: a=\\\"",
	};
	for (size_t i = 0; i < sizeof junk / sizeof junk[0]; i++) {
		const char *hdr[] = {junk[i], NULL};
		struct hresp r;
		h_request("GET", "/", hdr, NULL, 0, &r);
		if (r.status != 200)
			fprintf(stderr, "%s: %ld\n", junk[i], r.status);
		assert_int_equal(r.status, 200);
		h_free(&r);
		h_request("GET", "/panel", hdr, NULL, 0, &r);
		assert_int_equal(r.status, 303); /* to the sign-in page, as without a cookie */
		h_free(&r);
	}
	/* The session, with junk on either side. */
	const char *session = strchr(staff()->cookie, ' ') + 1;
	char both[512];
	snprintf(both, sizeof both, "Cookie: \"; x=\"y; %s; z=a b; \"", session);
	const char *hdr[] = {both, NULL};
	struct hresp r;
	h_request("GET", "/panel", hdr, NULL, 0, &r);
	assert_int_equal(r.status, 200);
	h_free(&r);
	/* Known limit: libmicrohttpd 0.9.75 itself answers 431, before any of
	 * our code runs, when the last cookie's value is one double quote
	 * (its quote stripping underflows); nginx in front drops that pair
	 * (deploy/nginx/jawnosc.conf, checked by tests/install_test.sh). When
	 * this fails after an upgrade of libmicrohttpd, the bug is gone: want
	 * 200 here and drop the map from the nginx file. */
	const char *mhd[] = {"Cookie: x=1; a=\"", NULL};
	h_request("GET", "/", mhd, NULL, 0, &r);
	assert_int_equal(r.status, 431);
	assert_null(h_header(&r, "X-Request-Id"));
	h_free(&r);
	alive();
}

/* ---- raw sockets -------------------------------------------------------------- */

static int connect_port(unsigned port)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
	inet_pton(AF_INET, "127.0.0.1", &sa.sin_addr);
	if (connect(fd, (struct sockaddr *)&sa, sizeof sa) != 0) {
		close(fd);
		return -1;
	}
	return fd;
}

static double now_s(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* True when out[0..n) holds a whole response: headers and, if announced,
 * Content-Length bytes of body. */
static bool response_complete(const char *out, size_t n)
{
	const char *end = memmem(out, n, "\r\n\r\n", 4);
	if (!end)
		return false;
	size_t head = (size_t)(end - out) + 4;
	for (const char *p = out; p < end; p++) {
		if ((p == out || p[-1] == '\n') && !strncasecmp(p, "Content-Length:", 15))
			return n >= head + strtoul(p + 15, NULL, 10);
	}
	return false;
}

/* What a raw connection got back. */
struct raw_reply {
	size_t n;     /* bytes read (out holds them, NUL-terminated) */
	bool closed;  /* the server closed the connection (EOF or reset) */
	bool waiting; /* it still held the connection open, silent, after timeout_ms */
};

/* Sends `len` bytes on a fresh connection; reads until the server closes,
 * the first response is complete (unless `to_close`: then on until the
 * server closes) or `timeout_ms` pass without a byte (a server that waits
 * for the rest of a request). The connection is then
 * closed without a half-close first: libmicrohttpd 0.9.75 does not notice
 * a client that shuts down its sending side in the middle of a body and
 * then goes away, and keeps the request open until JAWNOSC_TIMEOUT. */
static struct raw_reply raw_send(const char *data, size_t len, char *out, size_t outlen,
                                 int timeout_ms, bool to_close)
{
	struct raw_reply rr = {0};
	out[0] = '\0';
	int fd = connect_port(h_port());
	assert_true(fd >= 0);
	for (size_t sent = 0; sent < len;) {
		ssize_t w = send(fd, data + sent, len - sent, MSG_NOSIGNAL);
		if (w <= 0)
			break; /* the server may answer and close early */
		sent += (size_t)w;
	}
	struct pollfd p = {.fd = fd, .events = POLLIN};
	while (rr.n < outlen - 1 && (to_close || !response_complete(out, rr.n))) {
		if (poll(&p, 1, timeout_ms) <= 0) {
			rr.waiting = true;
			break;
		}
		ssize_t r = recv(fd, out + rr.n, outlen - 1 - rr.n, 0);
		if (r <= 0) {
			rr.closed = true;
			break;
		}
		rr.n += (size_t)r;
		out[rr.n] = '\0';
	}
	close(fd);
	return rr;
}

static size_t raw_first(const char *data, size_t len, char *out, size_t outlen, int timeout_ms)
{
	return raw_send(data, len, out, outlen, timeout_ms, false).n;
}

/* What a malformed request must get: an answer, with a status, except in
 * the two cases named for why there is none. */
enum raw_want {
	WANT_4XX,     /* a response with a 4xx status */
	/* A 400, then the server closes the connection at once (the read
	 * sees the end of the stream, long before JAWNOSC_TIMEOUT): the
	 * request's framing is ambiguous, so nothing after it on the
	 * connection may be read as a request (RFC 9112 §6.3, §11.2). */
	WANT_400_CLOSED,
	WANT_LENIENT, /* accepted by libmicrohttpd's tolerant parsing: a response, not a 5xx */
	/* A request line libmicrohttpd 0.9.75 cannot split into method, target
	 * and version: it closes the connection at once, before any of our code
	 * runs (RFC 9112 §3 asks for a 400 with SHOULD, not MUST). */
	WANT_CLOSED_UNANSWERED,
	/* The request is not over by its own framing (a Content-Length or a
	 * chunk larger than what came, no last chunk, or a line libmicrohttpd
	 * reads as one of the empty lines that may precede a request line,
	 * RFC 9112 §2.2): the server rightly waits for the rest and says
	 * nothing; the idle timeout ends it. */
	WANT_WAIT_FOR_REST,
};

static const char *const want_names[] = {
    [WANT_4XX] = "a 4xx",
    [WANT_400_CLOSED] = "a 400 and the connection closed",
    [WANT_LENIENT] = "a response other than a 5xx",
    [WANT_CLOSED_UNANSWERED] = "the connection closed without an answer",
    [WANT_WAIT_FOR_REST] = "no answer while the server waits for the rest",
};

static void raw_case(const char *what, const char *data, size_t len, enum raw_want want)
{
	static char out[65536];
	struct raw_reply rr = raw_send(data, len, out, sizeof out, 1500, want == WANT_400_CLOSED);
	bool status = rr.n >= 12 && (!strncmp(out, "HTTP/1.1 ", 9) || !strncmp(out, "HTTP/1.0 ", 9));
	bool ok = false;
	switch (want) {
	case WANT_4XX:
		ok = status && out[9] == '4';
		break;
	case WANT_400_CLOSED:
		ok = status && !strncmp(out + 9, "400 ", 4) && rr.closed &&
		     !strstr(out + 12, "HTTP/1.1 ");
		break;
	case WANT_LENIENT:
		ok = status && out[9] != '5';
		break;
	case WANT_CLOSED_UNANSWERED:
		ok = rr.n == 0 && rr.closed;
		break;
	case WANT_WAIT_FOR_REST:
		ok = rr.n == 0 && rr.waiting;
		break;
	}
	if (!ok)
		fprintf(stderr, "%s: wanted %s, got %zu bytes%s: %.200s\n", what, want_names[want],
		        rr.n, rr.closed ? " and the connection closed" : rr.waiting ? " then silence" : "",
		        out);
	assert_true(ok);
}

static void raw_expect(const char *what, const char *data, enum raw_want want)
{
	raw_case(what, data, strlen(data), want);
}

static void test_malformed_request_lines_and_headers(void **state)
{
	raw_expect("no version", "GET /\r\n\r\n", WANT_4XX);
	raw_expect("nothing but a method", "GET\r\n\r\n", WANT_CLOSED_UNANSWERED);
	raw_expect("junk after the version", "GET / HTTP/1.1 junk\r\nHost: x\r\n\r\n", WANT_4XX);
	raw_expect("two spaces", "GET  /  HTTP/1.1\r\nHost: x\r\n\r\n", WANT_CLOSED_UNANSWERED);
	raw_expect("control bytes in the path", "GET /\x01\x7f HTTP/1.1\r\nHost: x\r\n\r\n", WANT_4XX);
	raw_expect("spaces in the path", "GET /a b c HTTP/1.1\r\nHost: x\r\n\r\n",
	           WANT_CLOSED_UNANSWERED);
	raw_case("binary garbage", "\x01\x02\xff\xfe\r\n\r\n", 8, WANT_CLOSED_UNANSWERED);
	/* libmicrohttpd reads a line that starts with NUL as an empty one. */
	raw_case("binary garbage after a NUL", "\x00\x01\x02\xff\xfe\r\n\r\n", 9, WANT_WAIT_FOR_REST);
	raw_expect("header without a colon", "GET / HTTP/1.1\r\nHost: x\r\nX-No-Colon here\r\n\r\n",
	           WANT_4XX);
	/* RFC 9112 §5.1: whitespace before the colon MUST be refused with a
	 * 400 (libmicrohttpd keeps it in the name; the server refuses it and
	 * closes); HTTP/1.1 without Host is refused by libmicrohttpd
	 * (MHD_OPTION_STRICT_FOR_CLIENT), which is what a "Host :" gets. */
	raw_expect("space before the colon of Host", "GET / HTTP/1.1\r\nHost : x\r\n\r\n", WANT_4XX);
	raw_expect("space before a colon",
	           "GET / HTTP/1.1\r\nHost: x\r\nX-A : y\r\n\r\n", WANT_400_CLOSED);
	raw_expect("tab before a colon",
	           "GET / HTTP/1.1\r\nHost: x\r\nX-A\t: y\r\n\r\n", WANT_400_CLOSED);
	raw_expect("space before the colon of Content-Length",
	           "POST /api/v1/requests HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
	           "Content-Length : 2\r\n\r\n{}",
	           WANT_400_CLOSED);
	raw_expect("a space inside a name",
	           "GET / HTTP/1.1\r\nHost: x\r\nX A: y\r\n\r\n", WANT_400_CLOSED);
	raw_expect("HTTP/1.1 without Host", "GET / HTTP/1.1\r\nConnection: close\r\n\r\n", WANT_4XX);
	raw_expect("bare LF line ends and no Host", "GET / HTTP/1.1\nX: y\n\n", WANT_4XX);
	raw_expect("absolute form to another host",
	           "GET http://evil.example/etc/passwd HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
	           WANT_4XX);
	raw_expect("asterisk form", "OPTIONS * HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
	           WANT_4XX);
	raw_expect("unknown method", "BREW / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", WANT_4XX);
	raw_expect("TRACE", "TRACE / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", WANT_4XX);
	/* What libmicrohttpd tolerates, harmlessly: a header with an empty
	 * name (ignored), obsolete line folding, a NUL in a header value (the
	 * value ends there), a newer minor version (RFC 9110 §2.5: answered
	 * as HTTP/1.1). Any answer but a 5xx. */
	raw_expect("header with an empty name", "GET / HTTP/1.1\r\nHost: x\r\n: empty\r\n\r\n",
	           WANT_LENIENT);
	raw_expect("obsolete line folding", "GET / HTTP/1.1\r\nHost: x\r\nX-A: a\r\n folded\r\n\r\n",
	           WANT_LENIENT);
	raw_case("NUL in a header", "GET / HTTP/1.1\r\nHost: x\r\nX-A: a\0b\r\n\r\n", 37, WANT_LENIENT);
	raw_expect("HTTP/1.2", "GET / HTTP/1.2\r\nHost: x\r\n\r\n", WANT_LENIENT);
	/* The one 5xx: an unknown major version is answered by libmicrohttpd
	 * itself, before any of our code runs, with 505 HTTP Version Not
	 * Supported, the status RFC 9110 §15.6.6 defines for it. */
	static char out[4096];
	raw_first("GET / HTTP/7.0\r\nHost: x\r\n\r\n", 26, out, sizeof out, 1500);
	assert_non_null(strstr(out, "HTTP/1.1 505"));
	/* A request line of 100 KB. */
	struct buf b = {0};
	b_str(&b, "GET /");
	for (int i = 0; i < 100000; i++)
		b_str(&b, "a");
	b_str(&b, " HTTP/1.1\r\nHost: x\r\n\r\n");
	raw_case("100 KB request line", b.p, b.n, WANT_4XX);
	b_free(&b);
	/* A method of 10 KB. */
	for (int i = 0; i < 10000; i++)
		b_str(&b, "G");
	b_str(&b, " / HTTP/1.1\r\nHost: x\r\n\r\n");
	raw_case("10 KB method", b.p, b.n, WANT_4XX);
	b_free(&b);
	alive();
}

/* 4 KB of bytes that are not HTTP, from a fixed pseudo-random sequence:
 * no NUL, CR, LF or space unless placed. */
static void junk(unsigned char *b, size_t n)
{
	uint32_t x = 2463534242u;
	for (size_t i = 0; i < n; i++) {
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		unsigned char c = (unsigned char)(x >> 24);
		b[i] = c == 0 || c == '\r' || c == '\n' || c == ' ' ? 0xA5 : c;
	}
}

/* Bytes that are not HTTP at all end the connection at once (the read sees
 * the end of the stream within raw_case's 1.5 s, the idle timeout being
 * 30 s): a 400 from libmicrohttpd when the first line splits into three
 * parts, else a close without an answer (RFC 9112 §3 says SHOULD 400);
 * the server lives on. */
static void test_junk_that_is_not_http_is_refused_and_closed_at_once(void **state)
{
	enum { N = 4096 };
	static unsigned char b[N];
	junk(b, N);
	b[100] = ' ';
	b[200] = ' ';
	b[2000] = '\r';
	b[2001] = '\n';
	raw_case("4 KB of binary", (const char *)b, N, WANT_400_CLOSED);
	junk(b, N);
	b[2000] = '\r';
	b[2001] = '\n';
	raw_case("4 KB of binary, no space in its first line", (const char *)b, N,
	         WANT_CLOSED_UNANSWERED);
	/* An HTTPS client on the plain port: a TLS ClientHello. */
	junk(b, N);
	memcpy(b, "\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03", 11);
	b[700] = '\n';
	raw_case("TLS ClientHello", (const char *)b, 512 + 256, WANT_CLOSED_UNANSWERED);
	/* No line end at all: libmicrohttpd 0.9.75 reads it as the start of a
	 * request line and gives no way to see it before the line ends, so it
	 * waits, up to JAWNOSC_MAX_HEADER bytes (then 414 and a close) or the
	 * idle timeout (JAWNOSC_TIMEOUT). */
	junk(b, N);
	raw_case("4 KB of binary without a line end", (const char *)b, N, WANT_WAIT_FOR_REST);
	struct buf big = {0};
	for (int i = 0; i < 10; i++)
		b_add(&big, b, N);
	static char out[4096];
	struct raw_reply rr = raw_send(big.p, big.n, out, sizeof out, 1500, true);
	assert_true(rr.closed);
	assert_non_null(strstr(out, "HTTP/1.1 414"));
	b_free(&big);
	alive();
}

static void test_oversized_headers_and_absurd_content_lengths(void **state)
{
	struct buf b = {0};
	/* One header of 100 KB. */
	b_str(&b, "GET / HTTP/1.1\r\nHost: x\r\nX-Big: ");
	for (int i = 0; i < 100 * 1024; i++)
		b_str(&b, "b");
	b_str(&b, "\r\n\r\n");
	raw_case("100 KB header", b.p, b.n, WANT_4XX);
	b_free(&b);
	/* 10,000 headers. */
	b_str(&b, "GET / HTTP/1.1\r\nHost: x\r\n");
	for (int i = 0; i < 10000; i++)
		b_fmt(&b, "X-H%d: v\r\n", i);
	b_str(&b, "\r\n");
	raw_case("10,000 headers", b.p, b.n, WANT_4XX);
	b_free(&b);
	/* The same through curl, which reads the answer properly. */
	struct hresp r;
	const char *many[2002];
	char names[2000][32];
	for (int i = 0; i < 2000; i++) {
		snprintf(names[i], sizeof names[i], "X-Many-%d: vvvvvvvv", i);
		many[i] = names[i];
	}
	many[2000] = NULL;
	h_request("GET", "/", many, NULL, 0, &r);
	assert_true(r.status == -1 || (r.status >= 400 && r.status <= 499));
	h_free(&r);
	static const char *const lengths[] = {
	    "99999999999999999999999999999", "18446744073709551616", "18446744073709551615",
	    "-1", "-0", "+5", "0x10", "5 5", "abc", "", "9223372036854775808", "1e3",
	};
	for (size_t i = 0; i < sizeof lengths / sizeof lengths[0]; i++) {
		char req[512];
		snprintf(req, sizeof req,
		         "POST /api/v1/requests HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
		         "Content-Length: %s\r\nConnection: close\r\n\r\n{}",
		         lengths[i]);
		raw_expect(lengths[i], req, WANT_4XX);
	}
	/* Request smuggling: framing that a proxy in front and this server
	 * could read differently (libmicrohttpd alone takes one of two
	 * Content-Lengths and lets Transfer-Encoding win). RFC 9112 §6.3: 400,
	 * then the connection is closed; the request after the body, which one
	 * reading would take for a second request, is never answered. No
	 * "Connection: close" from the client here: the server closes. */
	raw_expect("two different Content-Lengths",
	           "POST /wniosek HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nContent-Length: 40\r\n"
	           "Content-Type: application/x-www-form-urlencoded\r\n\r\na=",
	           WANT_400_CLOSED);
	raw_expect("two equal Content-Lengths",
	           "POST /api/v1/requests HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nContent-Length: 2\r\n"
	           "Content-Type: application/json\r\n\r\n{}",
	           WANT_400_CLOSED);
	raw_expect("Content-Length with chunked",
	           "POST /wniosek HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n"
	           "Content-Type: application/x-www-form-urlencoded\r\n\r\n"
	           "0\r\n\r\nGET /smuggled HTTP/1.1\r\nHost: x\r\n\r\n",
	           WANT_400_CLOSED);
	raw_expect("chunked with Content-Length after it",
	           "POST /api/v1/requests HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
	           "Content-Length: 5\r\nContent-Type: application/json\r\n\r\n"
	           "2\r\n{}\r\n0\r\n\r\nGET /smuggled HTTP/1.1\r\nHost: x\r\n\r\n",
	           WANT_400_CLOSED);
	raw_expect("two Transfer-Encoding fields",
	           "POST /api/v1/requests HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
	           "Transfer-Encoding: identity\r\nContent-Type: application/json\r\n\r\n"
	           "2\r\n{}\r\n0\r\n\r\n",
	           WANT_400_CLOSED);
	raw_expect("Transfer-Encoding in HTTP/1.0",
	           "POST /api/v1/requests HTTP/1.0\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
	           "Content-Type: application/json\r\n\r\n2\r\n{}\r\n0\r\n\r\n",
	           WANT_400_CLOSED);
	/* Content-Length larger than what comes: the server waits for the
	 * rest, then the client goes away. */
	raw_expect("short body",
	           "POST /api/v1/requests HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
	           "Content-Length: 100\r\n\r\n{\"kind\":",
	           WANT_WAIT_FOR_REST);
	alive();
}

static void test_bad_chunked_bodies_and_pipelined_garbage(void **state)
{
	static const struct {
		const char *body;
		enum raw_want want;
	} chunks[] = {
	    {"zz\r\nabc\r\n0\r\n\r\n", WANT_4XX},
	    {"FFFFFFFFFFFFFFFFFFFFFFFF\r\nabc\r\n0\r\n\r\n", WANT_4XX},
	    {"-5\r\nabc\r\n0\r\n\r\n", WANT_4XX},
	    {"3\r\nabcdef\r\n0\r\n\r\n", WANT_4XX},
	    {"3;ext=\"\xFF\"\r\nabc\r\n0\r\n\r\n", WANT_4XX},
	    {"3\r\nabc", WANT_WAIT_FOR_REST}, /* no last chunk */
	    {"\r\n\r\n", WANT_4XX},
	    {"0x3\r\nabc\r\n0\r\n\r\n", WANT_4XX},
	    /* 2^63 - 1 bytes announced, 3 sent: under the body limit so far */
	    {"7FFFFFFFFFFFFFFF\r\nabc\r\n", WANT_WAIT_FOR_REST},
	};
	for (size_t i = 0; i < sizeof chunks / sizeof chunks[0]; i++) {
		struct buf b = {0};
		b_fmt(&b,
		      "POST /api/v1/requests HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
		      "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n%s",
		      chunks[i].body);
		raw_case(chunks[i].body, b.p, b.n, chunks[i].want);
		b_free(&b);
	}
	/* RFC 9112 §6.3: chunked not the final coding, so the body's length
	 * cannot be known: 400 (libmicrohttpd alone waited in silence). */
	raw_expect("unknown transfer coding",
	           "POST /wniosek HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip, chunked, x\r\n"
	           "\r\n0\r\n\r\n",
	           WANT_400_CLOSED);
	/* A valid request followed by garbage on the same connection: the
	 * first is answered 200, the garbage at most with a 4xx. */
	static char out[65536];
	const char *piped = "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"
	                    "\x16\x03\x01 GARBAGE \xff\xfe\r\n\r\n";
	h_raw(piped, strlen(piped), out, sizeof out, 3000);
	assert_non_null(strstr(out, "HTTP/1.1 200"));
	assert_null(strstr(out, "HTTP/1.1 5"));
	/* Two valid requests pipelined: both answered. */
	const char *two = "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"
	                  "GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
	h_raw(two, strlen(two), out, sizeof out, 3000);
	const char *first = strstr(out, "HTTP/1.1 200");
	assert_non_null(first);
	assert_non_null(strstr(first + 1, "HTTP/1.1 200"));
	/* A body longer than its Content-Length: the rest is a new request. */
	const char *longer = "POST /api/v1/requests HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
	                     "Content-Length: 2\r\n\r\n{}GARBAGE GARBAGE\r\n\r\n";
	h_raw(longer, strlen(longer), out, sizeof out, 3000);
	assert_non_null(strstr(out, "HTTP/1.1 4"));
	assert_null(strstr(out, "HTTP/1.1 5"));
	alive();
}

/* ---- multipart ---------------------------------------------------------------- */

static void mp_field(struct buf *b, const char *name, const char *value)
{
	b_fmt(b, "--HoStIlE\r\nContent-Disposition: form-data; name=\"%s\"\r\n\r\n%s\r\n", name, value);
}

static void mp_file_head(struct buf *b, const char *filename)
{
	b_fmt(b,
	      "--HoStIlE\r\nContent-Disposition: form-data; name=\"attachment\"; filename=\"%s\"\r\n"
	      "Content-Type: application/pdf\r\n\r\n",
	      filename);
}

static void mp_form(struct buf *b, const struct u_form *fp, const char *subject)
{
	mp_field(b, "csrf", fp->csrf);
	mp_field(b, "submission_id", fp->sid);
	mp_field(b, "kind", "public_information");
	mp_field(b, "subject", subject);
	mp_field(b, "content", "Wniosek z dużym załącznikiem.");
	mp_field(b, "delivery", "tracking_page");
}

static void post_multipart(const struct u_form *fp, const struct buf *b, struct hresp *r)
{
	const char *hdr[] = {"Content-Type: multipart/form-data; boundary=HoStIlE", fp->cookie, NULL};
	h_request("POST", "/wniosek", hdr, b->p, b->n, r);
}

static void test_multipart_over_the_limits(void **state)
{
	long before = u_count("SELECT count(*) FROM requests");
	struct u_form fp;
	struct hresp r;
	/* A 9 MB part: over JAWNOSC_MAX_BODY (8 MB), refused before routing. */
	u_open_form(&fp);
	struct buf b = {0};
	mp_form(&b, &fp, "Dziewięć megabajtów");
	mp_file_head(&b, "duzy.pdf");
	b_str(&b, "%PDF-1.4\n");
	size_t big = 9 * 1024 * 1024;
	char *fill = malloc(big);
	memset(fill, 'A', big);
	b_add(&b, fill, big);
	b_str(&b, "\r\n--HoStIlE--\r\n");
	post_multipart(&fp, &b, &r);
	b_free(&b);
	assert_int_equal(r.status, 413);
	assert_4xx_polish(&r, "9 MB part");
	h_free(&r);
	/* A 6 MB attachment: under the body limit, over JAWNOSC_MAX_ATTACHMENT
	 * (5 MB): 422 with the message at the field and the input kept. */
	u_open_form(&fp);
	mp_form(&b, &fp, "Sześć megabajtów");
	mp_file_head(&b, "szesc.pdf");
	b_str(&b, "%PDF-1.4\n");
	b_add(&b, fill, 6 * 1024 * 1024);
	b_str(&b, "\r\n--HoStIlE--\r\n");
	post_multipart(&fp, &b, &r);
	b_free(&b);
	free(fill);
	assert_int_equal(r.status, 422);
	assert_4xx_polish(&r, "6 MB attachment");
	assert_non_null(strstr(r.body, "Plik „szesc.pdf” ma 6,0 MB, a każdy załącznik może mieć najwyżej"));
	assert_non_null(strstr(r.body, "attachment-error"));
	assert_non_null(strstr(r.body, "value=\"Sześć megabajtów\""));
	assert_non_null(strstr(r.body, "Wniosek z dużym załącznikiem."));
	h_free(&r);
	/* Multipart without a boundary, with an empty one, never closed. */
	u_open_form(&fp);
	mp_form(&b, &fp, "Bez granicy");
	const char *nob[] = {"Content-Type: multipart/form-data", fp.cookie, NULL};
	h_request("POST", "/wniosek", nob, b.p, b.n, &r);
	assert_int_equal(r.status, 400);
	assert_4xx_polish(&r, "multipart without a boundary");
	h_free(&r);
	post_multipart(&fp, &b, &r); /* no closing delimiter */
	assert_int_equal(r.status, 400);
	assert_4xx_polish(&r, "multipart never closed");
	h_free(&r);
	b_free(&b);
	/* A part whose headers never end, a NUL in a file name, 300 parts. */
	u_open_form(&fp);
	b_str(&b, "--HoStIlE\r\nContent-Disposition: form-data; name=\"subject\"\r\nX-Pad: ");
	for (int i = 0; i < 20000; i++)
		b_str(&b, "p");
	b_str(&b, "\r\n\r\nx\r\n--HoStIlE--\r\n");
	post_multipart(&fp, &b, &r);
	assert_int_equal(r.status, 400);
	h_free(&r);
	b_free(&b);
	mp_form(&b, &fp, "Nul w nazwie");
	b_str(&b, "--HoStIlE\r\nContent-Disposition: form-data; name=\"attachment\"; filename=\"a");
	b_add(&b, "\0", 1);
	b_str(&b, ".pdf\"\r\n\r\n%PDF-1.4\r\n--HoStIlE--\r\n");
	post_multipart(&fp, &b, &r);
	assert_int_equal(r.status, 400);
	assert_4xx_polish(&r, "NUL in a file name");
	h_free(&r);
	b_free(&b);
	for (int i = 0; i < 300; i++)
		mp_field(&b, "x", "y");
	b_str(&b, "--HoStIlE--\r\n");
	post_multipart(&fp, &b, &r);
	assert_int_equal(r.status, 400);
	assert_4xx_polish(&r, "300 parts");
	h_free(&r);
	b_free(&b);
	assert_int_equal(u_count("SELECT count(*) FROM requests"), before);
	/* File names with directories and markup: the base name is stored,
	 * exactly, and shown escaped. */
	u_open_form(&fp);
	mp_form(&b, &fp, "Nazwa pliku z katalogami");
	mp_file_head(&b, "../../../etc/\\\"><img src=x onerror=alert(1)>.txt");
	b_str(&b, "Zwykły tekst.\r\n--HoStIlE--\r\n");
	post_multipart(&fp, &b, &r);
	b_free(&b);
	if (r.status != 303)
		fprintf(stderr, "file name with directories: %ld %.500s\n", r.status, r.body);
	assert_int_equal(r.status, 303);
	h_free(&r);
	const char *stored = "\"><img src=x onerror=alert(1)>.txt";
	PGconn *c = h_db();
	const char *p[1] = {stored};
	PGresult *q = PQexecParams(c, "SELECT r.id FROM attachments a JOIN requests r ON r.id = a.request_id "
	                              "WHERE a.filename = $1 AND a.data = convert_to('Zwykły tekst.', 'UTF8')",
	                           1, NULL, p, NULL, NULL, 0);
	assert_int_equal(PQntuples(q), 1);
	char path[128];
	snprintf(path, sizeof path, "/panel/sprawy/%s", PQgetvalue(q, 0, 0));
	PQclear(q);
	PQfinish(c);
	u_staff_get(staff(), path, &r);
	assert_int_equal(r.status, 200);
	assert_no_raw_markup(r.body, "case with a hostile file name");
	assert_shows_escaped(r.body, stored, "case with a hostile file name");
	h_free(&r);
	alive();
}

/* ---- JSON bombs ----------------------------------------------------------------- */

static void post_api(const char *body, size_t len, struct hresp *r)
{
	const char *hdr[] = {"Content-Type: application/json", NULL};
	h_request("POST", "/api/v1/requests", hdr, body, len, r);
}

static void test_json_bombs_are_4xx(void **state)
{
	long before = u_count("SELECT count(*) FROM requests");
	struct buf b = {0};
	struct hresp r;
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	/* Nesting 100,000 deep, in the body and inside a member. */
	for (int i = 0; i < 100000; i++)
		b_str(&b, "[");
	for (int i = 0; i < 100000; i++)
		b_str(&b, "]");
	post_api(b.p, b.n, &r);
	assert_int_equal(r.status, 400);
	assert_4xx_polish(&r, "100,000 deep");
	h_free(&r);
	b_free(&b);
	/* 40,000 deep: 240 KB, under the API's 256 KB (a larger body is
	 * refused unread, test_limits). */
	b_str(&b, "{\"kind\":\"public_information\",\"requester\":");
	for (int i = 0; i < 40000; i++)
		b_str(&b, "{\"a\":");
	b_str(&b, "1");
	for (int i = 0; i < 40000; i++)
		b_str(&b, "}");
	b_str(&b, "}");
	post_api(b.p, b.n, &r);
	assert_int_equal(r.status, 400);
	h_free(&r);
	b_free(&b);
	/* Nesting the parser accepts (1,000), where a string belongs. */
	b_str(&b, "{\"kind\":\"public_information\",\"subject\":");
	for (int i = 0; i < 1000; i++)
		b_str(&b, "[");
	for (int i = 0; i < 1000; i++)
		b_str(&b, "]");
	b_str(&b, ",\"content\":\"Tre\xC5\x9B\xC4\x87 wniosku.\",\"delivery\":\"tracking_page\"}");
	post_api(b.p, b.n, &r);
	assert_int_equal(r.status, 422);
	assert_non_null(strstr(r.body, "\"field\":\"subject\""));
	h_free(&r);
	b_free(&b);
	/* 60,000- and 50,000-element arrays (under 256 KB): as the body, and as a
	 * member. */
	b_str(&b, "[");
	for (int i = 0; i < 60000; i++)
		b_str(&b, i ? ",{}" : "{}");
	b_str(&b, "]");
	post_api(b.p, b.n, &r);
	assert_int_equal(r.status, 400);
	assert_4xx_polish(&r, "array body");
	h_free(&r);
	b_free(&b);
	b_str(&b, "{\"kind\":\"public_information\",\"subject\":[");
	for (int i = 0; i < 50000; i++)
		b_str(&b, i ? ",\"x\"" : "\"x\"");
	b_str(&b, "],\"content\":\"Tre\xC5\x9B\xC4\x87 wniosku.\",\"delivery\":\"tracking_page\"}");
	post_api(b.p, b.n, &r);
	assert_int_equal(r.status, 422);
	h_free(&r);
	b_free(&b);
	/* 12,000 members (the API takes 256 KB), every one unknown, besides a
	 * valid filing. */
	b_str(&b, "{\"kind\":\"public_information\",\"subject\":\"Sto tysi\xC4\x99" "cy p\xC3\xB3l\","
	          "\"content\":\"Tre\xC5\x9B\xC4\x87 wniosku.\",\"delivery\":\"tracking_page\"");
	for (int i = 0; i < 12000; i++)
		b_fmt(&b, ",\"k%d\":%d", i, i);
	b_str(&b, "}");
	post_api(b.p, b.n, &r);
	assert_int_equal(r.status, 201);
	h_free(&r);
	b_free(&b);
	before++;
	/* A 240 KB string (under the API's 256 KB) where 20,000 characters fit. */
	b_str(&b, "{\"kind\":\"public_information\",\"subject\":\"Temat\",\"delivery\":\"tracking_page\","
	          "\"content\":\"");
	for (int i = 0; i < 40000; i++)
		b_str(&b, "\\u017c");
	b_str(&b, "\"}");
	post_api(b.p, b.n, &r);
	assert_int_equal(r.status, 422);
	assert_non_null(strstr(r.body, "\"field\":\"content\""));
	h_free(&r);
	b_free(&b);
	/* Duplicate keys, also inside requester; numbers out of range; a
	 * byte-order mark; trailing garbage; an empty body; null. */
	static const char *const small[] = {
	    "{\"kind\":\"public_information\",\"kind\":\"reuse\"}",
	    "{\"requester\":{\"email\":\"a@example.pl\",\"email\":\"b@example.pl\"}}",
	    "{\"kind\":1e999}",
	    "{\"kind\":-1e999}",
	    "{\"kind\":123456789012345678901234567890}",
	    "\xEF\xBB\xBF{\"kind\":\"public_information\"}",
	    "{\"kind\":\"public_information\"} trailing",
	    "{\"kind\":\"public_information\"}{}",
	    "null",
	    "\"just a string\"",
	    "{\"kind\":\"public_information\",}",
	    "{'kind':'public_information'}",
	    "{\"kind\":\"public_information\" /* comment */}",
	    "{\"kind\":NaN}",
	    "{\"\\u0000\":1}",
	};
	for (size_t i = 0; i < sizeof small / sizeof small[0]; i++) {
		post_api(small[i], strlen(small[i]), &r);
		if (r.status != 400)
			fprintf(stderr, "%s: %ld %s\n", small[i], r.status, r.body);
		assert_int_equal(r.status, 400);
		assert_4xx_polish(&r, small[i]);
		h_free(&r);
	}
	post_api("", 0, &r);
	assert_int_equal(r.status, 400);
	assert_4xx_polish(&r, "empty body");
	h_free(&r);
	/* The action endpoint: the same bombs and wrong types. */
	char *token = u_file("public_information", NULL);
	before++;
	char path[256];
	snprintf(path, sizeof path, "/api/v1/requests/%s/actions/withdraw", token);
	static const char *const acts[] = {
	    "{\"text\":{\"a\":[1,2,3]}}", "{\"version\":\"1\"}", "{\"version\":1.5}",
	    "{\"text\":[\"a\"]}",	  "{\"version\":true}",
	};
	for (size_t i = 0; i < sizeof acts / sizeof acts[0]; i++) {
		u_post_json(path, acts[i], &r);
		assert_int_equal(r.status, 422);
		assert_4xx_polish(&r, acts[i]);
		h_free(&r);
	}
	static const char *const acts400[] = {"{\"version\":99999999999999999999999}", "[]",
	                                      "{\"text\":\"a\",\"text\":\"b\"}"};
	for (size_t i = 0; i < sizeof acts400 / sizeof acts400[0]; i++) {
		u_post_json(path, acts400[i], &r);
		assert_int_equal(r.status, 400);
		h_free(&r);
	}
	for (int i = 0; i < 100000; i++)
		b_str(&b, "[");
	u_post_json(path, b.p, &r);
	assert_int_equal(r.status, 400);
	h_free(&r);
	b_free(&b);
	free(token);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	double s = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	if (s > 30)
		fprintf(stderr, "the JSON bombs took %.1f s\n", s);
	assert_true(s < 30);
	assert_int_equal(u_count("SELECT count(*) FROM requests"), before);
	alive();
}

/* ---- slowloris ------------------------------------------------------------------ */


/* True once the server has closed `fd` (EOF or reset). */
static bool closed_by_server(int fd)
{
	char c[256];
	struct pollfd p = {.fd = fd, .events = POLLIN};
	if (poll(&p, 1, 0) <= 0)
		return false;
	ssize_t n = recv(fd, c, sizeof c, MSG_DONTWAIT);
	return n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK);
}

enum { SLOW = 50, TIMEOUT_S = 3 };

/* 50 connections that send a header a byte a second: a normal request is
 * still answered at once; once they stop sending, each is dropped after
 * JAWNOSC_TIMEOUT (3 s here). A client that keeps trickling a byte within
 * every timeout is not cut off by the server's idle timeout: the reverse
 * proxy's client_header_timeout bounds the whole header (deploy/nginx). */
static void test_slowloris_does_not_starve_others_and_is_dropped_after_the_timeout(void **state)
{
	assert_int_equal(h_server_stop(), 0);
	const char *env[] = {"JAWNOSC_FILING_RATE=100000", "JAWNOSC_TIMEOUT=3", "JAWNOSC_DEFAULT_ORG=mon",
	                     NULL};
	h_server_start(env);
	int fds[SLOW], idle[10];
	for (int i = 0; i < SLOW; i++) {
		fds[i] = connect_port(h_port());
		assert_true(fds[i] >= 0);
		const char *start = "GET / HTTP/1.1\r\nHost: x\r\nX-Slow: ";
		assert_true(send(fds[i], start, strlen(start), MSG_NOSIGNAL) > 0);
	}
	/* And connections that never send a byte. */
	for (int i = 0; i < 10; i++) {
		idle[i] = connect_port(h_port());
		assert_true(idle[i] >= 0);
	}
	double worst = 0;
	for (int sec = 0; sec < 5; sec++) {
		for (int i = 0; i < SLOW; i++)
			send(fds[i], "a", 1, MSG_NOSIGNAL);
		/* A normal request meanwhile, and one that needs the database. */
		double t0 = now_s();
		struct hresp r;
		h_get(sec % 2 ? "/healthz" : "/wniosek", &r);
		double took = now_s() - t0;
		assert_int_equal(r.status, 200);
		h_free(&r);
		if (took > worst)
			worst = took;
		usleep((useconds_t)((1.0 - (took < 1 ? took : 1)) * 1e6));
	}
	fprintf(stderr, "slowloris: slowest normal request %.3f s\n", worst);
	assert_true(worst < 2.0); /* "within a second or two", on a busy machine too */
	/* Still trickling after more than the timeout: none was dropped;
	 * the silent ones were, once the timeout had passed. */
	int open_now = 0;
	for (int i = 0; i < SLOW; i++)
		open_now += !closed_by_server(fds[i]);
	assert_int_equal(open_now, SLOW);
	for (int i = 0; i < 10; i++) {
		assert_true(closed_by_server(idle[i]));
		close(idle[i]);
	}
	/* They stop sending: dropped after the timeout, not much later. */
	double stopped = now_s();
	int dropped = 0;
	bool gone[SLOW] = {0};
	while (dropped < SLOW && now_s() - stopped < TIMEOUT_S + 4) {
		for (int i = 0; i < SLOW; i++) {
			if (!gone[i] && closed_by_server(fds[i])) {
				gone[i] = true;
				dropped++;
			}
		}
		usleep(100000);
	}
	double waited = now_s() - stopped;
	fprintf(stderr, "slowloris: %d of %d dropped %.1f s after their last byte\n", dropped, SLOW,
	        waited);
	assert_int_equal(dropped, SLOW);
	assert_true(waited >= TIMEOUT_S - 1.5);
	for (int i = 0; i < SLOW; i++)
		close(fds[i]);
	alive();
	assert_int_equal(h_server_stop(), 0);
	h_server_start(server_env);
}

int main(void)
{
	h_setup_db("hostile");
	u_seed_demo();
	const struct CMUnitTest tests[] = {
	    TIMED(test_nasty_text_through_the_api_is_stored_exactly_and_rendered_escaped),
	    TIMED(test_nasty_text_through_the_form_is_stored_exactly_and_rendered_escaped),
	    TIMED(test_ten_thousand_characters_in_each_field),
	    TIMED(test_invalid_utf8_and_nul_are_refused_with_a_polish_message),
	    TIMED(test_panel_forms_store_exactly_and_render_escaped),
	    TIMED(test_admin_forms_store_exactly_and_render_escaped),
	    TIMED(test_path_traversal_and_hostile_paths_are_4xx),
	    TIMED(test_hostile_headers_and_queries_are_harmless),
	    TIMED(test_wrong_content_type_on_every_post_endpoint_is_4xx),
	    TIMED(test_malformed_request_lines_and_headers),
	    TIMED(test_oversized_headers_and_absurd_content_lengths),
	    TIMED(test_junk_that_is_not_http_is_refused_and_closed_at_once),
	    TIMED(test_malformed_cookies_are_ignored),
	    TIMED(test_bad_chunked_bodies_and_pipelined_garbage),
	    TIMED(test_multipart_over_the_limits),
	    TIMED(test_json_bombs_are_4xx),
	    TIMED(test_slowloris_does_not_starve_others_and_is_dropped_after_the_timeout),
	};
	int failed = cmocka_run_group_tests_name("hostile", tests, setup, h_stop_server);
	h_teardown();
	return failed;
}
