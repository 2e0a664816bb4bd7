/* SPDX-License-Identifier: EUPL-1.2 */
/* Issue 21 items 5-7 over real HTTP on the demo data, with a frozen clock
 * (Monday 7 December 2026): one search over every case of the body, closed
 * ones too (a partial number, words without Polish letters, the
 * requester's e-mail and name, dates received, every state), within the
 * staff's scope and never from public pages; the staff's pages in Polish
 * (a step's data, who acted, sizes, hashes only under the technical
 * details); and one count of days overdue on the queue, the case page and
 * the dashboard. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cases/queue.h"
#include "integration/cases_util.h"

#define NOW "2026-12-07T09:00:00Z" /* a Monday */

static struct u_staff clerk, manager;
/* A closed case of the demo with Polish letters in its subject. */
static char closed_number[64], closed_id[24], closed_email[128], closed_name[128];

static char *page(const struct u_staff *s, const char *path)
{
	struct hresp r;
	u_staff_get(s, path, &r);
	if (r.status != 200)
		fprintf(stderr, "GET %s: %ld %.300s\n", path, r.status, r.body);
	assert_int_equal(r.status, 200);
	char *body = strdup(r.body ? r.body : "");
	h_free(&r);
	return body;
}

/* Whether the queue page `html` links to the case `id`. */
static bool lists(const char *html, const char *id)
{
	char link[64];
	snprintf(link, sizeof link, "href=\"/panel/sprawy/%s\"", id);
	return strstr(html, link) != NULL;
}

static bool queue_finds(const char *query, const char *id)
{
	char path[512];
	snprintf(path, sizeof path, "/panel?%s", query);
	char *html = page(&clerk, path);
	bool found = lists(html, id);
	free(html);
	return found;
}

static int setup(void **state)
{
	(void)state;
	static const char *env[] = {"JAWNOSC_FAKE_NOW=" NOW, NULL};
	h_server_start(env);
	u_login("urzednik%40mon.example", "jawnosc-demo", &clerk);
	u_login("kierownik%40mon.example", "jawnosc-demo", &manager);
	u_valuef(closed_id, sizeof closed_id,
	         "SELECT id FROM requests WHERE closed_on IS NOT NULL "
	         "AND subject = 'Umowa licencyjna na zdjęcia wykorzystywane w kampaniach'");
	assert_true(closed_id[0] != '\0');
	u_valuef(closed_number, sizeof closed_number, "SELECT case_number FROM requests WHERE id = %s",
	         closed_id);
	u_valuef(closed_email, sizeof closed_email, "SELECT email FROM requesters WHERE request_id = %s",
	         closed_id);
	u_valuef(closed_name, sizeof closed_name, "SELECT name FROM requesters WHERE request_id = %s",
	         closed_id);
	assert_true(closed_email[0] && closed_name[0]);
	return 0;
}

/* ---- item 5: search ---------------------------------------------------------- */

static void test_the_queue_alone_lists_open_cases_only(void **state)
{
	assert_false(queue_finds("", closed_id));
	char *html = page(&clerk, "/panel");
	/* Every state can be chosen, in two groups. */
	assert_non_null(strstr(html, "<optgroup label=\"otwarte\">"));
	assert_non_null(strstr(html, "<optgroup label=\"zakończone\">"));
	assert_non_null(strstr(html, "<option value=\"refused\" >odmówiono (decyzja)</option>"));
	assert_non_null(strstr(html, "<option value=\"withdrawn\" >wycofany</option>"));
	free(html);
}

static void test_a_closed_case_is_found_by_its_number_whole_or_in_part(void **state)
{
	char q[320], enc[256];
	u_urlencode(closed_number, enc, sizeof enc);
	snprintf(q, sizeof q, "q=%s", enc);
	assert_true(queue_finds(q, closed_id));
	/* "COMON.1431.1.2026" by its middle and its end, in lower case. */
	const char *mid = strchr(closed_number, '.') + 1; /* "1431.1.2026" */
	snprintf(q, sizeof q, "q=%.*s", (int)(strrchr(closed_number, '.') - mid), mid);
	assert_true(queue_finds(q, closed_id));
	snprintf(q, sizeof q, "q=comon.%s", mid);
	assert_true(queue_finds(q, closed_id));
	/* The state shown is the closed one. */
	snprintf(q, sizeof q, "/panel?q=%s", mid);
	char *html = page(&clerk, q);
	assert_non_null(strstr(html, "odmówiono (decyzja)"));
	assert_non_null(strstr(html, "zakończona 2026-"));
	free(html);
}

static void test_words_without_polish_letters_find_the_closed_case(void **state)
{
	assert_true(queue_finds("q=zdjecia", closed_id));
	assert_true(queue_finds("q=ZDJECIA+licencyjna", closed_id));
	/* Content, not only the subject. */
	char word[128];
	u_valuef(word, sizeof word,
	         "SELECT w FROM requests r, regexp_split_to_table(r.body, '[^[:alpha:]]+') w "
	         "WHERE r.id = %s AND length(w) > 8 AND position(w IN r.subject) = 0 LIMIT 1",
	         closed_id);
	assert_true(word[0] != '\0');
	char q[320], enc[256];
	u_urlencode(word, enc, sizeof enc);
	snprintf(q, sizeof q, "q=%s", enc);
	assert_true(queue_finds(q, closed_id));
	/* Every word must be there. */
	assert_false(queue_finds("q=zdjecia+gadzety", closed_id));
	/* Chosen open states leave it out. */
	assert_false(queue_finds("q=zdjecia&stan=otwarte", closed_id));
	assert_true(queue_finds("q=zdjecia&stan=zakonczone", closed_id));
	assert_true(queue_finds("q=zdjecia&stan=refused", closed_id));
}

static void test_the_requesters_e_mail_and_name_find_the_case_for_staff(void **state)
{
	char q[512], enc[256];
	u_urlencode(closed_email, enc, sizeof enc);
	snprintf(q, sizeof q, "q=%s", enc);
	assert_true(queue_finds(q, closed_id));
	/* The surname without Polish letters, with a word of the subject. */
	const char *surname = strrchr(closed_name, ' ');
	u_urlencode(surname ? surname + 1 : closed_name, enc, sizeof enc);
	snprintf(q, sizeof q, "q=%s+licencyjna", enc);
	assert_true(queue_finds(q, closed_id));
}

static void test_the_public_register_never_finds_a_case_by_its_requester(void **state)
{
	/* The case is published: its subject finds it in the register... */
	assert_true(u_countf("SELECT count(*) FROM publications WHERE request_id = %s", closed_id) == 1);
	struct hresp r;
	h_get("/rejestr?q=licencyjna", &r);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.body, closed_number));
	h_free(&r);
	/* ... its requester's name and e-mail do not. */
	char path[512], enc[256];
	u_urlencode(closed_name, enc, sizeof enc);
	snprintf(path, sizeof path, "/rejestr?q=%s", enc);
	h_get(path, &r);
	assert_int_equal(r.status, 200);
	assert_null(strstr(r.body, closed_number));
	h_free(&r);
	u_urlencode(closed_email, enc, sizeof enc);
	snprintf(path, sizeof path, "/rejestr?q=%s", enc);
	h_get(path, &r);
	assert_true(r.status == 200 || r.status == 422);
	assert_null(strstr(r.body, closed_number));
	h_free(&r);
	/* Nor does the staff's search answer without a session. */
	h_get("/panel?q=licencyjna", &r);
	assert_int_equal(r.status, 303);
	assert_non_null(strstr(h_header(&r, "Location"), "/panel/logowanie"));
	assert_null(strstr(r.body ? r.body : "", closed_number));
	h_free(&r);
}

static void test_dates_received_narrow_the_search(void **state)
{
	char received[16], q[128];
	u_valuef(received, sizeof received, "SELECT received_on FROM requests WHERE id = %s", closed_id);
	snprintf(q, sizeof q, "wplynal_od=%s&wplynal_do=%s", received, received);
	assert_true(queue_finds(q, closed_id));
	snprintf(q, sizeof q, "q=zdjecia&wplynal_od=2026-12-01");
	assert_false(queue_finds(q, closed_id));
	/* A date that is not one is named, never a 500. */
	char *html = page(&clerk, "/panel?wplynal_od=2026-13-45&q=%25_%5C");
	assert_non_null(strstr(html, "„2026-13-45” nie jest datą"));
	free(html);
}

static void test_the_search_keeps_to_the_staffs_scope(void **state)
{
	/* Staff confined to their unit see no other unit's case, searched
	 * for or not. */
	char unit[24], other[24], sql[512];
	u_valuef(unit, sizeof unit, "SELECT unit_id FROM requests WHERE id = %s", closed_id);
	u_valuef(other, sizeof other,
	         "SELECT u.id FROM units u JOIN requests r ON r.org_id = u.org_id "
	         "WHERE r.id = %s AND u.id <> r.unit_id ORDER BY u.id LIMIT 1",
	         closed_id);
	assert_true(other[0] != '\0');
	snprintf(sql, sizeof sql,
	         "UPDATE organisations SET staff_unit_only = true WHERE id = (SELECT org_id FROM "
	         "requests WHERE id = %s); UPDATE users SET unit_id = %s "
	         "WHERE email = 'urzednik@mon.example'",
	         closed_id, other);
	h_sql(sql);
	assert_false(queue_finds("q=zdjecia", closed_id));
	assert_false(queue_finds("stan=wszystkie", closed_id));
	snprintf(sql, sizeof sql,
	         "UPDATE organisations SET staff_unit_only = false; UPDATE users SET unit_id = %s "
	         "WHERE email = 'urzednik@mon.example'",
	         unit);
	h_sql(sql);
	assert_true(queue_finds("q=zdjecia", closed_id));
}

static void test_closed_cases_page_without_gaps_or_repeats(void **state)
{
	long closed = u_count("SELECT count(*) FROM requests r JOIN users u ON u.org_id = r.org_id "
	                      "WHERE r.closed_on IS NOT NULL AND u.email = 'urzednik@mon.example'");
	assert_true(closed > 0);
	char *html = page(&clerk, "/panel?stan=zakonczone");
	/* Every closed case once (they fit on one page of the queue). */
	long long ids[QUEUE_PAGE];
	long seen = 0;
	for (const char *p = html; (p = strstr(p, "href=\"/panel/sprawy/")) != NULL; p++) {
		assert_true(seen < QUEUE_PAGE);
		long long id = atoll(p + strlen("href=\"/panel/sprawy/"));
		for (long i = 0; i < seen; i++)
			assert_true(ids[i] != id);
		ids[seen++] = id;
	}
	assert_int_equal(seen, closed);
	free(html);
}

/* ---- item 7: days overdue --------------------------------------------------- */

static char late_id[24];

/* An open case whose term ended on Friday 4 December 2026. */
static void make_late_case(void)
{
	if (late_id[0])
		return;
	u_valuef(late_id, sizeof late_id,
	         "SELECT r.id FROM requests r JOIN terms t ON t.request_id = r.id "
	         "WHERE r.closed_on IS NULL AND t.kind = 'answer' AND t.state = 'open' "
	         "ORDER BY r.id LIMIT 1");
	assert_true(late_id[0] != '\0');
	char sql[256];
	snprintf(sql, sizeof sql,
	         "UPDATE terms SET due_on = '2026-12-04' WHERE request_id = %s AND kind = 'answer' "
	         "AND state = 'open'",
	         late_id);
	h_sql(sql);
	assert_true(u_countf("SELECT count(*) FROM requests WHERE id = %s AND due_on = '2026-12-04'",
	                     late_id) == 1);
}

static void test_a_case_due_on_friday_is_three_days_overdue_on_monday_everywhere(void **state)
{
	make_late_case();
	char *html = page(&clerk, "/panel?termin=po");
	char link[64];
	snprintf(link, sizeof link, "href=\"/panel/sprawy/%s\"", late_id);
	const char *row = strstr(html, link);
	assert_non_null(row);
	const char *end = strstr(row, "</tr>");
	assert_non_null(strstr(row, "<strong>3 dni po terminie</strong>"));
	assert_true(strstr(row, "<strong>3 dni po terminie</strong>") < end);
	assert_null(strstr(html, "po terminie ("));
	assert_non_null(strstr(html, "Dni po terminie to dni kalendarzowe"));
	free(html);

	char path[64];
	snprintf(path, sizeof path, "/panel/sprawy/%s", late_id);
	html = page(&clerk, path);
	assert_non_null(strstr(html, "<dd class=\"due\">2026-12-04</dd>"));
	assert_non_null(strstr(html, "<dd class=\"due-left\"><strong>3 dni po terminie</strong></dd>"));
	assert_non_null(strstr(html, "2026-12-04 <strong>(3 dni po terminie)</strong>"));
	assert_non_null(strstr(html, "Dni po terminie to dni kalendarzowe"));
	free(html);

	html = page(&manager, "/panel/pulpit");
	const char *list = strstr(html, "id=\"lista-po-terminie\"");
	assert_non_null(list);
	row = strstr(list, link);
	assert_non_null(row);
	end = strstr(row, "</tr>");
	const char *cell = strstr(row, "<td>3 dni po terminie</td>");
	assert_true(cell && cell < end);
	free(html);
}

/* ---- item 6: Polish on the staff's pages ------------------------------------ */

static void test_the_case_page_speaks_polish_and_keeps_hashes_in_the_details(void **state)
{
	/* A case with a draft letter: issue it (its event records the
	 * letter's type, hash and delivery), and give it a file of 61,057
	 * bytes. */
	char id[24], seq[8];
	u_valuef(id, sizeof id,
	         "SELECT d.request_id FROM documents d JOIN requests r ON r.id = d.request_id "
	         "WHERE d.status = 'draft' AND d.type = 'extension_notice' AND r.delivery = "
	         "'tracking_page' ORDER BY d.id LIMIT 1");
	if (!id[0])
		u_valuef(id, sizeof id,
		         "SELECT request_id FROM documents WHERE status = 'draft' "
		         "AND type = 'extension_notice' ORDER BY id LIMIT 1");
	assert_true(id[0] != '\0');
	u_valuef(seq, sizeof seq,
	         "SELECT seq FROM documents WHERE request_id = %s AND status = 'draft' "
	         "AND type = 'extension_notice'",
	         id);
	char path[128];
	snprintf(path, sizeof path, "/panel/sprawy/%s/pisma/%s", id, seq);
	u_issue_letter(&clerk, path);
	char sql[512];
	snprintf(sql, sizeof sql,
	         "INSERT INTO attachments (org_id, request_id, filename, content_type, size, sha256, "
	         "data, source) SELECT org_id, id, 'skan.pdf', 'application/pdf', 61057, "
	         "sha256('x'::bytea), 'x'::bytea, 'requester' FROM requests WHERE id = %s",
	         id);
	h_sql(sql);

	snprintf(path, sizeof path, "/panel/sprawy/%s", id);
	char *html = page(&clerk, path);
	const char *timeline = strstr(html, "<ol class=\"timeline\">");
	assert_non_null(timeline);
	/* No stored key or code among the facts. */
	static const char *const raw[] = {"channel:", "document:", "sha256:", "delivery:",
	                                  "case_number:", "date:", "(requester", "(clerk",
	                                  "(manager", "extension_notice", "tracking_page",
	                                  "61057 B"};
	for (size_t i = 0; i < sizeof raw / sizeof raw[0]; i++)
		if (strstr(html, raw[i]))
			fail_msg("raw \"%s\" on the case page", raw[i]);
	assert_non_null(strstr(timeline, "<li>pismo: Zawiadomienie o przedłużeniu terminu</li>"));
	assert_non_null(strstr(timeline, "(wnioskodawca)"));
	assert_non_null(strstr(timeline, "(urzędnik: "));
	assert_non_null(strstr(timeline, "<li>wpłynął przez: "));
	/* The letter's hash only under the technical details. */
	char hash[80];
	u_valuef(hash, sizeof hash,
	         "SELECT encode(sha256, 'hex') FROM documents WHERE request_id = %s AND seq = %s", id,
	         seq);
	const char *h = strstr(html, hash);
	assert_non_null(h);
	const char *details = NULL;
	for (const char *p = html; (p = strstr(p, "<summary>Szczegóły techniczne</summary>")) && p < h;
	     p++)
		details = p;
	assert_non_null(details);
	const char *closes = strstr(details, "</details>");
	assert_true(closes && closes > h);
	/* The file's size as a reader writes it. */
	assert_non_null(strstr(html, "(59,6 kB, od wnioskodawcy (formularz)"));
	/* Roles in the assignment list in Polish. */
	assert_null(strstr(html, "(clerk)"));
	assert_non_null(strstr(html, " (urzędnik)</option>"));
	free(html);

	/* The register of outgoing letters names the delivery in words. */
	html = page(&clerk, "/panel/pisma");
	assert_null(strstr(html, "<td>tracking_page"));
	assert_null(strstr(html, "<td>email"));
	assert_null(strstr(html, "<td>post"));
	free(html);
}

int main(void)
{
	/* The demo data is dated from the frozen day too. */
	setenv("JAWNOSC_FAKE_NOW", NOW, 1);
	h_setup_db("search");
	u_seed_demo();
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_the_queue_alone_lists_open_cases_only),
	    cmocka_unit_test(test_a_closed_case_is_found_by_its_number_whole_or_in_part),
	    cmocka_unit_test(test_words_without_polish_letters_find_the_closed_case),
	    cmocka_unit_test(test_the_requesters_e_mail_and_name_find_the_case_for_staff),
	    cmocka_unit_test(test_the_public_register_never_finds_a_case_by_its_requester),
	    cmocka_unit_test(test_dates_received_narrow_the_search),
	    cmocka_unit_test(test_the_search_keeps_to_the_staffs_scope),
	    cmocka_unit_test(test_closed_cases_page_without_gaps_or_repeats),
	    cmocka_unit_test(test_a_case_due_on_friday_is_three_days_overdue_on_monday_everywhere),
	    cmocka_unit_test(test_the_case_page_speaks_polish_and_keeps_hashes_in_the_details),
	};
	int failed = cmocka_run_group_tests_name("search", tests, setup, h_stop_server);
	h_teardown();
	return failed;
}
