/* SPDX-License-Identifier: EUPL-1.2 */
/* Case numbers UNIT.CLASS.NUMBER.YEAR (server/law/casenum.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "law/casenum.h"

static void test_format_and_parse_round_trip(void **state)
{
	char buf[LAW_CASENUM_STRLEN];
	assert_true(law_casenum_format("COMON", "1431", 15, 2026, buf, sizeof buf, NULL));
	assert_string_equal(buf, "COMON.1431.15.2026");
	law_casenum_t c;
	assert_true(law_casenum_parse(buf, &c, NULL));
	assert_string_equal(c.unit, "COMON");
	assert_string_equal(c.cls, "1431");
	assert_int_equal(c.number, 15);
	assert_int_equal(c.year, 2026);
}

static void test_sub_unit_with_hyphen_is_accepted(void **state)
{
	law_casenum_t c;
	assert_true(law_casenum_parse("COMON-WI.1431.7.2026", &c, NULL));
	assert_string_equal(c.unit, "COMON-WI");
	assert_true(law_casenum_parse("A1-B2-C3.0.999999.1990", &c, NULL));
	assert_string_equal(c.cls, "0");
	assert_int_equal(c.number, 999999);
	assert_true(law_casenum_parse("ABCDEFGHIJKLMNOPQRST.01.1.2100", &c, NULL)); /* 20 chars */
}

static void test_longest_case_number_fits_the_buffer(void **state)
{
	char buf[LAW_CASENUM_STRLEN];
	assert_true(law_casenum_format("ABCDEFGHIJ-KLMNOPQRS", "1234", 999999, 2100, buf,
				       sizeof buf, NULL));
	assert_int_equal(strlen(buf), LAW_CASENUM_STRLEN - 1);
	law_error_t err;
	assert_false(law_casenum_format("COMON", "1431", 15, 2026, buf, 10, &err));
	assert_string_equal(err.code, "casenum_buffer");
	assert_string_equal(buf, "");
}

static void expect_parse_error(const char *s, const char *code)
{
	law_casenum_t c;
	law_error_t err = {0};
	if (law_casenum_parse(s, &c, &err))
		fail_msg("\"%s\" was accepted", s);
	if (strcmp(err.code, code) != 0)
		fail_msg("\"%s\": code %s, want %s", s, err.code, code);
	assert_true(strlen(err.message) > 0);
}

static void test_parse_rejects_each_bad_part_with_its_code(void **state)
{
	expect_parse_error("", "casenum_syntax");
	expect_parse_error("COMON.1431.15", "casenum_syntax");
	expect_parse_error("COMON.1431.15.2026.1", "casenum_syntax");
	expect_parse_error("COMON/1431/15/2026", "casenum_syntax");
	expect_parse_error(".1431.15.2026", "casenum_unit");
	expect_parse_error("comon.1431.15.2026", "casenum_unit");
	expect_parse_error("-COMON.1431.15.2026", "casenum_unit");
	expect_parse_error("COMON-.1431.15.2026", "casenum_unit");
	expect_parse_error("CO--MON.1431.15.2026", "casenum_unit");
	expect_parse_error("CO MON.1431.15.2026", "casenum_unit");
	expect_parse_error("ŻOMON.1431.15.2026", "casenum_unit");
	expect_parse_error("ABCDEFGHIJKLMNOPQRSTU.1431.15.2026", "casenum_unit"); /* 21 */
	expect_parse_error("COMON..15.2026", "casenum_class");
	expect_parse_error("COMON.14311.15.2026", "casenum_class");
	expect_parse_error("COMON.14a.15.2026", "casenum_class");
	expect_parse_error("COMON.1431..2026", "casenum_number");
	expect_parse_error("COMON.1431.0.2026", "casenum_number");
	expect_parse_error("COMON.1431.015.2026", "casenum_number");
	expect_parse_error("COMON.1431.1000000.2026", "casenum_number");
	expect_parse_error("COMON.1431.-5.2026", "casenum_number");
	expect_parse_error("COMON.1431.15.26", "casenum_year");
	expect_parse_error("COMON.1431.15.1989", "casenum_year");
	expect_parse_error("COMON.1431.15.2101", "casenum_year");
	expect_parse_error("COMON.1431.15.20266", "casenum_year");
	expect_parse_error("COMON.1431.15.2026 ", "casenum_year");
	law_casenum_t c;
	assert_false(law_casenum_parse(NULL, &c, NULL));
}

static void test_format_validates_every_part(void **state)
{
	char buf[LAW_CASENUM_STRLEN];
	law_error_t err;
	assert_false(law_casenum_format("", "1431", 1, 2026, buf, sizeof buf, &err));
	assert_string_equal(err.code, "casenum_unit");
	assert_false(law_casenum_format("COMON", "", 1, 2026, buf, sizeof buf, &err));
	assert_string_equal(err.code, "casenum_class");
	assert_false(law_casenum_format("COMON", "1431", 0, 2026, buf, sizeof buf, &err));
	assert_string_equal(err.code, "casenum_number");
	assert_false(law_casenum_format("COMON", "1431", 1000000, 2026, buf, sizeof buf, &err));
	assert_string_equal(err.code, "casenum_number");
	assert_false(law_casenum_format("COMON", "1431", 1, 1989, buf, sizeof buf, &err));
	assert_string_equal(err.code, "casenum_year");
	assert_false(law_casenum_format(NULL, "1431", 1, 2026, buf, sizeof buf, &err));
	assert_string_equal(err.code, "casenum_unit");
	assert_false(law_casenum_format("COMON", NULL, 1, 2026, buf, sizeof buf, &err));
	assert_string_equal(err.code, "casenum_class");
}

static void test_part_validators_for_forms(void **state)
{
	assert_true(law_casenum_unit_valid("OR-IV", NULL));
	assert_false(law_casenum_unit_valid("or", NULL));
	assert_true(law_casenum_class_valid("0", NULL));
	assert_true(law_casenum_class_valid("01", NULL));
	assert_true(law_casenum_number_valid(1, NULL));
	assert_true(law_casenum_year_valid(2100, NULL));
	assert_false(law_casenum_year_valid(2101, NULL));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_format_and_parse_round_trip),
	    cmocka_unit_test(test_sub_unit_with_hyphen_is_accepted),
	    cmocka_unit_test(test_longest_case_number_fits_the_buffer),
	    cmocka_unit_test(test_parse_rejects_each_bad_part_with_its_code),
	    cmocka_unit_test(test_format_validates_every_part),
	    cmocka_unit_test(test_part_validators_for_forms),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
