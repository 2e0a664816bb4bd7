/* SPDX-License-Identifier: EUPL-1.2 */
/* Query strings, url-encoded and multipart bodies (server/http/form.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "http/form.h"

#define CT_MP "multipart/form-data; boundary=XyZ"
/* String literal with its exact length (bodies may contain NUL bytes). */
#define LIT(s) s, sizeof(s) - 1

static form_t f;

static int setup(void **state)
{
	*state = arena_new(0);
	memset(&f, 0xA5, sizeof f);
	return 0;
}

static int teardown(void **state)
{
	arena_free(*state);
	return 0;
}

static enum form_error urlenc(void **state, const char *body, const form_limits_t *lim)
{
	return form_parse_urlencoded(*state, body, strlen(body), lim, &f);
}

static void assert_form_empty(void)
{
	assert_null(f.first);
	assert_null(f.last);
	assert_int_equal(f.count, 0);
}

/* ---- application/x-www-form-urlencoded ---- */

static void test_urlencoded_simple_pairs(void **state)
{
	assert_int_equal(urlenc(state, "sprawa=12&tryb=pilny", NULL), FORM_OK);
	assert_int_equal(f.count, 2);
	assert_string_equal(form_get(&f, "sprawa"), "12");
	assert_string_equal(form_get(&f, "tryb"), "pilny");
	assert_string_equal(f.first->name, "sprawa");
	assert_string_equal(f.last->name, "tryb");
	assert_null(f.first->filename);
	assert_null(f.first->content_type);
}

static void test_urlencoded_plus_is_space_and_percent_is_decoded(void **state)
{
	assert_int_equal(urlenc(state, "q=ala+ma+kota%21&n%C3%A1zev=%C5%BC%2B1", NULL), FORM_OK);
	assert_string_equal(form_get(&f, "q"), "ala ma kota!");
	assert_string_equal(form_get(&f, "n\xC3\xA1zev"), "\xC5\xBC+1");
}

static void test_urlencoded_empty_value(void **state)
{
	assert_int_equal(urlenc(state, "a=&b=2", NULL), FORM_OK);
	assert_string_equal(form_get(&f, "a"), "");
	assert_int_equal(form_get_field(&f, "a")->value_len, 0);
}

static void test_urlencoded_missing_equals_gives_empty_value(void **state)
{
	assert_int_equal(urlenc(state, "zgoda&b=1", NULL), FORM_OK);
	assert_int_equal(f.count, 2);
	assert_string_equal(form_get(&f, "zgoda"), "");
}

static void test_urlencoded_empty_pairs_are_skipped(void **state)
{
	assert_int_equal(urlenc(state, "&a=1&&b=2&", NULL), FORM_OK);
	assert_int_equal(f.count, 2);
	assert_string_equal(form_get(&f, "b"), "2");
}

static void test_urlencoded_value_keeps_later_equals_signs(void **state)
{
	assert_int_equal(urlenc(state, "token=YWJj==", NULL), FORM_OK);
	assert_string_equal(form_get(&f, "token"), "YWJj==");
}

static void test_urlencoded_repeated_names_keep_order(void **state)
{
	const char *v[4];
	assert_int_equal(urlenc(state, "kat=a&x=0&kat=b&kat=c", NULL), FORM_OK);
	assert_string_equal(form_get(&f, "kat"), "a");
	assert_int_equal(form_get_all(&f, "kat", v, 4), 3);
	assert_string_equal(v[0], "a");
	assert_string_equal(v[1], "b");
	assert_string_equal(v[2], "c");
	assert_int_equal(form_get_all(&f, "kat", v, 2), 2);
	assert_int_equal(form_get_all(&f, "brak", v, 4), 0);
}

struct fill_target {
	const char *subject;
	int kept; /* a member no slot names stays as it was */
	const char *name;
};

static void test_fill_sets_members_and_the_missing_value(void **state)
{
	assert_int_equal(urlenc(state, "name=Jan&subject=Umowy&subject=drugi", NULL), FORM_OK);
	static const struct form_slot slots[] = {FORM_SLOT(struct fill_target, subject),
	                                         FORM_SLOT(struct fill_target, name)};
	struct fill_target t = {NULL, 7, NULL};
	form_fill(&f, &t, slots, 2, "");
	assert_string_equal(t.subject, "Umowy");
	assert_string_equal(t.name, "Jan");
	assert_int_equal(t.kept, 7);
	assert_int_equal(urlenc(state, "other=1", NULL), FORM_OK);
	form_fill(&f, &t, slots, 2, "");
	assert_string_equal(t.subject, "");
	assert_string_equal(t.name, "");
	form_fill(NULL, &t, slots, 2, NULL);
	assert_null(t.subject);
	assert_null(t.name);
	assert_int_equal(t.kept, 7);
}

static void test_urlencoded_empty_body_is_empty_form(void **state)
{
	assert_int_equal(form_parse_urlencoded(*state, NULL, 0, NULL, &f), FORM_OK);
	assert_form_empty();
	assert_null(form_get(&f, "a"));
}

static void test_urlencoded_bad_escape_is_bad_encoding(void **state)
{
	assert_int_equal(urlenc(state, "a=1&b=%zz", NULL), FORM_BAD_ENCODING);
	assert_int_equal(urlenc(state, "a=%4", NULL), FORM_BAD_ENCODING);
	assert_int_equal(urlenc(state, "a%=1", NULL), FORM_BAD_ENCODING);
}

static void test_urlencoded_nul_is_bad_encoding(void **state)
{
	assert_int_equal(urlenc(state, "a=x%00y", NULL), FORM_BAD_ENCODING);
	assert_int_equal(form_parse_urlencoded(*state, LIT("a=x\0y"), NULL, &f), FORM_BAD_ENCODING);
}

static void test_urlencoded_invalid_utf8_is_bad_encoding(void **state)
{
	assert_int_equal(urlenc(state, "a=%C0%AF", NULL), FORM_BAD_ENCODING);
	assert_int_equal(urlenc(state, "%FF=1", NULL), FORM_BAD_ENCODING);
	assert_int_equal(urlenc(state, "a=\xED\xA0\x80", NULL), FORM_BAD_ENCODING);
}

static void test_urlencoded_too_many_fields(void **state)
{
	form_limits_t lim = form_default_limits;
	lim.max_fields = 3;
	assert_int_equal(urlenc(state, "a=1&b=2&c=3", &lim), FORM_OK);
	assert_int_equal(urlenc(state, "a=1&b=2&c=3&d=4", &lim), FORM_TOO_MANY_FIELDS);
}

static void test_urlencoded_name_too_long(void **state)
{
	form_limits_t lim = form_default_limits;
	lim.max_name = 4;
	assert_int_equal(urlenc(state, "abcd=1", &lim), FORM_OK);
	assert_int_equal(urlenc(state, "abcde=1", &lim), FORM_NAME_TOO_LONG);
	/* limits count decoded bytes: "%61%62%63%64" is four */
	assert_int_equal(urlenc(state, "%61%62%63%64=1", &lim), FORM_OK);
}

static void test_urlencoded_value_too_large(void **state)
{
	form_limits_t lim = form_default_limits;
	lim.max_value = 3;
	assert_int_equal(urlenc(state, "a=abc", &lim), FORM_OK);
	assert_int_equal(urlenc(state, "a=abcd", &lim), FORM_VALUE_TOO_LARGE);
}

static void test_urlencoded_error_leaves_form_empty(void **state)
{
	assert_int_equal(urlenc(state, "a=1&b=2&c=%", NULL), FORM_BAD_ENCODING);
	assert_form_empty();
}

static void test_urlencoded_default_limits_allow_200_fields(void **state)
{
	char body[201 * 4 + 1];
	size_t n = 0;
	for (int i = 0; i < 201; i++)
		n += (size_t)sprintf(body + n, "%sa=1", i ? "&" : "");
	assert_int_equal(form_parse_urlencoded(*state, body, n, NULL, &f), FORM_TOO_MANY_FIELDS);
	assert_int_equal(form_parse_urlencoded(*state, body, n - 4, NULL, &f), FORM_OK);
	assert_int_equal(f.count, 200);
}

/* ---- multipart/form-data ---- */

static enum form_error mp(void **state, const char *ct, const char *body, size_t len,
			  const form_limits_t *lim)
{
	return form_parse_multipart(*state, ct, body, len, lim, &f);
}

static void test_multipart_text_field(void **state)
{
	static const char body[] = "--XyZ\r\n"
				   "Content-Disposition: form-data; name=\"opis\"\r\n"
				   "\r\n"
				   "Wniosek o informacj\xC4\x99\r\n"
				   "--XyZ--\r\n";
	assert_int_equal(mp(state, CT_MP, LIT(body), NULL), FORM_OK);
	assert_int_equal(f.count, 1);
	assert_string_equal(form_get(&f, "opis"), "Wniosek o informacj\xC4\x99");
	assert_null(f.first->filename);
	assert_null(f.first->content_type);
}

static void test_multipart_file_with_binary_content(void **state)
{
	static const char body[] =
	    "--XyZ\r\n"
	    "Content-Disposition: form-data; name=\"zal\"; filename=\"a.bin\"\r\n"
	    "Content-Type: application/octet-stream\r\n"
	    "\r\n"
	    "\x00\x01\r\n--Xy\r\n\xFF\xFE\r\n"
	    "\r\n--XyZ--";
	static const char content[] = "\x00\x01\r\n--Xy\r\n\xFF\xFE\r\n";
	assert_int_equal(mp(state, CT_MP, LIT(body), NULL), FORM_OK);
	const form_field_t *x = form_get_field(&f, "zal");
	assert_non_null(x);
	assert_int_equal(x->value_len, sizeof content - 1);
	assert_memory_equal(x->value, content, sizeof content - 1);
	assert_int_equal(x->value[x->value_len], '\0');
	assert_string_equal(x->filename, "a.bin");
	assert_string_equal(x->content_type, "application/octet-stream");
}

static void test_multipart_text_and_file_fields_in_order(void **state)
{
	static const char body[] =
	    "--XyZ\r\n"
	    "Content-Disposition: form-data; name=a\r\n\r\n1\r\n"
	    "--XyZ\r\n"
	    "Content-Disposition: form-data; name=f; filename=x.txt\r\n\r\nhej\r\n"
	    "--XyZ\r\n"
	    "Content-Disposition: form-data; name=a\r\n\r\n2\r\n"
	    "--XyZ--\r\n";
	const char *v[3];
	assert_int_equal(mp(state, CT_MP, LIT(body), NULL), FORM_OK);
	assert_int_equal(f.count, 3);
	assert_int_equal(form_get_all(&f, "a", v, 3), 2);
	assert_string_equal(v[1], "2");
	assert_string_equal(form_get_field(&f, "f")->filename, "x.txt");
}

static void test_multipart_quoted_boundary(void **state)
{
	static const char body[] = "--a b:c?\r\n"
				   "Content-Disposition: form-data; name=\"x\"\r\n\r\n1\r\n"
				   "--a b:c?--\r\n";
	assert_int_equal(mp(state, "multipart/form-data; boundary=\"a b:c?\"", LIT(body), NULL),
			 FORM_OK);
	assert_string_equal(form_get(&f, "x"), "1");
}

static void test_multipart_type_and_params_are_case_insensitive(void **state)
{
	static const char body[] = "--XyZ\r\n"
				   "content-disposition: Form-Data; NAME=\"x\"\r\n"
				   "CONTENT-TYPE: text/plain\r\n\r\n1\r\n"
				   "--XyZ--";
	assert_int_equal(mp(state, "Multipart/Form-Data;BOUNDARY=XyZ", LIT(body), NULL), FORM_OK);
	assert_string_equal(form_get(&f, "x"), "1");
	assert_string_equal(f.first->content_type, "text/plain");
}

static void test_multipart_filename_path_is_stripped(void **state)
{
	static const char win[] = "--XyZ\r\n"
				  "Content-Disposition: form-data; name=\"f\"; "
				  "filename=\"C:\\\\Users\\\\jan\\\\skan.pdf\"\r\n\r\n%PDF\r\n"
				  "--XyZ--";
	static const char nix[] = "--XyZ\r\n"
				  "Content-Disposition: form-data; name=\"f\"; "
				  "filename=\"../../etc/passwd\"\r\n\r\nroot\r\n"
				  "--XyZ--";
	assert_int_equal(mp(state, CT_MP, LIT(win), NULL), FORM_OK);
	assert_string_equal(f.first->filename, "skan.pdf");
	assert_int_equal(mp(state, CT_MP, LIT(nix), NULL), FORM_OK);
	assert_string_equal(f.first->filename, "passwd");
}

static void test_multipart_filename_empty_after_stripping_is_malformed(void **state)
{
	static const char dir[] =
	    "--XyZ\r\n"
	    "Content-Disposition: form-data; name=\"f\"; filename=\"tmp/\"\r\n"
	    "\r\nx\r\n--XyZ--";
	static const char dots[] =
	    "--XyZ\r\n"
	    "Content-Disposition: form-data; name=\"f\"; filename=\"a/..\"\r\n"
	    "\r\nx\r\n--XyZ--";
	assert_int_equal(mp(state, CT_MP, LIT(dir), NULL), FORM_MALFORMED);
	assert_int_equal(mp(state, CT_MP, LIT(dots), NULL), FORM_MALFORMED);
}

static void test_multipart_filename_with_control_char_is_bad_encoding(void **state)
{
	static const char body[] =
	    "--XyZ\r\n"
	    "Content-Disposition: form-data; name=\"f\"; filename=\"a\tb\"\r\n"
	    "\r\nx\r\n--XyZ--";
	assert_int_equal(mp(state, CT_MP, LIT(body), NULL), FORM_BAD_ENCODING);
}

static void test_multipart_empty_file_input_is_skipped(void **state)
{
	static const char body[] = "--XyZ\r\n"
				   "Content-Disposition: form-data; name=\"f\"; filename=\"\"\r\n"
				   "Content-Type: application/octet-stream\r\n\r\n"
				   "\r\n--XyZ\r\n"
				   "Content-Disposition: form-data; name=\"a\"\r\n\r\n1\r\n"
				   "--XyZ--";
	assert_int_equal(mp(state, CT_MP, LIT(body), NULL), FORM_OK);
	assert_int_equal(f.count, 1);
	assert_null(form_get_field(&f, "f"));
}

static void test_multipart_quoted_name_with_backslash_escape(void **state)
{
	static const char body[] =
	    "--XyZ\r\n"
	    "Content-Disposition: form-data; name=\"a\\\"b\\\\c\"\r\n\r\n1\r\n"
	    "--XyZ--";
	assert_int_equal(mp(state, CT_MP, LIT(body), NULL), FORM_OK);
	assert_string_equal(f.first->name, "a\"b\\c");
}

static void test_multipart_missing_boundary_is_malformed(void **state)
{
	static const char body[] = "--XyZ--";
	assert_int_equal(mp(state, "multipart/form-data", LIT(body), NULL), FORM_MALFORMED);
	assert_int_equal(mp(state, "multipart/form-data; boundary=", LIT(body), NULL),
			 FORM_MALFORMED);
	assert_int_equal(mp(state, "multipart/form-data; boundary=\"\"", LIT(body), NULL),
			 FORM_MALFORMED);
}

static void test_multipart_invalid_boundary_parameter_is_malformed(void **state)
{
	char ct[128];
	static const char body[] = "--XyZ--";
	snprintf(ct, sizeof ct, "multipart/form-data; boundary=%071d", 0);
	assert_int_equal(mp(state, ct, LIT(body), NULL), FORM_MALFORMED);
	assert_int_equal(mp(state, "multipart/form-data; boundary=\"a \"", LIT(body), NULL),
			 FORM_MALFORMED);
	assert_int_equal(mp(state, "multipart/form-data; boundary=a; boundary=b", LIT(body), NULL),
			 FORM_MALFORMED);
	assert_int_equal(mp(state, "multipart/form-data; boundary=\"unterminated", LIT(body), NULL),
			 FORM_MALFORMED);
	snprintf(ct, sizeof ct, "multipart/form-data; boundary=%070d", 0);
	char ok[160];
	int n = snprintf(ok, sizeof ok, "--%070d--", 0);
	assert_int_equal(mp(state, ct, ok, (size_t)n, NULL), FORM_OK);
}

static void test_multipart_wrong_boundary_is_malformed(void **state)
{
	static const char body[] = "--Other\r\n"
				   "Content-Disposition: form-data; name=\"x\"\r\n\r\n1\r\n"
				   "--Other--\r\n";
	assert_int_equal(mp(state, CT_MP, LIT(body), NULL), FORM_MALFORMED);
}

static void test_multipart_longer_boundary_lookalike_is_malformed(void **state)
{
	static const char body[] = "--XyZ\r\n"
				   "Content-Disposition: form-data; name=\"x\"\r\n\r\n1\r\n"
				   "--XyZW\r\n--XyZ--";
	assert_int_equal(mp(state, CT_MP, LIT(body), NULL), FORM_MALFORMED);
}

static void test_multipart_truncated_body_is_malformed(void **state)
{
	static const char body[] = "--XyZ\r\n"
				   "Content-Disposition: form-data; name=\"x\"\r\n\r\n1\r\n"
				   "--XyZ--";
	/* every proper prefix lacks the closing delimiter */
	for (size_t n = 0; n < sizeof body - 2; n++)
		assert_int_equal(mp(state, CT_MP, body, n, NULL), FORM_MALFORMED);
	assert_form_empty();
}

static void test_multipart_part_without_name_is_malformed(void **state)
{
	static const char body[] = "--XyZ\r\n"
				   "Content-Disposition: form-data; filename=\"a.txt\"\r\n\r\n1\r\n"
				   "--XyZ--";
	assert_int_equal(mp(state, CT_MP, LIT(body), NULL), FORM_MALFORMED);
}

static void test_multipart_part_without_disposition_is_malformed(void **state)
{
	static const char body[] = "--XyZ\r\n"
				   "Content-Type: text/plain\r\n\r\n1\r\n"
				   "--XyZ--";
	static const char inline_[] = "--XyZ\r\n"
				      "Content-Disposition: attachment; name=\"x\"\r\n\r\n1\r\n"
				      "--XyZ--";
	assert_int_equal(mp(state, CT_MP, LIT(body), NULL), FORM_MALFORMED);
	assert_int_equal(mp(state, CT_MP, LIT(inline_), NULL), FORM_MALFORMED);
}

static void test_multipart_duplicate_name_parameter_is_malformed(void **state)
{
	static const char body[] =
	    "--XyZ\r\n"
	    "Content-Disposition: form-data; name=\"a\"; name=\"b\"\r\n\r\n1\r\n"
	    "--XyZ--";
	assert_int_equal(mp(state, CT_MP, LIT(body), NULL), FORM_MALFORMED);
}

static void test_multipart_header_without_blank_line_is_malformed(void **state)
{
	static const char body[] = "--XyZ\r\n"
				   "Content-Disposition: form-data; name=\"a\"\r\n"
				   "--XyZ--";
	assert_int_equal(mp(state, CT_MP, LIT(body), NULL), FORM_MALFORMED);
}

static void test_multipart_folded_header_is_malformed(void **state)
{
	static const char body[] = "--XyZ\r\n"
				   "Content-Disposition: form-data;\r\n name=\"a\"\r\n\r\n1\r\n"
				   "--XyZ--";
	assert_int_equal(mp(state, CT_MP, LIT(body), NULL), FORM_MALFORMED);
}

static void test_multipart_bare_lf_is_malformed(void **state)
{
	static const char body[] = "--XyZ\n"
				   "Content-Disposition: form-data; name=\"a\"\n\n1\n"
				   "--XyZ--\n";
	assert_int_equal(mp(state, CT_MP, LIT(body), NULL), FORM_MALFORMED);
}

static void test_multipart_preamble_and_epilogue_are_ignored(void **state)
{
	static const char body[] = "This is a preamble.\r\n--XyZ\r\n"
				   "Content-Disposition: form-data; name=\"a\"\r\n\r\n1\r\n"
				   "--XyZ--\r\nThis is the epilogue.\r\n--XyZ\r\nnot a part";
	assert_int_equal(mp(state, CT_MP, LIT(body), NULL), FORM_OK);
	assert_int_equal(f.count, 1);
}

static void test_multipart_missing_final_crlf_is_accepted(void **state)
{
	static const char body[] = "--XyZ\r\n"
				   "Content-Disposition: form-data; name=\"a\"\r\n\r\n1\r\n"
				   "--XyZ--";
	assert_int_equal(mp(state, CT_MP, LIT(body), NULL), FORM_OK);
	assert_string_equal(form_get(&f, "a"), "1");
}

static void test_multipart_transport_padding_after_boundary_is_accepted(void **state)
{
	static const char body[] = "--XyZ \t\r\n"
				   "Content-Disposition: form-data; name=\"a\"\r\n\r\n1\r\n"
				   "--XyZ--";
	assert_int_equal(mp(state, CT_MP, LIT(body), NULL), FORM_OK);
}

static void test_multipart_only_closing_delimiter_is_empty_form(void **state)
{
	assert_int_equal(mp(state, CT_MP, LIT("--XyZ--\r\n"), NULL), FORM_OK);
	assert_form_empty();
}

static void test_multipart_empty_body_is_malformed(void **state)
{
	assert_int_equal(mp(state, CT_MP, NULL, 0, NULL), FORM_MALFORMED);
}

static void test_multipart_text_keeps_crlf_byte_exact(void **state)
{
	static const char body[] = "--XyZ\r\n"
				   "Content-Disposition: form-data; name=\"t\"\r\n\r\n"
				   "linia 1\r\nlinia 2\n\r\n"
				   "\r\n--XyZ--";
	assert_int_equal(mp(state, CT_MP, LIT(body), NULL), FORM_OK);
	assert_string_equal(form_get(&f, "t"), "linia 1\r\nlinia 2\n\r\n");
}

static void test_multipart_text_value_invalid_utf8_is_bad_encoding(void **state)
{
	static const char latin2[] = "--XyZ\r\n"
				     "Content-Disposition: form-data; name=\"t\"\r\n\r\n"
				     "\xBF\xF3\xB3w\r\n--XyZ--";
	static const char nul[] = "--XyZ\r\n"
				  "Content-Disposition: form-data; name=\"t\"\r\n\r\n"
				  "a\0b\r\n--XyZ--";
	assert_int_equal(mp(state, CT_MP, LIT(latin2), NULL), FORM_BAD_ENCODING);
	assert_int_equal(mp(state, CT_MP, LIT(nul), NULL), FORM_BAD_ENCODING);
}

static void test_multipart_too_many_fields(void **state)
{
	static const char body[] = "--XyZ\r\n"
				   "Content-Disposition: form-data; name=a\r\n\r\n1\r\n"
				   "--XyZ\r\n"
				   "Content-Disposition: form-data; name=b\r\n\r\n2\r\n"
				   "--XyZ--";
	form_limits_t lim = form_default_limits;
	lim.max_fields = 1;
	assert_int_equal(mp(state, CT_MP, LIT(body), &lim), FORM_TOO_MANY_FIELDS);
	assert_form_empty();
	lim.max_fields = 2;
	assert_int_equal(mp(state, CT_MP, LIT(body), &lim), FORM_OK);
}

static void test_multipart_name_too_long(void **state)
{
	static const char body[] = "--XyZ\r\n"
				   "Content-Disposition: form-data; name=abcde\r\n\r\n1\r\n"
				   "--XyZ--";
	form_limits_t lim = form_default_limits;
	lim.max_name = 4;
	assert_int_equal(mp(state, CT_MP, LIT(body), &lim), FORM_NAME_TOO_LONG);
}

static void test_multipart_value_too_large(void **state)
{
	static const char body[] = "--XyZ\r\n"
				   "Content-Disposition: form-data; name=a\r\n\r\n12345\r\n"
				   "--XyZ--";
	form_limits_t lim = form_default_limits;
	lim.max_value = 4;
	assert_int_equal(mp(state, CT_MP, LIT(body), &lim), FORM_VALUE_TOO_LARGE);
	lim.max_value = 5;
	assert_int_equal(mp(state, CT_MP, LIT(body), &lim), FORM_OK);
}

static void test_multipart_file_too_large(void **state)
{
	static const char body[] = "--XyZ\r\n"
				   "Content-Disposition: form-data; name=f; filename=a.bin\r\n\r\n"
				   "12345\r\n--XyZ--";
	form_limits_t lim = form_default_limits;
	lim.max_file = 4;
	lim.max_value = 100;
	assert_int_equal(mp(state, CT_MP, LIT(body), &lim), FORM_FILE_TOO_LARGE);
	/* files have their own limit, independent of max_value */
	lim.max_file = 5;
	lim.max_value = 1;
	assert_int_equal(mp(state, CT_MP, LIT(body), &lim), FORM_OK);
}

static void test_multipart_filename_too_long(void **state)
{
	char body[512];
	char name[FORM_FILENAME_MAX + 2];
	memset(name, 'n', sizeof name - 1);
	name[sizeof name - 1] = '\0';
	int n = snprintf(body, sizeof body,
			 "--XyZ\r\nContent-Disposition: form-data; name=f; filename=\"%s\"\r\n\r\n"
			 "x\r\n--XyZ--",
			 name);
	assert_int_equal(mp(state, CT_MP, body, (size_t)n, NULL), FORM_NAME_TOO_LONG);
}

static void test_multipart_wrong_type_is_unsupported(void **state)
{
	assert_int_equal(mp(state, "text/plain; boundary=XyZ", LIT("--XyZ--"), NULL),
			 FORM_UNSUPPORTED_TYPE);
	assert_int_equal(mp(state, NULL, LIT("--XyZ--"), NULL), FORM_UNSUPPORTED_TYPE);
}

/* ---- dispatch ---- */

static void test_form_parse_dispatches_urlencoded_with_utf8_charset(void **state)
{
	assert_int_equal(form_parse(*state, "application/x-www-form-urlencoded; charset=UTF-8",
				    LIT("a=1"), NULL, &f),
			 FORM_OK);
	assert_string_equal(form_get(&f, "a"), "1");
	assert_int_equal(
	    form_parse(*state, "Application/X-WWW-Form-Urlencoded", LIT("b=2"), NULL, &f), FORM_OK);
	assert_string_equal(form_get(&f, "b"), "2");
}

static void test_form_parse_rejects_other_charsets(void **state)
{
	assert_int_equal(form_parse(*state, "application/x-www-form-urlencoded; charset=iso-8859-2",
				    LIT("a=1"), NULL, &f),
			 FORM_UNSUPPORTED_TYPE);
}

static void test_form_parse_dispatches_multipart(void **state)
{
	static const char body[] = "--XyZ\r\n"
				   "Content-Disposition: form-data; name=a\r\n\r\n1\r\n"
				   "--XyZ--";
	assert_int_equal(form_parse(*state, CT_MP, LIT(body), NULL, &f), FORM_OK);
	assert_string_equal(form_get(&f, "a"), "1");
}

static void test_form_parse_other_types_are_unsupported(void **state)
{
	assert_int_equal(form_parse(*state, "application/json", LIT("{}"), NULL, &f),
			 FORM_UNSUPPORTED_TYPE);
	assert_int_equal(form_parse(*state, "text/plain", LIT("a=1"), NULL, &f),
			 FORM_UNSUPPORTED_TYPE);
	assert_int_equal(form_parse(*state, NULL, LIT("a=1"), NULL, &f), FORM_UNSUPPORTED_TYPE);
	assert_int_equal(form_parse(*state, "", LIT("a=1"), NULL, &f), FORM_UNSUPPORTED_TYPE);
	assert_int_equal(
	    form_parse(*state, "application/x-www-form-urlencodedX", LIT("a=1"), NULL, &f),
	    FORM_UNSUPPORTED_TYPE);
}

static void test_form_parse_malformed_parameters_are_malformed(void **state)
{
	assert_int_equal(
	    form_parse(*state, "application/x-www-form-urlencoded; charset", LIT("a=1"), NULL, &f),
	    FORM_MALFORMED);
}

static void test_form_error_texts_exist_in_both_languages(void **state)
{
	for (int e = FORM_OK; e <= FORM_UNSUPPORTED_TYPE; e++) {
		assert_non_null(form_error_text(e));
		assert_non_null(form_error_text_pl(e));
		assert_string_not_equal(form_error_text(e), form_error_text_pl(e));
	}
	assert_string_equal(form_error_text_pl(FORM_MALFORMED),
			    "Przesłany formularz jest uszkodzony. Spróbuj wysłać go ponownie.");
	assert_non_null(form_error_text((enum form_error)99));
	assert_non_null(form_error_text_pl((enum form_error) - 1));
}

static void test_form_lookups_tolerate_null(void **state)
{
	const char *v[1];
	assert_null(form_get(NULL, "a"));
	assert_null(form_get_field(NULL, "a"));
	assert_int_equal(form_get_all(NULL, "a", v, 1), 0);
	assert_int_equal(urlenc(state, "a=1", NULL), FORM_OK);
	assert_null(form_get(&f, NULL));
	assert_int_equal(form_get_all(&f, "a", v, 0), 0);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
	    T(test_urlencoded_simple_pairs),
	    T(test_urlencoded_plus_is_space_and_percent_is_decoded),
	    T(test_urlencoded_empty_value),
	    T(test_urlencoded_missing_equals_gives_empty_value),
	    T(test_urlencoded_empty_pairs_are_skipped),
	    T(test_urlencoded_value_keeps_later_equals_signs),
	    T(test_fill_sets_members_and_the_missing_value),
	    T(test_urlencoded_repeated_names_keep_order),
	    T(test_urlencoded_empty_body_is_empty_form),
	    T(test_urlencoded_bad_escape_is_bad_encoding),
	    T(test_urlencoded_nul_is_bad_encoding),
	    T(test_urlencoded_invalid_utf8_is_bad_encoding),
	    T(test_urlencoded_too_many_fields),
	    T(test_urlencoded_name_too_long),
	    T(test_urlencoded_value_too_large),
	    T(test_urlencoded_error_leaves_form_empty),
	    T(test_urlencoded_default_limits_allow_200_fields),
	    T(test_multipart_text_field),
	    T(test_multipart_file_with_binary_content),
	    T(test_multipart_text_and_file_fields_in_order),
	    T(test_multipart_quoted_boundary),
	    T(test_multipart_type_and_params_are_case_insensitive),
	    T(test_multipart_filename_path_is_stripped),
	    T(test_multipart_filename_empty_after_stripping_is_malformed),
	    T(test_multipart_filename_with_control_char_is_bad_encoding),
	    T(test_multipart_empty_file_input_is_skipped),
	    T(test_multipart_quoted_name_with_backslash_escape),
	    T(test_multipart_missing_boundary_is_malformed),
	    T(test_multipart_invalid_boundary_parameter_is_malformed),
	    T(test_multipart_wrong_boundary_is_malformed),
	    T(test_multipart_longer_boundary_lookalike_is_malformed),
	    T(test_multipart_truncated_body_is_malformed),
	    T(test_multipart_part_without_name_is_malformed),
	    T(test_multipart_part_without_disposition_is_malformed),
	    T(test_multipart_duplicate_name_parameter_is_malformed),
	    T(test_multipart_header_without_blank_line_is_malformed),
	    T(test_multipart_folded_header_is_malformed),
	    T(test_multipart_bare_lf_is_malformed),
	    T(test_multipart_preamble_and_epilogue_are_ignored),
	    T(test_multipart_missing_final_crlf_is_accepted),
	    T(test_multipart_transport_padding_after_boundary_is_accepted),
	    T(test_multipart_only_closing_delimiter_is_empty_form),
	    T(test_multipart_empty_body_is_malformed),
	    T(test_multipart_text_keeps_crlf_byte_exact),
	    T(test_multipart_text_value_invalid_utf8_is_bad_encoding),
	    T(test_multipart_too_many_fields),
	    T(test_multipart_name_too_long),
	    T(test_multipart_value_too_large),
	    T(test_multipart_file_too_large),
	    T(test_multipart_filename_too_long),
	    T(test_multipart_wrong_type_is_unsupported),
	    T(test_form_parse_dispatches_urlencoded_with_utf8_charset),
	    T(test_form_parse_rejects_other_charsets),
	    T(test_form_parse_dispatches_multipart),
	    T(test_form_parse_other_types_are_unsupported),
	    T(test_form_parse_malformed_parameters_are_malformed),
	    T(test_form_error_texts_exist_in_both_languages),
	    T(test_form_lookups_tolerate_null),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
