/* SPDX-License-Identifier: EUPL-1.2 */
/* The organisations kept in memory by host (cases/org.c) against the real
 * PostgreSQL with the demo data: a stream of made-up Host headers is
 * bounded without pushing out the bodies' own hosts, and a change of the
 * settings drops both. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cases/org.h"
#include "core/arena.h"
#include "core/cache.h"
#include "core/config.h"
#include "db/db.h"
#include "integration/cases_util.h"
#include "integration/harness.h"

static char url[256];

static int setup(void **state)
{
	snprintf(url, sizeof url, "%s", getenv("DATABASE_URL"));
	db_set_url(url);
	cache_configure(64u << 20);
	cache_set_live(true);
	return 0;
}

static int teardown(void **state)
{
	db_close();
	return 0;
}

/* The body the host leads to (0: none), read through the cache. */
static long long body_of(const char *host)
{
	arena_t *a = arena_new(4096);
	struct org o;
	bool found = false;
	assert_int_equal(org_for_host(db_conn(), a, host, ORG_SETTINGS, &o, &found), DB_OK);
	long long id = found ? o.id : 0;
	arena_free(a);
	return id;
}

static bool kept(const char *host)
{
	char key[300];
	snprintf(key, sizeof key, "O %s", host);
	struct cache_hit hit;
	if (!cache_get(key, &hit))
		return false;
	cache_release(&hit);
	return true;
}

static void test_made_up_hosts_do_not_push_out_the_bodies_hosts(void **state)
{
	long long demo = body_of("localhost");
	assert_true(demo > 0);
	assert_true(kept("localhost"));
	assert_int_equal(cache_tag_entries("settings"), 1);
	/* More made-up hosts than the cap of their own tag (2 048). */
	char host[64];
	for (int i = 0; i < 2600; i++) {
		snprintf(host, sizeof host, "h%d.example", i);
		body_of(host);
	}
	assert_true(kept("localhost"));
	assert_int_equal(body_of("localhost"), demo);
	long unlisted = cache_tag_entries("settings:unlisted");
	assert_true(unlisted > 0 && unlisted <= 2048);
	/* The last one is kept: it costs no query again. */
	assert_true(kept("h2599.example"));
}

static void test_a_change_of_settings_drops_both(void **state)
{
	body_of("localhost");
	body_of("nobody.example");
	assert_true(kept("localhost") && kept("nobody.example"));
	org_settings_changed();
	assert_false(kept("localhost"));
	assert_false(kept("nobody.example"));
	assert_int_equal(cache_tag_entries("settings"), 0);
	assert_int_equal(cache_tag_entries("settings:unlisted"), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_made_up_hosts_do_not_push_out_the_bodies_hosts),
	    cmocka_unit_test(test_a_change_of_settings_drops_both),
	};
	h_setup_db("org_cache");
	u_seed_demo();
	int failed = cmocka_run_group_tests_name("org_cache", tests, setup, teardown);
	h_teardown();
	return failed;
}
