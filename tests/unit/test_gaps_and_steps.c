/* SPDX-License-Identifier: EUPL-1.2 */
/* Issue 21: a letter draft's gaps (server/render/letter_gaps.c) and the
 * order of a case's steps (server/cases/steps.c), both pure. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cases/steps.h"
#include "render/letter_gaps.h"

static void test_every_variable_of_a_case_or_step_has_a_unique_polish_label(void **state)
{
	(void)state;
	for (size_t i = 0; i < letter_var_count; i++) {
		const letter_var_t *v = &letter_vars[i];
		if (v->source != LETTER_SRC_CASE && v->source != LETTER_SRC_INPUT)
			continue;
		if (!v->label)
			fprintf(stderr, "%s has no label\n", v->name);
		assert_non_null(v->label);
		/* A label names it in a mark: no bracket, no Markdown. */
		assert_null(strpbrk(v->label, "[]*_`<>\\"));
		assert_ptr_equal(letter_var_by_label(v->label), v);
		for (size_t k = 0; k < i; k++)
			if (letter_vars[k].label && !strcmp(letter_vars[k].label, v->label))
				fail_msg("%s and %s share the label %s", letter_vars[k].name, v->name, v->label);
	}
	/* Every variable a clerk types has a hint but flags and dates. */
	const letter_var_t *g = letter_var_by_label("Uzasadnienie prawne");
	assert_string_equal(g->name, "legal_grounds");
	assert_non_null(g->hint);
}

static void test_fields_and_variables_map_both_ways(void **state)
{
	(void)state;
	arena_t *a = arena_new(1024);
	const letter_var_t *v = letter_var_by_label("Zakres odmowy");
	assert_string_equal(letter_gap_field(a, v), "luka-refusal-scope");
	assert_ptr_equal(letter_var_by_field("luka-refusal-scope"), v);
	assert_ptr_equal(letter_var_by_field("luka-refusal.scope"), v);
	assert_null(letter_var_by_field("refusal-scope"));
	assert_null(letter_var_by_field("luka-refusal-scop"));
	assert_null(letter_var_by_field("luka-udip")); /* a constant: never a gap */
	/* A draft of before: the mark names the variable. */
	assert_ptr_equal(letter_var_by_label("legal_grounds"), letter_var_by_label("Uzasadnienie prawne"));
	arena_free(a);
}

static void test_escaped_marks_become_plain_and_are_found_once_each(void **state)
{
	(void)state;
	arena_t *a = arena_new(1024);
	const char *md = "Odmawiam w zakresie: \\[DO UZUPEŁNIENIA: Zakres odmowy\\].\n\n"
	                 "\\[DO UZUPEŁNIENIA: legal\\_grounds\\]\n\n"
	                 "- \\[DO UZUPEŁNIENIA: Zakres odmowy\\]\n"
	                 "Tekst \\[z nawiasem\\] zostaje.\n";
	const char *plain = letter_gaps_plain(a, md);
	assert_string_equal(plain, "Odmawiam w zakresie: [DO UZUPEŁNIENIA: Zakres odmowy].\n\n"
	                           "[DO UZUPEŁNIENIA: legal_grounds]\n\n"
	                           "- [DO UZUPEŁNIENIA: Zakres odmowy]\n"
	                           "Tekst \\[z nawiasem\\] zostaje.\n");
	struct letter_gap gaps[LETTER_GAPS_MAX];
	size_t n = letter_gaps_find(a, plain, gaps);
	assert_int_equal(n, 2);
	assert_string_equal(gaps[0].label, "Zakres odmowy");
	assert_string_equal(gaps[1].label, "Uzasadnienie prawne");
	assert_string_equal(gaps[1].var->name, "legal_grounds");
	assert_string_equal(letter_gaps_names(a, gaps, n), "„Zakres odmowy”, „Uzasadnienie prawne”");
	/* A mark not closed on its line is no gap. */
	assert_int_equal(letter_gaps_find(a, "[DO UZUPEŁNIENIA: Zakres\nodmowy]", gaps), 0);
	arena_free(a);
}

static void test_a_value_takes_its_marks_place_escaped(void **state)
{
	(void)state;
	arena_t *a = arena_new(1024);
	/* In a sentence: inline, markup escaped, a newline a line break. */
	const char *md = "w zakresie: [DO UZUPEŁNIENIA: Zakres odmowy].\n";
	assert_string_equal(letter_gap_fill(a, md, "Zakres odmowy", "  cen *jednostkowych*\nz umowy "),
	                    "w zakresie: cen \\*jednostkowych\\*\\\nz umowy.\n");
	/* Alone on its line: paragraphs. */
	md = "## Uzasadnienie\n\n[DO UZUPEŁNIENIA: Uzasadnienie prawne]\n\nKoniec.\n";
	assert_string_equal(letter_gap_fill(a, md, "Uzasadnienie prawne",
	                                    "Pierwszy.\r\n\r\n# Drugi <b>akapit</b>."),
	                    "## Uzasadnienie\n\nPierwszy.\n\n\\# Drugi \\<b\\>akapit\\</b\\>.\n\nKoniec.\n");
	/* A list's item: an item a line, numbered on. */
	md = "Podmioty:\n\n1. [DO UZUPEŁNIENIA: Podmioty, których interes uzasadnia odmowę]\n\nDalej.\n";
	assert_string_equal(letter_gap_fill(a, md, "Podmioty, których interes uzasadnia odmowę",
	                                    "Jan Nowak\n\n- Anna Kowalska\n"),
	                    "Podmioty:\n\n1. Jan Nowak\n2. \\- Anna Kowalska\n\nDalej.\n");
	md = "- [DO UZUPEŁNIENIA: Załączniki]\n";
	assert_string_equal(letter_gap_fill(a, md, "Załączniki", "a.pdf\nb.pdf"), "- a.pdf\n- b.pdf\n");
	/* Nothing typed, or another gap's mark: unchanged. */
	md = "x [DO UZUPEŁNIENIA: Zakres odmowy] y\n";
	assert_ptr_equal(letter_gap_fill(a, md, "Zakres odmowy", " \n "), md);
	assert_string_equal(letter_gap_fill(a, md, "Uzasadnienie prawne", "z"), md);
	/* A value filling many marks cannot grow the text without end. */
	char *many = calloc(60, 64), *big = malloc(10001);
	for (int i = 0; i < 60; i++)
		strcat(many, "[DO UZUPEŁNIENIA: Data skargi]\n");
	memset(big, 'x', 10000);
	big[10000] = '\0';
	assert_null(letter_gap_fill(a, many, "Data skargi", big));
	big[1000] = '\0';
	assert_non_null(letter_gap_fill(a, many, "Data skargi", big));
	free(many);
	free(big);
	/* Every mark of the gap. */
	assert_string_equal(letter_gap_fill(a, "[DO UZUPEŁNIENIA: Data skargi] i [DO UZUPEŁNIENIA: Data "
	                                       "skargi]",
	                                    "Data skargi", "dziś"),
	                    "dziś i dziś");
	arena_free(a);
}

static void test_the_preview_marks_gaps_in_place(void **state)
{
	(void)state;
	arena_t *a = arena_new(1024);
	const char *html = "<p>w zakresie: [DO UZUPEŁNIENIA: Zakres odmowy].</p>"
	                   "<p>[DO UZUPEŁNIENIA: Coś innego]</p><p>[DO UZUPEŁNIENIA: <em>x</em>]</p>";
	assert_string_equal(letter_gaps_mark_html(a, html),
	                    "<p>w zakresie: <mark class=\"letter-gap\"><a href=\"#luka-refusal-scope\">"
	                    "[DO UZUPEŁNIENIA: Zakres odmowy]</a></mark>.</p>"
	                    "<p><mark class=\"letter-gap\">[DO UZUPEŁNIENIA: Coś innego]</mark></p>"
	                    "<p>[DO UZUPEŁNIENIA: <em>x</em>]</p>");
	arena_free(a);
}

/* ---- The order of a case's steps ----------------------------------------- */

static enum step_group group_of(law_state_t st, const bool open[LAW_TERM_COUNT], law_action_t want,
                                const law_action_t *acts, size_t n, size_t *pos)
{
	enum step_group g[LAW_ACT_COUNT];
	size_t order[LAW_ACT_COUNT];
	steps_place(st, open, acts, n, g, order);
	for (size_t k = 0; k < n; k++)
		if (acts[order[k]] == want) {
			*pos = k;
			return g[order[k]];
		}
	fail_msg("%s not placed", law_actions[want].id);
	return STEP_OTHER;
}

static void test_steps_fit_the_state_and_court_steps_their_phase(void **state)
{
	(void)state;
	bool open[LAW_TERM_COUNT] = {false};
	const law_action_t acts[] = {LAW_ACT_ASSIGN, LAW_ACT_CALL_TO_CLARIFY, LAW_ACT_EXTEND,
	                             LAW_ACT_FEE_NOTICE, LAW_ACT_PROVIDE, LAW_ACT_REFUSE,
	                             LAW_ACT_NOT_HELD, LAW_ACT_WITHDRAW, LAW_ACT_COURT_COMPLAINT,
	                             LAW_ACT_ANSWER_COURT_COMPLAINT, LAW_ACT_JUDGMENT_OBLIGES,
	                             LAW_ACT_RECORD_PONAGLENIE};
	size_t n = sizeof acts / sizeof acts[0], pos;
	/* Received: the release first, then assigning, clarifying, extending. */
	assert_int_equal(group_of(LAW_STATE_RECEIVED, open, LAW_ACT_PROVIDE, acts, n, &pos), STEP_USUAL);
	assert_int_equal(pos, 0);
	assert_int_equal(group_of(LAW_STATE_RECEIVED, open, LAW_ACT_ASSIGN, acts, n, &pos), STEP_USUAL);
	assert_int_equal(group_of(LAW_STATE_RECEIVED, open, LAW_ACT_EXTEND, acts, n, &pos), STEP_USUAL);
	assert_int_equal(pos, 3);
	assert_int_equal(group_of(LAW_STATE_RECEIVED, open, LAW_ACT_REFUSE, acts, n, &pos), STEP_OTHER);
	assert_int_equal(group_of(LAW_STATE_RECEIVED, open, LAW_ACT_COURT_COMPLAINT, acts, n, &pos),
	                 STEP_OTHER);
	assert_int_equal(group_of(LAW_STATE_RECEIVED, open, LAW_ACT_RECORD_PONAGLENIE, acts, n, &pos),
	                 STEP_OTHER);
	assert_int_equal(group_of(LAW_STATE_RECEIVED, open, LAW_ACT_ANSWER_COURT_COMPLAINT, acts, n, &pos),
	                 STEP_COURT);
	assert_int_equal(pos, n - 2);
	/* In progress: reassigning is no usual step; refusing is. */
	assert_int_equal(group_of(LAW_STATE_IN_PROGRESS, open, LAW_ACT_ASSIGN, acts, n, &pos), STEP_OTHER);
	assert_int_equal(group_of(LAW_STATE_IN_PROGRESS, open, LAW_ACT_REFUSE, acts, n, &pos), STEP_USUAL);
	/* A complaint's answer due: the court's steps come first. */
	open[LAW_TERM_COURT_ANSWER] = true;
	assert_true(steps_remedy_phase(LAW_STATE_IN_PROGRESS, open));
	assert_int_equal(group_of(LAW_STATE_IN_PROGRESS, open, LAW_ACT_ANSWER_COURT_COMPLAINT, acts, n,
	                          &pos),
	                 STEP_USUAL);
	assert_int_equal(group_of(LAW_STATE_IN_PROGRESS, open, LAW_ACT_PROVIDE, acts, n, &pos), STEP_USUAL);
	/* Never more than four first. */
	enum step_group g[LAW_ACT_COUNT];
	size_t order[LAW_ACT_COUNT];
	steps_place(LAW_STATE_IN_PROGRESS, open, acts, n, g, order);
	int usual = 0;
	for (size_t i = 0; i < n; i++)
		usual += g[i] == STEP_USUAL;
	assert_int_equal(usual, STEPS_USUAL_MAX);
	/* Closed cases are in the remedy phase. */
	open[LAW_TERM_COURT_ANSWER] = false;
	assert_true(steps_remedy_phase(LAW_STATE_PROVIDED, open));
	assert_true(steps_remedy_phase(LAW_STATE_AT_COURT, open));
	assert_false(steps_remedy_phase(LAW_STATE_AWAITING_CLARIFICATION, open));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_every_variable_of_a_case_or_step_has_a_unique_polish_label),
	    cmocka_unit_test(test_fields_and_variables_map_both_ways),
	    cmocka_unit_test(test_escaped_marks_become_plain_and_are_found_once_each),
	    cmocka_unit_test(test_a_value_takes_its_marks_place_escaped),
	    cmocka_unit_test(test_the_preview_marks_gaps_in_place),
	    cmocka_unit_test(test_steps_fit_the_state_and_court_steps_their_phase),
	};
	return cmocka_run_group_tests_name("gaps_and_steps", tests, NULL, NULL);
}
