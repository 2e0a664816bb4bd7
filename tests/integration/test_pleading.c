/* SPDX-License-Identifier: EUPL-1.2 */
/* Unsigned pleadings (issue 18 §5; KPA art. 63 §3, art. 64 §2;
 * docs/dispatch.md, "Unsigned pleadings") over real HTTP, the clock frozen
 * on 1 March 2090, then on 20 March 2090: an appeal filed through the
 * tracking page is recorded unsigned; the clerk's case page says so and
 * offers the call to sign it; the call is a letter, issued and dispatched
 * as one that starts the requester's term, and the 7 days run from its
 * delivery as the calendar counts them; the tracking page tells the
 * requester how to remedy it; the signature recorded ends the term and
 * starts the art. 133 term; with no signature the appeal is left
 * unprocessed by letter; where the organisation's policy accepts unsigned
 * pleadings, nothing of that happens and the case page shows its note. */
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
#define TODAY "2090-03-01"
#define NOTE "Urząd traktuje stronę sprawy jako kanał, w którym wnoszący jest zidentyfikowany."

static struct u_staff clerk;
static char today[16] = "2090-03-01"; /* the frozen clock's day */

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

static void file(const char *name, struct u_case *k)
{
	u_file_case(name, "Umowy na sprzątanie", "Proszę o kopie umów na sprzątanie budynku.", k);
}

static void post(const char *path, const char *body, long want)
{
	struct hresp r;
	u_staff_post(&clerk, path, body, &r);
	if (r.status != want)
		fprintf(stderr, "%s %s: %ld %.800s\n", path, body, r.status, r.body);
	assert_int_equal(r.status, want);
	h_free(&r);
}

/* The clerk's step; the number of the draft of `type` it leaves (0: none). */
static long act(const struct u_case *k, const char *body, const char *type)
{
	char path[128];
	snprintf(path, sizeof path, "/panel/sprawy/%lld/czynnosc", k->id);
	post(path, body, 303);
	return u_countf("SELECT coalesce(max(seq), 0) FROM documents WHERE request_id = %lld AND "
	                "type = '%s'", k->id, type);
}

/* Issues draft `seq` by the default channel (a registered letter: both
 * the decision and the call start a term of the requester), posts it and
 * records its return receipt, all on the frozen clock's day. */
static void issue_and_deliver(const struct u_case *k, long seq)
{
	char letter[128];
	snprintf(letter, sizeof letter, "/panel/sprawy/%lld/pisma/%ld", k->id, seq);
	u_issue_letter_by(&clerk, letter, "");
	u_post_and_receive(&clerk, k->id, seq, today);
}

/* A refusal, delivered today: the appeal window runs. */
static void refused_and_delivered(const char *name, struct u_case *k)
{
	file(name, k);
	long seq = act(k, "action=refuse&version=1&legal_basis=privacy&text=Dane+os%C3%B3b+"
	                  "prywatnych.&persons=Jan+Nowak%2C+dyrektor",
	               "refusal_decision");
	assert_true(seq >= 1);
	issue_and_deliver(k, seq);
	assert_int_equal(u_countf("SELECT count(*) FROM terms WHERE request_id = %lld AND kind = "
	                          "'appeal_window' AND state = 'open'", k->id), 1);
}

/* The requester appeals through the tracking page's form. */
static void appeal_on_the_page(const struct u_case *k)
{
	struct u_form fp;
	u_open_form(&fp);
	char path[200], body[512];
	snprintf(path, sizeof path, "/sprawa/%s/czynnosc", k->token);
	snprintf(body, sizeof body,
	         "csrf=%s&action=appeal&version=%ld&text=Nie+zgadzam+si%%C4%%99+z+decyzj%%C4%%85.",
	         fp.csrf, u_version_of(k));
	const char *hdr[] = {"Content-Type: application/x-www-form-urlencoded", fp.cookie, NULL};
	struct hresp r;
	h_request("POST", path, hdr, body, strlen(body), &r);
	if (r.status != 303)
		fprintf(stderr, "appeal: %ld %.800s\n", r.status, r.body);
	assert_int_equal(r.status, 303);
	h_free(&r);
}

static char *case_page(const struct u_case *k)
{
	char path[128];
	snprintf(path, sizeof path, "/panel/sprawy/%lld", k->id);
	return u_page(&clerk, path);
}

static struct u_case a, b, c;

static void test_an_appeal_from_the_tracking_page_waits_for_a_signature(void **state)
{
	refused_and_delivered("Jan Odwołujący", &a);
	appeal_on_the_page(&a);
	/* Recorded as today, in time, and unsigned. */
	assert_int_equal(u_countf("SELECT count(*) FROM requests WHERE id = %lld AND state = "
	                          "'pleading_unsigned'", a.id), 1);
	assert_int_equal(u_countf("SELECT count(*) FROM events WHERE request_id = %lld AND action = "
	                          "'appeal' AND actor = 'requester' AND data->>'signed' = 'false' AND "
	                          "data->>'date' = '" TODAY "'", a.id), 1);
	assert_int_equal(u_countf("SELECT count(*) FROM terms WHERE request_id = %lld AND kind = "
	                          "'appeal_window' AND state = 'met'", a.id), 1);
	/* Art. 133 runs only once the defect is remedied. */
	assert_int_equal(u_countf("SELECT count(*) FROM terms WHERE request_id = %lld AND kind = "
	                          "'forward_appeal'", a.id), 0);

	char *p = case_page(&a);
	u_has(p, "Brak podpisu:");
	u_has(p, "KPA art. 63 § 3");
	u_has(p, "name=\"action\" value=\"call_to_sign\"");
	u_has(p, "Wezwanie do usunięcia braku formalnego (podpisu)");
	u_lacks(p, "name=\"action\" value=\"forward_appeal\"");
	u_lacks(p, "name=\"action\" value=\"leave_unprocessed\"");
	free(p);
	p = u_tracking_page(&a);
	u_has(p, "Potrzebny podpis: odwołanie z dnia " TODAY);
	u_has(p, "przez e-Doręczenia lub ePUAP");
	u_has(p, "podpisując pismo w siedzibie urzędu");
	u_has(p, "art. 64 § 2");
	free(p);
}

static long call_seq;

static void test_the_call_is_a_letter_and_its_delivery_starts_7_days(void **state)
{
	char body[128];
	snprintf(body, sizeof body, "action=call_to_sign&version=%ld", u_version_of(&a));
	call_seq = act(&a, body, "signature_call");
	assert_true(call_seq >= 1);
	/* The call waits for its letter (issue 21 item 1). */
	assert_int_equal(u_countf("SELECT count(*) FROM requests WHERE id = %lld AND state = "
	                          "'pleading_unsigned'", a.id), 1);
	char path[160];
	snprintf(path, sizeof path, "/panel/sprawy/%lld/pisma/%ld", a.id, call_seq);
	char *p = u_page(&clerk, path);
	u_has(p, "art. 64 § 2");
	u_has(p, "terminie 7 dni od dnia doręczenia");
	u_has(p, "pozostawienie podania bez rozpoznania");
	/* It starts a term: neither e-mail nor the page may carry it. */
	u_lacks(p, "<option value=\"email\"");
	free(p);
	issue_and_deliver(&a, call_seq);
	assert_int_equal(u_countf("SELECT count(*) FROM requests WHERE id = %lld AND state = "
	                          "'signature_called'", a.id), 1);
	char due[LAW_DATE_STRLEN];
	u_due_from(TODAY, 7, due);
	assert_int_equal(u_countf("SELECT count(*) FROM terms WHERE request_id = %lld AND kind = "
	                          "'signature_window' AND state = 'open' AND start_on = '" TODAY "' "
	                          "AND due_on = '%s' AND basis = 'KPA art. 64 §2'", a.id, due), 1);
	char want[160];
	p = u_tracking_page(&a);
	snprintf(want, sizeof want, "termin upływa <strong>%s</strong>", due);
	u_has(p, want);
	u_has(p, "Urząd wezwał do usunięcia tego braku");
	free(p);
	p = case_page(&a);
	snprintf(want, sizeof want, "termin upływa %s", due);
	u_has(p, want);
	u_has(p, "name=\"action\" value=\"record_signature\"");
	free(p);
	/* Too early to leave it unprocessed: the law core's reason. */
	snprintf(path, sizeof path, "/panel/sprawy/%lld/czynnosc", a.id);
	snprintf(body, sizeof body, "action=leave_unprocessed&version=%ld", u_version_of(&a));
	struct hresp r;
	u_staff_post(&clerk, path, body, &r);
	assert_int_equal(r.status, 409);
	u_has(r.body, "termin na usunięcie braku podpisu");
	h_free(&r);
}

static void test_the_signature_recorded_ends_the_term(void **state)
{
	char body[256];
	snprintf(body, sizeof body, "action=record_signature&version=%ld&sent=" TODAY
	                            "&text=Pismo+podpisane+przez+ePUAP.", u_version_of(&a));
	act(&a, body, "signature_call");
	assert_int_equal(u_countf("SELECT count(*) FROM requests WHERE id = %lld AND state = "
	                          "'appeal_pending'", a.id), 1);
	assert_int_equal(u_countf("SELECT count(*) FROM terms WHERE request_id = %lld AND kind = "
	                          "'signature_window' AND state = 'met'", a.id), 1);
	char due[LAW_DATE_STRLEN];
	u_due_from(TODAY, 7, due);
	assert_int_equal(u_countf("SELECT count(*) FROM terms WHERE request_id = %lld AND kind = "
	                          "'forward_appeal' AND state = 'open' AND start_on = '" TODAY "' AND "
	                          "due_on = '%s'", a.id, due), 1);
	char *p = case_page(&a);
	u_lacks(p, "Brak podpisu:");
	u_has(p, "name=\"action\" value=\"forward_appeal\"");
	free(p);
	p = u_tracking_page(&a);
	u_lacks(p, "Potrzebny podpis");
	free(p);
}

/* A second appeal whose call goes unanswered. */
static void test_a_second_unsigned_appeal_is_called_today(void **state)
{
	refused_and_delivered("Anna Milcząca", &b);
	appeal_on_the_page(&b);
	char body[128];
	snprintf(body, sizeof body, "action=call_to_sign&version=%ld", u_version_of(&b));
	long seq = act(&b, body, "signature_call");
	issue_and_deliver(&b, seq);
}

static void test_later(void **state)
{
	assert_int_equal(h_server_stop(), 0);
	start_at(LATER);
}

static void test_with_no_signature_in_time_the_appeal_is_left_unprocessed(void **state)
{
	char body[128];
	snprintf(body, sizeof body, "action=leave_unprocessed&version=%ld", u_version_of(&b));
	long seq = act(&b, body, "pleading_unprocessed_letter");
	assert_true(seq >= 1);
	char path[160];
	snprintf(path, sizeof path, "/panel/sprawy/%lld/pisma/%ld", b.id, seq);
	char *p = u_page(&clerk, path);
	u_has(p, "Pismo o pozostawieniu podania bez rozpoznania");
	u_has(p, "podanie pozostaje bez rozpoznania");
	u_has(p, "art. 64 § 2");
	free(p);
	/* Sent, the step takes effect (issue 21 item 1). */
	u_send_letter(&clerk, path);
	assert_int_equal(u_countf("SELECT count(*) FROM requests WHERE id = %lld AND state = "
	                          "'closed_final'", b.id), 1);
	assert_int_equal(u_countf("SELECT count(*) FROM terms WHERE request_id = %lld AND kind = "
	                          "'signature_window' AND state = 'passed'", b.id), 1);
}

static void test_where_the_policy_accepts_it_nothing_is_called_and_the_note_shows(void **state)
{
	PGconn *db = h_db();
	PGresult *res = PQexec(db, "UPDATE organisations SET policy_unsigned_pleadings = true, "
	                           "policy_unsigned_note = '" NOTE "' WHERE slug = 'mon'");
	assert_int_equal(PQresultStatus(res), PGRES_COMMAND_OK);
	PQclear(res);
	PQfinish(db);
	refused_and_delivered("Piotr Przyjęty", &c);
	appeal_on_the_page(&c);
	assert_int_equal(u_countf("SELECT count(*) FROM requests WHERE id = %lld AND state = "
	                          "'appeal_pending'", c.id), 1);
	assert_int_equal(u_countf("SELECT count(*) FROM events WHERE request_id = %lld AND action = "
	                          "'appeal' AND data->>'unsigned_note' = '" NOTE "'", c.id), 1);
	assert_int_equal(u_countf("SELECT count(*) FROM terms WHERE request_id = %lld AND kind = "
	                          "'forward_appeal' AND state = 'open' AND start_on = '2090-03-20'",
	                          c.id), 1);
	assert_int_equal(u_countf("SELECT count(*) FROM documents WHERE request_id = %lld AND type = "
	                          "'signature_call'", c.id), 0);
	char *p = case_page(&c);
	u_lacks(p, "Brak podpisu:");
	u_lacks(p, "value=\"call_to_sign\"");
	u_has(p, "przyjęte zgodnie z ustawieniem urzędu");
	u_has(p, NOTE);
	free(p);
	p = u_tracking_page(&c);
	u_lacks(p, "Potrzebny podpis");
	u_lacks(p, NOTE);
	free(p);
}

int main(void)
{
	h_setup_db("pleading");
	u_seed_demo();
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_an_appeal_from_the_tracking_page_waits_for_a_signature),
	    cmocka_unit_test(test_the_call_is_a_letter_and_its_delivery_starts_7_days),
	    cmocka_unit_test(test_the_signature_recorded_ends_the_term),
	    cmocka_unit_test(test_a_second_unsigned_appeal_is_called_today),
	    cmocka_unit_test(test_later),
	    cmocka_unit_test(test_with_no_signature_in_time_the_appeal_is_left_unprocessed),
	    cmocka_unit_test(test_where_the_policy_accepts_it_nothing_is_called_and_the_note_shows),
	};
	int failed = cmocka_run_group_tests_name("pleading", tests, setup, h_stop_server);
	h_teardown();
	return failed;
}
