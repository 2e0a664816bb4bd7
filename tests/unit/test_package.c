/* SPDX-License-Identifier: EUPL-1.2 */
/* The case package's pure parts (docs/export.md): safe file names of case
 * numbers and documents (cases/export_meta.c); an event's hash as the
 * database's event_payload() makes it (cases/package.c), against values
 * computed independently (Python's hashlib over the same text); and the
 * ZIP reader (core/unzip.c), which reads what core/zip.c writes and
 * refuses, with a reason, an encrypted entry, a name twice, a name that
 * climbs out, a stored entry whose sizes differ, data longer than declared,
 * a CRC-32 that does not match, and (the verifier) an entry declared huge. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <sodium.h>

#include "cases/export_meta.h"
#include "cases/package.h"
#include "core/unzip.h"
#include "core/zip.h"

static void test_case_numbers_and_names_become_safe_file_names(void **state)
{
	(void)state;
	arena_t *a = arena_new(4096);
	assert_string_equal(export_safe_name(a, "OR.1431.7.2026"), "OR_1431_7_2026");
	assert_string_equal(export_safe_name(a, "COMON-WI.1431.7.2026"), "COMON-WI_1431_7_2026");
	assert_string_equal(export_safe_name(a, "A/B 1"), "A_B_1");
	assert_string_equal(export_safe_name(a, "łąka"), "__ka");
	assert_string_equal(export_safe_name(a, ""), "sprawa");
	char longer[300];
	memset(longer, 'X', sizeof longer - 1);
	longer[sizeof longer - 1] = '\0';
	assert_int_equal(strlen(export_safe_name(a, longer)), 80);
	assert_string_equal(export_safe_file(a, "Wniosek łąka.PDF"), "Wniosek___ka.PDF");
	assert_string_equal(export_safe_file(a, "../../etc/passwd"), "______etc_passwd");
	assert_string_equal(export_safe_file(a, ".bashrc"), "_bashrc");
	assert_string_equal(export_safe_file(a, "skan.pisma.tar.gz"), "skan_pisma_tar.gz");
	assert_string_equal(export_safe_file(a, "bez rozszerzenia."), "bez_rozszerzenia_");
	assert_true(package_name_safe("dokumenty/001-wniosek.pdf"));
	assert_false(package_name_safe("../wniosek.pdf"));
	assert_false(package_name_safe("/etc/passwd"));
	assert_false(package_name_safe("a\\b"));
	assert_false(package_name_safe(""));
	arena_free(a);
}

static void hex(const unsigned char h[32], char out[65])
{
	sodium_bin2hex(out, 65, h, 32);
}

static void test_an_event_hash_is_the_database_s(void **state)
{
	(void)state;
	unsigned char h[32], prev[32];
	char x[65];
	/* NULL request, user and states are empty fields. */
	struct package_event e = {.id = 12, .org_id = 3, .at = "2025-03-03T10:00:00.000000Z",
	                          .actor = "clerk", .action = "note", .data = "{\"text\": \"ł\"}"};
	package_event_hash(&e, NULL, 0, h);
	hex(h, x);
	assert_string_equal(x, "8d7b525444fe95da6e869afc08b0481df0332bd861c09ffa60f773bec95fc603");
	for (int i = 0; i < 32; i++)
		prev[i] = (unsigned char)i;
	struct package_event f = {.id = 13, .org_id = 3, .request_id = 7,
	                          .at = "2025-03-03T10:00:01.000001Z", .actor = "system",
	                          .actor_user_id = 5, .action = "case_export", .from_state = "in_progress",
	                          .to_state = "refused", .data = "{}"};
	package_event_hash(&f, prev, 32, h);
	hex(h, x);
	assert_string_equal(x, "3d7ef72fccf5de6fe16d504cfaacc23a3d28c1b9c8eeefd6de917c422e8a5836");
}

/* An archive of two entries as core/zip.c writes it, copied (malloc'd). */
static unsigned char *two(const char *text, size_t *len)
{
	arena_t *a = arena_new(4096);
	zip_t z;
	zip_init(&z, a, 1741000000);
	assert_true(zip_add(&z, "aa.txt", text, strlen(text), NULL));
	assert_true(zip_add(&z, "bb.txt", "stored", 6, NULL));
	const char *out;
	assert_true(zip_finish(&z, &out, len));
	unsigned char *copy = malloc(*len);
	memcpy(copy, out, *len);
	arena_free(a);
	return copy;
}

static bool sink(void *ctx, const unsigned char *p, size_t n)
{
	(void)ctx;
	(void)p;
	(void)n;
	return true;
}

/* Opens b and reads every entry; NULL when all is well, else the reason. */
static const char *read_all(const unsigned char *b, size_t len)
{
	arena_t *a = arena_new(4096);
	unzip_t u;
	const char *why = NULL;
	if (unzip_open(&u, a, b, len, 100, &why))
		for (size_t i = 0; i < u.n && !why; i++)
			if (!unzip_read(&u.e[i], 1 << 20, sink, NULL, &why))
				break;
	arena_free(a);
	return why;
}

/* Replaces every `from` in b by `to` (the same length). */
static void patch(unsigned char *b, size_t len, const char *from, const char *to)
{
	size_t k = strlen(from);
	for (size_t i = 0; i + k <= len; i++)
		if (!memcmp(b + i, from, k))
			memcpy(b + i, to, k);
}

static size_t central(const unsigned char *b, size_t len, int nth)
{
	for (size_t i = 0; i + 4 <= len; i++)
		if (!memcmp(b + i, "PK\x01\x02", 4) && nth-- == 0)
			return i;
	fail();
	return 0;
}

static void test_the_reader_reads_what_the_writer_writes_and_refuses_the_rest(void **state)
{
	(void)state;
	char text[2000];
	for (size_t i = 0; i < sizeof text - 1; i++)
		text[i] = "akta sprawy "[i % 12];
	text[sizeof text - 1] = '\0';
	size_t len;
	unsigned char *b = two(text, &len);
	assert_null(read_all(b, len));
	arena_t *a = arena_new(4096);
	unzip_t u;
	const char *why;
	assert_true(unzip_open(&u, a, b, len, 100, &why));
	assert_int_equal(u.n, 2);
	assert_int_equal(u.e[0].method, 8);
	char *got;
	size_t glen;
	assert_true(unzip_read_all(unzip_find(&u, "aa.txt"), a, 1 << 20, &got, &glen, &why));
	assert_int_equal(glen, strlen(text));
	assert_string_equal(got, text);
	assert_false(unzip_read_all(unzip_find(&u, "aa.txt"), a, 100, &got, &glen, &why));
	assert_string_equal(why, "an entry is larger than this reader takes");
	assert_false(unzip_open(&u, a, b, len, 1, &why));
	assert_string_equal(why, "the archive has too many entries");
	arena_free(a);
	/* Encrypted: flag bit 0 of the first directory entry. */
	unsigned char *c = malloc(len);
	memcpy(c, b, len);
	c[central(c, len, 0) + 8] |= 1;
	assert_string_equal(read_all(c, len), "an entry is encrypted");
	/* The same name twice. */
	memcpy(c, b, len);
	patch(c, len, "bb.txt", "aa.txt");
	assert_string_equal(read_all(c, len), "two entries have the same name");
	/* A name that climbs out. */
	memcpy(c, b, len);
	patch(c, len, "bb.txt", "../b.t");
	assert_non_null(strstr(read_all(c, len), "name is refused"));
	/* A stored entry whose sizes differ (its declared size one more). */
	memcpy(c, b, len);
	c[central(c, len, 1) + 24]++;
	assert_string_equal(read_all(c, len), "a stored entry's sizes differ");
	/* Deflated data longer than declared: a declared size one less. */
	memcpy(c, b, len);
	c[central(c, len, 0) + 24]--;
	assert_string_equal(read_all(c, len), "an entry is longer than its declared size");
	/* A CRC-32 that does not match. */
	memcpy(c, b, len);
	c[central(c, len, 1) + 16] ^= 0xff;
	assert_string_equal(read_all(c, len), "an entry's CRC-32 does not match its data");
	/* An entry declared huge (a bomb's 2 GiB): the verifier reads nothing
	 * of it. */
	memcpy(c, b, len);
	size_t at = central(c, len, 0) + 24;
	c[at] = 0xff, c[at + 1] = 0xff, c[at + 2] = 0xff, c[at + 3] = 0x7f;
	struct package_report rep;
	assert_int_equal(package_verify_buffer(c, len, &rep), PACKAGE_UNREADABLE);
	assert_non_null(strstr(rep.why, "is larger than"));
	/* Not a package: no case file. */
	assert_int_equal(package_verify_buffer(b, len, &rep), PACKAGE_UNREADABLE);
	assert_non_null(strstr(rep.why, "no case file"));
	/* Cut short; nothing at all. */
	assert_non_null(read_all(b, len - 1));
	assert_non_null(read_all(b, 0));
	free(c);
	free(b);
}

int main(void)
{
	if (sodium_init() < 0)
		return 1;
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_case_numbers_and_names_become_safe_file_names),
	    cmocka_unit_test(test_an_event_hash_is_the_database_s),
	    cmocka_unit_test(test_the_reader_reads_what_the_writer_writes_and_refuses_the_rest),
	};
	return cmocka_run_group_tests_name("package", tests, NULL, NULL);
}
