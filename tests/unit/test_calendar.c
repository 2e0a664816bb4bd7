/* SPDX-License-Identifier: EUPL-1.2 */
/* Polish days off (server/law/calendar.c) and civil dates (server/law/date.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "law/calendar.h"
#include "law/date.h"

static law_date_t D(const char *s)
{
	law_date_t d = LAW_DATE_NONE;
	assert_true(law_date_parse(s, &d));
	return d;
}

static void assert_date(law_date_t d, const char *want)
{
	char s[LAW_DATE_STRLEN];
	law_date_format(d, s);
	assert_string_equal(s, want);
}

static const law_holiday_rule_t *rule(const char *id)
{
	for (size_t i = 0; i < law_holiday_rule_count; i++)
		if (strcmp(law_holiday_rules[i].id, id) == 0)
			return &law_holiday_rules[i];
	fail_msg("no rule %s", id);
	return NULL;
}

static law_day_t kind_of(const char *s, const char **rule_id)
{
	const law_holiday_rule_t *r;
	law_day_t k = law_day_kind(D(s), &r);
	if (rule_id)
		*rule_id = r ? r->id : NULL;
	return k;
}

/* ---- Easter ------------------------------------------------------------ */

/* Western Easter Sunday, as published in church calendars. */
/* clang-format off */
static const char *const easter_table[] = {
	"1990-04-15", "1991-03-31", "1992-04-19", "1993-04-11", "1994-04-03", "1995-04-16",
	"1996-04-07", "1997-03-30", "1998-04-12", "1999-04-04", "2000-04-23", "2001-04-15",
	"2002-03-31", "2003-04-20", "2004-04-11", "2005-03-27", "2006-04-16", "2007-04-08",
	"2008-03-23", "2009-04-12", "2010-04-04", "2011-04-24", "2012-04-08", "2013-03-31",
	"2014-04-20", "2015-04-05", "2016-03-27", "2017-04-16", "2018-04-01", "2019-04-21",
	"2020-04-12", "2021-04-04", "2022-04-17", "2023-04-09", "2024-03-31", "2025-04-20",
	"2026-04-05", "2027-03-28", "2028-04-16", "2029-04-01", "2030-04-21", "2031-04-13",
	"2032-03-28", "2033-04-17", "2034-04-09", "2035-03-25", "2036-04-13", "2037-04-05",
	"2038-04-25", "2039-04-10", "2040-04-01",
};
/* clang-format on */

static void test_easter_matches_published_table_1990_to_2040(void **state)
{
	size_t n = sizeof easter_table / sizeof easter_table[0];
	assert_true(n >= 30);
	for (size_t i = 0; i < n; i++)
		assert_date(law_easter(1990 + (int)i), easter_table[i]);
}

static void test_easter_extremes_22_march_and_25_april(void **state)
{
	assert_date(law_easter(1818), "1818-03-22");
	assert_date(law_easter(2285), "2285-03-22");
	assert_date(law_easter(1943), "1943-04-25");
	assert_date(law_easter(2038), "2038-04-25");
}

/* Gauss's Easter algorithm with its two exceptions: an independent check of
 * Meeus/Jones/Butcher. */
static law_date_t gauss_easter(int y)
{
	int a = y % 19, b = y % 4, c = y % 7, k = y / 100;
	int p = (13 + 8 * k) / 25, q = k / 4;
	int M = (15 - p + k - q) % 30, N = (4 + k - q) % 7;
	int d = (19 * a + M) % 30, e = (2 * b + 4 * c + 6 * d + N) % 7;
	if (d == 29 && e == 6)
		return (law_date_t){y, 4, 19};
	if (d == 28 && e == 6 && (11 * M + 11) % 30 < 19)
		return (law_date_t){y, 4, 18};
	int day = 22 + d + e;
	return day <= 31 ? (law_date_t){y, 3, day} : (law_date_t){y, 4, day - 31};
}

static void test_easter_agrees_with_gauss_from_1583_to_4099(void **state)
{
	for (int y = 1583; y <= 4099; y++) {
		law_date_t a = law_easter(y), b = gauss_easter(y);
		if (law_date_cmp(a, b) != 0)
			fail_msg("Easter %d: %d-%d vs %d-%d", y, a.m, a.d, b.m, b.d);
		assert_int_equal(law_weekday(a), 7);
	}
}

/* ---- Rules with a starting year --------------------------------------- */

static void test_epiphany_is_a_working_day_before_2011(void **state)
{
	const char *id;
	assert_int_equal(kind_of("2010-01-06", &id), LAW_DAY_WORKING); /* a Wednesday */
	assert_int_equal(kind_of("1990-01-05", NULL), LAW_DAY_WORKING);
	assert_false(law_is_day_off(D("2010-01-06")));
	assert_int_equal(kind_of("2005-01-06", NULL), LAW_DAY_WORKING);
}

static void test_epiphany_is_a_day_off_from_2011(void **state)
{
	const char *id;
	assert_int_equal(kind_of("2011-01-06", &id), LAW_DAY_HOLIDAY);
	assert_string_equal(id, "epiphany");
	assert_int_equal(kind_of("2026-01-06", &id), LAW_DAY_HOLIDAY);
	assert_int_equal(rule("epiphany")->since_year, 2011);
}

static void test_christmas_eve_is_a_working_day_in_2024(void **state)
{
	assert_int_equal(kind_of("2024-12-24", NULL), LAW_DAY_WORKING); /* a Tuesday */
	assert_int_equal(kind_of("2019-12-24", NULL), LAW_DAY_WORKING);
	assert_false(law_is_day_off(D("2024-12-24")));
}

static void test_christmas_eve_is_a_day_off_from_2025(void **state)
{
	const char *id;
	assert_int_equal(kind_of("2025-12-24", &id), LAW_DAY_HOLIDAY);
	assert_string_equal(id, "christmas_eve");
	assert_int_equal(kind_of("2026-12-24", &id), LAW_DAY_HOLIDAY);
	assert_int_equal(rule("christmas_eve")->since_year, 2025);
	assert_true(law_is_day_off(D("2100-12-24")));
}

/* Every rule, every year: a holiday exactly from its since_year. */
static void test_every_rule_holds_from_its_year_and_not_before(void **state)
{
	for (size_t i = 0; i < law_holiday_rule_count; i++) {
		const law_holiday_rule_t *r = &law_holiday_rules[i];
		assert_true(r->since_year >= LAW_YEAR_MIN);
		for (int y = LAW_YEAR_MIN; y <= LAW_YEAR_MAX; y++) {
			law_date_t d = r->base == LAW_HOLIDAY_EASTER
					   ? law_date_add_days(law_easter(y), r->offset)
					   : (law_date_t){y, r->month, r->day};
			const law_holiday_rule_t *got;
			law_day_t k = law_day_kind(d, &got);
			if (y >= r->since_year) {
				assert_int_equal(k, LAW_DAY_HOLIDAY);
				assert_ptr_equal(got, r);
			} else {
				assert_int_not_equal(k, LAW_DAY_HOLIDAY);
			}
		}
	}
}

static void test_rules_before_1990_are_out_of_range(void **state)
{
	/* The rules that hold for the whole range start at 1990; before it the
	 * calendar gives no answer rather than a wrong one. */
	assert_int_equal(kind_of("1989-12-25", NULL), LAW_DAY_UNKNOWN);
	assert_int_equal(kind_of("1989-05-03", NULL), LAW_DAY_UNKNOWN);
	assert_int_equal(kind_of("2101-01-01", NULL), LAW_DAY_UNKNOWN);
	assert_int_equal(kind_of("1990-05-03", NULL), LAW_DAY_HOLIDAY);
	assert_int_equal(kind_of("1990-11-11", NULL), LAW_DAY_HOLIDAY);
	law_holiday_t h[LAW_HOLIDAYS_MAX];
	assert_int_equal(law_holidays(1989, h), -1);
	assert_int_equal(law_holidays(2101, h), -1);
	assert_false(law_calendar_covers(1989));
	assert_true(law_calendar_covers(1990));
	assert_true(law_calendar_covers(2100));
}

/* ---- Easter-based days ------------------------------------------------- */

static void test_easter_monday_pentecost_and_corpus_christi_2025(void **state)
{
	const char *id;
	assert_int_equal(kind_of("2025-04-20", &id), LAW_DAY_HOLIDAY);
	assert_string_equal(id, "easter_sunday");
	assert_int_equal(kind_of("2025-04-21", &id), LAW_DAY_HOLIDAY);
	assert_string_equal(id, "easter_monday");
	assert_int_equal(kind_of("2025-06-08", &id), LAW_DAY_HOLIDAY);
	assert_string_equal(id, "pentecost");
	assert_int_equal(kind_of("2025-06-19", &id), LAW_DAY_HOLIDAY);
	assert_string_equal(id, "corpus_christi");
	assert_int_equal(law_weekday(D("2025-06-19")), 4);
	/* Good Friday and Easter Tuesday are working days. */
	assert_int_equal(kind_of("2025-04-18", NULL), LAW_DAY_WORKING);
	assert_int_equal(kind_of("2025-04-22", NULL), LAW_DAY_WORKING);
}

static void test_corpus_christi_2026_is_thursday_4_june(void **state)
{
	const char *id;
	assert_int_equal(kind_of("2026-06-04", &id), LAW_DAY_HOLIDAY);
	assert_string_equal(id, "corpus_christi");
	assert_int_equal(kind_of("2026-04-06", &id), LAW_DAY_HOLIDAY);
	assert_string_equal(id, "easter_monday");
}

/* ---- Listing a year ---------------------------------------------------- */

static void test_holidays_2026_listed_in_date_order_with_names(void **state)
{
	static const char *const want[][2] = {
	    {"2026-01-01", "Nowy Rok"},
	    {"2026-01-06", "Święto Trzech Króli"},
	    {"2026-04-05", "pierwszy dzień Wielkiej Nocy"},
	    {"2026-04-06", "drugi dzień Wielkiej Nocy"},
	    {"2026-05-01", "Święto Państwowe"},
	    {"2026-05-03", "Święto Narodowe Trzeciego Maja"},
	    {"2026-05-24", "pierwszy dzień Zielonych Świątek"},
	    {"2026-06-04", "dzień Bożego Ciała"},
	    {"2026-08-15", "Wniebowzięcie Najświętszej Maryi Panny"},
	    {"2026-11-01", "Wszystkich Świętych"},
	    {"2026-11-11", "Narodowe Święto Niepodległości"},
	    {"2026-12-24", "Wigilia Bożego Narodzenia"},
	    {"2026-12-25", "pierwszy dzień Bożego Narodzenia"},
	    {"2026-12-26", "drugi dzień Bożego Narodzenia"},
	};
	law_holiday_t h[LAW_HOLIDAYS_MAX];
	int n = law_holidays(2026, h);
	assert_int_equal(n, (int)(sizeof want / sizeof want[0]));
	for (int i = 0; i < n; i++) {
		assert_date(h[i].date, want[i][0]);
		assert_string_equal(h[i].rule->name, want[i][1]);
	}
}

static void test_holiday_count_grows_in_2011_and_2025(void **state)
{
	law_holiday_t h[LAW_HOLIDAYS_MAX];
	assert_int_equal(law_holidays(1990, h), 12);
	assert_int_equal(law_holidays(2010, h), 12);
	assert_int_equal(law_holidays(2011, h), 13);
	assert_int_equal(law_holidays(2024, h), 13);
	assert_int_equal(law_holidays(2025, h), 14);
	assert_int_equal(law_holidays(2100, h), 14);
}

static void test_holidays_sorted_every_year(void **state)
{
	law_holiday_t h[LAW_HOLIDAYS_MAX];
	for (int y = LAW_YEAR_MIN; y <= LAW_YEAR_MAX; y++) {
		int n = law_holidays(y, h);
		assert_true(n >= 12);
		for (int i = 1; i < n; i++)
			assert_true(law_date_cmp(h[i - 1].date, h[i].date) < 0);
	}
}

/* ---- Weekdays ---------------------------------------------------------- */

static void test_saturday_is_not_a_day_off_but_sunday_is(void **state)
{
	assert_int_equal(kind_of("2025-03-15", NULL), LAW_DAY_SATURDAY);
	assert_false(law_is_day_off(D("2025-03-15")));
	assert_int_equal(kind_of("2025-03-16", NULL), LAW_DAY_SUNDAY);
	assert_true(law_is_day_off(D("2025-03-16")));
	assert_int_equal(kind_of("2025-03-17", NULL), LAW_DAY_WORKING);
}

static void test_holiday_on_sunday_is_reported_as_holiday(void **state)
{
	const char *id;
	assert_int_equal(kind_of("2026-11-01", &id), LAW_DAY_HOLIDAY); /* a Sunday */
	assert_string_equal(id, "all_saints");
}

/* The longest run of days on which no term can end: Wednesday 24 December
 * 2025 to Sunday 28. term.h sizes its steps for it. */
static void test_longest_run_of_non_working_days_is_five(void **state)
{
	int best = 0, run = 0;
	law_date_t best_end = LAW_DATE_NONE;
	for (law_date_t d = {LAW_YEAR_MIN, 1, 1}; d.y <= LAW_YEAR_MAX;
	     d = law_date_add_days(d, 1)) {
		law_day_t k = law_day_kind(d, NULL);
		run = k == LAW_DAY_WORKING ? 0 : run + 1;
		if (run > best) {
			best = run;
			best_end = d;
		}
	}
	assert_int_equal(best, 5);
	assert_date(best_end, "2025-12-28");
}

/* ---- Dates ------------------------------------------------------------- */

static void test_date_parse_is_strict(void **state)
{
	law_date_t d = {1, 2, 3};
	assert_true(law_date_parse("2024-02-29", &d));
	assert_date(d, "2024-02-29");
	static const char *const bad[] = {
	    "2025-02-29",  "2100-02-29",  "2025-13-01",	      "2025-00-10",
	    "2025-01-00",  "2025-04-31",  "2025-1-01",	      "25-01-01",
	    "2025-01-01 ", " 2025-01-01", "2025/01/01",	      "",
	    "2025-01-0a",  "+025-01-01",  "2025-01-01T00:00", "0000-01-01",
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		law_date_t keep = {1, 2, 3};
		assert_false(law_date_parse(bad[i], &keep));
		assert_int_equal(keep.y, 1);
	}
	assert_false(law_date_parse(NULL, &d));
}

static void test_days_round_trip_and_weekday(void **state)
{
	assert_int_equal(law_date_to_days(D("1970-01-01")), 0);
	assert_int_equal(law_weekday(D("1970-01-01")), 4);
	assert_int_equal(law_weekday(D("2025-12-12")), 5);
	assert_int_equal(law_weekday(D("1990-01-01")), 1);
	assert_int_equal(law_date_to_days(D("0001-01-01")), -719162);
	assert_int_equal(law_date_to_days(D("9999-12-31")), 2932896);
	for (int32_t n = -719162; n <= 2932896; n += 997) { /* 0001-01-01 .. 9999-12-31 */
		law_date_t d = law_date_from_days(n);
		assert_true(law_date_valid(d));
		assert_int_equal(law_date_to_days(d), n);
		assert_int_equal(law_date_cmp(law_date_add_days(d, 1), d), 1);
	}
	assert_string_equal(law_weekday_name(5), "piątek");
	assert_string_equal(law_weekday_name(0), "?");
	assert_string_equal(law_month_name(2), "luty");
}

static void test_add_months_clamps_to_month_end(void **state)
{
	assert_date(law_date_add_months(D("2025-01-31"), 1), "2025-02-28");
	assert_date(law_date_add_months(D("2024-01-31"), 1), "2024-02-29");
	assert_date(law_date_add_months(D("2025-12-31"), 2), "2026-02-28");
	assert_date(law_date_add_months(D("2025-08-31"), 1), "2025-09-30");
	assert_date(law_date_add_months(D("2025-03-31"), 12), "2026-03-31");
	assert_date(law_date_add_months(D("2025-11-15"), 2), "2026-01-15");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_easter_matches_published_table_1990_to_2040),
	    cmocka_unit_test(test_easter_extremes_22_march_and_25_april),
	    cmocka_unit_test(test_easter_agrees_with_gauss_from_1583_to_4099),
	    cmocka_unit_test(test_epiphany_is_a_working_day_before_2011),
	    cmocka_unit_test(test_epiphany_is_a_day_off_from_2011),
	    cmocka_unit_test(test_christmas_eve_is_a_working_day_in_2024),
	    cmocka_unit_test(test_christmas_eve_is_a_day_off_from_2025),
	    cmocka_unit_test(test_every_rule_holds_from_its_year_and_not_before),
	    cmocka_unit_test(test_rules_before_1990_are_out_of_range),
	    cmocka_unit_test(test_easter_monday_pentecost_and_corpus_christi_2025),
	    cmocka_unit_test(test_corpus_christi_2026_is_thursday_4_june),
	    cmocka_unit_test(test_holidays_2026_listed_in_date_order_with_names),
	    cmocka_unit_test(test_holiday_count_grows_in_2011_and_2025),
	    cmocka_unit_test(test_holidays_sorted_every_year),
	    cmocka_unit_test(test_saturday_is_not_a_day_off_but_sunday_is),
	    cmocka_unit_test(test_holiday_on_sunday_is_reported_as_holiday),
	    cmocka_unit_test(test_longest_run_of_non_working_days_is_five),
	    cmocka_unit_test(test_date_parse_is_strict),
	    cmocka_unit_test(test_days_round_trip_and_weekday),
	    cmocka_unit_test(test_add_months_clamps_to_month_end),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
