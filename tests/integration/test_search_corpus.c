/* SPDX-License-Identifier: EUPL-1.2 */
/* Issue 22 item 1: the search's corpus (tests/search_corpus.txt) over real
 * HTTP. Every case of the corpus is filed through the API and published
 * (its content as the answer); every query then goes through the public
 * register's search (/rejestr?q=) and the staff's (/panel?q=, signed in),
 * and the cases of the corpus each page lists are compared with the
 * expected ones. Precision and recall are printed per group and in all, for
 * both searches, and the test fails below the floors set from what the
 * search achieves (docs/register.md, "Search": the table). Results outside
 * the corpus (the demo's cases) are not judged.
 *
 * The floors depend on the dictionary the database uses (/readyz
 * "search"): with the Polish one (deploy/search-dict.sh), or without it
 * (JAWNOSC_SEARCH_DICTIONARY=off, a managed PostgreSQL: unaccent and
 * simple only, no inflection). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cases/register.h"
#include "db/db.h"
#include "integration/cases_util.h"

#define NOW "2026-12-07T09:00:00Z"
#define CORPUS "tests/search_corpus.txt"
#define MAX_CASES 64
#define MAX_QUERIES 128
#define MAX_GROUPS 8

static struct u_staff clerk;

struct ccase {
	char key[40];
	char subject[300];
	char content[1000];
	char number[64];
	char id[24];
};

struct cquery {
	char group[24];
	char text[200];
	char expected[MAX_CASES]; /* by the index of the case */
};

static struct ccase cases[MAX_CASES];
static int ncases;
static struct cquery queries[MAX_QUERIES];
static int nqueries;

/* What one search gave on the corpus. */
struct counts {
	long tp, fp, fn;
};

static char *trim(char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	size_t n = strlen(s);
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\n' || s[n - 1] == '\r'))
		s[--n] = '\0';
	return s;
}

static int case_index(const char *key)
{
	for (int i = 0; i < ncases; i++)
		if (!strcmp(cases[i].key, key))
			return i;
	fprintf(stderr, "corpus: no case \"%s\"\n", key);
	fail();
	return -1;
}

/* "a | b | c" into three trimmed fields. */
static bool fields3(char *line, char **a, char **b, char **c)
{
	char *p1 = strchr(line, '|');
	char *p2 = p1 ? strchr(p1 + 1, '|') : NULL;
	if (!p2)
		return false;
	*p1 = *p2 = '\0';
	*a = trim(line);
	*b = trim(p1 + 1);
	*c = trim(p2 + 1);
	return true;
}

static void load_corpus(void)
{
	FILE *f = fopen(CORPUS, "r");
	assert_non_null(f);
	char line[2048];
	while (fgets(line, sizeof line, f)) {
		char *a, *b, *c;
		if (!strncmp(line, "case ", 5)) {
			assert_true(ncases < MAX_CASES);
			assert_true(fields3(line + 5, &a, &b, &c));
			struct ccase *k = &cases[ncases++];
			snprintf(k->key, sizeof k->key, "%s", a);
			snprintf(k->subject, sizeof k->subject, "%s", b);
			snprintf(k->content, sizeof k->content, "%s", c);
		} else if (!strncmp(line, "query ", 6)) {
			assert_true(nqueries < MAX_QUERIES);
			assert_true(fields3(line + 6, &a, &b, &c));
			struct cquery *q = &queries[nqueries++];
			snprintf(q->group, sizeof q->group, "%s", a);
			snprintf(q->text, sizeof q->text, "%s", b);
			if (strcmp(c, "-") != 0)
				for (char *save = NULL, *k = strtok_r(c, " ", &save); k;
				     k = strtok_r(NULL, " ", &save))
					q->expected[case_index(k)] = 1;
		}
	}
	fclose(f);
	assert_true(ncases > 0 && nqueries > 0);
}

/* Files the case through the API and publishes it through the service,
 * with its content as the answer. */
static void file_and_publish(struct ccase *k)
{
	json_t *req = json_pack("{s:s, s:s, s:s, s:s, s:{s:s, s:s}}", "kind", "public_information",
	                        "subject", k->subject, "content", k->content, "delivery", "email",
	                        "requester", "name", "Jan Korpusowy", "email", "korpus@example.pl");
	char *body = json_dumps(req, 0);
	json_decref(req);
	struct hresp r;
	u_post_json("/api/v1/requests", body, &r);
	free(body);
	if (r.status != 201)
		fprintf(stderr, "filing %s: %ld %s\n", k->key, r.status, r.body);
	assert_int_equal(r.status, 201);
	json_t *j = u_json(&r);
	const char *cn = u_str(j, "case_number");
	assert_non_null(cn);
	snprintf(k->number, sizeof k->number, "%s", cn ? cn : "");
	json_decref(j);
	h_free(&r);
	long long id = u_request_id(k->number);
	snprintf(k->id, sizeof k->id, "%lld", id);

	struct actor who = {u_count("SELECT id FROM users WHERE email = 'urzednik@mon.example'"),
	                    u_count("SELECT id FROM organisations WHERE slug = 'mon'"), 0, "clerk",
	                    "Tomasz Zieliński"};
	arena_t *a = arena_new(4096);
	struct svc_ctx ctx = {a, NULL, &who, time(NULL)};
	struct register_draft d;
	assert_int_equal(register_proposal(&ctx, id, &d, NULL), OUT_OK);
	d.public_subject = k->subject;
	d.answer = k->content;
	struct problem errs = {0};
	const char *version;
	enum outcome o = register_publish(&ctx, id, &d, 0, &version, &errs);
	if (o != OUT_OK)
		fprintf(stderr, "publishing %s: %d (%s: %s)\n", k->key, o,
		        errs.nfields ? errs.fields[0].field : "", errs.nfields ? errs.fields[0].message : "");
	assert_int_equal(o, OUT_OK);
	arena_free(a);
}

/* The query's text with {KEY} (the case number) and {KEY:a-b} (its
 * dotted parts a to b) put in. */
static void expand(const char *text, char *out, size_t len)
{
	size_t n = 0;
	for (const char *s = text; *s && n + 1 < len;) {
		if (*s != '{') {
			out[n++] = *s++;
			continue;
		}
		const char *end = strchr(s, '}');
		assert_non_null(end);
		char key[64];
		snprintf(key, sizeof key, "%.*s", (int)(end - s - 1), s + 1);
		int from = 0, to = 0;
		char *colon = strchr(key, ':');
		if (colon) {
			*colon = '\0';
			assert_int_equal(sscanf(colon + 1, "%d-%d", &from, &to), 2);
		}
		const char *number = cases[case_index(key)].number;
		int part = 1;
		for (const char *c = number; *c && n + 1 < len; c++) {
			if (*c == '.')
				part++;
			if (!from || (part >= from && part <= to && !(*c == '.' && part == from)))
				out[n++] = *c;
		}
		s = end + 1;
	}
	out[n] = '\0';
}

/* Which cases of the corpus the page lists: links of the register
 * ("/rejestr/NUMBER") or of the panel ("/panel/sprawy/ID"). */
static void found_on(const char *html, bool staff, char found[MAX_CASES])
{
	for (int i = 0; i < ncases; i++) {
		char link[128];
		snprintf(link, sizeof link, staff ? "href=\"/panel/sprawy/%s\"" : "href=\"/rejestr/%s\"",
		         staff ? cases[i].id : cases[i].number);
		found[i] = strstr(html, link) != NULL;
	}
}

static char *search_page(bool staff, const char *text)
{
	char q[512], path[640];
	u_urlencode(text, q, sizeof q);
	snprintf(path, sizeof path, staff ? "/panel?q=%s" : "/rejestr?q=%s", q);
	struct hresp r;
	if (staff)
		u_staff_get(&clerk, path, &r);
	else
		h_get(path, &r);
	if (r.status != 200)
		fprintf(stderr, "GET %s: %ld\n", path, r.status);
	assert_int_equal(r.status, 200);
	char *html = strdup(r.body ? r.body : "");
	h_free(&r);
	return html;
}

static double ratio(long a, long b)
{
	return b ? (double)a / (double)b : 1.0;
}

/* The floors: what the search achieves on the corpus, a little under it
 * (docs/register.md has the table). [dictionary][side]: precision,
 * recall; the typo group's recall on its own. */
struct floor {
	double precision, recall, typo_recall;
};
static const struct floor floors_polish[2] = {{0.93, 0.98, 0.90}, {0.93, 0.98, 0.90}};
static const struct floor floors_simple[2] = {{0.92, 0.70, 0.90}, {0.92, 0.70, 0.90}};

static const char *dictionary(void)
{
	struct hresp r;
	h_get("/readyz", &r);
	assert_int_equal(r.status, 200);
	json_t *j = u_json(&r);
	static char d[16];
	const char *v = u_str(j, "search");
	snprintf(d, sizeof d, "%s", v ? v : "none");
	json_decref(j);
	h_free(&r);
	return d;
}

static void test_the_corpus_finds_what_it_should(void **state)
{
	load_corpus();
	for (int i = 0; i < ncases; i++)
		file_and_publish(&cases[i]);
	const char *dict = dictionary();
	char groups[MAX_GROUPS][24];
	int ngroups = 0;
	struct counts per[MAX_GROUPS][2] = {{{0}}}, all[2] = {{0}};
	for (int qi = 0; qi < nqueries; qi++) {
		struct cquery *q = &queries[qi];
		int g = 0;
		while (g < ngroups && strcmp(groups[g], q->group) != 0)
			g++;
		if (g == ngroups) {
			assert_true(ngroups < MAX_GROUPS);
			snprintf(groups[ngroups++], sizeof groups[0], "%s", q->group);
		}
		char text[256];
		expand(q->text, text, sizeof text);
		for (int side = 0; side < 2; side++) {
			char *html = search_page(side == 1, text);
			char found[MAX_CASES];
			found_on(html, side == 1, found);
			free(html);
			for (int i = 0; i < ncases; i++) {
				struct counts c = {found[i] && q->expected[i], found[i] && !q->expected[i],
				                   !found[i] && q->expected[i]};
				if (c.fp || c.fn)
					fprintf(stderr, "  %s %-12s \"%s\": %s %s\n", side ? "staff " : "public",
					        q->group, text, c.fp ? "also found" : "missed", cases[i].key);
				per[g][side].tp += c.tp;
				per[g][side].fp += c.fp;
				per[g][side].fn += c.fn;
				all[side].tp += c.tp;
				all[side].fp += c.fp;
				all[side].fn += c.fn;
			}
		}
	}
	printf("search corpus: %d cases, %d queries, dictionary: %s\n", ncases, nqueries, dict);
	printf("  %-12s %9s %9s | %9s %9s\n", "group", "register", "", "panel", "");
	printf("  %-12s %9s %9s | %9s %9s\n", "", "precision", "recall", "precision", "recall");
	for (int g = 0; g <= ngroups; g++) {
		struct counts *c = g < ngroups ? per[g] : all;
		printf("  %-12s %9.3f %9.3f | %9.3f %9.3f\n", g < ngroups ? groups[g] : "overall",
		       ratio(c[0].tp, c[0].tp + c[0].fp), ratio(c[0].tp, c[0].tp + c[0].fn),
		       ratio(c[1].tp, c[1].tp + c[1].fp), ratio(c[1].tp, c[1].tp + c[1].fn));
	}
	fflush(stdout);
	const struct floor *fl = !strcmp(dict, "polish") ? floors_polish : floors_simple;
	for (int side = 0; side < 2; side++) {
		assert_true(ratio(all[side].tp, all[side].tp + all[side].fp) >= fl[side].precision);
		assert_true(ratio(all[side].tp, all[side].tp + all[side].fn) >= fl[side].recall);
		for (int g = 0; g < ngroups; g++)
			if (!strcmp(groups[g], "typos"))
				assert_true(ratio(per[g][side].tp, per[g][side].tp + per[g][side].fn) >=
				            fl[side].typo_recall);
	}
}

/* The links of a page to the cases, in order: register items'
 * numbers or panel case ids, into `out` (at most `max`); the next page's
 * address (unescaped) into `next` ("" when none). */
static int page_links(const char *html, bool staff, char out[][64], int max, char *next,
                      size_t nextlen)
{
	const char *prefix = staff ? "<a href=\"/panel/sprawy/" : "<tr><td><a href=\"/rejestr/";
	int n = 0;
	for (const char *p = html; (p = strstr(p, prefix)) != NULL && n < max; p++) {
		char v[64];
		if (sscanf(p + strlen(prefix), "%63[^\"/]", v) == 1 &&
		    (n == 0 || strcmp(out[n - 1], v) != 0))
			snprintf(out[n++], 64, "%s", v);
	}
	next[0] = '\0';
	const char *a = strstr(html, "rel=\"next\"");
	if (a) {
		const char *h = a;
		while (h > html && strncmp(h, "href=\"", 6) != 0)
			h--;
		size_t k = 0;
		for (const char *c = h + 6; *c && *c != '"' && k + 1 < nextlen; c++) {
			if (!strncmp(c, "&amp;", 5)) {
				next[k++] = '&';
				c += 4;
			} else {
				next[k++] = *c;
			}
		}
		next[k] = '\0';
	}
	return n;
}

#define RANKED 107 /* more than two pages of the register and of the panel */

/* A search's pages are ranked (the word in the subject before the word
 * only in the content) and go on from the last row's score: every match
 * once, none missing, on both searches. */
static void test_ranked_pages_have_no_gaps_or_repeats(void **state)
{
	static struct ccase made[RANKED];
	for (int i = 0; i < RANKED; i++) {
		struct ccase *k = &made[i];
		snprintf(k->key, sizeof k->key, "ranked-%d", i);
		if (i % 3 == 0) {
			snprintf(k->subject, sizeof k->subject, "Wydatki gminy na festyn numer %d", i);
			snprintf(k->content, sizeof k->content, "Proszę o zestawienie kosztów festynu.");
		} else {
			snprintf(k->subject, sizeof k->subject, "Koszty festynu numer %d", i);
			snprintf(k->content, sizeof k->content,
			         "Proszę o zestawienie wydatków gminy na festyn i jego oprawę.");
		}
		file_and_publish(k);
	}
	for (int side = 0; side < 2; side++) {
		char path[1024] = "";
		snprintf(path, sizeof path, side ? "/panel?q=festyn+wydatki" : "/rejestr?q=festyn+wydatki");
		static char seen[4 * RANKED][64];
		int nseen = 0, pages = 0;
		while (path[0] && pages < 10) {
			struct hresp r;
			if (side)
				u_staff_get(&clerk, path, &r);
			else
				h_get(path, &r);
			assert_int_equal(r.status, 200);
			char links[100][64], next[1024];
			int n = page_links(r.body, side == 1, links, 100, next, sizeof next);
			h_free(&r);
			pages++;
			for (int i = 0; i < n; i++) {
				for (int j = 0; j < nseen; j++)
					assert_string_not_equal(seen[j], links[i]);
				assert_true(nseen < 4 * RANKED);
				snprintf(seen[nseen++], 64, "%s", links[i]);
			}
			snprintf(path, sizeof path, "%s", next);
		}
		assert_true(pages >= 3);
		/* Every case made here, those with the word in the subject first. */
		int last_subject = -1, first_content = nseen;
		for (int i = 0; i < RANKED; i++) {
			const char *v = side ? made[i].id : made[i].number;
			int at = -1;
			for (int j = 0; j < nseen; j++)
				if (!strcmp(seen[j], v))
					at = j;
			if (at < 0)
				fprintf(stderr, "%s: %s not listed\n", side ? "panel" : "register", v);
			assert_true(at >= 0);
			if (i % 3 == 0 && at > last_subject)
				last_subject = at;
			if (i % 3 != 0 && at < first_content)
				first_content = at;
		}
		assert_true(last_subject < first_content);
	}
}

/* A request's text changed (the erasure of personal data, cases/
 * privacy.c, updates subject and content) is searched as it is now: the
 * words it lost are no longer found. */
static void test_changed_text_is_searched_as_it_is_now(void **state)
{
	struct ccase k = {.key = "changed"};
	snprintf(k.subject, sizeof k.subject, "Informacja o wynikach kontroli");
	snprintf(k.content, sizeof k.content, "Wnioskodawca Bazyliszkowski prosi o protokoły.");
	file_and_publish(&k);
	char *html = search_page(true, "Bazyliszkowski");
	char link[64];
	snprintf(link, sizeof link, "href=\"/panel/sprawy/%s\"", k.id);
	assert_non_null(strstr(html, link));
	free(html);
	char sql[256];
	snprintf(sql, sizeof sql,
	         "UPDATE requests SET body = 'Wnioskodawca [dane usunięte] prosi o protokoły.' "
	         "WHERE id = %s",
	         k.id);
	h_sql(sql);
	html = search_page(true, "Bazyliszkowski");
	assert_null(strstr(html, link));
	free(html);
	html = search_page(true, "protokoły");
	assert_non_null(strstr(html, link));
	free(html);
}

static bool panel_finds(const char *text, const struct ccase *k)
{
	char *html = search_page(true, text);
	char link[64];
	snprintf(link, sizeof link, "href=\"/panel/sprawy/%s\"", k->id);
	bool found = strstr(html, link) != NULL;
	free(html);
	return found;
}

static char *migrate_with(const char *dictionary)
{
	setenv("JAWNOSC_SEARCH_DICTIONARY", dictionary, 1);
	char *out = NULL;
	const char *args[] = {"migrate", NULL};
	assert_int_equal(h_cli(&out, args), 0);
	unsetenv("JAWNOSC_SEARCH_DICTIONARY");
	return out;
}

/* `jawnosc migrate` leaves the dictionary with JAWNOSC_SEARCH_DICTIONARY=
 * off and takes it again otherwise, making every vector again each time:
 * the search works either way, and finds inflected forms only with it. */
static void test_migrate_switches_the_dictionary_and_rebuilds(void **state)
{
	if (strcmp(dictionary(), "polish") != 0)
		skip(); /* the files are not installed here: nothing to switch */
	const struct ccase *k = &cases[case_index("umowa-licencja")];
	assert_true(panel_finds("umowami", k));
	char *out = migrate_with("off");
	assert_non_null(strstr(out, "without the Polish dictionary"));
	assert_non_null(strstr(out, "every search vector was made again"));
	free(out);
	assert_string_equal(dictionary(), "simple");
	assert_false(panel_finds("umowami", k));
	assert_true(panel_finds("umowa licencyjna", k)); /* still a search */
	out = migrate_with("auto");
	assert_non_null(strstr(out, "search: Polish dictionary"));
	assert_non_null(strstr(out, "every search vector was made again"));
	free(out);
	assert_string_equal(dictionary(), "polish");
	assert_true(panel_finds("umowami", k));
}

static int setup(void **state)
{
	(void)state;
	static const char *env[] = {"JAWNOSC_FAKE_NOW=" NOW, "JAWNOSC_FILING_RATE=100000",
	                            "JAWNOSC_SEARCH_RATE=100000", NULL};
	h_server_start(env);
	u_login("urzednik%40mon.example", "jawnosc-demo", &clerk);
	return 0;
}

int main(void)
{
	setenv("JAWNOSC_FAKE_NOW", NOW, 1);
	h_setup_db("search_corpus");
	u_seed_demo();
	/* Publishing runs the service in this process, on the test's database. */
	db_set_url(getenv("DATABASE_URL"));
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_the_corpus_finds_what_it_should),
	    cmocka_unit_test(test_ranked_pages_have_no_gaps_or_repeats),
	    cmocka_unit_test(test_changed_text_is_searched_as_it_is_now),
	    cmocka_unit_test(test_migrate_switches_the_dictionary_and_rebuilds),
	};
	int failed = cmocka_run_group_tests_name("search_corpus", tests, setup, h_stop_server);
	h_teardown();
	return failed;
}
