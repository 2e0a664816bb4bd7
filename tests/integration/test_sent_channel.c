/* SPDX-License-Identifier: EUPL-1.2 */
/* A requester's paper reply recorded by the clerk with how it was sent
 * (issue 20 item 5; KPA art. 57 §5): posted at the designated operator
 * (Poczta Polska) on the term's last day and received after it is in time;
 * the same sent by a courier is late (the date received counts); a dispatch
 * date earlier than the date received needs the channel. The clock is
 * frozen and moved between two runs of the server. */
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
#define LATER "2090-03-20T09:00:00Z"

static struct u_staff clerk;
static long long by_post, by_courier, no_channel;

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
	u_clerk_step_sent(&clerk, id, fields, status, message);
}

/* A case called to clarify, the call delivered today. */
static long long called_to_clarify(void)
{
	char number[64];
	free(u_file("public_information", number));
	long long id = u_request_id(number);
	step(id, "action=call_to_clarify&text=Kt%C3%B3rego+roku+dotyczy+wniosek%3F", 303, NULL);
	step(id, "action=record_delivery&date=2090-03-01", 303, NULL);
	return id;
}

static void test_calls_to_clarify_delivered(void **state)
{
	(void)state;
	by_post = called_to_clarify();
	by_courier = called_to_clarify();
	no_channel = called_to_clarify();
	char q[256];
	snprintf(q, sizeof q,
	         "SELECT count(*) FROM terms WHERE request_id = %lld AND kind = "
	         "'clarification_window' AND state = 'open'",
	         by_post);
	assert_int_equal(u_count(q), 1);
}

static void test_later(void **state)
{
	(void)state;
	assert_int_equal(h_server_stop(), 0);
	start_at(LATER);
}

/* The window's due date of case `id` ("YYYY-MM-DD"), and two days after. */
static void due_of(long long id, char due[LAW_DATE_STRLEN], char after[LAW_DATE_STRLEN])
{
	char q[256];
	snprintf(q, sizeof q,
	         "SELECT to_char(due_on, 'YYYYMMDD')::bigint FROM terms WHERE request_id = %lld AND "
	         "kind = 'clarification_window'",
	         id);
	long v = u_count(q);
	law_date_t d = {(int)(v / 10000), (int)(v / 100 % 100), (int)(v % 100)};
	law_date_format(d, due);
	law_date_format(law_date_add_days(d, 2), after);
}

static const char *term_state(long long id)
{
	static char buf[32];
	char q[256];
	snprintf(q, sizeof q,
	         "SELECT CASE state WHEN 'met' THEN 1 WHEN 'missed' THEN 2 ELSE 0 END FROM terms "
	         "WHERE request_id = %lld AND kind = 'clarification_window'",
	         id);
	long s = u_count(q);
	snprintf(buf, sizeof buf, "%s", s == 1 ? "met" : s == 2 ? "missed" : "other");
	return buf;
}

static void test_posted_at_poczta_polska_on_the_last_day_is_in_time(void **state)
{
	(void)state;
	char due[LAW_DATE_STRLEN], after[LAW_DATE_STRLEN], body[512];
	due_of(by_post, due, after);
	snprintf(body, sizeof body,
	         "action=record_clarification&date=%s&sent=%s&sent_channel=operator"
	         "&text=Chodzi+o+rok+2089.",
	         after, due);
	step(by_post, body, 303, NULL);
	assert_string_equal(term_state(by_post), "met");
	char q[256];
	snprintf(q, sizeof q,
	         "SELECT count(*) FROM events WHERE request_id = %lld AND action = "
	         "'record_clarification' AND data->>'sent_channel' = 'operator'",
	         by_post);
	assert_int_equal(u_count(q), 1);
}

static void test_a_couriers_dispatch_date_does_not_meet_the_term(void **state)
{
	(void)state;
	char due[LAW_DATE_STRLEN], after[LAW_DATE_STRLEN], body[512];
	due_of(by_courier, due, after);
	snprintf(body, sizeof body,
	         "action=record_clarification&date=%s&sent=%s&sent_channel=courier"
	         "&text=Chodzi+o+rok+2089.",
	         after, due);
	step(by_courier, body, 303, NULL);
	assert_string_equal(term_state(by_courier), "missed");
}

static void test_an_earlier_dispatch_date_needs_the_channel(void **state)
{
	(void)state;
	char due[LAW_DATE_STRLEN], after[LAW_DATE_STRLEN], body[512];
	due_of(no_channel, due, after);
	snprintf(body, sizeof body,
	         "action=record_clarification&date=%s&sent=%s&text=Chodzi+o+rok+2089.", after, due);
	step(no_channel, body, 422, "Wskaż, jak wnioskodawca przesłał pismo");
	snprintf(body, sizeof body,
	         "action=record_clarification&date=%s&sent=%s&sent_channel=go%%C5%%82%%C4%%85b"
	         "&text=Chodzi+o+rok+2089.",
	         after, due);
	step(no_channel, body, 422, "Wybierz z listy, jak wnioskodawca przesłał pismo.");
	/* Refused for another reason: the channel chosen stays chosen. */
	snprintf(body, sizeof body,
	         "action=record_clarification&date=%s&sent=2090-03-21&sent_channel=courier"
	         "&text=Chodzi+o+rok+2089.",
	         due);
	step(no_channel, body, 422, "value=\"courier\" selected");
	assert_string_equal(term_state(no_channel), "other");
	/* The form offers the channels. */
	char path[64];
	snprintf(path, sizeof path, "/panel/sprawy/%lld", no_channel);
	struct hresp r;
	u_staff_get(&clerk, path, &r);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.body, "name=\"sent_channel\""));
	assert_non_null(strstr(r.body, "value=\"courier\""));
	h_free(&r);
}

int main(void)
{
	h_setup_db("sent_channel");
	u_seed_demo();
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_calls_to_clarify_delivered),
	    cmocka_unit_test(test_later),
	    cmocka_unit_test(test_posted_at_poczta_polska_on_the_last_day_is_in_time),
	    cmocka_unit_test(test_a_couriers_dispatch_date_does_not_meet_the_term),
	    cmocka_unit_test(test_an_earlier_dispatch_date_needs_the_channel),
	};
	int failed = cmocka_run_group_tests_name("sent_channel", tests, setup, h_stop_server);
	h_teardown();
	return failed;
}
