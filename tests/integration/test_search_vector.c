/* SPDX-License-Identifier: EUPL-1.2 */
/* Issue 22, "nothing else slower": search_vector() is made cheaper for a
 * filing (migration 0047) but must give the vector of its first definition
 * (migration 0045) word for word, and a filed request must be found by the
 * staff's search at once (no vector built later). The definition of 0045
 * is read from its migration file and made again under another schema as
 * the reference; both are run on texts that reach every branch (new words,
 * words kept, words of a published text kept only for the staff, numbers,
 * case numbers with empty or odd parts, words over 60 letters, positions
 * past the last one a vector holds, NULLs) and on every text the demo
 * keeps. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "integration/cases_util.h"

#define NOW "2026-12-07T09:00:00Z"
#define REFERENCE "migrations/0045_polish_search.sql"

static struct u_staff clerk;

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	long n = ftell(f);
	fseek(f, 0, SEEK_SET);
	char *s = malloc((size_t)n + 1);
	assert_int_equal(fread(s, 1, (size_t)n, f), (size_t)n);
	s[n] = '\0';
	fclose(f);
	return s;
}

/* Makes ref.search_vector(): 0045's statement that created search_vector,
 * in the schema ref (its body names the public schema's objects). */
static void make_reference(void)
{
	char *m = slurp(REFERENCE);
	const char *head = "CREATE FUNCTION search_vector(";
	char *from = strstr(m, head);
	assert_non_null(from);
	char *body = strstr(from, "AS $$");
	assert_non_null(body);
	char *end = strstr(body + 5, "$$;");
	assert_non_null(end);
	end[3] = '\0';
	size_t n = strlen(from) + 64;
	char *sql = malloc(n);
	snprintf(sql, n, "CREATE FUNCTION ref.search_vector(%s", from + strlen(head));
	h_sql("DROP SCHEMA IF EXISTS ref CASCADE");
	h_sql("CREATE SCHEMA ref");
	h_sql(sql);
	free(sql);
	free(m);
}

static int setup(void **state)
{
	(void)state;
	static const char *env[] = {"JAWNOSC_FAKE_NOW=" NOW, "JAWNOSC_FILING_RATE=100000", NULL};
	h_server_start(env);
	u_login("urzednik%40mon.example", "jawnosc-demo", &clerk);
	make_reference();
	return 0;
}

/* The texts to compare, as SQL values (head, body, case number). */
static const char *const texts[][3] = {
    {"'Umowy najmu lokali użytkowych'", "'Proszę o kopie umów najmu zawartych w 2025 r.'",
     "'COMON.1431.7.2026'"},
    {"'Żółtodziobów gżegżółka'", "'Źdźbło, chrząszcz: brzmi w trzcinie! 12 345 ąę'",
     "'ŻÓŁW.12.2026'"},
    {"''", "''", "''"},
    {"NULL", "NULL", "NULL"},
    {"'..., -- !!'", "'   '", "'..'"},
    {"'a'", "'b c d'", "'A..B.2026'"},
    {"'Wydatki'", "'wydatki wydatków wydatkami'", "'.OR.1431.'"},
    {"'Koszt 2026/01'", "'nr 1-1470, 1470-1, x1y2'", "'OR.14 31.1.2026'"},
    {"repeat('bardzodlugiewyrazy', 4)", "repeat('x', 60) || ' ' || repeat('y', 61)",
     "'OR-1.1431.1.2026'"},
    /* Positions past 16383: the last one a vector holds. */
    {"'Rejestr'", "repeat('umowa najem dzierżawa ', 6000)", "'OR.1.2.3.4.5.6'"},
};

static char *vector_of(PGconn *c, const char *schema, const char *const *t, bool pub)
{
	char sql[512];
	snprintf(sql, sizeof sql, "SELECT %s.search_vector(%s, %s, %s, %s)::text", schema, t[0], t[1],
	         t[2], pub ? "true" : "false");
	PGresult *r = PQexec(c, sql);
	if (PQresultStatus(r) != PGRES_TUPLES_OK)
		fprintf(stderr, "%s: %s", sql, PQerrorMessage(c));
	assert_int_equal(PQresultStatus(r), PGRES_TUPLES_OK);
	char *v = strdup(PQgetvalue(r, 0, 0));
	PQclear(r);
	return v;
}

/* Both functions' vectors of texts[i] with `pub`, `ref_first` deciding
 * which runs first (and keeps the words not kept yet). */
static void compare(PGconn *c, size_t i, bool pub, bool ref_first)
{
	char *want, *got;
	if (ref_first) {
		want = vector_of(c, "ref", texts[i], pub);
		got = vector_of(c, "public", texts[i], pub);
	} else {
		got = vector_of(c, "public", texts[i], pub);
		want = vector_of(c, "ref", texts[i], pub);
	}
	if (strcmp(want, got) != 0)
		fprintf(stderr, "text %zu (pub %d):\n  0045: %.400s\n  now:  %.400s\n", i, pub, want, got);
	assert_string_equal(want, got);
	free(want);
	free(got);
}

static void test_the_vector_is_word_for_word_the_one_of_migration_0045(void **state)
{
	(void)state;
	PGconn *c = h_db();
	size_t n = sizeof texts / sizeof texts[0];
	/* Words never seen, kept by the new definition first, then by 0045
	 * first (the new one then finds every word kept), for the staff, then
	 * for a published text (the words kept for the staff only are marked
	 * public by both). */
	for (size_t i = 0; i < n; i++)
		compare(c, i, false, i % 2 == 0);
	assert_int_equal(u_count("SELECT count(*) FROM search_words WHERE word = 'gzegzolka' AND NOT public"),
	                 1);
	for (size_t i = 0; i < n; i++)
		compare(c, i, true, i % 2 == 1);
	assert_int_equal(u_count("SELECT count(*) FROM search_words WHERE word = 'gzegzolka' AND public"), 1);
	for (size_t i = 0; i < n; i++)
		compare(c, i, false, false);
	PQfinish(c);
	/* Every vector the triggers keep: the demo's requests and publications. */
	assert_true(u_count("SELECT count(*) FROM requests") > 10);
	assert_int_equal(u_count("SELECT count(*) FROM requests WHERE search IS DISTINCT FROM "
	                         "ref.search_vector(subject, body, case_number, false)"),
	                 0);
	assert_true(u_count("SELECT count(*) FROM publications") > 0);
	assert_int_equal(u_count("SELECT count(*) FROM publications WHERE words IS DISTINCT FROM "
	                         "ref.search_vector(public_subject, answer, case_number, true)"),
	                 0);
}

static bool queue_finds(const char *query, const char *id)
{
	char path[512], link[64];
	snprintf(path, sizeof path, "/panel?q=%s", query);
	struct hresp r;
	u_staff_get(&clerk, path, &r);
	assert_int_equal(r.status, 200);
	snprintf(link, sizeof link, "href=\"/panel/sprawy/%s\"", id);
	bool found = r.body && strstr(r.body, link) != NULL;
	h_free(&r);
	return found;
}

static void test_a_filed_request_is_found_by_the_staff_search_at_once(void **state)
{
	(void)state;
	/* Words no text of the demo has: the filing keeps them. */
	assert_int_equal(u_count("SELECT count(*) FROM search_words WHERE word IN ('stokrotek', 'kwietnikow')"),
	                 0);
	struct hresp r;
	u_post_json("/api/v1/requests",
	            "{\"kind\":\"public_information\",\"subject\":\"Nasadzenia stokrotek\","
	            "\"content\":\"Proszę o koszt kwietników przy ratuszu.\",\"delivery\":\"email\","
	            "\"requester\":{\"name\":\"Ewa Test\",\"email\":\"ewa@example.pl\"}}",
	            &r);
	assert_int_equal(r.status, 201);
	json_t *j = u_json(&r);
	char number[64], id[24];
	const char *cn = u_str(j, "case_number");
	assert_non_null(cn);
	snprintf(number, sizeof number, "%s", cn ? cn : "");
	json_decref(j);
	h_free(&r);
	snprintf(id, sizeof id, "%lld", u_request_id(number));
	/* The next request finds it: by an inflected form typed without Polish
	 * letters, by a word of the content, by a part of its number. */
	assert_true(queue_finds("stokrotki", id));
	assert_true(queue_finds("kwietnik", id));
	char q[64];
	snprintf(q, sizeof q, "%s", strchr(number, '.') + 1); /* "1431.N.2026" */
	assert_true(queue_finds(q, id));
	assert_int_equal(u_countf("SELECT count(*) FROM requests WHERE id = %s AND search IS NOT DISTINCT "
	                          "FROM ref.search_vector(subject, body, case_number, false)",
	                          id),
	                 1);
}

int main(void)
{
	setenv("JAWNOSC_FAKE_NOW", NOW, 1);
	h_setup_db("search_vector");
	u_seed_demo();
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_the_vector_is_word_for_word_the_one_of_migration_0045),
	    cmocka_unit_test(test_a_filed_request_is_found_by_the_staff_search_at_once),
	};
	int failed = cmocka_run_group_tests_name("search_vector", tests, setup, h_stop_server);
	h_teardown();
	return failed;
}
