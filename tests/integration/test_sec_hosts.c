/* SPDX-License-Identifier: EUPL-1.2 */
/* Host names and organisations (issue 16, item 3): a host belongs to one
 * organisation, which the database enforces (org_hosts, migration 0015);
 * one body's administrator cannot take another's host, and is not told
 * whose it is; a request whose Host no body lists gets 421 and nothing is
 * shown or stored for it, unless JAWNOSC_DEFAULT_ORG names a body; host
 * changes are audit events with the old and new values. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "integration/cases_util.h"

#define DEMO_PW "jawnosc-demo"
#define UNKNOWN "Host: nieznany.example"

static struct u_staff other_admin;

/* ---- Helpers ---- */

/* Runs `statement`; its SQLSTATE, "" when it succeeded (malloc'd). */
static char *sql_state(PGconn *c, const char *statement)
{
	PGresult *r = PQexec(c, statement);
	ExecStatusType s = PQresultStatus(r);
	const char *code = PQresultErrorField(r, PG_DIAG_SQLSTATE);
	char *out = strdup(s == PGRES_COMMAND_OK || s == PGRES_TUPLES_OK ? "" : code ? code : "?");
	PQclear(r);
	return out;
}

static void sql(const char *statement)
{
	PGconn *c = h_db();
	char *st = sql_state(c, statement);
	if (*st)
		fprintf(stderr, "%s: %s %s", statement, st, PQerrorMessage(c));
	assert_string_equal(st, "");
	free(st);
	PQfinish(c);
}

static char *sql_text(const char *query)
{
	PGconn *c = h_db();
	PGresult *r = PQexec(c, query);
	char *v = strdup(PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) ? PQgetvalue(r, 0, 0) : "");
	PQclear(r);
	PQfinish(c);
	return v;
}

static void get_as(const char *host, const char *path, struct hresp *r)
{
	const char *hdr[] = {host, NULL};
	h_request("GET", path, hdr, NULL, 0, r);
}

/* The other body's settings form with `hosts` as typed. */
static void post_other_settings(const char *hosts, struct hresp *r)
{
	char enc[1024], body[4096];
	u_urlencode(hosts, enc, sizeof enc);
	snprintf(body, sizeof body,
	         "name=Inny+Urz%%C4%%85d&address=&place=&email=&phone=&bip_url=&hosts=%s"
	         "&class_public=1431&class_reuse=1432&policy_clarification_restarts=true"
	         "&policy_remedy=appeal&policy_clarification_days=7"
	         "&policy_interest_days=7&policy_interest_keeps_running=true&letterhead="
	         "&signer_name=&signer_position=&staff_unit_only=false&public_authority=true",
	         enc);
	u_staff_post(&other_admin, "/panel/admin/ustawienia", body, r);
}

static const char *const filing_json =
    "{\"kind\":\"public_information\",\"subject\":\"Pod obcym adresem\","
    "\"content\":\"Prosz\\u0119 o informacj\\u0119.\",\"delivery\":\"email\","
    "\"requester\":{\"name\":\"Anna Tajna\",\"email\":\"anna.tajna@example.pl\"}}";

static long requests_filed(void)
{
	return u_count("SELECT count(*) FROM requests");
}

/* The server's log (its first server), for what the operator reads. */
static char *server_log(void)
{
	char path[256];
	snprintf(path, sizeof path, "build/test-logs/jawnosc_t_sec_hosts_%d-1.log", (int)getpid());
	FILE *f = fopen(path, "r");
	assert_non_null(f);
	char *buf = calloc(1, 1 << 20);
	size_t n = fread(buf, 1, (1 << 20) - 1, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

/* ---- Setup ---- */

static int setup(void **state)
{
	(void)state;
	/* Two bodies: the demo's (127.0.0.1 and localhost from the seed, and
	 * bip.mon.example) and another with its own host and administrator. */
	sql("UPDATE organisations SET hosts = hosts || ARRAY['bip.mon.example'] WHERE slug = 'mon';"
	    "INSERT INTO organisations (slug, name, hosts) VALUES ('inny', 'Inny Urząd', "
	    "ARRAY['bip.inny.example']);"
	    "INSERT INTO units (org_id, symbol, name) SELECT id, 'SEK', 'Sekretariat' FROM organisations "
	    "WHERE slug = 'inny';"
	    "UPDATE organisations SET web_unit_id = (SELECT id FROM units WHERE symbol = 'SEK') "
	    "WHERE slug = 'inny';"
	    "INSERT INTO users (org_id, email, name, role, password_hash) SELECT o.id, "
	    "'admin@inny.example', 'Admin Innego', 'admin', u.password_hash FROM organisations o, users u "
	    "WHERE o.slug = 'inny' AND u.email = 'admin@mon.example'");
	/* No default body, whatever the environment says. */
	static const char *env[] = {"JAWNOSC_DEFAULT_ORG=", "JAWNOSC_FILING_RATE=100000", NULL};
	h_server_start(env);
	u_login("admin%40inny.example", DEMO_PW, &other_admin);
	return 0;
}

/* ---- Taking another body's host ---- */

static void test_admin_cannot_take_another_bodys_host_and_is_not_told_whose(void **state)
{
	long events = u_count("SELECT count(*) FROM events WHERE action = 'org_settings'");
	struct hresp r;
	/* Written as a browser might: other case, a port. */
	post_other_settings("bip.inny.example\r\nBIP.Mon.Example:8443", &r);
	if (r.status != 422)
		fprintf(stderr, "got %ld: %.2000s\n", r.status, r.body);
	assert_int_equal(r.status, 422);
	assert_non_null(strstr(r.body, "Nazwa „bip.mon.example” należy już do innego urzędu."));
	assert_non_null(strstr(r.body, "aria-invalid=\"true\""));
	/* What was typed stays in the form... */
	assert_non_null(strstr(r.body, "bip.inny.example\r\nBIP.Mon.Example:8443</textarea>"));
	/* ...and the body that lists the host is not named to this
	 * administrator (there is no role above a body's administrator). */
	assert_null(strstr(r.body, "Ministerstwo"));
	assert_null(strstr(r.body, "mon.example/bip"));
	h_free(&r);
	/* Nothing changed, nothing recorded. */
	char *owner = sql_text("SELECT o.slug FROM org_hosts h JOIN organisations o ON o.id = h.org_id "
	                       "WHERE h.host = 'bip.mon.example'");
	assert_string_equal(owner, "mon");
	free(owner);
	char *hosts = sql_text("SELECT array_to_string(hosts, '|') FROM organisations WHERE slug = 'inny'");
	assert_string_equal(hosts, "bip.inny.example");
	free(hosts);
	assert_int_equal(u_count("SELECT count(*) FROM events WHERE action = 'org_settings'"), events);
	/* The host still shows its own body. */
	get_as("Host: bip.mon.example", "/wniosek", &r);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.body, "Ministerstwo Obrony Narodowej"));
	h_free(&r);
	/* The operator's log says which body lists it. */
	char *log = server_log();
	assert_non_null(strstr(log, "asked for host bip.mon.example, which organisation mon"));
	free(log);
}

static void test_database_refuses_a_host_listed_twice(void **state)
{
	PGconn *c = h_db();
	/* Directly, in any spelling: the host is normalised, then refused. */
	char *st = sql_state(c, "UPDATE organisations SET hosts = hosts || ARRAY['BIP.MON.example:81'] "
	                        "WHERE slug = 'inny'");
	assert_string_equal(st, "23505");
	free(st);
	st = sql_state(c, "INSERT INTO organisations (slug, name, hosts) VALUES ('trzeci', 'Trzeci', "
	                  "ARRAY['localhost'])");
	assert_string_equal(st, "23505");
	free(st);
	/* org_hosts follows organisations.hosts and is written by nothing else. */
	st = sql_state(c, "INSERT INTO org_hosts (host, org_id) SELECT 'nowy.example', id "
	                  "FROM organisations WHERE slug = 'inny'");
	assert_string_not_equal(st, "");
	free(st);
	st = sql_state(c, "UPDATE org_hosts SET org_id = (SELECT id FROM organisations WHERE slug = 'inny') "
	                  "WHERE host = 'bip.mon.example'");
	assert_string_not_equal(st, "");
	free(st);
	/* The primary key holds when two transactions add one host at once:
	 * the second waits for the first and fails when it commits. */
	PGconn *c2 = h_db();
	char *s1 = sql_state(c, "BEGIN; UPDATE organisations SET hosts = hosts || "
	                        "ARRAY['wspolny.example'] WHERE slug = 'mon'");
	assert_string_equal(s1, "");
	free(s1);
	assert_int_equal(PQsendQuery(c2, "UPDATE organisations SET hosts = hosts || "
	                                  "ARRAY['wspolny.example'] WHERE slug = 'inny'"),
	                 1);
	usleep(200 * 1000);
	s1 = sql_state(c, "COMMIT");
	assert_string_equal(s1, "");
	free(s1);
	PGresult *r = PQgetResult(c2);
	const char *code = PQresultErrorField(r, PG_DIAG_SQLSTATE);
	assert_non_null(code);
	assert_string_equal(code, "23505");
	PQclear(r);
	while ((r = PQgetResult(c2)))
		PQclear(r);
	PQfinish(c2);
	assert_int_equal(u_count("SELECT count(*) FROM org_hosts WHERE host = 'wspolny.example'"), 1);
	assert_int_equal(u_count("SELECT count(*) FROM organisations WHERE 'wspolny.example' = ANY (hosts)"),
	                 1);
	st = sql_state(c, "UPDATE organisations SET hosts = array_remove(hosts, 'wspolny.example') "
	                  "WHERE slug = 'mon'");
	assert_string_equal(st, "");
	free(st);
	PQfinish(c);
	assert_int_equal(u_count("SELECT count(*) FROM org_hosts WHERE host = 'wspolny.example'"), 0);
}

/* A migrated database (without 0015) holding a host twice: the migration
 * stops and names both bodies; nothing is changed. */
static void test_migration_stops_on_a_host_listed_twice(void **state)
{
	char db[64], url[96], dir[] = "/tmp/jawnosc-hosts-mig-XXXXXX", cmd[512];
	snprintf(db, sizeof db, "jawnosc_t_hosts_mig_%d", (int)getpid());
	snprintf(url, sizeof url, "dbname=%s", db);
	assert_non_null(mkdtemp(dir));
	snprintf(cmd, sizeof cmd,
	         "for f in migrations/*.sql; do case $(basename $f) in 00[0-9][0-9]_*) "
	         "[ $(basename $f | cut -c1-4) -lt 15 ] && cp $f '%s'/;; esac; done; "
	         "psql -X -q -d postgres -c 'CREATE DATABASE %s' >/dev/null",
	         dir, db);
	assert_int_equal(system(cmd), 0);
	char *saved_url = strdup(getenv("DATABASE_URL"));
	setenv("DATABASE_URL", url, 1);
	setenv("JAWNOSC_MIGRATIONS", dir, 1);
	char *out = NULL;
	const char *migrate[] = {"migrate", NULL};
	int rc = h_cli(&out, migrate);
	if (rc)
		fprintf(stderr, "%s\n", out);
	assert_int_equal(rc, 0);
	free(out);
	PGconn *c = PQconnectdb(url);
	assert_int_equal(PQstatus(c), CONNECTION_OK);
	char *st = sql_state(c, "INSERT INTO organisations (slug, name, hosts) VALUES "
	                        "('pierwszy', 'Pierwszy', ARRAY['bip.wspolny.example:8080']), "
	                        "('drugi', 'Drugi', ARRAY['BIP.wspolny.example'])");
	assert_string_equal(st, "");
	free(st);
	unsetenv("JAWNOSC_MIGRATIONS");
	rc = h_cli(&out, migrate);
	if (rc == 0 || !strstr(out, "bip.wspolny.example (organisations pierwszy, id 1 and drugi, id 2)"))
		fprintf(stderr, "migrate: %d %s\n", rc, out);
	assert_int_not_equal(rc, 0);
	assert_non_null(strstr(out, "host names listed by more than one organisation"));
	assert_non_null(strstr(out, "bip.wspolny.example (organisations pierwszy, id 1 and drugi, id 2)"));
	free(out);
	PGresult *r = PQexec(c, "SELECT array_to_string(hosts, '|') FROM organisations ORDER BY id");
	assert_string_equal(PQgetvalue(r, 0, 0), "bip.wspolny.example:8080");
	PQclear(r);
	/* Once a person removed it from the wrong body, it goes through. */
	st = sql_state(c, "UPDATE organisations SET hosts = '{}' WHERE slug = 'drugi'");
	assert_string_equal(st, "");
	free(st);
	PQfinish(c);
	rc = h_cli(&out, migrate);
	if (rc)
		fprintf(stderr, "%s\n", out);
	assert_int_equal(rc, 0);
	free(out);
	c = PQconnectdb(url);
	r = PQexec(c, "SELECT host || '=' || org_id FROM org_hosts");
	assert_int_equal(PQntuples(r), 1);
	assert_string_equal(PQgetvalue(r, 0, 0), "bip.wspolny.example=1");
	PQclear(r);
	PQfinish(c);
	setenv("DATABASE_URL", saved_url, 1);
	free(saved_url);
	snprintf(cmd, sizeof cmd,
	         "rm -rf '%s'; psql -X -q -d postgres -c 'DROP DATABASE %s WITH (FORCE)' >/dev/null", dir,
	         db);
	assert_int_equal(system(cmd), 0);
}

/* ---- A host no body lists ---- */

static void test_unknown_host_gets_421_on_pages_api_and_filing(void **state)
{
	long before = requests_filed();
	struct hresp r;
	const char *pages[] = {"/wniosek", "/rejestr", "/rejestr.atom", "/jak-uzyskac-informacje",
	                       "/deklaracja-dostepnosci"};
	for (size_t i = 0; i < sizeof pages / sizeof pages[0]; i++) {
		get_as(UNKNOWN, pages[i], &r);
		if (r.status != 421)
			fprintf(stderr, "%s: %ld\n", pages[i], r.status);
		assert_int_equal(r.status, 421);
		assert_null(strstr(r.body, "Ministerstwo"));
		h_free(&r);
	}
	/* A short Polish page with a way back. */
	get_as("Host: NIEZNANY.example:8080", "/wniosek", &r);
	assert_int_equal(r.status, 421);
	assert_non_null(strstr(h_header(&r, "Content-Type"), "text/html"));
	assert_non_null(strstr(r.body, "Nieznany adres urzędu"));
	assert_non_null(strstr(r.body, "<a href=\"/\">"));
	h_free(&r);
	/* The API: a problem document, nothing stored. */
	const char *api_hdr[] = {UNKNOWN, "Content-Type: application/json", NULL};
	h_request("POST", "/api/v1/requests", api_hdr, filing_json, strlen(filing_json), &r);
	assert_int_equal(r.status, 421);
	assert_non_null(strstr(h_header(&r, "Content-Type"), "application/problem+json"));
	json_t *j = u_json(&r);
	assert_string_equal(u_str(j, "type"), "urn:jawnosc:problem:misdirected");
	assert_int_equal(json_integer_value(json_object_get(j, "status")), 421);
	json_decref(j);
	h_free(&r);
	/* The form, with a genuine token from the form page of a real body:
	 * refused before anything is read, nothing stored. */
	get_as("Host: bip.mon.example", "/wniosek", &r);
	assert_int_equal(r.status, 200);
	const char *set = h_header(&r, "Set-Cookie");
	char cookie[200], csrf[96] = "";
	snprintf(cookie, sizeof cookie, "Cookie: %.*s", (int)(strchr(set, ';') - set), set);
	const char *at = strstr(r.body, "name=\"csrf\" value=\"");
	assert_non_null(at);
	snprintf(csrf, sizeof csrf, "%.64s", at + strlen("name=\"csrf\" value=\""));
	h_free(&r);
	char body[1024];
	snprintf(body, sizeof body,
	         "csrf=%s&kind=public_information&subject=Pod+obcym+adresem&content=Prosz%%C4%%99"
	         "&delivery=email&email=anna.tajna%%40example.pl",
	         csrf);
	const char *form_hdr[] = {UNKNOWN, "Content-Type: application/x-www-form-urlencoded", cookie,
	                          NULL};
	h_request("POST", "/wniosek", form_hdr, body, strlen(body), &r);
	assert_int_equal(r.status, 421);
	h_free(&r);
	assert_int_equal(requests_filed(), before);
	assert_int_equal(u_count("SELECT count(*) FROM requesters WHERE email = 'anna.tajna@example.pl'"), 0);
	/* The same filing at a listed host is taken, by that body. */
	const char *mon_hdr[] = {"Host: bip.mon.example", "Content-Type: application/json", NULL};
	h_request("POST", "/api/v1/requests", mon_hdr, filing_json, strlen(filing_json), &r);
	assert_int_equal(r.status, 201);
	h_free(&r);
	assert_int_equal(requests_filed(), before + 1);
}

static void test_health_readiness_and_metrics_answer_whatever_the_host(void **state)
{
	const char *paths[] = {"/healthz", "/readyz", "/metrics", "/static/style.css", "/"};
	for (size_t i = 0; i < sizeof paths / sizeof paths[0]; i++) {
		struct hresp r;
		get_as(UNKNOWN, paths[i], &r);
		if (r.status != 200)
			fprintf(stderr, "%s: %ld\n", paths[i], r.status);
		assert_int_equal(r.status, 200);
		/* The home page names no body there (issue 23 part 3). */
		if (!strcmp(paths[i], "/"))
			assert_null(strstr(r.body, "Podmiot udostępniający"));
		h_free(&r);
	}
}

static void test_each_listed_host_shows_its_own_body(void **state)
{
	struct hresp r;
	/* The home page's BIP metadata are the body's of the host. */
	get_as("Host: bip.inny.example", "/", &r);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.body, "<dt>Podmiot udostępniający</dt><dd>Inny Urząd"));
	assert_null(strstr(r.body, "Ministerstwo"));
	h_free(&r);
	get_as("Host: BIP.INNY.example:9999", "/wniosek", &r);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.body, "Inny Urząd"));
	assert_null(strstr(r.body, "Ministerstwo"));
	h_free(&r);
	get_as("Host: bip.inny.example", "/jak-uzyskac-informacje", &r);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.body, "Inny Urząd"));
	h_free(&r);
}

static void test_default_org_serves_hosts_no_body_lists(void **state)
{
	static const char *env[] = {"JAWNOSC_DEFAULT_ORG=inny", "JAWNOSC_FILING_RATE=100000", NULL};
	unsigned port;
	pid_t pid = h_server_start_other(env, &port);
	struct hresp r;
	const char *page_hdr[] = {UNKNOWN, NULL};
	h_request_port(port, "GET", "/wniosek", page_hdr, NULL, 0, &r);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.body, "Inny Urząd"));
	h_free(&r);
	h_request_port(port, "GET", "/rejestr", page_hdr, NULL, 0, &r);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.body, "Inny Urząd"));
	h_free(&r);
	const char *api_hdr[] = {UNKNOWN, "Content-Type: application/json", NULL};
	h_request_port(port, "POST", "/api/v1/requests", api_hdr, filing_json, strlen(filing_json), &r);
	assert_int_equal(r.status, 201);
	h_free(&r);
	assert_int_equal(u_count("SELECT count(*) FROM requests q JOIN organisations o ON o.id = q.org_id "
	                         "WHERE o.slug = 'inny'"),
	                 1);
	/* A listed host is still its own body's. */
	const char *mon_hdr[] = {"Host: localhost:1234", NULL};
	h_request_port(port, "GET", "/wniosek", mon_hdr, NULL, 0, &r);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.body, "Ministerstwo Obrony Narodowej"));
	h_free(&r);
	assert_int_equal(h_server_stop_other(pid), 0);
}

/* ---- The audit trail ---- */

static void test_host_change_is_an_audit_event_with_old_and_new_values(void **state)
{
	struct hresp r;
	get_as("Host: nowy.inny.example", "/wniosek", &r);
	assert_int_equal(r.status, 421);
	h_free(&r);
	post_other_settings("bip.inny.example\r\nNowy.Inny.Example:8080", &r);
	if (r.status != 303)
		fprintf(stderr, "got %ld: %.2000s\n", r.status, r.body);
	assert_int_equal(r.status, 303);
	h_free(&r);
	assert_int_equal(u_count("SELECT count(*) FROM events e JOIN users u ON u.id = e.actor_user_id "
	                         "WHERE e.action = 'org_settings' AND u.email = 'admin@inny.example' "
	                         "AND e.data->'changed'->'hosts'->>'from' = 'bip.inny.example' "
	                         "AND e.data->'changed'->'hosts'->>'to' = "
	                         "E'bip.inny.example\\nnowy.inny.example'"),
	                 1);
	/* At once: the host now leads to its body. */
	get_as("Host: nowy.inny.example", "/wniosek", &r);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.body, "Inny Urząd"));
	h_free(&r);
	/* Given up, it is free again, and logged as such. */
	post_other_settings("bip.inny.example", &r);
	assert_int_equal(r.status, 303);
	h_free(&r);
	assert_int_equal(u_count("SELECT count(*) FROM events WHERE action = 'org_settings' "
	                         "AND data->'changed'->'hosts'->>'from' = "
	                         "E'bip.inny.example\\nnowy.inny.example' "
	                         "AND data->'changed'->'hosts'->>'to' = 'bip.inny.example'"),
	                 1);
	get_as("Host: nowy.inny.example", "/wniosek", &r);
	assert_int_equal(r.status, 421);
	h_free(&r);
	char *out = NULL;
	const char *args[] = {"audit", "verify", NULL};
	int rc = h_cli(&out, args);
	if (rc != 0)
		fprintf(stderr, "audit verify: %s\n", out);
	assert_int_equal(rc, 0);
	free(out);
}

int main(void)
{
	h_setup_db("sec_hosts");
	u_seed_demo();
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_admin_cannot_take_another_bodys_host_and_is_not_told_whose),
	    cmocka_unit_test(test_database_refuses_a_host_listed_twice),
	    cmocka_unit_test(test_migration_stops_on_a_host_listed_twice),
	    cmocka_unit_test(test_unknown_host_gets_421_on_pages_api_and_filing),
	    cmocka_unit_test(test_health_readiness_and_metrics_answer_whatever_the_host),
	    cmocka_unit_test(test_each_listed_host_shows_its_own_body),
	    cmocka_unit_test(test_default_org_serves_hosts_no_body_lists),
	    cmocka_unit_test(test_host_change_is_an_audit_event_with_old_and_new_values),
	};
	int failed = cmocka_run_group_tests_name("sec_hosts", tests, setup, h_stop_server);
	h_teardown();
	return failed;
}
