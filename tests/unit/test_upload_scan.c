/* SPDX-License-Identifier: EUPL-1.2 */
/* Scanning a multipart body that is not kept (issue 21 item 11): the text
 * fields come out as a body form_parse_multipart() reads, the files are
 * measured exactly, however the body is cut into pieces. */
/* clang-format off */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
/* clang-format on */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http/form.h"
#include "http/upload_scan.h"

#define CT "multipart/form-data; boundary=XyZ"

/* A body with two text fields, two files (the second's content full of
 * near-delimiters) and a field after them. */
static size_t body_of(char *out, size_t file2)
{
	size_t n = (size_t)sprintf(out,
	                           "--XyZ\r\nContent-Disposition: form-data; name=\"subject\"\r\n\r\n"
	                           "Temat \xc5\xbc\r\n"
	                           "--XyZ\r\nContent-Disposition: form-data; name=\"content\"\r\n\r\n"
	                           "Linia 1\r\n--Xy nie granica\r\nLinia 3\r\n"
	                           "--XyZ\r\nContent-Disposition: form-data; name=\"attachment\"; "
	                           "filename=\"C:\\\\skany\\\\a.pdf\"\r\nContent-Type: application/pdf\r\n\r\n"
	                           "%%PDF-1.4 abc\r\n"
	                           "--XyZ\r\nContent-Disposition: form-data; name=\"attachment\"; "
	                           "filename=\"b.pdf\"\r\n\r\n");
	for (size_t k = 0; k < file2; k++)
		out[n++] = "\r\n--XyQ"[k % 7];
	n += (size_t)sprintf(out + n,
	                     "\r\n--XyZ\r\nContent-Disposition: form-data; name=\"attachment\"; "
	                     "filename=\"\"\r\n\r\n"
	                     "\r\n--XyZ\r\nContent-Disposition: form-data; name=\"phone\"\r\n\r\n123\r\n"
	                     "--XyZ--\r\n");
	return n;
}

static void scan(const char *body, size_t len, size_t piece, struct upload_scan *s, arena_t *a,
                 char *out, size_t cap)
{
	assert_true(upload_scan_init(s, a, CT, out, cap));
	for (size_t i = 0; i < len; i += piece)
		upload_scan_feed(s, body + i, len - i < piece ? len - i : piece);
	upload_scan_finish(s);
}

static void test_text_fields_are_kept_and_files_measured_in_any_pieces(void **state)
{
	static char body[200000];
	size_t len = body_of(body, 100000);
	static const size_t pieces[] = {1, 2, 3, 7, 64, 4096, 1 << 20};
	for (size_t p = 0; p < sizeof pieces / sizeof pieces[0]; p++) {
		arena_t *a = arena_new(4096);
		char *out = malloc(65536);
		struct upload_scan s;
		scan(body, len, pieces[p], &s, a, out, 65536);
		assert_int_equal(s.nfiles, 2);
		assert_string_equal(s.files[0].filename, "a.pdf");
		assert_string_equal(s.files[0].field, "attachment");
		assert_int_equal(s.files[0].size, strlen("%PDF-1.4 abc"));
		assert_string_equal(s.files[1].filename, "b.pdf");
		assert_int_equal(s.files[1].size, 100000);
		assert_false(s.lost_field);
		assert_int_equal(s.seen, len);
		form_t f;
		assert_int_equal(form_parse_multipart(a, CT, out, s.out_len, NULL, &f), FORM_OK);
		assert_int_equal(f.count, 3);
		assert_string_equal(form_get(&f, "subject"), "Temat \xc5\xbc");
		assert_string_equal(form_get(&f, "content"), "Linia 1\r\n--Xy nie granica\r\nLinia 3");
		assert_string_equal(form_get(&f, "phone"), "123");
		assert_null(form_get(&f, "attachment"));
		free(out);
		arena_free(a);
	}
}

/* A field that does not fit in the buffer is dropped, the others stay; a
 * body cut short loses only its unfinished part. */
static void test_a_field_too_long_or_cut_short_is_dropped_alone(void **state)
{
	static char body[200000];
	size_t len = body_of(body, 10);
	arena_t *a = arena_new(4096);
	/* Room for the subject and the phone, not the content. */
	char out[256];
	struct upload_scan s;
	scan(body, len, 5, &s, a, out, 160);
	assert_true(s.lost_field);
	form_t f;
	assert_int_equal(form_parse_multipart(a, CT, out, s.out_len, NULL, &f), FORM_OK);
	assert_non_null(form_get(&f, "subject"));
	assert_null(form_get(&f, "content"));
	assert_string_equal(form_get(&f, "phone"), "123");
	/* Cut in the middle of the content field. */
	char big[65536];
	const char *cut = strstr(body, "Linia 3");
	scan(body, (size_t)(cut - body), 3, &s, a, big, sizeof big);
	assert_int_equal(form_parse_multipart(a, CT, big, s.out_len, NULL, &f), FORM_OK);
	assert_string_equal(form_get(&f, "subject"), "Temat \xc5\xbc");
	assert_null(form_get(&f, "content"));
	arena_free(a);
}

static void test_a_body_that_is_not_multipart_is_not_scanned(void **state)
{
	arena_t *a = arena_new(4096);
	char out[1024];
	struct upload_scan s;
	assert_false(upload_scan_init(&s, a, "text/plain", out, sizeof out));
	assert_false(upload_scan_init(&s, a, "multipart/form-data", out, sizeof out));
	assert_false(upload_scan_init(&s, a, CT, out, 100));
	/* Garbage after the boundary: nothing kept, nothing listed. */
	assert_true(upload_scan_init(&s, a, CT, out, sizeof out));
	upload_scan_feed(&s, "--XyZ??garbage\r\n\r\n", 18);
	assert_int_equal(upload_scan_finish(&s), 0);
	assert_int_equal(s.nfiles, 0);
	arena_free(a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_text_fields_are_kept_and_files_measured_in_any_pieces),
	    cmocka_unit_test(test_a_field_too_long_or_cut_short_is_dropped_alone),
	    cmocka_unit_test(test_a_body_that_is_not_multipart_is_not_scanned),
	};
	return cmocka_run_group_tests_name("upload_scan", tests, NULL, NULL);
}
