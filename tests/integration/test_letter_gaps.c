/* SPDX-License-Identifier: EUPL-1.2 */
/* A letter's draft over real HTTP (issue 21 items 3 and 4): its gaps are
 * named Polish fields above the text, plain marks in it and marked in the
 * preview; issuing without them names the missing ones in Polish and keeps
 * what was typed; issuing asks to confirm first (the letter's number, that
 * it cannot change, the channel it goes by) and nothing is issued before
 * that; after it the page says "Wystawiono pismo nr … dnia …". */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "integration/cases_util.h"

#define NOW "2026-11-04T09:00:00Z"

static struct u_staff clerk;
static long long case_id;
static long seq;
static char number[64];

static int setup(void **state)
{
	(void)state;
	static const char *env[] = {"JAWNOSC_FILING_RATE=100000", "JAWNOSC_FAKE_NOW=" NOW, NULL};
	h_server_start(env);
	u_login("urzednik%40mon.example", "jawnosc-demo", &clerk);
	return 0;
}

/* A refusal on privacy: its decision's draft leaves the scope, the legal
 * grounds and the protected parties to the clerk. */
static void refusal_draft(long long *id, long *s)
{
	free(u_file("public_information", number));
	*id = u_request_id(number);
	u_clerk_step(&clerk, *id,
	             "action=refuse&version=1&legal_basis=privacy&text=Dane+dotycz%C4%85+os%C3%B3b+"
	             "prywatnych.&persons=Jan+Nowak%2C+dyrektor");
	*s = u_countf("SELECT seq FROM documents WHERE request_id = %lld AND type = "
	              "'refusal_decision' AND status = 'draft'", *id);
	assert_true(*s >= 1);
}

static void letter(long long id, long s, const char *suffix, char *out, size_t len)
{
	snprintf(out, len, "/panel/sprawy/%lld/pisma/%ld%s", id, s, suffix);
}

/* The page's form as typed: the text, the gaps' fields, and more. */
static char *form_of(const char *md, const char *more)
{
	char *enc = u_enc(md);
	size_t n = strlen(enc) + strlen(more) + 32;
	char *form = malloc(n);
	snprintf(form, n, "markdown=%s%s", enc, more);
	free(enc);
	return form;
}

/* The value of the hidden input "markdown", entities undone (malloc'd). */
static char *hidden_markdown(const char *html)
{
	static const char key[] = "name=\"markdown\" value=\"";
	const char *p = strstr(html, key);
	assert_non_null(p);
	p += strlen(key);
	char *raw = strndup(p, strcspn(p, "\""));
	char *out = u_unescape(raw);
	free(raw);
	return out;
}

/* "&luka-…=uzupełniono" for every gap's field of a page but the refusal's
 * own three (the seed's organisation may leave others: its appeal body's
 * genitive, say). */
static void other_gaps(const char *html, char *out, size_t len)
{
	out[0] = '\0';
	for (const char *p = html; (p = strstr(p, " name=\"luka-"));) {
		p += strlen(" name=\"");
		size_t n = strcspn(p, "\"");
		if ((n == 18 && !strncmp(p, "luka-legal_grounds", n)) ||
		    (n == 18 && !strncmp(p, "luka-refusal-scope", n)) ||
		    (n == 22 && !strncmp(p, "luka-protected_parties", n)))
			continue;
		size_t used = strlen(out);
		snprintf(out + used, len - used, "&%.*s=uzupe%%C5%%82niono", (int)n, p);
	}
}

static void test_gaps_are_named_polish_fields_and_plain_marks(void **state)
{
	(void)state;
	refusal_draft(&case_id, &seq);
	char path[128];
	letter(case_id, seq, "", path, sizeof path);
	struct hresp r;
	u_staff_get(&clerk, path, &r);
	assert_int_equal(r.status, 200);
	char *md = u_markdown_of(r.body);
	/* The marks name the gaps in Polish, and are not escaped. */
	assert_non_null(strstr(md, "[DO UZUPEŁNIENIA: Uzasadnienie prawne]"));
	assert_non_null(strstr(md, "[DO UZUPEŁNIENIA: Zakres odmowy]"));
	assert_null(strstr(md, "legal_grounds"));
	assert_null(strstr(md, "legal\\_grounds"));
	assert_null(strstr(md, "\\[DO UZUPEŁNIENIA"));
	/* Each a field above the text, with its hint. */
	const char *field = strstr(r.body, "<label for=\"luka-legal_grounds\">Uzasadnienie prawne</label>");
	assert_non_null(field);
	assert_non_null(strstr(r.body, "<label for=\"luka-refusal-scope\">Zakres odmowy</label>"));
	assert_non_null(strstr(r.body, "<textarea id=\"luka-legal_grounds\" name=\"luka-legal_grounds\""));
	assert_non_null(strstr(r.body, "Wyjaśnienie podstawy prawnej decyzji z przytoczeniem przepisów"));
	assert_true(field < strstr(r.body, "id=\"markdown\""));
	/* The preview marks them in place, linked to their fields. */
	assert_non_null(strstr(r.body, "<mark class=\"letter-gap\"><a href=\"#luka-legal_grounds\">"
	                               "[DO UZUPEŁNIENIA: Uzasadnienie prawne]</a></mark>"));
	/* And the page lists them. */
	assert_non_null(strstr(r.body, "Do uzupełnienia przed wystawieniem: "));
	free(md);
	h_free(&r);
}

static void test_the_error_names_the_missing_fields_and_keeps_what_was_typed(void **state)
{
	(void)state;
	char path[128];
	letter(case_id, seq, "", path, sizeof path);
	struct hresp r;
	u_staff_get(&clerk, path, &r);
	char *md = u_markdown_of(r.body);
	h_free(&r);
	/* The scope typed in its field, the rest left. */
	char *form = form_of(md, "&channel=&luka-refusal-scope=danych+os%C3%B3b+fizycznych+"
	                         "%5Bz+za%C5%82%C4%85cznika%5D");
	letter(case_id, seq, "/wystaw", path, sizeof path);
	u_staff_post(&clerk, path, form, &r);
	assert_int_equal(r.status, 422);
	const char *summary = strstr(r.body, "class=\"error-summary\"");
	assert_non_null(summary);
	assert_non_null(strstr(summary, "W piśmie brakuje: „Uzasadnienie prawne”"));
	assert_non_null(strstr(summary, "„Podmioty, których interes uzasadnia odmowę”"));
	/* The scope was given: it is not missing. */
	const char *end = strstr(summary, "</p>");
	assert_true(!strstr(summary, "„Zakres odmowy”") || strstr(summary, "„Zakres odmowy”") > end);
	/* Each missing one at its field. */
	assert_non_null(strstr(r.body, "<p class=\"field-error\" id=\"luka-legal_grounds-error\">"
	                               "Uzupełnij: Uzasadnienie prawne.</p>"));
	assert_non_null(strstr(r.body, "aria-invalid=\"true\">"));
	/* What was typed is kept: the field and the text. */
	assert_non_null(strstr(r.body, "name=\"luka-refusal-scope\" value=\"danych osób fizycznych "
	                               "[z załącznika]\""));
	char *kept = u_markdown_of(r.body);
	assert_string_equal(kept, md);
	free(kept);
	h_free(&r);
	free(form);
	/* A value filling the same gap a hundred times over: too long, refused
	 * with the text kept, never a 500. */
	size_t n = strlen(md) + 100 * 48 + 1;
	char *many = malloc(n);
	strcpy(many, md);
	for (int i = 0; i < 100; i++)
		strcat(many, "\n[DO UZUPEŁNIENIA: Uzasadnienie prawne]\n");
	char more[9000] = "&luka-legal_grounds=";
	memset(more + strlen(more), 'x', 8000);
	form = form_of(many, more);
	u_staff_post(&clerk, path, form, &r);
	assert_int_equal(r.status, 422);
	assert_non_null(strstr(r.body, "byłaby za długa"));
	h_free(&r);
	free(form);
	free(many);
	free(md);
	assert_int_equal(u_countf("SELECT count(*) FROM documents WHERE request_id = %lld AND seq = %ld "
	                          "AND status = 'draft'", case_id, seq),
	                 1);
}

static long confirmed_seq;
static char confirm_md[16384];
static char confirm_channel[64];

static void test_issuing_asks_to_confirm_what_it_does(void **state)
{
	(void)state;
	char path[128];
	letter(case_id, seq, "", path, sizeof path);
	struct hresp r;
	u_staff_get(&clerk, path, &r);
	char *md = u_markdown_of(r.body);
	/* The channel the draft's form proposes: the law's default. */
	const char *sel = strstr(r.body, "<select id=\"channel\"");
	assert_non_null(sel);
	const char *chosen = strstr(sel, " selected>");
	assert_non_null(chosen);
	const char *open = chosen;
	while (open > sel && strncmp(open, "<option value=\"", 15))
		open--;
	char channel[64], label[160];
	snprintf(channel, sizeof channel, "%.*s", (int)strcspn(open + 15, "\""), open + 15);
	snprintf(label, sizeof label, "%.*s", (int)strcspn(chosen + 10, "("), chosen + 10);
	if (strlen(label) && label[strlen(label) - 1] == ' ')
		label[strlen(label) - 1] = '\0';
	char others[1024];
	other_gaps(r.body, others, sizeof others);
	h_free(&r);
	char more[2048];
	snprintf(more, sizeof more,
	         "&channel=%s&luka-refusal-scope=danych+os%%C3%%B3b+fizycznych"
	         "&luka-legal_grounds=Zgodnie+z+art.+5+ust.+2+UDIP.%%0D%%0A%%0D%%0ADrugi+akapit."
	         "&luka-protected_parties=Jan+Nowak%%0D%%0AAnna+Kowalska%s",
	         channel, others);
	char *form = form_of(md, more);
	letter(case_id, seq, "/wystaw", path, sizeof path);
	u_staff_post(&clerk, path, form, &r);
	if (r.status != 200)
		fprintf(stderr, "confirm: %ld %.800s\n", r.status,
		        strstr(r.body, "error-summary") ? strstr(r.body, "error-summary") : r.body);
	assert_int_equal(r.status, 200);
	/* The confirmation: the number, immutability, the channel. */
	char want[256];
	snprintf(want, sizeof want, "<h1>Wystawić pismo nr %ld?</h1>", seq);
	assert_non_null(strstr(r.body, want));
	assert_non_null(strstr(r.body, number));
	assert_non_null(strstr(r.body, "<dt>Data wystawienia</dt><dd>2026-11-04</dd>"));
	assert_non_null(strstr(r.body, "Wystawienia nie można cofnąć."));
	assert_non_null(strstr(r.body, "jego treść i załączniki nie mogą się już zmienić"));
	snprintf(want, sizeof want, "<dt>Sposób doręczenia</dt><dd>%s (", label);
	if (!strstr(r.body, want))
		fprintf(stderr, "want %s in %s\n", want, strstr(r.body, "<dl"));
	assert_non_null(strstr(r.body, want));
	snprintf(want, sizeof want, "<button type=\"submit\">Wystaw pismo nr %ld</button>", seq);
	assert_non_null(strstr(r.body, want));
	assert_non_null(strstr(r.body, "<input type=\"hidden\" name=\"potwierdzenie\" value=\"tak\">"));
	/* The text it would issue: the gaps filled, escaped as values are. */
	char *hidden = hidden_markdown(r.body);
	assert_non_null(strstr(hidden, "danych osób fizycznych"));
	assert_non_null(strstr(hidden, "Zgodnie z art. 5 ust. 2 UDIP.\n\nDrugi akapit."));
	assert_non_null(strstr(hidden, "Jan Nowak"));
	assert_non_null(strstr(hidden, "Anna Kowalska"));
	assert_null(strstr(hidden, "DO UZUPEŁNIENIA"));
	snprintf(confirm_md, sizeof confirm_md, "%s", hidden);
	snprintf(confirm_channel, sizeof confirm_channel, "%s", channel);
	free(hidden);
	/* Nothing is issued before the confirmation. */
	assert_int_equal(u_countf("SELECT count(*) FROM documents WHERE request_id = %lld AND seq = %ld "
	                          "AND status = 'draft'", case_id, seq),
	                 1);
	assert_int_equal(u_countf("SELECT count(*) FROM events WHERE request_id = %lld AND action = "
	                          "'issue_document'", case_id),
	                 0);
	h_free(&r);
	free(form);
	free(md);
	confirmed_seq = seq;
}

static void test_confirmed_it_is_issued_and_says_so(void **state)
{
	(void)state;
	assert_int_equal(confirmed_seq, seq);
	char more[128];
	snprintf(more, sizeof more, "&channel=%s&potwierdzenie=tak", confirm_channel);
	char *form = form_of(confirm_md, more);
	char path[128];
	letter(case_id, seq, "/wystaw", path, sizeof path);
	struct hresp r;
	u_staff_post(&clerk, path, form, &r);
	if (r.status != 303)
		fprintf(stderr, "issue: %ld %.800s\n", r.status, r.body);
	assert_int_equal(r.status, 303);
	h_free(&r);
	free(form);
	assert_int_equal(u_countf("SELECT count(*) FROM documents WHERE request_id = %lld AND seq = %ld "
	                          "AND status = 'issued' AND markdown LIKE '%%Drugi akapit.%%'",
	                          case_id, seq),
	                 1);
	char day[32];
	u_valuef(day, sizeof day,
	         "SELECT to_char(issued_at AT TIME ZONE 'Europe/Warsaw', 'YYYY-MM-DD') FROM documents "
	         "WHERE request_id = %lld AND seq = %ld",
	         case_id, seq);
	letter(case_id, seq, "?wystawiono=1", path, sizeof path);
	u_staff_get(&clerk, path, &r);
	assert_int_equal(r.status, 200);
	char want[128];
	snprintf(want, sizeof want, "<strong>Wystawiono pismo nr %ld dnia %s</strong>", seq, day);
	assert_non_null(strstr(r.body, want));
	assert_non_null(strstr(r.body, "class=\"notice issued-state\" role=\"status\""));
	assert_non_null(strstr(r.body, "Pisma nie można już zmienić."));
	h_free(&r);
	/* Confirming again does nothing: it is issued. */
	form = form_of(confirm_md, "&potwierdzenie=tak");
	letter(case_id, seq, "/wystaw", path, sizeof path);
	u_staff_post(&clerk, path, form, &r);
	assert_int_equal(r.status, 409);
	h_free(&r);
	free(form);
}

static void test_back_to_editing_keeps_the_text(void **state)
{
	(void)state;
	long long id;
	long s;
	refusal_draft(&id, &s);
	char path[128];
	letter(id, s, "", path, sizeof path);
	struct hresp r;
	u_staff_get(&clerk, path, &r);
	char *md = u_markdown_of(r.body);
	h_free(&r);
	/* „Wróć do edycji” posts the text to "zapisz": the gaps typed go into it. */
	char *form = form_of(md, "&luka-legal_grounds=Uzasadnienie+z+pola");
	letter(id, s, "/zapisz", path, sizeof path);
	u_staff_post(&clerk, path, form, &r);
	assert_int_equal(r.status, 303);
	h_free(&r);
	free(form);
	letter(id, s, "", path, sizeof path);
	u_staff_get(&clerk, path, &r);
	char *saved = u_markdown_of(r.body);
	assert_non_null(strstr(saved, "Uzasadnienie z pola"));
	assert_null(strstr(saved, "[DO UZUPEŁNIENIA: Uzasadnienie prawne]"));
	/* That gap's field is gone; the others stay. */
	assert_null(strstr(r.body, "id=\"luka-legal_grounds\""));
	assert_non_null(strstr(r.body, "id=\"luka-refusal-scope\""));
	free(saved);
	h_free(&r);
	free(md);
}

static void test_a_draft_from_before_the_names_gets_them(void **state)
{
	(void)state;
	long long id;
	long s;
	refusal_draft(&id, &s);
	char path[128];
	letter(id, s, "", path, sizeof path);
	struct hresp r;
	u_staff_get(&clerk, path, &r);
	h_free(&r);
	/* As drafts were written before: escaped, by the variable's name. */
	PGconn *c = h_db();
	char sql[512];
	snprintf(sql, sizeof sql,
	         "UPDATE documents SET markdown = replace(markdown, '[DO UZUPEŁNIENIA: Uzasadnienie "
	         "prawne]', E'\\\\[DO UZUPEŁNIENIA: legal\\\\_grounds\\\\]') WHERE request_id = %lld "
	         "AND seq = %ld",
	         id, s);
	PGresult *res = PQexec(c, sql);
	assert_int_equal(PQresultStatus(res), PGRES_COMMAND_OK);
	PQclear(res);
	PQfinish(c);
	assert_int_equal(u_countf("SELECT count(*) FROM documents WHERE request_id = %lld AND seq = %ld "
	                          "AND markdown LIKE '%%legal\\\\_grounds%%'", id, s),
	                 1);
	u_staff_get(&clerk, path, &r);
	assert_non_null(strstr(r.body, "<label for=\"luka-legal_grounds\">Uzasadnienie prawne</label>"));
	char *md = u_markdown_of(r.body);
	h_free(&r);
	assert_non_null(strstr(md, "[DO UZUPEŁNIENIA: legal_grounds]"));
	char *form = form_of(md, "&luka-legal_grounds=Wpisane+w+pole");
	letter(id, s, "/zapisz", path, sizeof path);
	u_staff_post(&clerk, path, form, &r);
	assert_int_equal(r.status, 303);
	h_free(&r);
	free(form);
	free(md);
	assert_int_equal(u_countf("SELECT count(*) FROM documents WHERE request_id = %lld AND seq = %ld "
	                          "AND markdown LIKE '%%Wpisane w pole%%' AND markdown NOT LIKE "
	                          "'%%legal%%grounds%%'", id, s),
	                 1);
}

int main(void)
{
	h_setup_db("letter_gaps");
	u_seed_demo();
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_gaps_are_named_polish_fields_and_plain_marks),
	    cmocka_unit_test(test_the_error_names_the_missing_fields_and_keeps_what_was_typed),
	    cmocka_unit_test(test_issuing_asks_to_confirm_what_it_does),
	    cmocka_unit_test(test_confirmed_it_is_issued_and_says_so),
	    cmocka_unit_test(test_back_to_editing_keeps_the_text),
	    cmocka_unit_test(test_a_draft_from_before_the_names_gets_them),
	};
	int failed = cmocka_run_group_tests_name("letter_gaps", tests, setup, h_stop_server);
	h_teardown();
	return failed;
}
