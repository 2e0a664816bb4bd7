/* SPDX-License-Identifier: EUPL-1.2 */
/* Term arithmetic by KPA art. 57 (server/law/term.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "law/calendar.h"
#include "law/term.h"

typedef struct term_case {
	const char *from;
	int length;
	law_unit_t unit;
	const char *unshifted;
	const char *due;
} term_case_t;

static law_date_t D(const char *s)
{
	law_date_t d = LAW_DATE_NONE;
	if (!law_date_parse(s, &d))
		fail_msg("bad date in test: %s", s);
	return d;
}

static void assert_date(law_date_t d, const char *want)
{
	char s[LAW_DATE_STRLEN];
	law_date_format(d, s);
	assert_string_equal(s, want);
}

static int computed; /* how many terms the tests computed, reported at the end */

static void check_cases(const term_case_t *cases, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const term_case_t *c = &cases[i];
		law_term_calc_t t;
		law_error_t err;
		if (!law_term_compute(D(c->from), c->length, c->unit, NULL, &t, &err))
			fail_msg("%s + %d: %s", c->from, c->length, err.message);
		char un[LAW_DATE_STRLEN], due[LAW_DATE_STRLEN];
		law_date_format(t.unshifted, un);
		law_date_format(t.due, due);
		if (strcmp(un, c->unshifted) != 0 || strcmp(due, c->due) != 0)
			fail_msg("%s + %d (unit %d): got %s/%s, want %s/%s", c->from, c->length,
				 c->unit, un, due, c->unshifted, c->due);
		assert_true(law_is_working_day(t.due));
		assert_true(t.nsteps >= 3);
		computed++;
	}
}

#define CHECK(cases) check_cases(cases, sizeof cases / sizeof cases[0])

/* Expected dates were checked against an independent implementation
 * (Python dateutil Easter and the same statutory list). */
/* clang-format off */
static const term_case_t cases_month_ends[] = {
	{"2025-01-31", 1, LAW_UNIT_MONTHS, "2025-02-28", "2025-02-28"},
	{"2024-01-31", 1, LAW_UNIT_MONTHS, "2024-02-29", "2024-02-29"}, /* leap year */
	{"2023-01-31", 1, LAW_UNIT_MONTHS, "2023-02-28", "2023-02-28"},
	{"2028-01-31", 1, LAW_UNIT_MONTHS, "2028-02-29", "2028-02-29"}, /* leap year */
	{"2000-01-31", 1, LAW_UNIT_MONTHS, "2000-02-29", "2000-02-29"}, /* 2000 is leap */
	{"2100-01-31", 1, LAW_UNIT_MONTHS, "2100-02-28", "2100-03-01"}, /* 2100 is not; Sunday */
	{"2025-01-30", 1, LAW_UNIT_MONTHS, "2025-02-28", "2025-02-28"},
	{"2025-01-29", 1, LAW_UNIT_MONTHS, "2025-02-28", "2025-02-28"},
	{"2025-12-31", 2, LAW_UNIT_MONTHS, "2026-02-28", "2026-03-02"}, /* LAW.md: a Saturday */
	{"2023-12-31", 2, LAW_UNIT_MONTHS, "2024-02-29", "2024-02-29"}, /* into a leap February */
	{"1999-12-31", 2, LAW_UNIT_MONTHS, "2000-02-29", "2000-02-29"},
	{"2024-02-29", 12, LAW_UNIT_MONTHS, "2025-02-28", "2025-02-28"},
	{"2024-02-29", 1, LAW_UNIT_MONTHS, "2024-03-29", "2024-03-29"}, /* Good Friday works */
	{"2025-03-31", 1, LAW_UNIT_MONTHS, "2025-04-30", "2025-04-30"},
	{"2025-05-31", 1, LAW_UNIT_MONTHS, "2025-06-30", "2025-06-30"},
	{"2025-08-31", 1, LAW_UNIT_MONTHS, "2025-09-30", "2025-09-30"},
	{"2025-10-31", 1, LAW_UNIT_MONTHS, "2025-11-30", "2025-12-01"}, /* 30 Nov a Sunday */
	{"2025-03-15", 2, LAW_UNIT_MONTHS, "2025-05-15", "2025-05-15"}, /* same day-number */
	{"2026-01-31", 3, LAW_UNIT_MONTHS, "2026-04-30", "2026-04-30"},
	{"2025-02-28", 1, LAW_UNIT_MONTHS, "2025-03-28", "2025-03-28"}, /* 28th, not month end */
	{"2025-11-20", 1, LAW_UNIT_MONTHS, "2025-12-20", "2025-12-22"}, /* a Saturday */
};
/* clang-format on */

/* clang-format off */
static const term_case_t cases_christmas_2024[] = {
	{"2024-12-10", 14, LAW_UNIT_DAYS, "2024-12-24", "2024-12-24"}, /* LAW.md: working day */
	{"2024-12-11", 14, LAW_UNIT_DAYS, "2024-12-25", "2024-12-27"},
	{"2018-12-08", 14, LAW_UNIT_DAYS, "2018-12-22", "2018-12-24"}, /* weekend, then 24th */
};
/* clang-format on */

/* clang-format off */
static const term_case_t cases_christmas_2025[] = {
	{"2025-12-12", 14, LAW_UNIT_DAYS, "2025-12-26", "2025-12-29"}, /* LAW.md */
	{"2026-12-10", 14, LAW_UNIT_DAYS, "2026-12-24", "2026-12-28"}, /* LAW.md */
	{"2025-12-10", 14, LAW_UNIT_DAYS, "2025-12-24", "2025-12-29"}, /* five days off */
	{"2026-11-24", 1, LAW_UNIT_MONTHS, "2026-12-24", "2026-12-28"},
	{"2026-10-24", 2, LAW_UNIT_MONTHS, "2026-12-24", "2026-12-28"},
	{"2025-12-12", 2, LAW_UNIT_WEEKS, "2025-12-26", "2025-12-29"},
};
/* clang-format on */

/* clang-format off */
static const term_case_t cases_weekend[] = {
	{"2025-03-01", 14, LAW_UNIT_DAYS, "2025-03-15", "2025-03-17"}, /* Saturday */
	{"2025-03-02", 14, LAW_UNIT_DAYS, "2025-03-16", "2025-03-17"}, /* Sunday */
	{"2025-07-01", 14, LAW_UNIT_DAYS, "2025-07-15", "2025-07-15"}, /* a plain Tuesday */
	{"2025-01-15", 7, LAW_UNIT_DAYS, "2025-01-22", "2025-01-22"},
	{"2025-01-15", 30, LAW_UNIT_DAYS, "2025-02-14", "2025-02-14"},
	{"2025-01-01", 1, LAW_UNIT_WEEKS, "2025-01-08", "2025-01-08"},
};
/* clang-format on */

/* clang-format off */
static const term_case_t cases_easter[] = {
	{"2025-04-05", 14, LAW_UNIT_DAYS, "2025-04-19", "2025-04-22"}, /* Sat, Sun, Mon */
	{"2025-04-06", 14, LAW_UNIT_DAYS, "2025-04-20", "2025-04-22"}, /* Easter Sunday */
	{"2025-04-07", 14, LAW_UNIT_DAYS, "2025-04-21", "2025-04-22"}, /* Easter Monday */
	{"2026-03-23", 14, LAW_UNIT_DAYS, "2026-04-06", "2026-04-07"},
	{"2027-03-15", 14, LAW_UNIT_DAYS, "2027-03-29", "2027-03-30"},
	{"2024-03-18", 14, LAW_UNIT_DAYS, "2024-04-01", "2024-04-02"},
	{"1990-04-02", 14, LAW_UNIT_DAYS, "1990-04-16", "1990-04-17"},
	{"2025-04-08", 2, LAW_UNIT_WEEKS, "2025-04-22", "2025-04-22"}, /* Easter Tuesday */
	{"2025-05-25", 14, LAW_UNIT_DAYS, "2025-06-08", "2025-06-09"}, /* Pentecost */
};
/* clang-format on */

/* clang-format off */
static const term_case_t cases_corpus_christi[] = {
	{"2025-06-05", 14, LAW_UNIT_DAYS, "2025-06-19", "2025-06-20"},
	{"2026-05-21", 14, LAW_UNIT_DAYS, "2026-06-04", "2026-06-05"},
	{"2024-05-16", 14, LAW_UNIT_DAYS, "2024-05-30", "2024-05-31"},
};
/* clang-format on */

/* clang-format off */
static const term_case_t cases_may[] = {
	{"2025-04-17", 14, LAW_UNIT_DAYS, "2025-05-01", "2025-05-02"}, /* Thu; 2 May works */
	{"2025-04-19", 14, LAW_UNIT_DAYS, "2025-05-03", "2025-05-05"}, /* 3 May a Saturday */
	{"2026-04-17", 14, LAW_UNIT_DAYS, "2026-05-01", "2026-05-04"}, /* Fri, Sat, Sun */
	{"2027-04-17", 14, LAW_UNIT_DAYS, "2027-05-01", "2027-05-04"}, /* Sat, Sun, Mon */
	{"2027-04-19", 14, LAW_UNIT_DAYS, "2027-05-03", "2027-05-04"},
	{"1990-04-19", 14, LAW_UNIT_DAYS, "1990-05-03", "1990-05-04"},
};
/* clang-format on */

/* clang-format off */
static const term_case_t cases_november[] = {
	{"2025-10-18", 14, LAW_UNIT_DAYS, "2025-11-01", "2025-11-03"}, /* a Saturday */
	{"2026-10-18", 14, LAW_UNIT_DAYS, "2026-11-01", "2026-11-02"}, /* a Sunday */
	{"2024-10-18", 14, LAW_UNIT_DAYS, "2024-11-01", "2024-11-04"}, /* a Friday */
	{"2025-10-28", 14, LAW_UNIT_DAYS, "2025-11-11", "2025-11-12"},
	{"2029-10-28", 14, LAW_UNIT_DAYS, "2029-11-11", "2029-11-12"},
	{"2026-10-28", 14, LAW_UNIT_DAYS, "2026-11-11", "2026-11-12"},
};
/* clang-format on */

/* clang-format off */
static const term_case_t cases_new_year_and_other[] = {
	{"2025-08-01", 14, LAW_UNIT_DAYS, "2025-08-15", "2025-08-18"},
	{"2025-12-18", 14, LAW_UNIT_DAYS, "2026-01-01", "2026-01-02"},
	{"2025-12-23", 14, LAW_UNIT_DAYS, "2026-01-06", "2026-01-07"},
	{"2009-12-23", 14, LAW_UNIT_DAYS, "2010-01-06", "2010-01-06"}, /* before 2011 */
	{"2010-12-23", 14, LAW_UNIT_DAYS, "2011-01-06", "2011-01-07"}, /* from 2011 */
	{"2024-12-31", 1, LAW_UNIT_DAYS, "2025-01-01", "2025-01-02"},
};
/* clang-format on */

static void test_deadline_month_ends_on_last_day_of_shorter_month(void **state)
{
	CHECK(cases_month_ends);
}

static void test_deadline_christmas_eve_is_working_in_2024(void **state)
{
	CHECK(cases_christmas_2024);
}

static void test_deadline_rolls_over_christmas_eve_from_2025(void **state)
{
	CHECK(cases_christmas_2025);
}

static void test_deadline_rolls_over_saturday_and_sunday(void **state)
{
	CHECK(cases_weekend);
}

static void test_deadline_rolls_over_easter(void **state)
{
	CHECK(cases_easter);
}

static void test_deadline_rolls_over_corpus_christi(void **state)
{
	CHECK(cases_corpus_christi);
}

static void test_deadline_rolls_over_1_to_3_may(void **state)
{
	CHECK(cases_may);
}

static void test_deadline_rolls_over_1_and_11_november(void **state)
{
	CHECK(cases_november);
}

static void test_deadline_rolls_over_new_year_epiphany_and_assumption(void **state)
{
	CHECK(cases_new_year_and_other);
}

/* ---- Reasoning --------------------------------------------------------- */

static void assert_step_contains(const law_term_calc_t *t, int i, const char *want)
{
	assert_true(i < t->nsteps);
	if (!strstr(t->steps[i], want))
		fail_msg("step %d \"%s\" lacks \"%s\"", i, t->steps[i], want);
}

static void test_steps_explain_holiday_shift_with_article(void **state)
{
	law_term_calc_t t;
	assert_true(
	    law_term_compute(D("2025-12-12"), 14, LAW_UNIT_DAYS, "Otrzymanie wniosku", &t, NULL));
	assert_int_equal(t.nsteps, 6);
	assert_step_contains(&t, 0, "Otrzymanie wniosku: 2025-12-12 (piątek)");
	assert_step_contains(&t, 0, "KPA art. 57 §1");
	assert_step_contains(&t, 1, "2025-12-12 + 14 dni = 2025-12-26 (piątek)");
	assert_step_contains(&t, 2, "drugi dzień Bożego Narodzenia");
	assert_step_contains(&t, 3, "2025-12-27 to sobota");
	assert_step_contains(&t, 4, "2025-12-28 to niedziela");
	assert_step_contains(&t, 5, "KPA art. 57 §4");
	assert_step_contains(&t, 5, "2025-12-29 (poniedziałek)");
	assert_date(t.from, "2025-12-12");
}

static void test_steps_explain_short_month_with_article_57_3(void **state)
{
	law_term_calc_t t;
	assert_true(law_term_compute(D("2025-12-31"), 2, LAW_UNIT_MONTHS, NULL, &t, NULL));
	assert_step_contains(&t, 0, "Dzień zdarzenia: 2025-12-31");
	assert_step_contains(&t, 1, "2 miesiące");
	assert_step_contains(&t, 1, "w lutym 2026 r. nie ma dnia 31.");
	assert_step_contains(&t, 1, "KPA art. 57 §3");
	assert_step_contains(&t, t.nsteps - 1, "2026-03-02");
}

static void test_steps_say_christmas_eve_not_yet_off_in_2024(void **state)
{
	law_term_calc_t t;
	assert_true(law_term_compute(D("2024-12-10"), 14, LAW_UNIT_DAYS, NULL, &t, NULL));
	assert_step_contains(&t, 2, "nie jest sobotą ani dniem ustawowo wolnym");
	assert_step_contains(&t, 3, "dopiero od 2025 r.");
}

static void test_steps_cite_weeks_rule(void **state)
{
	law_term_calc_t t;
	assert_true(law_term_compute(D("2025-01-01"), 1, LAW_UNIT_WEEKS, NULL, &t, NULL));
	assert_step_contains(&t, 1, "1 tydzień");
	assert_step_contains(&t, 1, "KPA art. 57 §2");
	assert_true(law_term_compute(D("2025-01-01"), 5, LAW_UNIT_WEEKS, NULL, &t, NULL));
	assert_step_contains(&t, 1, "5 tygodni");
}

static void test_unit_phrases_follow_polish_plurals(void **state)
{
	char b[32];
	assert_string_equal(law_unit_phrase(1, LAW_UNIT_DAYS, b, sizeof b), "1 dzień");
	assert_string_equal(law_unit_phrase(14, LAW_UNIT_DAYS, b, sizeof b), "14 dni");
	assert_string_equal(law_unit_phrase(2, LAW_UNIT_MONTHS, b, sizeof b), "2 miesiące");
	assert_string_equal(law_unit_phrase(5, LAW_UNIT_MONTHS, b, sizeof b), "5 miesięcy");
	assert_string_equal(law_unit_phrase(12, LAW_UNIT_MONTHS, b, sizeof b), "12 miesięcy");
	assert_string_equal(law_unit_phrase(22, LAW_UNIT_MONTHS, b, sizeof b), "22 miesiące");
	assert_string_equal(law_unit_phrase(1, LAW_UNIT_MONTHS, b, sizeof b), "1 miesiąc");
	assert_string_equal(law_unit_phrase(3, LAW_UNIT_WEEKS, b, sizeof b), "3 tygodnie");
	assert_string_equal(law_unit_phrase(13, LAW_UNIT_WEEKS, b, sizeof b), "13 tygodni");
}

static void test_fixed_date_is_shifted_and_explained(void **state)
{
	law_term_calc_t t;
	law_term_init(&t, D("2025-12-31"));
	law_term_add_step(&t, "Termin wskazany: %s.", "2026-02-28");
	assert_true(law_term_fix(&t, D("2026-02-28"), NULL));
	assert_date(t.unshifted, "2026-02-28");
	assert_date(t.due, "2026-03-02");
	assert_string_equal(t.steps[0], "Termin wskazany: 2026-02-28.");
	assert_step_contains(&t, t.nsteps - 1, "KPA art. 57 §4");
}

/* ---- Errors ------------------------------------------------------------ */

static void test_invalid_inputs_are_refused_with_codes(void **state)
{
	law_term_calc_t t;
	law_error_t err;
	assert_false(
	    law_term_compute((law_date_t){2025, 2, 29}, 14, LAW_UNIT_DAYS, NULL, &t, &err));
	assert_string_equal(err.code, "invalid_date");
	assert_false(
	    law_term_compute((law_date_t){1989, 12, 20}, 14, LAW_UNIT_DAYS, NULL, &t, &err));
	assert_string_equal(err.code, "date_out_of_range");
	assert_false(law_term_compute(D("2100-12-20"), 14, LAW_UNIT_DAYS, NULL, &t, &err));
	assert_string_equal(err.code, "date_out_of_range");
	assert_false(law_term_compute(D("2025-01-01"), 0, LAW_UNIT_DAYS, NULL, &t, &err));
	assert_string_equal(err.code, "invalid_length");
	assert_false(law_term_compute(D("2025-01-01"), -3, LAW_UNIT_MONTHS, NULL, &t, &err));
	assert_string_equal(err.code, "invalid_length");
	assert_false(law_term_compute(D("2025-01-01"), LAW_TERM_LENGTH_MAX + 1, LAW_UNIT_DAYS, NULL,
				      &t, &err));
	assert_string_equal(err.code, "invalid_length");
	assert_false(law_term_compute(D("2025-01-01"), 1, (law_unit_t)7, NULL, &t, &err));
	assert_string_equal(err.code, "invalid_length");
	assert_false(law_term_compute(D("2025-01-01"), 9999, LAW_UNIT_MONTHS, NULL, &t, &err));
	assert_string_equal(err.code, "date_out_of_range");
	assert_true(strlen(err.message) > 10);
}

/* ---- Working days ------------------------------------------------------ */

static void test_is_working_day_for_dashboards(void **state)
{
	assert_true(law_is_working_day(D("2025-12-23")));
	assert_false(law_is_working_day(D("2025-12-24")));
	assert_true(law_is_working_day(D("2024-12-24")));
	assert_false(law_is_working_day(D("2025-12-27"))); /* Saturday */
	assert_false(law_is_working_day((law_date_t){2101, 1, 3}));
	assert_false(law_is_working_day((law_date_t){2025, 2, 30}));
	law_date_t n;
	assert_true(law_next_working_day(D("2025-12-24"), &n));
	assert_date(n, "2025-12-29");
	assert_true(law_next_working_day(D("2025-12-23"), &n));
	assert_date(n, "2025-12-23");
}

static void test_working_days_between_skips_days_off(void **state)
{
	int n;
	assert_true(law_working_days_between(D("2025-12-22"), D("2025-12-31"), &n, NULL));
	assert_int_equal(n, 4); /* 23, 29, 30, 31 */
	assert_true(law_working_days_between(D("2024-12-22"), D("2024-12-31"), &n, NULL));
	assert_int_equal(n, 5); /* 23, 24, 27, 30, 31 */
	assert_true(law_working_days_between(D("2025-12-31"), D("2025-12-22"), &n, NULL));
	assert_int_equal(n, -4);
	assert_true(law_working_days_between(D("2025-06-02"), D("2025-06-02"), &n, NULL));
	assert_int_equal(n, 0);
	assert_true(law_working_days_between(D("2025-06-02"), D("2025-06-09"), &n, NULL));
	assert_int_equal(n, 5);
	law_error_t err;
	assert_false(law_working_days_between(D("2025-06-02"), (law_date_t){2101, 1, 1}, &n, &err));
	assert_string_equal(err.code, "date_out_of_range");
}

/* The count is arithmetic, not a walk over the days (issue 22): it must
 * agree with the walk, day by day, for every range of up to about two years
 * from three dates in each year the calendar covers, either way round, and
 * for the whole calendar at once. */
static void test_working_days_between_agrees_with_a_walk_over_the_days(void **state)
{
	(void)state;
	static const int starts[][2] = {{1, 1}, {4, 17}, {12, 23}};
	for (int y = LAW_YEAR_MIN; y <= LAW_YEAR_MAX; y++) {
		for (size_t s = 0; s < sizeof starts / sizeof starts[0]; s++) {
			law_date_t from = {y, starts[s][0], starts[s][1]};
			int forward = 0, back = 0, n;
			for (int k = 1; k <= 800; k++) {
				law_date_t to = law_date_add_days(from, k);
				if (law_date_in_range(to)) {
					forward += law_is_working_day(to);
					assert_true(law_working_days_between(from, to, &n, NULL));
					assert_int_equal(n, forward);
					assert_true(law_working_days_between(to, from, &n, NULL));
					assert_int_equal(n, -forward);
				}
				law_date_t before = law_date_add_days(from, -k);
				if (law_date_in_range(before)) {
					back += law_is_working_day(law_date_add_days(before, 1));
					assert_true(law_working_days_between(before, from, &n, NULL));
					assert_int_equal(n, back);
				}
			}
		}
	}
	int all = 0, n;
	law_date_t first = {LAW_YEAR_MIN, 1, 1}, last = {LAW_YEAR_MAX, 12, 31};
	for (law_date_t d = law_date_add_days(first, 1); law_date_cmp(d, last) <= 0;
	     d = law_date_add_days(d, 1))
		all += law_is_working_day(d);
	assert_true(law_working_days_between(first, last, &n, NULL));
	assert_int_equal(n, all);
}

/* Issue 21 item 7: one count of days overdue, in calendar days after the
 * last day of the term, so a case due on a Friday is not "0 days" overdue
 * over the weekend (the working-day count gave 0 on Saturday and Sunday). */
static void test_days_overdue_counts_calendar_days_after_the_last_day(void **state)
{
	assert_int_equal(law_days_overdue(D("2026-12-04"), D("2026-12-04")), 0); /* its last day */
	assert_int_equal(law_days_overdue(D("2026-12-04"), D("2026-12-01")), 0); /* not yet due */
	assert_int_equal(law_days_overdue(D("2026-12-04"), D("2026-12-05")), 1); /* Fri -> Sat */
	assert_int_equal(law_days_overdue(D("2026-12-04"), D("2026-12-06")), 2);
	assert_int_equal(law_days_overdue(D("2026-12-04"), D("2026-12-07")), 3); /* Monday */
	/* Days off in between count too: due Tuesday 23 December 2025, seen on
	 * Monday 29 December (24-28 were days off). */
	assert_int_equal(law_days_overdue(D("2025-12-23"), D("2025-12-29")), 6);
	/* Across a month and a year. */
	assert_int_equal(law_days_overdue(D("2025-12-31"), D("2026-01-02")), 2);
	assert_int_equal(law_days_overdue(D("2026-02-27"), D("2026-03-02")), 3);
	/* No date, no count. */
	assert_int_equal(law_days_overdue(LAW_DATE_NONE, D("2026-12-07")), 0);
	char buf[64];
	assert_string_equal(law_overdue_phrase(1, buf, sizeof buf), "1 dzień po terminie");
	assert_string_equal(law_overdue_phrase(3, buf, sizeof buf), "3 dni po terminie");
	assert_string_equal(law_overdue_phrase(22, buf, sizeof buf), "22 dni po terminie");
	assert_string_equal(law_overdue_phrase(0, buf, sizeof buf), "");
	assert_string_equal(law_working_days_phrase(1, buf, sizeof buf), "1 dzień roboczy");
	assert_string_equal(law_working_days_phrase(2, buf, sizeof buf), "2 dni robocze");
	assert_string_equal(law_working_days_phrase(5, buf, sizeof buf), "5 dni roboczych");
	assert_string_equal(law_working_days_phrase(12, buf, sizeof buf), "12 dni roboczych");
	assert_string_equal(law_working_days_phrase(22, buf, sizeof buf), "22 dni robocze");
}

static void test_at_least_sixty_computations_were_checked(void **state)
{
	assert_true(computed >= 60);
	print_message("term computations checked: %d\n", computed);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_deadline_month_ends_on_last_day_of_shorter_month),
	    cmocka_unit_test(test_deadline_christmas_eve_is_working_in_2024),
	    cmocka_unit_test(test_deadline_rolls_over_christmas_eve_from_2025),
	    cmocka_unit_test(test_deadline_rolls_over_saturday_and_sunday),
	    cmocka_unit_test(test_deadline_rolls_over_easter),
	    cmocka_unit_test(test_deadline_rolls_over_corpus_christi),
	    cmocka_unit_test(test_deadline_rolls_over_1_to_3_may),
	    cmocka_unit_test(test_deadline_rolls_over_1_and_11_november),
	    cmocka_unit_test(test_deadline_rolls_over_new_year_epiphany_and_assumption),
	    cmocka_unit_test(test_steps_explain_holiday_shift_with_article),
	    cmocka_unit_test(test_steps_explain_short_month_with_article_57_3),
	    cmocka_unit_test(test_steps_say_christmas_eve_not_yet_off_in_2024),
	    cmocka_unit_test(test_steps_cite_weeks_rule),
	    cmocka_unit_test(test_unit_phrases_follow_polish_plurals),
	    cmocka_unit_test(test_fixed_date_is_shifted_and_explained),
	    cmocka_unit_test(test_invalid_inputs_are_refused_with_codes),
	    cmocka_unit_test(test_is_working_day_for_dashboards),
	    cmocka_unit_test(test_working_days_between_skips_days_off),
	    cmocka_unit_test(test_working_days_between_agrees_with_a_walk_over_the_days),
	    cmocka_unit_test(test_days_overdue_counts_calendar_days_after_the_last_day),
	    cmocka_unit_test(test_at_least_sixty_computations_were_checked),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
