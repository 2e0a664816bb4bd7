/* SPDX-License-Identifier: EUPL-1.2 */
/* The legal date of an instant in Europe/Warsaw (server/law/warsaw.c).
 * Instants and expected dates were checked against tzdata (zoneinfo). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "law/warsaw.h"

static void assert_warsaw(int64_t t, const char *want)
{
	law_date_t d;
	if (!law_warsaw_date(t, &d))
		fail_msg("%lld: no date", (long long)t);
	char s[LAW_DATE_STRLEN];
	law_date_format(d, s);
	if (strcmp(s, want) != 0)
		fail_msg("%lld: got %s, want %s", (long long)t, s, want);
}

static void test_winter_2230_utc_is_same_day_2330_utc_is_next_day(void **state)
{
	assert_warsaw(1736980200, "2025-01-15"); /* 22:30 UTC = 23:30 CET */
	assert_warsaw(1736983800, "2025-01-16"); /* 23:30 UTC = 00:30 CET */
	assert_int_equal(law_warsaw_offset(1736980200), 3600);
}

static void test_summer_2130_utc_is_same_day_2230_utc_is_next_day(void **state)
{
	assert_warsaw(1752615000, "2025-07-15"); /* 21:30 UTC = 23:30 CEST */
	assert_warsaw(1752618600, "2025-07-16"); /* 22:30 UTC = 00:30 CEST */
	assert_warsaw(1752622200, "2025-07-16"); /* 23:30 UTC = 01:30 CEST */
	assert_int_equal(law_warsaw_offset(1752615000), 7200);
}

static void test_form_submitted_2330_utc_on_31_december_was_received_1_january(void **state)
{
	assert_warsaw(1767220200, "2025-12-31"); /* 22:30 UTC */
	assert_warsaw(1767223800, "2026-01-01"); /* 23:30 UTC, LAW.md §2 */
	assert_warsaw(1709249400, "2024-03-01"); /* 29 Feb 2024, 23:30 UTC */
}

static void test_summer_time_starts_last_sunday_of_march_0100_utc(void **state)
{
	assert_int_equal(law_warsaw_offset(1743296399), 3600); /* 2025-03-30 00:59:59 UTC */
	assert_int_equal(law_warsaw_offset(1743296400), 7200); /* 01:00:00 UTC */
	assert_int_equal(law_warsaw_offset(638326799), 3600);  /* 1990-03-25 */
	assert_int_equal(law_warsaw_offset(638326800), 7200);
	assert_warsaw(1774740600, "2026-03-29"); /* the night before the change */
}

static void test_summer_time_ends_last_sunday_of_october_0100_utc_from_1996(void **state)
{
	assert_int_equal(law_warsaw_offset(1761440399), 7200); /* 2025-10-26 00:59:59 UTC */
	assert_int_equal(law_warsaw_offset(1761440400), 3600);
	assert_int_equal(law_warsaw_offset(846377999), 7200); /* 1996-10-27 */
	assert_int_equal(law_warsaw_offset(846378000), 3600);
	assert_warsaw(1792881000, "2026-10-25"); /* 22:30 UTC on 24 Oct, still CEST */
	assert_warsaw(844122600, "1996-10-01");	 /* 30 Sep 1996 22:30 UTC: CEST */
}

static void test_summer_time_ended_in_september_until_1995(void **state)
{
	assert_int_equal(law_warsaw_offset(811904399), 7200); /* 1995-09-24 00:59:59 UTC */
	assert_int_equal(law_warsaw_offset(811904400), 3600);
	assert_warsaw(812500200, "1995-09-30"); /* 22:30 UTC = 23:30 CET, not CEST */
}

static void test_dates_outside_1990_2100_are_refused(void **state)
{
	law_date_t d = {7, 7, 7};
	assert_false(law_warsaw_date(631148399, &d)); /* 1989-12-31 23:59:59 local */
	assert_int_equal(d.y, 7);
	assert_warsaw(631148400, "1990-01-01");
	assert_warsaw(4133977199, "2100-12-31");
	assert_false(law_warsaw_date(4133977200, &d)); /* 2101-01-01 local */
	assert_false(law_warsaw_date(INT64_MAX, &d));
	assert_false(law_warsaw_date(INT64_MIN, &d));
	assert_false(law_warsaw_date(-1, &d));
	assert_int_equal(law_warsaw_offset(INT64_MIN), 3600);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_winter_2230_utc_is_same_day_2330_utc_is_next_day),
	    cmocka_unit_test(test_summer_2130_utc_is_same_day_2230_utc_is_next_day),
	    cmocka_unit_test(test_form_submitted_2330_utc_on_31_december_was_received_1_january),
	    cmocka_unit_test(test_summer_time_starts_last_sunday_of_march_0100_utc),
	    cmocka_unit_test(test_summer_time_ends_last_sunday_of_october_0100_utc_from_1996),
	    cmocka_unit_test(test_summer_time_ended_in_september_until_1995),
	    cmocka_unit_test(test_dates_outside_1990_2100_are_refused),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
