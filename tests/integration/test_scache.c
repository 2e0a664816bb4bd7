/* SPDX-License-Identifier: EUPL-1.2 */
/* Staff pages kept in memory (web/scache.h, issue 22) over real HTTP with
 * real sessions: the clerk's queue and the manager's dashboard are drawn
 * once for everyone who sees the same, and yet a step by another clerk
 * shows at once, members of different units never see each other's copy,
 * the header (name, CSRF token) is each member's own, the dashboard's
 * incoming mail is always fresh, and the Warsaw day turning over on a
 * running server (a fake clock that runs) makes a case due "today" overdue
 * in both pages. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "integration/cases_util.h"

/* Monday 7 December 2026, 23:59:20 in Warsaw (CET): the clock runs from
 * here, so the day turns over 40 seconds after the server first looks. */
#define NOW "2026-12-07T22:59:20Z"

#define HITS "jawnosc_page_cache_lookups_total{result=\"hit\"}"

/* Unit COMON (the demo's staff), unit BDG, and a manager of each. */
enum who { CLERK_A, CLERK_B, BDG_CLERK, MANAGER, BDG_MANAGER, NWHO };
static const char *const who_email[NWHO] = {
    "urzednik%40mon.example", "urzedniczka%40mon.example", "bdg.urzednik%40mon.example",
    "kierownik%40mon.example", "bdg.kierownik%40mon.example"};
static struct u_staff staff[NWHO];

/* A case of unit BDG and one of COMON due today (the 7th). */
static char bdg_number[64], today_number[64];

static double hits(void)
{
	return h_metric(h_port(), HITS);
}

static char *page(enum who w, const char *path)
{
	struct hresp r;
	u_staff_get(&staff[w], path, &r);
	if (r.status != 200)
		fprintf(stderr, "GET %s: %ld %.300s\n", path, r.status, r.body);
	assert_int_equal(r.status, 200);
	char *body = strdup(r.body);
	h_free(&r);
	return body;
}

static int setup(void **state)
{
	(void)state;
	setenv("JAWNOSC_FAKE_NOW", NOW, 1);
	static const char *env[] = {"JAWNOSC_FILING_RATE=100000", "JAWNOSC_FAKE_NOW=" NOW,
	                            "JAWNOSC_FAKE_CLOCK_RUNS=1", NULL};
	h_sql("INSERT INTO users (org_id, unit_id, email, name, role, password_hash) "
	      "SELECT o.id, b.id, x.email, x.name, x.role, u.password_hash "
	      "FROM organisations o JOIN units b ON b.org_id = o.id AND b.symbol = 'BDG', users u, "
	      "(VALUES ('bdg.urzednik@mon.example', 'Urzędnik BDG', 'clerk'), "
	      "        ('bdg.kierownik@mon.example', 'Kierownik BDG', 'manager')) x (email, name, role) "
	      "WHERE o.slug = 'mon' AND u.email = 'urzednik@mon.example';"
	      "UPDATE organisations SET staff_unit_only = true WHERE slug = 'mon'");
	h_server_start(env);
	for (int i = 0; i < 100 && h_metric(h_port(), "jawnosc_page_cache_on") != 1; i++)
		usleep(100 * 1000);
	assert_true(h_metric(h_port(), "jawnosc_page_cache_on") == 1);
	for (int w = 0; w < NWHO; w++)
		u_login(who_email[w], "jawnosc-demo", &staff[w]);
	/* Written before anything is kept. */
	free(u_file("public_information", bdg_number));
	free(u_file("public_information", today_number));
	char sql[1024];
	snprintf(sql, sizeof sql,
	         "UPDATE requests SET unit_id = (SELECT b.id FROM units b WHERE b.org_id = requests.org_id "
	         "AND b.symbol = 'BDG') WHERE case_number = '%s';"
	         "UPDATE requests SET due_on = '2026-12-07' WHERE case_number = '%s';"
	         "UPDATE terms SET unshifted_on = '2026-12-07', due_on = '2026-12-07' WHERE request_id = "
	         "(SELECT id FROM requests WHERE case_number = '%s') AND state = 'open'",
	         bdg_number, today_number, today_number);
	h_sql(sql);
	usleep(300 * 1000); /* the listener hears of it */
	return 0;
}

static void test_a_step_by_another_clerk_shows_at_once_in_the_kept_queue(void **state)
{
	/* The unassigned cases, twice: the second is the copy. */
	char *first = page(CLERK_A, "/panel?moje=brak");
	assert_non_null(strstr(first, today_number));
	double before = hits();
	char *again = page(CLERK_A, "/panel?moje=brak");
	assert_true(hits() > before);
	assert_string_equal(again, first);
	/* Clerk B takes the case on. */
	char body[128];
	snprintf(body, sizeof body, "action=assign&assignee=%ld",
	         u_count("SELECT id FROM users WHERE email = 'urzedniczka@mon.example'"));
	char path[96];
	snprintf(path, sizeof path, "/panel/sprawy/%lld/czynnosc", u_request_id(today_number));
	struct hresp r;
	u_staff_post(&staff[CLERK_B], path, body, &r);
	assert_int_equal(r.status, 303);
	h_free(&r);
	/* Clerk A's very next look: no longer unassigned. */
	char *after = page(CLERK_A, "/panel?moje=brak");
	assert_null(strstr(after, today_number));
	char *all = page(CLERK_A, "/panel");
	const char *row = strstr(all, today_number);
	assert_non_null(row);
	const char *end = strstr(row, "</tr>");
	assert_non_null(strstr(row, "Katarzyna Lewandowska"));
	assert_true(strstr(row, "Katarzyna Lewandowska") < end);
	free(first);
	free(again);
	free(after);
	free(all);
}

/* None of the cases of unit `symbol` is on the page. */
static void no_case_of(const char *html, const char *symbol)
{
	char sql[256];
	snprintf(sql, sizeof sql,
	         "SELECT r.case_number FROM requests r JOIN units u ON u.id = r.unit_id "
	         "WHERE u.symbol = '%s'",
	         symbol);
	PGconn *c = h_db();
	PGresult *r = PQexec(c, sql);
	assert_int_equal(PQresultStatus(r), PGRES_TUPLES_OK);
	assert_true(PQntuples(r) > 0);
	for (int i = 0; i < PQntuples(r); i++) {
		char needle[96];
		snprintf(needle, sizeof needle, ">%s</a>", PQgetvalue(r, i, 0));
		if (strstr(html, needle))
			fail_msg("a case of unit %s on the page: %s", symbol, PQgetvalue(r, i, 0));
	}
	PQclear(r);
	PQfinish(c);
}

static void test_members_of_different_units_never_see_each_others_kept_pages(void **state)
{
	for (int round = 0; round < 2; round++) {
		char *comon = page(CLERK_A, "/panel");
		char *bdg = page(BDG_CLERK, "/panel");
		assert_non_null(strstr(comon, today_number));
		assert_null(strstr(comon, bdg_number));
		assert_non_null(strstr(bdg, bdg_number));
		assert_null(strstr(bdg, today_number));
		no_case_of(bdg, "COMON");
		no_case_of(comon, "BDG");
		free(comon);
		free(bdg);
		char *m = page(MANAGER, "/panel/pulpit");
		char *bm = page(BDG_MANAGER, "/panel/pulpit");
		assert_non_null(strstr(m, "komórka COMON"));
		assert_null(strstr(m, bdg_number));
		assert_non_null(strstr(bm, "komórka BDG"));
		assert_null(strstr(bm, "<td>COMON</td>"));
		assert_null(strstr(m, "<td>BDG</td>"));
		free(m);
		free(bm);
	}
}

/* The queue is kept once per set of the parameters it reads
 * (web/panel.c, queue_keys): a page narrowed by any of the dashboard's
 * filters, asked for after the whole queue was kept (and again, from its
 * own copy), is that narrowed page, not the whole queue's copy. */
static void test_each_filter_of_the_queue_has_its_own_kept_page(void **state)
{
	static const char *const narrowing[][2] = {
	    {"oczekuje", "1"}, {"srodki", "1"}, {"od", "3"}, {"komorka", "999999"}, {"prowadzi", "999999"}};
	free(page(CLERK_A, "/panel"));
	char *whole = page(CLERK_A, "/panel");
	assert_null(strstr(whole, "Lista zawężona"));
	free(whole);
	for (size_t i = 0; i < sizeof narrowing / sizeof narrowing[0]; i++)
		for (int round = 0; round < 2; round++) {
			char path[64], field[96];
			snprintf(path, sizeof path, "/panel?%s=%s", narrowing[i][0], narrowing[i][1]);
			snprintf(field, sizeof field, "name=\"%s\" value=\"%s\"", narrowing[i][0],
			         narrowing[i][1]);
			char *p = page(CLERK_A, path);
			if (!strstr(p, "Lista zawężona") || !strstr(p, field))
				fail_msg("%s (round %d) is not the narrowed page", path, round);
			free(p);
		}
	whole = page(CLERK_A, "/panel");
	assert_null(strstr(whole, "Lista zawężona"));
	free(whole);
}

/* Two members of one unit share the copy, never each other's header. */
static void test_each_member_gets_their_own_name_and_csrf_token_around_the_copy(void **state)
{
	char *a = page(CLERK_A, "/panel?stan=wszystkie");
	double before = hits();
	char *b = page(CLERK_B, "/panel?stan=wszystkie");
	assert_true(hits() > before);
	assert_non_null(strstr(a, staff[CLERK_A].csrf));
	assert_null(strstr(a, staff[CLERK_B].csrf));
	assert_non_null(strstr(b, staff[CLERK_B].csrf));
	assert_null(strstr(b, staff[CLERK_A].csrf));
	assert_non_null(strstr(a, ">Tomasz Zieliński</a>"));
	assert_non_null(strstr(b, ">Katarzyna Lewandowska</a>"));
	assert_null(strstr(b, ">Tomasz Zieliński</a>"));
	/* The same queue in both. */
	assert_string_equal(strstr(a, "<main"), strstr(b, "<main"));
	free(a);
	free(b);
}

/* Mail is stored by other processes, which tell no cache: the dashboard's
 * count is read at every request, whether the rest is kept or not. */
static void test_the_dashboards_incoming_mail_is_always_fresh(void **state)
{
	char *m = page(MANAGER, "/panel/pulpit");
	assert_non_null(strstr(m, "Brak nowych wiadomości"));
	double before = hits();
	h_sql("INSERT INTO inbound_messages (org_id, source, raw, sha256, message_id, envelope_from, "
	      "envelope_to, received_at, received_on, parsed_at, kind, from_address, from_name, "
	      "subject, body_text, routed_at) "
	      "SELECT o.id, 'mailin', 'x', sha256('x'), 'scache-1@example.pl', 'jan@example.pl', "
	      "o.email, now(), '2026-12-07', now(), 'message', 'jan@example.pl', 'Jan', 'Wniosek', "
	      "'Proszę o informację.', now() FROM organisations o WHERE o.slug = 'mon'");
	char *again = page(MANAGER, "/panel/pulpit");
	assert_true(hits() > before);
	assert_null(strstr(again, "Brak nowych wiadomości"));
	assert_non_null(strstr(again, "id=\"fig-poczta\""));
	assert_non_null(strstr(again, "Najdawniej otrzymana: 2026-12-07"));
	free(m);
	free(again);
}

/* "<span class="figure-count">N</span>" of the dashboard's figure `key`. */
static long figure(const char *html, const char *key)
{
	char id[64];
	snprintf(id, sizeof id, "id=\"fig-%s\"", key);
	const char *p = strstr(html, id);
	assert_non_null(p);
	p = strstr(p, "figure-count\">");
	assert_non_null(p);
	return atol(p + strlen("figure-count\">"));
}

/* Last: it waits for midnight. */
static void test_the_day_turning_over_makes_todays_case_overdue_in_kept_pages(void **state)
{
	char *q = page(CLERK_A, "/panel");
	char *d = page(MANAGER, "/panel/pulpit");
	const char *row = strstr(q, today_number);
	assert_non_null(row);
	assert_non_null(strstr(row, "dziś"));
	assert_true(strstr(row, "dziś") < strstr(row, "</tr>"));
	long overdue = figure(d, "overdue"), today = figure(d, "today");
	assert_true(today >= 1);
	/* Kept: the same again while the day lasts. */
	double before = hits();
	char *q2 = page(CLERK_A, "/panel");
	assert_true(hits() > before);
	free(q2);
	/* Past midnight in Warsaw (the server's clock runs from NOW): the
	 * dashboard says which day it is. */
	char *d3 = NULL;
	for (int i = 0; i < 60; i++) {
		free(d3);
		d3 = page(MANAGER, "/panel/pulpit");
		if (strstr(d3, "Stan na wtorek, 2026-12-08"))
			break;
		sleep(1);
	}
	assert_non_null(strstr(d3, "Stan na wtorek, 2026-12-08"));
	char *q3 = page(CLERK_A, "/panel");
	row = strstr(q3, today_number);
	assert_non_null(row);
	const char *end = strstr(row, "</tr>");
	assert_non_null(strstr(row, "1 dzień po terminie"));
	assert_true(strstr(row, "1 dzień po terminie") < end);
	assert_non_null(strstr(q3, "<tr class=\"overdue\">"));
	assert_int_equal(figure(d3, "overdue"), overdue + today);
	assert_int_equal(figure(d3, "today"),
	                 u_count("SELECT count(*) FROM requests r JOIN units u ON u.id = r.unit_id "
	                         "WHERE u.symbol = 'COMON' AND r.closed_on IS NULL "
	                         "AND r.due_on = '2026-12-08'"));
	free(q);
	free(d);
	free(q3);
	free(d3);
}

int main(void)
{
	h_setup_db("scache");
	u_seed_demo();
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_a_step_by_another_clerk_shows_at_once_in_the_kept_queue),
	    cmocka_unit_test(test_members_of_different_units_never_see_each_others_kept_pages),
	    cmocka_unit_test(test_each_filter_of_the_queue_has_its_own_kept_page),
	    cmocka_unit_test(test_each_member_gets_their_own_name_and_csrf_token_around_the_copy),
	    cmocka_unit_test(test_the_dashboards_incoming_mail_is_always_fresh),
	    cmocka_unit_test(test_the_day_turning_over_makes_todays_case_overdue_in_kept_pages),
	};
	int failed = cmocka_run_group_tests_name("scache", tests, setup, h_stop_server);
	h_teardown();
	return failed;
}
