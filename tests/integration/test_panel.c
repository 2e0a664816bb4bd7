/* SPDX-License-Identifier: EUPL-1.2 */
/* The clerk's panel over real HTTP with real sessions: the queue with its
 * filters and keyset pages, organisations kept apart, and every step the
 * lifecycle table gives a clerk, taken from every state that allows it —
 * the new state, the event, and the law core's reason when it refuses. */
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

static void test_queue_lists_open_cases_by_due_date(void **state)
{
	struct hresp r;
	u_staff_get(&clerk, "/panel", &r);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.body, "Kolejka spraw"));
	/* Due dates appear in ascending order. */
	const char *p = r.body;
	char last[16] = "0000-00-00";
	int rows = 0;
	while ((p = strstr(p, "<tr")) != NULL) {
		const char *td = strstr(p, "/panel/sprawy/");
		const char *end = strstr(p, "</tr>");
		if (!td || !end || td > end) {
			p++;
			continue;
		}
		/* The fifth cell holds the due date. */
		const char *cell = p;
		for (int i = 0; i < 5 && cell; i++)
			cell = strstr(cell + 1, "<td>");
		if (cell && cell < end && cell[4] >= '0' && cell[4] <= '9') {
			char due[11];
			memcpy(due, cell + 4, 10);
			due[10] = '\0';
			assert_true(strcmp(due, last) >= 0);
			strcpy(last, due);
		}
		rows++;
		p = end;
	}
	assert_true(rows >= 15);
	/* Closed cases are not in the queue (the state filter names them). */
	const char *tbody = strstr(r.body, "<tbody>");
	assert_non_null(tbody);
	assert_null(strstr(tbody, "wycofany"));
	h_free(&r);
}

static void test_queue_filters(void **state)
{
	struct hresp r;
	u_staff_get(&clerk, "/panel?stan=awaiting_clarification", &r);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.body, "oczekuje na doprecyzowanie"));
	assert_null(strstr(r.body, "<td>w toku</td>"));
	h_free(&r);
	u_staff_get(&clerk, "/panel?rodzaj=reuse", &r);
	assert_non_null(strstr(r.body, "Statystyki odwiedzin"));
	assert_null(strstr(r.body, "Wydatki na gadżety"));
	h_free(&r);
	u_staff_get(&clerk, "/panel?q=gad%C5%BCety", &r);
	assert_non_null(strstr(r.body, "Wydatki na gadżety"));
	assert_null(strstr(r.body, "Statystyki odwiedzin"));
	h_free(&r);
	u_staff_get(&clerk, "/panel?termin=po", &r);
	assert_non_null(strstr(r.body, "Kalendarz spotkań kierownictwa")); /* filed 20 days ago */
	assert_null(strstr(r.body, "Budżet Centrum Operacyjnego"));         /* filed yesterday */
	h_free(&r);
	u_staff_get(&clerk, "/panel?kanal=post", &r);
	assert_non_null(strstr(r.body, "Koszty utrzymania stron"));
	assert_null(strstr(r.body, "Wydatki na kampanie"));
	h_free(&r);
	/* Hostile filters are ignored or escaped, never a 500. */
	u_staff_get(&clerk, "/panel?q=%27%3B+DROP+TABLE+requests%3B--&termin=abc&rodzaj=%3Cx%3E&po_terminie=x&po_id=y", &r);
	assert_int_equal(r.status, 200);
	h_free(&r);
}

static void test_queue_pages_by_keyset_without_gaps_or_repeats(void **state)
{
	/* Enough open cases for three pages. */
	for (int i = 0; i < 90; i++) {
		char *t = u_file("public_information", NULL);
		free(t);
	}
	long open = u_count("SELECT count(*) FROM requests WHERE closed_on IS NULL");
	char path[512] = "/panel";
	long seen = 0;
	char *all = calloc(1, 1);
	for (int page = 0; page < 20 && path[0]; page++) {
		struct hresp r;
		u_staff_get(&clerk, path, &r);
		assert_int_equal(r.status, 200);
		for (const char *p = r.body; (p = strstr(p, "href=\"/panel/sprawy/")) != NULL; p++) {
			char id[32];
			sscanf(p + strlen("href=\"/panel/sprawy/"), "%31[0-9]", id);
			char key[40];
			snprintf(key, sizeof key, ",%s,", id);
			assert_null(strstr(all, key)); /* never twice */
			all = realloc(all, strlen(all) + strlen(key) + 1);
			strcat(all, key);
			seen++;
		}
		const char *next = strstr(r.body, "rel=\"next\"");
		path[0] = '\0';
		if (next) {
			const char *href = strstr(r.body, "<a href=\"/panel?");
			if (href) {
				href += strlen("<a href=\"");
				const char *q = strchr(href, '"');
				size_t n = (size_t)(q - href);
				memcpy(path, href, n);
				path[n] = '\0';
				/* Undo the template's HTML escaping of &. */
				for (char *a; (a = strstr(path, "&amp;")); )
					memmove(a + 1, a + 5, strlen(a + 5) + 1);
			}
		}
		h_free(&r);
	}
	free(all);
	assert_int_equal(seen, open);
}

static void test_another_organisations_case_is_not_found(void **state)
{
	PGconn *c = h_db();
	PQclear(PQexec(c, "INSERT INTO organisations (slug, name) VALUES ('inny', 'Inny Urząd');"
	                  "INSERT INTO units (org_id, symbol, name) SELECT id, 'SEK', 'Sekretariat' FROM organisations WHERE slug = 'inny';"
	                  "UPDATE organisations SET web_unit_id = (SELECT id FROM units WHERE symbol = 'SEK') WHERE slug = 'inny';"
	                  "INSERT INTO users (org_id, email, name, role, password_hash) SELECT o.id, 'obcy@inny.example', 'Obcy', 'clerk', u.password_hash FROM organisations o, users u WHERE o.slug = 'inny' AND u.email = 'urzednik@mon.example'"));
	PQfinish(c);
	struct u_staff other;
	u_login("obcy%40inny.example", "jawnosc-demo", &other);
	long long id = u_count("SELECT min(id) FROM requests WHERE org_id = (SELECT id FROM organisations WHERE slug = 'mon')");
	char path[64];
	snprintf(path, sizeof path, "/panel/sprawy/%lld", id);
	struct hresp r;
	u_staff_get(&other, path, &r);
	assert_int_equal(r.status, 404);
	assert_null(strstr(r.body, "COMON"));
	h_free(&r);
	snprintf(path, sizeof path, "/panel/sprawy/%lld/czynnosc", id);
	u_staff_post(&other, path, "action=assign&version=1", &r);
	assert_int_equal(r.status, 404);
	h_free(&r);
	u_staff_get(&other, "/panel", &r);
	assert_null(strstr(r.body, "COMON."));
	h_free(&r);
	/* And the owner still sees it. */
	snprintf(path, sizeof path, "/panel/sprawy/%lld", id);
	u_staff_get(&clerk, path, &r);
	assert_int_equal(r.status, 200);
	h_free(&r);
}

/* ---- Every clerk step from every state that allows it ---------------------- */

#define MAX_PATH 8
struct node {
	law_kind_t kind;
	law_state_t state;
	law_case_t lc;
	int npath;
	law_action_t path[MAX_PATH];
};

static law_date_t today(void)
{
	law_date_t d;
	law_warsaw_date((int64_t)time(NULL), &d);
	return d;
}

static law_action_input_t input_for(law_action_t a)
{
	law_date_t t = today();
	return (law_action_input_t){.action = a, .role = LAW_ROLE_CLERK, .date = t, .sent = t,
	                            .new_due = law_date_add_months(t, 1), .term_days = 14};
}

/* What the server will do, simulated on the law core alone. */
static bool simulate(const law_case_t *lc, law_action_t a, law_case_t *next, law_outcome_t *oc)
{
	law_action_input_t in = input_for(a);
	if (!law_decide(lc, &in, oc))
		return false;
	*next = *lc;
	if (oc->state != LAW_STATE_SAME)
		next->state = oc->state;
	for (int i = 0; i < oc->neffects; i++) {
		const law_term_effect_t *e = &oc->effects[i];
		if (e->op == LAW_TERM_START && next->nterms < LAW_OPEN_TERMS_MAX) {
			next->terms[next->nterms++] = (law_open_term_t){e->term, e->calc.from, e->calc.due};
			continue;
		}
		for (int k = 0; k < next->nterms; k++) {
			if (next->terms[k].kind == e->term && e->op != LAW_TERM_START) {
				next->terms[k] = next->terms[--next->nterms];
				break;
			}
		}
	}
	return true;
}

static bool clerk_row(const law_transition_t *t, law_kind_t kind, law_state_t s)
{
	return (t->kinds & kind) && (t->from & (1ULL << s)) && (t->roles & LAW_ROLE_CLERK) &&
	       t->action != LAW_ACT_REGISTER;
}

static const char *fields_for(law_action_t a, long long clerk_id, char *buf, size_t len)
{
	law_date_t t = today(), due = law_date_add_months(t, 1);
	char d[LAW_DATE_STRLEN], nd[LAW_DATE_STRLEN];
	law_date_format(t, d);
	law_date_format(due, nd);
	snprintf(buf, len,
	         "action=%s&date=%s&sent=%s&new_due=%s&text=Tre%%C5%%9B%%C4%%87+testowa.&assignee=%lld"
	         "&amount=10%%2C50&legal_basis=privacy&persons=Jan+Kowalski%%2C+dyrektor"
	         "&address=https%%3A%%2F%%2Fbip.example%%2Fa&term_days=14&judgment_on=%s",
	         law_actions[a].id, d, d, nd, clerk_id, d);
	return buf;
}

static void test_every_clerk_step_from_every_state_that_allows_it(void **state)
{
	long long clerk_id = u_count("SELECT id FROM users WHERE email = 'urzednik@mon.example'");
	static struct node queue[256];
	int head = 0, tail = 0;
	bool seen[3][LAW_STATE_COUNT] = {{false}};
	law_kind_t kinds[] = {LAW_KIND_PUBLIC_INFORMATION, LAW_KIND_REUSE};
	for (int k = 0; k < 2; k++) {
		struct node n = {.kind = kinds[k], .state = LAW_STATE_RECEIVED};
		n.lc = (law_case_t){.kind = kinds[k], .state = LAW_STATE_NONE, .received = today(),
		                    .policy = law_policy_default()};
		law_outcome_t oc;
		law_action_input_t in = input_for(LAW_ACT_REGISTER);
		in.role = LAW_ROLE_REQUESTER;
		assert_true(law_decide(&n.lc, &in, &oc));
		law_case_t after = n.lc;
		after.state = LAW_STATE_RECEIVED;
		after.nterms = 0;
		for (int i = 0; i < oc.neffects; i++)
			after.terms[after.nterms++] = (law_open_term_t){oc.effects[i].term, oc.effects[i].calc.from,
			                                               oc.effects[i].calc.due};
		n.lc = after;
		queue[tail++] = n;
		seen[kinds[k]][LAW_STATE_RECEIVED] = true;
	}
	int taken = 0, refused = 0;
	while (head < tail) {
		struct node n = queue[head++];
		for (size_t i = 0; i < law_transition_count; i++) {
			const law_transition_t *t = &law_transitions[i];
			if (!clerk_row(t, n.kind, n.state))
				continue;
			law_case_t next;
			law_outcome_t *oc = malloc(sizeof *oc);
			bool allowed = simulate(&n.lc, t->action, &next, oc);
			/* Do it for real: a fresh case, the path by the services,
			 * the step through the panel's form. */
			char number[64];
			char *token = u_file(n.kind == LAW_KIND_REUSE ? "reuse" : "public_information", number);
			free(token);
			for (int p = 0; p < n.npath; p++)
				u_clerk(number, n.path[p]);
			long long id = u_request_id(number);
			char path[64], fields[1024];
			snprintf(path, sizeof path, "/panel/sprawy/%lld/czynnosc", id);
			struct hresp r;
			u_staff_post(&clerk, path, fields_for(t->action, clerk_id, fields, sizeof fields), &r);
			/* A step with a letter takes effect when the letter is sent
			 * (issue 21 item 1): issued by its default channel and sent. */
			if (allowed)
				u_send_prepared(&clerk, &r);
			char sql[256];
			/* The state the law gave, and the step as the latest event. */
			snprintf(sql, sizeof sql,
			         "SELECT count(*) FROM requests r WHERE r.id = %lld AND r.state = '%s' AND "
			         "(SELECT action FROM events e WHERE e.request_id = r.id ORDER BY e.id DESC LIMIT 1) = '%s'",
			         id, law_states[allowed ? next.state : n.state].id, law_actions[t->action].id);
			if (allowed) {
				if (r.status != 303)
					fprintf(stderr, "%s from %s: %ld\n", law_actions[t->action].id,
					        law_states[n.state].id, r.status);
				assert_int_equal(r.status, 303);
				assert_int_equal(u_count(sql), 1);
				taken++;
				if (!seen[n.kind][next.state] && n.npath + 1 < MAX_PATH && tail < 256) {
					struct node m = n;
					m.state = next.state;
					m.lc = next;
					m.path[m.npath++] = t->action;
					queue[tail++] = m;
					seen[n.kind][next.state] = true;
				}
			} else {
				/* Refused: the law core's reason is on the page, the case unchanged. */
				if (r.status != 409 && r.status != 422)
					fprintf(stderr, "%s from %s refused by law, got %ld\n",
					        law_actions[t->action].id, law_states[n.state].id, r.status);
				assert_true(r.status == 409 || r.status == 422);
				char reason[64];
				snprintf(reason, sizeof reason, "%.40s", oc->refusal.message);
				/* Cut at a character boundary for the search. */
				size_t rl = strlen(reason);
				while (rl && ((unsigned char)reason[rl - 1] & 0xC0) == 0x80)
					reason[--rl] = '\0';
				if (rl && ((unsigned char)reason[rl - 1] & 0xC0) == 0xC0)
					reason[--rl] = '\0';
				if (!strstr(r.body, reason))
					fprintf(stderr, "reason '%s' not on the page for %s\n", reason,
					        law_actions[t->action].id);
				assert_non_null(strstr(r.body, reason));
				snprintf(sql, sizeof sql,
				         "SELECT count(*) FROM requests WHERE id = %lld AND state = '%s'", id,
				         law_states[n.state].id);
				assert_int_equal(u_count(sql), 1);
				refused++;
			}
			h_free(&r);
			free(oc);
		}
	}
	fprintf(stderr, "clerk steps: %d taken, %d refused with the law's reason, %d states reached\n",
	        taken, refused, tail);
	assert_true(taken >= 60);
}

static void test_two_clerks_at_once_one_wins_the_other_sees_the_current_state(void **state)
{
	char number[64];
	free(u_file("public_information", number));
	long long id = u_request_id(number);
	struct u_staff second;
	u_login("urzedniczka%40mon.example", "jawnosc-demo", &second);
	char path[64];
	snprintf(path, sizeof path, "/panel/sprawy/%lld/czynnosc", id);
	/* Both loaded the page at version 1. */
	struct hresp a, b;
	u_staff_post(&clerk, path, "action=call_to_clarify&version=1&text=Prosz%C4%99+doprecyzowa%C4%87", &a);
	u_staff_post(&second, path, "action=not_held&version=1&text=Nie+posiadamy", &b);
	assert_int_equal(a.status, 303);
	assert_int_equal(b.status, 409);
	assert_non_null(strstr(b.body, "Ktoś inny zmienił tę sprawę"));
	/* The call waits for its letter (issue 21 item 1): the case is as it
	 * was, and the page says the letter is to be issued. */
	assert_non_null(strstr(b.body, "Sprawa jest teraz w stanie „przyjęty”"));
	assert_non_null(strstr(b.body, "Pismo do wystawienia"));
	assert_non_null(strstr(b.body, "Nie posiadamy")); /* what was typed is kept */
	h_free(&a);
	h_free(&b);
}

static void test_clerk_registers_a_posted_request_counting_from_its_arrival(void **state)
{
	law_date_t t = today(), arrived = law_date_add_days(t, -3);
	char d[LAW_DATE_STRLEN], body[1024];
	law_date_format(arrived, d);
	snprintf(body, sizeof body,
	         "channel=post&received_on=%s&kind=public_information&subject=Wniosek+z+poczty"
	         "&content=Tre%%C5%%9B%%C4%%87+wniosku+z+poczty.&delivery=post&name=Jan+Nowak"
	         "&postal_address=ul.+Lipowa+1%%2C+00-001+Warszawa",
	         d);
	struct hresp r;
	u_staff_post(&clerk, "/panel/rejestracja", body, &r);
	assert_int_equal(r.status, 303);
	assert_non_null(strstr(h_header(&r, "Location"), "/panel/sprawy/"));
	h_free(&r);
	char sql[256];
	snprintf(sql, sizeof sql,
	         "SELECT count(*) FROM requests r JOIN terms t ON t.request_id = r.id "
	         "WHERE r.subject = 'Wniosek z poczty' AND r.channel = 'post' AND r.received_on = '%s' "
	         "AND t.start_on = '%s'",
	         d, d);
	assert_int_equal(u_count(sql), 1);
	/* A date in the future is refused with the input kept. */
	law_date_format(law_date_add_days(t, 2), d);
	snprintf(body, sizeof body,
	         "channel=post&received_on=%s&kind=public_information&subject=Z+przysz%%C5%%82o%%C5%%9Bci"
	         "&content=Tre%%C5%%9B%%C4%%87+wniosku+z+poczty.&delivery=tracking_page",
	         d);
	u_staff_post(&clerk, "/panel/rejestracja", body, &r);
	assert_int_equal(r.status, 422);
	assert_non_null(strstr(r.body, "Data wpływu") ? r.body : NULL);
	assert_non_null(strstr(r.body, "value=\"Z przyszłości\""));
	h_free(&r);
}

static void test_notes_are_internal(void **state)
{
	char number[64];
	char *token = u_file("public_information", number);
	long long id = u_request_id(number);
	char path[64];
	snprintf(path, sizeof path, "/panel/sprawy/%lld/notatka", id);
	struct hresp r;
	u_staff_post(&clerk, path, "text=Tajna+notatka+urz%C4%99dnika", &r);
	assert_int_equal(r.status, 303);
	h_free(&r);
	snprintf(path, sizeof path, "/panel/sprawy/%lld", id);
	u_staff_get(&clerk, path, &r);
	assert_non_null(strstr(r.body, "Tajna notatka urzędnika"));
	h_free(&r);
	char tp[128];
	snprintf(tp, sizeof tp, "/sprawa/%s", token);
	h_get(tp, &r);
	assert_int_equal(r.status, 200);
	assert_null(strstr(r.body, "Tajna notatka"));
	h_free(&r);
	snprintf(tp, sizeof tp, "/api/v1/requests/%s", token);
	h_get(tp, &r);
	assert_null(strstr(r.body, "Tajna notatka"));
	h_free(&r);
	free(token);
}

int main(void)
{
	h_setup_db("panel");
	u_seed_demo();
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_queue_lists_open_cases_by_due_date),
	    cmocka_unit_test(test_queue_filters),
	    cmocka_unit_test(test_another_organisations_case_is_not_found),
	    cmocka_unit_test(test_two_clerks_at_once_one_wins_the_other_sees_the_current_state),
	    cmocka_unit_test(test_clerk_registers_a_posted_request_counting_from_its_arrival),
	    cmocka_unit_test(test_notes_are_internal),
	    cmocka_unit_test(test_every_clerk_step_from_every_state_that_allows_it),
	    cmocka_unit_test(test_queue_pages_by_keyset_without_gaps_or_repeats),
	};
	int failed = cmocka_run_group_tests_name("panel", tests, setup, h_stop_server);
	h_teardown();
	return failed;
}
