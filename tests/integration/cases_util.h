/* SPDX-License-Identifier: EUPL-1.2 */
/* Helpers shared by the case tests: demo data, JSON answers, clerk steps
 * taken through the services (the clerk panel comes later). */
#ifndef JAWNOSC_TESTS_CASES_UTIL_H
#define JAWNOSC_TESTS_CASES_UTIL_H

#include <dirent.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cases/action.h"
#include "core/arena.h"
#include "integration/harness.h"
#include "law/date.h"
#include "law/term.h"
#include "law/warsaw.h"

static inline void u_seed_demo(void)
{
	char *out = NULL;
	const char *args[] = {"seed", "--demo", NULL};
	int rc = h_cli(&out, args);
	if (rc != 0)
		fprintf(stderr, "seed: %s\n", out);
	assert_int_equal(rc, 0);
	free(out);
}

static inline json_t *u_json(const struct hresp *r)
{
	json_error_t e;
	json_t *j = json_loadb(r->body, r->len, 0, &e);
	if (!j)
		fprintf(stderr, "not JSON (%s): %.300s\n", e.text, r->body);
	assert_non_null(j);
	return j;
}

static inline const char *u_str(json_t *j, const char *key)
{
	json_t *v = json_object_get(j, key);
	return json_is_string(v) ? json_string_value(v) : NULL;
}

static inline void u_post_json(const char *path, const char *body, struct hresp *r)
{
	const char *hdr[] = {"Content-Type: application/json", NULL};
	h_request("POST", path, hdr, body, strlen(body), r);
}

/* Files a request through the API; returns its tracking token (malloc'd). */
static inline char *u_file(const char *kind, char *case_number_out)
{
	char body[1024];
	if (!strcmp(kind, "reuse"))
		snprintf(body, sizeof body,
		         "{\"kind\":\"reuse\",\"subject\":\"Dane do ponownego wykorzystania\","
		         "\"content\":\"Proszę o zbiór danych w formacie CSV.\",\"delivery\":\"email\","
		         "\"purpose\":\"analiza\",\"format\":\"CSV\",\"manner\":\"e-mail\","
		         "\"requester\":{\"name\":\"Jan Test\",\"email\":\"jan@example.pl\","
		         "\"postal_address\":\"ul. Testowa 1, 00-001 Warszawa\"}}");
	else
		snprintf(body, sizeof body,
		         "{\"kind\":\"public_information\",\"subject\":\"Wydatki na promocję\","
		         "\"content\":\"Proszę o zestawienie wydatków na promocję.\",\"delivery\":\"email\","
		         "\"requester\":{\"name\":\"Jan Test\",\"email\":\"jan@example.pl\","
		         "\"postal_address\":\"ul. Testowa 1, 00-001 Warszawa\"}}");
	struct hresp r;
	u_post_json("/api/v1/requests", body, &r);
	if (r.status != 201)
		fprintf(stderr, "filing: %ld %s\n", r.status, r.body);
	assert_int_equal(r.status, 201);
	json_t *j = u_json(&r);
	char *token = strdup(u_str(j, "tracking_token"));
	if (case_number_out)
		strcpy(case_number_out, u_str(j, "case_number"));
	json_decref(j);
	h_free(&r);
	return token;
}

struct u_step {
	const char *case_number;
	law_action_t action;
	bool allowed;
	law_error_t refusal;
};

static inline enum db_status u_step_tx(PGconn *c, void *vctx)
{
	struct u_step *s = vctx;
	const char *p[1] = {s->case_number};
	PGresult *r = PQexecParams(c, "SELECT id FROM requests WHERE case_number = $1", 1, NULL, p,
	                           NULL, NULL, 0);
	long long id = PQntuples(r) ? atoll(PQgetvalue(r, 0, 0)) : 0;
	PQclear(r);
	arena_t *a = arena_new(4096);
	struct case_ref f;
	bool found = false;
	enum db_status st = case_lock(c, a, id, 0, &f, &found);
	if (st == DB_OK && found) {
		law_date_t today;
		law_warsaw_date((int64_t)time(NULL), &today);
		law_action_input_t in = {.action = s->action, .role = LAW_ROLE_CLERK, .date = today,
		                         .sent = today, .new_due = law_date_add_months(today, 1),
		                         .term_days = 14};
		law_outcome_t *oc = arena_alloc(a, sizeof *oc);
		st = case_act_locked(c, a, &f, &in, "clerk", 0, NULL, oc, &s->allowed);
		s->refusal = oc->refusal;
	}
	arena_free(a);
	return st;
}

/* A clerk's step on the case, today; the test fails if it is refused. */
static inline void u_clerk(const char *case_number, law_action_t action)
{
	PGconn *c = h_db();
	struct u_step s = {case_number, action, false, {0}};
	assert_int_equal(db_transaction(c, u_step_tx, &s), DB_OK);
	if (!s.allowed)
		fprintf(stderr, "%s refused: %s\n", law_actions[action].id, s.refusal.message);
	assert_true(s.allowed);
	PQfinish(c);
}

static inline long u_count(const char *sql)
{
	PGconn *c = h_db();
	PGresult *r = PQexec(c, sql);
	if (PQresultStatus(r) != PGRES_TUPLES_OK)
		fprintf(stderr, "%s: %s", sql, PQerrorMessage(c));
	long n = PQresultStatus(r) == PGRES_TUPLES_OK ? atol(PQgetvalue(r, 0, 0)) : -1;
	PQclear(r);
	PQfinish(c);
	return n;
}

/* Value of `name="X" value="..."` in a page; "" when absent. */
static inline void u_attr(const char *html, const char *name, char *out, size_t len)
{
	char key[96];
	snprintf(key, sizeof key, "name=\"%s\" value=\"", name);
	const char *p = strstr(html, key);
	out[0] = '\0';
	if (!p)
		return;
	p += strlen(key);
	const char *q = strchr(p, '"');
	size_t n = q && (size_t)(q - p) < len - 1 ? (size_t)(q - p) : len - 1;
	memcpy(out, p, n);
	out[n] = '\0';
}

/* "name=value" of a Set-Cookie header. */
/* `s` url-encoded (application/x-www-form-urlencoded, unreserved
 * characters kept) into `out`. */
static inline void u_urlencode(const char *s, char *out, size_t len)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t n = 0;
	for (const unsigned char *p = (const unsigned char *)s; *p && n + 4 < len; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
		    *p == '-' || *p == '_' || *p == '.') {
			out[n++] = (char)*p;
		} else {
			out[n++] = '%';
			out[n++] = hex[*p >> 4];
			out[n++] = hex[*p & 15];
		}
	}
	out[n] = '\0';
}

/* The filing form as a browser gets it: the line for its cookie, its CSRF
 * token and its one-time submission id. */
struct u_form {
	char cookie[160]; /* "Cookie: jw_form=..." */
	char csrf[80];
	char sid[40];
};

static inline void u_open_form(struct u_form *fp)
{
	struct hresp r;
	h_get("/wniosek", &r);
	assert_int_equal(r.status, 200);
	const char *set = h_header(&r, "Set-Cookie");
	assert_non_null(set);
	assert_non_null(strstr(set, "HttpOnly"));
	assert_non_null(strstr(set, "SameSite=Lax"));
	const char *semi = strchr(set, ';');
	snprintf(fp->cookie, sizeof fp->cookie, "Cookie: %.*s", (int)(semi - set), set);
	u_attr(r.body, "csrf", fp->csrf, sizeof fp->csrf);
	u_attr(r.body, "submission_id", fp->sid, sizeof fp->sid);
	assert_int_equal(strlen(fp->csrf), 64);
	assert_int_equal(strlen(fp->sid), 32);
	h_free(&r);
}

static inline void u_cookie_pair(const char *set, char *out, size_t len)
{
	const char *semi = strchr(set, ';');
	size_t n = semi ? (size_t)(semi - set) : strlen(set);
	if (n >= len)
		n = len - 1;
	memcpy(out, set, n);
	out[n] = '\0';
}

struct u_staff {
	char cookie[256]; /* "Cookie: jw_session=..." */
	char csrf[96];    /* the session's CSRF token */
};

/* Signs in through the real sign-in form; the test fails if it does not work. */
static inline void u_login(const char *email, const char *password, struct u_staff *s)
{
	struct hresp r;
	h_get("/panel/logowanie", &r);
	assert_int_equal(r.status, 200);
	char form_cookie[160], csrf[96], body[512];
	u_cookie_pair(h_header(&r, "Set-Cookie"), form_cookie, sizeof form_cookie);
	u_attr(r.body, "csrf", csrf, sizeof csrf);
	h_free(&r);
	char hdr_cookie[200];
	snprintf(hdr_cookie, sizeof hdr_cookie, "Cookie: %s", form_cookie);
	snprintf(body, sizeof body, "csrf=%s&next=&email=%s&password=%s", csrf, email, password);
	const char *hdr[] = {"Content-Type: application/x-www-form-urlencoded", hdr_cookie, NULL};
	h_request("POST", "/panel/logowanie", hdr, body, strlen(body), &r);
	if (r.status != 303)
		fprintf(stderr, "sign-in of %s: %ld %.300s\n", email, r.status, r.body);
	assert_int_equal(r.status, 303);
	char session[200], home[128];
	u_cookie_pair(h_header(&r, "Set-Cookie"), session, sizeof session);
	/* Where sign-in leads: the queue, or the data protection officer's page. */
	snprintf(home, sizeof home, "%s", h_header(&r, "Location"));
	h_free(&r);
	snprintf(s->cookie, sizeof s->cookie, "Cookie: %s", session);
	const char *h2[] = {s->cookie, NULL};
	h_request("GET", home, h2, NULL, 0, &r);
	if (r.status != 200)
		fprintf(stderr, "%s after sign-in of %s: %ld %.300s\n", home, email, r.status, r.body);
	assert_int_equal(r.status, 200);
	u_attr(r.body, "csrf", s->csrf, sizeof s->csrf);
	h_free(&r);
	assert_true(strlen(s->csrf) > 0);
}

static inline void u_staff_get(const struct u_staff *s, const char *path, struct hresp *r)
{
	const char *hdr[] = {s->cookie, NULL};
	h_request("GET", path, hdr, NULL, 0, r);
}

/* POSTs url-encoded `fields` with the session's CSRF token. */
static inline void u_staff_post(const struct u_staff *s, const char *path, const char *fields,
                                struct hresp *r)
{
	size_t n = strlen(fields) + 200;
	char *body = malloc(n);
	snprintf(body, n, "csrf=%s&%s", s->csrf, fields);
	const char *hdr[] = {"Content-Type: application/x-www-form-urlencoded", s->cookie, NULL};
	h_request("POST", path, hdr, body, strlen(body), r);
	free(body);
}

static inline long long u_request_id(const char *case_number)
{
	char sql[256];
	snprintf(sql, sizeof sql, "SELECT id FROM requests WHERE case_number = '%s'", case_number);
	return u_count(sql);
}

/* Replaces every "[DO UZUPEŁNIENIA: …]" mark, url-encoding the result. */
static inline char *u_filled_and_encoded(const char *md)
{
	size_t n = strlen(md);
	char *plain = malloc(n + 1), *o = plain;
	for (const char *p = md; *p;) {
		if (!strncmp(p, "[DO UZUPEŁNIENIA:", strlen("[DO UZUPEŁNIENIA:"))) {
			const char *end = strchr(p, ']');
			memcpy(o, "uzupełniono", strlen("uzupełniono"));
			o += strlen("uzupełniono");
			p = end ? end + 1 : p + strlen(p);
		} else {
			*o++ = *p++;
		}
	}
	*o = '\0';
	char *enc = malloc(strlen(plain) * 3 + 1), *e = enc;
	static const char hex[] = "0123456789ABCDEF";
	for (const unsigned char *p = (const unsigned char *)plain; *p; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9'))
			*e++ = (char)*p;
		else {
			*e++ = '%';
			*e++ = hex[*p >> 4];
			*e++ = hex[*p & 15];
		}
	}
	*e = '\0';
	free(plain);
	return enc;
}

/* `s` with the five entities the templates write (&amp; &lt; &gt; &quot;
 * &#39;) undone (malloc'd). */
static inline char *u_unescape(const char *s)
{
	static const struct {
		const char *ent, *ch;
	} ents[] = {{"&amp;", "&"}, {"&lt;", "<"}, {"&gt;", ">"}, {"&quot;", "\""}, {"&#39;", "'"}};
	char *out = malloc(strlen(s) + 1), *o = out;
	while (*s) {
		size_t i;
		for (i = 0; i < sizeof ents / sizeof ents[0]; i++)
			if (!strncmp(s, ents[i].ent, strlen(ents[i].ent)))
				break;
		if (i < sizeof ents / sizeof ents[0]) {
			*o++ = *ents[i].ch;
			s += strlen(ents[i].ent);
		} else {
			*o++ = *s++;
		}
	}
	*o = '\0';
	return out;
}

/* The value of input `name` of a page, entities undone (malloc'd; "" when
 * absent). */
static inline char *u_input(const char *html, const char *name)
{
	char raw[4096];
	u_attr(html, name, raw, sizeof raw);
	return u_unescape(raw);
}

/* `s` url-encoded (malloc'd). */
static inline char *u_enc(const char *s)
{
	/* Three bytes a character and u_urlencode()'s margin of four. */
	size_t n = strlen(s) * 3 + 4;
	char *out = malloc(n);
	u_urlencode(s, out, n);
	return out;
}

/* The text of the textarea that begins at `open` in a page, entities undone
 * (malloc'd); the test fails if there is none. */
static inline char *u_textarea_at(const char *html, const char *open)
{
	const char *a = strstr(html, open);
	assert_non_null(a);
	a = strchr(a, '>') + 1;
	const char *b = strstr(a, "</textarea>");
	assert_non_null(b);
	char *raw = strndup(a, (size_t)(b - a));
	char *out = u_unescape(raw);
	free(raw);
	return out;
}

/* The markdown textarea's content of a letter page, HTML entities undone. */
static inline char *u_markdown_of(const char *html)
{
	return u_textarea_at(html, "name=\"markdown\"");
}

/* Issues the letter at `letter_path` ("/panel/sprawy/ID/pisma/SEQ") as a
 * clerk would: its markdown with every "[DO UZUPEŁNIENIA: …]" mark filled
 * in, posted to its "wystaw" form, confirmed (issue 21 item 4: the
 * confirmation page's "potwierdzenie=tak"); the test fails unless it is
 * issued. */
static inline void u_issue_letter_by(const struct u_staff *s, const char *letter_path,
                                     const char *channel);
static inline void u_issue_letter(const struct u_staff *s, const char *letter_path)
{
	u_issue_letter_by(s, letter_path, NULL);
}

/* The same, sent by `channel` ("email", "post", ...; NULL: none chosen). */
static inline void u_issue_letter_by(const struct u_staff *s, const char *letter_path,
                                     const char *channel)
{
	struct hresp r;
	u_staff_get(s, letter_path, &r);
	assert_int_equal(r.status, 200);
	char *md = u_markdown_of(r.body);
	h_free(&r);
	char *enc = u_filled_and_encoded(md);
	size_t n = strlen(enc) + 64;
	char *form = malloc(n);
	if (channel)
		snprintf(form, n, "potwierdzenie=tak&channel=%s&markdown=%s", channel, enc);
	else
		snprintf(form, n, "potwierdzenie=tak&markdown=%s", enc);
	char path[256];
	snprintf(path, sizeof path, "%s/wystaw", letter_path);
	u_staff_post(s, path, form, &r);
	if (r.status != 303) {
		const char *alert = r.body ? strstr(r.body, "role=\"alert\"") : NULL;
		fprintf(stderr, "issue: %ld %.600s\n", r.status, alert ? alert : r.body);
	}
	assert_int_equal(r.status, 303);
	h_free(&r);
	free(form);
	free(enc);
	free(md);
}

/* Posts the form of the letter page `page` whose action ends in `tail`
 * ("/nadanie", "/odbior") with its date and `extra`; false when the page
 * has no such form. The test fails unless it is taken (303). */
static inline bool u_letter_form(const struct u_staff *s, const char *page, const char *tail,
                                 const char *extra)
{
	char key[32];
	snprintf(key, sizeof key, "%s\"", tail);
	const char *form = strstr(page, key);
	if (!form)
		return false;
	/* action="/panel/sprawy/ID/pisma/SEQ/wysylka/DID/<tail>" */
	const char *start = form;
	while (start > page && *start != '"')
		start--;
	char path[256], date[16], fields[160];
	snprintf(path, sizeof path, "%.*s", (int)(form + strlen(tail) - start - 1), start + 1);
	u_attr(form, "date", date, sizeof date);
	snprintf(fields, sizeof fields, "%sdate=%s", extra, date);
	struct hresp r;
	u_staff_post(s, path, fields, &r);
	if (r.status != 303)
		fprintf(stderr, "%s: %ld %.400s\n", path, r.status, r.body);
	assert_int_equal(r.status, 303);
	h_free(&r);
	return true;
}

/* Issues the letter at `letter_path` by `channel` (NULL: the default) and
 * sends it as a clerk would (issue 21 item 1: the step it carries takes
 * effect when it leaves the body): a registered letter is posted on the
 * day the page offers (today), with a dispatch number; one to collect in
 * person is handed over today; e-mail and the tracking page leave at once.
 * The test fails unless it is sent. */
static inline void u_send_letter_by(const struct u_staff *s, const char *letter_path,
                                    const char *channel)
{
	u_issue_letter_by(s, letter_path, channel);
	struct hresp r;
	u_staff_get(s, letter_path, &r);
	assert_int_equal(r.status, 200);
	if (!u_letter_form(s, r.body, "/nadanie", "number=RR123456789PL&") &&
	    strstr(r.body, "do odbioru w siedzibie"))
		u_letter_form(s, r.body, "/odbior", "");
	h_free(&r);
}

static inline void u_send_letter(const struct u_staff *s, const char *letter_path)
{
	u_send_letter_by(s, letter_path, NULL);
}

/* After a clerk's step answered `r` (303): when the step waits for its
 * letter (it leads to the draft, "/panel/sprawy/ID/pisma/SEQ?…"), the
 * letter is issued by the default channel and sent (u_send_letter()), so
 * the step takes effect today. Nothing otherwise. */
static inline void u_send_prepared(const struct u_staff *s, const struct hresp *r)
{
	const char *loc = r->status == 303 ? h_header(r, "Location") : NULL;
	if (!loc || !strstr(loc, "/pisma/"))
		return;
	char path[200];
	snprintf(path, sizeof path, "%.180s", loc);
	char *q = strchr(path, '?');
	if (q)
		*q = '\0';
	u_send_letter(s, path);
}

/* u_count() of the printf-formatted query. */
static inline long u_countf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static inline long u_countf(const char *fmt, ...)
{
	char sql[2048];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(sql, sizeof sql, fmt, ap);
	va_end(ap);
	return u_count(sql);
}

/* The first text value of the printf-formatted query into out ("" when no
 * row); the test fails if the query does. */
static inline void u_valuef(char *out, size_t len, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static inline void u_valuef(char *out, size_t len, const char *fmt, ...)
{
	char sql[2048];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(sql, sizeof sql, fmt, ap);
	va_end(ap);
	PGconn *c = h_db();
	PGresult *r = PQexec(c, sql);
	if (PQresultStatus(r) != PGRES_TUPLES_OK)
		fprintf(stderr, "%s: %s", sql, PQerrorMessage(c));
	assert_int_equal(PQresultStatus(r), PGRES_TUPLES_OK);
	snprintf(out, len, "%s", PQntuples(r) ? PQgetvalue(r, 0, 0) : "");
	PQclear(r);
	PQfinish(c);
}

/* Waits up to 10 s for the printf-formatted count to reach `want`; the
 * test fails if it does not. */
static inline void u_wait_countf(long want, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static inline void u_wait_countf(long want, const char *fmt, ...)
{
	char sql[2048];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(sql, sizeof sql, fmt, ap);
	va_end(ap);
	long n = -1;
	for (int i = 0; i < 200 && (n = u_count(sql)) != want; i++)
		usleep(50000);
	if (n != want)
		fprintf(stderr, "waited for %ld, got %ld: %s\n", want, n, sql);
	assert_int_equal(n, want);
}

/* A clerk's step through the case's action form; the test fails unless it
 * is taken (303). */
static inline void u_clerk_step(const struct u_staff *s, long long case_id, const char *fields)
{
	char path[128];
	snprintf(path, sizeof path, "/panel/sprawy/%lld/czynnosc", case_id);
	struct hresp r;
	u_staff_post(s, path, fields, &r);
	if (r.status != 303)
		fprintf(stderr, "step %s: %ld %.400s\n", fields, r.status, r.body);
	assert_int_equal(r.status, 303);
	h_free(&r);
}

/* The mail the mail job wrote into `dir` for outbox row `id` (its file
 * "ID-..."; malloc'd); the test fails if there is none. */
static inline char *u_mail_file(const char *dir, long long id)
{
	char prefix[32], path[512];
	snprintf(prefix, sizeof prefix, "%lld-", id);
	DIR *d = opendir(dir);
	assert_non_null(d);
	char *text = NULL;
	for (struct dirent *e; !text && (e = readdir(d));) {
		if (strncmp(e->d_name, prefix, strlen(prefix)))
			continue;
		snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
		FILE *f = fopen(path, "rb");
		assert_non_null(f);
		fseek(f, 0, SEEK_END);
		long n = ftell(f);
		rewind(f);
		assert_true(n >= 0);
		text = malloc((size_t)n + 1);
		assert_int_equal(fread(text, 1, (size_t)n, f), (size_t)n);
		text[n] = '\0';
		fclose(f);
	}
	closedir(d);
	assert_non_null(text);
	return text;
}

/* POSTs `len` bytes of `data` as the file `filename` (field "plik") to the
 * case's "Dodaj plik PDF" form (multipart, with the session's CSRF token). */
static inline void u_upload(const struct u_staff *s, long long case_id, const char *filename,
                            const void *data, size_t len, struct hresp *r)
{
	static const char *B = "jawnoscTestBoundary7x";
	char head[1024], tail[64];
	int hn = snprintf(head, sizeof head,
	                  "--%s\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n%s\r\n"
	                  "--%s\r\nContent-Disposition: form-data; name=\"plik\"; filename=\"%s\"\r\n"
	                  "Content-Type: application/pdf\r\n\r\n",
	                  B, s->csrf, B, filename);
	int tn = snprintf(tail, sizeof tail, "\r\n--%s--\r\n", B);
	size_t n = (size_t)hn + len + (size_t)tn;
	char *body = malloc(n);
	memcpy(body, head, (size_t)hn);
	memcpy(body + hn, data, len);
	memcpy(body + hn + len, tail, (size_t)tn);
	char ct[128], path[96];
	snprintf(ct, sizeof ct, "Content-Type: multipart/form-data; boundary=%s", B);
	snprintf(path, sizeof path, "/panel/sprawy/%lld/zalaczniki", case_id);
	const char *hdr[] = {ct, s->cookie, NULL};
	h_request("POST", path, hdr, body, n, r);
	free(body);
}

/* The text of the textarea with id `id` of a page, entities undone
 * (malloc'd). */
static inline char *u_textarea(const char *html, const char *id)
{
	char open[128];
	snprintf(open, sizeof open, "<textarea id=\"%s\"", id);
	return u_textarea_at(html, open);
}

/* The fields of the publication page `page` (the form a clerk previews
 * and publishes a case's answer with) as a browser would send them for
 * `action`, url-encoded: the page's own subject and answer unless `subject`
 * or `answer` is given, then `extra` ("&name=value"…, already encoded; may
 * be NULL). Malloc'd. */
static inline char *u_publication_fields(const char *page, const char *action, const char *subject,
                                         const char *answer, const char *extra)
{
	char *vid = u_input(page, "version_id"), *tok = u_input(page, "preview_token");
	char *s = subject ? strdup(subject) : u_input(page, "public_subject");
	char *a = answer ? strdup(answer) : u_textarea(page, "answer");
	char *lb = u_input(page, "legal_basis"), *pb = u_input(page, "produced_by");
	char *rs = u_input(page, "responsible"), *po = u_input(page, "produced_on");
	char *es = u_enc(s), *ea = u_enc(a), *elb = u_enc(lb), *epb = u_enc(pb);
	char *ers = u_enc(rs);
	size_t n = strlen(es) + strlen(ea) + strlen(elb) + strlen(epb) + strlen(ers) + 512 +
	           (extra ? strlen(extra) : 0);
	char *out = malloc(n);
	snprintf(out, n,
	         "action=%s&version_id=%s&preview_token=%s&public_subject=%s&answer=%s"
	         "&legal_basis=%s&produced_by=%s&responsible=%s&produced_on=%s%s",
	         action, vid, tok, es, ea, elb, epb, ers, po, extra ? extra : "");
	char *all[] = {vid, tok, s, a, lb, pb, rs, po, es, ea, elb, epb, ers};
	for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
		free(all[i]);
	return out;
}

/* Makes the public copy of attachment `att_id` of the case on its
 * redaction page as a clerk would: the suggested terms as they are, a
 * preview, then saving what it showed. Returns the copy's id. */
static inline long long u_public_copy(const struct u_staff *s, long long case_id, long long att_id)
{
	char path[128];
	snprintf(path, sizeof path, "/panel/sprawy/%lld/zalaczniki/%lld/anonimizacja", case_id,
	         att_id);
	struct hresp r;
	u_staff_get(s, path, &r);
	assert_int_equal(r.status, 200);
	char *terms = u_textarea(r.body, "terms");
	h_free(&r);
	size_t n = strlen(terms) * 3 + 128;
	char *e = malloc(n), *fields = malloc(n + 64);
	u_urlencode(terms, e, n);
	snprintf(fields, n + 64, "action=preview&terms=%s", e);
	u_staff_post(s, path, fields, &r);
	if (r.status != 200)
		fprintf(stderr, "preview of a public copy: %ld %.600s\n", r.status,
		        r.body && strstr(r.body, "<main") ? strstr(r.body, "<main") : "");
	assert_int_equal(r.status, 200);
	char token[64];
	u_attr(r.body, "preview_token", token, sizeof token);
	h_free(&r);
	snprintf(fields, n + 64, "action=save&preview_token=%s&terms=%s", token, e);
	u_staff_post(s, path, fields, &r);
	assert_int_equal(r.status, 303);
	const char *loc = h_header(&r, "Location");
	const char *id = loc ? strstr(loc, "?zapisano=") : NULL;
	assert_non_null(id);
	long long copy = id ? atoll(id + strlen("?zapisano=")) : 0;
	h_free(&r);
	free(fields);
	free(e);
	free(terms);
	assert_true(copy > 0);
	return copy;
}

/* Starts the server with its clock, and this process's services', frozen
 * at `instant` ("2090-03-01T09:00:00Z"), filing not rate-limited, and the
 * `extra` environment ("NAME=value", NULL-terminated; NULL: none); signs
 * `clerk` in as the demo clerk. */
static inline void u_start_at(const char *instant, const char *const *extra,
                              struct u_staff *clerk)
{
	static char fake[64];
	snprintf(fake, sizeof fake, "JAWNOSC_FAKE_NOW=%s", instant);
	const char *env[8] = {"JAWNOSC_FILING_RATE=100000", fake};
	size_t n = 2;
	for (size_t i = 0; extra && extra[i]; i++) {
		assert_true(n < sizeof env / sizeof env[0] - 1);
		env[n++] = extra[i];
	}
	env[n] = NULL;
	setenv("JAWNOSC_FAKE_NOW", instant, 1);
	h_server_start(env);
	u_login("urzednik%40mon.example", "jawnosc-demo", clerk);
}

/* A case as the tests follow it: its id, number and tracking token. */
struct u_case {
	long long id;
	char number[64], token[80];
};

/* Files a request for public information by e-mail through the API, from
 * `name` at a postal address. */
static inline void u_file_case(const char *name, const char *subject, const char *content,
                               struct u_case *k)
{
	json_t *body = json_pack("{s:s, s:s, s:s, s:s, s:{s:s, s:s, s:s}}", "kind",
	                         "public_information", "subject", subject, "content", content,
	                         "delivery", "email", "requester", "name", name, "email",
	                         "wnioskodawca@example.pl", "postal_address",
	                         "ul. Listowa 7\n00-950 Warszawa");
	char *text = json_dumps(body, JSON_COMPACT);
	json_decref(body);
	struct hresp r;
	u_post_json("/api/v1/requests", text, &r);
	free(text);
	assert_int_equal(r.status, 201);
	json_t *j = u_json(&r);
	snprintf(k->number, sizeof k->number, "%s", u_str(j, "case_number"));
	snprintf(k->token, sizeof k->token, "%s", u_str(j, "tracking_token"));
	json_decref(j);
	h_free(&r);
	k->id = u_request_id(k->number);
}

static inline long u_version_of(const struct u_case *k)
{
	return u_countf("SELECT version FROM requests WHERE id = %lld", k->id);
}

/* The page at `path` (malloc'd), got by `s` (NULL: by anyone); the test
 * fails unless it is 200. */
static inline char *u_page(const struct u_staff *s, const char *path)
{
	struct hresp r;
	if (s)
		u_staff_get(s, path, &r);
	else
		h_get(path, &r);
	assert_int_equal(r.status, 200);
	char *body = strdup(r.body);
	h_free(&r);
	return body;
}

/* The case's tracking page (malloc'd). */
static inline char *u_tracking_page(const struct u_case *k)
{
	char path[160];
	snprintf(path, sizeof path, "/sprawa/%s", k->token);
	return u_page(NULL, path);
}

static inline void u_has(const char *page, const char *needle)
{
	if (!strstr(page, needle))
		fail_msg("no \"%s\" in the page:\n%.4000s", needle, page);
}

static inline void u_lacks(const char *page, const char *needle)
{
	if (strstr(page, needle))
		fail_msg("\"%s\" should not be in the page", needle);
}

/* `from` ("YYYY-MM-DD") + `days` by KPA art. 57, as "YYYY-MM-DD". */
static inline void u_due_from(const char *from, int days, char out[LAW_DATE_STRLEN])
{
	law_date_t d;
	assert_true(law_date_parse(from, &d));
	law_term_calc_t t;
	assert_true(law_term_compute(d, days, LAW_UNIT_DAYS, NULL, &t, NULL));
	law_date_format(t.due, out);
}

/* Records the posting and the return receipt, both on `day`, of the
 * registered letter that sends the case's letter `seq`. */
static inline void u_post_and_receive(const struct u_staff *s, long long case_id, long seq,
                                      const char *day)
{
	long did = u_countf("SELECT id FROM dispatches WHERE request_id = %lld AND document_id = "
	                    "(SELECT id FROM documents WHERE request_id = %lld AND seq = %ld) AND "
	                    "channel = 'registered_letter'",
	                    case_id, case_id, seq);
	assert_true(did > 0);
	char path[300], form[80];
	snprintf(path, sizeof path, "/panel/sprawy/%lld/pisma/%ld/wysylka/%ld/nadanie", case_id,
	         seq, did);
	snprintf(form, sizeof form, "number=RR123456785PL&date=%s", day);
	struct hresp r;
	u_staff_post(s, path, form, &r);
	if (r.status != 303)
		fprintf(stderr, "%s %s: %ld %.800s\n", path, form, r.status, r.body);
	assert_int_equal(r.status, 303);
	h_free(&r);
	snprintf(path, sizeof path, "/panel/sprawy/%lld/pisma/%ld/wysylka/%ld/odbior", case_id,
	         seq, did);
	snprintf(form, sizeof form, "date=%s", day);
	u_staff_post(s, path, form, &r);
	if (r.status != 303)
		fprintf(stderr, "%s %s: %ld %.800s\n", path, form, r.status, r.body);
	assert_int_equal(r.status, 303);
	h_free(&r);
}

/* A clerk's step through the case's action form, answered with `status`
 * and, when `message` is not NULL, a page that says it. `send`: a step
 * that waits for its letter then has it sent (u_send_prepared()). */
static inline void u_clerk_step_run(const struct u_staff *s, long long case_id,
                                    const char *fields, long status, const char *message,
                                    bool send)
{
	char path[128];
	snprintf(path, sizeof path, "/panel/sprawy/%lld/czynnosc", case_id);
	struct hresp r;
	u_staff_post(s, path, fields, &r);
	if (r.status != status || (message && !strstr(r.body, message)))
		fprintf(stderr, "%s: expected %ld, got %ld: %.3000s\n", fields, status, r.status,
		        r.body);
	assert_int_equal(r.status, status);
	if (message)
		assert_non_null(strstr(r.body, message));
	if (send)
		u_send_prepared(s, &r);
	h_free(&r);
}

/* The step alone: a letter it waits for stays a draft. */
static inline void u_clerk_step_expect(const struct u_staff *s, long long case_id,
                                       const char *fields, long status, const char *message)
{
	u_clerk_step_run(s, case_id, fields, status, message, false);
}

/* The step and the letter it waits for, sent: it takes effect today. */
static inline void u_clerk_step_sent(const struct u_staff *s, long long case_id,
                                     const char *fields, long status, const char *message)
{
	u_clerk_step_run(s, case_id, fields, status, message, true);
}

#endif
