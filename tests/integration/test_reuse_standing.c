/* SPDX-License-Identifier: EUPL-1.2 */
/* Re-use (issue 20 item 11) over HTTP, with the clock frozen and moved
 * between two runs of the server:
 * - a request for standing and direct re-use in real time (UOD art. 39 ust.
 *   2) filed through the API, the form and the clerk's registration;
 * - its offer allows no objection (art. 42 ust. 1 pkt 1): the letter says
 *   so, the panel and the tracking page offer only the acceptance, an
 *   objection is refused with the reason; the acceptance within 14 days
 *   (ust. 2) goes on, the window passing makes the request withdrawn;
 * - re-use not possible in the manner or form asked for: for a request of
 *   art. 41 the offer's variant (ust. 1 pkt 4 with art. 10 ust. 4), for
 *   standing access the closing answer of art. 42 ust. 1 pkt 2;
 * - the objection to an offer starts the body's 14 days for the decision
 *   on the conditions (art. 41 ust. 3), seen in the queue with its due
 *   date, met or missed by the decision. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "integration/cases_util.h"
#include "law/date.h"

#define NOW "2090-03-01T09:00:00Z"
#define TODAY "2090-03-01"
#define LATER "2090-03-20T09:00:00Z"

static struct u_staff clerk;
/* Standing access: accepted, left to lapse, answered "not possible". */
static long long accepted, lapsing, not_possible;
/* Art. 41: the form notice, then an objection. */
static long long objected;
static char accepted_token[64], objected_number[64];

static void start_at(const char *instant)
{
	u_start_at(instant, NULL, &clerk);
}

static int setup(void **state)
{
	(void)state;
	start_at(NOW);
	return 0;
}

static void step(long long id, const char *fields, long status, const char *message)
{
	u_clerk_step_expect(&clerk, id, fields, status, message);
}

/* Files a re-use request through the API: `standing` is the JSON value of
 * the member ("true", "\"tak\"", ...; NULL: none). The status; the case's
 * number and token into the buffers when given. */
static long file_api(const char *kind, const char *standing, char *number, char *token)
{
	char body[1024];
	snprintf(body, sizeof body,
	         "{\"kind\":\"%s\",\"subject\":\"Dane z systemu pomiarowego\","
	         "\"content\":\"Prosz\\u0119 o dost\\u0119p do danych pomiarowych.\",\"delivery\":\"email\","
	         "\"purpose\":\"aplikacja\",\"format\":\"JSON\",\"manner\":\"API\"%s%s,"
	         "\"requester\":{\"name\":\"Anna Test\",\"email\":\"anna@example.pl\","
	         "\"postal_address\":\"ul. Testowa 2, 00-001 Warszawa\"}}",
	         kind, standing ? ",\"standing\":" : "", standing ? standing : "");
	struct hresp r;
	u_post_json("/api/v1/requests", body, &r);
	long status = r.status;
	if (status == 201) {
		json_t *j = u_json(&r);
		if (number)
			snprintf(number, 64, "%s", u_str(j, "case_number"));
		if (token)
			snprintf(token, 64, "%s", u_str(j, "tracking_token"));
		json_decref(j);
	} else if (status == 422) {
		assert_non_null(strstr(r.body, "standing"));
		assert_non_null(strstr(r.body, "true albo false"));
	}
	h_free(&r);
	return status;
}

static long long standing_case(char *token)
{
	char number[64];
	assert_int_equal(file_api("reuse", "true", number, token), 201);
	return u_request_id(number);
}

static long standing_of(long long id)
{
	char q[160];
	snprintf(q, sizeof q, "SELECT reuse_standing::int FROM requests WHERE id = %lld", id);
	return u_count(q);
}

static void test_standing_access_is_filed_by_api_form_and_clerk(void **state)
{
	(void)state;
	char token[64];
	accepted = standing_case(accepted_token);
	lapsing = standing_case(token);
	not_possible = standing_case(token);
	assert_int_equal(standing_of(accepted), 1);
	/* Not a boolean: 422 naming the member; for public information the
	 * mark is ignored like the other re-use fields. */
	assert_int_equal(file_api("reuse", "\"tak\"", NULL, NULL), 422);
	char number[64];
	assert_int_equal(file_api("reuse", "false", number, NULL), 201);
	assert_int_equal(standing_of(u_request_id(number)), 0);
	assert_int_equal(file_api("public_information", "true", number, NULL), 201);
	assert_int_equal(standing_of(u_request_id(number)), 0);

	/* The citizen's form has the checkbox and files with it. */
	struct u_form fp;
	u_open_form(&fp);
	struct hresp r;
	h_get("/wniosek", &r);
	assert_non_null(strstr(r.body, "name=\"standing\""));
	assert_non_null(strstr(r.body, "art. 42"));
	h_free(&r);
	char body[2048];
	snprintf(body, sizeof body,
	         "csrf=%s&submission_id=%s&kind=reuse&subject=Formularz+sta%%C5%%82y+dost%%C4%%99p"
	         "&content=Dane+w+czasie+rzeczywistym.&delivery=email&email=anna%%40example.pl"
	         "&name=Anna+Test&postal_address=ul.+Testowa+2%%2C+00-001+Warszawa"
	         "&purpose=aplikacja&format=JSON&manner=API&standing=1",
	         fp.csrf, fp.sid);
	const char *hdr[] = {"Content-Type: application/x-www-form-urlencoded", fp.cookie, NULL};
	h_request("POST", "/wniosek", hdr, body, strlen(body), &r);
	if (r.status != 303)
		fprintf(stderr, "form: %ld %.2000s\n", r.status, r.body);
	assert_int_equal(r.status, 303);
	h_free(&r);
	assert_int_equal(u_count("SELECT count(*) FROM requests WHERE subject = 'Formularz stały "
	                         "dostęp' AND reuse_standing"),
	                 1);

	/* The clerk registers one that came by post; a value that is no mark
	 * gives the form back with a Polish message and the input kept. */
	const char *reg = "channel=post&received_on=" TODAY "&kind=reuse"
	                  "&subject=Rejestracja+sta%C5%82y+dost%C4%99p&content=Tre%C5%9B%C4%87+wniosku."
	                  "&delivery=post&name=Jan+Nowak&postal_address=ul.+Lipowa+1%2C+00-001+Warszawa"
	                  "&purpose=analiza&format=CSV&manner=API";
	snprintf(body, sizeof body, "%s&standing=czasem", reg);
	u_staff_post(&clerk, "/panel/rejestracja", body, &r);
	assert_int_equal(r.status, 422);
	assert_non_null(strstr(r.body, "Zaznacz pole, jeśli wniosek dotyczy dostępu w sposób stały"));
	assert_non_null(strstr(r.body, "Rejestracja stały dostęp"));
	h_free(&r);
	snprintf(body, sizeof body, "%s&standing=1", reg);
	u_staff_post(&clerk, "/panel/rejestracja", body, &r);
	assert_int_equal(r.status, 303);
	char path[128];
	snprintf(path, sizeof path, "%s", h_header(&r, "Location"));
	h_free(&r);
	*strchr(path, '?') = '\0';
	u_staff_get(&clerk, path, &r);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.body, "w sposób stały i bezpośredni w czasie rzeczywistym"));
	h_free(&r);
}

static long draft_seq(long long id, const char *type)
{
	char q[256];
	snprintf(q, sizeof q,
	         "SELECT seq FROM documents WHERE request_id = %lld AND type = '%s' ORDER BY seq DESC "
	         "LIMIT 1",
	         id, type);
	return u_count(q);
}

/* The draft's page contains each of `want` and none of `never`. */
/* The newest draft of `type` issued by its default channel and sent. */
static void send_draft(long long id, const char *type)
{
	char path[128];
	snprintf(path, sizeof path, "/panel/sprawy/%lld/pisma/%ld", id, draft_seq(id, type));
	u_send_letter(&clerk, path);
}

static void letter_says(long long id, const char *type, const char *const *want,
                        const char *const *never, bool issue)
{
	long seq = draft_seq(id, type);
	assert_true(seq >= 1);
	char path[128];
	snprintf(path, sizeof path, "/panel/sprawy/%lld/pisma/%ld", id, seq);
	struct hresp r;
	u_staff_get(&clerk, path, &r);
	assert_int_equal(r.status, 200);
	char *md = u_markdown_of(r.body);
	h_free(&r);
	for (; *want; want++) {
		if (!strstr(md, *want))
			fprintf(stderr, "%s: no \"%s\" in %s\n", type, *want, md);
		assert_non_null(strstr(md, *want));
	}
	for (; *never; never++)
		assert_null(strstr(md, *never));
	free(md);
	if (!issue)
		return;
	/* Issued and sent: its step takes effect (issue 21 item 1). */
	u_send_letter(&clerk, path);
	char q[256];
	snprintf(q, sizeof q,
	         "SELECT count(*) FROM documents WHERE request_id = %lld AND seq = %ld AND status = "
	         "'issued' AND substr(pdf, 1, 5) = '%%PDF-'::bytea",
	         id, seq);
	assert_int_equal(u_count(q), 1);
}

static long term_count(long long id, const char *kind, const char *state)
{
	char q[256];
	snprintf(q, sizeof q,
	         "SELECT count(*) FROM terms WHERE request_id = %lld AND kind = '%s' AND state = '%s'",
	         id, kind, state);
	return u_count(q);
}

static void test_standing_offer_has_no_objection_and_is_accepted(void **state)
{
	(void)state;
	step(accepted, "action=offer&text=Dost%C4%99p+przez+API+po+rejestracji+klucza.&amount=100",
	     303, NULL);
	const char *want[] = {"art. 42 ust. 1 pkt 1", "nie przysługuje sprzeciw", "art. 42 ust. 2",
	                      "Dostęp przez API po rejestracji klucza.", NULL};
	const char *never[] = {"złożyć sprzeciw", "art. 41 ust. 3", NULL};
	letter_says(accepted, "reuse_offer", want, never, true);
	step(accepted, "action=record_delivery&date=" TODAY, 303, NULL);
	assert_int_equal(term_count(accepted, "standing_offer_window", "open"), 1);
	assert_int_equal(term_count(accepted, "offer_window", "open"), 0);

	/* The panel offers the acceptance, not the objection, and refuses one
	 * posted all the same with the reason. */
	char path[128];
	snprintf(path, sizeof path, "/panel/sprawy/%lld", accepted);
	struct hresp r;
	u_staff_get(&clerk, path, &r);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.body, "value=\"accept_offer\""));
	assert_null(strstr(r.body, "value=\"object_to_offer\""));
	assert_non_null(strstr(r.body, "termin na zawiadomienie o przyjęciu oferty"));
	h_free(&r);
	step(accepted, "action=object_to_offer&date=" TODAY "&text=Nie+zgadzam+si%C4%99.", 409,
	     "nie przysługuje sprzeciw (art. 42 ust. 1 pkt 1)");

	/* So does the tracking page. */
	snprintf(path, sizeof path, "/sprawa/%s", accepted_token);
	h_get(path, &r);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.body, "Przyjmij ofertę"));
	assert_null(strstr(r.body, "Wnieś sprzeciw"));
	assert_non_null(strstr(r.body, "w sposób stały i bezpośredni w czasie rzeczywistym"));
	h_free(&r);

	/* And the API's requester actions. */
	snprintf(path, sizeof path, "/api/v1/requests/%s/actions/object_to_offer", accepted_token);
	u_post_json(path, "{\"text\":\"Sprzeciw.\"}", &r);
	if (r.status != 409)
		fprintf(stderr, "API objection: %ld %s\n", r.status, r.body);
	assert_int_equal(r.status, 409);
	assert_non_null(strstr(r.body, "no_objection"));
	h_free(&r);

	step(accepted, "action=accept_offer&date=" TODAY, 303, NULL);
	assert_int_equal(term_count(accepted, "standing_offer_window", "met"), 1);
	assert_int_equal(u_count("SELECT count(*) FROM requests WHERE state = 'in_progress' AND "
	                         "reuse_standing AND closed_on IS NULL AND id IN (SELECT request_id "
	                         "FROM events WHERE action = 'accept_offer')"),
	                 1);

	/* The other waits for its window to pass. */
	step(lapsing, "action=offer&text=Warunki.&amount=50", 303, NULL);
	send_draft(lapsing, "reuse_offer");
	step(lapsing, "action=record_delivery&date=" TODAY, 303, NULL);
	step(lapsing, "action=offer_window_expired&date=" TODAY, 409, "upływa");
}

static void test_reuse_not_possible_in_the_manner_asked(void **state)
{
	(void)state;
	/* Standing access: the answer of art. 42 ust. 1 pkt 2 closes it. */
	step(not_possible,
	     "action=form_notice&text=System+nie+udost%C4%99pnia+danych+w+czasie+rzeczywistym.", 303,
	     NULL);
	const char *want42[] = {"art. 42 ust. 1 pkt 2", "ze względu na format",
	                        "System nie udostępnia danych w czasie rzeczywistym.", NULL};
	const char *never42[] = {"sprzeciw", "art. 41 ust. 1 pkt 4", NULL};
	letter_says(not_possible, "reuse_form_notice", want42, never42, true);
	char q[256];
	snprintf(q, sizeof q,
	         "SELECT count(*) FROM requests WHERE id = %lld AND state = 'reuse_not_possible' AND "
	         "closed_on = '" TODAY "'",
	         not_possible);
	assert_int_equal(u_count(q), 1);
	assert_int_equal(term_count(not_possible, "reuse_answer", "met"), 1);

	/* A request of art. 41: the offer's variant, then the 14 days. */
	char *t = u_file("reuse", objected_number);
	free(t);
	objected = u_request_id(objected_number);
	step(objected, "action=form_notice&text=Dane+mog%C4%85+by%C4%87+przekazane+w+formacie+CSV.",
	     303, NULL);
	const char *want41[] = {"art. 41 ust. 1 pkt 4 w związku z art. 10 ust. 4", "art. 41 ust. 2",
	                        "złożyć sprzeciw", "Dane mogą być przekazane w formacie CSV.", NULL};
	const char *never41[] = {"art. 42", NULL};
	letter_says(objected, "reuse_form_notice", want41, never41, false);
	send_draft(objected, "reuse_form_notice");
	snprintf(q, sizeof q, "SELECT count(*) FROM requests WHERE id = %lld AND state = 'offer_sent'",
	         objected);
	assert_int_equal(u_count(q), 1);
	step(objected, "action=record_delivery&date=" TODAY, 303, NULL);
	assert_int_equal(term_count(objected, "offer_window", "open"), 1);
}

static void test_objection_starts_the_term_for_the_conditions_decision(void **state)
{
	(void)state;
	step(objected,
	     "action=object_to_offer&date=" TODAY "&text=Forma+CSV+narusza+ustaw%C4%99.", 303, NULL);
	assert_int_equal(term_count(objected, "conditions_decision", "open"), 1);
	char q[512];
	snprintf(q, sizeof q,
	         "SELECT count(*) FROM terms t JOIN requests r ON r.id = t.request_id WHERE r.id = "
	         "%lld AND t.kind = 'conditions_decision' AND t.side = 'body' AND t.start_on = '" TODAY
	         "' AND t.unshifted_on = '2090-03-15' AND t.basis = 'UOD art. 41 ust. 3' AND "
	         "r.due_on = t.due_on",
	         objected);
	assert_int_equal(u_count(q), 1);
	snprintf(q, sizeof q,
	         "SELECT to_char(due_on, 'YYYYMMDD')::bigint FROM requests WHERE id = %lld", objected);
	long due = u_count(q);
	char due_text[LAW_DATE_STRLEN];
	law_date_format((law_date_t){(int)(due / 10000), (int)(due / 100 % 100), (int)(due % 100)},
	                due_text);

	/* The queue lists the case by that due date. */
	char path[160];
	snprintf(path, sizeof path, "/panel?q=%s", objected_number);
	struct hresp r;
	u_staff_get(&clerk, path, &r);
	assert_int_equal(r.status, 200);
	const char *row = strstr(r.body, objected_number);
	assert_non_null(row);
	assert_non_null(strstr(row, due_text));
	h_free(&r);
	snprintf(path, sizeof path, "/panel/sprawy/%lld", objected);
	u_staff_get(&clerk, path, &r);
	assert_non_null(strstr(r.body, "termin wydania decyzji o warunkach ponownego wykorzystywania"));
	assert_non_null(strstr(r.body, "value=\"decide_conditions\""));
	h_free(&r);
}

static void test_later(void **state)
{
	(void)state;
	assert_int_equal(h_server_stop(), 0);
	start_at(LATER);
}

static void test_windows_pass_and_the_decision_comes_late(void **state)
{
	(void)state;
	step(lapsing, "action=object_to_offer&text=Sprzeciw.", 409, "nie przysługuje sprzeciw");
	step(lapsing, "action=offer_window_expired", 303, NULL);
	char q[256];
	snprintf(q, sizeof q,
	         "SELECT count(*) FROM requests WHERE id = %lld AND state = 'deemed_withdrawn'", lapsing);
	assert_int_equal(u_count(q), 1);
	assert_int_equal(term_count(lapsing, "standing_offer_window", "passed"), 1);

	step(objected, "action=decide_conditions&text=Warunki+okre%C5%9Blone+decyzj%C4%85.&amount=20",
	     303, NULL);
	send_draft(objected, "conditions_decision");
	assert_int_equal(term_count(objected, "conditions_decision", "missed"), 1);
	snprintf(q, sizeof q,
	         "SELECT count(*) FROM requests WHERE id = %lld AND state = 'conditions_decided'",
	         objected);
	assert_int_equal(u_count(q), 1);
}

int main(void)
{
	h_setup_db("reuse_standing");
	u_seed_demo();
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_standing_access_is_filed_by_api_form_and_clerk),
	    cmocka_unit_test(test_standing_offer_has_no_objection_and_is_accepted),
	    cmocka_unit_test(test_reuse_not_possible_in_the_manner_asked),
	    cmocka_unit_test(test_objection_starts_the_term_for_the_conditions_decision),
	    cmocka_unit_test(test_later),
	    cmocka_unit_test(test_windows_pass_and_the_decision_comes_late),
	};
	int failed = cmocka_run_group_tests_name("reuse_standing", tests, setup, h_stop_server);
	h_teardown();
	return failed;
}
