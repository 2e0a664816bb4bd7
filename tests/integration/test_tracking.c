/* SPDX-License-Identifier: EUPL-1.2 */
/* The tracking page says what happens next (issue 21 item 9), over real
 * HTTP with a frozen clock: for each main state, one or two sentences at
 * the top saying what the office does, by when, and what the requester
 * can do now; while the office waits on the requester, the requester's own
 * window with its last day instead of rows saying "nie obowiązuje"; each
 * term once; no raw codes in the history. Cases and terms are written with
 * SQL, so that every state and date is exactly what the test needs; the
 * tracking token is a known one. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "integration/cases_util.h"
#include "law/lifecycle.h"

/* Friday 6 November 2026, 10:00 in Warsaw. */
#define NOW "2026-11-06T09:00:00Z"

static long long org, unit;
static int seq;

static char *sql_value(const char *sql, int n, const char *const *params)
{
	PGconn *c = h_db();
	PGresult *r = PQexecParams(c, sql, n, NULL, params, NULL, NULL, 0);
	if (PQresultStatus(r) != PGRES_TUPLES_OK && PQresultStatus(r) != PGRES_COMMAND_OK)
		fail_msg("%s: %s", sql, PQerrorMessage(c));
	char *v = PQntuples(r) > 0 && !PQgetisnull(r, 0, 0) ? strdup(PQgetvalue(r, 0, 0)) : NULL;
	PQclear(r);
	PQfinish(c);
	return v;
}

static long long sql_int(const char *sql, int n, const char *const *params)
{
	char *v = sql_value(sql, n, params);
	long long x = v ? atoll(v) : -1;
	free(v);
	return x;
}

static const char *id_s(long long id)
{
	static char buf[8][24];
	static int k;
	k = (k + 1) % 8;
	snprintf(buf[k], sizeof buf[k], "%lld", id);
	return buf[k];
}

/* A token of the right shape (43 characters), one per case. */
static void token_of(int n, char out[44])
{
	snprintf(out, 44, "trackingtest%031d", n);
}

/* A case in `state` whose tracking token is token_of(its number). */
static long long mk_case(const char *kind, const char *state, const char *received,
                         const char *closed, char token[44])
{
	char seqs[16], number[64];
	snprintf(seqs, sizeof seqs, "%d", 9000 + ++seq); /* above the demo's numbers */
	snprintf(number, sizeof number, "TR.1431.%d.2026", 9000 + seq);
	token_of(seq, token);
	const char *p[] = {id_s(org), id_s(unit), number, seqs, kind, received, state, closed, token};
	return sql_int(
	    "INSERT INTO requests (org_id, unit_id, case_number, case_class, case_seq, "
	    "case_year, kind, channel, received_at, received_on, subject, body, delivery, "
	    "state, closed_on, tracking_hash) VALUES ($1, $2, $3, '1431', $4::int, 2026, $5, "
	    "'web', ($6::date + time '12:00') AT TIME ZONE 'Europe/Warsaw', $6, 'Sprawa ' || $3, "
	    "'Treść', 'tracking_page', $7, $8, sha256(convert_to($9, 'UTF8'))) RETURNING id",
	    9, p);
}

/* A term with the law's label, basis and side. */
static void mk_term(long long req, const char *kind, const char *start, const char *due,
                    const char *state, const char *closed)
{
	law_term_kind_t k;
	assert_true(law_term_kind_from_id(kind, &k));
	const law_term_info_t *t = &law_terms[k];
	const char *p[] = {id_s(req), kind, t->label, t->basis,
	                   t->side == LAW_SIDE_BODY ? "body" : "requester", start, due, state, closed};
	free(sql_value("INSERT INTO terms (org_id, request_id, kind, label, basis, side, start_on, "
	               "unshifted_on, due_on, state, closed_on) SELECT org_id, id, $2, $3, $4, $5, "
	               "$6, $7, $7, $8, $9 FROM requests WHERE id = $1::bigint",
	               9, p));
}

static void mk_event(long long req, const char *actor, const char *action, const char *to_state)
{
	const char *p[] = {id_s(req), actor, action, to_state};
	free(sql_value("INSERT INTO events (org_id, request_id, actor, action, to_state, data) "
	               "SELECT org_id, id, $2, $3, $4, '{}'::jsonb FROM requests WHERE id = $1::bigint",
	               4, p));
}

/* ---- the page ------------------------------------------------------------------- */

static char *page_of(const char *token)
{
	char path[128];
	snprintf(path, sizeof path, "/sprawa/%s", token);
	struct hresp r;
	h_get(path, &r);
	if (r.status != 200)
		fprintf(stderr, "GET %s: %ld %.300s\n", path, r.status, r.body);
	assert_int_equal(r.status, 200);
	char *body = strdup(r.body);
	h_free(&r);
	return body;
}

/* The text between `from` and the next `to`, or "" (malloc'd). */
static char *between(const char *html, const char *from, const char *to)
{
	const char *p = strstr(html, from);
	if (!p)
		return strdup("");
	p += strlen(from);
	const char *e = strstr(p, to);
	return strndup(p, e ? (size_t)(e - p) : strlen(p));
}

/* What the page says happens next. */
static char *next_step(const char *html)
{
	return between(html, "<p id=\"co-dalej-tekst\">", "</p>");
}

static int count(const char *hay, const char *needle)
{
	int n = 0;
	for (const char *p = hay; (p = strstr(p, needle)); p += strlen(needle))
		n++;
	return n;
}

/* The terms table: each row's first cell once; nothing "nie obowiązuje". */
static void assert_terms_table_clean(const char *html)
{
	char *table = between(html, "<caption>Terminy w sprawie</caption>", "</table>");
	if (strstr(table, "nie obowiązuje"))
		fail_msg("a term that no longer applies is in the table: %s", table);
	/* Each label at most once. */
	for (int k = 1; k < LAW_TERM_COUNT; k++) {
		char cell[300];
		snprintf(cell, sizeof cell, "<td>%s\n", law_terms[k].label);
		if (count(table, cell) > 1)
			fail_msg("the term %s is listed %d times", law_terms[k].id, count(table, cell));
	}
	free(table);
}

/* The history shows labels, never the identifiers of steps or states
 * ("issue_document", "publish", "in_progress"). */
static void assert_history_in_polish(const char *html)
{
	char *history = between(html, "<ol class=\"timeline\">", "</ol>");
	if (strchr(history, '_'))
		fail_msg("a raw code in the history: %s", history);
	static const char *const codes[] = {"publish", "dispatch", "issue_document", "in_progress"};
	for (size_t i = 0; i < sizeof codes / sizeof codes[0]; i++) {
		char word[64];
		snprintf(word, sizeof word, "— %s", codes[i]);
		if (strstr(history, word))
			fail_msg("raw code %s in the history", codes[i]);
	}
	free(history);
}

struct want {
	const char *state;
	const char *says[3];  /* phrases of the sentence */
	const char *window;   /* the requester's window shown, or NULL */
};

static void check_page(const char *token, const struct want *w)
{
	char *html = page_of(token);
	char *text = next_step(html);
	if (!*text)
		fail_msg("%s: no next step on the page", w->state);
	for (int i = 0; i < 3 && w->says[i]; i++)
		if (!strstr(text, w->says[i]))
			fail_msg("%s: the next step does not say „%s”: %s", w->state, w->says[i], text);
	/* No identifier leaks into the sentence. */
	if (strchr(text, '_') || strchr(text, '{'))
		fail_msg("%s: a code in the next step: %s", w->state, text);
	char *win = between(html, "<p class=\"requester-window\">", "</p>");
	if (w->window && !strstr(win, w->window))
		fail_msg("%s: the requester's window should say „%s”: %s", w->state, w->window, win);
	if (!w->window && *win)
		fail_msg("%s: a requester's window where none runs: %s", w->state, win);
	assert_terms_table_clean(html);
	assert_history_in_polish(html);
	free(win);
	free(text);
	free(html);
}

/* ---- the states --------------------------------------------------------------------- */

static void test_office_at_work_says_by_when_and_that_nothing_is_needed(void **state)
{
	char t[44];
	long long id = mk_case("public_information", "received", "2026-11-02", NULL, t);
	mk_term(id, "answer", "2026-11-02", "2026-11-16", "open", NULL);
	mk_event(id, "requester", "register", "received");
	check_page(t, &(struct want){"received",
	                             {"Urząd rozpatruje Twój wniosek", "do 16 listopada 2026 r. (poniedziałek)",
	                              "Teraz nie musisz nic robić"},
	                             NULL});
	id = mk_case("public_information", "in_progress", "2026-10-30", NULL, t);
	mk_term(id, "answer", "2026-10-30", "2026-11-13", "open", NULL);
	mk_event(id, "requester", "register", "received");
	mk_event(id, "clerk", "assign", "in_progress");
	check_page(t, &(struct want){"in_progress",
	                             {"do 13 listopada 2026 r. (piątek)", "nic robić"}, NULL});
	/* Extended: the new date once, the first term folded away. */
	id = mk_case("public_information", "extended", "2026-10-20", NULL, t);
	mk_term(id, "answer", "2026-10-20", "2026-11-03", "cancelled", "2026-10-27");
	mk_term(id, "answer_extended", "2026-10-20", "2026-12-18", "open", NULL);
	check_page(t, &(struct want){"extended",
	                             {"przedłużył termin", "do 18 grudnia 2026 r. (piątek)",
	                              "nic robić"},
	                             NULL});
	char *html = page_of(t);
	assert_true(strstr(html, "Terminy, które przestały obowiązywać") != NULL);
	free(html);
	/* Overdue: what the requester may do about it. */
	id = mk_case("public_information", "in_progress", "2026-10-15", NULL, t);
	mk_term(id, "answer", "2026-10-15", "2026-10-29", "open", NULL);
	check_page(t, &(struct want){"overdue",
	                             {"miał odpowiedzieć do 29 października 2026 r. (czwartek)",
	                              "skargę na bezczynność"},
	                             NULL});
	/* Re-use: an objection being decided. */
	id = mk_case("reuse", "objection_lodged", "2026-10-15", NULL, t);
	mk_term(id, "conditions_decision", "2026-11-02", "2026-11-16", "open", NULL);
	check_page(t, &(struct want){"objection_lodged",
	                             {"rozpatruje Twój sprzeciw", "do 16 listopada 2026 r."}, NULL});
	/* Appeal being forwarded; a complaint sent to the court. */
	id = mk_case("public_information", "appeal_pending", "2026-09-01", NULL, t);
	mk_term(id, "answer", "2026-09-01", "2026-09-15", "met", "2026-09-10");
	mk_term(id, "forward_appeal", "2026-11-03", "2026-11-10", "open", NULL);
	check_page(t, &(struct want){"appeal_pending",
	                             {"przekaże Twoje odwołanie", "do 10 listopada 2026 r. (wtorek)",
	                              "nic robić"},
	                             NULL});
	id = mk_case("public_information", "at_court", "2026-08-03", NULL, t);
	mk_term(id, "answer", "2026-08-03", "2026-08-17", "met", "2026-08-10");
	mk_term(id, "court_answer", "2026-11-05", "2026-11-20", "open", NULL);
	check_page(t, &(struct want){"at_court",
	                             {"wojewódzkiego sądu administracyjnego",
	                              "do 20 listopada 2026 r. (piątek)", "zawiadomi Cię o rozprawie"},
	                             NULL});
}

/* While the office waits on the requester: the requester's own window with
 * its last day, and no rows saying "nie obowiązuje". */
static void test_waiting_on_the_requester_shows_their_window_and_its_last_day(void **state)
{
	static const struct {
		const char *kind, *state, *window_kind, *due;
		struct want w;
	} cases[] = {
	    {"public_information", "awaiting_clarification", "clarification_window", "2026-11-10",
	     {"awaiting_clarification",
	      {"czeka na Twoje wyjaśnienia", "do 10 listopada 2026 r. (wtorek)", "formularz niżej"},
	      "termin na doprecyzowanie wniosku — upływa <strong>10 listopada 2026 r. (wtorek)"}},
	    {"reuse", "awaiting_completion", "completion_window", "2026-11-09",
	     {"awaiting_completion", {"uzupełnij go do 9 listopada 2026 r. (poniedziałek)"},
	      "termin na uzupełnienie wniosku"}},
	    {"public_information", "interest_called", "interest_window", "2026-11-12",
	     {"interest_called", {"interesu publicznego", "do 12 listopada 2026 r."},
	      "12 listopada 2026 r."}},
	    {"public_information", "awaiting_identity", "identity_window", "2026-11-11",
	     {"awaiting_identity", {"imię i nazwisko", "do 11 listopada 2026 r. (środa)"},
	      "termin na podanie imienia i nazwiska oraz adresu"}},
	    {"public_information", "fee_notified", "fee_window", "2026-11-18",
	     {"fee_notified", {"o opłacie", "do 18 listopada 2026 r. (środa)", "wycofasz"},
	      "18 listopada 2026 r."}},
	    {"public_information", "form_notified", "form_window", "2026-11-18",
	     {"form_notified", {"wskaż jedną", "do 18 listopada 2026 r.", "umorzy"},
	      "18 listopada 2026 r."}},
	    {"reuse", "offer_sent", "offer_window", "2026-11-16",
	     {"offer_sent", {"przyjmij ją albo wnieś sprzeciw", "do 16 listopada 2026 r."},
	      "termin na przyjęcie oferty lub wniesienie sprzeciwu"}},
	    {"public_information", "signature_called", "signature_window", "2026-11-10",
	     {"signature_called", {"podpis", "do 10 listopada 2026 r."}, "10 listopada 2026 r."}},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char t[44];
		long long id = mk_case(cases[i].kind, cases[i].state, "2026-10-26", NULL, t);
		/* The office's answer term stops while the office waits (and
		 * another starts after the answer): the rows that say "nie
		 * obowiązuje". */
		const char *answer = !strcmp(cases[i].kind, "reuse") ? "reuse_answer" : "answer";
		mk_term(id, answer, "2026-10-26", "2026-11-09", "cancelled", "2026-11-02");
		mk_term(id, cases[i].window_kind, "2026-11-03", cases[i].due, "open", NULL);
		mk_event(id, "requester", "register", "received");
		mk_event(id, "clerk", "issue_document", NULL);
		mk_event(id, "clerk", "dispatch", NULL);
		check_page(t, &cases[i].w);
	}
	/* The letter calling to clarify not delivered yet: the window starts
	 * on delivery; the requester may answer already. */
	char t[44];
	long long id = mk_case("public_information", "awaiting_clarification", "2026-10-26", NULL, t);
	mk_term(id, "answer", "2026-10-26", "2026-11-09", "cancelled", "2026-11-02");
	check_page(t, &(struct want){"awaiting_clarification, not delivered",
	                             {"liczy się od dnia, w którym otrzymasz wezwanie",
	                              "możesz odpowiedzieć już teraz"},
	                             NULL});
	/* The window passed with no answer yet. */
	id = mk_case("public_information", "awaiting_clarification", "2026-10-12", NULL, t);
	mk_term(id, "clarification_window", "2026-10-20", "2026-10-27", "open", NULL);
	check_page(t, &(struct want){"awaiting_clarification, window over",
	                             {"Twój termin upłynął 27 października 2026 r. (wtorek)"}, NULL});
}

/* A decision: the remedy and its last day; a letter that closes the case
 * and the closed states: what it means and what the requester can do. */
static void test_decided_and_closed_states_say_the_remedy_and_its_window(void **state)
{
	char t[44];
	long long id = mk_case("public_information", "refused", "2026-10-01", "2026-10-14", t);
	mk_term(id, "answer", "2026-10-01", "2026-10-15", "met", "2026-10-14");
	mk_term(id, "appeal_window", "2026-10-30", "2026-11-13", "open", NULL);
	mk_event(id, "clerk", "refuse", "refused");
	mk_event(id, "clerk", "publish", NULL);
	check_page(t, &(struct want){"refused",
	                             {"odmówił udostępnienia informacji decyzją",
	                              "do 13 listopada 2026 r. (piątek) wnieść odwołanie"},
	                             "termin na wniesienie odwołania — upływa <strong>13 listopada"});
	id = mk_case("public_information", "partly_refused", "2026-10-01", "2026-10-14", t);
	mk_term(id, "reconsideration_window", "2026-10-30", "2026-11-13", "open", NULL);
	check_page(t, &(struct want){"partly_refused",
	                             {"udostępnił część informacji",
	                              "złożyć wniosek o ponowne rozpatrzenie sprawy"},
	                             "13 listopada 2026 r."});
	id = mk_case("public_information", "discontinued", "2026-10-01", "2026-10-14", t);
	mk_term(id, "court_complaint_window", "2026-10-30", "2026-11-30", "open", NULL);
	check_page(t, &(struct want){"discontinued",
	                             {"umorzył postępowanie", "do 30 listopada 2026 r. (poniedziałek)",
	                              "skargę do wojewódzkiego sądu administracyjnego"},
	                             "30 listopada 2026 r."});
	/* Not delivered yet: the window counts from delivery. */
	id = mk_case("reuse", "conditions_decided", "2026-10-01", "2026-11-04", t);
	check_page(t, &(struct want){"conditions_decided",
	                             {"ustalił warunki", "od dnia jej doręczenia"}, NULL});
	/* The window is over. */
	id = mk_case("public_information", "refused", "2026-09-01", "2026-09-14", t);
	mk_term(id, "appeal_window", "2026-09-16", "2026-09-30", "missed", "2026-10-01");
	check_page(t, &(struct want){"refused, window over",
	                             {"Termin na wniesienie odwołania upłynął 30 września 2026 r."},
	                             NULL});
	static const struct want closed[] = {
	    {"provided", {"udostępnił informację", "zakończona"}, NULL},
	    {"not_held", {"nie posiada tej informacji"}, NULL},
	    {"not_public_information", {"nie jest informacją publiczną", "skargę na bezczynność"}, NULL},
	    {"published_elsewhere", {"Biuletynie Informacji Publicznej"}, NULL},
	    {"other_statute", {"innej ustawy"}, NULL},
	    {"withdrawn", {"wycofany", "złóż nowy wniosek"}, NULL},
	    {"left_unprocessed", {"bez rozpoznania", "nowy wniosek"}, NULL},
	    {"closed_final", {"zakończona ostatecznie"}, NULL},
	    {"appeal_granted", {"uwzględnił Twoje odwołanie"}, NULL},
	};
	for (size_t i = 0; i < sizeof closed / sizeof closed[0]; i++) {
		id = mk_case("public_information", closed[i].state, "2026-10-01", "2026-10-14", t);
		mk_term(id, "answer", "2026-10-01", "2026-10-15", "met", "2026-10-14");
		mk_event(id, "clerk", "issue_document", NULL);
		mk_event(id, "clerk", "publish", NULL);
		check_page(t, &closed[i]);
	}
	id = mk_case("reuse", "deemed_withdrawn", "2026-10-01", "2026-10-30", t);
	mk_term(id, "offer_window", "2026-10-14", "2026-10-28", "missed", "2026-10-29");
	check_page(t, &(struct want){"deemed_withdrawn", {"uznano za wycofany"}, NULL});
}

/* The API's CaseView carries the same sentence. */
static void test_api_case_view_has_the_next_step(void **state)
{
	char t[44];
	long long id = mk_case("public_information", "in_progress", "2026-10-30", NULL, t);
	mk_term(id, "answer", "2026-10-30", "2026-11-13", "open", NULL);
	char path[128];
	snprintf(path, sizeof path, "/api/v1/requests/%s", t);
	struct hresp r;
	h_get(path, &r);
	assert_int_equal(r.status, 200);
	json_t *j = u_json(&r);
	const char *text = json_string_value(json_object_get(json_object_get(j, "next_step"), "text"));
	assert_non_null(text);
	assert_non_null(strstr(text, "do 13 listopada 2026 r. (piątek)"));
	json_decref(j);
	h_free(&r);
}

static int setup(void **state)
{
	(void)state;
	static const char *env[] = {"JAWNOSC_FAKE_NOW=" NOW, NULL};
	h_server_start(env);
	return 0;
}

int main(void)
{
	h_setup_db("tracking");
	u_seed_demo();
	org = sql_int("SELECT id FROM organisations WHERE slug = 'mon'", 0, NULL);
	const char *p[] = {id_s(org)};
	unit = sql_int("SELECT min(id) FROM units WHERE org_id = $1::bigint", 1, p);
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_office_at_work_says_by_when_and_that_nothing_is_needed),
	    cmocka_unit_test(test_waiting_on_the_requester_shows_their_window_and_its_last_day),
	    cmocka_unit_test(test_decided_and_closed_states_say_the_remedy_and_its_window),
	    cmocka_unit_test(test_api_case_view_has_the_next_step),
	};
	int failed = cmocka_run_group_tests_name("tracking", tests, setup, h_stop_server);
	h_teardown();
	return failed;
}
