/* SPDX-License-Identifier: EUPL-1.2 */
/* The staff API's input readers (web/staff_input.c), without a server: the
 * bearer header, RFC 3339 instants, base64 files, the list's parameters and
 * its cursor. The same over HTTP: tests/integration/test_staff_api.c; any
 * bytes: tests/fuzz/fuzz_staff.c. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "web/staff_input.h"

static arena_t *a;

static int setup(void **state)
{
	a = arena_new(4096);
	return 0;
}

static int teardown(void **state)
{
	arena_free(a);
	return 0;
}

static void test_a_bearer_token_is_read_only_from_its_scheme(void **state)
{
	assert_string_equal(staff_bearer(a, "Bearer jwi_abc-DEF_123"), "jwi_abc-DEF_123");
	assert_string_equal(staff_bearer(a, "bearer    abc.def~+/=="), "abc.def~+/==");
	assert_null(staff_bearer(a, NULL));
	assert_null(staff_bearer(a, "Bearer"));
	assert_null(staff_bearer(a, "Bearer "));
	assert_null(staff_bearer(a, "Bearerabc"));
	assert_null(staff_bearer(a, "Basic YWRtaW46YWRtaW4="));
	assert_null(staff_bearer(a, "Bearer abc def"));
	assert_null(staff_bearer(a, "Bearer abc "));
	assert_null(staff_bearer(a, "Bearer a=b"));
	assert_null(staff_bearer(a, "Bearer ==="));
	char longer[600] = "Bearer ";
	memset(longer + 7, 'a', 513);
	assert_null(staff_bearer(a, longer));
}

static void test_an_instant_is_rfc_3339_with_its_offset(void **state)
{
	assert_true(staff_instant_valid("2026-11-04T09:00:00Z"));
	assert_true(staff_instant_valid("2026-11-04t09:00:00z"));
	assert_true(staff_instant_valid("2026-11-04T09:00:00.123456+01:00"));
	assert_true(staff_instant_valid("2024-02-29T23:59:59-15:59"));
	/* Beyond what PostgreSQL takes (below 16 hours): refused here, not a
	 * database error. */
	assert_false(staff_instant_valid("2024-02-29T23:59:59-23:59"));
	assert_false(staff_instant_valid("2026-11-04T09:00:00+16:00"));
	assert_false(staff_instant_valid("2026-11-04"));
	assert_false(staff_instant_valid("2026-11-04T09:00:00"));
	assert_false(staff_instant_valid("2026-11-04 09:00:00Z"));
	assert_false(staff_instant_valid("2025-02-29T09:00:00Z"));
	assert_false(staff_instant_valid("2026-11-04T24:00:00Z"));
	assert_false(staff_instant_valid("2026-11-04T09:00:00.Z"));
	assert_false(staff_instant_valid("2026-11-04T09:00:00+1:00"));
	assert_false(staff_instant_valid("2026-11-04T09:00:00+01:00x"));
	assert_false(staff_instant_valid("1969-12-31T23:59:59Z"));
}

static void test_base64_decodes_within_its_limit_or_says_how_large(void **state)
{
	const char *out;
	size_t len;
	assert_true(staff_base64(a, "JVBERi0xLjQ=", 12, 100, &out, &len));
	assert_int_equal(len, 8);
	assert_memory_equal(out, "%PDF-1.4", 8);
	/* Line breaks as MIME encoders write them; no padding. */
	assert_true(staff_base64(a, "JVBE\r\nRi0x\n LjQ", 15, 100, &out, &len));
	assert_memory_equal(out, "%PDF-1.4", 8);
	assert_true(staff_base64(a, "", 0, 100, &out, &len));
	assert_int_equal(len, 0);
	assert_false(staff_base64(a, "@@@@", 4, 100, &out, &len));
	assert_false(staff_base64(a, "QQ==QQ==", 8, 100, &out, &len));
	assert_false(staff_base64(a, "QUJD=", 5, 100, &out, &len));
	assert_false(staff_base64(a, "Q", 1, 100, &out, &len));
	assert_false(staff_base64(a, "QR==", 4, 100, &out, &len)); /* bits after the last byte */
	/* Too large: refused before decoding, with the size it would have. */
	assert_false(staff_base64(a, "QUJDREVG", 8, 5, &out, &len));
	assert_int_equal(len, 6);
	assert_null(out);
}

static void test_the_lists_parameters_and_cursor(void **state)
{
	struct queue_filter f;
	struct problem p;
	struct staff_list_query q = {.state = "received", .open = "true", .kind = "reuse",
	                             .channel = "post", .received_from = "2026-10-01",
	                             .received_to = "2026-10-31",
	                             .updated_since = "2026-11-04T09:00:00Z",
	                             .cursor = "2026-11-13_31"};
	assert_int_equal(staff_list_decode(a, &q, &f, &p), OUT_OK);
	assert_int_equal(f.states, QUEUE_OPEN);
	assert_int_equal(f.due_within, -1);
	assert_string_equal(f.after_due, "2026-11-13");
	assert_int_equal(f.after_id, 31);
	q = (struct staff_list_query){.cursor = staff_cursor(a, "none", "7")};
	assert_string_equal(q.cursor, "none_7");
	assert_int_equal(staff_list_decode(a, &q, &f, &p), OUT_OK);
	assert_int_equal(f.states, QUEUE_ALL);
	assert_string_equal(f.after_due, "none");
	assert_int_equal(f.after_id, 7);
	assert_null(staff_cursor(a, "jutro", "7"));
	assert_null(staff_cursor(a, "none", "0"));
	q = (struct staff_list_query){.state = "otwarte", .received_from = "2026-11-02",
	                              .received_to = "2026-11-01", .cursor = "2026-11-13_"};
	assert_int_equal(staff_list_decode(a, &q, &f, &p), OUT_INVALID);
	assert_non_null(problem_field_message(&p, "state"));
	assert_non_null(problem_field_message(&p, "received_to"));
	assert_non_null(problem_field_message(&p, "cursor"));
	assert_null(problem_field_message(&p, "received_from"));
	assert_int_equal(staff_queue_decode(a, NULL, "true", "5", &f, &p), OUT_OK);
	assert_true(f.overdue);
	assert_int_equal(f.due_within, 5);
	assert_int_equal(f.states, QUEUE_OPEN);
	assert_int_equal(staff_queue_decode(a, NULL, "1", "61", &f, &p), OUT_INVALID);
	assert_int_equal(p.nfields, 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_a_bearer_token_is_read_only_from_its_scheme),
	    cmocka_unit_test(test_an_instant_is_rfc_3339_with_its_offset),
	    cmocka_unit_test(test_base64_decodes_within_its_limit_or_says_how_large),
	    cmocka_unit_test(test_the_lists_parameters_and_cursor),
	};
	return cmocka_run_group_tests_name("staff_input", tests, setup, teardown);
}
