/* SPDX-License-Identifier: EUPL-1.2 */
/* SVG charts and CSV records: accessible names, escaping, no inline style
 * (the CSP forbids it), scales, gaps in lines, shortened labels; RFC 4180
 * quoting. */
/* cmocka.h needs these headers first, in this order. */
/* clang-format off */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
/* clang-format on */

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "render/svg.h"

static int count(const char *hay, const char *needle)
{
	int n = 0;
	for (const char *p = hay; (p = strstr(p, needle)); p += strlen(needle))
		n++;
	return n;
}

static const char *const months[] = {"sty 26", "lut 26", "mar 26"};

static char *draw(void (*fn)(strbuf_t *, const struct svg_chart *), const struct svg_chart *c)
{
	strbuf_t sb;
	sb_init(&sb, NULL);
	fn(&sb, c);
	return sb.data;
}

static void test_chart_has_title_desc_and_role_img(void **state)
{
	double v[] = {1, 2, 3};
	struct svg_series s = {"wnioski", v, NULL};
	struct svg_chart c = {
	    "wykres-1", "Wnioski <w> miesiącu", "Opis & dane", months, 3, &s, 1, NULL, 0, NULL};
	char *out = draw(svg_bar_chart, &c);
	assert_true(strncmp(out, "<svg xmlns=\"http://www.w3.org/2000/svg\"", 39) == 0);
	assert_non_null(strstr(out, "role=\"img\""));
	assert_non_null(strstr(out, "aria-labelledby=\"wykres-1-title wykres-1-desc\""));
	assert_non_null(
	    strstr(out, "<title id=\"wykres-1-title\">Wnioski &lt;w&gt; miesiącu</title>"));
	assert_non_null(strstr(out, "<desc id=\"wykres-1-desc\">Opis &amp; dane</desc>"));
	assert_string_equal(out + strlen(out) - 6, "</svg>");
	/* The page's CSP is style-src 'self': presentation attributes only. */
	assert_null(strstr(out, "style"));
	assert_null(strstr(out, "<script"));
	free(out);
}

static void test_bars_stack_one_rect_per_value_and_skip_zeros(void **state)
{
	double a[] = {1, 0, 2}, b[] = {3, 1, 0};
	struct svg_series s[] = {{"informacja publiczna", a, NULL}, {"ponowne wykorzystywanie", b, NULL}};
	struct svg_chart c = {"k", "t", "d", months, 3, s, 2, NULL, 0, NULL};
	char *out = draw(svg_bar_chart, &c);
	/* 4 bars with a value, 2 legend squares and the 2 patterns' tiles. */
	assert_int_equal(count(out, "<rect"), 8);
	/* Each bar says what it is to a pointer user. */
	assert_non_null(strstr(out, "<title>sty 26, ponowne wykorzystywanie: 3</title>"));
	assert_non_null(strstr(out, ">informacja publiczna</text>"));
	/* Stacked: the top of the scale holds the largest sum (4). */
	assert_non_null(strstr(out, ">4</text>"));
	free(out);
}

/* WCAG 2.1 1.4.1: stacked series differ in their fill's pattern, and the
 * legend shows the same pattern beside each name. */
static void test_stacked_series_differ_by_pattern_not_colour_alone(void **state)
{
	double a[] = {1, 2, 3}, b[] = {3, 1, 2};
	struct svg_series s[] = {{"informacja publiczna", a, NULL}, {"ponowne wykorzystywanie", b, NULL}};
	struct svg_chart c = {"k", "t", "d", months, 3, s, 2, NULL, 0, NULL};
	char *out = draw(svg_bar_chart, &c);
	assert_non_null(strstr(out, "<pattern id=\"k-p0\""));
	assert_non_null(strstr(out, "<pattern id=\"k-p1\""));
	/* The second pattern has white marks over its colour; the first is solid. */
	const char *p1 = strstr(out, "<pattern id=\"k-p1\"");
	assert_true(strstr(p1, "stroke=\"#fff\"") < strstr(p1, "</pattern>"));
	/* 3 bars and the legend square of each series. */
	assert_int_equal(count(out, "fill=\"url(#k-p0)\""), 4);
	assert_int_equal(count(out, "fill=\"url(#k-p1)\""), 4);
	assert_string_not_equal(svg_pattern_name(0), svg_pattern_name(1));
	free(out);
	/* One series: a plain colour, no patterns. */
	struct svg_chart one = {"o", "t", "d", months, 3, s, 1, NULL, 0, NULL};
	out = draw(svg_bar_chart, &one);
	assert_null(strstr(out, "<pattern"));
	free(out);
}

static void test_lines_differ_by_dash_and_marker_shape(void **state)
{
	double a[] = {1, 2, 3}, b[] = {3, 1, 2};
	struct svg_series s[] = {{"mediana", a, NULL}, {"90. percentyl", b, NULL}};
	struct svg_chart c = {"l", "t", "d", months, 3, s, 2, NULL, 0, NULL};
	char *out = draw(svg_line_chart, &c);
	/* Circles for the first series, squares for the second (and one of
	 * each in the legend, with the line's dash). */
	assert_int_equal(count(out, "<circle"), 4);
	assert_int_equal(count(out, "<rect"), 4);
	assert_int_equal(count(out, "stroke-dasharray=\"6 3\""), 2);
	free(out);
}

/* A chart whose values link somewhere is a group of named links; the rest
 * of the drawing is hidden from screen readers (an image's children would
 * be presentational, hiding the links). */
static void test_linked_values_are_named_links_in_a_group(void **state)
{
	double a[] = {1, 0, 2};
	const char *hrefs[] = {"/panel?rodzaj=x&od=1", NULL, "/panel?\"><script>"};
	struct svg_series s = {"wnioski", a, hrefs};
	struct svg_chart c = {"g", "t", "d", months, 3, &s, 1, NULL, 0, "pokaż w kolejce"};
	char *out = draw(svg_bar_chart, &c);
	assert_non_null(strstr(out, "role=\"group\""));
	assert_null(strstr(out, "role=\"img\""));
	assert_non_null(strstr(out, "<a href=\"/panel?rodzaj=x&amp;od=1\" aria-label=\"sty 26: 1 — "
				    "pokaż w kolejce\"><rect"));
	assert_non_null(strstr(out, "<a href=\"/panel?&quot;&gt;&lt;script&gt;\""));
	assert_null(strstr(out, "<script"));
	assert_int_equal(count(out, "<a "), 2);
	assert_int_equal(count(out, "<g aria-hidden=\"true\">"), 2);
	free(out);
	out = draw(svg_hbar_chart, &c);
	assert_int_equal(count(out, "<a "), 2);
	assert_non_null(strstr(out, "role=\"group\""));
	free(out);
}

static void test_text_is_escaped_everywhere(void **state)
{
	const char *labels[] = {"<script>alert(1)</script>", "a\"b", "x&y"};
	double v[] = {1, 1, 1};
	struct svg_series s[] = {{"<b>seria</b>", v, NULL}, {"'quoted'", v, NULL}};
	struct svg_chart c = {"x\"><script>", "<t>", "<d>", labels, 3, s, 2, "<%>", 0, NULL};
	char *out = draw(svg_bar_chart, &c);
	assert_null(strstr(out, "<script"));
	assert_null(strstr(out, "<b>"));
	assert_null(strstr(out, "<%>"));
	assert_non_null(strstr(out, "&lt;script&gt;"));
	assert_non_null(strstr(out, "id=\"x---script--title\""));
	free(out);
	out = draw(svg_line_chart, &c);
	assert_null(strstr(out, "<script"));
	free(out);
	out = draw(svg_hbar_chart, &c);
	assert_null(strstr(out, "<script"));
	free(out);
}

static void test_line_breaks_at_missing_values(void **state)
{
	const char *labels[] = {"a", "b", "c", "d"};
	double v[] = {5, NAN, 7, 8};
	struct svg_series s = {"mediana", v, NULL};
	struct svg_chart c = {"l", "t", "d", labels, 4, &s, 1, NULL, 0, NULL};
	char *out = draw(svg_line_chart, &c);
	const char *d = strstr(out, "<path d=\"");
	assert_non_null(d);
	/* Two pieces: "M.. " for a, then "M.. L.." for c and d. */
	const char *end = strchr(d + 9, '"');
	char path[256];
	snprintf(path, sizeof path, "%.*s", (int)(end - d - 9), d + 9);
	assert_int_equal(count(path, "M"), 2);
	assert_int_equal(count(path, "L"), 1);
	assert_int_equal(count(out, "<circle"), 3);
	free(out);
}

static void test_long_labels_are_shortened_in_the_drawing_only(void **state)
{
	const char *labels[] = {"udostępniono częściowo, w pozostałej części odmówiono (decyzja)"};
	double v[] = {12};
	struct svg_series s = {"sprawy", v, NULL};
	struct svg_chart c = {"h", "t", "d", labels, 1, &s, 1, NULL, 0, NULL};
	char *out = draw(svg_hbar_chart, &c);
	/* 40 characters (not bytes: Polish letters are two) and an ellipsis. */
	assert_non_null(strstr(out, ">udostępniono częściowo, w pozostałej czę…</text>"));
	assert_non_null(strstr(
	    out,
	    "<title>udostępniono częściowo, w pozostałej części odmówiono (decyzja): 12</title>"));
	assert_int_equal(count(out, "<rect"), 1);
	free(out);
}

static void test_percent_scale_keeps_its_top(void **state)
{
	double v[] = {50, 75, NAN};
	struct svg_series s = {"w terminie", v, NULL};
	struct svg_chart c = {"p", "t", "d", months, 3, &s, 1, "%", 100, NULL};
	char *out = draw(svg_bar_chart, &c);
	assert_non_null(strstr(out, ">100%</text>"));
	assert_non_null(strstr(out, ">20%</text>"));
	assert_int_equal(count(out, "<rect"), 2); /* no bar for the month without data */
	free(out);
}

static void test_nice_scale(void **state)
{
	double step;
	assert_true(svg_nice_max(0, &step) == 1 && step == 1);
	assert_true(svg_nice_max(3, &step) == 3 && step == 1);
	assert_true(svg_nice_max(7, &step) == 8 && step == 2);
	assert_true(svg_nice_max(12.5, &step) == 15 && step == 5);
	assert_true(svg_nice_max(100, &step) == 100 && step == 20);
	assert_true(svg_nice_max(101, &step) == 150 && step == 50);
	assert_true(svg_nice_max(NAN, &step) == 1);
}

static void test_empty_chart_is_still_valid(void **state)
{
	struct svg_chart c = {"e", "Pusto", "Brak danych", NULL, 0, NULL, 0, NULL, 0, NULL};
	char *out = draw(svg_bar_chart, &c);
	assert_non_null(strstr(out, "<title id=\"e-title\">Pusto</title>"));
	assert_string_equal(out + strlen(out) - 6, "</svg>");
	free(out);
	out = draw(svg_hbar_chart, &c);
	assert_string_equal(out + strlen(out) - 6, "</svg>");
	free(out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_chart_has_title_desc_and_role_img),
	    cmocka_unit_test(test_bars_stack_one_rect_per_value_and_skip_zeros),
	    cmocka_unit_test(test_stacked_series_differ_by_pattern_not_colour_alone),
	    cmocka_unit_test(test_lines_differ_by_dash_and_marker_shape),
	    cmocka_unit_test(test_linked_values_are_named_links_in_a_group),
	    cmocka_unit_test(test_text_is_escaped_everywhere),
	    cmocka_unit_test(test_line_breaks_at_missing_values),
	    cmocka_unit_test(test_long_labels_are_shortened_in_the_drawing_only),
	    cmocka_unit_test(test_percent_scale_keeps_its_top),
	    cmocka_unit_test(test_nice_scale),
	    cmocka_unit_test(test_empty_chart_is_still_valid),
	};
	return cmocka_run_group_tests_name("svg", tests, NULL, NULL);
}
