/* SPDX-License-Identifier: EUPL-1.2 */
/* The bench tool jawnosc-seed --cases N --orgs M (the benchmarks' data,
 * tests/bench/seed/) on a small scale, so a schema change that breaks it
 * shows here and not only in `make bench`:
 * what it writes is what the services and triggers would have written
 * (due dates, counters, the event hash chain), a second run changes
 * nothing, and the server works on top of it (tracking pages from the token
 * file, the register, and new filings that continue the case numbers). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "integration/harness.h"

#define CASES "3000"
#define ORGS "6"
/* Built by make check (the release build: it links build/rel/libjawnosc.a). */
#define SEED_TOOL "build/rel/tests/bench/jawnosc-seed"

static char tokens_path[256];

static long long q_ll(PGconn *c, const char *sql)
{
	PGresult *r = PQexec(c, sql);
	if (PQresultStatus(r) != PGRES_TUPLES_OK || PQntuples(r) != 1) {
		fprintf(stderr, "%s: %s\n", sql, PQresultErrorMessage(r));
		fail();
	}
	long long v = atoll(PQgetvalue(r, 0, 0));
	PQclear(r);
	return v;
}

static void test_seed_loads_consistent_data(void **state)
{
	(void)state;
	char *out = NULL;
	const char *args[] = {"--cases", CASES, "--orgs", ORGS, "--tokens", tokens_path, NULL};
	int rc = h_run(&out, SEED_TOOL, args);
	if (rc != 0)
		fprintf(stderr, "%s\n", out);
	assert_int_equal(rc, 0);
	assert_non_null(strstr(out, "seed: " CASES " requests in " ORGS " bodies"));
	/* Every planned step is one the law core allows: a refused one means
	 * the plan no longer follows the lifecycle (tests/bench/seed/plan.c). */
	if (strstr(out, "refused"))
		fprintf(stderr, "%s\n", out);
	assert_null(strstr(out, "refused"));
	free(out);

	PGconn *c = h_db();
	assert_int_equal(q_ll(c, "SELECT count(*) FROM requests"), atoi(CASES));
	assert_int_equal(q_ll(c, "SELECT count(*) FROM organisations WHERE slug LIKE 'org-%'"), atoi(ORGS));
	assert_int_equal(q_ll(c, "SELECT count(*) FROM requesters"), atoi(CASES));
	/* Most cases closed, some open, a few overdue; some published. */
	long long open = q_ll(c, "SELECT count(*) FROM requests WHERE closed_on IS NULL");
	assert_true(open > 0 && open < atoi(CASES) / 5);
	assert_true(q_ll(c, "SELECT count(*) FROM requests WHERE closed_on IS NULL AND due_on < current_date") > 0);
	assert_true(q_ll(c, "SELECT count(*) FROM publications") > atoi(CASES) / 5);
	assert_true(q_ll(c, "SELECT count(*) FROM documents WHERE status = 'issued' AND pdf IS NOT NULL") > 0);
	/* requests.due_on as the trigger on terms keeps it. */
	assert_int_equal(q_ll(c, "SELECT count(*) FROM requests r WHERE r.due_on IS DISTINCT FROM "
	                         "(SELECT min(t.due_on) FROM terms t WHERE t.request_id = r.id "
	                         "AND t.state = 'open' AND t.side = 'body')"),
	                 0);
	/* requests.answered_on_time as terms_note_answer keeps it: from the
	 * answer term that ended last. */
	assert_int_equal(q_ll(c, "SELECT count(*) FROM requests r WHERE r.answered_on_time IS DISTINCT FROM "
	                         "(SELECT CASE t.state WHEN 'met' THEN true WHEN 'missed' THEN false END "
	                         "FROM terms t WHERE t.request_id = r.id AND t.state <> 'open' AND t.kind IN "
	                         "('answer', 'answer_extended', 'reuse_answer', 'reuse_answer_extended') "
	                         "ORDER BY t.closed_on DESC, t.id DESC LIMIT 1)"),
	                 0);
	assert_true(q_ll(c, "SELECT count(*) FROM requests WHERE NOT answered_on_time") > 0);
	/* Appeals reach the appeal body, those lodged through the tracking page
	 * after the call to sign them (KPA art. 63 §3, art. 64 §2). */
	assert_true(q_ll(c, "SELECT count(*) FROM events WHERE action = 'forward_appeal'") > 0);
	assert_true(q_ll(c, "SELECT count(*) FROM events WHERE action = 'record_signature'") > 0);
	/* Each counter at the last number of its unit, class and year. */
	assert_int_equal(q_ll(c, "SELECT count(*) FROM case_counters k WHERE k.last <> (SELECT max(case_seq) "
	                         "FROM requests r WHERE r.unit_id = k.unit_id AND r.case_class = k.class "
	                         "AND r.case_year = k.year)"),
	                 0);
	assert_int_equal(q_ll(c, "SELECT count(*) FROM (SELECT unit_id, case_class, case_year FROM requests "
	                         "GROUP BY 1, 2, 3 HAVING max(case_seq) <> count(*)) gaps"),
	                 0);
	/* The triggers the load switched off are on again. */
	assert_int_equal(q_ll(c, "SELECT count(*) FROM pg_trigger WHERE NOT tgisinternal AND tgenabled = 'D' "
	                         "AND tgrelid IN ('terms'::regclass, 'events'::regclass)"),
	                 0);
	assert_int_equal(q_ll(c, "SELECT count(*) FROM pg_trigger WHERE tgisinternal AND tgenabled = 'D'"), 0);
	PQfinish(c);

	const char *verify[] = {"audit", "verify", NULL};
	rc = h_cli(&out, verify);
	if (rc != 0)
		fprintf(stderr, "%s\n", out);
	assert_int_equal(rc, 0);
	assert_non_null(strstr(out, "chain intact"));
	free(out);
}

static void test_second_run_is_refused_and_changes_nothing(void **state)
{
	(void)state;
	PGconn *c = h_db();
	long long events = q_ll(c, "SELECT count(*) FROM events");
	char *out = NULL;
	const char *args[] = {"--cases", "10", "--orgs", "1", NULL};
	assert_int_equal(h_run(&out, SEED_TOOL, args), 1);
	assert_non_null(strstr(out, "already has scale data"));
	free(out);
	assert_int_equal(q_ll(c, "SELECT count(*) FROM requests"), atoi(CASES));
	assert_int_equal(q_ll(c, "SELECT count(*) FROM events"), events);
	PQfinish(c);

	const char *bad[] = {"--cases", "0", "--orgs", "1", NULL};
	assert_int_equal(h_run(&out, SEED_TOOL, bad), 2);
	free(out);
}

static void test_server_binary_sends_seed_cases_to_the_tool(void **state)
{
	(void)state;
	char *out = NULL;
	const char *args[] = {"seed", "--cases", "10", "--orgs", "1", NULL};
	assert_int_equal(h_cli(&out, args), 2);
	assert_non_null(strstr(out, SEED_TOOL));
	free(out);
}

static void test_server_on_the_seeded_data(void **state)
{
	(void)state;
	static const char *env[] = {"JAWNOSC_FILING_RATE=100000", NULL};
	h_server_start(env);

	/* A tracking page from the token file, with its body's host. */
	FILE *f = fopen(tokens_path, "r");
	assert_non_null(f);
	char host[64], token[64], st[64];
	assert_int_equal(fscanf(f, "%63s %63s %63s", host, token, st), 3);
	fclose(f);
	char hdr[128], path[128];
	snprintf(hdr, sizeof hdr, "Host: %s", host);
	const char *hdrs[] = {hdr, NULL};
	snprintf(path, sizeof path, "/sprawa/%s", token);
	struct hresp r;
	h_request("GET", path, hdrs, NULL, 0, &r);
	assert_int_equal(r.status, 200);
	h_free(&r);
	h_request("GET", "/rejestr", hdrs, NULL, 0, &r);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.body, "1431."));
	h_free(&r);

	/* New requests continue the numbers and the hash chain. */
	const char *jh[] = {"Host: org-0001.example", "Content-Type: application/json", NULL};
	const char *body = "{\"kind\":\"public_information\",\"subject\":\"Po załadowaniu danych\","
	                   "\"content\":\"Proszę o informację o wydatkach.\",\"delivery\":\"tracking_page\"}";
	for (int i = 0; i < 3; i++) {
		h_request("POST", "/api/v1/requests", jh, body, strlen(body), &r);
		if (r.status != 201)
			fprintf(stderr, "%ld %s\n", r.status, r.body);
		assert_int_equal(r.status, 201);
		h_free(&r);
	}
	assert_int_equal(h_server_stop(), 0);
	/* Still no gap and no repeat, and the counters where the numbers are. */
	PGconn *c = h_db();
	assert_int_equal(q_ll(c, "SELECT count(*) FROM (SELECT unit_id, case_class, case_year FROM requests "
	                         "GROUP BY 1, 2, 3 HAVING max(case_seq) <> count(*)) gaps"),
	                 0);
	assert_int_equal(q_ll(c, "SELECT count(*) FROM case_counters k WHERE k.last <> (SELECT max(case_seq) "
	                         "FROM requests r WHERE r.unit_id = k.unit_id AND r.case_class = k.class "
	                         "AND r.case_year = k.year)"),
	                 0);
	assert_int_equal(q_ll(c, "SELECT count(*) FROM requests WHERE subject = 'Po załadowaniu danych'"), 3);
	PQfinish(c);
	char *out = NULL;
	const char *verify[] = {"audit", "verify", NULL};
	assert_int_equal(h_cli(&out, verify), 0);
	free(out);
}

int main(void)
{
	h_setup_db("seed_scale");
	snprintf(tokens_path, sizeof tokens_path, "build/test-logs/seed_scale_tokens_%d.txt", (int)getpid());
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_seed_loads_consistent_data),
	    cmocka_unit_test(test_second_run_is_refused_and_changes_nothing),
	    cmocka_unit_test(test_server_binary_sends_seed_cases_to_the_tool),
	    cmocka_unit_test(test_server_on_the_seeded_data),
	};
	int failed = cmocka_run_group_tests(tests, NULL, NULL);
	unlink(tokens_path);
	h_teardown();
	return failed;
}
