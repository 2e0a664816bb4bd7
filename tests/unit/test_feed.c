/* SPDX-License-Identifier: EUPL-1.2 */
/* XML escaping, the Atom writer and sitemaps (server/render/feed.c), and the
 * conditional-GET helpers (server/http/conditional.c): pure functions. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "http/conditional.h"
#include "render/feed.h"

static const char *esc(strbuf_t *sb, const char *s)
{
	sb_reset(sb);
	xml_escape(sb, s);
	return sb->data ? sb->data : "";
}

static void test_xml_escape_replaces_markup_and_drops_what_xml_forbids(void **state)
{
	(void)state;
	strbuf_t sb;
	sb_init(&sb, NULL);
	assert_string_equal(esc(&sb, "a < b & \"c\" > 'd'"),
	                    "a &lt; b &amp; &quot;c&quot; &gt; &apos;d&apos;");
	/* C0 controls other than tab, LF and CR are not XML characters. */
	assert_string_equal(esc(&sb, "x\x01y\x1f\tz\r\n"), "xy\tz\r\n");
	/* Polish letters pass; invalid UTF-8 and U+FFFE/U+FFFF are dropped. */
	assert_string_equal(esc(&sb, "Żółć"), "Żółć");
	assert_string_equal(esc(&sb, "a\xff\xc3"
	                             "b"),
	                    "ab");
	assert_string_equal(esc(&sb, "a\xef\xbf\xbe"
	                             "b"),
	                    "ab");
	assert_string_equal(esc(&sb, "a\xed\xa0\x80"
	                             "b"),
	                    "ab"); /* a surrogate */
	assert_string_equal(esc(&sb, NULL), "");
	sb_free(&sb);
}

static void test_atom_feed_has_the_required_elements_escaped(void **state)
{
	(void)state;
	strbuf_t sb;
	sb_init(&sb, NULL);
	struct feed_atom f = {.id = "tag:bip.example,2026-01-05:rejestr",
	                      .title = "Rejestr <&>",
	                      .self_url = "https://bip.example/rejestr.atom?a=1&b=2",
	                      .html_url = "https://bip.example/rejestr",
	                      .author = "Urząd",
	                      .updated = "2026-01-05T10:00:00Z"};
	json_t *entries =
	    json_pack("[{s:s, s:s, s:s, s:s, s:s}]", "id",
	              "tag:bip.example,2026-01-05:rejestr/A.1.1.2026/1.0", "title", "Sprawa \"A\"",
	              "link", "https://bip.example/rejestr/A.1.1.2026", "updated",
	              "2026-01-05T10:00:00Z", "summary", "x < y");
	feed_atom(&sb, &f, entries);
	json_decref(entries);
	const char *x = sb.data;
	assert_non_null(strstr(x, "<?xml version=\"1.0\" encoding=\"utf-8\"?>"));
	assert_non_null(strstr(x, "<feed xmlns=\"http://www.w3.org/2005/Atom\""));
	assert_non_null(strstr(x, "<title>Rejestr &lt;&amp;&gt;</title>"));
	assert_non_null(strstr(x, "href=\"https://bip.example/rejestr.atom?a=1&amp;b=2\""));
	assert_non_null(strstr(x, "<author>\n    <name>Urząd</name>"));
	assert_non_null(strstr(x, "<entry>"));
	assert_non_null(strstr(x, "<title>Sprawa &quot;A&quot;</title>"));
	assert_non_null(strstr(x, "<summary type=\"text\">x &lt; y</summary>"));
	assert_null(strstr(x, "<published>")); /* absent members are left out */
	assert_null(strstr(x, "<?xml-stylesheet"));
	assert_non_null(strstr(x, "</feed>\n"));
	sb_free(&sb);
}

/* A browser shows the feed through its stylesheet; the processing
 * instruction comes after the XML declaration and before the root, with its
 * address escaped, and the feed itself is unchanged. */
static void test_atom_feed_names_its_stylesheet_before_the_root(void **state)
{
	(void)state;
	strbuf_t sb;
	sb_init(&sb, NULL);
	struct feed_atom f = {.id = "tag:bip.example,2026-01-05:rejestr",
	                      .title = "Rejestr",
	                      .author = "Urząd",
	                      .updated = "2026-01-05T10:00:00Z",
	                      .stylesheet = "/static/feed.xsl?v=1&x=\"2\""};
	json_t *entries = json_array();
	feed_atom(&sb, &f, entries);
	json_decref(entries);
	assert_true(!strncmp(sb.data, "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n", 39));
	const char *pi = strstr(sb.data, "\n<?xml-stylesheet type=\"text/xsl\" "
	                                 "href=\"/static/feed.xsl?v=1&amp;x=&quot;2&quot;\"?>\n<feed ");
	assert_non_null(pi);
	assert_true(pi < strstr(sb.data, "<feed"));
	sb_free(&sb);
}

static void test_sitemap_lists_each_url(void **state)
{
	(void)state;
	strbuf_t sb;
	sb_init(&sb, NULL);
	json_t *urls = json_pack("[{s:s}, {s:s, s:s}]", "loc", "https://bip.example/", "loc",
	                         "https://bip.example/rejestr/A.1.1.2026", "lastmod", "2026-01-05");
	feed_sitemap(&sb, urls);
	json_decref(urls);
	assert_non_null(
	    strstr(sb.data, "<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">"));
	assert_non_null(strstr(sb.data, "<loc>https://bip.example/</loc>"));
	assert_non_null(strstr(sb.data, "<lastmod>2026-01-05</lastmod>"));
	sb_free(&sb);
}

static void test_sitemap_index_lists_each_part_escaped(void **state)
{
	(void)state;
	strbuf_t sb;
	sb_init(&sb, NULL);
	json_t *locs = json_pack("[s, s]", "https://bip.example/sitemap.xml?czesc=1",
	                         "https://bip.example/sitemap.xml?czesc=2&x=<y>");
	feed_sitemap_index(&sb, locs);
	json_decref(locs);
	assert_non_null(strstr(
	    sb.data, "<sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">"));
	assert_non_null(strstr(sb.data, "<sitemap>\n    <loc>https://bip.example/sitemap.xml?czesc=1</loc>\n  </sitemap>"));
	assert_non_null(strstr(sb.data, "<loc>https://bip.example/sitemap.xml?czesc=2&amp;x=&lt;y&gt;</loc>"));
	assert_non_null(strstr(sb.data, "</sitemapindex>\n"));
	assert_null(strstr(sb.data, "<urlset"));
	sb_free(&sb);
}

static void test_http_dates_format_and_parse_in_all_three_forms(void **state)
{
	(void)state;
	char d[HTTP_DATE_LEN];
	http_date_format(784111777, d);
	assert_string_equal(d, "Sun, 06 Nov 1994 08:49:37 GMT");
	time_t t = 0;
	assert_true(http_date_parse("Sun, 06 Nov 1994 08:49:37 GMT", &t));
	assert_int_equal(t, 784111777);
	t = 0;
	assert_true(http_date_parse("Sunday, 06-Nov-94 08:49:37 GMT", &t));
	assert_int_equal(t, 784111777);
	t = 0;
	assert_true(http_date_parse("Sun Nov  6 08:49:37 1994", &t));
	assert_int_equal(t, 784111777);
	assert_false(http_date_parse("yesterday", &t));
	assert_false(http_date_parse("Sun, 06 Nov 1994 08:49:37 GMT trailing", &t));
	assert_false(http_date_parse("Sun, 32 Nov 1994 08:49:37 GMT", &t));
	assert_false(http_date_parse("Sun, 06 Foo 1994 08:49:37 GMT", &t));
	assert_false(http_date_parse(NULL, &t));
}

static void test_etag_matching_is_weak_and_takes_lists(void **state)
{
	(void)state;
	assert_true(http_etag_matches("W/\"r-1\"", "W/\"r-1\""));
	assert_true(http_etag_matches("\"r-1\"", "W/\"r-1\""));
	assert_true(http_etag_matches("\"x\", W/\"r-1\"", "W/\"r-1\""));
	assert_true(http_etag_matches("*", "\"r-1\""));
	assert_false(http_etag_matches("\"r-10\"", "\"r-1\""));
	assert_false(http_etag_matches("\"r-\"", "\"r-1\""));
	assert_false(http_etag_matches("r-1", "\"r-1\""));
	assert_false(http_etag_matches("\"r-1", "\"r-1\""));
	assert_false(http_etag_matches("", "\"r-1\""));
	assert_false(http_etag_matches(NULL, "\"r-1\""));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_xml_escape_replaces_markup_and_drops_what_xml_forbids),
	    cmocka_unit_test(test_atom_feed_has_the_required_elements_escaped),
	    cmocka_unit_test(test_atom_feed_names_its_stylesheet_before_the_root),
	    cmocka_unit_test(test_sitemap_lists_each_url),
	    cmocka_unit_test(test_sitemap_index_lists_each_part_escaped),
	    cmocka_unit_test(test_http_dates_format_and_parse_in_all_three_forms),
	    cmocka_unit_test(test_etag_matching_is_weak_and_takes_lists),
	};
	return cmocka_run_group_tests_name("feed", tests, NULL, NULL);
}
