/* SPDX-License-Identifier: EUPL-1.2 */
/* Anonymous requesters (issue 20 item 12; KPA art. 107 §1 pkt 3, art. 63
 * §2, art. 64 §2) over real HTTP, the clock frozen on 1 March 2090, then on
 * 20 March 2090: information may go to anyone, but a refusal of a request
 * filed without a name and address is refused by the lifecycle with the
 * reason; the clerk's call for them is a letter and the case waits in its
 * own state; the tracking page asks for them, keeps what was typed when an
 * input is wrong, and once they are given the answer term runs again and
 * the refusal goes through; a clerk records them from a letter the same
 * way; with no answer in 7 days from delivery the request is left
 * unprocessed by a letter, not by a decision. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "integration/cases_util.h"
#include "law/term.h"

#define NOW "2090-03-01T09:00:00Z"
#define LATER "2090-03-20T09:00:00Z"

static struct u_staff clerk;
static char today[16];

static void start_at(const char *instant)
{
	snprintf(today, sizeof today, "%.10s", instant);
	u_start_at(instant, NULL, &clerk);
}

static int setup(void **state)
{
	(void)state;
	start_at(NOW);
	return 0;
}

/* A request with an e-mail address only: no name, no postal address. */
static void file_anonymous(struct u_case *k)
{
	struct hresp r;
	u_post_json("/api/v1/requests",
	            "{\"kind\":\"public_information\",\"subject\":\"Koszty szkoleń\","
	            "\"content\":\"Proszę o zestawienie kosztów szkoleń w 2089 r.\","
	            "\"delivery\":\"email\",\"requester\":{\"email\":\"anonim@example.pl\"}}",
	            &r);
	assert_int_equal(r.status, 201);
	json_t *j = u_json(&r);
	snprintf(k->number, sizeof k->number, "%s", u_str(j, "case_number"));
	snprintf(k->token, sizeof k->token, "%s", u_str(j, "tracking_token"));
	json_decref(j);
	h_free(&r);
	k->id = u_request_id(k->number);
}

static char *clerk_post(const struct u_case *k, const char *body, long want)
{
	char path[128];
	snprintf(path, sizeof path, "/panel/sprawy/%lld/czynnosc", k->id);
	struct hresp r;
	u_staff_post(&clerk, path, body, &r);
	if (r.status != want)
		fprintf(stderr, "%s %s: %ld %.800s\n", path, body, r.status, r.body);
	assert_int_equal(r.status, want);
	char *page = strdup(r.body ? r.body : "");
	h_free(&r);
	return page;
}

/* The requester's form on the tracking page; the page answered. */
static char *requester_post(const struct u_case *k, const char *fields, long want)
{
	struct u_form fp;
	u_open_form(&fp);
	char path[200], body[1024];
	snprintf(path, sizeof path, "/sprawa/%s/czynnosc", k->token);
	snprintf(body, sizeof body, "csrf=%s&version=%ld&%s", fp.csrf, u_version_of(k), fields);
	const char *hdr[] = {"Content-Type: application/x-www-form-urlencoded", fp.cookie, NULL};
	struct hresp r;
	h_request("POST", path, hdr, body, strlen(body), &r);
	if (r.status != want)
		fprintf(stderr, "%s: %ld %.800s\n", fields, r.status, r.body);
	assert_int_equal(r.status, want);
	char *page = strdup(r.body ? r.body : "");
	h_free(&r);
	return page;
}

/* Issues the newest draft of `type` by its default channel: for a
 * requester who gave only an e-mail address that is the e-mail, lawful
 * here (KPA knows no delivery without an address), and delivered the day
 * it is sent, so the requester's 7 days start. */
static void issue_and_deliver(const struct u_case *k, const char *type)
{
	long seq = u_countf("SELECT max(seq) FROM documents WHERE request_id = %lld AND type = '%s'",
	                    k->id, type);
	assert_true(seq >= 1);
	char letter[128];
	snprintf(letter, sizeof letter, "/panel/sprawy/%lld/pisma/%ld", k->id, seq);
	u_issue_letter_by(&clerk, letter, "");
	assert_int_equal(u_countf("SELECT count(*) FROM dispatches s JOIN documents d ON "
	                          "d.id = s.document_id WHERE s.request_id = %lld AND d.seq = %ld AND "
	                          "s.channel = 'email' AND s.state = 'delivered' AND "
	                          "s.delivered_on = '%s'", k->id, seq, today), 1);
}

#define REFUSE "action=refuse&legal_basis=privacy&text=Dane+os%C3%B3b+prywatnych."

static struct u_case a, b, c;

static void test_no_decision_for_an_anonymous_requester(void **state)
{
	file_anonymous(&a);
	char *p = clerk_post(&a, REFUSE, 409);
	u_has(p, "KPA art. 107 §1 pkt 3");
	u_has(p, "wezwanie do podania imienia i nazwiska");
	free(p);
	assert_int_equal(u_countf("SELECT count(*) FROM documents WHERE request_id = %lld AND "
	                          "type = 'refusal_decision'", a.id), 0);
	/* The information itself can still be released to anyone: the step is
	 * offered, and the call is too. */
	char path[128];
	snprintf(path, sizeof path, "/panel/sprawy/%lld", a.id);
	struct hresp r;
	u_staff_get(&clerk, path, &r);
	u_has(r.body, "value=\"call_to_identify\"");
	u_has(r.body, "value=\"provide\"");
	h_free(&r);
}

static void test_the_call_is_a_letter_and_the_case_waits(void **state)
{
	free(clerk_post(&a, "action=call_to_identify", 303));
	/* The step waits for its letter (issue 21 item 1). */
	assert_int_equal(u_countf("SELECT count(*) FROM requests WHERE id = %lld AND state = "
	                          "'received'", a.id), 1);
	issue_and_deliver(&a, "identity_call");
	assert_int_equal(u_countf("SELECT count(*) FROM requests WHERE id = %lld AND state = "
	                          "'awaiting_identity'", a.id), 1);
	assert_int_equal(u_countf("SELECT count(*) FROM terms WHERE request_id = %lld AND kind = "
	                          "'answer' AND state = 'cancelled'", a.id), 1);
	char due[LAW_DATE_STRLEN];
	u_due_from(today, 7, due);
	assert_int_equal(u_countf("SELECT count(*) FROM terms WHERE request_id = %lld AND kind = "
	                          "'identity_window' AND state = 'open' AND due_on = '%s'",
	                          a.id, due), 1);
	/* Still no decision while it waits. */
	free(clerk_post(&a, REFUSE, 409));
	char *p = u_tracking_page(&a);
	u_has(p, "Podaj imię i nazwisko oraz adres");
	u_has(p, "name=\"postal_address\"");
	u_has(p, "art. 107 § 1 pkt 3");
	free(p);
}

static void test_the_tracking_page_takes_them_and_keeps_what_was_typed(void **state)
{
	/* No address: the form comes back with the name kept and why. */
	char *p = requester_post(&a, "action=record_identity&name=Anna+Jawna&postal_address=", 422);
	u_has(p, "Podaj adres do korespondencji");
	u_has(p, "value=\"Anna Jawna\"");
	free(p);
	assert_int_equal(u_countf("SELECT count(*) FROM requesters WHERE request_id = %lld AND "
	                          "name = ''", a.id), 1);
	free(requester_post(&a,
	                    "action=record_identity&name=Anna+Jawna&postal_address=ul.+Jasna+5%0A"
	                    "00-001+Warszawa",
	                    303));
	assert_int_equal(u_countf("SELECT count(*) FROM requests WHERE id = %lld AND state = "
	                          "'in_progress'", a.id), 1);
	assert_int_equal(u_countf("SELECT count(*) FROM requesters WHERE request_id = %lld AND "
	                          "name = 'Anna Jawna' AND postal_address LIKE 'ul. Jasna 5%%'",
	                          a.id), 1);
	/* The event says the data were given, not what they are. */
	assert_int_equal(u_countf("SELECT count(*) FROM events WHERE request_id = %lld AND action = "
	                          "'record_identity' AND data::text LIKE '%%Jasna%%'", a.id), 0);
	assert_int_equal(u_countf("SELECT count(*) FROM events WHERE request_id = %lld AND action = "
	                          "'record_identity' AND actor = 'requester'", a.id), 1);
	/* The answer term runs again from today (KPA art. 64 §2). */
	char due[LAW_DATE_STRLEN];
	u_due_from(today, 14, due);
	assert_int_equal(u_countf("SELECT count(*) FROM terms WHERE request_id = %lld AND kind = "
	                          "'answer' AND state = 'open' AND start_on = '%s' AND due_on = '%s'",
	                          a.id, today, due), 1);
	assert_int_equal(u_countf("SELECT count(*) FROM terms WHERE request_id = %lld AND kind = "
	                          "'identity_window' AND state = 'met'", a.id), 1);
	/* Now the decision can be issued; the form is gone from the page. */
	free(clerk_post(&a, REFUSE, 303));
	assert_int_equal(u_countf("SELECT count(*) FROM documents WHERE request_id = %lld AND "
	                          "type = 'refusal_decision'", a.id), 1);
	char *t = u_tracking_page(&a);
	u_lacks(t, "name=\"postal_address\"");
	free(t);
	/* Given once: the same step again is refused and changes nothing. */
	free(requester_post(&a, "action=record_identity&name=Inna+Osoba&postal_address=ul.+Inna+2",
	                    409));
	assert_int_equal(u_countf("SELECT count(*) FROM requesters WHERE request_id = %lld AND "
	                          "name = 'Anna Jawna'", a.id), 1);
}

static void test_a_clerk_records_them_from_a_letter(void **state)
{
	file_anonymous(&b);
	free(clerk_post(&b, "action=call_to_identify", 303));
	issue_and_deliver(&b, "identity_call");
	/* Both fields are required; a refused step changes nothing. */
	char *p = clerk_post(&b, "action=record_identity&name=&postal_address=ul.+Polna+1", 422);
	u_has(p, "Podaj imię i nazwisko");
	u_has(p, "ul. Polna 1");
	free(p);
	free(clerk_post(&b,
	                "action=record_identity&name=Jan+Listowny&postal_address=ul.+Polna+1%2C+"
	                "00-002+Warszawa&sent_channel=operator",
	                303));
	assert_int_equal(u_countf("SELECT count(*) FROM requests WHERE id = %lld AND state = "
	                          "'in_progress'", b.id), 1);
	assert_int_equal(u_countf("SELECT count(*) FROM requesters WHERE request_id = %lld AND "
	                          "name = 'Jan Listowny'", b.id), 1);
	/* Identified: a second call is refused, with the reason. */
	p = clerk_post(&b, "action=call_to_identify", 409);
	u_has(p, "wezwanie do ich podania jest zbędne");
	free(p);
	/* A record the law refuses (nothing is called for now) keeps none of
	 * the data it carried: the savepoint is rolled back. */
	free(clerk_post(&b,
	                "action=record_identity&name=Inna+Osoba&postal_address=ul.+Inna+2&"
	                "sent_channel=operator",
	                409));
	assert_int_equal(u_countf("SELECT count(*) FROM requesters WHERE request_id = %lld AND "
	                          "name = 'Jan Listowny' AND postal_address LIKE 'ul. Polna 1%%'",
	                          b.id), 1);
}

static void test_without_them_in_7_days_the_request_is_left_unprocessed(void **state)
{
	file_anonymous(&c);
	free(clerk_post(&c, "action=call_to_identify", 303));
	issue_and_deliver(&c, "identity_call");
	/* Not before the 7 days have passed. */
	free(clerk_post(&c, "action=leave_unprocessed", 409));
	h_server_stop();
	start_at(LATER);
	free(clerk_post(&c, "action=leave_unprocessed", 303));
	assert_int_equal(u_countf("SELECT count(*) FROM documents WHERE request_id = %lld AND "
	                          "type = 'identity_unprocessed_letter'", c.id), 1);
	/* Its draft names the call's date and the part left unprocessed. */
	long seq = u_countf("SELECT seq FROM documents WHERE request_id = %lld AND type = "
	                    "'identity_unprocessed_letter'", c.id);
	char path[200];
	snprintf(path, sizeof path, "/panel/sprawy/%lld/pisma/%ld", c.id, seq);
	struct hresp r;
	u_staff_get(&clerk, path, &r);
	assert_int_equal(r.status, 200);
	u_has(r.body, "Pismem z dnia 1 marca 2090 r. wezwano do podania imienia i nazwiska");
	u_has(r.body, "wymagałoby wydania decyzji");
	h_free(&r);
	/* Sent, the step takes effect. */
	u_send_letter(&clerk, path);
	assert_int_equal(u_countf("SELECT count(*) FROM requests WHERE id = %lld AND state = "
	                          "'left_unprocessed'", c.id), 1);
	assert_int_equal(u_countf("SELECT count(*) FROM terms WHERE request_id = %lld AND kind = "
	                          "'identity_window' AND state = 'passed'", c.id), 1);
}

int main(void)
{
	h_setup_db("identity");
	u_seed_demo();
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_no_decision_for_an_anonymous_requester),
	    cmocka_unit_test(test_the_call_is_a_letter_and_the_case_waits),
	    cmocka_unit_test(test_the_tracking_page_takes_them_and_keeps_what_was_typed),
	    cmocka_unit_test(test_a_clerk_records_them_from_a_letter),
	    cmocka_unit_test(test_without_them_in_7_days_the_request_is_left_unprocessed),
	};
	int failed = cmocka_run_group_tests_name("identity", tests, setup, h_stop_server);
	h_teardown();
	return failed;
}
