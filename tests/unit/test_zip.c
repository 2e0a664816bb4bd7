/* SPDX-License-Identifier: EUPL-1.2 */
/* The ZIP writer (server/core/zip.c): what it writes reads back, with this
 * test's own reader (unit/zip_read.h) and with Python's zipfile, byte for
 * byte; names that would unpack outside the folder or twice are refused. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/zip.h"
#include "unit/zip_read.h"

/* 2026-11-04T09:00:00Z */
#define MTIME 1793782800

static void test_what_is_written_reads_back_byte_for_byte(void **state)
{
	(void)state;
	arena_t *a = arena_new(4096);
	zip_t z;
	zip_init(&z, a, MTIME);
	/* Text that deflates, bytes that do not, an empty file, a Polish name. */
	char text[4000];
	for (size_t i = 0; i < sizeof text; i++)
		text[i] = "Wniosek o udostępnienie informacji publicznej. "[i % 48];
	unsigned char noise[3000];
	uint32_t x = 2463534242u;
	for (size_t i = 0; i < sizeof noise; i++) {
		x ^= x << 13, x ^= x >> 17, x ^= x << 5;
		noise[i] = (unsigned char)x;
	}
	const char *why = "";
	assert_true(zip_add(&z, "dane.json", text, sizeof text, &why));
	assert_null(why);
	assert_true(zip_add(&z, "dokumenty/COMON.1431.28.2026-1.pdf", noise, sizeof noise, NULL));
	assert_true(zip_add(&z, "zalaczniki/pusty.txt", "", 0, NULL));
	assert_true(zip_add(&z, "zalaczniki/Łąka — zażółć.txt", "gęślą jaźń", strlen("gęślą jaźń"), NULL));
	const char *out;
	size_t len;
	assert_true(zip_finish(&z, &out, &len));

	struct zr_archive r;
	if (!zr_read(out, len, &r, &why))
		fail_msg("not a ZIP: %s", why);
	assert_int_equal(r.n, 4);
	assert_string_equal(r.e[0].name, "dane.json");
	assert_int_equal(r.e[0].method, 8); /* deflated: it shrinks */
	assert_int_equal(r.e[0].len, sizeof text);
	assert_memory_equal(r.e[0].data, text, sizeof text);
	assert_int_equal(r.e[1].method, 0); /* stored: deflate would not help */
	assert_memory_equal(r.e[1].data, noise, sizeof noise);
	assert_int_equal(r.e[2].len, 0);
	assert_string_equal(r.e[3].name, "zalaczniki/Łąka — zażółć.txt");
	assert_string_equal((char *)r.e[3].data, "gęślą jaźń");
	for (size_t i = 0; i < r.n; i++)
		assert_true(r.e[i].flags & 0x0800); /* names are UTF-8 */
	/* The date and time of every entry: 2026-11-04 09:00:00. */
	const unsigned char *b = (const unsigned char *)out;
	assert_int_equal(zr16(b + 10), 9u << 11);
	assert_int_equal(zr16(b + 12), (2026u - 1980) << 9 | 11u << 5 | 4u);
	zr_free(&r);

	/* Another reader: Python's zipfile tests every CRC and lists the names. */
	char path[] = "/tmp/test_zip_XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, out, len), (ssize_t)len);
	close(fd);
	char cmd[256];
	snprintf(cmd, sizeof cmd,
	         "python3 -c 'import sys, zipfile; z = zipfile.ZipFile(sys.argv[1]); "
	         "assert z.testzip() is None; print(\"|\".join(z.namelist())); "
	         "print(len(z.read(\"dane.json\")))' %s 2>&1",
	         path);
	FILE *p = popen(cmd, "r");
	assert_non_null(p);
	char got[512] = "";
	size_t n = fread(got, 1, sizeof got - 1, p);
	got[n] = '\0';
	int rc = pclose(p);
	unlink(path);
	if (rc != 0)
		fail_msg("python3 zipfile: %s", got);
	assert_string_equal(got, "dane.json|dokumenty/COMON.1431.28.2026-1.pdf|zalaczniki/pusty.txt|"
	                         "zalaczniki/Łąka — zażółć.txt\n4000\n");
	arena_free(a);
}

static void test_an_empty_archive_is_its_end_record(void **state)
{
	(void)state;
	arena_t *a = arena_new(512);
	zip_t z;
	zip_init(&z, a, MTIME);
	const char *out;
	size_t len;
	assert_true(zip_finish(&z, &out, &len));
	assert_int_equal(len, 22);
	struct zr_archive r;
	const char *why;
	assert_true(zr_read(out, len, &r, &why));
	assert_int_equal(r.n, 0);
	zr_free(&r);
	arena_free(a);
}

/* A name that would unpack outside the folder, twice, or as something a
 * terminal acts on is refused, and the archive stays as it was. */
static void test_names_that_unpack_elsewhere_are_refused(void **state)
{
	(void)state;
	arena_t *a = arena_new(4096);
	zip_t z;
	zip_init(&z, a, MTIME);
	assert_true(zip_add(&z, "dokumenty/a.pdf", "x", 1, NULL));
	static const char *const bad[] = {
	    "",         "/etc/passwd", "../a",        "dokumenty/../../a", "a/./b",
	    "a//b",     "dokumenty/",  "..",          "a\\b",              "a\x01b",
	    "a\x7f",    "a\nb",        "\xc3\x28.txt", "\xff",             "dokumenty/a.pdf",
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		const char *why = NULL;
		if (zip_add(&z, bad[i], "y", 1, &why))
			fail_msg("accepted the name \"%s\"", bad[i]);
		assert_non_null(why);
	}
	char longname[ZIP_NAME_MAX + 2];
	memset(longname, 'a', sizeof longname - 1);
	longname[sizeof longname - 1] = '\0';
	assert_false(zip_add(&z, longname, "y", 1, NULL));
	longname[ZIP_NAME_MAX] = '\0';
	assert_true(zip_add(&z, longname, "y", 1, NULL)); /* exactly the limit */
	assert_false(zip_add(&z, NULL, "y", 1, NULL));
	assert_int_equal(z.count, 2);
	/* ".." inside a segment is just a name. */
	assert_true(zip_add(&z, "zalaczniki/plik..pdf", "y", 1, NULL));
	const char *out;
	size_t len;
	assert_true(zip_finish(&z, &out, &len));
	struct zr_archive r;
	const char *why;
	assert_true(zr_read(out, len, &r, &why));
	assert_int_equal(r.n, 3);
	zr_free(&r);
	arena_free(a);
}

/* Before 1980 the format has no dates: its first day stands in. */
static void test_a_date_before_1980_is_1980(void **state)
{
	(void)state;
	arena_t *a = arena_new(512);
	zip_t z;
	zip_init(&z, a, 0);
	assert_int_equal(z.dos_date, 0u << 9 | 1u << 5 | 1u);
	assert_int_equal(z.dos_time, 0);
	arena_free(a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_what_is_written_reads_back_byte_for_byte),
	    cmocka_unit_test(test_an_empty_archive_is_its_end_record),
	    cmocka_unit_test(test_names_that_unpack_elsewhere_are_refused),
	    cmocka_unit_test(test_a_date_before_1980_is_1980),
	};
	return cmocka_run_group_tests_name("zip", tests, NULL, NULL);
}
