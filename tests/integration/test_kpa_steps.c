/* SPDX-License-Identifier: EUPL-1.2 */
/* The KPA steps of issue 20 item 9 over real HTTP, the clerk in the panel,
 * the clock frozen on 1 March 2090, then on 20 March 2090 (after the 14
 * days): the requester's waiver of the appeal makes the decision final on
 * its receipt (KPA art. 127a) and an appeal after it goes on for the appeal
 * body (art. 134); the organ grants an appeal itself by a new decision
 * that releases the information and is open to appeal again (art. 132);
 * an appeal after the decision became final by the window's passing is
 * recorded with the request to restore the term and its forwarding letter
 * says both (art. 133, 134, 58, 59 §2); a ponaglenie before the answer term
 * passed is refused (art. 37 §3a), after it the 7 days to send it on run
 * and survive the case being settled (art. 37 §4). */
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
#define LATER_DAY "2090-03-20"

static struct u_staff clerk;
static char today[16] = TODAY; /* the frozen clock's day */

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
	u_file_case(name, "Umowy na odśnieżanie", "Proszę o kopie umów na odśnieżanie dróg.", k);
}

/* Posts the clerk's form; the body of the answer when it is `want`
 * (malloc'd), the test fails otherwise. */
static char *post(const char *path, const char *body, long want)
{
	struct hresp r;
	u_staff_post(&clerk, path, body, &r);
	if (r.status != want)
		fprintf(stderr, "%s %s: %ld %.800s\n", path, body, r.status, r.body);
	assert_int_equal(r.status, want);
	char *out = strdup(r.body ? r.body : "");
	h_free(&r);
	return out;
}

/* The clerk's step `fields` (without the version, which is added) with the
 * answer `want`; the page it answers with (malloc'd). */
static char *step(const struct u_case *k, const char *fields, long want)
{
	char path[128], body[1024];
	snprintf(path, sizeof path, "/panel/sprawy/%lld/czynnosc", k->id);
	snprintf(body, sizeof body, "%s&version=%ld", fields, u_version_of(k));
	return post(path, body, want);
}

static long draft_of(const struct u_case *k, const char *type)
{
	return u_countf("SELECT coalesce(max(seq), 0) FROM documents WHERE request_id = %lld AND "
	                "type = '%s'",
	                k->id, type);
}

static char *case_page(const struct u_case *k)
{
	char path[128];
	snprintf(path, sizeof path, "/panel/sprawy/%lld", k->id);
	return u_page(&clerk, path);
}

/* The draft `seq`'s Markdown as the letter page shows it (malloc'd). */
static char *draft_markdown(const struct u_case *k, long seq)
{
	char path[160];
	snprintf(path, sizeof path, "/panel/sprawy/%lld/pisma/%ld", k->id, seq);
	char *p = u_page(&clerk, path);
	char *md = u_markdown_of(p);
	free(p);
	assert_non_null(md);
	return md;
}

/* Issues draft `seq` by registered letter (a decision starts a term),
 * posts it and records its return receipt on the frozen clock's day. */
static void issue_and_deliver(const struct u_case *k, long seq)
{
	char letter[128];
	snprintf(letter, sizeof letter, "/panel/sprawy/%lld/pisma/%ld", k->id, seq);
	u_issue_letter(&clerk, letter);
	u_post_and_receive(&clerk, k->id, seq, today);
}

/* The newest draft of `type` issued by its default channel and sent: its
 * step takes effect (issue 21 item 1). */
static void send_draft(const struct u_case *k, const char *type)
{
	char letter[128];
	snprintf(letter, sizeof letter, "/panel/sprawy/%lld/pisma/%ld", k->id, draft_of(k, type));
	u_send_letter(&clerk, letter);
}

/* A refusal issued and delivered today: the appeal window runs. */
static void refused_and_delivered(const char *name, struct u_case *k)
{
	file(name, k);
	free(step(k, "action=refuse&legal_basis=privacy&text=Dane+os%C3%B3b+prywatnych."
	             "&persons=Jan+Nowak%2C+dyrektor",
	          303));
	long seq = draft_of(k, "refusal_decision");
	assert_true(seq >= 1);
	issue_and_deliver(k, seq);
	assert_int_equal(u_countf("SELECT count(*) FROM terms WHERE request_id = %lld AND kind = "
	                          "'appeal_window' AND state = 'open' AND start_on = '%s'",
	                          k->id, today),
	                 1);
}

static struct u_case waived, granted, late, urged;

/* KPA art. 127a: the waiver recorded from the case page; final on its
 * receipt; the window stops; the requester is offered no appeal. */
static void test_waiver_of_the_appeal_makes_the_decision_final_kpa_127a(void **state)
{
	refused_and_delivered("Zofia Zrzekająca", &waived);
	char *p = case_page(&waived);
	u_has(p, "name=\"action\" value=\"waive_appeal\"");
	u_has(p, "zrzeczenie się prawa do wniesienia odwołania");
	u_has(p, "Otrzymanie oświadczenia o zrzeczeniu się — data");
	free(p);
	/* A date that is not one: a Polish message, the form kept. */
	p = step(&waived, "action=waive_appeal&date=2090-02-30&text=Zrzekam+si%C4%99.", 422);
	u_has(p, "Podaj datę w formacie RRRR-MM-DD.");
	u_has(p, "Zrzekam się.");
	free(p);
	free(step(&waived, "action=waive_appeal&date=" TODAY "&text=Zrzekam+si%C4%99+prawa+do+"
	                   "odwo%C5%82ania.",
	          303));
	assert_int_equal(u_countf("SELECT count(*) FROM requests WHERE id = %lld AND state = "
	                          "'closed_final'", waived.id), 1);
	assert_int_equal(u_countf("SELECT count(*) FROM terms WHERE request_id = %lld AND kind = "
	                          "'appeal_window' AND state = 'cancelled' AND closed_on = '" TODAY "'",
	                          waived.id), 1);
	assert_int_equal(u_countf("SELECT count(*) FROM events WHERE request_id = %lld AND action = "
	                          "'waive_appeal' AND to_state = 'closed_final' AND data->>'date' = '"
	                          TODAY "'", waived.id), 1);
	p = u_tracking_page(&waived);
	u_has(p, "zakończona ostatecznie");
	u_has(p, "zrzeczenie się prawa do wniesienia odwołania");
	u_lacks(p, "Wnieś odwołanie");
	free(p);
}

/* The waiver cannot be taken back; an appeal after it is recorded with
 * the warning and sent on (art. 134), with no term to restore. */
static void test_an_appeal_after_the_waiver_goes_on_for_the_appeal_body(void **state)
{
	char *p = step(&waived, "action=appeal&sent=" TODAY "&restore_request=tak&text=Jednak+"
	                        "si%C4%99+odwo%C5%82uj%C4%99.",
	               409);
	u_has(p, "nie ma terminu do przywrócenia");
	u_has(p, "Jednak się odwołuję.");
	u_has(p, "name=\"restore_request\" value=\"tak\" aria-describedby=\"appeal-restore_request-hint\" "
	         "checked");
	free(p);
	free(step(&waived, "action=appeal&sent=" TODAY "&text=Jednak+si%C4%99+odwo%C5%82uj%C4%99.",
	          303));
	assert_int_equal(u_countf("SELECT count(*) FROM requests WHERE id = %lld AND state = "
	                          "'appeal_pending'", waived.id), 1);
	assert_int_equal(u_countf("SELECT count(*) FROM events WHERE request_id = %lld AND action = "
	                          "'appeal' AND data->>'warning_code' = 'remedy_waived'", waived.id), 1);
	free(step(&waived, "action=forward_appeal&text=Strona+zrzek%C5%82a+si%C4%99+odwo%C5%82ania.",
	          303));
	char *md = draft_markdown(&waived, draft_of(&waived, "appeal_forwarding"));
	u_has(md, "strona zrzekła się prawa do jego wniesienia");
	u_has(md, "art. 127a § 2");
	u_has(md, "niedopuszczalność stwierdza organ odwoławczy (art. 134");
	u_lacks(md, "po upływie terminu");
	free(md);
}

/* KPA art. 132: within the 7 days the organ grants the appeal by a new
 * decision that releases the information; it is open to appeal again. */
static void test_the_organ_grants_the_appeal_itself_kpa_132(void **state)
{
	refused_and_delivered("Gustaw Uwzględniony", &granted);
	free(step(&granted, "action=appeal&sent=" TODAY "&text=Dane+nie+s%C4%85+prywatne.", 303));
	char *p = case_page(&granted);
	u_has(p, "name=\"action\" value=\"grant_appeal\"");
	u_has(p, "Dokument do wystawienia: Decyzja uchylająca zaskarżoną decyzję w trybie art. 132 KPA");
	free(p);
	/* The information is the letter's substance: required. */
	p = step(&granted, "action=grant_appeal&text=", 422);
	u_has(p, "Wypełnij pole: Udostępniana informacja");
	free(p);
	free(step(&granted, "action=grant_appeal&text=Umowa+nr+5%2F2090+na+kwot%C4%99+10+000+z%C5%82.",
	          303));
	/* It waits for its decision to be sent (issue 21 item 1). */
	assert_int_equal(u_countf("SELECT count(*) FROM requests WHERE id = %lld AND state = "
	                          "'appeal_pending'", granted.id), 1);
	long seq = draft_of(&granted, "appeal_granted_decision");
	assert_true(seq >= 1);
	char *md = draft_markdown(&granted, seq);
	u_has(md, "Na podstawie art. 132 § 1 ustawy z dnia 14 czerwca 1960 r.");
	u_has(md, "uchylić w całości zaskarżoną decyzję.");
	u_has(md, "Umowa nr 5/2090 na kwotę 10 000 zł.");
	u_has(md, "przysługuje odwołanie do");
	free(md);
	/* Posted, the step takes effect; delivered, the new decision starts a
	 * new appeal window (§3). */
	issue_and_deliver(&granted, seq);
	assert_int_equal(u_countf("SELECT count(*) FROM requests WHERE id = %lld AND state = "
	                          "'appeal_granted' AND closed_on = '" TODAY "'", granted.id), 1);
	assert_int_equal(u_countf("SELECT count(*) FROM terms WHERE request_id = %lld AND kind = "
	                          "'forward_appeal' AND state = 'met'", granted.id), 1);
	assert_int_equal(u_countf("SELECT count(*) FROM terms WHERE request_id = %lld AND kind = "
	                          "'appeal_window' AND state = 'open'", granted.id), 1);
	p = u_tracking_page(&granted);
	u_has(p, "odwołanie uwzględnione przez organ");
	u_has(p, "Wnieś odwołanie");
	free(p);
}

/* A ponaglenie before the answer term passed is left unprocessed (KPA
 * art. 37 §3a): the step is refused with that reason. */
static void test_a_ponaglenie_before_the_term_passed_is_refused_kpa_37_3a(void **state)
{
	file("Paweł Ponaglający", &urged);
	char *p = case_page(&urged);
	u_has(p, "name=\"action\" value=\"record_ponaglenie\"");
	u_has(p, "ponaglenie (bezczynność lub przewlekłość)");
	/* Nothing to send on or decide until a ponaglenie is recorded. */
	u_lacks(p, "name=\"action\" value=\"forward_ponaglenie\"");
	u_lacks(p, "name=\"action\" value=\"decide_ponaglenie\"");
	free(p);
	p = step(&urged, "action=record_ponaglenie&sent=" TODAY "&text=Prosz%C4%99+o+pospiech.", 409);
	u_has(p, "art. 37 §3a");
	u_has(p, "Proszę o pospiech.");
	free(p);
	assert_int_equal(u_countf("SELECT count(*) FROM terms WHERE request_id = %lld AND kind = "
	                          "'forward_ponaglenie'", urged.id), 0);
	/* And a refusal to appeal late later. */
	refused_and_delivered("Lucjan Spóźniony", &late);
}

static void test_later(void **state)
{
	assert_int_equal(h_server_stop(), 0);
	start_at(LATER);
}

/* KPA art. 133, 134, 58, 59 §2: after the window passed and the decision
 * became final, the late appeal is recorded with the request to restore
 * the term; its forwarding letter says both. */
static void test_a_late_appeal_is_sent_on_with_the_request_to_restore_kpa_134(void **state)
{
	free(step(&late, "action=remedy_window_expired", 303));
	assert_int_equal(u_countf("SELECT count(*) FROM requests WHERE id = %lld AND state = "
	                          "'closed_final'", late.id), 1);
	char *p = case_page(&late);
	u_has(p, "name=\"action\" value=\"appeal\"");
	u_has(p, "Wraz z pismem wniesiono prośbę o przywrócenie terminu");
	free(p);
	p = step(&late, "action=appeal&sent=" LATER_DAY "&restore_request=on", 422);
	u_has(p, "zaznacza się albo pozostawia puste");
	free(p);
	free(step(&late, "action=appeal&sent=" LATER_DAY "&restore_request=tak&text=Odwo%C5%82uj%C4%99+"
	                 "si%C4%99%3B+by%C5%82em+w+szpitalu.",
	          303));
	assert_int_equal(u_countf("SELECT count(*) FROM requests WHERE id = %lld AND state = "
	                          "'appeal_pending'", late.id), 1);
	assert_int_equal(u_countf("SELECT count(*) FROM events WHERE request_id = %lld AND action = "
	                          "'appeal' AND data->>'warning_code' = 'requester_late' AND "
	                          "data->>'restore_request' = 'tak'", late.id), 1);
	char due[LAW_DATE_STRLEN];
	u_due_from(LATER_DAY, 7, due);
	assert_int_equal(u_countf("SELECT count(*) FROM terms WHERE request_id = %lld AND kind = "
	                          "'forward_appeal' AND state = 'open' AND due_on = '%s'",
	                          late.id, due), 1);
	p = case_page(&late);
	u_has(p, "Odwołanie wniesiono po upływie terminu");
	free(p);
	free(step(&late, "action=forward_appeal&text=Odwo%C5%82anie+wniesiono+po+terminie.", 303));
	char *md = draft_markdown(&late, draft_of(&late, "appeal_forwarding"));
	u_has(md, "Odwołanie wniesiono po upływie terminu do jego wniesienia, który upłynął w dniu");
	u_has(md, "uchybienie terminu stwierdza organ odwoławczy (art. 134 ww. ustawy)");
	u_has(md, "prośbę o przywrócenie terminu do jego wniesienia (art. 58 § 1 i 2 ww. ustawy)");
	u_has(md, "(art. 59 § 2 ww. ustawy)");
	u_lacks(md, "zrzekła się");
	free(md);
}

/* KPA art. 37 §4: after the answer term passed the ponaglenie starts the
 * body's 7 days; settling the case does not lift them; the forwarding
 * letter goes to the higher body with the organ's position. */
static void test_a_ponaglenie_is_sent_on_within_7_days_kpa_37(void **state)
{
	free(step(&urged, "action=record_ponaglenie&sent=" LATER_DAY "&text=Up%C5%82yn%C4%85%C5%82+"
	                  "termin+14+dni.",
	          303));
	char due[LAW_DATE_STRLEN];
	u_due_from(LATER_DAY, 7, due);
	assert_int_equal(u_countf("SELECT count(*) FROM terms WHERE request_id = %lld AND kind = "
	                          "'forward_ponaglenie' AND state = 'open' AND side = 'body' AND "
	                          "due_on = '%s' AND basis = 'KPA art. 37 §3 pkt 1 i §4'",
	                          urged.id, due), 1);
	assert_int_equal(u_countf("SELECT count(*) FROM requests WHERE id = %lld AND state = "
	                          "'received'", urged.id), 1);
	/* The case is settled meanwhile: the duty to send it on stays. */
	free(step(&urged, "action=provide&text=Umowy+w+za%C5%82%C4%85czeniu.", 303));
	send_draft(&urged, "information_release");
	assert_int_equal(u_countf("SELECT count(*) FROM terms WHERE request_id = %lld AND kind = "
	                          "'forward_ponaglenie' AND state = 'open'", urged.id), 1);
	char *p = case_page(&urged);
	u_has(p, "name=\"action\" value=\"forward_ponaglenie\"");
	u_has(p, "termin przekazania ponaglenia organowi wyższego stopnia");
	free(p);
	/* The organ's position is what the letter is for. */
	p = step(&urged, "action=forward_ponaglenie&text=", 422);
	u_has(p, "Wypełnij pole: Stanowisko organu wobec ponaglenia");
	free(p);
	free(step(&urged, "action=forward_ponaglenie&text=Informacj%C4%99+udost%C4%99pniono+20+marca.",
	          303));
	char *md = draft_markdown(&urged, draft_of(&urged, "ponaglenie_forwarding"));
	u_has(md, "Na podstawie art. 37 § 4 ustawy z dnia 14 czerwca 1960 r.");
	u_has(md, "ponaglenia z dnia 20 marca 2090 r.");
	u_has(md, "Informację udostępniono 20 marca.");
	free(md);
	/* Issued, it goes with the files: the step takes effect. */
	send_draft(&urged, "ponaglenie_forwarding");
	assert_int_equal(u_countf("SELECT count(*) FROM terms WHERE request_id = %lld AND kind = "
	                          "'forward_ponaglenie' AND state = 'met'", urged.id), 1);
	assert_int_equal(u_countf("SELECT count(*) FROM requests WHERE id = %lld AND state = "
	                          "'provided'", urged.id), 1);
	p = case_page(&urged);
	u_lacks(p, "name=\"action\" value=\"forward_ponaglenie\"");
	free(p);
	p = u_tracking_page(&urged);
	u_has(p, "przekazanie ponaglenia organowi wyższego stopnia");
	free(p);
}

int main(void)
{
	h_setup_db("kpa_steps");
	u_seed_demo();
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_waiver_of_the_appeal_makes_the_decision_final_kpa_127a),
	    cmocka_unit_test(test_an_appeal_after_the_waiver_goes_on_for_the_appeal_body),
	    cmocka_unit_test(test_the_organ_grants_the_appeal_itself_kpa_132),
	    cmocka_unit_test(test_a_ponaglenie_before_the_term_passed_is_refused_kpa_37_3a),
	    cmocka_unit_test(test_later),
	    cmocka_unit_test(test_a_late_appeal_is_sent_on_with_the_request_to_restore_kpa_134),
	    cmocka_unit_test(test_a_ponaglenie_is_sent_on_within_7_days_kpa_37),
	};
	int failed = cmocka_run_group_tests_name("kpa_steps", tests, setup, h_stop_server);
	h_teardown();
	return failed;
}
