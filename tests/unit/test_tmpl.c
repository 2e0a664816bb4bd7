/* SPDX-License-Identifier: EUPL-1.2 */
/* Template engine: rendering rules, escaping, compile errors with line
 * numbers, directory loading and page layouts. */
/* cmocka.h needs these headers first, in this order. */
/* clang-format off */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
/* clang-format on */

#include <ftw.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "render/tmpl.h"

/* ---- helpers --------------------------------------------------------- */

static json_t *parse_json(const char *text, const char *file, int line)
{
	json_error_t je;
	json_t *v = json_loads(text ? text : "{}", JSON_DECODE_ANY, &je);
	if (!v)
		_fail(file, line);
	return v;
}

/* Compiles `src` as "t", renders it over `ctx` and compares with `want`. */
static void check_renders_json(const char *src, json_t *ctx, const char *want, const char *file,
			       int line)
{
	char err[256] = "";
	tmpl_set_t *set = tmpl_set_new();
	strbuf_t out;
	sb_init(&out, NULL);
	bool added = tmpl_add(set, "t", src, strlen(src), err, sizeof err);
	if (!added)
		print_error("compile error: %s\n", err);
	_assert_true(added, "tmpl_add", file, line);
	bool ok = tmpl_render(set, "t", ctx, &out, err, sizeof err);
	if (!ok)
		print_error("render error: %s\n", err);
	_assert_true(ok, "tmpl_render", file, line);
	_assert_string_equal(out.data ? out.data : "", want, file, line);
	sb_free(&out);
	tmpl_set_free(set);
}

static void check_renders(const char *src, const char *ctx_json, const char *want, const char *file,
			  int line)
{
	json_t *ctx = parse_json(ctx_json, file, line);
	check_renders_json(src, ctx, want, file, line);
	json_decref(ctx);
}

#define ASSERT_RENDERS(src, ctx, want) check_renders((src), (ctx), (want), __FILE__, __LINE__)
#define ASSERT_RENDERS_JSON(src, ctx, want)                                                        \
	check_renders_json((src), (ctx), (want), __FILE__, __LINE__)

/* Compiles `src` under `name`, expects failure and an error equal to `want`. */
static void check_compile_error(const char *name, const char *src, const char *want,
				const char *file, int line)
{
	char err[256] = "";
	tmpl_set_t *set = tmpl_set_new();
	bool added = tmpl_add(set, name, src, strlen(src), err, sizeof err);
	_assert_true(!added, "tmpl_add failed", file, line);
	_assert_true(!tmpl_has(set, name), "not registered", file, line);
	_assert_string_equal(err, want, file, line);
	tmpl_set_free(set);
}

#define ASSERT_COMPILE_ERROR(name, src, want)                                                      \
	check_compile_error((name), (src), (want), __FILE__, __LINE__)

static void add_ok(tmpl_set_t *set, const char *name, const char *src)
{
	char err[256] = "";
	bool ok = tmpl_add(set, name, src, strlen(src), err, sizeof err);
	if (!ok)
		print_error("compile error: %s\n", err);
	assert_true(ok);
}

/* ---- values and escaping --------------------------------------------- */

static void test_text_without_tags_is_copied_verbatim(void **state)
{
	ASSERT_RENDERS("<p>Wniosek o informację publiczną</p>\n", "{}",
		       "<p>Wniosek o informację publiczną</p>\n");
	ASSERT_RENDERS("", "{}", "");
	ASSERT_RENDERS("a { b } c }} d", "{}", "a { b } c }} d");
}

static void test_variable_escapes_all_five_html_characters(void **state)
{
	ASSERT_RENDERS("<b>{{x}}</b>", "{\"x\": \"<a href=\\\"x\\\">Tom & Jerry's</a>\"}",
		       "<b>&lt;a href=&quot;x&quot;&gt;Tom &amp; Jerry&#39;s&lt;/a&gt;</b>");
}

static void test_variable_keeps_polish_utf8_text_unchanged(void **state)
{
	ASSERT_RENDERS("{{x}}", "{\"x\": \"Zażółć gęślą jaźń — ŁÓDŹ\"}",
		       "Zażółć gęślą jaźń — ŁÓDŹ");
}

static void test_missing_variable_renders_empty(void **state)
{
	ASSERT_RENDERS("[{{nope}}][{{a.nope}}][{{nope.deeper}}]", "{\"a\": {}}", "[][][]");
}

static void test_integers_and_integral_reals_render_without_decimals(void **state)
{
	ASSERT_RENDERS("{{i}} {{n}} {{r}} {{z}} {{big}}",
		       "{\"i\": 42, \"n\": -7, \"r\": 42.0, \"z\": 0, \"big\": 9007199254740991}",
		       "42 -7 42 0 9007199254740991");
	/* The whole range of jansson's integers, written without printf. */
	ASSERT_RENDERS("{{max}} {{min}} {{ten}} {{minus}}",
		       "{\"max\": 9223372036854775807, \"min\": -9223372036854775808, "
		       "\"ten\": 10, \"minus\": -1}",
		       "9223372036854775807 -9223372036854775808 10 -1");
}

static void test_fractional_reals_render_with_g_format(void **state)
{
	ASSERT_RENDERS("{{a}} {{b}} {{c}}", "{\"a\": 2.5, \"b\": 0.125, \"c\": 1e300}",
		       "2.5 0.125 1e+300");
}

static void test_booleans_null_arrays_and_objects_render_empty(void **state)
{
	ASSERT_RENDERS("[{{t}}][{{f}}][{{n}}][{{a}}][{{o}}]",
		       "{\"t\": true, \"f\": false, \"n\": null, \"a\": [1], \"o\": {\"k\": 1}}",
		       "[][][][][]");
}

static void test_triple_mustache_still_escapes_plain_strings(void **state)
{
	ASSERT_RENDERS("{{{x}}}", "{\"x\": \"<script>alert('x')</script>\"}",
		       "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;");
}

static void test_safe_value_renders_raw_with_double_and_triple_mustache(void **state)
{
	json_t *ctx = json_pack("{s:o}", "x", tmpl_safe("<em>ważne</em> & co"));
	ASSERT_RENDERS_JSON("{{x}}|{{{x}}}", ctx, "<em>ważne</em> & co|<em>ważne</em> & co");
	json_decref(ctx);
}

static void test_html_marker_from_parsed_json_is_not_trusted(void **state)
{
	/* Data (a request body, a jsonb column) cannot forge tmpl_safe(). */
	ASSERT_RENDERS("[{{x}}][{{{x}}}]", "{\"x\": {\"$html\": \"<script>alert(1)</script>\"}}",
		       "[][]");
	ASSERT_RENDERS("[{{{x}}}]", "{\"x\": {\"$html\": \"<b>\", \"\": true}}", "[]");
}

static void test_deep_copy_of_safe_value_renders_nothing_rather_than_raw(void **state)
{
	json_t *safe = tmpl_safe("<b>x</b>");
	json_t *ctx = json_pack("{s:o}", "x", json_deep_copy(safe));
	ASSERT_RENDERS_JSON("[{{x}}]", ctx, "[]");
	json_decref(ctx);
	json_decref(safe);
}

static void test_safe_n_takes_exactly_n_bytes(void **state)
{
	json_t *ctx =
	    json_pack("{s:o,s:o}", "x", tmpl_safe_n("<b>bold</b>tail", 11), "e", tmpl_safe(NULL));
	ASSERT_RENDERS_JSON("{{x}}[{{e}}]", ctx, "<b>bold</b>[]");
	assert_string_equal(json_string_value(json_object_get(json_object_get(ctx, "x"), "$html")),
			    "<b>bold</b>");
	json_decref(ctx);
}

static void test_whitespace_inside_tags_is_ignored(void **state)
{
	ASSERT_RENDERS("{{ x }}|{{{ x }}}|{{# s }}in{{/ s }}|{{^ n }}no{{/ n }}",
		       "{\"x\": \"v\", \"s\": true}", "v|v|in|no");
}

static void test_null_context_renders_text_and_nothing_else(void **state)
{
	ASSERT_RENDERS_JSON("a{{x}}b{{.}}c{{#x}}d{{/x}}{{^x}}e{{/x}}", NULL, "abce");
}

/* ---- sections -------------------------------------------------------- */

static void test_section_over_array_renders_once_per_element(void **state)
{
	ASSERT_RENDERS(
	    "<ul>{{#items}}<li>{{name}}</li>{{/items}}</ul>",
	    "{\"items\": [{\"name\": \"Gmina\"}, {\"name\": \"Sąd\"}, {\"name\": \"<x>\"}]}",
	    "<ul><li>Gmina</li><li>Sąd</li><li>&lt;x&gt;</li></ul>");
}

static void test_section_over_object_pushes_it_once(void **state)
{
	ASSERT_RENDERS("{{#org}}{{name}} ({{city}}){{/org}}",
		       "{\"org\": {\"name\": \"Urząd\", \"city\": \"Kraków\"}}", "Urząd (Kraków)");
	ASSERT_RENDERS("{{#o}}once{{/o}}", "{\"o\": {}}", "once");
}

static void test_section_over_truthy_scalar_renders_once_with_same_context(void **state)
{
	ASSERT_RENDERS(
	    "{{#t}}[{{x}}]{{/t}}{{#s}}[{{s}}]{{/s}}{{#n}}[{{n}}]{{/n}}{{#r}}[{{r}}]{{/r}}",
	    "{\"t\": true, \"s\": \"tak\", \"n\": 3, \"r\": 0.5, \"x\": \"X\"}",
	    "[X][tak][3][0.5]");
}

static void test_section_over_falsy_values_renders_nothing(void **state)
{
	ASSERT_RENDERS("{{#f}}f{{/f}}{{#n}}n{{/n}}{{#m}}m{{/m}}{{#a}}a{{/a}}{{#s}}s{{/s}}"
		       "{{#z}}z{{/z}}{{#r}}r{{/r}}|",
		       "{\"f\": false, \"n\": null, \"a\": [], \"s\": \"\", \"z\": 0, \"r\": 0.0}",
		       "|");
}

static void test_section_over_safe_value_keeps_context(void **state)
{
	json_t *ctx = json_pack("{s:o,s:o}", "x", tmpl_safe("<i>y</i>"), "e", tmpl_safe(""));
	ASSERT_RENDERS_JSON("{{#x}}<p>{{x}}</p>{{/x}}{{#e}}empty{{/e}}{{^e}}none{{/e}}", ctx,
			    "<p><i>y</i></p>none");
	json_decref(ctx);
}

static void test_inverted_section_renders_only_when_section_would_not(void **state)
{
	const char *src = "{{^v}}brak{{/v}}";
	ASSERT_RENDERS(src, "{}", "brak");
	ASSERT_RENDERS(src, "{\"v\": false}", "brak");
	ASSERT_RENDERS(src, "{\"v\": null}", "brak");
	ASSERT_RENDERS(src, "{\"v\": []}", "brak");
	ASSERT_RENDERS(src, "{\"v\": \"\"}", "brak");
	ASSERT_RENDERS(src, "{\"v\": 0}", "brak");
	ASSERT_RENDERS(src, "{\"v\": [0]}", "");
	ASSERT_RENDERS(src, "{\"v\": {}}", "");
	ASSERT_RENDERS(src, "{\"v\": \"x\"}", "");
	ASSERT_RENDERS(src, "{\"v\": true}", "");
}

static void test_nested_sections_see_outer_names(void **state)
{
	ASSERT_RENDERS("{{#cases}}{{#letters}}{{office}}/{{id}}-{{n}};{{/letters}}{{/cases}}",
		       "{\"office\": \"UM\", \"cases\": [{\"id\": 1, \"letters\": [{\"n\": 1}, "
		       "{\"n\": 2}]}, {\"id\": 2, \"letters\": [{\"n\": 1}]}]}",
		       "UM/1-1;UM/1-2;UM/2-1;");
}

static void test_inner_context_shadows_outer_name(void **state)
{
	ASSERT_RENDERS("{{name}}:{{#child}}{{name}}{{/child}}:{{name}}",
		       "{\"name\": \"outer\", \"child\": {\"name\": \"inner\"}}",
		       "outer:inner:outer");
}

static void test_dotted_name_looks_inside_nested_objects(void **state)
{
	ASSERT_RENDERS("{{a.b.c}} {{#a.b}}{{c}}{{/a.b}} {{^a.x}}none{{/a.x}}",
		       "{\"a\": {\"b\": {\"c\": \"deep\"}}}", "deep deep none");
}

static void test_dotted_name_does_not_fall_back_once_first_part_found(void **state)
{
	/* Standard Mustache: only the first part walks the stack. */
	ASSERT_RENDERS("{{#a}}[{{b.c}}]{{/a}}",
		       "{\"b\": {\"c\": \"outer\"}, \"a\": {\"b\": {\"d\": 1}}}", "[]");
	ASSERT_RENDERS("{{#a}}[{{b.c}}]{{/a}}", "{\"b\": {\"c\": \"outer\"}, \"a\": {\"x\": 1}}",
		       "[outer]");
}

static void test_dot_renders_current_item(void **state)
{
	ASSERT_RENDERS("{{#tags}}<{{.}}>{{/tags}}", "{\"tags\": [\"a&b\", 7, 1.5, true]}",
		       "<a&amp;b><7><1.5><>");
	ASSERT_RENDERS("{{#rows}}{{#.}}{{.}},{{/.}};{{/rows}}", "{\"rows\": [[1, 2], [3]]}",
		       "1,2,;3,;");
}

/* ---- comments and whitespace ----------------------------------------- */

static void test_comment_renders_nothing(void **state)
{
	/* A comment ends at the first "}}", as in Mustache. */
	ASSERT_RENDERS("a{{! ignore {{x and <b> }}b{{!\nmulti\nline\n}}c", "{\"x\": 1}", "abc");
	ASSERT_RENDERS("a{{! x {{y}} z }}b", "{}", "a z }}b");
}

static void test_standalone_section_lines_are_removed(void **state)
{
	ASSERT_RENDERS("<ul>\n  {{#items}}\n  <li>{{.}}</li>\n  {{/items}}\n</ul>\n",
		       "{\"items\": [\"a\", \"b\"]}", "<ul>\n  <li>a</li>\n  <li>b</li>\n</ul>\n");
	ASSERT_RENDERS("{{^x}}\nnone\n{{/x}}", "{}", "none\n");
}

static void test_standalone_comment_and_partial_lines_are_removed(void **state)
{
	tmpl_set_t *set = tmpl_set_new();
	add_ok(set, "p", "<hr>\n");
	add_ok(set, "t", "a\n\t{{! note }}\t\r\n  {{> p}}\nb\n");
	strbuf_t out;
	sb_init(&out, NULL);
	assert_true(tmpl_render(set, "t", NULL, &out, NULL, 0));
	assert_string_equal(out.data, "a\n<hr>\nb\n");
	sb_free(&out);
	tmpl_set_free(set);
}

static void test_tags_sharing_a_line_with_text_keep_whitespace(void **state)
{
	ASSERT_RENDERS(" {{#s}} x {{/s}} \n", "{\"s\": true}", "  x  \n");
	ASSERT_RENDERS("a {{x}}\n{{x}} b\n", "{\"x\": \"v\"}", "a v\nv b\n");
	ASSERT_RENDERS("{{#s}}{{/s}}\nz", "{\"s\": true}", "\nz");
}

static void test_value_with_newlines_is_not_trimmed(void **state)
{
	ASSERT_RENDERS("[{{x}}]\n", "{\"x\": \"  line1\\n\\n  line2  \\n\"}",
		       "[  line1\n\n  line2  \n]\n");
}

/* ---- partials -------------------------------------------------------- */

static void test_partial_renders_with_current_context(void **state)
{
	tmpl_set_t *set = tmpl_set_new();
	add_ok(set, "parts/person", "<b>{{name}}</b>");
	add_ok(set, "t", "{{#people}}{{> parts/person}};{{/people}}");
	json_t *ctx =
	    json_loads("{\"people\": [{\"name\": \"Ala\"}, {\"name\": \"<Ola>\"}]}", 0, NULL);
	strbuf_t out;
	sb_init(&out, NULL);
	assert_true(tmpl_check(set, NULL, 0));
	assert_true(tmpl_render(set, "t", ctx, &out, NULL, 0));
	assert_string_equal(out.data, "<b>Ala</b>;<b>&lt;Ola&gt;</b>;");
	sb_free(&out);
	json_decref(ctx);
	tmpl_set_free(set);
}

static void test_recursive_partial_renders_a_tree(void **state)
{
	tmpl_set_t *set = tmpl_set_new();
	/* Leaves need "kids": [] so the lookup does not find the parent's. */
	add_ok(set, "node", "{{name}}{{#kids}}[{{> node}}]{{/kids}}");
	json_t *ctx = json_loads("{\"name\": \"a\", \"kids\": [{\"name\": \"b\", \"kids\": []}, "
				 "{\"name\": \"c\", \"kids\": [{\"name\": \"d\", \"kids\": []}]}]}",
				 0, NULL);
	strbuf_t out;
	sb_init(&out, NULL);
	assert_true(tmpl_render(set, "node", ctx, &out, NULL, 0));
	assert_string_equal(out.data, "a[b][c[d]]");
	sb_free(&out);
	json_decref(ctx);
	tmpl_set_free(set);
}

static void test_partial_recursion_deeper_than_32_fails(void **state)
{
	tmpl_set_t *set = tmpl_set_new();
	add_ok(set, "loop", "x\n{{> loop}}");
	char err[256] = "";
	strbuf_t out;
	sb_init(&out, NULL);
	assert_false(tmpl_render(set, "loop", NULL, &out, err, sizeof err));
	assert_string_equal(err,
			    "loop:2: partial \"loop\" nested deeper than 32 (endless recursion?)");
	sb_free(&out);
	tmpl_set_free(set);
}

static void test_partials_nested_exactly_32_deep_render(void **state)
{
	/* d0 includes d1 ... d31 includes d32: 32 partials deep is allowed. */
	tmpl_set_t *set = tmpl_set_new();
	char name[16], src[32];
	for (int i = 0; i <= 32; i++) {
		snprintf(name, sizeof name, "d%d", i);
		if (i < 32)
			snprintf(src, sizeof src, "{{> d%d}}", i + 1);
		else
			snprintf(src, sizeof src, "bottom");
		add_ok(set, name, src);
	}
	strbuf_t out;
	sb_init(&out, NULL);
	assert_true(tmpl_render(set, "d0", NULL, &out, NULL, 0));
	assert_string_equal(out.data, "bottom");
	sb_free(&out);
	tmpl_set_free(set);
}

static void test_check_reports_unknown_partial_with_file_and_line(void **state)
{
	tmpl_set_t *set = tmpl_set_new();
	add_ok(set, "pages/home", "<h1>x</h1>\n\n{{> parts/nav}}\n");
	char err[256] = "";
	assert_false(tmpl_check(set, err, sizeof err));
	assert_string_equal(err, "pages/home:3: unknown partial \"parts/nav\"");
	strbuf_t out;
	sb_init(&out, NULL);
	assert_false(tmpl_render(set, "pages/home", NULL, &out, err, sizeof err));
	assert_string_equal(err, "pages/home:3: unknown partial \"parts/nav\"");
	add_ok(set, "parts/nav", "<nav></nav>");
	assert_true(tmpl_check(set, err, sizeof err));
	sb_free(&out);
	tmpl_set_free(set);
}

static void test_render_of_unknown_template_fails(void **state)
{
	tmpl_set_t *set = tmpl_set_new();
	char err[256] = "";
	strbuf_t out;
	sb_init(&out, NULL);
	assert_false(tmpl_has(set, "nope"));
	assert_false(tmpl_render(set, "nope", NULL, &out, err, sizeof err));
	assert_string_equal(err, "unknown template \"nope\"");
	assert_int_equal(out.len, 0);
	sb_free(&out);
	tmpl_set_free(set);
}

/* ---- compile errors -------------------------------------------------- */

static void test_unclosed_tag_reports_its_line(void **state)
{
	ASSERT_COMPILE_ERROR("pages/a.html", "one\ntwo\nthree {{name\nfour",
			     "pages/a.html:3: unclosed tag (no \"}}\")");
	ASSERT_COMPILE_ERROR("a", "\n\n{{{raw}}\n", "a:3: unclosed tag (no \"}}}\")");
	ASSERT_COMPILE_ERROR("a", "{{", "a:1: unclosed tag (no \"}}\")");
}

static void test_unclosed_section_reports_the_opening_line(void **state)
{
	ASSERT_COMPILE_ERROR("a", "x\n{{#outer}}\n\n{{#items}}\n{{/items}}\n",
			     "a:2: section \"outer\" is never closed");
}

static void test_mismatched_close_names_both_sections_and_lines(void **state)
{
	ASSERT_COMPILE_ERROR("pages/home.html",
			     "1\n2\n3\n4\n5\n6\n{{#items}}\n8\n9\n10\n11\n{{/item}}\n",
			     "pages/home.html:12: section \"items\" opened on line 7 is closed by "
			     "\"item\"");
}

static void test_close_without_open_section_fails(void **state)
{
	ASSERT_COMPILE_ERROR("a", "x\n\n{{/items}}", "a:3: \"{{/items}}\" closes no open section");
}

static void test_empty_names_fail(void **state)
{
	ASSERT_COMPILE_ERROR("a", "\n\n{{ }}", "a:3: empty name in tag");
	ASSERT_COMPILE_ERROR("a", "{{#}}{{/}}", "a:1: empty name in tag");
	ASSERT_COMPILE_ERROR("a", "\n{{{}}}", "a:2: empty name in tag");
	ASSERT_COMPILE_ERROR("a", "\n\n{{>   }}", "a:3: empty name in tag");
	ASSERT_COMPILE_ERROR("a", "{{#x}}\n{{/}}", "a:2: empty name in tag");
}

static void test_invalid_names_fail(void **state)
{
	ASSERT_COMPILE_ERROR("a", "\n\n{{a b}}", "a:3: invalid name \"a b\"");
	ASSERT_COMPILE_ERROR("a", "{{&x}}", "a:1: invalid name \"&x\"");
	ASSERT_COMPILE_ERROR("a", "{{a..b}}", "a:1: invalid name \"a..b\"");
	ASSERT_COMPILE_ERROR("a", "{{.a}}", "a:1: invalid name \".a\"");
	ASSERT_COMPILE_ERROR("a", "{{=<% %>=}}", "a:1: invalid name \"=<% %>=\"");
	ASSERT_COMPILE_ERROR("a", "{{> a b}}", "a:1: invalid name \"a b\"");
}

static void test_sections_nested_deeper_than_32_fail(void **state)
{
	strbuf_t src;
	sb_init(&src, NULL);
	for (int i = 0; i < 32; i++)
		sb_puts(&src, "{{#s}}\n");
	for (int i = 0; i < 32; i++)
		sb_puts(&src, "{{/s}}\n");
	ASSERT_RENDERS(src.data, "{\"s\": true}", "");
	sb_reset(&src);
	for (int i = 0; i < 33; i++)
		sb_puts(&src, "{{#s}}\n");
	ASSERT_COMPILE_ERROR("a", src.data, "a:33: sections nested deeper than 32");
	sb_free(&src);
}

static void test_invalid_utf8_fails_with_its_line(void **state)
{
	ASSERT_COMPILE_ERROR("a", "ok\nZa\xbf\xf3\xb3\xe6\n", "a:2: invalid UTF-8 (byte 0xbf)");
	ASSERT_COMPILE_ERROR("a", "\xc0\xaf", "a:1: invalid UTF-8 (byte 0xc0)");
	ASSERT_COMPILE_ERROR("a", "\n\n\xed\xa0\x80", "a:3: invalid UTF-8 (byte 0xed)");
}

static void test_duplicate_name_is_rejected_and_first_kept(void **state)
{
	tmpl_set_t *set = tmpl_set_new();
	add_ok(set, "t", "first");
	char err[256] = "";
	assert_false(tmpl_add(set, "t", "second", 6, err, sizeof err));
	assert_string_equal(err, "t: template \"t\" is already defined");
	strbuf_t out;
	sb_init(&out, NULL);
	assert_true(tmpl_render(set, "t", NULL, &out, NULL, 0));
	assert_string_equal(out.data, "first");
	sb_free(&out);
	tmpl_set_free(set);
}

static void test_failed_compile_leaves_set_usable(void **state)
{
	tmpl_set_t *set = tmpl_set_new();
	char err[8];
	/* A short buffer truncates but stays NUL-terminated. */
	assert_false(tmpl_add(set, "bad", "{{#x}}", 6, err, sizeof err));
	assert_string_equal(err, "bad:1: ");
	assert_false(tmpl_add(set, "bad", "{{#x}}", 6, NULL, 0));
	add_ok(set, "bad", "{{#x}}fixed{{/x}}");
	assert_true(tmpl_has(set, "bad"));
	tmpl_set_free(set);
}

/* ---- loading a directory --------------------------------------------- */

static void write_file(const char *dir, const char *rel, const char *content)
{
	char path[512];
	snprintf(path, sizeof path, "%s/%s", dir, rel);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(content, f);
	fclose(f);
}

static void make_dir(const char *dir, const char *rel)
{
	char path[512];
	snprintf(path, sizeof path, "%s/%s", dir, rel);
	assert_int_equal(mkdir(path, 0700), 0);
}

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	return remove(path);
}

static void rm_tree(const char *dir)
{
	nftw(dir, rm_one, 8, FTW_DEPTH | FTW_PHYS);
}

static void test_load_dir_registers_paths_without_extension(void **state)
{
	char dir[] = "/tmp/test_tmpl_XXXXXX";
	assert_non_null(mkdtemp(dir));
	make_dir(dir, "pages");
	make_dir(dir, "parts");
	make_dir(dir, "parts/forms");
	make_dir(dir, ".hidden");
	write_file(dir, "layout.html", "<main>{{content}}</main>");
	write_file(dir, "pages/case.html", "Sprawa {{id}} {{> parts/forms/field}}");
	write_file(dir, "parts/forms/field.html", "<input>");
	write_file(dir, "parts/notes.txt", "{{ not a template");
	write_file(dir, "pages/.swp.html", "{{ editor junk");
	write_file(dir, ".hidden/x.html", "{{ hidden");
	write_file(dir, "pages/.html", "{{ no name");
	char err[256] = "";
	tmpl_set_t *set = tmpl_set_new();
	bool ok = tmpl_load_dir(set, dir, err, sizeof err);
	if (!ok)
		print_error("%s\n", err);
	assert_true(ok);
	assert_true(tmpl_has(set, "layout"));
	assert_true(tmpl_has(set, "pages/case"));
	assert_true(tmpl_has(set, "parts/forms/field"));
	assert_false(tmpl_has(set, "pages/case.html"));
	assert_false(tmpl_has(set, "parts/notes"));
	assert_true(tmpl_check(set, err, sizeof err));
	json_t *ctx = json_pack("{s:i}", "id", 17);
	strbuf_t out;
	sb_init(&out, NULL);
	assert_true(tmpl_render(set, "pages/case", ctx, &out, NULL, 0));
	assert_string_equal(out.data, "Sprawa 17 <input>");
	sb_free(&out);
	json_decref(ctx);
	tmpl_set_free(set);
	rm_tree(dir);
}

static void test_load_dir_error_names_relative_file_and_line(void **state)
{
	char dir[] = "/tmp/test_tmpl_XXXXXX";
	assert_non_null(mkdtemp(dir));
	make_dir(dir, "pages");
	write_file(dir, "pages/home.html",
		   "1\n2\n3\n4\n5\n6\n{{#items}}\n8\n9\n10\n11\n{{/item}}\n");
	char err[256] = "";
	tmpl_set_t *set = tmpl_set_new();
	assert_false(tmpl_load_dir(set, dir, err, sizeof err));
	assert_string_equal(err, "pages/home.html:12: section \"items\" opened on line 7 is "
				 "closed by \"item\"");
	tmpl_set_free(set);
	rm_tree(dir);
}

static void test_load_dir_of_missing_directory_fails(void **state)
{
	char err[256] = "";
	tmpl_set_t *set = tmpl_set_new();
	assert_false(tmpl_load_dir(set, "/nonexistent/templates", err, sizeof err));
	assert_non_null(strstr(err, "/nonexistent/templates: cannot read directory"));
	tmpl_set_free(set);
}

/* ---- pages ----------------------------------------------------------- */

static void test_render_page_puts_rendered_page_into_layout_content(void **state)
{
	tmpl_set_t *set = tmpl_set_new();
	add_ok(set, "layout", "<title>{{title}}</title><main>{{{content}}}</main>{{content}}");
	add_ok(set, "pages/home", "<h1>{{title}}</h1>");
	json_t *ctx = json_pack("{s:s,s:s}", "title", "Jawność & <ty>", "content", "data");
	strbuf_t out;
	sb_init(&out, NULL);
	assert_true(tmpl_render_page(set, "layout", "pages/home", ctx, &out, NULL, 0));
	assert_string_equal(out.data, "<title>Jawność &amp; &lt;ty&gt;</title>"
				      "<main><h1>Jawność &amp; &lt;ty&gt;</h1></main>"
				      "<h1>Jawność &amp; &lt;ty&gt;</h1>");
	/* ctx is borrowed and unchanged. */
	assert_int_equal(json_object_size(ctx), 2);
	assert_string_equal(json_string_value(json_object_get(ctx, "content")), "data");
	assert_int_equal(ctx->refcount, 1);
	sb_free(&out);
	json_decref(ctx);
	tmpl_set_free(set);
}

static void test_render_page_with_missing_template_or_layout_fails(void **state)
{
	tmpl_set_t *set = tmpl_set_new();
	add_ok(set, "layout", "[{{content}}]");
	add_ok(set, "page", "p");
	char err[256] = "";
	strbuf_t out;
	sb_init(&out, NULL);
	assert_false(tmpl_render_page(set, "layout", "nope", NULL, &out, err, sizeof err));
	assert_string_equal(err, "unknown template \"nope\"");
	assert_false(tmpl_render_page(set, "nolayout", "page", NULL, &out, err, sizeof err));
	assert_string_equal(err, "unknown template \"nolayout\"");
	assert_int_equal(out.len, 0);
	assert_true(tmpl_render_page(set, "layout", "page", NULL, &out, err, sizeof err));
	assert_string_equal(out.data, "[p]");
	sb_free(&out);
	tmpl_set_free(set);
}

/* What a layout's content is made of in the tests below: the bytes of
 * `text`, or a failure. */
struct given_content {
	const char *text;
	int calls;
};

static bool write_given(strbuf_t *out, void *arg, char *err, size_t errlen)
{
	struct given_content *g = arg;
	g->calls++;
	if (!g->text) {
		snprintf(err, errlen, "no content");
		return false;
	}
	sb_puts(out, g->text);
	return true;
}

static void test_render_layout_writes_content_in_place_unescaped(void **state)
{
	tmpl_set_t *set = tmpl_set_new();
	add_ok(set, "layout",
	       "<title>{{title}}</title>{{#content}}[{{{content}}}]{{/content}}{{^content}}none{{/content}}"
	       "{{#items}}({{content}}){{/items}}<p>{{content.x}}</p>");
	json_t *ctx = json_pack("{s:s, s:s, s:[{s:s}, {}]}", "title", "a & b", "content", "data",
				"items", "content", "<own>");
	struct given_content g = {"<p>kept & sent</p>", 0};
	char err[64] = "";
	strbuf_t out;
	sb_init(&out, NULL);
	sb_puts(&out, "before|");
	assert_true(tmpl_render_layout(set, "layout", ctx, write_given, &g, &out, err, sizeof err));
	/* The content as given (it is already HTML), once per place; an
	 * element's own "content" is its own; "content" as a section is true. */
	assert_string_equal(out.data, "before|<title>a &amp; b</title>[<p>kept & sent</p>]"
				      "(&lt;own&gt;)(<p>kept & sent</p>)<p></p>");
	assert_int_equal(g.calls, 2);
	assert_int_equal(json_object_size(ctx), 3);
	sb_free(&out);
	json_decref(ctx);
	tmpl_set_free(set);
}

static void test_render_layout_leaves_nothing_behind_when_the_content_fails(void **state)
{
	tmpl_set_t *set = tmpl_set_new();
	add_ok(set, "layout", "<html>{{{content}}}</html>");
	add_ok(set, "loop", "{{> loop}}");
	struct given_content g = {NULL, 0};
	char err[128] = "";
	strbuf_t out;
	sb_init(&out, NULL);
	sb_puts(&out, "kept");
	assert_false(tmpl_render_layout(set, "layout", NULL, write_given, &g, &out, err, sizeof err));
	assert_string_equal(err, "no content");
	assert_string_equal(out.data, "kept");
	assert_int_equal(out.len, 4);
	/* A page whose template fails half-way: the layout's start goes too. */
	assert_false(tmpl_render_page(set, "layout", "loop", NULL, &out, err, sizeof err));
	assert_non_null(strstr(err, "nested deeper than 32"));
	assert_string_equal(out.data, "kept");
	sb_free(&out);
	tmpl_set_free(set);
}

/* ---- sharing between threads ----------------------------------------- */

struct thread_job {
	const tmpl_set_t *set;
	json_t *ctx;
	int mismatches;
};

static void *render_many(void *arg)
{
	struct thread_job *job = arg;
	for (int i = 0; i < 500; i++) {
		strbuf_t out;
		sb_init(&out, NULL);
		if (!tmpl_render_page(job->set, "layout", "list", job->ctx, &out, NULL, 0) ||
		    strcmp(out.data, "<ul><li>a</li><li>&lt;b&gt;</li></ul>") != 0)
			job->mismatches++;
		sb_free(&out);
	}
	return NULL;
}

static void test_threads_render_from_one_set_concurrently(void **state)
{
	tmpl_set_t *set = tmpl_set_new();
	add_ok(set, "layout", "<ul>{{content}}</ul>");
	add_ok(set, "item", "<li>{{.}}</li>");
	add_ok(set, "list", "{{#items}}{{> item}}{{/items}}");
	json_t *ctx = json_pack("{s:[s,s]}", "items", "a", "<b>");
	struct thread_job jobs[4];
	pthread_t th[4];
	for (int i = 0; i < 4; i++) {
		jobs[i] = (struct thread_job){set, ctx, 0};
		assert_int_equal(pthread_create(&th[i], NULL, render_many, &jobs[i]), 0);
	}
	for (int i = 0; i < 4; i++) {
		pthread_join(th[i], NULL);
		assert_int_equal(jobs[i].mismatches, 0);
	}
	json_decref(ctx);
	tmpl_set_free(set);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_text_without_tags_is_copied_verbatim),
	    cmocka_unit_test(test_variable_escapes_all_five_html_characters),
	    cmocka_unit_test(test_variable_keeps_polish_utf8_text_unchanged),
	    cmocka_unit_test(test_missing_variable_renders_empty),
	    cmocka_unit_test(test_integers_and_integral_reals_render_without_decimals),
	    cmocka_unit_test(test_fractional_reals_render_with_g_format),
	    cmocka_unit_test(test_booleans_null_arrays_and_objects_render_empty),
	    cmocka_unit_test(test_triple_mustache_still_escapes_plain_strings),
	    cmocka_unit_test(test_safe_value_renders_raw_with_double_and_triple_mustache),
	    cmocka_unit_test(test_html_marker_from_parsed_json_is_not_trusted),
	    cmocka_unit_test(test_deep_copy_of_safe_value_renders_nothing_rather_than_raw),
	    cmocka_unit_test(test_safe_n_takes_exactly_n_bytes),
	    cmocka_unit_test(test_whitespace_inside_tags_is_ignored),
	    cmocka_unit_test(test_null_context_renders_text_and_nothing_else),
	    cmocka_unit_test(test_section_over_array_renders_once_per_element),
	    cmocka_unit_test(test_section_over_object_pushes_it_once),
	    cmocka_unit_test(test_section_over_truthy_scalar_renders_once_with_same_context),
	    cmocka_unit_test(test_section_over_falsy_values_renders_nothing),
	    cmocka_unit_test(test_section_over_safe_value_keeps_context),
	    cmocka_unit_test(test_inverted_section_renders_only_when_section_would_not),
	    cmocka_unit_test(test_nested_sections_see_outer_names),
	    cmocka_unit_test(test_inner_context_shadows_outer_name),
	    cmocka_unit_test(test_dotted_name_looks_inside_nested_objects),
	    cmocka_unit_test(test_dotted_name_does_not_fall_back_once_first_part_found),
	    cmocka_unit_test(test_dot_renders_current_item),
	    cmocka_unit_test(test_comment_renders_nothing),
	    cmocka_unit_test(test_standalone_section_lines_are_removed),
	    cmocka_unit_test(test_standalone_comment_and_partial_lines_are_removed),
	    cmocka_unit_test(test_tags_sharing_a_line_with_text_keep_whitespace),
	    cmocka_unit_test(test_value_with_newlines_is_not_trimmed),
	    cmocka_unit_test(test_partial_renders_with_current_context),
	    cmocka_unit_test(test_recursive_partial_renders_a_tree),
	    cmocka_unit_test(test_partial_recursion_deeper_than_32_fails),
	    cmocka_unit_test(test_partials_nested_exactly_32_deep_render),
	    cmocka_unit_test(test_check_reports_unknown_partial_with_file_and_line),
	    cmocka_unit_test(test_render_of_unknown_template_fails),
	    cmocka_unit_test(test_unclosed_tag_reports_its_line),
	    cmocka_unit_test(test_unclosed_section_reports_the_opening_line),
	    cmocka_unit_test(test_mismatched_close_names_both_sections_and_lines),
	    cmocka_unit_test(test_close_without_open_section_fails),
	    cmocka_unit_test(test_empty_names_fail),
	    cmocka_unit_test(test_invalid_names_fail),
	    cmocka_unit_test(test_sections_nested_deeper_than_32_fail),
	    cmocka_unit_test(test_invalid_utf8_fails_with_its_line),
	    cmocka_unit_test(test_duplicate_name_is_rejected_and_first_kept),
	    cmocka_unit_test(test_failed_compile_leaves_set_usable),
	    cmocka_unit_test(test_load_dir_registers_paths_without_extension),
	    cmocka_unit_test(test_load_dir_error_names_relative_file_and_line),
	    cmocka_unit_test(test_load_dir_of_missing_directory_fails),
	    cmocka_unit_test(test_render_page_puts_rendered_page_into_layout_content),
	    cmocka_unit_test(test_render_page_with_missing_template_or_layout_fails),
	    cmocka_unit_test(test_render_layout_writes_content_in_place_unescaped),
	    cmocka_unit_test(test_render_layout_leaves_nothing_behind_when_the_content_fails),
	    cmocka_unit_test(test_threads_render_from_one_set_concurrently),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
