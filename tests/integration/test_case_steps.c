/* SPDX-License-Identifier: EUPL-1.2 */
/* The steps of a case page (issue 21 item 2, cases/steps.h) over real
 * HTTP: the two to four that fit the state first, the rest under „Inne
 * czynności”, the court and remedy steps first only in their phase, a step
 * that failed opens its group, and no label says "pismo" twice. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "integration/cases_util.h"

static struct u_staff clerk;

static int setup(void **state)
{
	(void)state;
	static const char *env[] = {"JAWNOSC_FILING_RATE=100000", NULL};
	h_server_start(env);
	u_login("urzednik%40mon.example", "jawnosc-demo", &clerk);
	return 0;
}

enum where { NOWHERE, USUAL, OTHER, COURT };

/* The steps of a case page, each with the group it stands in. */
struct steps {
	int n;
	char id[64][48];
	enum where at[64];
};

static void steps_of(const char *html, struct steps *s)
{
	memset(s, 0, sizeof *s);
	const char *other = strstr(html, "id=\"inne-czynnosci\"");
	const char *court = strstr(html, "id=\"sad-i-srodki\"");
	for (const char *p = html; (p = strstr(p, "<details class=\"action\"")) && s->n < 64;) {
		const char *id = strstr(p, "id=\"czynnosc-");
		assert_non_null(id);
		id += strlen("id=\"czynnosc-");
		size_t len = strcspn(id, "\"");
		snprintf(s->id[s->n], sizeof s->id[0], "%.*s", (int)len, id);
		/* The groups follow the usual steps, "Inne" before the court's. */
		s->at[s->n] = court && p > court ? COURT : other && p > other ? OTHER : USUAL;
		s->n++;
		p = id;
	}
}

static enum where where_is(const struct steps *s, const char *id)
{
	for (int i = 0; i < s->n; i++)
		if (!strcmp(s->id[i], id))
			return s->at[i];
	return NOWHERE;
}

static int usual_count(const struct steps *s)
{
	int n = 0;
	for (int i = 0; i < s->n; i++)
		n += s->at[i] == USUAL;
	return n;
}

static void page_of(long long id, struct hresp *r)
{
	char path[64];
	snprintf(path, sizeof path, "/panel/sprawy/%lld", id);
	u_staff_get(&clerk, path, r);
	assert_int_equal(r->status, 200);
}

static void test_a_new_case_shows_the_release_among_its_first_steps(void **state)
{
	(void)state;
	char number[64];
	free(u_file("public_information", number));
	struct hresp r;
	page_of(u_request_id(number), &r);
	struct steps s;
	steps_of(r.body, &s);
	int usual = usual_count(&s);
	if (where_is(&s, "provide") != USUAL)
		fprintf(stderr, "first steps: %s %s %s %s\n", s.id[0], s.id[1], s.id[2], s.id[3]);
	assert_true(usual >= 2 && usual <= 4);
	assert_int_equal(where_is(&s, "provide"), USUAL);
	assert_int_equal(where_is(&s, "assign"), USUAL);
	assert_int_equal(where_is(&s, "call_to_clarify"), USUAL);
	/* The usual ones come first on the page. */
	for (int i = 0; i < usual; i++)
		assert_int_equal(s.at[i], USUAL);
	/* Refusing and the letters closing the case are there, under "Inne". */
	assert_int_equal(where_is(&s, "refuse"), OTHER);
	assert_int_equal(where_is(&s, "not_public_information"), OTHER);
	assert_int_equal(where_is(&s, "withdraw"), OTHER);
	assert_non_null(strstr(r.body, "<summary>Inne czynności ("));
	/* Court steps are not among the first: the complaint on inaction a
	 * clerk may record on an open case is under "Inne"; the rest of the
	 * court's in its own group, collapsed. */
	assert_int_equal(where_is(&s, "court_complaint"), OTHER);
	assert_int_equal(where_is(&s, "record_ponaglenie"), OTHER);
	assert_int_equal(where_is(&s, "answer_court_complaint"), COURT);
	assert_int_equal(where_is(&s, "judgment_obliges"), COURT);
	assert_int_equal(where_is(&s, "judgment_delivered"), COURT);
	assert_non_null(strstr(r.body, "<details class=\"step-group\" id=\"inne-czynnosci\">"));
	assert_non_null(strstr(r.body, "<details class=\"step-group\" id=\"sad-i-srodki\">"));
	/* No label says "pismo" twice. */
	assert_null(strstr(r.body, "— pismo:"));
	assert_null(strstr(r.body, "pismo: pismo"));
	assert_null(strstr(r.body, "Pismo: Pismo"));
	assert_non_null(strstr(r.body, "<summary>pismo: to nie jest informacja publiczna</summary>"));
	h_free(&r);
}

static void test_a_case_waiting_for_the_requester_shows_their_answer_first(void **state)
{
	(void)state;
	char number[64];
	free(u_file("public_information", number));
	u_clerk(number, LAW_ACT_CALL_TO_CLARIFY);
	struct hresp r;
	page_of(u_request_id(number), &r);
	struct steps s;
	steps_of(r.body, &s);
	assert_true(s.n > 0);
	assert_string_equal(s.id[0], "record_clarification");
	assert_int_equal(where_is(&s, "record_delivery"), USUAL);
	assert_int_equal(where_is(&s, "assign"), OTHER);
	assert_int_equal(where_is(&s, "provide"), NOWHERE);
	h_free(&r);
}

static void test_remedy_and_court_steps_come_first_in_their_phase(void **state)
{
	(void)state;
	/* A decision: the remedy phase. */
	char number[64];
	free(u_file("public_information", number));
	u_clerk(number, LAW_ACT_REFUSE);
	struct hresp r;
	page_of(u_request_id(number), &r);
	struct steps s;
	steps_of(r.body, &s);
	assert_string_equal(s.id[0], "record_delivery");
	assert_int_equal(where_is(&s, "appeal"), USUAL);
	assert_true(usual_count(&s) <= 4);
	h_free(&r);
	/* A letter that closed the case, then a complaint: at court. */
	free(u_file("public_information", number));
	u_clerk(number, LAW_ACT_NOT_HELD);
	page_of(u_request_id(number), &r);
	steps_of(r.body, &s);
	assert_int_equal(where_is(&s, "court_complaint"), USUAL);
	h_free(&r);
	u_clerk(number, LAW_ACT_COURT_COMPLAINT);
	page_of(u_request_id(number), &r);
	steps_of(r.body, &s);
	assert_string_equal(s.id[0], "answer_court_complaint");
	assert_int_equal(where_is(&s, "judgment_delivered"), USUAL);
	assert_null(strstr(r.body, "id=\"sad-i-srodki\""));
	h_free(&r);
	/* A complaint on inaction while the case is open: its answer is due,
	 * so the court's steps come first beside the release. */
	free(u_file("public_information", number));
	u_clerk(number, LAW_ACT_COURT_COMPLAINT);
	page_of(u_request_id(number), &r);
	steps_of(r.body, &s);
	assert_int_equal(where_is(&s, "answer_court_complaint"), USUAL);
	assert_int_equal(where_is(&s, "provide"), USUAL);
	assert_true(usual_count(&s) <= 4);
	h_free(&r);
}

static void test_a_step_that_failed_opens_its_group_with_what_was_typed(void **state)
{
	(void)state;
	char number[64];
	free(u_file("public_information", number));
	long long id = u_request_id(number);
	char path[64];
	snprintf(path, sizeof path, "/panel/sprawy/%lld/czynnosc", id);
	struct hresp r;
	/* Refusing without a legal basis: under "Inne czynności". */
	u_staff_post(&clerk, path, "action=refuse&version=1&text=Uzasadnienie+wpisane", &r);
	assert_int_equal(r.status, 422);
	assert_non_null(strstr(r.body, "<details class=\"step-group\" id=\"inne-czynnosci\" open>"));
	assert_non_null(strstr(r.body, "<details class=\"action\" open id=\"czynnosc-refuse\">"));
	assert_non_null(strstr(r.body, "Uzasadnienie wpisane"));
	assert_non_null(strstr(r.body, "<details class=\"step-group\" id=\"sad-i-srodki\">"));
	h_free(&r);
}

int main(void)
{
	h_setup_db("case_steps");
	u_seed_demo();
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_a_new_case_shows_the_release_among_its_first_steps),
	    cmocka_unit_test(test_a_case_waiting_for_the_requester_shows_their_answer_first),
	    cmocka_unit_test(test_remedy_and_court_steps_come_first_in_their_phase),
	    cmocka_unit_test(test_a_step_that_failed_opens_its_group_with_what_was_typed),
	};
	int failed = cmocka_run_group_tests_name("case_steps", tests, setup, h_stop_server);
	h_teardown();
	return failed;
}
