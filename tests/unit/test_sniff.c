/* SPDX-License-Identifier: EUPL-1.2 */
/* What a file is by its content (server/core/sniff.c), the list of a
 * letter's enclosures in its Markdown (server/render/attachlist.c) and the
 * JPEG wrapper of the previews (server/render/preview.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/sniff.h"
#include "core/zip.h"
#include "render/attachlist.h"
#include "render/preview.h"

#define TODO "[DO UZUPEŁNIENIA:"

/* A ZIP holding `names` (each with a little text), in the arena. */
static const char *zip_of(arena_t *a, const char *const *names, size_t n, size_t *len)
{
	zip_t z;
	zip_init(&z, a, 1767225600);
	for (size_t i = 0; i < n; i++)
		assert_true(zip_add(&z, names[i], "<x/>", 4, NULL));
	const char *out;
	assert_true(zip_finish(&z, &out, len));
	return out;
}

static void test_office_files_are_told_by_their_directory(void **state)
{
	(void)state;
	arena_t *a = arena_new(4096);
	size_t len;
	const char *xlsx[] = {"[Content_Types].xml", "_rels/.rels", "xl/workbook.xml"};
	const char *d = zip_of(a, xlsx, 3, &len);
	assert_int_equal(sniff(d, len), SNIFF_XLSX);
	const struct sniff_type *t;
	const char *why;
	assert_true(sniff_outgoing("Wydatki 2026.XLSX", d, len, &t, &why));
	assert_string_equal(t->mime, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
	assert_false(sniff_outgoing("wydatki.ods", d, len, &t, &why));
	assert_non_null(strstr(why, "rozszerzeniu"));
	const char *docx[] = {"[Content_Types].xml", "word/document.xml"};
	d = zip_of(a, docx, 2, &len);
	assert_int_equal(sniff(d, len), SNIFF_DOCX);
	/* Macros are refused, whatever the name says. */
	const char *xlsm[] = {"[Content_Types].xml", "xl/workbook.xml", "xl/vbaProject.bin"};
	d = zip_of(a, xlsm, 3, &len);
	assert_int_equal(sniff(d, len), SNIFF_MACROS);
	assert_false(sniff_outgoing("a.xlsx", d, len, &t, &why));
	assert_non_null(strstr(why, "makra"));
	/* A ZIP of something else is nothing we send. */
	const char *other[] = {"a.txt"};
	d = zip_of(a, other, 1, &len);
	assert_int_equal(sniff(d, len), SNIFF_UNKNOWN);
	/* Cut short: no directory to read. */
	assert_int_equal(sniff(d, len - 10), SNIFF_UNKNOWN);
	arena_free(a);
}

/* OpenDocument: "mimetype" first, stored (ODF 1.3 part 2 §3.3), written
 * here by hand: the ZIP writer deflates. */
static void test_opendocument_is_told_by_its_mimetype_entry(void **state)
{
	(void)state;
	static const char mime[] = "application/vnd.oasis.opendocument.spreadsheet";
	size_t k = sizeof mime - 1;
	unsigned char b[512] = {0};
	size_t p = 0;
	/* local header */
	memcpy(b, "PK\x03\x04", 4);
	b[4] = 20;
	b[18] = (unsigned char)k; /* compressed size */
	b[22] = (unsigned char)k; /* size */
	b[26] = 8;                /* name length */
	memcpy(b + 30, "mimetype", 8);
	memcpy(b + 38, mime, k);
	p = 38 + k;
	size_t cd = p;
	memcpy(b + p, "PK\x01\x02", 4);
	b[p + 28] = 8;
	memcpy(b + p + 46, "mimetype", 8);
	p += 54;
	size_t cdsize = p - cd;
	memcpy(b + p, "PK\x05\x06", 4);
	b[p + 8] = b[p + 10] = 1;
	b[p + 12] = (unsigned char)cdsize;
	b[p + 16] = (unsigned char)cd;
	p += 22;
	assert_int_equal(sniff(b, p), SNIFF_ODS);
	memcpy(b + 38 + k - 11, "text\0\0\0\0\0\0\0", 11); /* another type, same length */
	assert_int_equal(sniff(b, p), SNIFF_UNKNOWN);
}

static void test_programs_markup_and_binary_are_refused_with_reasons(void **state)
{
	(void)state;
	const struct sniff_type *t;
	const char *why;
	static const char exe[] = "MZ\x90\x00\x03\x00";
	assert_false(sniff_outgoing("odpowiedz.pdf", exe, sizeof exe - 1, &t, &why));
	assert_non_null(strstr(why, "wykonywalny"));
	assert_int_equal(sniff("\x7f" "ELF\x02\x01", 6), SNIFF_EXECUTABLE);
	assert_int_equal(sniff("#!/bin/sh\necho\n", 15), SNIFF_EXECUTABLE);
	static const char svg[] = "\xEF\xBB\xBF  \n<svg xmlns=\"http://www.w3.org/2000/svg\"/>";
	assert_false(sniff_outgoing("obraz.csv", svg, sizeof svg - 1, &t, &why));
	assert_non_null(strstr(why, "SVG"));
	static const char csv[] = "umowa;kwota\r\n17/DI/2026;1245000,00\r\n";
	assert_true(sniff_outgoing("dane.csv", csv, sizeof csv - 1, &t, &why));
	assert_string_equal(t->mime, "text/csv");
	/* Text that is not UTF-8, or with NUL, is not a CSV we send. */
	assert_int_equal(sniff("kwota\xb3\n", 7), SNIFF_UNKNOWN);
	assert_int_equal(sniff("a\0b", 3), SNIFF_UNKNOWN);
	assert_false(sniff_outgoing("pusty.csv", "", 0, &t, &why));
	assert_true(sniff_outgoing("skan.JPEG", "\xff\xd8\xff\xe0", 4, &t, &why));
	assert_string_equal(t->mime, "image/jpeg");
	assert_null(sniff_type_by_mime("text/html"));
	assert_string_equal(sniff_type_by_mime("text/csv; charset=utf-8")->label, "plik CSV");
}

static void test_sizes_are_written_as_a_polish_reader_does(void **state)
{
	(void)state;
	arena_t *a = arena_new(1024);
	assert_string_equal(attachlist_size(a, 512), "512 B");
	assert_string_equal(attachlist_size(a, 1536), "1,5 kB");
	assert_string_equal(attachlist_size(a, 65536), "64,0 kB");
	assert_string_equal(attachlist_size(a, 150 * 1024), "150 kB");
	assert_string_equal(attachlist_size(a, 5 * 1024 * 1024), "5,0 MB");
	arena_free(a);
}

static void test_the_list_replaces_the_mark_under_the_heading(void **state)
{
	(void)state;
	arena_t *a = arena_new(4096);
	struct attachlist_item items[] = {{"wydatki_2026*.xlsx", "arkusz XLSX", 1536},
	                                  {"umowa.pdf", "PDF", 300}};
	const char *md = "Treść.\n\n**Załączniki:**\n\n1. \\[DO UZUPEŁNIENIA: attachments\\]\n\n"
	                 "Otrzymują:\n\n1. adresat\n";
	const char *out = attachlist_apply(a, md, items, 2, TODO);
	assert_string_equal(out, "Treść.\n\n**Załączniki:**\n\n"
	                         "1. wydatki\\_2026\\*.xlsx (arkusz XLSX, 1,5 kB)\n"
	                         "2. umowa.pdf (PDF, 300 B)\n\nOtrzymują:\n\n1. adresat\n");
	/* Again: the same list, not a second one. */
	assert_string_equal(attachlist_apply(a, out, items, 2, TODO), out);
	/* None left: the mark again, for the clerk to decide. */
	const char *none = attachlist_apply(a, out, items, 0, TODO);
	assert_non_null(strstr(none, "**Załączniki:**\n\n1. " TODO " Załączniki]\n\nOtrzymują:"));
	/* No heading: added at the end; none and no heading: left alone. */
	assert_string_equal(attachlist_apply(a, "Treść.\n", items, 1, TODO),
	                    "Treść.\n\n**Załączniki:**\n\n1. wydatki\\_2026\\*.xlsx (arkusz XLSX, 1,5 kB)\n");
	assert_string_equal(attachlist_apply(a, "Treść.\n", items, 0, TODO), "Treść.\n");
	arena_free(a);
}

static void test_a_jpeg_is_wrapped_in_a_pdf_of_its_size_and_a_bomb_is_refused(void **state)
{
	(void)state;
	/* SOI, APP0, SOF0 of 3000 × 1000, 3 components, SOS. */
	static const unsigned char jpeg[] = {
	    0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x06, 'J',  'F',  'I',  'F',  0xFF, 0xC0, 0x00, 0x11,
	    0x08, 0x03, 0xE8, 0x0B, 0xB8, 0x03, 0x01, 0x22, 0x00, 0x02, 0x11, 0x01, 0x03, 0x11,
	    0x01, 0xFF, 0xDA, 0x00, 0x02, 0xFF, 0xD9};
	unsigned char *pdf;
	size_t len;
	char err[200];
	assert_true(preview_jpeg_pdf(jpeg, sizeof jpeg, &pdf, &len, err, sizeof err));
	/* Scaled to 1600 points on the longer side, the image's own size kept. */
	assert_non_null(memmem(pdf, len, "/MediaBox[0 0 1600 534]", 23));
	assert_non_null(memmem(pdf, len, "/Width 3000/Height 1000/ColorSpace/DeviceRGB", 44));
	free(pdf);
	/* 60000 × 60000 declared: refused before anything is decoded. */
	unsigned char bomb[sizeof jpeg];
	memcpy(bomb, jpeg, sizeof jpeg);
	bomb[15] = bomb[17] = 0xEA;
	bomb[16] = bomb[18] = 0x60;
	assert_false(preview_jpeg_pdf(bomb, sizeof bomb, &pdf, &len, err, sizeof err));
	assert_non_null(strstr(err, "zbyt duży"));
	/* Cut before its frame header. */
	assert_false(preview_jpeg_pdf(jpeg, 12, &pdf, &len, err, sizeof err));
	assert_int_equal(preview_count(jpeg, 12, err, sizeof err), 0);
	/* A PNG declaring 100000 × 100000 pixels. */
	unsigned char png[33] = "\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR\0\x01\x86\xa0\0\x01\x86\xa0\x08\x02";
	assert_int_equal(preview_count(png, sizeof png, err, sizeof err), 0);
	assert_non_null(strstr(err, "zbyt duży"));
	assert_int_equal(preview_count((const unsigned char *)"PK\x03\x04", 4, err, sizeof err), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_office_files_are_told_by_their_directory),
	    cmocka_unit_test(test_opendocument_is_told_by_its_mimetype_entry),
	    cmocka_unit_test(test_programs_markup_and_binary_are_refused_with_reasons),
	    cmocka_unit_test(test_sizes_are_written_as_a_polish_reader_does),
	    cmocka_unit_test(test_the_list_replaces_the_mark_under_the_heading),
	    cmocka_unit_test(test_a_jpeg_is_wrapped_in_a_pdf_of_its_size_and_a_bomb_is_refused),
	};
	return cmocka_run_group_tests_name("sniff", tests, NULL, NULL);
}
