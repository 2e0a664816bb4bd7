/* SPDX-License-Identifier: EUPL-1.2 */
/* libFuzzer target: term arithmetic (server/law/term.c, calendar.c, date.c)
 * and, with the rest of the input, date parsing, the Warsaw date and
 * law_decide() on arbitrary cases.
 *
 * Input: y (int16 LE), m (int8), d (int8), length (int16 LE), unit, flags,
 * then free bytes. Flag bit 0 maps y into 1985..2112 so that most inputs are
 * real dates. Properties (abort() when violated): an invalid date, length or
 * unit is refused with its code; otherwise the unshifted date is the event
 * plus the length (KPA art. 57 §1-§3), the due date is the first working day
 * on or after it (§4), never before it, never a Saturday or a day off, and
 * the reasoning has steps, none cut short. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "law/calendar.h"
#include "law/lifecycle.h"
#include "law/term.h"
#include "law/warsaw.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int16_t i16(const uint8_t *p)
{
	return (int16_t)(uint16_t)(p[0] | (p[1] << 8));
}

static void check(bool ok)
{
	if (!ok)
		abort();
}

static law_date_t expected_unshifted(law_date_t from, int length, law_unit_t unit)
{
	if (unit == LAW_UNIT_DAYS)
		return law_date_add_days(from, length);
	if (unit == LAW_UNIT_WEEKS)
		return law_date_add_days(from, 7 * length);
	int index = from.y * 12 + (from.m - 1) + length;
	law_date_t r = {index / 12, index % 12 + 1, from.d};
	int last = law_days_in_month(r.y, r.m);
	if (r.d > last)
		r.d = last;
	return r;
}

static void check_success(const law_term_calc_t *t, law_date_t from, int length, law_unit_t unit)
{
	check(law_date_cmp(t->from, from) == 0);
	check(law_date_cmp(t->unshifted, expected_unshifted(from, length, unit)) == 0);
	check(law_date_cmp(t->unshifted, from) > 0);
	check(law_date_cmp(t->due, t->unshifted) >= 0);
	check(law_is_working_day(t->due));
	check(law_date_diff(t->unshifted, t->due) <= 5);
	for (law_date_t d = t->unshifted; law_date_cmp(d, t->due) < 0; d = law_date_add_days(d, 1))
		check(!law_is_working_day(d));
	check(t->nsteps >= 3 && t->nsteps <= LAW_STEPS_MAX);
	for (int i = 0; i < t->nsteps; i++) {
		size_t n = strlen(t->steps[i]);
		check(n > 0 && n < LAW_STEP_MAX - 1);
	}
}

static void check_failure(const law_error_t *err, law_date_t from, int length, law_unit_t unit)
{
	bool unit_ok = unit == LAW_UNIT_DAYS || unit == LAW_UNIT_WEEKS || unit == LAW_UNIT_MONTHS;
	if (!law_date_valid(from)) {
		check(strcmp(err->code, "invalid_date") == 0);
	} else if (!law_date_in_range(from)) {
		check(strcmp(err->code, "date_out_of_range") == 0);
	} else if (length < 1 || length > LAW_TERM_LENGTH_MAX || !unit_ok) {
		check(strcmp(err->code, "invalid_length") == 0);
	} else {
		/* Only a term that ends (or is shifted) past 2100 may fail. */
		check(strcmp(err->code, "date_out_of_range") == 0);
		law_date_t u = expected_unshifted(from, length, unit);
		check(u.y > LAW_YEAR_MAX ||
		      law_date_diff(u, (law_date_t){LAW_YEAR_MAX, 12, 31}) < 5);
	}
	check(err->message[0] != '\0');
}

static void fuzz_term(const uint8_t *p)
{
	int y = i16(p);
	if (p[7] & 1)
		y = 1985 + (p[0] & 127);
	law_date_t from = {y, (int8_t)p[2], (int8_t)p[3]};
	int length = i16(p + 4);
	law_unit_t unit = (law_unit_t)(p[6] % 4);
	law_term_calc_t t;
	law_error_t err;
	if (law_term_compute(from, length, unit, NULL, &t, &err)) {
		check_success(&t, from, length, unit);
		int n;
		check(law_working_days_between(from, t.due, &n, NULL) && n >= 1);
		check(law_working_days_between(t.due, from, &n, NULL) && n <= -1);
	} else {
		check_failure(&err, from, length, unit);
	}
}

/* The rest of the input: a string for the strict date parser, an instant,
 * and a case with an action for law_decide(). */
static void fuzz_rest(const uint8_t *p, size_t n)
{
	char s[32];
	size_t k = n < sizeof s - 1 ? n : sizeof s - 1;
	memcpy(s, p, k);
	s[k] = '\0';
	law_date_t d;
	if (law_date_parse(s, &d)) {
		char back[LAW_DATE_STRLEN];
		law_date_format(d, back);
		check(strcmp(back, s) == 0);
	}
	if (n < 16)
		return;
	int64_t instant = 0;
	memcpy(&instant, p, sizeof instant);
	if (law_warsaw_date(instant, &d))
		check(law_date_in_range(d));
	law_case_t c = {.kind = (law_kind_t)(p[8] % 4),
			.state = (law_state_t)(p[9] % 30),
			.policy = law_policy_default()};
	c.received = (law_date_t){2020 + p[10] % 8, 1 + p[11] % 12, 1 + p[12] % 28};
	c.nterms = p[13] % 3;
	for (int i = 0; i < c.nterms; i++)
		c.terms[i] =
		    (law_open_term_t){(law_term_kind_t)(p[14 + i] % LAW_TERM_COUNT), c.received,
				      law_date_add_days(c.received, p[15] % 40)};
	law_action_input_t in = {
	    .action = (law_action_t)(p[14] % (LAW_ACT_COUNT + 2)),
	    .role = (law_role_t)(1u << (p[15] % 5)),
	    .date = law_date_add_days(c.received, p[13] % 60),
	    .new_due = law_date_add_days(c.received, p[12] % 90),
	};
	law_outcome_t o;
	if (!law_decide(&c, &in, &o)) {
		check(o.refusal.code && o.refusal.message[0]);
		return;
	}
	check(o.state < LAW_STATE_COUNT && o.row && o.neffects <= LAW_EFFECTS_MAX);
	for (int i = 0; i < o.neffects; i++)
		if (o.effects[i].op == LAW_TERM_START)
			check(law_is_working_day(o.effects[i].calc.due) &&
			      law_date_cmp(o.effects[i].calc.due, o.effects[i].calc.unshifted) >=
				  0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 8)
		return 0;
	fuzz_term(data);
	fuzz_rest(data + 8, size - 8);
	return 0;
}
