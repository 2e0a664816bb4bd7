/* SPDX-License-Identifier: EUPL-1.2 */
/* The one cache (server/core/cache.c): tags, marks, the byte limit, on and
 * off. Pure: no database, no listener. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/cache.h"

static int setup(void **state)
{
	(void)state;
	cache_configure(1024 * 1024);
	cache_set_live(true);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	cache_set_live(false);
	return 0;
}

static int frees;
static void count_free(void *p)
{
	frees++;
	free(p);
}

static bool put(const char *key, const char *tag, uint64_t mark, const char *text)
{
	return cache_put(key, tag, mark, 60, strdup(text), strlen(text) + 1, count_free);
}

static const char *get(const char *key, char *buf, size_t n)
{
	struct cache_hit hit;
	if (!cache_get(key, &hit))
		return NULL;
	strncpy(buf, hit.value, n - 1);
	buf[n - 1] = '\0';
	cache_release(&hit);
	return buf;
}

static void test_an_entry_is_found_until_its_tag_is_invalidated(void **state)
{
	char b[64];
	assert_true(put("a", "org:1", cache_mark(), "one"));
	assert_true(put("b", "org:2", cache_mark(), "two"));
	assert_string_equal(get("a", b, sizeof b), "one");
	cache_invalidate("org:1");
	assert_null(get("a", b, sizeof b));
	assert_string_equal(get("b", b, sizeof b), "two");
	cache_invalidate_all();
	assert_null(get("b", b, sizeof b));
}

static void test_a_copy_read_before_an_invalidation_is_refused(void **state)
{
	uint64_t mark = cache_mark();
	cache_invalidate("org:3"); /* a change commits while the page is drawn */
	frees = 0;
	assert_false(put("c", "org:3", mark, "stale"));
	assert_int_equal(frees, 1);
	/* Another organisation's copy read at the same time is fine. */
	assert_true(put("d", "org:4", mark, "fresh"));
	/* And one read after the change. */
	assert_true(put("c", "org:3", cache_mark(), "current"));
}

static void test_a_reader_keeps_its_value_while_the_entry_goes(void **state)
{
	assert_true(put("e", "org:5", cache_mark(), "held"));
	struct cache_hit hit;
	assert_true(cache_get("e", &hit));
	frees = 0;
	cache_invalidate("org:5");
	assert_int_equal(frees, 0);
	assert_string_equal(hit.value, "held");
	cache_release(&hit);
	assert_int_equal(frees, 1);
}

static void test_the_least_recently_used_go_first_past_the_limit(void **state)
{
	cache_configure(64 * 1024);
	cache_invalidate_all();
	char big[4000];
	memset(big, 'x', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	char key[16];
	for (int i = 0; i < 40; i++) {
		snprintf(key, sizeof key, "k%d", i);
		assert_true(put(key, NULL, cache_mark(), big));
		char b[8];
		assert_non_null(get("k0", b, sizeof b)); /* k0 stays in use */
	}
	struct cache_stats st;
	cache_stats(&st);
	assert_true(st.bytes <= 64 * 1024);
	assert_true(st.entries < 40);
	char b[8];
	assert_non_null(get("k0", b, sizeof b));
	assert_null(get("k1", b, sizeof b));
	/* Over an eighth of the limit: not kept at all. */
	char *huge = calloc(1, 9 * 1024);
	memset(huge, 'y', 9 * 1024 - 1);
	assert_false(put("huge", NULL, cache_mark(), huge));
	free(huge);
	cache_configure(1024 * 1024);
}

static void test_nothing_is_kept_while_off_and_turning_on_forgets(void **state)
{
	char b[64];
	assert_true(put("f", NULL, cache_mark(), "kept"));
	uint64_t mark = cache_mark();
	cache_set_live(false);
	assert_false(cache_on());
	assert_false(put("g", NULL, cache_mark(), "no"));
	assert_null(get("f", b, sizeof b));
	cache_set_live(true);
	assert_null(get("f", b, sizeof b));
	/* Read before the listener came back: it may have missed a change. */
	assert_false(put("h", NULL, mark, "old"));
}

static void test_tag_entries_are_counted(void **state)
{
	cache_invalidate_all();
	assert_true(put("s1", "settings", cache_mark(), "x"));
	assert_true(put("s2", "settings", cache_mark(), "y"));
	assert_true(put("s2", "settings", cache_mark(), "z")); /* replaces */
	assert_int_equal(cache_tag_entries("settings"), 2);
	cache_invalidate("settings");
	assert_int_equal(cache_tag_entries("settings"), 0);
}

static void test_json_is_kept_compressed_and_read_back(void **state)
{
	json_t *doc = json_pack("{s:s, s:i}", "case", "COMON.1431.1.2026", "n", 7);
	assert_true(cache_put_json("j", "org:9", cache_mark(), 60, doc));
	json_t *back = cache_get_json("j");
	assert_non_null(back);
	assert_true(json_equal(doc, back));
	json_decref(back);
	json_decref(doc);
}

/* A request that read from a replica keeps nothing of a tag whose last
 * change that replica had not replayed (or whose change is not bound to a
 * point of the primary's WAL yet); a request of the primary keeps it at
 * once, and so does one of a replica that has replayed the change. */
static void test_a_replica_read_is_kept_only_once_it_shows_the_change(void **state)
{
	char b[64];
	struct cache_stats before, after;
	cache_stats(&before);
	cache_changes_reached(cache_mark(), 1000);
	assert_int_equal(cache_changes_lsn(), 1000);
	/* A replica that replayed the point bound to every change so far. */
	cache_reading_replica(true, 1000);
	assert_true(put("s", "org:8", cache_mark(), "settled"));
	/* A change, not bound yet: a replica's read is not kept. */
	cache_invalidate("org:7");
	frees = 0;
	assert_false(put("r", "org:7", cache_mark(), "maybe stale"));
	assert_int_equal(frees, 1);
	assert_null(get("r", b, sizeof b));
	/* Another tag, changed before the bound point: kept. */
	assert_true(put("s", "org:8", cache_mark(), "settled"));
	/* Bound to 2000: a replica at 1999 is behind, one at 2000 is not. */
	cache_changes_reached(cache_mark(), 2000);
	cache_reading_replica(true, 1999);
	assert_false(put("r", "org:7", cache_mark(), "stale"));
	assert_true(put("s", "org:8", cache_mark(), "still settled"));
	cache_reading_replica(true, 2000);
	assert_true(put("r", "org:7", cache_mark(), "replayed"));
	assert_string_equal(get("r", b, sizeof b), "replayed");
	cache_stats(&after);
	assert_int_equal(after.replica_behind, before.replica_behind + 2);
	/* The primary's read (the start of the next request): kept at once. */
	cache_invalidate("org:7");
	cache_reading_replica(false, 0);
	assert_true(put("r", "org:7", cache_mark(), "primary"));
	/* After everything changed, a replica's read of any tag waits. */
	cache_invalidate_all();
	cache_reading_replica(true, 2000);
	assert_false(put("s", "org:8", cache_mark(), "maybe stale"));
	cache_changes_reached(cache_mark(), 3000);
	cache_reading_replica(true, 3000);
	assert_true(put("s", "org:8", cache_mark(), "settled again"));
	/* A point that goes back on the same connection is ignored. */
	cache_changes_reached(cache_mark() + 5, 10);
	assert_int_equal(cache_changes_lsn(), 3000);
	/* The listener's new connection (perhaps to a new primary, whose WAL
	 * is behind): the points are bound anew, nothing before counts. */
	cache_set_live(false);
	cache_set_live(true);
	assert_int_equal(cache_changes_lsn(), 0);
	cache_reading_replica(true, 3000);
	assert_false(put("s", "org:8", cache_mark(), "not bound yet"));
	cache_changes_reached(cache_mark(), 500);
	assert_int_equal(cache_changes_lsn(), 500);
	cache_reading_replica(true, 500);
	assert_true(put("s", "org:8", cache_mark(), "bound anew"));
	cache_reading_replica(false, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_an_entry_is_found_until_its_tag_is_invalidated),
	    cmocka_unit_test(test_a_copy_read_before_an_invalidation_is_refused),
	    cmocka_unit_test(test_a_reader_keeps_its_value_while_the_entry_goes),
	    cmocka_unit_test(test_the_least_recently_used_go_first_past_the_limit),
	    cmocka_unit_test(test_nothing_is_kept_while_off_and_turning_on_forgets),
	    cmocka_unit_test(test_tag_entries_are_counted),
	    cmocka_unit_test(test_json_is_kept_compressed_and_read_back),
	    cmocka_unit_test(test_a_replica_read_is_kept_only_once_it_shows_the_change),
	};
	return cmocka_run_group_tests_name("cache", tests, setup, teardown);
}
