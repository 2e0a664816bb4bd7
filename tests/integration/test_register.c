/* SPDX-License-Identifier: EUPL-1.2 */
/* The public register over real HTTP: a clerk publishes through the panel
 * with a preview that is byte for byte the public page, versions 1.0 and
 * 1.1 with dates and authors and the old one readable, withdrawal, filters,
 * Polish search without diacritics, keyset pages, ETag and Last-Modified
 * with 304, the visit counter, feeds and exports, and privacy twice over:
 * a crawl of every public page finds no requester's data, and the public
 * database role is refused the tables that hold it. And what keeps the
 * anonymous pages cheap: a search's length and words, literal text for
 * LIKE's characters, a per-address limit of searches and exports not
 * kept, a cache key of the parameters a page knows, the sitemap in parts
 * and the exports kept until the register changes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <zlib.h>

#include "cases/register.h"
#include "db/db.h"
#include "integration/cases_util.h"

static struct u_staff clerk;
static const char *CLERK_NAME = "Tomasz Zieliński";

/* The requester's data the public must never see. */
static const char *const SECRETS[] = {
    "Zbigniew Prywatny-Testowy", "Prywatny-Testowy", "tajny.adres@example.pl", "tajny.adres",
    "+48 600 700 800",           "600 700 800",      "ul. Sekretna 13",        "Sekretna"};
#define NSECRETS (sizeof SECRETS / sizeof SECRETS[0])

static int setup(void **state)
{
	(void)state;
	static const char *env[] = {"JAWNOSC_FILING_RATE=100000", "JAWNOSC_SEARCH_RATE=100000", NULL};
	h_server_start(env);
	u_login("urzednik%40mon.example", "jawnosc-demo", &clerk);
	return 0;
}

/* ---- Helpers ------------------------------------------------------------------ */

/* A copy of s[from..to] including both markers; NULL when absent. */
static char *between(const char *s, const char *from, const char *to)
{
	const char *a = s ? strstr(s, from) : NULL;
	const char *b = a ? strstr(a, to) : NULL;
	if (!b)
		return NULL;
	size_t n = (size_t)(b - a) + strlen(to);
	char *out = malloc(n + 1);
	memcpy(out, a, n);
	out[n] = '\0';
	return out;
}

static char *get(const char *path, long want)
{
	struct hresp r;
	h_get(path, &r);
	if (r.status != want)
		fprintf(stderr, "GET %s: %ld, expected %ld: %.400s\n", path, r.status, want,
		        r.body);
	assert_int_equal(r.status, want);
	char *b = strdup(r.body ? r.body : "");
	h_free(&r);
	return b;
}

static long long request_id(const char *number)
{
	return u_request_id(number);
}

/* Files a request with the distinctive personal data and closes it. */
static void file_private(const char *subject, char number[64])
{
	char body[1024];
	snprintf(body, sizeof body,
	         "{\"kind\":\"public_information\",\"subject\":\"%s\","
	         "\"content\":\"Proszę o informację. Zbigniew Prywatny-Testowy, ul. Sekretna 13.\","
	         "\"delivery\":\"email\",\"requester\":{\"name\":\"Zbigniew Prywatny-Testowy\","
	         "\"email\":\"tajny.adres@example.pl\",\"phone\":\"+48 600 700 800\","
	         "\"postal_address\":\"ul. Sekretna 13, 00-950 Warszawa\"}}",
	         subject);
	struct hresp r;
	u_post_json("/api/v1/requests", body, &r);
	assert_int_equal(r.status, 201);
	json_t *j = u_json(&r);
	const char *cn = u_str(j, "case_number");
	assert_non_null(cn);
	snprintf(number, 64, "%s", cn ? cn : "");
	json_decref(j);
	h_free(&r);
	u_clerk(number, LAW_ACT_ASSIGN);
	u_clerk(number, LAW_ACT_PROVIDE);
}

static char *publication_page(long long id, long want)
{
	char path[96];
	snprintf(path, sizeof path, "/panel/sprawy/%lld/publikacja", id);
	struct hresp r;
	u_staff_get(&clerk, path, &r);
	if (r.status != want)
		fprintf(stderr, "GET %s: %ld: %.300s\n", path, r.status, r.body);
	assert_int_equal(r.status, want);
	char *b = strdup(r.body);
	h_free(&r);
	return b;
}

/* Previews `subject`/`answer` (NULL: as the page has them) and publishes
 * what the preview showed; returns the new version ("1.0", ...). */
static void publish(long long id, const char *subject, const char *answer, const char *extra,
                    char version[16])
{
	char path[96];
	snprintf(path, sizeof path, "/panel/sprawy/%lld/publikacja", id);
	char *page = publication_page(id, 200);
	char *fields = u_publication_fields(page, "preview", subject, answer, extra);
	struct hresp r;
	u_staff_post(&clerk, path, fields, &r);
	if (r.status != 200)
		fprintf(stderr, "preview: %ld %.600s\n", r.status, strstr(r.body, "<main"));
	assert_int_equal(r.status, 200);
	free(page);
	free(fields);
	page = strdup(r.body);
	h_free(&r);
	fields = u_publication_fields(page, "publish", subject, answer, extra);
	u_staff_post(&clerk, path, fields, &r);
	if (r.status != 303)
		fprintf(stderr, "publish: %ld %.600s\n", r.status,
		        r.body ? strstr(r.body, "<main") : "");
	assert_int_equal(r.status, 303);
	const char *loc = h_header(&r, "Location");
	const char *v = strstr(loc, "opublikowano=");
	assert_non_null(v);
	snprintf(version, 16, "%s", v + strlen("opublikowano="));
	h_free(&r);
	free(page);
	free(fields);
}

static void assert_no_secret(const char *where, const char *text)
{
	for (size_t i = 0; i < NSECRETS; i++) {
		if (strstr(text, SECRETS[i]))
			fprintf(stderr, "%s shows \"%s\"\n", where, SECRETS[i]);
		assert_null(strstr(text, SECRETS[i]));
	}
}

/* ---- Tests ----------------------------------------------------------------- */

static void test_public_role_is_refused_personal_data_tables(void **state)
{
	PGconn *c = h_db();
	static const char *const refused[] = {"requesters",
	                                      "requests",
	                                      "events",
	                                      "users",
	                                      "sessions",
	                                      "documents",
	                                      "attachments",
	                                      "outbox",
	                                      "publications",
	                                      "publication_versions",
	                                      "publishable_facts",
	                                      "publishable_timeline"};
	for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++) {
		PQclear(PQexec(c, "BEGIN; SET LOCAL ROLE jawnosc_public"));
		char sql[128];
		snprintf(sql, sizeof sql, "SELECT * FROM %s LIMIT 1", refused[i]);
		PGresult *r = PQexec(c, sql);
		const char *code = PQresultErrorField(r, PG_DIAG_SQLSTATE);
		if (!code || strcmp(code, "42501") != 0)
			fprintf(stderr, "jawnosc_public reading %s: %s\n", refused[i],
			        code ? code : "allowed");
		assert_non_null(code);
		assert_string_equal(code, "42501"); /* insufficient_privilege */
		PQclear(r);
		PQclear(PQexec(c, "ROLLBACK"));
	}
	/* And also with a plain SET ROLE, as the issue has it. */
	PQclear(PQexec(c, "SET ROLE jawnosc_public"));
	PGresult *r = PQexec(c, "SELECT * FROM requesters");
	assert_int_equal(PQresultStatus(r), PGRES_FATAL_ERROR);
	PQclear(r);
	r = PQexec(c, "SELECT count(*) FROM register_entries");
	assert_int_equal(PQresultStatus(r), PGRES_TUPLES_OK);
	PQclear(r);
	/* The views hold no personal column at all. */
	PQclear(PQexec(c, "RESET ROLE"));
	r = PQexec(
	    c,
	    "SELECT table_name, column_name FROM information_schema.columns "
	    "WHERE table_name LIKE 'register\\_%' AND column_name IN "
	    "('name', 'email', 'phone', 'postal_address', 'ip', 'body', 'data', 'tracking_hash')");
	assert_int_equal(PQresultStatus(r), PGRES_TUPLES_OK);
	for (int i = 0; i < PQntuples(r); i++)
		fprintf(stderr, "personal column %s.%s\n", PQgetvalue(r, i, 0),
		        PQgetvalue(r, i, 1));
	/* register_organisations and register_units carry the body's and
	 * units' names only. */
	for (int i = 0; i < PQntuples(r); i++)
		assert_true(!strcmp(PQgetvalue(r, i, 1), "name") ||
		            !strcmp(PQgetvalue(r, i, 1), "email") ||
		            !strcmp(PQgetvalue(r, i, 1), "phone"));
	for (int i = 0; i < PQntuples(r); i++)
		assert_true(!strcmp(PQgetvalue(r, i, 0), "register_organisations") ||
		            !strcmp(PQgetvalue(r, i, 0), "register_units"));
	PQclear(r);
	PQfinish(c);
}

static void test_clerk_preview_is_exactly_the_public_page(void **state)
{
	char number[64];
	file_private("Koszty utrzymania floty samochodowej", number);
	long long id = request_id(number);
	char *page = publication_page(id, 200);
	assert_non_null(strstr(page, "jeszcze nie opublikowana"));
	char *preview = between(page, "<article class=\"register-item\"", "</article>");
	assert_non_null(preview);
	assert_non_null(strstr(preview, "Koszty utrzymania floty samochodowej"));
	assert_no_secret("the publication page", page);
	/* Not public before publishing. */
	char path[128];
	snprintf(path, sizeof path, "/rejestr/%s", number);
	free(get(path, 404));
	char version[16];
	publish(id, NULL, NULL, NULL, version);
	assert_string_equal(version, "1.0");
	char *pub = get(path, 200);
	char *article = between(pub, "<article class=\"register-item\"", "</article>");
	assert_non_null(article);
	if (strcmp(article, preview) != 0)
		fprintf(stderr, "preview:\n%s\npublic:\n%s\n", preview, article);
	assert_string_equal(article, preview);
	assert_no_secret("the public page", pub);
	/* The BIP metadata of the seed page's footer. */
	assert_non_null(strstr(pub, "Informacje o publikacji dokumentu"));
	assert_non_null(
	    strstr(pub, "Podmiot udostępniający</dt><dd>Ministerstwo Obrony Narodowej"));
	assert_non_null(strstr(pub, "Wprowadzający</dt><dd>Tomasz Zieliński"));
	assert_non_null(strstr(pub, "Data wytworzenia"));
	assert_non_null(strstr(pub, "Pierwsza publikacja"));
	assert_non_null(strstr(pub, "Liczba odwiedzin"));
	/* The terms with whether each was met, the public steps. */
	assert_non_null(strstr(pub, "termin załatwienia wniosku"));
	assert_non_null(strstr(pub, "dotrzymany"));
	assert_non_null(strstr(pub, "rejestracja wniosku"));
	/* And the clerk's page now says it is published. */
	char *after = publication_page(id, 200);
	assert_non_null(strstr(after, "opublikowana, wersja 1.0"));
	free(after);
	free(article);
	free(pub);
	free(preview);
	free(page);
}

static void test_versions_1_0_and_1_1_with_dates_and_authors_and_the_old_one_readable(void **state)
{
	char number[64], version[16];
	file_private("Wydatki na paliwo w 2026 r.", number);
	long long id = request_id(number);
	publish(id, NULL, "Pierwsza odpowiedź.", NULL, version);
	assert_string_equal(version, "1.0");
	publish(id, "Wydatki na paliwo i serwis w 2026 r.", "Odpowiedź po korekcie.", NULL,
	        version);
	assert_string_equal(version, "1.1");
	char path[160];
	snprintf(path, sizeof path, "/rejestr/%s", number);
	char *cur = get(path, 200);
	assert_non_null(strstr(cur, "Wydatki na paliwo i serwis w 2026 r."));
	assert_non_null(strstr(cur, "Odpowiedź po korekcie."));
	char *reg = between(cur, "<caption>Rejestr zmian</caption>", "</table>");
	assert_non_null(reg);
	/* Newest first: 1.1 then 1.0, each with "DD.MM.YYYY HH:MM" and who. */
	const char *v11 = strstr(reg, ">1.1</td>"), *v10 = strstr(reg, ">1.0</td>");
	assert_non_null(v11);
	assert_non_null(v10);
	assert_true(v11 < v10);
	int d, m, y, hh, mm;
	assert_int_equal(
	    sscanf(strchr(strstr(v11, "</td><td") + 8, '>') + 1, "%2d.%2d.%4d %2d:%2d", &d, &m, &y,
	           &hh, &mm),
	    5);
	assert_int_equal(
	    sscanf(strchr(strstr(v10, "</td><td") + 8, '>') + 1, "%2d.%2d.%4d %2d:%2d", &d, &m, &y,
	           &hh, &mm),
	    5);
	assert_non_null(strstr(v10, CLERK_NAME));
	assert_non_null(strstr(v11, CLERK_NAME));
	char link[200];
	snprintf(link, sizeof link, "href=\"/rejestr/%s/wersja/1.0\"", number);
	assert_non_null(strstr(reg, link));
	/* The old version at its own address. */
	snprintf(path, sizeof path, "/rejestr/%s/wersja/1.0", number);
	char *old = get(path, 200);
	assert_non_null(strstr(old, "Wersja archiwalna 1.0"));
	assert_non_null(strstr(old, "<h1 id=\"item-title\">Wydatki na paliwo w 2026 r.</h1>"));
	assert_non_null(strstr(old, "Pierwsza odpowiedź."));
	assert_null(strstr(old, "Odpowiedź po korekcie."));
	/* The current one by its number too; an unknown one is 404. */
	snprintf(path, sizeof path, "/rejestr/%s/wersja/1.1", number);
	free(get(path, 200));
	snprintf(path, sizeof path, "/rejestr/%s/wersja/1.7", number);
	free(get(path, 404));
	snprintf(path, sizeof path, "/rejestr/%s/wersja/abc", number);
	free(get(path, 404));
	/* The change register itself never changes. */
	PGconn *c = h_db();
	PGresult *r = PQexec(c, "UPDATE publication_versions SET title = 'x'");
	assert_int_equal(PQresultStatus(r), PGRES_FATAL_ERROR);
	PQclear(r);
	r = PQexec(c, "DELETE FROM publication_versions");
	assert_int_equal(PQresultStatus(r), PGRES_FATAL_ERROR);
	PQclear(r);
	PQfinish(c);
	free(old);
	free(reg);
	free(cur);
}

static void test_publishing_needs_the_preview_of_exactly_that_text(void **state)
{
	char number[64], version[16];
	file_private("Koszty szkoleń BHP", number);
	long long id = request_id(number);
	publish(id, NULL, NULL, NULL, version);
	char *page = publication_page(id, 200);
	/* The preview was of the old text: publishing another is refused. */
	char *fields =
	    u_publication_fields(page, "publish", "Inny temat niż w podglądzie", NULL, NULL);
	char path[96];
	snprintf(path, sizeof path, "/panel/sprawy/%lld/publikacja", id);
	struct hresp r;
	u_staff_post(&clerk, path, fields, &r);
	assert_int_equal(r.status, 409);
	assert_non_null(strstr(r.body, "od ostatniego podglądu"));
	/* ... and shows the preview of the new text, ready to publish. */
	assert_non_null(strstr(r.body, "<h1 id=\"item-title\">Inny temat niż w podglądzie</h1>"));
	h_free(&r);
	free(fields);
	/* A version published meanwhile by someone else: 409, nothing lost. */
	fields = u_publication_fields(page, "publish", NULL, NULL, NULL);
	char *stale = strstr(fields, "version_id=");
	assert_non_null(stale);
	char bad[4096];
	snprintf(bad, sizeof bad, "%.*sversion_id=1%s", (int)(stale - fields), fields,
	         strchr(stale, '&'));
	u_staff_post(&clerk, path, bad, &r);
	assert_int_equal(r.status, 409);
	h_free(&r);
	char sql[200];
	snprintf(sql, sizeof sql,
	         "SELECT count(*) FROM publication_versions v JOIN publications p "
	         "ON p.id = v.publication_id WHERE p.request_id = %lld",
	         id);
	assert_int_equal(u_count(sql), 1);
	free(fields);
	free(page);
}

static void test_personal_data_in_public_text_is_refused(void **state)
{
	char number[64];
	file_private("Zakup sprzętu biurowego", number);
	long long id = request_id(number);
	char path[96];
	snprintf(path, sizeof path, "/panel/sprawy/%lld/publikacja", id);
	char *page = publication_page(id, 200);
	static const struct {
		const char *answer, *what;
	} cases[] = {{"Odpowiedź wysłano na tajny.adres@example.pl.", "adres e-mail"},
	             {"Kontakt: 600-700-800.", "numer telefonu"},
	             {"Wnioskodawca: Zbigniew Prywatny-Testowy.", "imię i nazwisko"},
	             {"Pan Prywatny-Testowy otrzymał odpowiedź.", "imię i nazwisko"},
	             {"Wysłano na adres ul. Sekretna 13.", "adres"}};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char *fields = u_publication_fields(page, "preview", NULL, cases[i].answer, NULL);
		struct hresp r;
		u_staff_post(&clerk, path, fields, &r);
		char want[128];
		snprintf(want, sizeof want, "dane osobowe wnioskodawcy (%s)", cases[i].what);
		if (r.status != 422 || !strstr(r.body, want))
			fprintf(stderr, "%s: %ld\n", cases[i].answer, r.status);
		assert_int_equal(r.status, 422);
		assert_non_null(strstr(r.body, want));
		/* No preview, so nothing to publish. */
		assert_null(strstr(r.body, "name=\"preview_token\""));
		h_free(&r);
		free(fields);
	}
	/* The service refuses it too, whatever the page did. */
	arena_t *a = arena_new(4096);
	struct actor who = {u_count("SELECT id FROM users WHERE email = 'urzednik@mon.example'"),
	                    u_count("SELECT id FROM organisations WHERE slug = 'mon'"), 0, "clerk",
	                    CLERK_NAME};
	struct svc_ctx ctx = {a, NULL, &who, time(NULL)};
	struct register_draft d = {.public_subject = "Zakup sprzętu",
	                           .answer = "Kopię wysłano: tajny.adres@example.pl",
	                           .produced_by = "COMON",
	                           .responsible = "COMON",
	                           .produced_on = "2026-01-05"};
	struct problem errs = {0};
	const char *version = NULL;
	assert_int_equal(register_publish(&ctx, id, &d, 0, &version, &errs), OUT_INVALID);
	assert_true(errs.nfields >= 1);
	/* An organisation's name may be public when the clerk says so. */
	free(page);
	arena_free(a);
	char sql[160];
	snprintf(sql, sizeof sql, "SELECT count(*) FROM publications WHERE request_id = %lld", id);
	assert_int_equal(u_count(sql), 0);
}

static void test_withdrawal_takes_the_item_off_and_hides_every_earlier_version(void **state)
{
	char number[64], version[16];
	file_private("Umowy najmu lokali", number);
	long long id = request_id(number);
	publish(id, NULL, "Treść przed wycofaniem.", NULL, version);
	char *page = publication_page(id, 200);
	char *vid = u_input(page, "version_id");
	char path[96], fields[160];
	snprintf(path, sizeof path, "/panel/sprawy/%lld/publikacja", id);
	snprintf(fields, sizeof fields, "action=withdraw&version_id=%s", vid);
	struct hresp r;
	u_staff_post(&clerk, path, fields, &r);
	assert_int_equal(r.status, 303);
	assert_non_null(strstr(h_header(&r, "Location"), "wycofano=1.1"));
	h_free(&r);
	char pub[160];
	snprintf(pub, sizeof pub, "/rejestr/%s", number);
	char *p = get(pub, 200);
	assert_non_null(strstr(p, "wycofana z publikacji"));
	assert_null(strstr(p, "Treść przed wycofaniem."));
	assert_non_null(strstr(p, "data-label=\"Wersja\">1.1</td>"));
	assert_non_null(strstr(p, "data-label=\"Wersja\">1.0</td>"));
	free(p);
	snprintf(pub, sizeof pub, "/rejestr/%s/wersja/1.0", number);
	p = get(pub, 200);
	assert_null(strstr(p, "Treść przed wycofaniem."));
	assert_non_null(strstr(p, "wycofana z publikacji"));
	free(p);
	char *list = get("/rejestr", 200);
	assert_null(strstr(list, number));
	free(list);
	/* Published again: 1.2 is public, 1.0 stays hidden. */
	publish(id, NULL, "Treść po ponownej publikacji.", NULL, version);
	assert_string_equal(version, "1.2");
	snprintf(pub, sizeof pub, "/rejestr/%s", number);
	p = get(pub, 200);
	assert_non_null(strstr(p, "Treść po ponownej publikacji."));
	free(p);
	snprintf(pub, sizeof pub, "/rejestr/%s/wersja/1.0", number);
	p = get(pub, 200);
	assert_null(strstr(p, "Treść przed wycofaniem."));
	free(p);
	free(vid);
	free(page);
}

static void test_filters(void **state)
{
	/* The demo's closed cases are published (seed --demo). */
	char *all = get("/rejestr", 200);
	assert_non_null(strstr(all, "Zasady przyznawania patronatów honorowych"));
	assert_non_null(strstr(all, "Dane o liczbie obserwujących profile resortu"));
	free(all);
	char *reuse = get("/rejestr?rodzaj=reuse", 200);
	assert_non_null(strstr(reuse, "Dane o liczbie obserwujących profile resortu"));
	assert_null(strstr(reuse, "Zasady przyznawania patronatów honorowych"));
	free(reuse);
	char *refused = get("/rejestr?wynik=refused", 200);
	assert_non_null(strstr(refused, "Monitoring środowiska informacyjnego"));
	assert_null(strstr(refused, "Zasady przyznawania patronatów"));
	free(refused);
	char *unit = get("/rejestr?komorka=DI", 200);
	assert_non_null(strstr(unit, "Żadna opublikowana sprawa nie spełnia tych warunków"));
	free(unit);
	unit = get("/rejestr?komorka=COMON", 200);
	assert_non_null(strstr(unit, "Zasady przyznawania patronatów"));
	free(unit);
	char *old = get("/rejestr?rok=1999", 200);
	assert_non_null(strstr(old, "Żadna opublikowana sprawa"));
	free(old);
	/* The year it was received (the filter's year), from the case itself:
	 * not this year, which on 1 January is not the demo's. */
	char year[64];
	snprintf(year, sizeof year, "/rejestr?rok=%ld",
	         u_count("SELECT extract(year FROM received_on)::int FROM requests "
	                 "WHERE subject LIKE 'Zasady przyznawania patronatów%'"));
	char *y = get(year, 200);
	assert_non_null(strstr(y, "Zasady przyznawania patronatów"));
	free(y);
	/* Hostile or malformed filters are ignored, never a 500. */
	char *bad =
	    get("/rejestr?rok=abc&rodzaj=%3Cx%3E&wynik=%27%3B--&komorka=a%20b&po_dacie=x&po_id=y"
	        "&q=%27%29%3B+DROP+TABLE+publications%3B--",
	        200);
	free(bad);
	char *tsq = get("/rejestr?q=%21%26%7C%3A%2A%28%29", 200);
	free(tsq);
}

static void test_polish_search_without_diacritics(void **state)
{
	char number[64], version[16];
	file_private("Zapytanie", number);
	long long id = request_id(number);
	publish(id, "Żółć i gęśla jaźń w stołówce ministerstwa", "Odpowiedź o źdźbłach.", NULL,
	        version);
	static const char *const hits[] = {"zolc",     "ZÓŁĆ",      "%C5%BC%C3%B3%C5%82%C4%87",
	                                   "stolowce", "jazn+stol", "zdzblach",
	                                   "stołówka"};
	for (size_t i = 0; i < sizeof hits / sizeof hits[0]; i++) {
		char path[160];
		char *q = strchr(hits[i], '%') || strchr(hits[i], '+') ? strdup(hits[i])
		                                                       : u_enc(hits[i]);
		snprintf(path, sizeof path, "/rejestr?q=%s", q);
		char *b = get(path, 200);
		if (!strstr(b, number))
			fprintf(stderr, "search \"%s\" did not find %s\n", hits[i], number);
		assert_non_null(strstr(b, number));
		assert_null(strstr(b, "Zasady przyznawania patronatów"));
		free(b);
		free(q);
	}
	char *miss = get("/rejestr?q=kalafior", 200);
	assert_null(strstr(miss, number));
	free(miss);
}

/* Publishes `n` new cases through the service (faster than the page). */
static void publish_many(int n)
{
	struct actor who = {u_count("SELECT id FROM users WHERE email = 'urzednik@mon.example'"),
	                    u_count("SELECT id FROM organisations WHERE slug = 'mon'"), 0, "clerk",
	                    CLERK_NAME};
	for (int i = 0; i < n; i++) {
		char number[64];
		char *t = u_file("public_information", number);
		free(t);
		arena_t *a = arena_new(4096);
		struct svc_ctx ctx = {a, NULL, &who, time(NULL)};
		struct register_draft d;
		long long id = request_id(number);
		assert_int_equal(register_proposal(&ctx, id, &d, NULL), OUT_OK);
		struct problem errs = {0};
		const char *version;
		assert_int_equal(register_publish(&ctx, id, &d, 0, &version, &errs), OUT_OK);
		arena_free(a);
	}
}

static void test_keyset_pages_without_gaps_or_repeats(void **state)
{
	publish_many(2 * REGISTER_PAGE + 7);
	long total = u_count("SELECT count(*) FROM publications WHERE NOT withdrawn");
	char path[512] = "/rejestr";
	long seen = 0;
	int pages = 0;
	char *all = calloc(1, 1);
	while (path[0] && pages < 20) {
		char *b = get(path, 200);
		pages++;
		char last_received[16] = "9999-99-99";
		for (const char *p = b; (p = strstr(p, "<tr><td><a href=\"/rejestr/")) != NULL;
		     p++) {
			char number[64], key[80];
			sscanf(p + strlen("<tr><td><a href=\"/rejestr/"), "%63[^\"]", number);
			snprintf(key, sizeof key, ",%s,", number);
			assert_null(strstr(all, key));
			all = realloc(all, strlen(all) + strlen(key) + 1);
			strcat(all, key);
			seen++;
			/* Newest first by date received. */
			const char *cell = strstr(p, "</a></td><td data-label=\"Data wpływu\">") +
			                   strlen("</a></td><td data-label=\"Data wpływu\">");
			char received[16];
			snprintf(received, sizeof received, "%.10s", cell);
			assert_true(strcmp(received, last_received) <= 0);
			strcpy(last_received, received);
		}
		path[0] = '\0';
		const char *next = strstr(b, "rel=\"next\"");
		if (next) {
			const char *href = strstr(b, "<a href=\"/rejestr?");
			assert_non_null(href);
			char *raw = strndup(href + 9, (size_t)(strchr(href + 9, '"') - (href + 9)));
			char *u = u_unescape(raw);
			snprintf(path, sizeof path, "%s", u);
			free(u);
			free(raw);
		}
		free(b);
	}
	assert_int_equal(seen, total);
	assert_true(pages >= 3);
	free(all);
}

static void test_etag_and_last_modified_answer_304(void **state)
{
	struct hresp r;
	h_get("/rejestr", &r);
	assert_int_equal(r.status, 200);
	char etag[128], lm[64];
	snprintf(etag, sizeof etag, "%s", h_header(&r, "ETag"));
	snprintf(lm, sizeof lm, "%s", h_header(&r, "Last-Modified"));
	assert_true(strlen(etag) > 4);
	assert_true(strlen(lm) > 20);
	h_free(&r);
	/* Visits are written every second (web/pcache.c). */
	usleep(1500 * 1000);
	long before = u_count("SELECT count FROM page_visits WHERE path = '/rejestr'");
	char inm[200], ims[100];
	snprintf(inm, sizeof inm, "If-None-Match: %s", etag);
	const char *h1[] = {inm, NULL};
	h_request("GET", "/rejestr", h1, NULL, 0, &r);
	assert_int_equal(r.status, 304);
	assert_int_equal(r.len, 0);
	h_free(&r);
	snprintf(ims, sizeof ims, "If-Modified-Since: %s", lm);
	const char *h2[] = {ims, NULL};
	h_request("GET", "/rejestr", h2, NULL, 0, &r);
	assert_int_equal(r.status, 304);
	h_free(&r);
	/* A 304 is a visit too. */
	long after = 0;
	for (int i = 0; i < 50 && after != before + 2; i++) {
		usleep(100 * 1000);
		after = u_count("SELECT count FROM page_visits WHERE path = '/rejestr'");
	}
	assert_int_equal(after, before + 2);
	/* Another filter is another page. */
	h_request("GET", "/rejestr?rodzaj=reuse", h1, NULL, 0, &r);
	assert_int_equal(r.status, 200);
	h_free(&r);
	/* The detail page has its own validators. */
	char number[64], version[16], path[160];
	file_private("Koszty energii elektrycznej", number);
	long long id = request_id(number);
	publish(id, NULL, NULL, NULL, version);
	snprintf(path, sizeof path, "/rejestr/%s", number);
	h_get(path, &r);
	char item_etag[128];
	snprintf(item_etag, sizeof item_etag, "%s", h_header(&r, "ETag"));
	h_free(&r);
	snprintf(inm, sizeof inm, "If-None-Match: %s", item_etag);
	h_request("GET", path, h1, NULL, 0, &r);
	assert_int_equal(r.status, 304);
	h_free(&r);
	/* A new version changes both. */
	sleep(1); /* Last-Modified has whole seconds */
	publish(id, "Koszty energii elektrycznej i cieplnej", NULL, NULL, version);
	h_request("GET", path, h1, NULL, 0, &r);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.body, "Koszty energii elektrycznej i cieplnej"));
	h_free(&r);
	snprintf(inm, sizeof inm, "If-None-Match: %s", etag);
	h_request("GET", "/rejestr", h1, NULL, 0, &r);
	assert_int_equal(r.status, 200);
	h_free(&r);
	h_request("GET", "/rejestr", h2, NULL, 0, &r);
	assert_int_equal(r.status, 200);
	h_free(&r);
	/* A step of a published case changes its page too. */
	h_get(path, &r);
	snprintf(item_etag, sizeof item_etag, "%s", h_header(&r, "ETag"));
	h_free(&r);
	snprintf(inm, sizeof inm, "If-None-Match: %s", item_etag);
	char sql[256];
	snprintf(sql, sizeof sql,
	         "INSERT INTO events (org_id, request_id, actor, action) "
	         "SELECT org_id, id, 'system', 'record_delivery' FROM requests WHERE id = %lld",
	         id);
	PGconn *c = h_db();
	PQclear(PQexec(c, sql));
	PQfinish(c);
	/* Another process wrote it: the server hears of it through NOTIFY, a
	 * moment later (docs/design.md, "Pages kept in memory"), so ask until
	 * the page changes, and fail if it never does. */
	long status = 0;
	for (int i = 0; i < 100 && status != 200; i++) {
		if (i)
			usleep(50000);
		h_request("GET", path, h1, NULL, 0, &r);
		status = r.status;
		h_free(&r);
	}
	assert_int_equal(status, 200);
}

static void test_procedure_page_and_visit_counter(void **state)
{
	char *a = get("/jak-uzyskac-informacje", 200);
	assert_non_null(strstr(a, "Jak uzyskać informację publiczną"));
	assert_non_null(strstr(a, "14 dni"));
	assert_non_null(strstr(a, "2 miesiące"));
	assert_non_null(strstr(a, "decyzji administracyjnej"));
	assert_non_null(strstr(a, "href=\"/wniosek\""));
	assert_non_null(strstr(a, "+48 261 871 205"));        /* the body's phone */
	assert_non_null(strstr(a, "Al. Niepodległości 218")); /* and address */
	assert_non_null(strstr(a, "Informacje o publikacji dokumentu"));
	const char *n1 = strstr(a, "Liczba odwiedzin</dt><dd>");
	assert_non_null(n1);
	long first = atol(n1 + strlen("Liczba odwiedzin</dt><dd>"));
	char *b = get("/jak-uzyskac-informacje", 200);
	const char *n2 = strstr(b, "Liczba odwiedzin</dt><dd>");
	assert_int_equal(atol(n2 + strlen("Liczba odwiedzin</dt><dd>")), first + 1);
	free(a);
	free(b);
	/* The front page and the menu lead to it. */
	char *home = get("/", 200);
	assert_non_null(strstr(home, "href=\"/rejestr\""));
	assert_non_null(strstr(home, "href=\"/jak-uzyskac-informacje\""));
	assert_non_null(strstr(home, "href=\"/wniosek\""));
	free(home);
	/* Unknown items are 404 and are not counted. */
	free(get("/rejestr/NIE.1431.1.2026", 404));
	assert_int_equal(u_count("SELECT count(*) FROM page_visits WHERE path LIKE '%NIE.%'"), 0);
}

static void test_feeds_and_exports(void **state)
{
	struct hresp r;
	h_get("/rejestr.atom", &r);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(h_header(&r, "Content-Type"), "application/atom+xml"));
	assert_non_null(strstr(r.body, "<feed xmlns=\"http://www.w3.org/2005/Atom\""));
	assert_non_null(strstr(r.body, "<id>tag:"));
	assert_non_null(strstr(r.body, "<updated>"));
	/* A browser shows it through the stylesheet it names, which is served
	 * as XSLT (the site sends nosniff, so the type must be right). */
	const char *pi = strstr(r.body, "<?xml-stylesheet type=\"text/xsl\" href=\"/static/feed.xsl");
	assert_non_null(pi);
	assert_true(pi < strstr(r.body, "<feed "));
	char *reader_body = strdup(r.body);
	const char *reader_etag = h_header(&r, "ETag");
	char *etag = strdup(reader_etag ? reader_etag : "");
	assert_string_equal(h_header(&r, "Vary"), "Accept");
	h_free(&r);
	/* A browser asks for HTML: the same document as application/xml, which
	 * browsers do run the stylesheet on (Chromium shows atom+xml as text),
	 * under a tag of its own; a feed reader still gets Atom. */
	const char *browser[] = {"Accept: text/html,application/xhtml+xml,application/xml;q=0.9,"
	                         "*/*;q=0.8",
	                         NULL};
	for (int twice = 0; twice < 2; twice++) { /* made, then from the kept copy */
		h_request("GET", "/rejestr.atom", browser, NULL, 0, &r);
		assert_int_equal(r.status, 200);
		assert_string_equal(h_header(&r, "Content-Type"), "application/xml; charset=utf-8");
		assert_string_equal(h_header(&r, "Vary"), "Accept");
		assert_string_equal(r.body, reader_body);
		assert_string_not_equal(h_header(&r, "ETag"), etag);
		h_free(&r);
	}
	const char *reader[] = {"Accept: application/atom+xml,application/rss+xml,"
	                        "application/xml;q=0.9,text/xml;q=0.2,*/*;q=0.1",
	                        NULL};
	h_request("GET", "/rejestr.atom", reader, NULL, 0, &r);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(h_header(&r, "Content-Type"), "application/atom+xml"));
	assert_string_equal(h_header(&r, "ETag"), etag);
	h_free(&r);
	free(reader_body);
	free(etag);
	h_get("/static/feed.xsl", &r);
	assert_int_equal(r.status, 200);
	assert_string_equal(h_header(&r, "Content-Type"), "text/xsl; charset=utf-8");
	assert_non_null(strstr(r.body, "<xsl:stylesheet version=\"1.0\""));
	h_free(&r);
	h_get("/rejestr.csv", &r);
	assert_int_equal(r.status, 200);
	assert_string_equal(h_header(&r, "Content-Type"),
	                    "text/csv; charset=utf-8; header=present");
	assert_true(!strncmp(r.body, "case_number,url,received_on,", 28));
	assert_non_null(strstr(r.body, "\r\n"));
	long crlf = 0;
	for (const char *p = r.body; (p = strstr(p, "\r\n")); p += 2)
		crlf++;
	h_free(&r);
	h_get("/rejestr.json", &r);
	assert_int_equal(r.status, 200);
	json_t *j = u_json(&r);
	json_t *items = json_object_get(j, "items");
	assert_true(json_is_array(items));
	/* One CSV record per item (no answer here spans lines), plus the header. */
	assert_int_equal(crlf, (long)json_array_size(items) + 1);
	json_t *first = json_array_get(items, 0);
	assert_non_null(u_str(first, "case_number"));
	assert_non_null(strstr(u_str(first, "url"), "/rejestr/"));
	json_decref(j);
	h_free(&r);
	h_get("/sitemap.xml", &r);
	assert_int_equal(r.status, 200);
	assert_non_null(
	    strstr(r.body, "<sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">"));
	assert_non_null(strstr(r.body, "/sitemap.xml?czesc=1</loc>"));
	h_free(&r);
	h_get("/sitemap.xml?czesc=1", &r);
	assert_int_equal(r.status, 200);
	assert_non_null(
	    strstr(r.body, "<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">"));
	assert_non_null(strstr(r.body, "/jak-uzyskac-informacje</loc>"));
	assert_non_null(strstr(r.body, "/rejestr/COMON."));
	h_free(&r);
	char *stats = get("/rejestr/statystyki", 200);
	assert_non_null(strstr(stats, "Zakończone w terminie"));
	assert_non_null(strstr(stats, "udostępniono"));
	free(stats);
}

/* OWASP "CSV Injection": a subject that starts like a formula is a text cell
 * in the CSV export (a single quote in front, in double quotes), while the
 * JSON export keeps the exact text. */
static void test_csv_export_does_not_let_a_subject_become_a_formula(void **state)
{
	char number[64], version[16];
	file_private("Zapytanie", number);
	const char *subject = "=HYPERLINK(\"https://zly.example/\",\"Szczypiorek\")";
	publish(request_id(number), subject, "Odpowiedź.", NULL, version);
	struct hresp r;
	h_get("/rejestr.csv?q=szczypiorek", &r);
	assert_int_equal(r.status, 200);
	const char *line = strstr(r.body, number);
	assert_non_null(line);
	assert_non_null(strstr(line, ",\"'=HYPERLINK(\"\"https://zly.example/\"\",\"\"Szczypiorek\"\")\","));
	assert_null(strstr(r.body, ",=HYPERLINK"));
	h_free(&r);
	h_get("/rejestr.json?q=szczypiorek", &r);
	assert_int_equal(r.status, 200);
	json_t *j = u_json(&r);
	json_t *item = json_array_get(json_object_get(j, "items"), 0);
	assert_string_equal(u_str(item, "case_number"), number);
	assert_string_equal(u_str(item, "subject"), subject);
	json_decref(j);
	h_free(&r);
}

static void test_published_documents_download_and_others_do_not(void **state)
{
	char number[64], version[16];
	file_private("Protokoły kontroli", number);
	long long id = request_id(number);
	/* Two issued documents (the letters module would have written them). */
	char sql[1024];
	snprintf(sql, sizeof sql,
	         "INSERT INTO documents (org_id, request_id, seq, type, title, status, pdf, "
	         "sha256, issued_at) "
	         "SELECT org_id, id, s, 'information_release', 'Pismo ' || s, 'issued', "
	         "convert_to('%%PDF-1.4 test ' || s, 'UTF8'), sha256(convert_to('%%PDF-1.4 test ' "
	         "|| s, 'UTF8')), now() "
	         "FROM requests, generate_series(101, 102) s WHERE id = %lld; "
	         /* Their public copies, as issuing writes them (no 102: never
	          * listed nor served). */
	         "INSERT INTO document_public_copies (document_id, org_id, markdown, pdf, sha256) "
	         "SELECT id, org_id, '', convert_to('%%PDF-1.4 public ' || seq, 'UTF8'), "
	         "sha256(convert_to('%%PDF-1.4 public ' || seq, 'UTF8')) FROM documents "
	         "WHERE request_id = %lld AND seq = 101",
	         id, id);
	PGconn *c = h_db();
	PGresult *res = PQexec(c, sql);
	if (PQresultStatus(res) != PGRES_COMMAND_OK)
		fprintf(stderr, "%s", PQerrorMessage(c));
	assert_int_equal(PQresultStatus(res), PGRES_COMMAND_OK);
	PQclear(res);
	PQfinish(c);
	publish(id, NULL, NULL, "&doc=101", version);
	char path[160];
	snprintf(path, sizeof path, "/rejestr/%s", number);
	char *p = get(path, 200);
	char link[200];
	snprintf(link, sizeof link, "href=\"/rejestr/%s/dokument/101\"", number);
	assert_non_null(strstr(p, link));
	assert_null(strstr(p, "Pismo 102"));
	free(p);
	struct hresp r;
	snprintf(path, sizeof path, "/rejestr/%s/dokument/101", number);
	h_get(path, &r);
	assert_int_equal(r.status, 200);
	assert_string_equal(h_header(&r, "Content-Type"), "application/pdf");
	/* The public copy, never the issued PDF. */
	assert_true(r.len == strlen("%PDF-1.4 public 101") &&
	            !memcmp(r.body, "%PDF-1.4 public 101", r.len));
	h_free(&r);
	snprintf(path, sizeof path, "/rejestr/%s/dokument/102", number);
	free(get(path, 404));
	/* A document of another case cannot be picked. */
	snprintf(path, sizeof path, "/panel/sprawy/%lld/publikacja", id);
	char *page = publication_page(id, 200);
	char *fields = u_publication_fields(page, "preview", NULL, NULL, "&doc=999");
	u_staff_post(&clerk, path, fields, &r);
	assert_int_equal(r.status, 422);
	assert_non_null(strstr(r.body, "tylko wystawione pisma tej sprawy"));
	h_free(&r);
	free(fields);
	free(page);
}

/* ---- The privacy crawl ---------------------------------------------------------- */

struct crawl {
	char **paths;
	size_t n, cap;
};

static bool crawl_has(const struct crawl *cr, const char *p)
{
	for (size_t i = 0; i < cr->n; i++)
		if (!strcmp(cr->paths[i], p))
			return true;
	return false;
}

static void crawl_add(struct crawl *cr, const char *p, size_t len)
{
	char path[600];
	if (len >= sizeof path)
		return;
	memcpy(path, p, len);
	path[len] = '\0';
	char *u = u_unescape(path);
	char *hash = strchr(u, '#');
	if (hash)
		*hash = '\0';
	/* The public site only: not staff pages, not a citizen's private links. */
	bool skip = u[0] != '/' || !strncmp(u, "/panel", 6) || !strncmp(u, "/sprawa/", 8) ||
	            !strncmp(u, "/static/", 8) || !strncmp(u, "/api/", 5) || crawl_has(cr, u);
	if (skip) {
		free(u);
		return;
	}
	if (cr->n == cr->cap) {
		cr->cap = cr->cap ? cr->cap * 2 : 64;
		cr->paths = realloc(cr->paths, cr->cap * sizeof *cr->paths);
	}
	cr->paths[cr->n++] = u;
}

/* Links of a page or feed: href="..." and absolute URLs of this server. */
static void crawl_links(struct crawl *cr, const char *body, const char *base)
{
	for (const char *p = body; (p = strstr(p, "href=\"")) != NULL;) {
		p += 6;
		const char *end = strchr(p, '"');
		if (!end)
			break;
		if (!strncmp(p, base, strlen(base)))
			crawl_add(cr, p + strlen(base), (size_t)(end - p) - strlen(base));
		else
			crawl_add(cr, p, (size_t)(end - p));
		p = end;
	}
	for (const char *p = body; (p = strstr(p, base)) != NULL;) {
		p += strlen(base);
		size_t n = strcspn(p, "<\"\r\n,");
		crawl_add(cr, p, n);
		p += n;
	}
}

static void test_privacy_crawl_finds_no_requester_data(void **state)
{
	/* Cases with the distinctive data, published through the clerk's page:
	 * one with two versions, one with a document, one withdrawn. */
	char a[64], b[64], c[64], version[16];
	file_private("Remont sali konferencyjnej", a);
	publish(request_id(a), NULL, NULL, NULL, version);
	publish(request_id(a), "Remont sali konferencyjnej i holu", NULL, NULL, version);
	file_private("Zakup mebli", b);
	publish(request_id(b), NULL, NULL, "&name_public=1", version);
	file_private("Umowa na sprzątanie", c);
	publish(request_id(c), NULL, NULL, NULL, version);
	char path[96], fields[96];
	char *page = publication_page(request_id(c), 200);
	char *vid = u_input(page, "version_id");
	snprintf(path, sizeof path, "/panel/sprawy/%lld/publikacja", request_id(c));
	snprintf(fields, sizeof fields, "action=withdraw&version_id=%s", vid);
	struct hresp r;
	u_staff_post(&clerk, path, fields, &r);
	assert_int_equal(r.status, 303);
	h_free(&r);
	free(vid);
	free(page);
	char base[64];
	snprintf(base, sizeof base, "http://127.0.0.1:%u", h_port());
	struct crawl cr = {0};
	static const char *const start[] = {"/",
	                                    "/rejestr",
	                                    "/rejestr.atom",
	                                    "/rejestr.csv",
	                                    "/rejestr.json",
	                                    "/sitemap.xml",
	                                    "/rejestr/statystyki",
	                                    "/jak-uzyskac-informacje"};
	for (size_t i = 0; i < sizeof start / sizeof start[0]; i++)
		crawl_add(&cr, start[i], strlen(start[i]));
	/* Every version page of every item, listed or not. */
	PGconn *db = h_db();
	PGresult *res = PQexec(
	    db, "SELECT '/rejestr/' || p.case_number || '/wersja/' || v.version "
	        "FROM publication_versions v JOIN publications p ON p.id = v.publication_id");
	for (int i = 0; i < PQntuples(res); i++)
		crawl_add(&cr, PQgetvalue(res, i, 0), strlen(PQgetvalue(res, i, 0)));
	PQclear(res);
	PQfinish(db);
	size_t fetched = 0;
	bool saw[3] = {false};
	for (size_t i = 0; i < cr.n && fetched < 3000; i++) {
		h_get(cr.paths[i], &r);
		fetched++;
		if (r.status != 200) {
			h_free(&r);
			continue;
		}
		/* Document downloads are binary: look at their bytes too. */
		char *text = malloc(r.len + 1);
		memcpy(text, r.body, r.len);
		text[r.len] = '\0';
		for (size_t k = 0; k < r.len; k++)
			if (!text[k])
				text[k] = ' ';
		assert_no_secret(cr.paths[i], text);
		const char *nums[] = {a, b, c};
		for (int k = 0; k < 3; k++)
			if (strstr(text, nums[k]))
				saw[k] = true;
		crawl_links(&cr, text, base);
		free(text);
		h_free(&r);
	}
	fprintf(stderr, "privacy crawl: %zu public addresses fetched, none shows the requester\n",
	        fetched);
	assert_true(fetched >= 30);
	assert_true(saw[0] && saw[1] && saw[2]); /* the crawl did reach the seeded cases */
	for (size_t i = 0; i < cr.n; i++)
		free(cr.paths[i]);
	free(cr.paths);
}

/* ---- Expensive anonymous pages ------------------------------------------------- */

#define HITS "jawnosc_page_cache_lookups_total{result=\"hit\"}"

static void wait_cache_on(unsigned port)
{
	for (int i = 0; i < 100 && h_metric(port, "jawnosc_page_cache_on") != 1; i++)
		usleep(100 * 1000);
	assert_true(h_metric(port, "jawnosc_page_cache_on") == 1);
}

/* GET `path` on `port` as the client `addr` (X-Forwarded-For, believed
 * from loopback with JAWNOSC_TRUSTED_PROXY=127.0.0.1). */
static void get_as(unsigned port, const char *addr, const char *path, struct hresp *r)
{
	char xff[80];
	snprintf(xff, sizeof xff, "X-Forwarded-For: %s", addr);
	const char *hdr[] = {xff, NULL};
	h_request_port(port, "GET", path, hdr, NULL, 0, r);
}

/* Two register pages are the same but for their visit counts. */
static bool same_page(const struct hresp *a, const struct hresp *b)
{
	static const char mark[] = "Liczba odwiedzin</dt><dd>";
	const char *va = strstr(a->body, mark), *vb = strstr(b->body, mark);
	if (!va || !vb || va - a->body != vb - b->body || memcmp(a->body, b->body, (size_t)(va - a->body)))
		return false;
	va += strlen(mark);
	vb += strlen(mark);
	while (*va >= '0' && *va <= '9')
		va++;
	while (*vb >= '0' && *vb <= '9')
		vb++;
	return !strcmp(va, vb);
}

static long occurrences(const char *s, const char *what)
{
	long n = 0;
	for (const char *p = s; (p = strstr(p, what)); p += strlen(what))
		n++;
	return n;
}

static void test_search_too_long_or_with_too_many_words_is_refused_in_polish(void **state)
{
	char q[202], path[2048];
	memset(q, 'a', 201);
	q[201] = '\0';
	/* 201 characters: 422, the reason at the search box, the text kept. */
	snprintf(path, sizeof path, "/rejestr?q=%s", q);
	char *b = get(path, 422);
	assert_non_null(strstr(b, "Szukany tekst może mieć najwyżej 200 znaków (wpisano 201)"));
	assert_non_null(strstr(b, "aria-invalid=\"true\""));
	char value[256];
	snprintf(value, sizeof value, "value=\"%s\"", q);
	assert_non_null(strstr(b, value));
	free(b);
	/* Characters, not bytes: 200 Polish letters (400 bytes) are a search. */
	strcpy(path, "/rejestr?q=");
	for (int i = 0; i < 200; i++)
		strcat(path, "%C5%BC");
	b = get(path, 200);
	free(b);
	/* Nine words: 422; eight: a search. */
	b = get("/rejestr?q=jeden+dwa+trzy+cztery+pi%C4%99%C4%87+sze%C5%9B%C4%87+siedem+osiem+"
	        "dziewi%C4%99%C4%87",
	        422);
	assert_non_null(strstr(b, "Wpisz najwyżej 8 słów (wpisano 9)"));
	assert_non_null(strstr(b, "value=\"jeden dwa trzy cztery pięć sześć siedem osiem dziewięć\""));
	free(b);
	b = get("/rejestr?q=jeden+dwa+trzy+cztery+pi%C4%99%C4%87+sze%C5%9B%C4%87+siedem+osiem", 200);
	free(b);
	/* The exports take the same filter: 422 too, a problem document for JSON. */
	struct hresp r;
	snprintf(path, sizeof path, "/rejestr.json?q=%s", q);
	h_get(path, &r);
	assert_int_equal(r.status, 422);
	assert_non_null(strstr(h_header(&r, "Content-Type"), "application/problem+json"));
	assert_non_null(strstr(r.body, "najwyżej 200 znaków"));
	h_free(&r);
	snprintf(path, sizeof path, "/rejestr.csv?q=%s", q);
	h_get(path, &r);
	assert_int_equal(r.status, 422);
	assert_non_null(strstr(r.body, "najwyżej 200 znaków"));
	h_free(&r);
}

static void test_search_for_like_metacharacters_finds_only_that_text(void **state)
{
	char a[64], b[64], version[16];
	file_private("Wskaźnik wykonania", a);
	publish(request_id(a), "Wskaźnik %_% wykonania planu", NULL, NULL, version);
	file_private("Wskaźnik wykonania", b);
	publish(request_id(b), "Wskaźnik 100 wykonania planu", NULL, NULL, version);
	/* "%_%" is those three characters, not "anything". */
	char *page = get("/rejestr?q=%25_%25", 200);
	assert_non_null(strstr(page, a));
	assert_null(strstr(page, b));
	assert_non_null(strstr(page, "szukamy go dosłownie"));
	free(page);
	/* "_" alone is an underscore, not any one character. */
	page = get("/rejestr?q=_", 200);
	assert_non_null(strstr(page, a));
	assert_null(strstr(page, b));
	free(page);
	page = get("/rejestr?q=%5C", 200);
	assert_null(strstr(page, a));
	assert_null(strstr(page, b));
	free(page);
	/* The pathological search of the report: "%_" to 200 characters, one
	 * word, finds nothing and is not an error. */
	char path[700] = "/rejestr?q=";
	for (int i = 0; i < 100; i++)
		strcat(path, "%25_");
	page = get(path, 200);
	assert_null(strstr(page, a));
	free(page);
}

static void test_searches_and_exports_not_kept_are_limited_per_address(void **state)
{
	/* A clock frozen in one window (of 60 s, from 10:00:00): the count
	 * and Retry-After do not depend on when the test runs. */
	static const char *env[] = {"JAWNOSC_TRUSTED_PROXY=127.0.0.1", "JAWNOSC_SEARCH_RATE=5",
	                            "JAWNOSC_FAKE_NOW=2090-03-06T10:00:10Z", NULL};
	unsigned port = 0;
	pid_t other = h_server_start_other(env, &port);
	wait_cache_on(port);
	struct hresp r;
	char path[64];
	for (int i = 1; i <= 5; i++) {
		snprintf(path, sizeof path, "/rejestr?q=limit%d", i);
		get_as(port, "10.9.0.1", path, &r);
		assert_int_equal(r.status, 200);
		h_free(&r);
	}
	get_as(port, "10.9.0.1", "/rejestr?q=limit6", &r);
	assert_int_equal(r.status, 429);
	assert_non_null(h_header(&r, "Retry-After"));
	assert_string_equal(h_header(&r, "Retry-After"), "50");
	assert_non_null(strstr(r.body, "zbyt wiele wyszukiwań lub pobrań rejestru"));
	h_free(&r);
	/* An export not kept counts as well. */
	get_as(port, "10.9.0.1", "/rejestr.csv?rok=2031", &r);
	assert_int_equal(r.status, 429);
	h_free(&r);
	/* Another address is not limited. */
	get_as(port, "10.9.0.2", "/rejestr?q=limit6", &r);
	assert_int_equal(r.status, 200);
	h_free(&r);
	/* A page kept in memory costs nothing: the limited address gets it,
	 * and the register without a search is never limited. */
	double hits = h_metric(port, HITS);
	get_as(port, "10.9.0.1", "/rejestr?q=limit1", &r);
	assert_int_equal(r.status, 200);
	h_free(&r);
	assert_true(h_metric(port, HITS) >= hits + 1);
	get_as(port, "10.9.0.1", "/rejestr?rok=2031", &r);
	assert_int_equal(r.status, 200);
	h_free(&r);
	assert_int_equal(h_server_stop_other(other), 0);
}

static void test_unknown_parameters_are_answered_from_the_kept_page(void **state)
{
	wait_cache_on(h_port());
	struct hresp a, b;
	h_get("/rejestr", &a);
	assert_int_equal(a.status, 200);
	h_free(&a);
	h_get("/rejestr", &a);
	double hits = h_metric(h_port(), HITS);
	h_get("/rejestr?x=junk&utm_source=abc&rok=abc&q=", &b);
	assert_int_equal(b.status, 200);
	assert_true(h_metric(h_port(), HITS) >= hits + 1);
	assert_true(same_page(&a, &b));
	char etag[128];
	snprintf(etag, sizeof etag, "%s", h_header(&a, "ETag"));
	assert_string_equal(h_header(&b, "ETag"), etag);
	h_free(&a);
	h_free(&b);
	/* Known parameters in another order, or with unknown ones beside them. */
	h_get("/rejestr?rok=2026&rodzaj=reuse", &a);
	hits = h_metric(h_port(), HITS);
	h_get("/rejestr?rodzaj=reuse&junk=1&rok=2026", &b);
	assert_true(h_metric(h_port(), HITS) >= hits + 1);
	assert_true(same_page(&a, &b));
	h_free(&a);
	h_free(&b);
}

static void test_sitemap_is_an_index_of_parts_with_etags(void **state)
{
	long n = u_count("SELECT count(*) FROM publications WHERE NOT withdrawn "
	                 "AND org_id = (SELECT min(id) FROM organisations)");
	assert_true(n >= 6);
	/* The default part holds 10,000 addresses: one part here. */
	char *idx = get("/sitemap.xml", 200);
	assert_non_null(strstr(idx, "<sitemapindex"));
	assert_non_null(strstr(idx, "/sitemap.xml?czesc=1</loc>"));
	assert_null(strstr(idx, "czesc=2"));
	free(idx);
	static const char *env[] = {"JAWNOSC_SITEMAP_URLS=10", NULL};
	unsigned port = 0;
	pid_t other = h_server_start_other(env, &port);
	wait_cache_on(port);
	struct hresp r;
	h_request_port(port, "GET", "/sitemap.xml", NULL, NULL, 0, &r);
	assert_int_equal(r.status, 200);
	long parts = (5 + n + 9) / 10;
	assert_int_equal(occurrences(r.body, "<sitemap>"), parts);
	char etag[160];
	snprintf(etag, sizeof etag, "If-None-Match: %s", h_header(&r, "ETag"));
	h_free(&r);
	const char *inm[] = {etag, NULL};
	h_request_port(port, "GET", "/sitemap.xml", inm, NULL, 0, &r);
	assert_int_equal(r.status, 304);
	h_free(&r);
	long urls = 0;
	for (long k = 1; k <= parts; k++) {
		char path[64];
		snprintf(path, sizeof path, "/sitemap.xml?czesc=%ld", k);
		h_request_port(port, "GET", path, NULL, NULL, 0, &r);
		assert_int_equal(r.status, 200);
		assert_non_null(strstr(r.body, "<urlset"));
		long here = occurrences(r.body, "<url>");
		assert_true(here >= 1 && here <= 10);
		urls += here;
		if (k == 1)
			assert_non_null(strstr(r.body, "/jak-uzyskac-informacje</loc>"));
		snprintf(etag, sizeof etag, "If-None-Match: %s", h_header(&r, "ETag"));
		h_free(&r);
		/* Again: from memory, and 304 for a current copy. */
		double hits = h_metric(port, HITS);
		h_request_port(port, "GET", path, inm, NULL, 0, &r);
		assert_int_equal(r.status, 304);
		h_free(&r);
		assert_true(h_metric(port, HITS) >= hits + 1);
	}
	assert_int_equal(urls, 5 + n);
	static const char *const bad[] = {"?czesc=0", "?czesc=01", "?czesc=abc", "?czesc=-1",
	                                   "?czesc=999999999999"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		char path[64];
		snprintf(path, sizeof path, "/sitemap.xml%s", bad[i]);
		h_request_port(port, "GET", path, NULL, NULL, 0, &r);
		assert_int_equal(r.status, 404);
		h_free(&r);
	}
	char past[64];
	snprintf(past, sizeof past, "/sitemap.xml?czesc=%ld", parts + 1);
	h_request_port(port, "GET", past, NULL, NULL, 0, &r);
	assert_int_equal(r.status, 404);
	h_free(&r);
	assert_int_equal(h_server_stop_other(other), 0);
}

static void test_exports_are_kept_until_a_publication(void **state)
{
	wait_cache_on(h_port());
	static const char *const paths[] = {"/rejestr.json", "/rejestr.csv"};
	for (size_t i = 0; i < 2; i++) {
		struct hresp a, b;
		h_get(paths[i], &a);
		assert_int_equal(a.status, 200);
		double hits = h_metric(h_port(), HITS);
		h_get(paths[i], &b);
		assert_int_equal(b.status, 200);
		assert_true(h_metric(h_port(), HITS) >= hits + 1);
		assert_int_equal(a.len, b.len);
		assert_memory_equal(a.body, b.body, a.len);
		assert_string_equal(h_header(&b, "Content-Type"), i ? "text/csv; charset=utf-8; header=present"
		                                                    : "application/json");
		if (i)
			assert_non_null(h_header(&b, "Content-Disposition"));
		char inm[160];
		snprintf(inm, sizeof inm, "If-None-Match: %s", h_header(&a, "ETag"));
		const char *hdr[] = {inm, NULL};
		h_free(&b);
		h_request("GET", paths[i], hdr, NULL, 0, &b);
		assert_int_equal(b.status, 304);
		h_free(&a);
		h_free(&b);
	}
	/* A publication: the next export has it. */
	char number[64], version[16];
	file_private("Eksport po publikacji", number);
	publish(request_id(number), "Eksport po publikacji", NULL, NULL, version);
	for (size_t i = 0; i < 2; i++) {
		char *body = get(paths[i], 200);
		assert_non_null(strstr(body, number));
		free(body);
	}
}


/* ---- The item's page in one statement, kept compressed ------------------------ */

/* Issued documents 101 and 102 of case `id`, each with its public copy
 * (as the letters module writes them). */
static void issue_two_documents(long long id)
{
	char sql[1024];
	snprintf(sql, sizeof sql,
	         "INSERT INTO documents (org_id, request_id, seq, type, title, status, pdf, "
	         "sha256, issued_at) "
	         "SELECT org_id, id, s, 'information_release', 'Pismo ' || s, 'issued', "
	         "convert_to('%%PDF-1.4 test ' || s, 'UTF8'), sha256(convert_to('%%PDF-1.4 test ' "
	         "|| s, 'UTF8')), now() "
	         "FROM requests, generate_series(101, 102) s WHERE id = %lld; "
	         "INSERT INTO document_public_copies (document_id, org_id, markdown, pdf, sha256) "
	         "SELECT id, org_id, '', convert_to('%%PDF-1.4 public ' || seq, 'UTF8'), "
	         "sha256(convert_to('%%PDF-1.4 public ' || seq, 'UTF8')) FROM documents "
	         "WHERE request_id = %lld",
	         id, id);
	h_sql(sql);
}

/* `what` occurs in `s` after `after` (which must occur); returns where. */
static const char *after_in(const char *s, const char *after, const char *what)
{
	const char *a = strstr(s, after);
	if (!a)
		fprintf(stderr, "missing: %s\n", after);
	assert_non_null(a);
	const char *w = strstr(a + strlen(after), what);
	if (!w)
		fprintf(stderr, "missing after \"%s\": %s\n", after, what);
	assert_non_null(w);
	return w;
}

static void test_item_page_shows_its_documents_terms_steps_and_every_version(void **state)
{
	char number[64], version[16], path[160], s[400];
	file_private("Koszty utrzymania zieleni miejskiej", number);
	long long id = request_id(number);
	issue_two_documents(id);
	publish(id, NULL, "Pierwsza odpowiedź w sprawie zieleni.", "&doc=101", version);
	assert_string_equal(version, "1.0");
	publish(id, "Koszty utrzymania zieleni i parków", "Druga odpowiedź.", "&doc=101&doc=102",
	        version);
	publish(id, "Koszty utrzymania zieleni i parków w 2026 r.", "Trzecia odpowiedź.",
	        "&doc=101&doc=102", version);
	assert_string_equal(version, "1.2");
	snprintf(path, sizeof path, "/rejestr/%s", number);
	char *p = get(path, 200);
	/* The facts and the answer of the version shown. */
	after_in(p, "<h1 id=\"item-title\">", "Koszty utrzymania zieleni i parków w 2026 r.</h1>");
	snprintf(s, sizeof s, "<dt>Znak sprawy</dt><dd>%s</dd>", number);
	assert_non_null(strstr(p, s));
	after_in(p, "<dt>Rodzaj wniosku</dt>", "<dd>informacja publiczna</dd>");
	after_in(p, "<dt>Stan sprawy</dt>", "<dd>udostępniono</dd>");
	after_in(p, "<h2>Odpowiedź</h2>", "<div class=\"answer\">Trzecia odpowiedź.</div>");
	/* Both documents, each with its link, in their order. */
	snprintf(s, sizeof s, "<li><a href=\"/rejestr/%s/dokument/101\">Pismo 101 (PDF)</a>, "
	         "wystawiono 20", number);
	const char *d1 = after_in(p, "<h2>Dokumenty</h2>", s);
	snprintf(s, sizeof s, "<li><a href=\"/rejestr/%s/dokument/102\">Pismo 102 (PDF)</a>, "
	         "wystawiono 20", number);
	after_in(d1, "Pismo 101", s);
	/* The body's terms with whether each was kept. */
	const char *t = after_in(p, "<h2>Terminy</h2>", "<td>termin załatwienia wniosku</td>"
	                                                "<td data-label=\"Podstawa prawna\">UDIP "
	                                                "art. 13 ust. 1</td>");
	after_in(t, "<td data-label=\"Czy dotrzymany\">", "dotrzymany (20");
	/* The public steps, oldest first; the assignment is internal. */
	const char *st = after_in(p, "<ol class=\"timeline\">", "— rejestracja wniosku (stan: przyjęty)");
	after_in(st, "rejestracja wniosku", "— udostępnienie informacji (stan: udostępniono)");
	assert_null(strstr(p, "przydzielenie"));
	/* The change register, newest first: the shown version without a
	 * link, the earlier ones at their addresses. */
	const char *reg = after_in(p, "<caption>Rejestr zmian</caption>", "<tr class=\"shown\"><td>");
	after_in(reg, "<tr class=\"shown\"><td>", "</td><td data-label=\"Wersja\">1.2</td>");
	snprintf(s, sizeof s, "<td><a href=\"/rejestr/%s/wersja/1.1\">", number);
	const char *v11 = after_in(reg, ">1.2</td>", s);
	snprintf(s, sizeof s, "<td><a href=\"/rejestr/%s/wersja/1.0\">", number);
	after_in(v11, ">1.1</td>", s);
	/* The publication's metadata: the body, who entered it, the first
	 * publication and the last change. */
	after_in(p, "Podmiot udostępniający</dt>", "<dd>Ministerstwo Obrony Narodowej</dd>");
	snprintf(s, sizeof s, "Wprowadzający</dt><dd>%s</dd>", CLERK_NAME);
	assert_non_null(strstr(p, s));
	after_in(p, "Pierwsza publikacja</dt><dd>", CLERK_NAME);
	after_in(p, "Ostatnia zmiana</dt><dd>", CLERK_NAME);
	after_in(p, "Liczba odwiedzin</dt><dd>", "</dd>");
	free(p);
	/* Version 1.0 shows what it published then: one document, listed
	 * but not downloadable from an old version. */
	snprintf(path, sizeof path, "/rejestr/%s/wersja/1.0", number);
	p = get(path, 200);
	assert_non_null(strstr(p, "Wersja archiwalna 1.0"));
	after_in(p, "<h1 id=\"item-title\">", "Koszty utrzymania zieleni miejskiej</h1>");
	after_in(p, "<h2>Dokumenty</h2>", "<li>Pismo 101, wystawiono 20");
	assert_null(strstr(p, "Pismo 102"));
	assert_null(strstr(p, "/dokument/101\""));
	after_in(p, "<div class=\"answer\">", "Pierwsza odpowiedź w sprawie zieleni.");
	snprintf(s, sizeof s, "<td><a href=\"/rejestr/%s/wersja/1.2\">", number);
	assert_non_null(strstr(p, s));
	after_in(p, "<tr class=\"shown\"><td>", "</td><td data-label=\"Wersja\">1.0</td>");
	free(p);
}

/* What any gzip reader makes of a response body. */
static char *gunzip_body(const struct hresp *r)
{
	z_stream z = {0};
	assert_int_equal(inflateInit2(&z, 16 + MAX_WBITS), Z_OK);
	size_t cap = 1 << 22;
	char *out = malloc(cap + 1);
	z.next_in = (Bytef *)r->body;
	z.avail_in = (uInt)r->len;
	z.next_out = (Bytef *)out;
	z.avail_out = (uInt)cap;
	assert_int_equal(inflate(&z, Z_FINISH), Z_STREAM_END);
	assert_int_equal(z.avail_in, 0);
	out[cap - z.avail_out] = '\0';
	inflateEnd(&z);
	return out;
}

/* `r` as a page: its body, or the body gunzipped when it says gzip. */
static struct hresp plain_of(const struct hresp *r)
{
	struct hresp p = *r;
	const char *ce = h_header(r, "Content-Encoding");
	if (ce && !strcmp(ce, "gzip")) {
		p.body = gunzip_body(r);
		p.len = strlen(p.body);
	}
	return p;
}

static void get_coded(const char *method, const char *path, const char *inm, bool gzip,
                      struct hresp *r)
{
	char h[200];
	snprintf(h, sizeof h, "If-None-Match: %s", inm ? inm : "");
	const char *hdr[3] = {NULL, NULL, NULL};
	int n = 0;
	if (gzip)
		hdr[n++] = "Accept-Encoding: gzip, deflate, br";
	if (inm)
		hdr[n++] = h;
	h_request(method, path, hdr, NULL, 0, r);
}

static bool is_gzip(const struct hresp *r)
{
	const char *ce = h_header(r, "Content-Encoding");
	return ce && !strcmp(ce, "gzip");
}

static bool varies_on_encoding(const struct hresp *r)
{
	const char *v = h_header(r, "Vary");
	return v && strstr(v, "Accept-Encoding");
}

static void test_item_page_is_kept_and_sent_gzip_to_a_client_that_takes_it(void **state)
{
	wait_cache_on(h_port());
	char number[64], version[16], path[160], etag[128], gz_etag[128];
	file_private("Koszty oświetlenia ulic", number);
	publish(request_id(number), NULL, "Odpowiedź o oświetleniu.", NULL, version);
	snprintf(path, sizeof path, "/rejestr/%s", number);
	/* Drawn from the database for a browser: gzip, and kept. */
	struct hresp first, r, plain;
	get_coded("GET", path, NULL, true, &first);
	assert_int_equal(first.status, 200);
	assert_true(is_gzip(&first));
	assert_true(varies_on_encoding(&first));
	snprintf(gz_etag, sizeof gz_etag, "%s", h_header(&first, "ETag"));
	struct hresp fp = plain_of(&first);
	assert_true(fp.len < 64 * 1024);
	assert_true(first.len * 2 < fp.len);
	assert_non_null(strstr(fp.body, "Koszty oświetlenia ulic"));
	/* A client that takes no gzip gets the plain page from the copy: the
	 * same page, its own tag. */
	double hits = h_metric(h_port(), HITS);
	get_coded("GET", path, NULL, false, &plain);
	assert_int_equal(plain.status, 200);
	assert_null(h_header(&plain, "Content-Encoding"));
	assert_true(varies_on_encoding(&plain));
	assert_true(h_metric(h_port(), HITS) >= hits + 1);
	assert_true(same_page(&fp, &plain));
	snprintf(etag, sizeof etag, "%s", h_header(&plain, "ETag"));
	assert_string_not_equal(etag, gz_etag);
	/* From the copy to a browser: gzip again, byte for byte the page the
	 * other client got (but for the count), the count one more. */
	get_coded("GET", path, NULL, true, &r);
	assert_true(is_gzip(&r));
	assert_string_equal(h_header(&r, "ETag"), gz_etag);
	struct hresp rp = plain_of(&r);
	assert_true(same_page(&rp, &plain));
	const char *c1 = strstr(plain.body, "Liczba odwiedzin</dt><dd>");
	const char *c2 = strstr(rp.body, "Liczba odwiedzin</dt><dd>");
	assert_int_equal(atol(c2 + 25), atol(c1 + 25) + 1);
	free(rp.body);
	h_free(&r);
	/* Each client's tag answers 304 to that client only. */
	get_coded("GET", path, gz_etag, true, &r);
	assert_int_equal(r.status, 304);
	assert_int_equal(r.len, 0);
	assert_string_equal(h_header(&r, "ETag"), gz_etag);
	assert_true(varies_on_encoding(&r));
	h_free(&r);
	get_coded("GET", path, etag, false, &r);
	assert_int_equal(r.status, 304);
	assert_string_equal(h_header(&r, "ETag"), etag);
	h_free(&r);
	get_coded("GET", path, gz_etag, false, &r);
	assert_int_equal(r.status, 200);
	assert_null(h_header(&r, "Content-Encoding"));
	h_free(&r);
	get_coded("GET", path, etag, true, &r);
	assert_int_equal(r.status, 200);
	assert_true(is_gzip(&r));
	h_free(&r);
	/* HEAD: the headers of the GET, each client its own. */
	get_coded("HEAD", path, NULL, true, &r);
	assert_int_equal(r.status, 200);
	assert_true(is_gzip(&r));
	assert_string_equal(h_header(&r, "ETag"), gz_etag);
	assert_true(varies_on_encoding(&r));
	h_free(&r);
	get_coded("HEAD", path, NULL, false, &r);
	assert_int_equal(r.status, 200);
	assert_null(h_header(&r, "Content-Encoding"));
	assert_string_equal(h_header(&r, "ETag"), etag);
	assert_int_equal(r.len, 0);
	h_free(&r);
	get_coded("HEAD", path, gz_etag, true, &r);
	assert_int_equal(r.status, 304);
	h_free(&r);
	/* Past nine visits the count is one digit longer than the copy was
	 * compressed for: still gzip, still the page. */
	for (int i = 0; i < 12; i++) {
		get_coded("GET", path, NULL, i % 2, &r);
		assert_int_equal(r.status, 200);
		struct hresp p = plain_of(&r);
		assert_true(same_page(&p, &plain));
		if (i % 2) {
			assert_true(is_gzip(&r));
			free(p.body);
		}
		h_free(&r);
	}
	/* A new version shows at once, to both. */
	publish(request_id(number), "Koszty oświetlenia ulic i placów", NULL, NULL, version);
	get_coded("GET", path, gz_etag, true, &r);
	assert_int_equal(r.status, 200);
	rp = plain_of(&r);
	assert_non_null(strstr(rp.body, "Koszty oświetlenia ulic i placów"));
	assert_string_not_equal(h_header(&r, "ETag"), gz_etag);
	free(rp.body);
	h_free(&r);
	get_coded("GET", path, NULL, false, &r);
	assert_non_null(strstr(r.body, "Koszty oświetlenia ulic i placów"));
	h_free(&r);
	/* A change of the body itself, written by another process, shows as
	 * soon as the server hears of it (docs/design.md, "Pages kept in
	 * memory"): ask until it does, fail if it never does. */
	h_sql("UPDATE organisations SET name = 'Ministerstwo Obrony Narodowej (test)' "
	      "WHERE slug = 'mon'");
	bool seen = false;
	for (int i = 0; i < 100 && !seen; i++) {
		if (i)
			usleep(50000);
		get_coded("GET", path, NULL, true, &r);
		rp = plain_of(&r);
		seen = strstr(rp.body, "<dd>Ministerstwo Obrony Narodowej (test)</dd>") != NULL;
		free(rp.body);
		h_free(&r);
	}
	h_sql("UPDATE organisations SET name = 'Ministerstwo Obrony Narodowej' WHERE slug = 'mon'");
	assert_true(seen);
	free(fp.body);
	h_free(&first);
	h_free(&plain);
}

/* The search in one prepared statement (issue 22): the words within a
 * letter of the typed ones when these match nothing (and the page says
 * so), nothing said when there are none; and a search that runs out of
 * its time (search_score() made slow here, under the search's limit only)
 * ranks the newest rows instead, says so, and the rest of the page (the
 * filters, read in the same transaction) is there. */
static void test_search_near_words_and_running_out_of_time(void **state)
{
	char number[64], version[16];
	file_private("Inwentaryzacja", number);
	publish(request_id(number), "Sprawozdanie z inwentaryzacji sprzętu kwatermistrzowskiego",
	        NULL, NULL, version);
	const char *near = "jedną literą", *slow = "Wyszukiwanie trwało zbyt długo";
	char *page = get("/rejestr?q=inwentaryzacji", 200);
	assert_non_null(strstr(page, number));
	assert_null(strstr(page, near));
	assert_null(strstr(page, slow));
	free(page);
	page = get("/rejestr?q=kwatermistrzowskiegp", 200);
	assert_non_null(strstr(page, number));
	assert_non_null(strstr(page, near));
	free(page);
	page = get("/rejestr?q=qxqxqxqx", 200);
	assert_null(strstr(page, number));
	assert_null(strstr(page, near));
	free(page);
	for (int round = 0; round < 2; round++) {
		/* Twice: the second time the statement is prepared already. */
		h_sql("CREATE OR REPLACE FUNCTION search_score(v tsvector, q tsquery) RETURNS int "
		      "LANGUAGE plpgsql VOLATILE AS $$ BEGIN "
		      "IF current_setting('statement_timeout') = '1500ms' THEN PERFORM pg_sleep(2); "
		      "END IF; RETURN (ts_rank(v, q) * 1000000)::int; END $$");
		page = get(round ? "/rejestr?q=sprz%C4%99tu" : "/rejestr?q=sprawozdanie", 200);
		h_sql("CREATE OR REPLACE FUNCTION search_score(v tsvector, q tsquery) RETURNS int "
		      "LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$ "
		      "SELECT (ts_rank(v, q) * 1000000)::int $$");
		assert_non_null(strstr(page, number));
		assert_non_null(strstr(page, slow));
		assert_non_null(strstr(page, "id=\"f-wynik\""));
		free(page);
	}
	page = get("/rejestr?q=sprawozdania", 200);
	assert_non_null(strstr(page, number));
	assert_null(strstr(page, slow));
	free(page);
}

/* The layout around the title is kept once and spliced into every copy
 * (web/pcache.c, core/gzip.h): the items of a body and the register of
 * another, sent gzip from their copies, decompress to exactly the pages a
 * client without gzip gets, with the visit count right, also once the
 * count has grown past a digit. */
static void get_host(const char *host, const char *path, bool gzip, struct hresp *r)
{
	char h[128];
	snprintf(h, sizeof h, "Host: %s", host);
	const char *hdr[3] = {h, gzip ? "Accept-Encoding: gzip" : NULL, NULL};
	h_request("GET", path, hdr, NULL, 0, r);
}

static long count_of(const struct hresp *p)
{
	const char *c = strstr(p->body, "Liczba odwiedzin</dt><dd>");
	return c ? atol(c + strlen("Liczba odwiedzin</dt><dd>")) : -1;
}

static void test_kept_copies_share_the_layout_and_decompress_whole(void **state)
{
	wait_cache_on(h_port());
	h_sql("INSERT INTO organisations (slug, name, address, place, email, phone, bip_url, hosts) "
	      "VALUES ('drugi', 'Urząd Gminy Druga', 'ul. Druga 2, 00-002 Druga', 'Druga', "
	      "'bip@druga.example', '+48 22 000 00 02', 'https://druga.example/bip', "
	      "ARRAY['bip.druga.example'])");
	const char *subjects[] = {"Koszty remontu mostu", "Umowy na sprzątanie w latach 2020–2025",
	                          "Zużycie wody w budynkach urzędu (pomiary)"};
	char paths[4][160];
	const char *hosts[4] = {"localhost", "localhost", "localhost", "bip.druga.example"};
	for (int i = 0; i < 3; i++) {
		char number[64], version[16];
		file_private(subjects[i], number);
		publish(request_id(number), NULL, subjects[i], NULL, version);
		snprintf(paths[i], sizeof paths[i], "/rejestr/%s", number);
	}
	snprintf(paths[3], sizeof paths[3], "/rejestr");
	for (int i = 0; i < 4; i++) {
		/* Drawn and kept, then from the copy: gzip and plain. */
		struct hresp first, gz, plain;
		get_host(hosts[i], paths[i], true, &first);
		assert_int_equal(first.status, 200);
		assert_true(is_gzip(&first));
		double hits = h_metric(h_port(), HITS);
		get_host(hosts[i], paths[i], true, &gz);
		get_host(hosts[i], paths[i], false, &plain);
		assert_true(h_metric(h_port(), HITS) >= hits + 2);
		assert_int_equal(plain.status, 200);
		assert_null(h_header(&plain, "Content-Encoding"));
		assert_true(is_gzip(&gz));
		struct hresp f = plain_of(&first), g = plain_of(&gz);
		assert_true(same_page(&f, &plain));
		assert_true(same_page(&g, &plain));
		assert_non_null(strstr(plain.body, "<title>"));
		assert_non_null(strstr(plain.body, "</header>"));
		assert_non_null(strstr(plain.body, i < 3 ? subjects[i] : "Urząd Gminy Druga"));
		assert_int_equal(count_of(&g), count_of(&f) + 1);
		assert_int_equal(count_of(&plain), count_of(&g) + 1);
		/* Past the count's digits: made again, still whole. */
		long last = count_of(&plain);
		for (int k = 0; k < 12; k++) {
			struct hresp r;
			get_host(hosts[i], paths[i], true, &r);
			struct hresp p = plain_of(&r);
			assert_true(same_page(&p, &plain));
			assert_int_equal(count_of(&p), last + 1);
			last = count_of(&p);
			free(p.body);
			h_free(&r);
		}
		free(f.body);
		free(g.body);
		h_free(&first);
		h_free(&gz);
		h_free(&plain);
	}
}

/* Without JAWNOSC_SECURITY_CONTACT there is no security.txt to give;
 * robots.txt is always there. */
static void test_no_security_txt_without_a_contact(void **state)
{
	struct hresp r;
	h_get("/.well-known/security.txt", &r);
	assert_int_equal(r.status, 404);
	h_free(&r);
	h_get("/robots.txt", &r);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.body, "Disallow: /sprawa/"));
	/* Searches wherever q= stands in the query (RFC 9309's wildcard). */
	assert_non_null(strstr(r.body, "Disallow: /rejestr*q=\n"));
	h_free(&r);
}

int main(void)
{
	h_setup_db("register");
	u_seed_demo();
	/* The services take the thread's own connection. */
	db_set_url(getenv("DATABASE_URL"));
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_no_security_txt_without_a_contact),
	    cmocka_unit_test(test_public_role_is_refused_personal_data_tables),
	    cmocka_unit_test(test_clerk_preview_is_exactly_the_public_page),
	    cmocka_unit_test(
	        test_versions_1_0_and_1_1_with_dates_and_authors_and_the_old_one_readable),
	    cmocka_unit_test(test_publishing_needs_the_preview_of_exactly_that_text),
	    cmocka_unit_test(test_personal_data_in_public_text_is_refused),
	    cmocka_unit_test(test_withdrawal_takes_the_item_off_and_hides_every_earlier_version),
	    cmocka_unit_test(test_filters),
	    cmocka_unit_test(test_polish_search_without_diacritics),
	    cmocka_unit_test(test_etag_and_last_modified_answer_304),
	    cmocka_unit_test(test_procedure_page_and_visit_counter),
	    cmocka_unit_test(test_feeds_and_exports),
	    cmocka_unit_test(test_csv_export_does_not_let_a_subject_become_a_formula),
	    cmocka_unit_test(test_published_documents_download_and_others_do_not),
	    cmocka_unit_test(test_privacy_crawl_finds_no_requester_data),
	    cmocka_unit_test(test_keyset_pages_without_gaps_or_repeats),
	    cmocka_unit_test(test_search_too_long_or_with_too_many_words_is_refused_in_polish),
	    cmocka_unit_test(test_search_for_like_metacharacters_finds_only_that_text),
	    cmocka_unit_test(test_search_near_words_and_running_out_of_time),
	    cmocka_unit_test(test_searches_and_exports_not_kept_are_limited_per_address),
	    cmocka_unit_test(test_unknown_parameters_are_answered_from_the_kept_page),
	    cmocka_unit_test(test_sitemap_is_an_index_of_parts_with_etags),
	    cmocka_unit_test(test_exports_are_kept_until_a_publication),
	    cmocka_unit_test(test_item_page_shows_its_documents_terms_steps_and_every_version),
	    cmocka_unit_test(test_item_page_is_kept_and_sent_gzip_to_a_client_that_takes_it),
	    cmocka_unit_test(test_kept_copies_share_the_layout_and_decompress_whole),
	};
	int failed = cmocka_run_group_tests_name("register", tests, setup, h_stop_server);
	h_teardown();
	return failed;
}
