/* SPDX-License-Identifier: EUPL-1.2 */
/* Issue 21 item 1: a step that needs a letter takes effect when its letter
 * leaves the body, with that day as its date (docs/letters.md "A step waits
 * for its letter"). Over HTTP, with the clock frozen on Wednesday 1 March
 * 2090, then Monday 6 March and Tuesday 21 March: the case keeps its state
 * while the draft exists, marked „pismo do wystawienia” in the queue; the
 * call to clarify is not offered to the requester before it is posted; the
 * register does not show the case answered; e-mail changes the state the
 * day it is sent, a registered letter the day it is posted; the answer term
 * is met or missed by that day (answered_on_time); a second step with a
 * letter is refused while one waits, a draft can be deleted; a step the law
 * no longer allows is refused when its letter would go; the list of drafts
 * and its count on the dashboard. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "integration/cases_util.h"

#define DAY0 "2090-03-01T09:00:00Z"
#define DAY5 "2090-03-06T09:00:00Z"
#define DAY20 "2090-03-21T09:00:00Z"

static struct u_staff clerk, manager;

static void start_at(const char *instant)
{
	static char fake[64];
	snprintf(fake, sizeof fake, "JAWNOSC_FAKE_NOW=%s", instant);
	const char *env[] = {"JAWNOSC_FILING_RATE=100000", fake, NULL};
	h_server_start(env);
	u_login("urzednik%40mon.example", "jawnosc-demo", &clerk);
	u_login("kierownik%40mon.example", "jawnosc-demo", &manager);
}

static int setup(void **state)
{
	(void)state;
	start_at(DAY0);
	return 0;
}

static void later(const char *instant)
{
	assert_int_equal(h_server_stop(), 0);
	start_at(instant);
}

struct kase {
	long long id;
	char number[64], token[80];
};

static struct kase provided, clarified, discarded, late, withdrawn, published, lapsed;

/* Files a request (e-mail chosen, a postal address given). */
static void file(const char *subject, struct kase *k)
{
	char body[1024];
	snprintf(body, sizeof body,
	         "{\"kind\":\"public_information\",\"subject\":\"%s\",\"content\":\"Proszę o "
	         "informację.\",\"delivery\":\"email\",\"requester\":{\"name\":\"Jan Test\","
	         "\"email\":\"jan@example.pl\",\"postal_address\":\"ul. Testowa 1, 00-001 "
	         "Warszawa\"}}",
	         subject);
	struct hresp r;
	u_post_json("/api/v1/requests", body, &r);
	assert_int_equal(r.status, 201);
	json_t *j = u_json(&r);
	snprintf(k->number, sizeof k->number, "%s", u_str(j, "case_number"));
	snprintf(k->token, sizeof k->token, "%s", u_str(j, "tracking_token"));
	json_decref(j);
	h_free(&r);
	k->id = u_request_id(k->number);
}

static char *state_of(const struct kase *k)
{
	static char s[64];
	u_valuef(s, sizeof s, "SELECT state FROM requests WHERE id = %lld", k->id);
	return s;
}

/* The clerk's step; the answer in *r. */
static void step(const struct kase *k, const char *fields, struct hresp *r)
{
	char path[128];
	snprintf(path, sizeof path, "/panel/sprawy/%lld/czynnosc", k->id);
	u_staff_post(&clerk, path, fields, r);
}

/* A step that needs a letter: it goes on to its draft; the draft's path. */
static void prepare(const struct kase *k, const char *fields, char *letter, size_t len)
{
	struct hresp r;
	step(k, fields, &r);
	if (r.status != 303)
		fprintf(stderr, "step %s: %ld %.400s\n", fields, r.status, r.body);
	assert_int_equal(r.status, 303);
	const char *loc = h_header(&r, "Location");
	char want[96];
	snprintf(want, sizeof want, "/panel/sprawy/%lld/pisma/", k->id);
	assert_non_null(strstr(loc, want));
	assert_non_null(strstr(loc, "przygotowano=1"));
	snprintf(letter, len, "%s", loc);
	*strchr(letter, '?') = '\0';
	h_free(&r);
}

static void page(const char *path, struct hresp *r)
{
	u_staff_get(&clerk, path, r);
	assert_int_equal(r->status, 200);
}

/* ---- Day 0: steps asked for, letters drafted -------------------------------- */

static void test_the_state_is_unchanged_while_the_draft_exists(void **state)
{
	file("Umowy na sprzątanie", &provided);
	char letter[160];
	prepare(&provided, "action=provide&text=Umowy+w+za%C5%82%C4%85czeniu.", letter, sizeof letter);
	assert_string_equal(state_of(&provided), "received");
	assert_null(strstr(state_of(&provided), "provided"));
	/* The answer term runs, nothing closed, the step not in the timeline
	 * yet: only that its letter was prepared. */
	assert_int_equal(u_countf("SELECT count(*) FROM terms WHERE request_id = %lld AND kind = "
	                          "'answer' AND state = 'open'", provided.id),
	                 1);
	assert_int_equal(u_countf("SELECT count(*) FROM requests WHERE id = %lld AND closed_on IS NULL "
	                          "AND answered_on_time IS NULL", provided.id),
	                 1);
	assert_int_equal(u_countf("SELECT count(*) FROM events WHERE request_id = %lld AND action = "
	                          "'provide'", provided.id),
	                 0);
	assert_int_equal(u_countf("SELECT count(*) FROM events WHERE request_id = %lld AND action = "
	                          "'letter_prepared'", provided.id),
	                 1);
	/* The draft says what waits for it. */
	struct hresp r;
	char prepared[200];
	snprintf(prepared, sizeof prepared, "%s?przygotowano=1", letter);
	page(prepared, &r);
	assert_non_null(strstr(r.body, "Przygotowano projekt pisma"));
	assert_non_null(strstr(r.body, "Czynność „udostępnienie informacji” czeka na to pismo"));
	h_free(&r);
	/* The case page and the queue mark it „pismo do wystawienia”. */
	char path[96];
	snprintf(path, sizeof path, "/panel/sprawy/%lld", provided.id);
	page(path, &r);
	assert_non_null(strstr(r.body, "Pismo do wystawienia"));
	h_free(&r);
	page("/panel?stan=otwarte&q=Umowy+na+sprz%C4%85tanie", &r);
	const char *row = strstr(r.body, provided.number);
	assert_non_null(row);
	const char *end = strstr(row, "</tr>");
	assert_non_null(end);
	const char *mark = strstr(row, "pismo do wystawienia");
	assert_true(mark && mark < end);
	h_free(&r);
	/* The requester sees nothing answered. */
	char track[128];
	snprintf(track, sizeof track, "/sprawa/%s", provided.token);
	h_get(track, &r);
	assert_int_equal(r.status, 200);
	assert_null(strstr(r.body, "udostępniono"));
	assert_null(strstr(r.body, "przygotowano pismo"));
	h_free(&r);
}

static void test_the_call_to_clarify_is_not_offered_before_it_is_posted(void **state)
{
	file("Wydatki na promocję gminy", &clarified);
	char letter[160];
	prepare(&clarified, "action=call_to_clarify&text=Prosz%C4%99+wskaza%C4%87+okres.", letter,
	        sizeof letter);
	assert_string_equal(state_of(&clarified), "received");
	char track[128];
	snprintf(track, sizeof track, "/sprawa/%s", clarified.token);
	struct hresp r;
	h_get(track, &r);
	assert_int_equal(r.status, 200);
	assert_null(strstr(r.body, "Wyślij wyjaśnienia"));
	h_free(&r);
	/* Issued by the default channel (a call starts the requester's window:
	 * a registered letter), it waits for the posting: still nothing. */
	u_issue_letter(&clerk, letter);
	assert_string_equal(state_of(&clarified), "received");
	h_get(track, &r);
	assert_null(strstr(r.body, "Wyślij wyjaśnienia"));
	h_free(&r);
	struct hresp q;
	char path[96];
	snprintf(path, sizeof path, "/panel?q=Wydatki+na+promocj%%C4%%99");
	page(path, &q);
	assert_non_null(strstr(q.body, "pismo czeka na wysłanie"));
	h_free(&q);
}

static void test_a_second_step_with_a_letter_waits_its_turn_and_a_draft_can_go(void **state)
{
	file("Rejestr umów", &discarded);
	char letter[160];
	prepare(&discarded, "action=provide&text=Rejestr+w+za%C5%82%C4%85czeniu.", letter,
	        sizeof letter);
	struct hresp r;
	step(&discarded, "action=extend&new_due=2090-04-20&text=Wiele+dokument%C3%B3w.", &r);
	assert_int_equal(r.status, 409);
	assert_non_null(strstr(r.body, "czeka już czynność „udostępnienie informacji”"));
	h_free(&r);
	assert_int_equal(u_countf("SELECT count(*) FROM documents WHERE request_id = %lld",
	                          discarded.id),
	                 1);
	/* „Usuń projekt”: the draft and its step go, the case as it was. */
	char path[200];
	snprintf(path, sizeof path, "%s/usun", letter);
	u_staff_post(&clerk, path, "x=1", &r);
	assert_int_equal(r.status, 303);
	assert_non_null(strstr(h_header(&r, "Location"), "usunieto_projekt=1"));
	h_free(&r);
	assert_int_equal(u_countf("SELECT count(*) FROM documents WHERE request_id = %lld",
	                          discarded.id),
	                 0);
	assert_int_equal(u_countf("SELECT count(*) FROM pending_steps WHERE request_id = %lld",
	                          discarded.id),
	                 0);
	assert_int_equal(u_countf("SELECT count(*) FROM events WHERE request_id = %lld AND action = "
	                          "'letter_discarded'", discarded.id),
	                 1);
	assert_string_equal(state_of(&discarded), "received");
	/* Now the other step may wait for its letter. */
	prepare(&discarded, "action=extend&new_due=2090-04-20&text=Wiele+dokument%C3%B3w.", letter,
	        sizeof letter);
	assert_string_equal(state_of(&discarded), "received");
	/* An issued letter cannot be deleted: only a draft. */
}

static void test_a_step_the_law_no_longer_allows_is_refused_when_its_letter_would_go(void **state)
{
	file("Plan zamówień", &withdrawn);
	char letter[160];
	prepare(&withdrawn, "action=provide&text=Plan+w+za%C5%82%C4%85czeniu.", letter, sizeof letter);
	/* Meanwhile the requester withdrew (recorded by the clerk). */
	struct hresp r;
	step(&withdrawn, "action=withdraw&text=Nieaktualne.", &r);
	assert_int_equal(r.status, 303);
	h_free(&r);
	assert_string_equal(state_of(&withdrawn), "withdrawn");
	/* Issuing is refused with the reason; the draft stays a draft. */
	u_staff_get(&clerk, letter, &r);
	char *md = u_markdown_of(r.body);
	h_free(&r);
	char *enc = u_filled_and_encoded(md);
	size_t n = strlen(enc) + 64;
	char *form = malloc(n), path[200];
	snprintf(form, n, "potwierdzenie=tak&channel=email&markdown=%s", enc);
	snprintf(path, sizeof path, "%s/wystaw", letter);
	u_staff_post(&clerk, path, form, &r);
	assert_int_equal(r.status, 409);
	assert_non_null(strstr(r.body, "Pisma nie wystawiono. Czynność „udostępnienie informacji” "
	                              "nie jest już możliwa"));
	assert_non_null(strstr(r.body, "Projekt pisma pozostaje"));
	h_free(&r);
	free(form);
	free(enc);
	free(md);
	assert_int_equal(u_countf("SELECT count(*) FROM documents WHERE request_id = %lld AND "
	                          "status = 'draft'", withdrawn.id),
	                 1);
	assert_string_equal(state_of(&withdrawn), "withdrawn");
}

/* A registered letter cannot be called back once posted: when the law no
 * longer allows its step then, the posting is recorded, the step lapses
 * and the clerk is told why. */
static void test_a_posted_letter_whose_step_the_law_refuses_lets_it_lapse(void **state)
{
	file("Wykaz nieruchomości", &lapsed);
	char letter[160];
	prepare(&lapsed, "action=provide&text=Wykaz+w+za%C5%82%C4%85czeniu.", letter, sizeof letter);
	u_issue_letter_by(&clerk, letter, "registered_letter");
	assert_string_equal(state_of(&lapsed), "received");
	struct hresp r;
	step(&lapsed, "action=withdraw&text=Nieaktualne.", &r);
	assert_int_equal(r.status, 303);
	h_free(&r);
	char did[24], path[200];
	u_valuef(did, sizeof did, "SELECT id FROM dispatches WHERE request_id = %lld", lapsed.id);
	snprintf(path, sizeof path, "%s/wysylka/%s/nadanie", letter, did);
	u_staff_post(&clerk, path, "number=RR000000031PL&date=2090-03-01", &r);
	assert_int_equal(r.status, 409);
	assert_non_null(strstr(r.body, "Pismo wyszło z urzędu, ale czynność nie weszła w życie. "
	                              "Czynność „udostępnienie informacji” nie jest już możliwa"));
	h_free(&r);
	assert_string_equal(state_of(&lapsed), "withdrawn");
	assert_int_equal(u_countf("SELECT count(*) FROM dispatches WHERE request_id = %lld AND state "
	                          "= 'sent' AND external_id = 'RR000000031PL'", lapsed.id),
	                 1);
	assert_int_equal(u_countf("SELECT count(*) FROM events WHERE request_id = %lld AND action = "
	                          "'step_lapsed'", lapsed.id),
	                 1);
	assert_int_equal(u_countf("SELECT count(*) FROM pending_steps WHERE request_id = %lld",
	                          lapsed.id),
	                 0);
}

/* Published while its answer waits: the register must not show it answered. */
static void publish(long long id, const char *answer)
{
	char path[96];
	snprintf(path, sizeof path, "/panel/sprawy/%lld/publikacja", id);
	struct hresp r;
	page(path, &r);
	char *enc = u_enc(answer);
	char *fields = u_publication_fields(r.body, "preview", NULL, answer, NULL);
	h_free(&r);
	free(enc);
	u_staff_post(&clerk, path, fields, &r);
	if (r.status != 200)
		fprintf(stderr, "preview: %ld %.600s\n", r.status, strstr(r.body, "<main"));
	assert_int_equal(r.status, 200);
	free(fields);
	char *pg = strdup(r.body);
	h_free(&r);
	fields = u_publication_fields(pg, "publish", NULL, answer, NULL);
	u_staff_post(&clerk, path, fields, &r);
	if (r.status != 303)
		fprintf(stderr, "publish: %ld %.600s\n", r.status, r.body ? strstr(r.body, "<main") : "");
	assert_int_equal(r.status, 303);
	h_free(&r);
	free(pg);
	free(fields);
}

static void test_the_register_does_not_show_it_answered(void **state)
{
	file("Koszty remontu urzędu", &published);
	char letter[160];
	prepare(&published, "action=provide&text=Koszt+remontu+wyni%C3%B3s%C5%82+100+z%C5%82.",
	        letter, sizeof letter);
	publish(published.id, "Wniosek o koszty remontu.");
	char path[128];
	snprintf(path, sizeof path, "/rejestr/%s", published.number);
	struct hresp r;
	h_get(path, &r);
	assert_int_equal(r.status, 200);
	assert_null(strstr(r.body, "udostępniono"));
	assert_non_null(strstr(r.body, "przyjęty"));
	h_free(&r);
}

static void test_a_late_answer_is_prepared_now(void **state)
{
	file("Ewidencja środków trwałych", &late);
	char letter[160];
	prepare(&late, "action=provide&text=Ewidencja+w+za%C5%82%C4%85czeniu.", letter, sizeof letter);
}

/* ---- The list of drafts and the dashboard ------------------------------------ */

static void test_the_drafts_list_and_its_count_on_the_dashboard(void **state)
{
	struct hresp r;
	page("/panel/pisma?stan=projekt", &r);
	assert_non_null(strstr(r.body, "<h1>Pisma do wystawienia</h1>"));
	const char *row = strstr(r.body, late.number);
	assert_non_null(row);
	assert_non_null(strstr(row, "udostępnienie informacji"));
	assert_non_null(strstr(r.body, withdrawn.number));
	/* The called-to-clarify letter is issued: not a draft any more. */
	assert_null(strstr(r.body, clarified.number));
	h_free(&r);
	/* The register of issued letters is as before. */
	page("/panel/pisma", &r);
	assert_non_null(strstr(r.body, "<h1>Rejestr pism wychodzących</h1>"));
	assert_null(strstr(r.body, late.number));
	h_free(&r);
	/* The manager's dashboard counts those of the manager's unit and
	 * links to that list. */
	long unit = u_count("SELECT unit_id FROM users WHERE email = 'kierownik@mon.example'");
	assert_true(unit > 0);
	long in_unit = u_countf("SELECT count(*) FROM documents d JOIN requests q ON q.id = "
	                        "d.request_id WHERE d.status = 'draft' AND q.unit_id = %ld",
	                        unit);
	assert_true(in_unit >= 1);
	u_staff_get(&manager, "/panel/pulpit", &r);
	assert_int_equal(r.status, 200);
	const char *fig = strstr(r.body, "id=\"fig-drafts\"");
	assert_non_null(fig);
	char want[200];
	snprintf(want, sizeof want,
	         "<a href=\"/panel/pisma?stan=projekt&amp;komorka=%ld\"><span "
	         "class=\"figure-count\">%ld</span> <span class=\"figure-label\">Pisma do "
	         "wystawienia</span>",
	         unit, in_unit);
	if (!strstr(fig, want))
		fprintf(stderr, "%.300s\n", fig);
	assert_non_null(strstr(fig, want));
	h_free(&r);
	char list[96];
	snprintf(list, sizeof list, "/panel/pisma?stan=projekt&komorka=%ld", unit);
	u_staff_get(&manager, list, &r);
	assert_int_equal(r.status, 200);
	const char *rows = strstr(r.body, "<tbody>");
	long n = 0;
	for (const char *p = rows; p && (p = strstr(p, "<tr")); p++)
		n++;
	assert_int_equal(n, in_unit);
	h_free(&r);
}

/* ---- Day 5: letters sent -------------------------------------------------------- */

static void test_five_days_later(void **state)
{
	later(DAY5);
}

static void test_by_email_the_state_changes_the_day_it_is_sent(void **state)
{
	char letter[160];
	snprintf(letter, sizeof letter, "/panel/sprawy/%lld/pisma/1", provided.id);
	u_issue_letter_by(&clerk, letter, "email");
	assert_string_equal(state_of(&provided), "provided");
	char day[32];
	u_valuef(day, sizeof day, "SELECT closed_on::text FROM requests WHERE id = %lld", provided.id);
	assert_string_equal(day, "2090-03-06");
	u_valuef(day, sizeof day,
	         "SELECT event_data(e)->>'date' FROM events e WHERE request_id = %lld AND action = "
	         "'provide'",
	         provided.id);
	assert_string_equal(day, "2090-03-06");
	u_valuef(day, sizeof day,
	         "SELECT event_data(e)->>'prepared_on' FROM events e WHERE request_id = %lld AND "
	         "action = 'provide'",
	         provided.id);
	assert_string_equal(day, "2090-03-01");
	/* Met by the day it was sent (due 15 March). */
	assert_int_equal(u_countf("SELECT count(*) FROM requests WHERE id = %lld AND "
	                          "answered_on_time",
	                          provided.id),
	                 1);
	u_valuef(day, sizeof day,
	         "SELECT closed_on::text FROM terms WHERE request_id = %lld AND kind = 'answer'",
	         provided.id);
	assert_string_equal(day, "2090-03-06");
	assert_int_equal(u_countf("SELECT count(*) FROM pending_steps WHERE request_id = %lld",
	                          provided.id),
	                 0);
	/* Out of the queue now. */
	struct hresp r;
	page("/panel?stan=otwarte&q=Umowy+na+sprz%C4%85tanie", &r);
	assert_null(strstr(r.body, provided.number));
	h_free(&r);
	/* The requester sees it answered. */
	char track[128];
	snprintf(track, sizeof track, "/sprawa/%s", provided.token);
	h_get(track, &r);
	assert_non_null(strstr(r.body, "udostępniono"));
	h_free(&r);
}

static void test_a_registered_letter_takes_effect_the_day_it_is_posted(void **state)
{
	char did[24];
	u_valuef(did, sizeof did,
	         "SELECT id FROM dispatches WHERE request_id = %lld AND channel = 'registered_letter'",
	         clarified.id);
	assert_true(*did);
	char path[200];
	snprintf(path, sizeof path, "/panel/sprawy/%lld/pisma/1/wysylka/%s/nadanie", clarified.id, did);
	struct hresp r;
	u_staff_post(&clerk, path, "number=RR000000021PL&date=2090-03-03", &r);
	assert_int_equal(r.status, 303);
	h_free(&r);
	assert_string_equal(state_of(&clarified), "awaiting_clarification");
	char day[32];
	u_valuef(day, sizeof day,
	         "SELECT event_data(e)->>'date' FROM events e WHERE request_id = %lld AND action = "
	         "'call_to_clarify'",
	         clarified.id);
	assert_string_equal(day, "2090-03-03");
	/* Now the requester may answer. */
	char track[128];
	snprintf(track, sizeof track, "/sprawa/%s", clarified.token);
	h_get(track, &r);
	assert_non_null(strstr(r.body, "Wyślij wyjaśnienia"));
	h_free(&r);
}

static void test_the_register_shows_it_answered_once_sent(void **state)
{
	char letter[160];
	snprintf(letter, sizeof letter, "/panel/sprawy/%lld/pisma/1", published.id);
	u_issue_letter_by(&clerk, letter, "email");
	char path[128];
	snprintf(path, sizeof path, "/rejestr/%s", published.number);
	struct hresp r;
	h_get(path, &r);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.body, "udostępniono"));
	h_free(&r);
}

/* ---- Day 20: the answer sent after its term --------------------------------- */

static void test_twenty_days_later(void **state)
{
	later(DAY20);
}

static void test_answered_on_time_counts_the_dispatch_date(void **state)
{
	char letter[160];
	snprintf(letter, sizeof letter, "/panel/sprawy/%lld/pisma/1", late.id);
	/* Overdue in the queue while its letter waited. */
	struct hresp r;
	page("/panel?termin=po", &r);
	assert_non_null(strstr(r.body, late.number));
	h_free(&r);
	u_issue_letter_by(&clerk, letter, "email");
	assert_string_equal(state_of(&late), "provided");
	assert_int_equal(u_countf("SELECT count(*) FROM requests WHERE id = %lld AND "
	                          "answered_on_time = false AND closed_on = '2090-03-21'",
	                          late.id),
	                 1);
	assert_int_equal(u_countf("SELECT count(*) FROM terms WHERE request_id = %lld AND kind = "
	                          "'answer' AND state = 'missed'",
	                          late.id),
	                 1);
}

int main(void)
{
	h_setup_db("pending_letter");
	u_seed_demo();
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_the_state_is_unchanged_while_the_draft_exists),
	    cmocka_unit_test(test_the_call_to_clarify_is_not_offered_before_it_is_posted),
	    cmocka_unit_test(test_a_second_step_with_a_letter_waits_its_turn_and_a_draft_can_go),
	    cmocka_unit_test(test_a_step_the_law_no_longer_allows_is_refused_when_its_letter_would_go),
	    cmocka_unit_test(test_a_posted_letter_whose_step_the_law_refuses_lets_it_lapse),
	    cmocka_unit_test(test_the_register_does_not_show_it_answered),
	    cmocka_unit_test(test_a_late_answer_is_prepared_now),
	    cmocka_unit_test(test_the_drafts_list_and_its_count_on_the_dashboard),
	    cmocka_unit_test(test_five_days_later),
	    cmocka_unit_test(test_by_email_the_state_changes_the_day_it_is_sent),
	    cmocka_unit_test(test_a_registered_letter_takes_effect_the_day_it_is_posted),
	    cmocka_unit_test(test_the_register_shows_it_answered_once_sent),
	    cmocka_unit_test(test_twenty_days_later),
	    cmocka_unit_test(test_answered_on_time_counts_the_dispatch_date),
	};
	int failed = cmocka_run_group_tests_name("pending letter", tests, setup, h_stop_server);
	h_teardown();
	return failed;
}
