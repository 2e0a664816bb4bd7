/* SPDX-License-Identifier: EUPL-1.2 */
/* Pages kept in memory (web/pcache.c, db/changes.c) over real HTTP and a
 * real PostgreSQL: a register page is answered from memory the second time,
 * and shows a change made by another process (NOTIFY) within moments; a
 * tracking page shows the requester's own step at once; visits are written
 * in batches and none is lost; with the database restarted the cache goes
 * off (no stale page is served) and comes back by itself; the memory limit
 * holds; organisations' settings are kept until any settings change. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "integration/cases_util.h"

static int setup(void **state)
{
	(void)state;
	static const char *env[] = {"JAWNOSC_FILING_RATE=100000", "JAWNOSC_SEARCH_RATE=100000", NULL};
	h_server_start(env);
	return 0;
}

static double metric_port(unsigned port, const char *name)
{
	return h_metric(port, name);
}

static double metric(const char *name)
{
	return metric_port(h_port(), name);
}

#define HITS "jawnosc_page_cache_lookups_total{result=\"hit\"}"

/* The number after "Liczba odwiedzin" on a page, -1 when absent. */
static long visits_shown(const char *html)
{
	const char *p = html ? strstr(html, "Liczba odwiedzin</dt><dd>") : NULL;
	return p ? atol(p + strlen("Liczba odwiedzin</dt><dd>")) : -1;
}

/* GETs `path` until its body has `needle` (at most 5 s); true when it did. */
static bool eventually_shows(const char *path, const char *needle)
{
	for (int i = 0; i < 50; i++) {
		struct hresp r;
		h_get(path, &r);
		bool found = r.status == 200 && r.body && strstr(r.body, needle);
		h_free(&r);
		if (found)
			return true;
		usleep(100 * 1000);
	}
	return false;
}

static void wait_cache_on(unsigned port)
{
	for (int i = 0; i < 100 && metric_port(port, "jawnosc_page_cache_on") != 1; i++)
		usleep(100 * 1000);
	assert_true(metric_port(port, "jawnosc_page_cache_on") == 1);
}

static void test_register_page_is_kept_until_its_organisation_changes(void **state)
{
	wait_cache_on(h_port());
	struct hresp a, b;
	h_get("/rejestr", &a);
	assert_int_equal(a.status, 200);
	double hits = metric(HITS);
	h_get("/rejestr", &b);
	assert_int_equal(b.status, 200);
	/* The second time from memory: the same page with one visit more. */
	assert_true(metric(HITS) >= hits + 1);
	long va = visits_shown(a.body), vb = visits_shown(b.body);
	assert_true(va > 0);
	assert_int_equal(vb, va + 1);
	char da[24], db[24];
	assert_int_equal(a.len - (size_t)snprintf(da, sizeof da, "%ld", va),
	                 b.len - (size_t)snprintf(db, sizeof db, "%ld", vb));
	h_free(&a);
	h_free(&b);
	/* Another process changes the organisation's name: the page shows it
	 * within moments (the notification, not the 300 s limit). */
	h_sql("UPDATE organisations SET name = name || ' — zmieniona' WHERE slug = 'mon'");
	assert_true(eventually_shows("/rejestr", "Ministerstwo Obrony Narodowej — zmieniona"));
	h_sql("UPDATE organisations SET name = replace(name, ' — zmieniona', '') WHERE slug = 'mon'");
	assert_true(eventually_shows("/rejestr", "Ministerstwo Obrony Narodowej</"));
	/* The Atom feed and a 304 from memory keep their validators. */
	struct hresp f;
	h_get("/rejestr.atom", &f);
	assert_int_equal(f.status, 200);
	char etag[128];
	snprintf(etag, sizeof etag, "If-None-Match: %s", h_header(&f, "ETag"));
	h_free(&f);
	hits = metric(HITS);
	const char *hdr[] = {etag, NULL};
	h_request("GET", "/rejestr.atom", hdr, NULL, 0, &f);
	assert_int_equal(f.status, 304);
	assert_true(metric(HITS) >= hits + 1);
	h_free(&f);
}

static void test_visits_are_written_in_batches_and_none_is_lost(void **state)
{
	wait_cache_on(h_port());
	struct hresp r;
	h_get("/rejestr?rok=2026", &r);
	h_free(&r);
	usleep(1500 * 1000);
	long before = u_count("SELECT coalesce(sum(count), 0) FROM page_visits WHERE path = '/rejestr'");
	double hits = metric(HITS);
	for (int i = 0; i < 25; i++) {
		h_get("/rejestr?rok=2026", &r);
		assert_int_equal(r.status, 200);
		h_free(&r);
	}
	assert_true(metric(HITS) >= hits + 25);
	long after = before;
	for (int i = 0; i < 50 && after != before + 25; i++) {
		usleep(100 * 1000);
		after = u_count("SELECT coalesce(sum(count), 0) FROM page_visits WHERE path = '/rejestr'");
	}
	assert_int_equal(after, before + 25);
}

/* The requester withdraws the case on its tracking page `page`, through
 * the first instance: the page's form cookie and CSRF token, then the
 * action (303). */
static void withdraw(const char *page)
{
	struct hresp r;
	h_get(page, &r);
	assert_int_equal(r.status, 200);
	char cookie[160] = "Cookie: ", csrf[80];
	const char *set = h_header(&r, "Set-Cookie");
	assert_non_null(set);
	strncat(cookie, set, strcspn(set, ";"));
	u_attr(r.body, "csrf", csrf, sizeof csrf);
	h_free(&r);
	char path[300], body[512];
	snprintf(path, sizeof path, "%s/czynnosc", page);
	snprintf(body, sizeof body, "csrf=%s&action=withdraw&version=1&potwierdzam=1&text=Nieaktualne", csrf);
	const char *hdr[] = {"Content-Type: application/x-www-form-urlencoded", cookie, NULL};
	h_request("POST", path, hdr, body, strlen(body), &r);
	assert_int_equal(r.status, 303);
	h_free(&r);
}

static void test_tracking_page_shows_each_step_at_once(void **state)
{
	wait_cache_on(h_port());
	char number[64], page[200];
	char *token = u_file("public_information", number);
	snprintf(page, sizeof page, "/sprawa/%s", token);
	struct hresp r;
	h_get(page, &r);
	assert_int_equal(r.status, 200);
	h_free(&r);
	double hits = metric(HITS);
	h_get(page, &r);
	assert_int_equal(r.status, 200);
	assert_true(metric(HITS) >= hits + 1);
	assert_null(strstr(r.body, "wycofany"));
	h_free(&r);
	/* The requester withdraws: the very next view shows it. */
	withdraw(page);
	h_get(page, &r);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.body, "wycofany"));
	assert_non_null(strstr(r.body, "Nieaktualne"));
	h_free(&r);
	/* Another process changes the case: shown within moments. */
	char q[300];
	snprintf(q, sizeof q,
	         "UPDATE requests SET subject = 'Temat poprawiony przez inny proces' "
	         "WHERE case_number = '%s'",
	         number);
	h_sql(q);
	assert_true(eventually_shows(page, "Temat poprawiony przez inny proces"));
	free(token);
}

/* GETs `path` on `port` until its body has `needle` (at most 5 s). */
static bool eventually_shows_port(unsigned port, const char *path, const char *needle)
{
	for (int i = 0; i < 50; i++) {
		struct hresp r;
		h_request_port(port, "GET", path, NULL, NULL, 0, &r);
		bool found = r.status == 200 && r.body && strstr(r.body, needle);
		h_free(&r);
		if (found)
			return true;
		usleep(100 * 1000);
	}
	return false;
}

/* The server's own writes skip the triggers (migration 0011): another
 * instance hears of them from the writer's listener instead. */
static void test_another_instance_hears_of_a_write(void **state)
{
	unsigned port = 0;
	pid_t other = h_server_start_other(NULL, &port);
	wait_cache_on(port);
	wait_cache_on(h_port());
	char number[64], page[200];
	char *token = u_file("public_information", number);
	snprintf(page, sizeof page, "/sprawa/%s", token);
	/* The other instance keeps the page (once it has heard of the filing:
	 * a copy made before that is dropped when it does). */
	struct hresp r;
	bool kept = false;
	for (int i = 0; i < 50 && !kept; i++) {
		h_request_port(port, "GET", page, NULL, NULL, 0, &r);
		assert_int_equal(r.status, 200);
		assert_null(strstr(r.body, "wycofany"));
		h_free(&r);
		double hits = metric_port(port, HITS);
		h_request_port(port, "GET", page, NULL, NULL, 0, &r);
		h_free(&r);
		kept = metric_port(port, HITS) >= hits + 1;
		if (!kept)
			usleep(100 * 1000);
	}
	assert_true(kept);
	/* The requester withdraws through the first instance. */
	withdraw(page);
	/* The other instance shows it within moments. */
	assert_true(eventually_shows_port(port, page, "wycofany"));
	assert_int_equal(h_server_stop_other(other), 0);
	free(token);
}

static void test_stale_copies_are_dropped_from_memory(void **state)
{
	wait_cache_on(h_port());
	struct hresp r;
	h_get("/rejestr?rodzaj=reuse", &r);
	assert_int_equal(r.status, 200);
	h_free(&r);
	h_get("/rejestr.atom", &r);
	h_free(&r);
	assert_true(metric("jawnosc_page_cache_entries") >= 2);
	/* A change of the organisation: its copies go within a second or two,
	 * without anyone asking for them again. */
	h_sql("UPDATE units SET name = name WHERE symbol = 'COMON'");
	double left = -1;
	for (int i = 0; i < 50 && left != 0; i++) {
		usleep(100 * 1000);
		left = metric("jawnosc_page_cache_entries");
	}
	assert_true(left == 0);
}

static void test_database_restart_turns_the_cache_off_and_on(void **state)
{
	if (!h_private_pg()) {
		skip();
		return;
	}
	wait_cache_on(h_port());
	struct hresp r;
	h_get("/rejestr", &r);
	h_free(&r);
	h_pg_stop();
	/* No copy is current while changes cannot be heard: 503, not an old page. */
	for (int i = 0; i < 50 && metric("jawnosc_page_cache_on") != 0; i++)
		usleep(100 * 1000);
	assert_true(metric("jawnosc_page_cache_on") == 0);
	h_get("/rejestr", &r);
	assert_int_equal(r.status, 503);
	h_free(&r);
	h_pg_start();
	wait_cache_on(h_port());
	h_get("/rejestr", &r);
	assert_int_equal(r.status, 200);
	h_free(&r);
	double hits = metric(HITS);
	h_get("/rejestr", &r);
	assert_int_equal(r.status, 200);
	h_free(&r);
	assert_true(metric(HITS) >= hits + 1);
}

static void test_memory_limit_holds(void **state)
{
	static const char *env[] = {"JAWNOSC_PAGE_CACHE_MB=1", "JAWNOSC_SEARCH_RATE=100000", NULL};
	unsigned port = 0;
	pid_t pid = h_server_start_other(env, &port);
	wait_cache_on(port);
	/* 1 000 different pages of about 10 kB, kept compressed in about 2 kB
	 * each: twice the limit. */
	for (int i = 0; i < 1000; i++) {
		char path[64];
		snprintf(path, sizeof path, "/rejestr?q=slowo%d", i);
		struct hresp r;
		h_request_port(port, "GET", path, NULL, NULL, 0, &r);
		assert_int_equal(r.status, 200);
		h_free(&r);
	}
	double bytes = metric_port(port, "jawnosc_page_cache_bytes");
	double entries = metric_port(port, "jawnosc_page_cache_entries");
	fprintf(stderr, "limit 1 MB: %.0f pages in %.0f bytes\n", entries, bytes);
	assert_true(bytes > 0);
	assert_true(bytes <= 1024 * 1024);
	assert_true(entries < 1000);
	assert_int_equal(h_server_stop_other(pid), 0);
}

/* An organisation's settings are read once and kept: the public form is
 * made from memory even when the row changed without a word; the word
 * ("settings" on jawnosc_changes, what migration 0013's triggers send for
 * any change to organisations or units) makes the next request read them
 * again. */
static void test_settings_are_kept_until_any_settings_change(void **state)
{
	wait_cache_on(h_port());
	assert_true(eventually_shows("/wniosek", "Ministerstwo Obrony Narodowej"));
	h_sql("ALTER TABLE organisations DISABLE TRIGGER organisations_notify_settings");
	h_sql("UPDATE organisations SET name = 'Ministerstwo Pamięci' WHERE slug = 'mon'");
	h_sql("ALTER TABLE organisations ENABLE TRIGGER organisations_notify_settings");
	/* The row's own notification (migration 0009) only stales pages. */
	usleep(300 * 1000);
	struct hresp r;
	h_get("/wniosek", &r);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.body, "Ministerstwo Obrony Narodowej"));
	assert_null(strstr(r.body, "Ministerstwo Pamięci"));
	h_free(&r);
	h_sql("NOTIFY jawnosc_changes, 'settings'");
	assert_true(eventually_shows("/wniosek", "Ministerstwo Pamięci"));
	/* A change to organisations says so by itself... */
	h_sql("UPDATE organisations SET name = 'Ministerstwo Obrony Narodowej' WHERE slug = 'mon'");
	assert_true(eventually_shows("/wniosek", "Ministerstwo Obrony Narodowej"));
	/* ...and so does one to units. */
	h_sql("ALTER TABLE organisations DISABLE TRIGGER organisations_notify_settings");
	h_sql("UPDATE organisations SET name = 'Ministerstwo Jednostek' WHERE slug = 'mon'");
	h_sql("ALTER TABLE organisations ENABLE TRIGGER organisations_notify_settings");
	h_sql("UPDATE units SET name = name WHERE id = (SELECT min(id) FROM units)");
	assert_true(eventually_shows("/wniosek", "Ministerstwo Jednostek"));
	h_sql("UPDATE organisations SET name = 'Ministerstwo Obrony Narodowej' WHERE slug = 'mon'");
	assert_true(eventually_shows("/wniosek", "Ministerstwo Obrony Narodowej"));
}

/* What the register shows of a body and reads once (cases/register.c,
 * "facts": the register's stamp, the years and the units of the filters)
 * is kept under the body's tag: a unit added, an item of a new year and a
 * change of an item by another process show on the pages within moments,
 * on the list (kept itself) and on the statistics (not kept, drawn from
 * the facts). */
static void test_register_facts_follow_the_body(void **state)
{
	wait_cache_on(h_port());
	assert_true(u_count("SELECT count(*) FROM publications p JOIN organisations o ON "
	                    "o.id = p.org_id WHERE o.slug = 'mon' AND NOT p.withdrawn") > 0);
	struct hresp r;
	h_get("/rejestr", &r);
	assert_int_equal(r.status, 200);
	assert_null(strstr(r.body, "ZZ9 — Wydział pamięci"));
	assert_null(strstr(r.body, "<option value=\"2011\">"));
	h_free(&r);
	h_get("/rejestr/statystyki", &r);
	assert_int_equal(r.status, 200);
	assert_null(strstr(r.body, "03.02.2031 10:20"));
	h_free(&r);
	/* Drawn twice: the facts are in memory now. */
	h_get("/rejestr?rodzaj=reuse", &r);
	h_free(&r);
	h_sql("INSERT INTO units (org_id, symbol, name) SELECT id, 'ZZ9', 'Wydział pamięci' "
	      "FROM organisations WHERE slug = 'mon'");
	assert_true(eventually_shows("/rejestr", "ZZ9 — Wydział pamięci"));
	assert_true(eventually_shows("/rejestr?rodzaj=reuse", "ZZ9 — Wydział pamięci"));
	const char *first = "(SELECT min(p.id) FROM publications p JOIN organisations o ON "
	                    "o.id = p.org_id WHERE o.slug = 'mon' AND NOT p.withdrawn)";
	char sql[512];
	snprintf(sql, sizeof sql,
	         "CREATE TABLE kept_on AS SELECT id, received_on, changed_at FROM publications "
	         "WHERE id = %s",
	         first);
	h_sql(sql);
	snprintf(sql, sizeof sql, "UPDATE publications SET received_on = '2011-03-01' WHERE id = %s",
	         first);
	h_sql(sql);
	assert_true(eventually_shows("/rejestr", "<option value=\"2011\">"));
	snprintf(sql, sizeof sql,
	         "UPDATE publications SET changed_at = '2031-02-03 09:20:00+00' WHERE id = %s", first);
	h_sql(sql);
	/* 10:20 in Warsaw (CET). */
	assert_true(eventually_shows("/rejestr/statystyki", "03.02.2031 10:20"));
	h_sql("DELETE FROM units WHERE symbol = 'ZZ9'");
	h_sql("UPDATE publications p SET received_on = k.received_on, changed_at = k.changed_at "
	      "FROM kept_on k WHERE p.id = k.id");
	h_sql("DROP TABLE kept_on");
}

int main(void)
{
	h_setup_db("pcache");
	u_seed_demo();
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_register_page_is_kept_until_its_organisation_changes),
	    cmocka_unit_test(test_visits_are_written_in_batches_and_none_is_lost),
	    cmocka_unit_test(test_tracking_page_shows_each_step_at_once),
	    cmocka_unit_test(test_another_instance_hears_of_a_write),
	    cmocka_unit_test(test_stale_copies_are_dropped_from_memory),
	    cmocka_unit_test(test_database_restart_turns_the_cache_off_and_on),
	    cmocka_unit_test(test_memory_limit_holds),
	    cmocka_unit_test(test_settings_are_kept_until_any_settings_change),
	    cmocka_unit_test(test_register_facts_follow_the_body),
	};
	int failed = cmocka_run_group_tests_name("pcache", tests, setup, h_stop_server);
	h_teardown();
	return failed;
}
