/* SPDX-License-Identifier: EUPL-1.2 */
/* The incoming queue (/panel/poczta, issue 19 §2) over real HTTP with real
 * sessions and a frozen clock: messages parsed into inbound_messages and
 * inbound_parts (written with SQL, as the parse job would leave them) are
 * listed only to their organisation; a message page shows the text
 * escaped and gives its files as sandboxed downloads; registering one
 * creates a case whose date of receipt is the message's arrival (in
 * Warsaw) with its attachments, in one transaction; attaching one to a
 * case; "not a request" needs a reason and leaves an audit event; two
 * clerks acting on one message at once: one wins, the other is told who,
 * nothing is lost; the manager's dashboard counts the queue. */
#include <ctype.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "integration/cases_util.h"

/* Friday 6 November 2026, 10:00 in Warsaw. */
#define NOW "2026-11-06T09:00:00Z"

static struct u_staff clerk, clerk2, manager, other;
static int seq;

/* ---- data ------------------------------------------------------------------------- */

/* The value of `sql`'s first row and column (malloc'd; "" when none). */
static char *sql_text(const char *sql, int n, const char *const *params)
{
	PGconn *c = h_db();
	PGresult *r = PQexecParams(c, sql, n, NULL, params, NULL, NULL, 0);
	if (PQresultStatus(r) != PGRES_TUPLES_OK && PQresultStatus(r) != PGRES_COMMAND_OK)
		fprintf(stderr, "%s: %s", sql, PQerrorMessage(c));
	assert_true(PQresultStatus(r) == PGRES_TUPLES_OK || PQresultStatus(r) == PGRES_COMMAND_OK);
	char *v = strdup(PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) ? PQgetvalue(r, 0, 0) : "");
	PQclear(r);
	PQfinish(c);
	return v;
}

static long long sql_num(const char *sql, int n, const char *const *params)
{
	char *v = sql_text(sql, n, params);
	long long x = atoll(v);
	free(v);
	return x;
}

struct msg {
	const char *org; /* slug */
	const char *from_name, *from, *subject, *body;
	const char *at;   /* received_at, UTC */
	const char *kind; /* NULL: "message" */
};

/* A message as the parse job leaves it: stored raw, parsed, routed and
 * left in the queue. received_on is the Warsaw date of its arrival, as
 * inbound_store() writes it. */
static long long message(const struct msg *m)
{
	char raw[4096], mid[64];
	snprintf(mid, sizeof mid, "test-%d-%d@example.pl", getpid(), ++seq);
	snprintf(raw, sizeof raw,
	         "From: %s <%s>\r\nTo: bip@mon.example\r\nSubject: %s\r\nMessage-ID: <%s>\r\n\r\n%s\r\n",
	         m->from_name, m->from, m->subject, mid, m->body);
	const char *p[] = {m->org, raw, mid, m->from, m->at, m->kind ? m->kind : "message",
	                   m->from_name, m->subject, m->body};
	return sql_num(
	    "INSERT INTO inbound_messages (org_id, source, raw, sha256, message_id, envelope_from, "
	    "envelope_to, received_at, received_on, parsed_at, kind, from_address, from_name, subject, "
	    "body_text, routed_at) "
	    "SELECT o.id, 'mailin', convert_to($2, 'UTF8'), sha256(convert_to($2, 'UTF8')), $3, $4, "
	    "o.email, $5::timestamptz, ($5::timestamptz AT TIME ZONE 'Europe/Warsaw')::date, "
	    "$5::timestamptz, $6, $4, $7, $8, $9, $5::timestamptz FROM organisations o WHERE o.slug = $1 "
	    "RETURNING id",
	    9, p);
}

static void part(long long id, int n, const char *filename, const char *type, const char *data,
                 bool is_inline, bool readable)
{
	char mid[24], s[8];
	snprintf(mid, sizeof mid, "%lld", id);
	snprintf(s, sizeof s, "%d", n);
	const char *p[] = {mid, s, filename, type, data, is_inline ? "t" : "f", readable ? "t" : "f"};
	free(sql_text("INSERT INTO inbound_parts (message_id, seq, filename, content_type, size, sha256, "
	              "data, inline, readable, note) VALUES ($1, $2, $3, $4, "
	              "length(convert_to($5, 'UTF8')), sha256(convert_to($5, 'UTF8')), "
	              "convert_to($5, 'UTF8'), $6, $7, CASE WHEN $7 THEN '' ELSE 'TNEF' END)",
	              7, p));
}

static const char *status_of(long long id)
{
	static char buf[32];
	char s[24];
	snprintf(s, sizeof s, "%lld", id);
	const char *p[] = {s};
	char *v = sql_text("SELECT status FROM inbound_messages WHERE id = $1", 1, p);
	snprintf(buf, sizeof buf, "%s", v);
	free(v);
	return buf;
}

/* ---- pages ------------------------------------------------------------------------ */

static char *get_page(const struct u_staff *s, const char *path, long want)
{
	struct hresp r;
	u_staff_get(s, path, &r);
	if (r.status != want)
		fprintf(stderr, "GET %s: %ld %.400s\n", path, r.status, r.body);
	assert_int_equal(r.status, want);
	char *body = strdup(r.body ? r.body : "");
	h_free(&r);
	return body;
}

static long post(const struct u_staff *s, const char *path, const char *fields, char **body,
                 char *location, size_t loclen)
{
	struct hresp r;
	u_staff_post(s, path, fields, &r);
	long status = r.status;
	if (body)
		*body = strdup(r.body ? r.body : "");
	if (location) {
		const char *l = h_header(&r, "Location");
		snprintf(location, loclen, "%s", l ? l : "");
	}
	h_free(&r);
	return status;
}

/* The registration form of message `id` as a browser would send it back,
 * url-encoded, with `subject` instead of the form's when given. */
static char *register_fields(const char *form, const char *subject)
{
	char *ver = u_input(form, "version"), *subj = subject ? strdup(subject) : u_input(form, "subject");
	char *name = u_input(form, "name"), *email = u_input(form, "email");
	char *content = u_textarea(form, "content");
	char *es = u_enc(subj), *en = u_enc(name), *ee = u_enc(email), *ec = u_enc(content);
	size_t n = strlen(es) + strlen(en) + strlen(ee) + strlen(ec) + 256;
	char *out = malloc(n);
	snprintf(out, n, "version=%s&kind=public_information&subject=%s&content=%s&delivery=email&name=%s&email=%s",
	         ver, es, ec, en, ee);
	char *all[] = {ver, subj, name, email, content, es, en, ee, ec};
	for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
		free(all[i]);
	return out;
}

static long long mon_first, mon_second, mon_unreadable, mon_reuse, inny_msg, attached_msg;
static char attached_case[64];

static int setup(void **state)
{
	(void)state;
	static const char *env[] = {"JAWNOSC_FAKE_NOW=" NOW, "JAWNOSC_FILING_RATE=100000", NULL};
	h_server_start(env);
	u_login("urzednik%40mon.example", "jawnosc-demo", &clerk);
	u_login("urzedniczka%40mon.example", "jawnosc-demo", &clerk2);
	u_login("kierownik%40mon.example", "jawnosc-demo", &manager);
	u_login("obcy%40inny.example", "jawnosc-demo", &other);
	return 0;
}

/* Two organisations, each with its mail. */
static void data(void)
{
	u_seed_demo();
	h_sql(
	    "INSERT INTO organisations (slug, name, email) VALUES ('inny', 'Inny Urząd', 'bip@inny.example');"
	    "INSERT INTO units (org_id, symbol, name) SELECT id, 'SEK', 'Sekretariat' FROM organisations WHERE slug = 'inny';"
	    "UPDATE organisations SET web_unit_id = (SELECT id FROM units WHERE symbol = 'SEK') WHERE slug = 'inny';"
	    "INSERT INTO users (org_id, email, name, role, password_hash) SELECT o.id, 'obcy@inny.example', "
	    "'Obcy', 'clerk', u.password_hash FROM organisations o, users u WHERE o.slug = 'inny' AND "
	    "u.email = 'urzednik@mon.example'");
	/* Wednesday 4 November, 15:30 in Warsaw. */
	mon_first = message(&(struct msg){"mon", "Jan Kowalski", "jan.kowalski@example.pl",
	                                  "Wniosek o wydatki na szkolenia",
	                                  "Proszę o informację o wydatkach na szkolenia w 2025 roku.",
	                                  "2026-11-04T14:30:00Z", NULL});
	part(mon_first, 1, "zestawienie.pdf", "application/pdf", "%PDF-1.4 zestawienie", false, true);
	part(mon_first, 2, "logo.png", "image/png", "PNGDATA", true, true);
	part(mon_first, 3, "winmail.dat", "application/ms-tnef", "TNEF", false, false);
	/* 00:30 on Thursday 5 November in Warsaw, still the 4th in UTC. */
	mon_second = message(&(struct msg){"mon", "Anna Nowak", "anna@example.pl",
	                                   "Umowy na sprzątanie",
	                                   "Proszę o kopie umów na sprzątanie budynków.",
	                                   "2026-11-04T23:30:00Z", NULL});
	part(mon_second, 1, "Wniosek „ważny” \"x\".txt", "text/plain; charset=utf-8",
	     "wniosek w załączniku", false, true);
	mon_unreadable = message(&(struct msg){"mon", "", "zepsuty@example.pl", "", "",
	                                       "2026-11-05T08:00:00Z", "unreadable"});
	mon_reuse = message(&(struct msg){"mon", "Firma Dane sp. z o.o.", "dane@firma.example",
	                                  "Dane rejestru",
	                                  "Wnosimy o udostępnienie w celu PONOWNEGO wykorzystywania "
	                                  "danych rejestru w formacie CSV.",
	                                  "2026-11-05T09:00:00Z", NULL});
	inny_msg = message(&(struct msg){"inny", "Ktoś", "ktos@example.pl", "Sprawa innego urzędu",
	                                 "Treść wiadomości do innego urzędu.", "2026-11-05T10:00:00Z",
	                                 NULL});
}

/* ---- the list --------------------------------------------------------------------- */

static void test_queue_lists_new_messages_of_the_organisation_oldest_first(void **state)
{
	(void)state;
	char *page = get_page(&clerk, "/panel/poczta", 200);
	const char *a = strstr(page, "Wniosek o wydatki na szkolenia");
	const char *b = strstr(page, "Umowy na sprzątanie");
	assert_non_null(a);
	assert_non_null(b);
	assert_true(a < b); /* oldest first */
	assert_non_null(strstr(page, "Dane rejestru"));
	assert_null(strstr(page, "Sprawa innego urzędu"));
	/* Arrival in Warsaw time; attachments that are not inline images. */
	assert_non_null(strstr(page, "2026-11-04 15:30"));
	assert_non_null(strstr(page, "2026-11-05 00:30"));
	assert_non_null(strstr(page, "<td>2</td>"));
	/* The unreadable message is shown too, with its raw text. */
	char eml[96];
	snprintf(eml, sizeof eml, "/panel/poczta/%lld/wiadomosc.eml", mon_unreadable);
	assert_non_null(strstr(page, eml));
	assert_non_null(strstr(page, "nieczytelna"));
	/* Every status has its tab with its count. */
	assert_non_null(strstr(page, "nowe (4)"));
	assert_non_null(strstr(page, "/panel/poczta?stan=nie-wnioski"));
	free(page);
	page = get_page(&other, "/panel/poczta", 200);
	assert_non_null(strstr(page, "Sprawa innego urzędu"));
	assert_null(strstr(page, "Wniosek o wydatki na szkolenia"));
	free(page);
	/* Nonsense in the query is ignored. */
	free(get_page(&clerk, "/panel/poczta?stan=%3Cx%3E&po=abc&po_id=%27", 200));
	/* The panel links to it. */
	page = get_page(&clerk, "/panel", 200);
	assert_non_null(strstr(page, "href=\"/panel/poczta\""));
	free(page);
}

static void test_queue_pages_by_arrival_without_gaps(void **state)
{
	(void)state;
	/* 60 more in the other organisation's mailbox: two pages there. */
	for (int i = 0; i < 60; i++) {
		char subject[64], at[32];
		snprintf(subject, sizeof subject, "Masowa wiadomość nr %02d", i);
		snprintf(at, sizeof at, "2026-11-03T%02d:%02d:00Z", 8 + i / 60, i % 60);
		message(&(struct msg){"inny", "Masowy", "masowy@example.pl", subject, "Treść masowa.", at,
		                      NULL});
	}
	char *p1 = get_page(&other, "/panel/poczta", 200);
	assert_non_null(strstr(p1, "Masowa wiadomość nr 00"));
	assert_null(strstr(p1, "Masowa wiadomość nr 59"));
	const char *next = strstr(p1, "rel=\"next\"");
	assert_non_null(next);
	const char *href = strstr(p1, "<a href=\"/panel/poczta?stan=nowe&amp;po=");
	assert_non_null(href);
	href += strlen("<a href=\"");
	char path[256];
	size_t n = (size_t)(strchr(href, '"') - href);
	memcpy(path, href, n);
	path[n] = '\0';
	for (char *amp; (amp = strstr(path, "&amp;"));)
		memmove(amp + 1, amp + 5, strlen(amp + 5) + 1);
	char *p2 = get_page(&other, path, 200);
	assert_non_null(strstr(p2, "Masowa wiadomość nr 59"));
	assert_non_null(strstr(p2, "Sprawa innego urzędu"));
	assert_null(strstr(p2, "Masowa wiadomość nr 00"));
	assert_null(strstr(p2, "rel=\"next\""));
	/* 61 messages: 50 on the first page, 11 on the second. */
	int rows = 0;
	for (const char *s = p2; (s = strstr(s, "href=\"/panel/poczta/")); s++)
		rows++;
	assert_int_equal(rows, 11);
	free(p1);
	free(p2);
}

/* ---- a message and its files -------------------------------------------------------- */

static void test_message_page_shows_text_and_files(void **state)
{
	(void)state;
	char path[96];
	snprintf(path, sizeof path, "/panel/poczta/%lld", mon_first);
	char *page = get_page(&clerk, path, 200);
	assert_non_null(strstr(page, "Jan Kowalski &lt;jan.kowalski@example.pl&gt;"));
	assert_non_null(strstr(page, "Proszę o informację o wydatkach na szkolenia w 2025 roku."));
	assert_non_null(strstr(page, "2026-11-04"));
	assert_non_null(strstr(page, "zestawienie.pdf"));
	assert_non_null(strstr(page, "winmail.dat"));
	assert_non_null(strstr(page, "nie udało się go otworzyć"));
	assert_non_null(strstr(page, "Zarejestruj jako wniosek"));
	assert_non_null(strstr(page, "Dołącz do sprawy"));
	assert_non_null(strstr(page, "To nie jest wniosek"));
	free(page);

	/* A file: a download, sandboxed, as it was received. */
	snprintf(path, sizeof path, "/panel/poczta/%lld/zalaczniki/1", mon_first);
	struct hresp r;
	u_staff_get(&clerk, path, &r);
	assert_int_equal(r.status, 200);
	assert_int_equal(r.len, strlen("%PDF-1.4 zestawienie"));
	assert_memory_equal(r.body, "%PDF-1.4 zestawienie", r.len);
	assert_string_equal(h_header(&r, "Content-Type"), "application/pdf");
	assert_string_equal(h_header(&r, "Content-Disposition"), "attachment; filename=\"zestawienie.pdf\"");
	assert_string_equal(h_header(&r, "X-Content-Type-Options"), "nosniff");
	assert_non_null(strstr(r.headers, "Content-Security-Policy: sandbox; default-src 'none'"));
	h_free(&r);

	/* A name with quotes and Polish letters: a safe fallback and the UTF-8 name. */
	snprintf(path, sizeof path, "/panel/poczta/%lld/zalaczniki/1", mon_second);
	u_staff_get(&clerk, path, &r);
	assert_int_equal(r.status, 200);
	const char *cd = h_header(&r, "Content-Disposition");
	assert_non_null(cd);
	assert_non_null(strstr(cd, "attachment; filename=\"Wniosek__wa_ny___x_.txt\""));
	assert_non_null(strstr(cd, "filename*=UTF-8''Wniosek%20%E2%80%9Ewa%C5%BCny%E2%80%9D%20%22x%22.txt"));
	assert_string_equal(h_header(&r, "Content-Type"), "text/plain");
	h_free(&r);

	/* A part kept without bytes, or one that is not there: 404. */
	snprintf(path, sizeof path, "/panel/poczta/%lld/zalaczniki/9", mon_first);
	u_staff_get(&clerk, path, &r);
	assert_int_equal(r.status, 404);
	h_free(&r);

	/* The unreadable message: its page says so, its raw text downloads. */
	snprintf(path, sizeof path, "/panel/poczta/%lld", mon_unreadable);
	page = get_page(&clerk, path, 200);
	assert_non_null(strstr(page, "nie udało się odczytać tej wiadomości"));
	free(page);
	snprintf(path, sizeof path, "/panel/poczta/%lld/wiadomosc.eml", mon_unreadable);
	u_staff_get(&clerk, path, &r);
	assert_int_equal(r.status, 200);
	assert_string_equal(h_header(&r, "Content-Type"), "message/rfc822");
	char cdexp[96];
	snprintf(cdexp, sizeof cdexp, "attachment; filename=\"wiadomosc-%lld.eml\"", mon_unreadable);
	assert_string_equal(h_header(&r, "Content-Disposition"), cdexp);
	assert_non_null(strstr(r.headers, "Content-Security-Policy: sandbox; default-src 'none'"));
	assert_non_null(strstr(r.body, "From:  <zepsuty@example.pl>"));
	h_free(&r);
}

static void test_html_in_subject_body_and_names_is_escaped(void **state)
{
	(void)state;
	long long id = message(&(struct msg){"mon", "<b>Zły</b>", "xss@example.pl",
	                                     "<script>alert(1)</script>",
	                                     "Tekst <img src=x onerror=alert(2)> i <a href=\"javascript:x\">link</a>",
	                                     "2026-11-05T11:00:00Z", NULL});
	part(id, 1, "<svg onload=alert(3)>.html", "text/html", "<script>alert(4)</script>", false, true);
	char big[1537];
	memset(big, 'x', 1536);
	big[1536] = '\0';
	part(id, 2, "dane.txt", "text/plain", big, false, true);
	char path[96];
	snprintf(path, sizeof path, "/panel/poczta/%lld", id);
	const char *paths[] = {"/panel/poczta", path};
	for (int i = 0; i < 2; i++) {
		char *page = get_page(&clerk, paths[i], 200);
		assert_null(strstr(page, "<script>alert"));
		assert_null(strstr(page, "<img src=x"));
		assert_null(strstr(page, "<b>Zły"));
		assert_null(strstr(page, "<svg"));
		assert_non_null(strstr(page, "&lt;script&gt;alert(1)&lt;/script&gt;"));
		if (i == 1) {
			assert_non_null(strstr(page, "&lt;img src=x onerror=alert(2)&gt;"));
			assert_non_null(strstr(page, "&lt;svg onload=alert(3)&gt;.html"));
			/* Sizes as everywhere else in the panel (render/attachlist.h). */
			assert_non_null(strstr(page, "(text/plain, 1,5 kB)"));
		}
		free(page);
	}
	/* The pre-filled form escapes them in its values too. */
	snprintf(path, sizeof path, "/panel/poczta/%lld/rejestracja", id);
	char *page = get_page(&clerk, path, 200);
	assert_null(strstr(page, "<script>alert"));
	assert_non_null(strstr(page, "value=\"&lt;script&gt;alert(1)&lt;/script&gt;\""));
	free(page);
	/* An HTML file downloads, never renders: a safe name, a sandbox. */
	snprintf(path, sizeof path, "/panel/poczta/%lld/zalaczniki/1", id);
	struct hresp r;
	u_staff_get(&clerk, path, &r);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(h_header(&r, "Content-Disposition"), "attachment; filename=\"_svg_onload_alert_3__.html\""));
	assert_non_null(strstr(r.headers, "Content-Security-Policy: sandbox; default-src 'none'"));
	h_free(&r);
	/* Out of the way of the other tests. */
	char body[64];
	snprintf(path, sizeof path, "/panel/poczta/%lld/nie-wniosek", id);
	snprintf(body, sizeof body, "reason=spam");
	assert_int_equal(post(&clerk, path, body, NULL, NULL, 0), 303);
}

static void test_another_organisations_message_is_not_found(void **state)
{
	(void)state;
	char path[128];
	const char *const suffixes[] = {"", "/wiadomosc.eml", "/zalaczniki/1", "/rejestracja"};
	for (size_t i = 0; i < sizeof suffixes / sizeof suffixes[0]; i++) {
		snprintf(path, sizeof path, "/panel/poczta/%lld%s", mon_first, suffixes[i]);
		char *page = get_page(&other, path, 404);
		assert_null(strstr(page, "Kowalski"));
		free(page);
	}
	snprintf(path, sizeof path, "/panel/poczta/%lld/nie-wniosek", mon_first);
	assert_int_equal(post(&other, path, "reason=spam", NULL, NULL, 0), 404);
	snprintf(path, sizeof path, "/panel/poczta/%lld/dolacz", mon_first);
	assert_int_equal(post(&other, path, "case_number=X", NULL, NULL, 0), 404);
	snprintf(path, sizeof path, "/panel/poczta/%lld/rejestracja", mon_first);
	assert_int_equal(post(&other, path, "subject=Przejęty&content=Przejęta%20treść%20wniosku&kind=public_information&delivery=tracking_page",
	                      NULL, NULL, 0),
	                 404);
	assert_string_equal(status_of(mon_first), "new");
	/* A message id that is not a number, or none at all. */
	free(get_page(&clerk, "/panel/poczta/abc", 404));
	free(get_page(&clerk, "/panel/poczta/999999999", 404));
	/* Without a session: the sign-in form; without the CSRF token: 403. */
	struct hresp r;
	snprintf(path, sizeof path, "/panel/poczta/%lld", mon_first);
	h_get(path, &r);
	assert_int_equal(r.status, 303);
	h_free(&r);
	const char *hdr[] = {"Content-Type: application/x-www-form-urlencoded", clerk.cookie, NULL};
	snprintf(path, sizeof path, "/panel/poczta/%lld/nie-wniosek", mon_first);
	h_request("POST", path, hdr, "reason=spam", strlen("reason=spam"), &r);
	assert_int_equal(r.status, 403);
	h_free(&r);
	assert_string_equal(status_of(mon_first), "new");
}

/* ---- registering ------------------------------------------------------------------- */

static void test_register_form_is_prefilled_from_the_message(void **state)
{
	(void)state;
	char path[96];
	snprintf(path, sizeof path, "/panel/poczta/%lld/rejestracja", mon_first);
	char *page = get_page(&clerk, path, 200);
	char *v = u_input(page, "subject");
	assert_string_equal(v, "Wniosek o wydatki na szkolenia");
	free(v);
	v = u_input(page, "name");
	assert_string_equal(v, "Jan Kowalski");
	free(v);
	v = u_input(page, "email");
	assert_string_equal(v, "jan.kowalski@example.pl");
	free(v);
	v = u_textarea(page, "content");
	assert_string_equal(v, "Proszę o informację o wydatkach na szkolenia w 2025 roku.");
	free(v);
	assert_non_null(strstr(page, "value=\"public_information\" checked"));
	assert_non_null(strstr(page, "2026-11-04"));
	assert_non_null(strstr(page, "poczta elektroniczna"));
	assert_non_null(strstr(page, "zestawienie.pdf"));
	/* No date or channel to type: they are the message's. */
	assert_null(strstr(page, "name=\"received_on\""));
	assert_null(strstr(page, "name=\"channel\""));
	free(page);
	/* "ponownego wykorzystywania": a re-use request. */
	snprintf(path, sizeof path, "/panel/poczta/%lld/rejestracja", mon_reuse);
	page = get_page(&clerk, path, 200);
	assert_non_null(strstr(page, "value=\"reuse\" checked"));
	free(page);
}

static void test_register_creates_the_case_with_the_arrival_date_and_attachments(void **state)
{
	(void)state;
	long long before = u_count("SELECT count(*) FROM requests");
	char path[96], location[160];
	snprintf(path, sizeof path, "/panel/poczta/%lld/rejestracja", mon_second);
	char *form = get_page(&clerk, path, 200);
	char *fields = register_fields(form, NULL);
	free(form);
	/* A date and a channel posted by hand change nothing. */
	size_t n = strlen(fields) + 64;
	char *tampered = malloc(n);
	snprintf(tampered, n, "%s&received_on=2026-11-06&channel=post", fields);
	char *body = NULL;
	long st = post(&clerk, path, tampered, &body, location, sizeof location);
	if (st != 303)
		fprintf(stderr, "register: %ld %.2000s\n", st, strstr(body, "<main") ? strstr(body, "<main") : body);
	assert_int_equal(st, 303);
	free(body);
	free(tampered);
	free(fields);
	assert_int_equal(u_count("SELECT count(*) FROM requests"), before + 1);
	long long rid = atoll(location + strlen("/panel/sprawy/"));
	assert_true(rid > 0);
	char rs[24], ms[24];
	snprintf(rs, sizeof rs, "%lld", rid);
	snprintf(ms, sizeof ms, "%lld", mon_second);
	const char *p[] = {rs, ms};
	/* Received at 00:30 on 5 November in Warsaw: the filing date is the
	 * 5th, whatever UTC says and whatever day it was registered. */
	char *v = sql_text("SELECT received_on::text || ' ' || channel || ' ' || subject FROM requests WHERE id = $1", 1, p);
	assert_string_equal(v, "2026-11-05 email Umowy na sprzątanie");
	free(v);
	/* UDIP art. 13 ust. 1: 14 days from the 5th. */
	v = sql_text("SELECT due_on::text FROM terms WHERE request_id = $1 AND kind = 'answer'", 1, p);
	assert_string_equal(v, "2026-11-19");
	free(v);
	v = sql_text("SELECT name || ' ' || email FROM requesters WHERE request_id = $1", 1, p);
	assert_string_equal(v, "Anna Nowak anna@example.pl");
	free(v);
	/* Its attachment is the case's, from the mail. */
	v = sql_text("SELECT string_agg(filename || ' ' || source || ' ' || convert_from(data, 'UTF8'), ',') "
	             "FROM attachments WHERE request_id = $1",
	             1, p);
	assert_string_equal(v, "Wniosek „ważny” \"x\".txt mail wniosek w załączniku");
	free(v);
	/* The message is the case's, handled by the clerk, and the case says so. */
	v = sql_text("SELECT m.status || ' ' || (m.request_id = $1::bigint) || ' ' || u.email "
	             "FROM inbound_messages m JOIN users u ON u.id = m.handled_by WHERE m.id = $2::bigint",
	             2, p);
	assert_string_equal(v, "registered true urzednik@mon.example");
	free(v);
	assert_int_equal(sql_num("SELECT count(*) FROM events WHERE request_id = $1 AND action = 'mail_received'", 1, p), 1);
	/* It has left the queue, and is under "registered" with its case. */
	char *page = get_page(&clerk, "/panel/poczta", 200);
	assert_null(strstr(page, "Umowy na sprzątanie"));
	free(page);
	page = get_page(&clerk, "/panel/poczta?stan=zarejestrowane", 200);
	assert_non_null(strstr(page, "Umowy na sprzątanie"));
	char link[64];
	snprintf(link, sizeof link, "href=\"/panel/sprawy/%lld\"", rid);
	assert_non_null(strstr(page, link));
	free(page);
	/* Its page has no actions any more, and says who and how. */
	snprintf(path, sizeof path, "/panel/poczta/%lld", mon_second);
	page = get_page(&clerk, path, 200);
	assert_null(strstr(page, "/dolacz\""));
	assert_non_null(strstr(page, "zarejestrowana jako wniosek"));
	assert_non_null(strstr(page, "Tomasz Zieliński"));
	free(page);
}

static void test_register_keeps_the_form_on_error(void **state)
{
	(void)state;
	char path[96];
	snprintf(path, sizeof path, "/panel/poczta/%lld/rejestracja", mon_first);
	char *form = get_page(&clerk, path, 200);
	char *fields = register_fields(form, "");
	free(form);
	long long before = u_count("SELECT count(*) FROM requests");
	char *body = NULL;
	assert_int_equal(post(&clerk, path, fields, &body, NULL, 0), 422);
	assert_non_null(strstr(body, "Podaj temat wniosku"));
	char *content = u_textarea(body, "content");
	assert_string_equal(content, "Proszę o informację o wydatkach na szkolenia w 2025 roku.");
	free(content);
	assert_non_null(strstr(body, "action=\"/panel/poczta/"));
	free(body);
	free(fields);
	assert_int_equal(u_count("SELECT count(*) FROM requests"), before);
	assert_string_equal(status_of(mon_first), "new");
}

/* ---- attaching, not a request ------------------------------------------------------------- */

static void test_attach_to_a_case_by_its_number(void **state)
{
	(void)state;
	long long id = message(&(struct msg){"mon", "Jan Test", "jan@example.pl", "Uzupełnienie wniosku",
	                                     "Przesyłam brakujący dokument.", "2026-11-05T12:00:00Z", NULL});
	part(id, 1, "dokument.pdf", "application/pdf", "%PDF-1.4 dokument", false, true);
	char number[64];
	free(u_file("public_information", number));
	char path[96], fields[160], *body = NULL;
	snprintf(path, sizeof path, "/panel/poczta/%lld/dolacz", id);
	/* A number that is not a case here: the form again, kept. */
	assert_int_equal(post(&clerk, path, "version=1&case_number=NIE.MA.TAKIEJ.2026", &body, NULL, 0), 422);
	assert_non_null(strstr(body, "Nie ma sprawy o znaku „NIE.MA.TAKIEJ.2026”"));
	assert_non_null(strstr(body, "value=\"NIE.MA.TAKIEJ.2026\""));
	free(body);
	assert_int_equal(post(&clerk, path, "version=1&case_number=", &body, NULL, 0), 422);
	assert_non_null(strstr(body, "Podaj znak sprawy"));
	free(body);
	assert_string_equal(status_of(id), "new");
	/* The number as typed, in lower case and with spaces around. */
	char *lower = strdup(number);
	for (char *c = lower; *c; c++)
		*c = (char)tolower((unsigned char)*c);
	snprintf(fields, sizeof fields, "version=1&case_number=+%s+", lower);
	free(lower);
	char location[160];
	assert_int_equal(post(&clerk, path, fields, NULL, location, sizeof location), 303);
	char expect[96];
	snprintf(expect, sizeof expect, "/panel/poczta/%lld?wykonano=dolaczona", id);
	assert_string_equal(location, expect);
	long long rid = u_request_id(number);
	attached_msg = id;
	snprintf(attached_case, sizeof attached_case, "%s", number);
	char rs[24], ms[24];
	snprintf(rs, sizeof rs, "%lld", rid);
	snprintf(ms, sizeof ms, "%lld", id);
	const char *p[] = {rs, ms};
	char *v = sql_text("SELECT status || ' ' || (request_id = $1::bigint) FROM inbound_messages WHERE id = $2::bigint", 2, p);
	assert_string_equal(v, "attached true");
	free(v);
	v = sql_text("SELECT string_agg(filename, ',') FROM attachments WHERE request_id = $1 AND source = 'mail'", 1, p);
	assert_string_equal(v, "dokument.pdf");
	free(v);
	assert_int_equal(sql_num("SELECT count(*) FROM events WHERE request_id = $1 AND action = 'mail_received'", 1, p), 1);
	snprintf(path, sizeof path, "/panel/poczta/%lld?wykonano=dolaczona", id);
	body = get_page(&clerk, path, 200);
	assert_non_null(strstr(body, "Wiadomość dołączono do sprawy"));
	assert_non_null(strstr(body, number));
	free(body);
	/* Another organisation's case is not one of theirs. */
	long long id2 = message(&(struct msg){"inny", "Jan Test", "jan@example.pl", "Do obcej sprawy",
	                                      "Treść do obcej sprawy.", "2026-11-05T12:30:00Z", NULL});
	snprintf(path, sizeof path, "/panel/poczta/%lld/dolacz", id2);
	snprintf(fields, sizeof fields, "version=1&case_number=%s", number);
	assert_int_equal(post(&other, path, fields, &body, NULL, 0), 422);
	assert_non_null(strstr(body, "Nie ma sprawy o znaku"));
	free(body);
	assert_string_equal(status_of(id2), "new");
}

static void test_not_a_request_needs_a_reason_and_is_audited(void **state)
{
	(void)state;
	long long id = message(&(struct msg){"mon", "Promocje", "promo@sklep.example", "Super oferta!",
	                                     "Kup teraz, tylko dziś.", "2026-11-05T13:00:00Z", NULL});
	char path[96], *body = NULL;
	snprintf(path, sizeof path, "/panel/poczta/%lld/nie-wniosek", id);
	assert_int_equal(post(&clerk, path, "version=1&note=", &body, NULL, 0), 422);
	assert_non_null(strstr(body, "Wybierz, dlaczego"));
	free(body);
	assert_int_equal(post(&clerk, path, "version=1&reason=other&note=+", &body, NULL, 0), 422);
	assert_non_null(strstr(body, "Napisz, dlaczego"));
	free(body);
	assert_int_equal(post(&clerk, path, "version=1&reason=bogus&note=abc", &body, NULL, 0), 422);
	assert_non_null(strstr(body, "value=\"other\""));
	assert_non_null(strstr(body, ">abc</textarea>"));
	free(body);
	assert_string_equal(status_of(id), "new");
	assert_int_equal(post(&clerk, path, "version=1&reason=advertising&note=Reklama%20sklepu", NULL, NULL, 0), 303);
	char ms[24];
	snprintf(ms, sizeof ms, "%lld", id);
	const char *p[] = {ms};
	char *v = sql_text("SELECT m.status || '|' || m.handled_note || '|' || u.email || '|' || "
	                   "(m.handled_at IS NOT NULL) || '|' || (m.request_id IS NULL) "
	                   "FROM inbound_messages m JOIN users u ON u.id = m.handled_by WHERE m.id = $1",
	                   1, p);
	assert_string_equal(v, "not_request|reklama: Reklama sklepu|urzednik@mon.example|true|true");
	free(v);
	/* In the organisation's audit trail, with no case. */
	v = sql_text("SELECT e.actor || '|' || (e.request_id IS NULL) || '|' || (e.data->>'reason') || '|' "
	             "|| (event_data(e)->>'text') FROM events e WHERE e.action = 'mail_not_request' "
	             "AND (e.data->>'inbound_id')::bigint = $1",
	             1, p);
	assert_string_equal(v, "clerk|true|advertising|Reklama sklepu");
	free(v);
	/* Kept, listed under its status, nothing deleted. */
	body = get_page(&clerk, "/panel/poczta?stan=nie-wnioski", 200);
	assert_non_null(strstr(body, "Super oferta!"));
	free(body);
	body = get_page(&clerk, "/panel/poczta", 200);
	assert_null(strstr(body, "Super oferta!"));
	free(body);
	char *out = NULL;
	const char *args[] = {"audit", "verify", NULL};
	int rc = h_cli(&out, args);
	if (rc != 0)
		fprintf(stderr, "audit verify: %s\n", out);
	assert_int_equal(rc, 0);
	free(out);
}

/* ---- two clerks at once -------------------------------------------------------------------- */

static void test_a_message_handled_meanwhile_is_said_and_nothing_is_lost(void **state)
{
	(void)state;
	long long id = message(&(struct msg){"mon", "Ewa", "ewa@example.pl", "Dwie osoby naraz",
	                                     "Proszę o informację o budżecie na 2027 rok.",
	                                     "2026-11-05T14:00:00Z", NULL});
	char path[96], *body = NULL;
	/* Both open it; the second clerk opens the registration form too. */
	snprintf(path, sizeof path, "/panel/poczta/%lld/rejestracja", id);
	char *form = get_page(&clerk2, path, 200);
	char number[64];
	free(u_file("public_information", number));
	char fields[200];
	snprintf(fields, sizeof fields, "version=1&case_number=%s", number);
	snprintf(path, sizeof path, "/panel/poczta/%lld/dolacz", id);
	assert_int_equal(post(&clerk, path, fields, NULL, NULL, 0), 303);
	/* The second clerk's "not a request": told who did what, the note kept. */
	snprintf(path, sizeof path, "/panel/poczta/%lld/nie-wniosek", id);
	assert_int_equal(post(&clerk2, path, "version=1&reason=other&note=Moja%20notatka", &body, NULL, 0), 409);
	assert_non_null(strstr(body, "już obsłużona: dołączona do sprawy"));
	assert_non_null(strstr(body, number));
	assert_non_null(strstr(body, "Tomasz Zieliński"));
	free(body);
	/* Their registration: refused, no case, what they typed still there. */
	long long before = u_count("SELECT count(*) FROM requests");
	char *reg = register_fields(form, "Mój poprawiony temat");
	snprintf(path, sizeof path, "/panel/poczta/%lld/rejestracja", id);
	assert_int_equal(post(&clerk2, path, reg, &body, NULL, 0), 409);
	assert_non_null(strstr(body, "już obsłużona"));
	assert_non_null(strstr(body, "value=\"Mój poprawiony temat\""));
	free(body);
	free(reg);
	free(form);
	assert_int_equal(u_count("SELECT count(*) FROM requests"), before);
	assert_string_equal(status_of(id), "attached");
	/* A form drawn at another version. */
	long long id2 = message(&(struct msg){"mon", "Ewa", "ewa@example.pl", "Wersja",
	                                      "Proszę o informację.", "2026-11-05T14:10:00Z", NULL});
	char ms[24];
	snprintf(ms, sizeof ms, "%lld", id2);
	const char *p[] = {ms};
	free(sql_text("UPDATE inbound_messages SET version = 2 WHERE id = $1", 1, p));
	snprintf(path, sizeof path, "/panel/poczta/%lld/nie-wniosek", id2);
	assert_int_equal(post(&clerk, path, "version=1&reason=spam", &body, NULL, 0), 409);
	assert_non_null(strstr(body, "zmieniła się"));
	free(body);
	assert_int_equal(post(&clerk, path, "version=x&reason=spam", NULL, NULL, 0), 422);
	assert_string_equal(status_of(id2), "new");
}

struct racer {
	const struct u_staff *who;
	const char *path;
	char *fields;
	long status;
};

static void *race(void *arg)
{
	struct racer *r = arg;
	size_t n = strlen(r->fields) + 200;
	char *body = malloc(n);
	snprintf(body, n, "csrf=%s&%s", r->who->csrf, r->fields);
	const char *hdr[] = {"Content-Type: application/x-www-form-urlencoded", r->who->cookie, NULL};
	struct hresp resp;
	h_request_port(h_port(), "POST", r->path, hdr, body, strlen(body), &resp);
	r->status = resp.status;
	h_free(&resp);
	free(body);
	return NULL;
}

static void test_two_clerks_registering_at_once_make_one_case(void **state)
{
	(void)state;
	for (int round = 0; round < 4; round++) {
		char subject[64];
		snprintf(subject, sizeof subject, "Wyścig %d", round);
		long long id = message(&(struct msg){"mon", "Ola", "ola@example.pl", subject,
		                                     "Proszę o informację o wyścigu.", "2026-11-05T15:00:00Z",
		                                     NULL});
		char path[96];
		snprintf(path, sizeof path, "/panel/poczta/%lld/rejestracja", id);
		char *form = get_page(&clerk, path, 200);
		long long before = u_count("SELECT count(*) FROM requests");
		struct racer a = {&clerk, path, register_fields(form, NULL), 0};
		struct racer b = {&clerk2, path, register_fields(form, NULL), 0};
		free(form);
		pthread_t ta, tb;
		pthread_create(&ta, NULL, race, &a);
		pthread_create(&tb, NULL, race, &b);
		pthread_join(ta, NULL);
		pthread_join(tb, NULL);
		free(a.fields);
		free(b.fields);
		assert_true((a.status == 303 && b.status == 409) || (a.status == 409 && b.status == 303));
		assert_int_equal(u_count("SELECT count(*) FROM requests"), before + 1);
		assert_string_equal(status_of(id), "registered");
	}
}

static void test_registering_and_dismissing_at_once_one_wins(void **state)
{
	(void)state;
	for (int round = 0; round < 4; round++) {
		char subject[64];
		snprintf(subject, sizeof subject, "Rejestracja czy spam %d", round);
		long long id = message(&(struct msg){"mon", "Ola", "ola@example.pl", subject,
		                                     "Proszę o informację albo nie.", "2026-11-05T15:30:00Z",
		                                     NULL});
		char path[96], other_path[96];
		snprintf(path, sizeof path, "/panel/poczta/%lld/rejestracja", id);
		snprintf(other_path, sizeof other_path, "/panel/poczta/%lld/nie-wniosek", id);
		char *form = get_page(&clerk, path, 200);
		long long before = u_count("SELECT count(*) FROM requests");
		struct racer a = {&clerk, path, register_fields(form, NULL), 0};
		struct racer b = {&clerk2, other_path, strdup("version=1&reason=spam"), 0};
		free(form);
		pthread_t ta, tb;
		pthread_create(&ta, NULL, race, &a);
		pthread_create(&tb, NULL, race, &b);
		pthread_join(ta, NULL);
		pthread_join(tb, NULL);
		free(a.fields);
		free(b.fields);
		if (!((a.status == 303 && b.status == 409) || (a.status == 409 && b.status == 303)))
			fprintf(stderr, "register %ld, not a request %ld\n", a.status, b.status);
		assert_true((a.status == 303 && b.status == 409) || (a.status == 409 && b.status == 303));
		assert_int_equal(u_count("SELECT count(*) FROM requests"), before + (a.status == 303));
		assert_string_equal(status_of(id), a.status == 303 ? "registered" : "not_request");
	}
}

/* ---- the dashboard ------------------------------------------------------------------------- */

static void test_dashboard_counts_the_queue(void **state)
{
	(void)state;
	long waiting = u_count("SELECT count(*) FROM inbound_messages WHERE status = 'new' AND "
	                       "org_id = (SELECT id FROM organisations WHERE slug = 'mon')");
	assert_true(waiting > 0);
	char *page = get_page(&manager, "/panel/pulpit", 200);
	char fig[128];
	snprintf(fig, sizeof fig, "<span class=\"figure-count\">%ld</span> <span class=\"figure-label\">nowych wiadomości", waiting);
	assert_non_null(strstr(page, fig));
	assert_non_null(strstr(page, "Najdawniej otrzymana: 2026-11-04"));
	assert_non_null(strstr(page, "href=\"/panel/poczta\""));
	free(page);
	/* Mail stored by another process shows at once (not kept in the cache). */
	message(&(struct msg){"mon", "Nowy", "nowy@example.pl", "Świeża wiadomość", "Treść.",
	                      "2026-11-06T08:00:00Z", NULL});
	page = get_page(&manager, "/panel/pulpit", 200);
	snprintf(fig, sizeof fig, "<span class=\"figure-count\">%ld</span>", waiting + 1);
	assert_non_null(strstr(page, fig));
	free(page);
}

/* ---- staff confined to their unit ------------------------------------------------------ */

static void test_unit_staff_see_the_mailbox_and_the_messages_of_their_cases(void **state)
{
	(void)state;
	h_sql("UPDATE organisations SET staff_unit_only = true WHERE slug = 'mon';"
	      "INSERT INTO users (org_id, unit_id, email, name, role, password_hash) "
	      "SELECT o.id, b.id, 'bdg.urzednik@mon.example', 'Urzędnik BDG', 'clerk', u.password_hash "
	      "FROM organisations o JOIN units b ON b.org_id = o.id AND b.symbol = 'BDG', users u "
	      "WHERE o.slug = 'mon' AND u.email = 'urzednik@mon.example'");
	struct u_staff bdg;
	u_login("bdg.urzednik%40mon.example", "jawnosc-demo", &bdg);
	long long id = message(&(struct msg){"mon", "Piotr", "piotr@example.pl", "Do komórki BDG",
	                                     "Proszę o informację o inwestycjach komórki.",
	                                     "2026-11-06T07:00:00Z", NULL});
	/* The mailbox is the organisation's: new mail is every clerk's. */
	char *page = get_page(&bdg, "/panel/poczta", 200);
	assert_non_null(strstr(page, "Do komórki BDG"));
	assert_non_null(strstr(page, "Wniosek o wydatki na szkolenia"));
	free(page);
	/* A message that is a COMON case's now is that case's. */
	char path[96];
	snprintf(path, sizeof path, "/panel/poczta/%lld", attached_msg);
	free(get_page(&bdg, path, 404));
	free(get_page(&clerk, path, 200));
	page = get_page(&bdg, "/panel/poczta?stan=dolaczone", 200);
	assert_null(strstr(page, "Uzupełnienie wniosku"));
	free(page);
	/* Nor can they attach to a case they do not see. */
	char fields[160];
	snprintf(fields, sizeof fields, "version=1&case_number=%s", attached_case);
	snprintf(path, sizeof path, "/panel/poczta/%lld/dolacz", id);
	assert_int_equal(post(&bdg, path, fields, NULL, NULL, 0), 422);
	/* What they register is their unit's case, and its message theirs. */
	snprintf(path, sizeof path, "/panel/poczta/%lld/rejestracja", id);
	char *form = get_page(&bdg, path, 200);
	char *reg = register_fields(form, NULL);
	char location[160];
	assert_int_equal(post(&bdg, path, reg, NULL, location, sizeof location), 303);
	free(reg);
	free(form);
	char rs[24];
	snprintf(rs, sizeof rs, "%lld", atoll(location + strlen("/panel/sprawy/")));
	const char *p[] = {rs};
	char *unit = sql_text("SELECT u.symbol FROM requests r JOIN units u ON u.id = r.unit_id WHERE r.id = $1", 1, p);
	assert_string_equal(unit, "BDG");
	free(unit);
	snprintf(path, sizeof path, "/panel/poczta/%lld", id);
	free(get_page(&bdg, path, 200));
	free(get_page(&clerk, path, 404));
	h_sql("UPDATE organisations SET staff_unit_only = false WHERE slug = 'mon'");
	free(get_page(&clerk, path, 200));
}

int main(void)
{
	h_setup_db("poczta");
	data();
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_queue_lists_new_messages_of_the_organisation_oldest_first),
	    cmocka_unit_test(test_queue_pages_by_arrival_without_gaps),
	    cmocka_unit_test(test_message_page_shows_text_and_files),
	    cmocka_unit_test(test_html_in_subject_body_and_names_is_escaped),
	    cmocka_unit_test(test_another_organisations_message_is_not_found),
	    cmocka_unit_test(test_register_form_is_prefilled_from_the_message),
	    cmocka_unit_test(test_register_creates_the_case_with_the_arrival_date_and_attachments),
	    cmocka_unit_test(test_register_keeps_the_form_on_error),
	    cmocka_unit_test(test_attach_to_a_case_by_its_number),
	    cmocka_unit_test(test_not_a_request_needs_a_reason_and_is_audited),
	    cmocka_unit_test(test_a_message_handled_meanwhile_is_said_and_nothing_is_lost),
	    cmocka_unit_test(test_two_clerks_registering_at_once_make_one_case),
	    cmocka_unit_test(test_registering_and_dismissing_at_once_one_wins),
	    cmocka_unit_test(test_dashboard_counts_the_queue),
	    cmocka_unit_test(test_unit_staff_see_the_mailbox_and_the_messages_of_their_cases),
	};
	int failed = cmocka_run_group_tests(tests, setup, h_stop_server);
	h_teardown();
	return failed;
}
