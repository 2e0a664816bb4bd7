/* SPDX-License-Identifier: EUPL-1.2 */
/* The court's outcomes taken by a clerk from the case page (issue 20 item
 * 10, and item 11's court part), over HTTP on the real server and database:
 * a re-use complaint on inaction with its own term and citation (UOD art.
 * 41), the answer to the court in its re-use variant, a judgment delivered
 * (the cassation window, PPSA art. 177 §1), an outcome refused while the
 * judgment is not final, a cassation appeal, then the outcome with the
 * judgment's date; a case closed_final returning to work after the court
 * annuls the decision (art. 145 §1 pkt 1) or the appeal body refers it back
 * (KPA art. 138 §2); the body granting a complaint itself within 30 days
 * (PPSA art. 54 §3). The clock is frozen and moved between two runs of the
 * server: cases filed on NOW, steps recorded on later dates. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "integration/cases_util.h"
#include "law/term.h"

#define NOW "2090-03-01T09:00:00Z"
#define LATER "2090-07-02T09:00:00Z"

static struct u_staff clerk;
static long long reuse_case, annulled, referred, granted;
static char *reuse_token;

static void start_at(const char *instant)
{
	static const char *const extra[] = {"JAWNOSC_DEFAULT_ORG=mon", NULL};
	u_start_at(instant, extra, &clerk);
}

static int setup(void **state)
{
	(void)state;
	start_at(NOW);
	return 0;
}

/* A step through the case page's form: its status, and `message` on the
 * page when given. */
static void step(long long id, const char *fields, long status, const char *message)
{
	u_clerk_step_sent(&clerk, id, fields, status, message);
}

static long long filed(const char *kind, char **token)
{
	char number[64];
	char *t = u_file(kind, number);
	if (token)
		*token = t;
	else
		free(t);
	return u_request_id(number);
}

/* The due date the law gives `days` after `from` (KPA art. 57). */
static void due_after(const char *from, int days, char out[LAW_DATE_STRLEN])
{
	law_date_t d;
	assert_true(law_date_parse(from, &d));
	law_term_calc_t calc;
	law_error_t err;
	assert_true(law_term_compute(d, days, LAW_UNIT_DAYS, NULL, &calc, &err));
	law_date_format(calc.due, out);
}

static const char *state_of(long long id)
{
	static char buf[64];
	u_valuef(buf, sizeof buf, "SELECT state FROM requests WHERE id = %lld", id);
	return buf;
}

/* Files the cases on NOW, closes two of them by the appeal body's decision
 * and one by a letter; everything dated NOW. */
static void test_cases_filed_and_closed(void **state)
{
	(void)state;
	reuse_case = filed("reuse", &reuse_token);
	annulled = filed("public_information", NULL);
	referred = filed("public_information", NULL);
	granted = filed("public_information", NULL);
	long long finals[] = {annulled, referred};
	for (int i = 0; i < 2; i++) {
		long long id = finals[i];
		step(id, "action=refuse&legal_basis=privacy&text=Dane+prywatne."
		         "&persons=Jan+Nowak%2C+dyrektor",
		     303, NULL);
		step(id, "action=record_delivery", 303, NULL);
		step(id, "action=appeal&text=Odwo%C5%82anie.", 303, NULL);
		step(id, "action=forward_appeal&text=Stanowisko.", 303, NULL);
		step(id, "action=appeal_decided&text=Utrzymano.", 303, NULL);
		assert_string_equal(state_of(id), "closed_final");
	}
	step(granted, "action=not_public_information&text=To+nie+jest+informacja+publiczna.", 303,
	     NULL);
}

static void test_later(void **state)
{
	(void)state;
	assert_int_equal(h_server_stop(), 0);
	start_at(LATER);
}

/* The clock on the day a letter is sent: a step with a letter takes effect
 * the day the letter leaves (issue 21 item 1), so a step dated in the past
 * is taken with the clock on that day. */
static void on_day(const char *instant)
{
	assert_int_equal(h_server_stop(), 0);
	start_at(instant);
}

/* Issue 20 item 11: a complaint on inaction in a re-use case gives the body
 * 15 days under UOD art. 41 (its own term and citation), and the answer to
 * the court is the re-use letter. */
static void test_reuse_complaint_has_its_own_term_and_answer(void **state)
{
	(void)state;
	step(reuse_case, "action=court_complaint&date=2090-04-02&text=Bezczynno%C5%9B%C4%87.", 303,
	     NULL);
	char due[LAW_DATE_STRLEN], got[64];
	due_after("2090-04-02", 15, due);
	u_valuef(got, sizeof got,
	         "SELECT to_char(due_on, 'YYYY-MM-DD') || ' ' || basis FROM terms WHERE "
	         "request_id = %lld AND kind = 'reuse_court_answer' AND state = 'open'",
	         reuse_case);
	assert_int_equal(strncmp(got, due, 10), 0);
	assert_non_null(strstr(got, "UOD art. 41"));
	assert_int_equal(u_countf("SELECT count(*) FROM terms WHERE request_id = %lld AND kind = "
	                          "'court_answer'",
	                          reuse_case),
	                 0);
	assert_int_equal(u_countf("SELECT count(*) FROM terms WHERE request_id = %lld AND kind = "
	                          "'self_review_window' AND state = 'open'",
	                          reuse_case),
	                 1);

	on_day("2090-04-10T09:00:00Z");
	step(reuse_case, "action=answer_court_complaint&text=Brak+bezczynno%C5%9Bci.", 303, NULL);
	on_day(LATER);
	assert_int_equal(u_countf("SELECT count(*) FROM terms WHERE request_id = %lld AND kind = "
	                          "'reuse_court_answer' AND state = 'met'",
	                          reuse_case),
	                 1);
	char seq[16], path[96];
	u_valuef(seq, sizeof seq,
	         "SELECT seq FROM documents WHERE request_id = %lld AND type = 'court_answer'",
	         reuse_case);
	assert_true(*seq);
	snprintf(path, sizeof path, "/panel/sprawy/%lld/pisma/%s", reuse_case, seq);
	struct hresp r;
	u_staff_get(&clerk, path, &r);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.body, "w związku z art. 41 ustawy"));
	assert_non_null(strstr(r.body, "o ponowne wykorzystywanie informacji sektora publicznego"));
	assert_null(strstr(r.body, "art. 21 pkt 1"));
	h_free(&r);
}

/* PPSA art. 177 §1, art. 168 §1: the judgment delivered with its reasons
 * starts 30 days for a cassation appeal; its outcome is refused until it is
 * final; a cassation appeal posted in time stops the window, and then the
 * outcome is recorded with the judgment's date. */
static void test_judgment_outcome_waits_for_finality(void **state)
{
	(void)state;
	step(reuse_case, "action=judgment_delivered&date=2090-05-07&text=Wyrok.", 422,
	     "Podaj datę wyroku");
	step(reuse_case, "action=judgment_delivered&date=2090-05-07&judgment_on=2090-05-08", 422,
	     "nie późniejszą niż data czynności");
	step(reuse_case, "action=judgment_delivered&date=2090-05-07&judgment_on=2090-04-26", 303,
	     NULL);
	char due[LAW_DATE_STRLEN], got[16];
	due_after("2090-05-07", 30, due);
	u_valuef(got, sizeof got,
	         "SELECT to_char(due_on, 'YYYY-MM-DD') FROM terms WHERE request_id = %lld AND kind = "
	         "'cassation_window' AND state = 'open'",
	         reuse_case);
	assert_string_equal(got, due);

	char body[256];
	snprintf(body, sizeof body,
	         "action=judgment_obliges&date=%s&judgment_on=2090-04-26&term_days=14", due);
	struct hresp r;
	char path[96];
	snprintf(path, sizeof path, "/panel/sprawy/%lld/czynnosc", reuse_case);
	u_staff_post(&clerk, path, body, &r);
	assert_true(r.status == 409 || r.status == 422);
	assert_non_null(strstr(r.body, "Wyrok nie jest jeszcze prawomocny"));
	/* The form is drawn again with the judgment's date kept. */
	assert_non_null(strstr(r.body, "value=\"2090-04-26\""));
	h_free(&r);
	assert_string_equal(state_of(reuse_case), "received");

	step(reuse_case,
	     "action=cassation_appeal&date=2090-06-08&sent=2090-06-05&sent_channel=operator"
	     "&text=Skarga+kasacyjna+organu.",
	     303, NULL);
	assert_int_equal(u_countf("SELECT count(*) FROM terms WHERE request_id = %lld AND kind = "
	                          "'cassation_window' AND state = 'met'",
	                          reuse_case),
	                 1);
	step(reuse_case,
	     "action=judgment_obliges&date=2090-06-29&judgment_on=2090-06-20&term_days=30"
	     "&text=NSA+oddali%C5%82+skarg%C4%99+kasacyjn%C4%85.",
	     303, NULL);
	due_after("2090-06-29", 30, due);
	u_valuef(got, sizeof got,
	         "SELECT to_char(due_on, 'YYYY-MM-DD') FROM terms WHERE request_id = %lld AND kind = "
	         "'after_judgment' AND state = 'open'",
	         reuse_case);
	assert_string_equal(got, due);
	assert_int_equal(u_countf("SELECT count(*) FROM events WHERE request_id = %lld AND action = "
	                          "'judgment_obliges' AND data->>'judgment_on' = '2090-06-20'",
	                          reuse_case),
	                 1);
	/* The requester's tracking page shows the step and the court's term. */
	snprintf(path, sizeof path, "/sprawa/%s", reuse_token);
	h_get(path, &r);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.body, "wyrok zobowiązujący do rozpatrzenia wniosku"));
	assert_non_null(strstr(r.body, "termin rozpatrzenia wniosku po wyroku sądu"));
	assert_non_null(strstr(r.body, "skarga kasacyjna do Naczelnego Sądu Administracyjnego"));
	h_free(&r);
}

/* A case closed_final returns to work: the court annulled the decision
 * (PPSA art. 145 §1 pkt 1, art. 135), 14 days from the return of the files
 * (art. 286 §2); or the appeal body, deciding again after the court, refers
 * it back (KPA art. 138 §2). */
static void test_closed_final_case_returns_after_annulment_or_referral(void **state)
{
	(void)state;
	struct hresp r;
	char path[96];
	snprintf(path, sizeof path, "/panel/sprawy/%lld", annulled);
	u_staff_get(&clerk, path, &r);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.body, "wyrok uchylający decyzję: sprawa wraca do organu"));
	assert_non_null(strstr(r.body, "name=\"judgment_on\""));
	h_free(&r);

	step(annulled, "action=judgment_annuls&date=2090-06-01&judgment_on=2090-04-20"
	               "&text=Uchyla+zaskar%C5%BConee+decyzje.",
	     303, NULL);
	assert_string_equal(state_of(annulled), "in_progress");
	char due[LAW_DATE_STRLEN], got[16];
	due_after("2090-06-01", 14, due);
	u_valuef(got, sizeof got,
	         "SELECT to_char(due_on, 'YYYY-MM-DD') FROM terms WHERE request_id = %lld AND kind = "
	         "'answer' AND state = 'open'",
	         annulled);
	assert_string_equal(got, due);
	assert_int_equal(u_countf("SELECT count(*) FROM requests WHERE id = %lld AND closed_on IS "
	                          "NULL",
	                          annulled),
	                 1);

	step(referred, "action=appeal_referred_back&date=2090-06-01&text=SKO+uchyli%C5%82o.", 303,
	     NULL);
	assert_string_equal(state_of(referred), "in_progress");
}

/* PPSA art. 54 §3: within 30 days of the complaint the body grants it; its
 * act is due within the same 30 days and meets the term. Later: refused. */
static void test_body_grants_the_complaint_within_30_days(void **state)
{
	(void)state;
	step(granted, "action=court_complaint&date=2090-04-02&text=Bezczynno%C5%9B%C4%87.", 303,
	     NULL);
	assert_string_equal(state_of(granted), "at_court");
	char due[LAW_DATE_STRLEN], late[LAW_DATE_STRLEN], body[256];
	due_after("2090-04-02", 30, due);
	law_date_t d;
	assert_true(law_date_parse(due, &d));
	law_date_format(law_date_add_days(d, 1), late);
	snprintf(body, sizeof body, "action=grant_complaint&date=%s&text=Udost%%C4%%99pniamy.", late);
	step(granted, body, 409, "upłynął");
	step(granted, "action=grant_complaint&date=2090-04-20&text=Udost%C4%99pniamy.", 303, NULL);
	assert_string_equal(state_of(granted), "in_progress");
	char got[16];
	u_valuef(got, sizeof got,
	         "SELECT to_char(due_on, 'YYYY-MM-DD') FROM terms WHERE request_id = %lld AND kind = "
	         "'self_review_act' AND state = 'open' AND side = 'body'",
	         granted);
	assert_string_equal(got, due);
	on_day("2090-04-24T09:00:00Z");
	step(granted, "action=provide&text=Informacja.", 303, NULL);
	on_day(LATER);
	assert_int_equal(u_countf("SELECT count(*) FROM terms WHERE request_id = %lld AND kind = "
	                          "'self_review_act' AND state = 'met'",
	                          granted),
	                 1);
}

/* The fees of a complaint (issue 20 item 10): 200 zł against a decision,
 * 100 zł on inaction, said where the procedure page explains inaction; and
 * re-use decisions and inaction go to the court too. */
static void test_procedure_page_names_both_court_fees(void **state)
{
	(void)state;
	struct hresp r;
	h_get("/jak-uzyskac-informacje", &r);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.body, "<strong>200 zł</strong> od skargi na decyzję"));
	assert_non_null(strstr(r.body, "<strong>100 zł</strong> od skargi na bezczynność"));
	assert_non_null(strstr(r.body, "decyzje w sprawach ponownego wykorzystywania"));
	h_free(&r);
}

int main(void)
{
	h_setup_db("court_outcomes");
	u_seed_demo();
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_cases_filed_and_closed),
	    cmocka_unit_test(test_later),
	    cmocka_unit_test(test_reuse_complaint_has_its_own_term_and_answer),
	    cmocka_unit_test(test_judgment_outcome_waits_for_finality),
	    cmocka_unit_test(test_closed_final_case_returns_after_annulment_or_referral),
	    cmocka_unit_test(test_body_grants_the_complaint_within_30_days),
	    cmocka_unit_test(test_procedure_page_names_both_court_fees),
	};
	int failed = cmocka_run_group_tests_name("court_outcomes", tests, setup, h_stop_server);
	free(reuse_token);
	h_teardown();
	return failed;
}
