/* SPDX-License-Identifier: EUPL-1.2 */
/* The dane.gov.pl harvester's XML (server/render/harvester.c): pure
 * functions. The file as a whole is validated against the schema by
 * tests/integration/test_opendata.c. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "render/harvester.h"

static const char *const cats[] = {"GOVE"};
static const struct harvester_tag tags[] = {{"pl", "rejestr"}};

/* A dataset of one resource with `title` and `description`. */
static char *write_one(const char *title, const char *description)
{
	struct harvester_resource res = {
	    .ext_ident = "r-1",
	    .url = "https://bip.example/rejestr.csv",
	    .title = {"Plik", NULL},
	    .description = {description, "File"},
	    .auto_data_date_start = "2026-01-05",
	};
	struct harvester_dataset set = {
	    .ext_ident = "d-1",
	    .title = {title, NULL},
	    .description = {description, NULL},
	    .update_frequency = "daily",
	    .categories = cats,
	    .ncategories = 1,
	    .licence = "CC BY 4.0",
	    .db_conditions = "Baza danych.",
	    .resources = &res,
	    .nresources = 1,
	    .tags = tags,
	    .ntags = 1,
	    .last_update = "2026-01-05T10:00:00.000000Z",
	};
	strbuf_t sb;
	sb_init(&sb, NULL);
	harvester_write(&sb, &set, 1);
	char *out = strdup(sb.data);
	sb_free(&sb);
	return out;
}

/* The text of the first <name>...</name> after `from` (malloc'd). */
static char *text_of(const char *xml, const char *from, const char *name)
{
	char open[64], close[64];
	snprintf(open, sizeof open, "<%s>", name);
	snprintf(close, sizeof close, "</%s>", name);
	const char *p = strstr(strstr(xml, from), open) + strlen(open);
	const char *e = strstr(p, close);
	return strndup(p, (size_t)(e - p));
}

static size_t chars(const char *s)
{
	size_t n = 0;
	for (; *s; s++)
		n += ((unsigned char)*s & 0xC0) != 0x80;
	return n;
}

static void test_the_file_is_in_the_default_namespace_of_1_10(void **state)
{
	(void)state;
	char *x = write_one("Rejestr", "Opis");
	assert_int_equal(strncmp(x, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<datasets "
	                            "xmlns=\"urn:otwarte-dane:harvester:1.10\">\n",
	                         strlen("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<datasets "
	                                "xmlns=\"urn:otwarte-dane:harvester:1.10\">\n")),
	                 0);
	assert_non_null(strstr(x, "<dataset status=\"published\">"));
	assert_non_null(strstr(x, "<availability>remote</availability>"));
	assert_non_null(strstr(x, "<isAutoDataDate>true</isAutoDataDate>"));
	assert_non_null(strstr(x, "<autoDataDateStart>2026-01-05</autoDataDateStart>"));
	assert_non_null(strstr(x, "<dbOrCopyrightedLicenseChosen>CC BY 4.0</"));
	assert_non_null(strstr(x, "<tag lang=\"pl\">rejestr</tag>"));
	/* No English where none was given; English where it was. */
	assert_null(strstr(strstr(x, "<dataset "), "<english>Opis"));
	assert_non_null(strstr(x, "<english>File</english>"));
	assert_non_null(strstr(x, "</datasets>\n"));
	free(x);
}

static void test_markup_in_a_name_is_escaped(void **state)
{
	(void)state;
	char *x = write_one("Urząd <Gminy> & \"Miasta\"", "Opis");
	assert_non_null(strstr(x, "<polish>Urząd &lt;Gminy&gt; &amp; &quot;Miasta&quot;</polish>"));
	free(x);
}

static void test_texts_longer_than_the_format_takes_are_cut_at_a_character(void **state)
{
	(void)state;
	/* 400 two-byte letters for a title of at most 300 characters, 1200
	 * for a description of at most 1000. */
	char title[801], desc[2401];
	for (int i = 0; i < 400; i++)
		memcpy(title + 2 * i, "ż", 2);
	title[800] = '\0';
	for (int i = 0; i < 1200; i++)
		memcpy(desc + 2 * i, "ó", 2);
	desc[2400] = '\0';
	char *x = write_one(title, desc);
	char *t = text_of(x, "<dataset ", "polish");
	assert_int_equal(chars(t), 300);
	assert_string_equal(t + strlen(t) - strlen("…"), "…");
	char *d = text_of(x, "<description>", "polish");
	assert_int_equal(chars(d), 1000);
	assert_string_equal(d + strlen(d) - strlen("ó…"), "ó…");
	free(t);
	free(d);
	free(x);
	/* Exactly at the limit: as it is. */
	title[600] = '\0';
	x = write_one(title, "Opis");
	t = text_of(x, "<dataset ", "polish");
	assert_string_equal(t, title);
	free(t);
	free(x);
}

static void test_licences_are_the_six_the_format_allows(void **state)
{
	(void)state;
	assert_true(harvester_licence_valid("CC BY 4.0"));
	assert_true(harvester_licence_valid("CC BY-NC-ND 4.0"));
	assert_string_equal(harvester_licences[0], HARVESTER_LICENCE_DEFAULT);
	assert_false(harvester_licence_valid("CC0 1.0")); /* 1.9 had it; 1.10 has not */
	assert_false(harvester_licence_valid("cc by 4.0"));
	assert_false(harvester_licence_valid("CC BY 4.0 "));
	assert_false(harvester_licence_valid(""));
	assert_false(harvester_licence_valid(NULL));
}

static void test_md5_in_lower_case_hex(void **state)
{
	(void)state;
	char h[HARVESTER_MD5_HEX];
	assert_true(harvester_md5_hex("", 0, h));
	assert_string_equal(h, "d41d8cd98f00b204e9800998ecf8427e"); /* RFC 1321 A.5 */
	assert_true(harvester_md5_hex("abc", 3, h));
	assert_string_equal(h, "900150983cd24fb0d6963f7d28e17f72");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_the_file_is_in_the_default_namespace_of_1_10),
	    cmocka_unit_test(test_markup_in_a_name_is_escaped),
	    cmocka_unit_test(test_texts_longer_than_the_format_takes_are_cut_at_a_character),
	    cmocka_unit_test(test_licences_are_the_six_the_format_allows),
	    cmocka_unit_test(test_md5_in_lower_case_hex),
	};
	return cmocka_run_group_tests_name("harvester", tests, NULL, NULL);
}
