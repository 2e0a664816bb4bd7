/* SPDX-License-Identifier: EUPL-1.2 */
/* The feed for the dane.gov.pl harvester over real HTTP (issue 23 part 1):
 * /opendata/katalog.xml valid against the harvester's schema 1.10
 * (xmllint --schema; the schema is read from ../shared/specs, or
 * JAWNOSC_OPENDATA_XSD, and without it that check says SKIPPED loudly),
 * served as application/xml, its sibling .md5 the MD5 of exactly the bytes
 * served, absolute https addresses from JAWNOSC_BASE_URL that answer,
 * identifiers that stay the same and differ between bodies, the licence
 * chosen in the organisation's settings (a value the schema does not
 * allow refused in Polish with the form kept), a new version in the
 * register giving a new feed, and a Host no body lists answered as the
 * register answers it; in a deployment for several bodies, each body's
 * addresses on its own host. And the statistics' CSV the feed points at. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <openssl/evp.h>

#include "integration/cases_util.h"

#define BASE "https://bip.jawnosc.test"
#define INNY "Host: bip.inny.example"
#define UNKNOWN "Host: nieznany.example"

static struct u_staff clerk, other_admin;
static char xsd[1024];
static bool have_xsd;

/* ---- Helpers ---- */

static void sql(const char *statement)
{
	PGconn *c = h_db();
	PGresult *r = PQexec(c, statement);
	ExecStatusType st = PQresultStatus(r);
	if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK)
		fprintf(stderr, "%s: %s", statement, PQerrorMessage(c));
	assert_true(st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK);
	PQclear(r);
	PQfinish(c);
}

static void get_as(const char *host, const char *path, struct hresp *r)
{
	const char *hdr[] = {host, NULL};
	h_request("GET", path, hdr, NULL, 0, r);
}

/* The feed of the body of `host` (NULL: the demo's), 200; malloc'd. */
static char *feed(const char *host, size_t *len)
{
	struct hresp r;
	get_as(host ? host : "Host: localhost", "/opendata/katalog.xml", &r);
	if (r.status != 200)
		fprintf(stderr, "katalog.xml: %ld %.300s\n", r.status, r.body);
	assert_int_equal(r.status, 200);
	char *b = malloc(r.len + 1);
	memcpy(b, r.body, r.len);
	b[r.len] = '\0';
	if (len)
		*len = r.len;
	h_free(&r);
	return b;
}

static void md5_hex(const char *data, size_t len, char out[33])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned n = 0;
	assert_true(EVP_Digest(data, len, md, &n, EVP_md5(), NULL));
	assert_int_equal(n, 16);
	for (unsigned i = 0; i < n; i++)
		snprintf(out + 2 * i, 3, "%02x", md[i]);
}

/* xmllint --schema over `xml`: the test fails when it is not valid. */
static void assert_valid(const char *xml, size_t len)
{
	if (!have_xsd) {
		fprintf(stderr, "\n*** test_opendata: SKIPPED the schema check: %s is absent.\n"
		                "*** Set JAWNOSC_OPENDATA_XSD to xml_import_otwarte_dane_1_10.xsd "
		                "(../shared/specs/README.md).\n\n",
		        xsd);
		return;
	}
	char path[] = "/tmp/jawnosc-katalog-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, xml, len), (ssize_t)len);
	close(fd);
	char *out = NULL;
	const char *args[] = {"--noout", "--nonet", "--schema", xsd, path, NULL};
	int rc = h_run(&out, "xmllint", args);
	if (rc != 0)
		fprintf(stderr, "xmllint: %s\n%s\n", out, xml);
	assert_int_equal(rc, 0);
	assert_non_null(strstr(out, "validates"));
	free(out);
	unlink(path);
}

/* The texts of every <tag>...</tag> in order, joined with '\n' (malloc'd). */
static char *all_of(const char *xml, const char *tag)
{
	char open[64], close[64];
	snprintf(open, sizeof open, "<%s>", tag);
	snprintf(close, sizeof close, "</%s>", tag);
	size_t cap = strlen(xml) + 1, n = 0;
	char *out = calloc(1, cap);
	for (const char *p = strstr(xml, open); p; p = strstr(p, open)) {
		p += strlen(open);
		const char *e = strstr(p, close);
		assert_non_null(e);
		n += (size_t)snprintf(out + n, cap - n, "%s%.*s", n ? "\n" : "", (int)(e - p), p);
		p = e;
	}
	return out;
}

static bool has_line(const char *lines, const char *line)
{
	size_t n = strlen(line);
	for (const char *p = lines; (p = strstr(p, line)); p += n)
		if ((p == lines || p[-1] == '\n') && (p[n] == '\n' || !p[n]))
			return true;
	return false;
}

/* The other body's settings form (its administrator's) with `licence`
 * and `name` as typed. */
static void post_other_settings(const char *licence, const char *name, struct hresp *r)
{
	char enc_l[256], enc_n[256], body[4096];
	u_urlencode(licence, enc_l, sizeof enc_l);
	u_urlencode(name, enc_n, sizeof enc_n);
	snprintf(body, sizeof body,
	         "name=%s&address=&place=&email=&phone=&bip_url=&hosts=bip.inny.example"
	         "&class_public=1431&class_reuse=1432&policy_clarification_restarts=true"
	         "&policy_remedy=appeal&policy_clarification_days=7"
	         "&policy_interest_days=7&policy_interest_keeps_running=true&letterhead="
	         "&signer_name=&signer_position=&staff_unit_only=false&public_authority=true"
	         "&opendata_licence=%s",
	         enc_n, enc_l);
	const char *hdr[] = {"Content-Type: application/x-www-form-urlencoded", other_admin.cookie,
	                     INNY, NULL};
	char full[4300];
	snprintf(full, sizeof full, "csrf=%s&%s", other_admin.csrf, body);
	h_request("POST", "/panel/admin/ustawienia", hdr, full, strlen(full), r);
}

/* Signs the other body's administrator in on its own host. */
static void login_other(void)
{
	struct hresp r;
	get_as(INNY, "/panel/logowanie", &r);
	assert_int_equal(r.status, 200);
	char form_cookie[160], csrf[96], body[512], hdr_cookie[200];
	u_cookie_pair(h_header(&r, "Set-Cookie"), form_cookie, sizeof form_cookie);
	u_attr(r.body, "csrf", csrf, sizeof csrf);
	h_free(&r);
	snprintf(hdr_cookie, sizeof hdr_cookie, "Cookie: %s", form_cookie);
	snprintf(body, sizeof body, "csrf=%s&next=&email=admin%%40inny.example&password=jawnosc-demo",
	         csrf);
	const char *hdr[] = {"Content-Type: application/x-www-form-urlencoded", hdr_cookie, INNY,
	                     NULL};
	h_request("POST", "/panel/logowanie", hdr, body, strlen(body), &r);
	assert_int_equal(r.status, 303);
	char session[200];
	u_cookie_pair(h_header(&r, "Set-Cookie"), session, sizeof session);
	h_free(&r);
	snprintf(other_admin.cookie, sizeof other_admin.cookie, "Cookie: %s", session);
	const char *h2[] = {other_admin.cookie, INNY, NULL};
	h_request("GET", "/panel/admin/ustawienia", h2, NULL, 0, &r);
	assert_int_equal(r.status, 200);
	u_attr(r.body, "csrf", other_admin.csrf, sizeof other_admin.csrf);
	h_free(&r);
	assert_true(strlen(other_admin.csrf) > 0);
}

/* ---- Setup ---- */

static int setup(void **state)
{
	(void)state;
	const char *x = getenv("JAWNOSC_OPENDATA_XSD");
	snprintf(xsd, sizeof xsd, "%s",
	         x && *x ? x : "../shared/specs/dane.gov.pl/xml_import_otwarte_dane_1_10.xsd");
	have_xsd = access(xsd, R_OK) == 0;
	/* A second body with its own host and administrator. */
	sql("INSERT INTO organisations (slug, name, hosts) VALUES ('inny', 'Inny Urząd', "
	    "ARRAY['bip.inny.example']);"
	    "INSERT INTO units (org_id, symbol, name) SELECT id, 'SEK', 'Sekretariat' FROM organisations "
	    "WHERE slug = 'inny';"
	    "UPDATE organisations SET web_unit_id = (SELECT id FROM units WHERE symbol = 'SEK') "
	    "WHERE slug = 'inny';"
	    "INSERT INTO users (org_id, email, name, role, password_hash) SELECT o.id, "
	    "'admin@inny.example', 'Admin Innego', 'admin', u.password_hash FROM organisations o, users u "
	    "WHERE o.slug = 'inny' AND u.email = 'admin@mon.example'");
	static const char *env[] = {"JAWNOSC_BASE_URL=" BASE "/", "JAWNOSC_DEFAULT_ORG=",
	                            "JAWNOSC_FILING_RATE=100000", "JAWNOSC_SEARCH_RATE=100000", NULL};
	/* The deployment's address is the demo body's, as in service. */
	sql("UPDATE organisations SET hosts = hosts || ARRAY['bip.jawnosc.test'] WHERE slug = 'mon'");
	h_server_start(env);
	u_login("urzednik%40mon.example", "jawnosc-demo", &clerk);
	login_other();
	return 0;
}

/* ---- Tests ---- */

static void test_feed_is_valid_application_xml_and_its_md5_is_of_the_bytes_served(void **state)
{
	struct hresp r;
	get_as("Host: localhost", "/opendata/katalog.xml", &r);
	assert_int_equal(r.status, 200);
	assert_string_equal(h_header(&r, "Content-Type"), "application/xml; charset=utf-8");
	assert_non_null(strstr(r.body, "<datasets xmlns=\"urn:otwarte-dane:harvester:1.10\">"));
	assert_non_null(
	    strstr(r.body, "<polish>Rejestr wniosków o udostępnienie informacji publicznej</polish>"));
	assert_valid(r.body, r.len);
	char want[33];
	md5_hex(r.body, r.len, want);
	h_free(&r);
	/* The harvester asks HEAD first for the type. */
	const char *hh[] = {"Host: localhost", NULL};
	h_request("HEAD", "/opendata/katalog.xml", hh, NULL, 0, &r);
	assert_int_equal(r.status, 200);
	assert_string_equal(h_header(&r, "Content-Type"), "application/xml; charset=utf-8");
	h_free(&r);
	get_as("Host: localhost", "/opendata/katalog.md5", &r);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(h_header(&r, "Content-Type"), "text/plain"));
	/* 32 hex digits and white space only (the harvester strips it). */
	char got[64];
	snprintf(got, sizeof got, "%s", r.body);
	assert_int_equal(r.len, 33);
	assert_int_equal(got[32], '\n');
	got[32] = '\0';
	assert_string_equal(got, want);
	h_free(&r);
	/* Once kept in memory, and to a client that takes gzip, the same. */
	size_t len;
	char *again = feed(NULL, &len);
	char second[33];
	md5_hex(again, len, second);
	assert_string_equal(second, want);
	free(again);
	const char *gz[] = {"Host: localhost", "Accept-Encoding: gzip", NULL};
	h_request("GET", "/opendata/katalog.md5", gz, NULL, 0, &r);
	assert_int_equal(r.status, 200);
	h_free(&r);
}

static void test_addresses_are_absolute_https_from_the_base_url_and_answer(void **state)
{
	char *xml = feed(NULL, NULL);
	char *urls = all_of(xml, "url");
	assert_true(has_line(urls, BASE "/rejestr"));
	assert_true(has_line(urls, BASE "/rejestr.csv"));
	assert_true(has_line(urls, BASE "/rejestr.json"));
	assert_true(has_line(urls, BASE "/rejestr/statystyki.csv"));
	static const struct {
		const char *path, *type;
	} res[] = {{"/rejestr.csv", "text/csv"},
	           {"/rejestr.json", "application/json"},
	           {"/rejestr/statystyki.csv", "text/csv"}};
	for (size_t i = 0; i < sizeof res / sizeof res[0]; i++) {
		struct hresp r;
		get_as("Host: localhost", res[i].path, &r);
		assert_int_equal(r.status, 200);
		assert_non_null(strstr(h_header(&r, "Content-Type"), res[i].type));
		h_free(&r);
	}
	for (char *u = urls; *u;) {
		size_t n = strcspn(u, "\n");
		assert_int_equal(strncmp(u, BASE "/", strlen(BASE) + 1), 0);
		u += n + (u[n] == '\n');
	}
	free(urls);
	free(xml);
}

static void test_ext_idents_stay_the_same_and_differ_between_bodies(void **state)
{
	char *a = feed(NULL, NULL), *b = feed(NULL, NULL);
	char *ia = all_of(a, "extIdent"), *ib = all_of(b, "extIdent");
	/* A dataset and its three resources, none alike. */
	assert_string_equal(ia, ib);
	int lines = 1;
	for (const char *p = ia; *p; p++)
		lines += *p == '\n';
	assert_int_equal(lines, 4);
	/* The same after a restart: nothing random, nothing of the process. */
	assert_int_equal(h_server_stop(), 0);
	static const char *env[] = {"JAWNOSC_BASE_URL=" BASE "/", "JAWNOSC_DEFAULT_ORG=",
	                            "JAWNOSC_FILING_RATE=100000", "JAWNOSC_SEARCH_RATE=100000", NULL};
	h_server_start(env);
	char *c = feed(NULL, NULL), *ic = all_of(c, "extIdent");
	assert_string_equal(ia, ic);
	/* The other body's: each one different, and its own name. */
	char *o = feed(INNY, NULL), *io = all_of(o, "extIdent");
	assert_valid(o, strlen(o));
	assert_non_null(strstr(o, "Inny Urząd"));
	assert_null(strstr(o, "Ministerstwo Obrony Narodowej"));
	for (char *p = io; *p;) {
		size_t n = strcspn(p, "\n");
		char one[64];
		snprintf(one, sizeof one, "%.*s", (int)n, p);
		assert_true(strlen(one) >= 1 && strlen(one) <= 36);
		assert_false(has_line(ia, one));
		p += n + (p[n] == '\n');
	}
	free(a);
	free(b);
	free(c);
	free(o);
	free(ia);
	free(ib);
	free(ic);
	free(io);
	/* The sessions live in the database: the administrators stay signed in. */
}

/* Every line of `lines` starts with `prefix`, and there is one at least. */
static void all_start_with(const char *lines, const char *prefix)
{
	assert_true(*lines);
	for (const char *p = lines; *p;) {
		size_t n = strcspn(p, "\n");
		if (strncmp(p, prefix, strlen(prefix)) != 0)
			fprintf(stderr, "not under %s: %.*s\n", prefix, (int)n, p);
		assert_int_equal(strncmp(p, prefix, strlen(prefix)), 0);
		p += n + (p[n] == '\n');
	}
}

/* A deployment for several bodies: each body's feed, sitemap, Atom feed,
 * open data and tracking links are on the host it lists first, not on
 * JAWNOSC_BASE_URL's (a host that shows another body's register); the
 * body that lists the base URL's host keeps it. */
static void test_each_body_links_to_its_own_host(void **state)
{
	char *o = feed(INNY, NULL), *urls = all_of(o, "url");
	all_start_with(urls, "https://bip.inny.example/");
	assert_true(has_line(urls, "https://bip.inny.example/rejestr.csv"));
	free(urls);
	free(o);
	struct hresp r;
	get_as(INNY, "/sitemap.xml?czesc=1", &r);
	assert_int_equal(r.status, 200);
	urls = all_of(r.body, "loc");
	all_start_with(urls, "https://bip.inny.example/");
	free(urls);
	h_free(&r);
	get_as(INNY, "/rejestr.atom", &r);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.body, "href=\"https://bip.inny.example/rejestr\""));
	assert_null(strstr(r.body, "bip.jawnosc.test/"));
	h_free(&r);
	get_as(INNY, "/rejestr.json", &r);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.body, "\"register\":\"https://bip.inny.example/rejestr\""));
	h_free(&r);
	/* The demo body lists the base URL's host: its links stay there. */
	get_as("Host: localhost", "/sitemap.xml?czesc=1", &r);
	assert_int_equal(r.status, 200);
	urls = all_of(r.body, "loc");
	all_start_with(urls, BASE "/");
	free(urls);
	h_free(&r);
	/* robots.txt names each body's sitemap on its host, keeps crawlers off
	 * the private pages, and has no sitemap for a host no body lists. */
	get_as(INNY, "/robots.txt", &r);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(h_header(&r, "Content-Type"), "text/plain"));
	assert_non_null(strstr(r.body, "Sitemap: https://bip.inny.example/sitemap.xml\n"));
	assert_non_null(strstr(r.body, "Disallow: /sprawa/\n"));
	assert_non_null(strstr(r.body, "Disallow: /panel\n"));
	h_free(&r);
	get_as("Host: localhost", "/robots.txt", &r);
	assert_non_null(strstr(r.body, "Sitemap: " BASE "/sitemap.xml\n"));
	h_free(&r);
	get_as(UNKNOWN, "/robots.txt", &r);
	assert_int_equal(r.status, 200);
	assert_null(strstr(r.body, "Sitemap:"));
	assert_non_null(strstr(r.body, "Disallow: /sprawa/\n"));
	h_free(&r);
	/* A filing's tracking link, in the answer and in the e-mail. */
	static const char body[] =
	    "{\"kind\":\"public_information\",\"subject\":\"Adres linku\","
	    "\"content\":\"Proszę o informację.\",\"delivery\":\"email\","
	    "\"requester\":{\"name\":\"Ola Test\",\"email\":\"ola@example.pl\"}}";
	const char *hdr[] = {INNY, "Content-Type: application/json", NULL};
	h_request("POST", "/api/v1/requests", hdr, body, strlen(body), &r);
	if (r.status != 201)
		fprintf(stderr, "filing: %ld %.300s\n", r.status, r.body);
	assert_int_equal(r.status, 201);
	json_t *j = u_json(&r);
	char want[256];
	snprintf(want, sizeof want, "https://bip.inny.example/sprawa/%s", u_str(j, "tracking_token"));
	assert_string_equal(u_str(j, "tracking_url"), want);
	json_decref(j);
	h_free(&r);
	PGconn *c = h_db();
	PGresult *q = PQexec(c, "SELECT body FROM outbox WHERE recipient = 'ola@example.pl'");
	assert_int_equal(PQntuples(q), 1);
	assert_non_null(strstr(PQgetvalue(q, 0, 0), want));
	PQclear(q);
	PQfinish(c);
}

static void test_licence_chosen_in_the_settings_is_in_the_feed(void **state)
{
	char *before = feed(INNY, NULL);
	assert_non_null(
	    strstr(before, "<dbOrCopyrightedLicenseChosen>CC BY 4.0</dbOrCopyrightedLicenseChosen>"));
	struct hresp r;
	get_as(INNY, "/opendata/katalog.xml", &r);
	char etag[128];
	snprintf(etag, sizeof etag, "%s", h_header(&r, "ETag"));
	h_free(&r);
	/* The settings page offers the six the schema allows, CC BY 4.0 chosen. */
	const char *h2[] = {other_admin.cookie, INNY, NULL};
	h_request("GET", "/panel/admin/ustawienia", h2, NULL, 0, &r);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.body, "<option value=\"CC BY 4.0\" selected>CC BY 4.0</option>"));
	assert_non_null(strstr(r.body, "<option value=\"CC BY-NC-ND 4.0\">"));
	h_free(&r);
	/* A value the schema does not allow: refused in Polish, the form as typed. */
	post_other_settings("CC0 1.0", "Inny Urząd Przemianowany", &r);
	if (r.status != 422)
		fprintf(stderr, "got %ld: %.800s\n", r.status, r.body);
	assert_int_equal(r.status, 422);
	assert_non_null(strstr(r.body, "Licencja danych w dane.gov.pl: wybierz jedną z licencji z "
	                               "listy: CC BY 4.0, CC BY-SA 4.0"));
	assert_non_null(strstr(r.body, "value=\"Inny Urząd Przemianowany\""));
	assert_non_null(strstr(r.body, "id=\"opendata_licence\" name=\"opendata_licence\""));
	h_free(&r);
	assert_int_equal(u_count("SELECT count(*) FROM organisations WHERE slug = 'inny' "
	                         "AND name = 'Inny Urząd' AND opendata_licence = 'CC BY 4.0'"),
	                 1);
	/* A licence of the list: saved, and the feed says it at once. */
	post_other_settings("CC BY-SA 4.0", "Inny Urząd", &r);
	assert_int_equal(r.status, 303);
	h_free(&r);
	char *after = feed(INNY, NULL);
	assert_non_null(strstr(
	    after, "<dbOrCopyrightedLicenseChosen>CC BY-SA 4.0</dbOrCopyrightedLicenseChosen>"));
	assert_non_null(strstr(after, "na warunkach licencji CC BY-SA 4.0"));
	assert_valid(after, strlen(after));
	/* A client holding the old copy gets the new one, not 304. */
	char inm[160];
	snprintf(inm, sizeof inm, "If-None-Match: %s", etag);
	const char *hdr[] = {INNY, inm, NULL};
	h_request("GET", "/opendata/katalog.xml", hdr, NULL, 0, &r);
	assert_int_equal(r.status, 200);
	h_free(&r);
	h_request("GET", "/panel/admin/ustawienia", h2, NULL, 0, &r);
	assert_non_null(strstr(r.body, "<option value=\"CC BY-SA 4.0\" selected>"));
	h_free(&r);
	/* The other body's feed is not touched. */
	char *mon = feed(NULL, NULL);
	assert_non_null(strstr(mon, "<dbOrCopyrightedLicenseChosen>CC BY 4.0<"));
	assert_int_equal(u_count("SELECT count(*) FROM events WHERE action = 'org_settings' AND "
	                         "data->'changed'->'opendata_licence'->>'to' = 'CC BY-SA 4.0'"),
	                 1);
	free(mon);
	free(before);
	free(after);
}

static void test_a_new_version_in_the_register_changes_the_feed(void **state)
{
	size_t len;
	char *before = feed(NULL, &len);
	char md5_before[33];
	md5_hex(before, len, md5_before);
	struct hresp r;
	get_as("Host: localhost", "/opendata/katalog.xml", &r);
	char etag[128];
	snprintf(etag, sizeof etag, "%s", h_header(&r, "ETag"));
	h_free(&r);
	char inm[160];
	snprintf(inm, sizeof inm, "If-None-Match: %s", etag);
	const char *cond[] = {"Host: localhost", inm, NULL};
	h_request("GET", "/opendata/katalog.xml", cond, NULL, 0, &r);
	assert_int_equal(r.status, 304);
	h_free(&r);
	/* A clerk publishes a new version of a published case. */
	long long id = u_count("SELECT p.request_id FROM publications p JOIN organisations o ON "
	                       "o.id = p.org_id WHERE o.slug = 'mon' AND NOT p.withdrawn "
	                       "ORDER BY p.id LIMIT 1");
	assert_true(id > 0);
	char path[96];
	snprintf(path, sizeof path, "/panel/sprawy/%lld/publikacja", id);
	u_staff_get(&clerk, path, &r);
	assert_int_equal(r.status, 200);
	char *fields = u_publication_fields(r.body, "preview", NULL,
	                                    "Odpowiedź poprawiona dla kanału dane.gov.pl.", NULL);
	h_free(&r);
	u_staff_post(&clerk, path, fields, &r);
	assert_int_equal(r.status, 200);
	free(fields);
	fields = u_publication_fields(r.body, "publish", NULL,
	                              "Odpowiedź poprawiona dla kanału dane.gov.pl.", NULL);
	h_free(&r);
	u_staff_post(&clerk, path, fields, &r);
	if (r.status != 303)
		fprintf(stderr, "publish: %ld %.600s\n", r.status, r.body);
	assert_int_equal(r.status, 303);
	h_free(&r);
	free(fields);
	char *after = feed(NULL, &len);
	char md5_after[33];
	md5_hex(after, len, md5_after);
	assert_string_not_equal(md5_before, md5_after);
	char *d1 = all_of(before, "lastUpdateDate"), *d2 = all_of(after, "lastUpdateDate");
	assert_string_not_equal(d1, d2);
	assert_valid(after, len);
	/* The old tag is no longer current; the .md5 follows. */
	h_request("GET", "/opendata/katalog.xml", cond, NULL, 0, &r);
	assert_int_equal(r.status, 200);
	h_free(&r);
	get_as("Host: localhost", "/opendata/katalog.md5", &r);
	assert_int_equal(strncmp(r.body, md5_after, 32), 0);
	h_free(&r);
	free(d1);
	free(d2);
	free(before);
	free(after);
}

static void test_a_host_no_body_lists_is_answered_as_the_register_answers_it(void **state)
{
	static const char *const paths[] = {"/opendata/katalog.xml", "/opendata/katalog.md5",
	                                    "/rejestr/statystyki.csv"};
	struct hresp reg;
	get_as(UNKNOWN, "/rejestr.csv", &reg);
	assert_int_equal(reg.status, 421);
	for (size_t i = 0; i < sizeof paths / sizeof paths[0]; i++) {
		struct hresp r;
		get_as(UNKNOWN, paths[i], &r);
		assert_int_equal(r.status, reg.status);
		assert_null(strstr(r.body, "datasets"));
		assert_null(strstr(r.body, "Ministerstwo"));
		h_free(&r);
	}
	h_free(&reg);
	/* Hosts that are not hosts at all. */
	static const char *const odd[] = {"Host: ", "Host: a b", "Host: ..", "Host: [::1",
	                                  "Host: x\xff.example"};
	for (size_t i = 0; i < sizeof odd / sizeof odd[0]; i++) {
		struct hresp r, l;
		get_as(odd[i], "/opendata/katalog.xml", &r);
		get_as(odd[i], "/rejestr", &l);
		if (r.status != l.status || r.status >= 500)
			fprintf(stderr, "%s: feed %ld, register %ld\n", odd[i], r.status, l.status);
		assert_int_equal(r.status, l.status);
		assert_true(r.status < 500);
		h_free(&r);
		h_free(&l);
	}
	/* Bytes no host name has (not UTF-8 either) name no body: 421 on
	 * every public page, never a 500. */
	static const char *const pages[] = {"/opendata/katalog.xml", "/rejestr", "/rejestr.csv",
	                                    "/wniosek"};
	for (size_t i = 0; i < sizeof pages / sizeof pages[0]; i++) {
		struct hresp r;
		get_as("Host: x\xff.example", pages[i], &r);
		if (r.status != 421)
			fprintf(stderr, "%s: %ld\n", pages[i], r.status);
		assert_int_equal(r.status, 421);
		h_free(&r);
	}
}

static void test_statistics_csv_has_a_row_a_year_and_fixed_columns(void **state)
{
	struct hresp r;
	get_as("Host: localhost", "/rejestr/statystyki.csv", &r);
	assert_int_equal(r.status, 200);
	assert_string_equal(h_header(&r, "Content-Type"), "text/csv; charset=utf-8; header=present");
	const char *head = "year,requests,closed,counted_for_term,on_time,provided,partly_refused,";
	assert_int_equal(strncmp(r.body, head, strlen(head)), 0);
	const char *eol = strstr(r.body, "\r\n");
	assert_non_null(eol);
	assert_int_equal(strncmp(eol - strlen(",pending"), ",pending", 8), 0);
	/* The requests of every year add up to the body's. */
	long total = 0;
	for (const char *row = eol + 2; *row; row = strstr(row, "\r\n") + 2) {
		int year = 0;
		long n = 0;
		assert_int_equal(sscanf(row, "%d,%ld,", &year, &n), 2);
		assert_true(year >= 2000);
		total += n;
	}
	assert_int_equal(total, u_count("SELECT count(*) FROM requests r JOIN organisations o ON "
	                                "o.id = r.org_id WHERE o.slug = 'mon'"));
	char inm[160];
	snprintf(inm, sizeof inm, "If-None-Match: %s", h_header(&r, "ETag"));
	h_free(&r);
	const char *cond[] = {"Host: localhost", inm, NULL};
	h_request("GET", "/rejestr/statystyki.csv", cond, NULL, 0, &r);
	assert_int_equal(r.status, 304);
	h_free(&r);
	/* The page links to it. */
	get_as("Host: localhost", "/rejestr/statystyki", &r);
	assert_non_null(strstr(r.body, "href=\"/rejestr/statystyki.csv\""));
	h_free(&r);
}

int main(void)
{
	h_setup_db("opendata");
	u_seed_demo();
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(
	        test_feed_is_valid_application_xml_and_its_md5_is_of_the_bytes_served),
	    cmocka_unit_test(test_addresses_are_absolute_https_from_the_base_url_and_answer),
	    cmocka_unit_test(test_ext_idents_stay_the_same_and_differ_between_bodies),
	    cmocka_unit_test(test_each_body_links_to_its_own_host),
	    cmocka_unit_test(test_licence_chosen_in_the_settings_is_in_the_feed),
	    cmocka_unit_test(test_a_new_version_in_the_register_changes_the_feed),
	    cmocka_unit_test(test_a_host_no_body_lists_is_answered_as_the_register_answers_it),
	    cmocka_unit_test(test_statistics_csv_has_a_row_a_year_and_fixed_columns),
	};
	int failed = cmocka_run_group_tests_name("opendata", tests, setup, h_stop_server);
	h_teardown();
	return failed;
}
