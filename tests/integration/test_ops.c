/* SPDX-License-Identifier: EUPL-1.2 */
/* Operations against the real server and PostgreSQL: /metrics parses with
 * the strict parser and its counters and gauges move; it is refused to
 * proxied requests unless JAWNOSC_METRICS_PUBLIC=1; JAWNOSC_TRUSTED_PROXY
 * makes rate limits and logs see the forwarded client; db_conn_replica()
 * opens its own connection only when DATABASE_URL_REPLICA is set, and the
 * public register falls back to the primary when no replica answers. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/config.h"
#include "db/db.h"
#include "integration/cases_util.h"
#include "integration/harness.h"
#include "unit/prom_parse.h"

static struct prom_doc doc;

static void scrape(void)
{
	struct hresp r;
	h_get("/metrics", &r);
	assert_int_equal(r.status, 200);
	const char *ct = h_header(&r, "Content-Type");
	assert_non_null(ct);
	assert_string_equal(ct, "text/plain; version=0.0.4; charset=utf-8");
	if (!prom_parse(r.body, &doc)) {
		fprintf(stderr, "/metrics does not parse: %s\n%s\n", doc.err, r.body);
		fail();
	}
	h_free(&r);
}

/* The sample's value in the last scrape; a sample that is not there fails
 * the test (it is not taken for 0, which would let ">= 0" pass on
 * nothing). */
static double val(const char *name, const char *labels)
{
	double v = prom_value(&doc, name, labels);
	if (isnan(v)) {
		fprintf(stderr, "/metrics has no sample %s{%s}\n", name, labels);
		fail();
	}
	return v;
}

/* A counter before the test moves it: a route not requested since the
 * server started has no series yet, which is 0. Only for the values the
 * test starts from; what it checks afterwards must be there (val()). */
static double count_before(const char *name, const char *labels)
{
	double v = prom_value(&doc, name, labels);
	return isnan(v) ? 0 : v;
}

static int group_setup(void **state)
{
	h_setup_db("ops");
	u_seed_demo();
	return 0;
}

static int group_teardown(void **state)
{
	h_teardown();
	return 0;
}

static int stop_server(void **state)
{
	if (h_server_pid())
		assert_int_equal(h_server_stop(), 0);
	return 0;
}

static void test_metrics_parse_and_counters_move(void **state)
{
	/* An SMTP server that refuses connections and an hour between retries:
	 * queued mail stays pending while we look, whenever the job runs. */
	const char *env[] = {"JAWNOSC_SMTP_URL=smtp://127.0.0.1:1", "JAWNOSC_MAIL_RETRY_BASE=3600", NULL};
	h_server_start(env);
	scrape();
	double healthz0 = count_before("jawnosc_http_requests_total", "code=\"2xx\",route=\"healthz\"");
	double unmatched0 = count_before("jawnosc_http_requests_total", "code=\"4xx\",route=\"unmatched\"");
	double created0 = count_before("jawnosc_http_requests_total", "code=\"2xx\",route=\"api.requests.create\"");
	double hcount0 = count_before("jawnosc_http_request_duration_seconds_count", "route=\"healthz\"");
	double metrics0 = count_before("jawnosc_http_requests_total", "code=\"2xx\",route=\"metrics\"");
	double pending0 = val("jawnosc_outbox_messages", "status=\"pending\"");
	assert_true(val("jawnosc_database_up", "") == 1);

	struct hresp r;
	for (int i = 0; i < 3; i++) {
		h_get("/healthz", &r);
		assert_int_equal(r.status, 200);
		h_free(&r);
	}
	h_get("/no/such/page", &r);
	assert_int_equal(r.status, 404);
	h_free(&r);
	free(u_file("public_information", NULL));

	scrape();
	assert_true(val("jawnosc_http_requests_total", "code=\"2xx\",route=\"healthz\"") == healthz0 + 3);
	assert_true(val("jawnosc_http_request_duration_seconds_count", "route=\"healthz\"") == hcount0 + 3);
	assert_true(val("jawnosc_http_requests_total", "code=\"4xx\",route=\"unmatched\"") == unmatched0 + 1);
	assert_true(val("jawnosc_http_requests_total", "code=\"2xx\",route=\"api.requests.create\"") ==
	            created0 + 1);
	/* The first scrape itself is counted by the second. */
	assert_true(val("jawnosc_http_requests_total", "code=\"2xx\",route=\"metrics\"") == metrics0 + 1);
	/* The acknowledgement of the filing (and any notice to staff) waits in
	 * the outbox; the gauge is the table's count. */
	double pending = val("jawnosc_outbox_messages", "status=\"pending\"");
	assert_true(pending >= pending0 + 1);
	assert_true(pending == (double)u_count("SELECT count(*) FROM outbox WHERE status = 'pending'"));
	assert_true(val("jawnosc_outbox_oldest_pending_seconds", "") >= 0);
	/* Gauges agree with the database. */
	long open = u_count("SELECT count(*) FROM requests WHERE closed_on IS NULL");
	long overdue = u_count("SELECT count(*) FROM requests WHERE closed_on IS NULL AND "
	                       "due_on < (now() AT TIME ZONE 'Europe/Warsaw')::date");
	assert_true(val("jawnosc_cases_open", "org=\"mon\"") == (double)open);
	assert_true(val("jawnosc_cases_overdue", "org=\"mon\"") == (double)overdue);
	assert_true(overdue > 0); /* the demo data has overdue cases: the gauge is not trivially 0 */
	assert_true(val("jawnosc_db_connections_open", "pool=\"primary\"") >= 1);
	assert_true(val("jawnosc_db_connections_open", "pool=\"replica\"") == 0);
	assert_true(val("jawnosc_db_backends", "") >= 2); /* a worker and the mail job */
	assert_true(val("process_open_fds", "") > 0);
	/* The replication job's kept reading (read at start, then every 5 s):
	 * one PostgreSQL without standbys, a primary, nothing synchronous. */
	for (int i = 0; i < 100 && isnan(prom_value(&doc, "jawnosc_db_standbys", "")); i++) {
		usleep(50 * 1000);
		scrape();
	}
	assert_true(val("jawnosc_db_standbys", "") == 0);
	assert_true(val("jawnosc_db_synchronous_standby", "") == 0);
	assert_true(val("jawnosc_db_in_recovery", "") == 0);
}

static void get_with(const char *path, const char *header, struct hresp *r)
{
	const char *hdr[] = {header, NULL};
	h_request("GET", path, hdr, NULL, 0, r);
}

static void test_metrics_refused_through_a_proxy(void **state)
{
	h_server_start(NULL);
	struct hresp r;
	const char *proxied[] = {"X-Forwarded-For: 203.0.113.9", "Forwarded: for=203.0.113.9",
	                         "X-Real-IP: 203.0.113.9"};
	for (size_t i = 0; i < 3; i++) {
		get_with("/metrics", proxied[i], &r);
		assert_int_equal(r.status, 404);
		assert_null(strstr(r.body, "jawnosc_http_requests_total"));
		h_free(&r);
	}
	get_with("/metrics", "Accept: text/plain", &r);
	assert_int_equal(r.status, 200);
	h_free(&r);
}

static void test_metrics_public_when_configured(void **state)
{
	const char *env[] = {"JAWNOSC_METRICS_PUBLIC=1", NULL};
	h_server_start(env);
	struct hresp r;
	get_with("/metrics", "X-Forwarded-For: 203.0.113.9", &r);
	assert_int_equal(r.status, 200);
	assert_true(prom_parse(r.body, &doc));
	h_free(&r);
}

/* Files one request as if from `client` (X-Forwarded-For); the status. */
static long file_from(const char *client)
{
	char xff[96];
	snprintf(xff, sizeof xff, "X-Forwarded-For: 198.51.100.200, %s", client);
	const char *hdr[] = {"Content-Type: application/json", xff, NULL};
	const char *body = "{\"kind\":\"public_information\",\"subject\":\"Wydatki\","
	                   "\"content\":\"Proszę o zestawienie wydatków.\",\"delivery\":\"email\","
	                   "\"requester\":{\"email\":\"jan@example.pl\"}}";
	struct hresp r;
	h_request("POST", "/api/v1/requests", hdr, body, strlen(body), &r);
	long st = r.status;
	if (st != 201 && st != 429)
		fprintf(stderr, "filing: %ld %s\n", st, r.body);
	h_free(&r);
	return st;
}

static bool file_contains(const char *path, const char *needle)
{
	FILE *f = fopen(path, "r");
	if (!f)
		return false;
	char line[4096];
	bool found = false;
	while (!found && fgets(line, sizeof line, f))
		found = strstr(line, needle) != NULL;
	fclose(f);
	return found;
}

static void test_trusted_proxy_decides_the_client_address(void **state)
{
	char log_env[160], log_path[128];
	snprintf(log_path, sizeof log_path, "build/test-logs/ops-proxy-%d.access", (int)getpid());
	snprintf(log_env, sizeof log_env, "JAWNOSC_ACCESS_LOG=%s", log_path);
	unlink(log_path);
	const char *env[] = {"JAWNOSC_TRUSTED_PROXY=127.0.0.1", "JAWNOSC_FILING_RATE=2", log_env, NULL};
	h_server_start(env);
	/* Each forwarded client has its own limit; the first entries of the
	 * header (written by the client) are ignored. */
	assert_int_equal(file_from("192.0.2.61"), 201);
	assert_int_equal(file_from("192.0.2.61"), 201);
	assert_int_equal(file_from("192.0.2.61"), 429);
	assert_int_equal(file_from("192.0.2.62"), 201);
	assert_int_equal(h_server_stop(), 0);
	assert_true(file_contains(log_path, "\"ip\":\"192.0.2.61\""));
	assert_true(file_contains(log_path, "\"ip\":\"192.0.2.62\""));
	assert_false(file_contains(log_path, "\"ip\":\"198.51.100.200\""));
}

static void test_untrusted_forwarded_header_is_ignored(void **state)
{
	const char *env[] = {"JAWNOSC_FILING_RATE=2", NULL};
	h_server_start(env);
	/* Without JAWNOSC_TRUSTED_PROXY every request is 127.0.0.1's,
	 * whatever the header claims: three filings "from" three addresses
	 * reach the limit of two (earlier tests filed from 127.0.0.1 too). */
	long a = file_from("192.0.2.71"), b = file_from("192.0.2.72"), c = file_from("192.0.2.73");
	assert_int_equal(c, 429);
	assert_true((a == 201) + (b == 201) <= 2);
}

static void test_replica_connection(void **state)
{
	char err[256];
	unsetenv("DATABASE_URL_REPLICA");
	assert_true(config_load(err, sizeof err));
	db_set_url(cfg.database_url);
	PGconn *primary = db_conn();
	assert_non_null(primary);
	assert_false(db_has_replica());
	/* Unset: the replica is the primary connection itself. */
	assert_ptr_equal(db_conn_replica(), primary);
	assert_int_equal(db_connections_open(true), 0);

	char url[600];
	snprintf(url, sizeof url, "%s application_name=jawnosc-replica-test", cfg.database_url);
	setenv("DATABASE_URL_REPLICA", url, 1);
	assert_true(config_load(err, sizeof err));
	assert_true(db_has_replica());
	PGconn *rep = db_conn_replica();
	assert_non_null(rep);
	assert_ptr_not_equal(rep, primary);
	assert_ptr_equal(db_conn_replica(), rep); /* cached per thread */
	assert_int_equal(db_connections_open(true), 1);
	PGresult *r = PQexec(rep, "SELECT current_setting('application_name')");
	assert_int_equal(PQresultStatus(r), PGRES_TUPLES_OK);
	assert_string_equal(PQgetvalue(r, 0, 0), "jawnosc-replica-test");
	PQclear(r);
	/* A transaction left open is rolled back before the next use. */
	PQclear(PQexec(rep, "BEGIN"));
	assert_ptr_equal(db_conn_replica(), rep);
	assert_int_equal(PQtransactionStatus(rep), PQTRANS_IDLE);
	db_close();
	assert_int_equal(db_connections_open(true), 0);
	assert_int_equal(db_connections_open(false), 0);

	/* An unreachable replica gives the primary's connection, counted
	 * (the register's reads are read-only either way); so does the next
	 * call, without another attempt for a while. */
	setenv("DATABASE_URL_REPLICA", "host=/nonexistent-socket-dir dbname=x connect_timeout=2", 1);
	assert_true(config_load(err, sizeof err));
	long long fallbacks = db_replica_fallbacks();
	primary = db_conn();
	assert_ptr_equal(db_conn_replica(), primary);
	assert_ptr_equal(db_conn_replica(), primary);
	assert_int_equal(db_replica_fallbacks(), fallbacks + 2);
	assert_int_equal(db_connections_open(true), 0);
	db_close();
	unsetenv("DATABASE_URL_REPLICA");
	assert_true(config_load(err, sizeof err));
}

/* JAWNOSC_SECURITY_CONTACT is a mailto: or https: URI of one line, or
 * nothing: anything else stops the configuration with a message. */
static void test_security_contact_is_checked(void **state)
{
	char err[256];
	static const char *const bad[] = {"csirt@mon.example", "http://csirt.example/zglos",
	                                  "mailto:a b@example.pl", "javascript:alert(1)",
	                                  "mailto:x@y\nContact: https://evil.example", "https://"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		setenv("JAWNOSC_SECURITY_CONTACT", bad[i], 1);
		err[0] = '\0';
		assert_false(config_load(err, sizeof err));
		assert_non_null(strstr(err, "JAWNOSC_SECURITY_CONTACT"));
	}
	static const char *const good[] = {"mailto:csirt@mon.example",
	                                   "https://csirt.example.gov.pl/zglos", ""};
	for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
		setenv("JAWNOSC_SECURITY_CONTACT", good[i], 1);
		assert_true(config_load(err, sizeof err));
	}
	unsetenv("JAWNOSC_SECURITY_CONTACT");
	assert_true(config_load(err, sizeof err));
}

/* GET /rejestr's status. */
static long register_status(void)
{
	struct hresp r;
	h_get("/rejestr", &r);
	long st = r.status;
	if (st != 200)
		fprintf(stderr, "/rejestr: %ld %.300s\n", st, r.body);
	h_free(&r);
	return st;
}

static int lines_with(const char *path, const char *needle)
{
	FILE *f = fopen(path, "r");
	assert_non_null(f);
	char line[4096];
	int n = 0;
	while (fgets(line, sizeof line, f))
		n += strstr(line, needle) != NULL;
	fclose(f);
	return n;
}

#define FALLBACK_LOG "replica database unavailable, reading from the primary"
#define BACK_LOG "replica database reachable again"

/* DATABASE_URL_REPLICA at a loopback port nothing listens on (every
 * replica gone, as behind HAProxy's replica port with no server left):
 * the register is read from the primary, not answered 503, and /metrics
 * counts it; the outage is logged once. Pages are not kept in memory, so
 * each request reads. */
static void test_register_falls_back_to_the_primary(void **state)
{
	const char *env[] = {"DATABASE_URL_REPLICA=host=127.0.0.1 port=1 dbname=x connect_timeout=2",
	                     "JAWNOSC_PAGE_CACHE_MB=0", NULL};
	h_server_start(env);
	for (int i = 0; i < 4; i++)
		assert_int_equal(register_status(), 200);
	scrape();
	assert_true(val("jawnosc_db_replica_fallbacks_total", "") >= 4);
	assert_true(val("jawnosc_db_connections_open", "pool=\"replica\"") == 0);
	assert_int_equal(h_server_stop(), 0);
	assert_int_equal(lines_with(h_server_log(), FALLBACK_LOG), 1);
}

/* A replica that answered, then went away while the server held
 * connections to it, and could not be reached again (a role that may not
 * log in stands for it): the register goes on from the primary; once the
 * replica is back (after the 5 s between attempts) it is read from again
 * and the end of the outage logged. */
static void test_register_survives_its_replica(void **state)
{
	char role[64], url[256], sql[512];
	snprintf(role, sizeof role, "jw_ops_replica_%d", (int)getpid());
	snprintf(sql, sizeof sql,
	         "DROP ROLE IF EXISTS %s; CREATE ROLE %s LOGIN; GRANT jawnosc_public TO %s", role, role,
	         role);
	h_sql(sql);
	snprintf(url, sizeof url, "DATABASE_URL_REPLICA=%s user=%s application_name=ops-replica",
	         getenv("DATABASE_URL"), role);
	const char *env[] = {url, "JAWNOSC_PAGE_CACHE_MB=0", NULL};
	h_server_start(env);
	for (int i = 0; i < 4; i++)
		assert_int_equal(register_status(), 200);
	scrape();
	assert_true(val("jawnosc_db_connections_open", "pool=\"replica\"") >= 1);
	assert_true(count_before("jawnosc_db_replica_fallbacks_total", "") == 0);

	/* The replica goes: its sessions cut, no new one let in. */
	snprintf(sql, sizeof sql,
	         "ALTER ROLE %s NOLOGIN; SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
	         "WHERE usename = '%s'",
	         role, role);
	h_sql(sql);
	snprintf(sql, sizeof sql, "SELECT count(*) FROM pg_stat_activity WHERE usename = '%s'", role);
	for (int i = 0; i < 100 && u_count(sql) > 0; i++)
		usleep(50 * 1000);
	assert_int_equal(u_count(sql), 0);
	for (int i = 0; i < 6; i++)
		assert_int_equal(register_status(), 200);
	scrape();
	assert_true(val("jawnosc_db_replica_fallbacks_total", "") >= 1);
	double fallbacks = val("jawnosc_db_replica_fallbacks_total", "");

	/* Back: read from again once the pause between attempts is over. */
	snprintf(sql, sizeof sql, "ALTER ROLE %s LOGIN", role);
	h_sql(sql);
	usleep(5200 * 1000);
	for (int i = 0; i < 4; i++)
		assert_int_equal(register_status(), 200);
	scrape();
	assert_true(val("jawnosc_db_connections_open", "pool=\"replica\"") >= 1);
	assert_true(val("jawnosc_db_replica_fallbacks_total", "") == fallbacks);
	assert_int_equal(h_server_stop(), 0);
	assert_int_equal(lines_with(h_server_log(), FALLBACK_LOG), 1);
	assert_int_equal(lines_with(h_server_log(), BACK_LOG), 1);
	snprintf(sql, sizeof sql, "DROP ROLE %s", role);
	h_sql(sql);
}

int main(void)
{
#define T(f) cmocka_unit_test_teardown(f, stop_server)
	const struct CMUnitTest tests[] = {
	    T(test_metrics_parse_and_counters_move),
	    T(test_metrics_refused_through_a_proxy),
	    T(test_metrics_public_when_configured),
	    T(test_trusted_proxy_decides_the_client_address),
	    T(test_untrusted_forwarded_header_is_ignored),
	    T(test_security_contact_is_checked),
	    T(test_replica_connection),
	    T(test_register_falls_back_to_the_primary),
	    T(test_register_survives_its_replica),
	};
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
