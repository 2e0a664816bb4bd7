/* SPDX-License-Identifier: EUPL-1.2 */
/* The Prometheus exposition of server/http/metrics.c, checked with the
 * strict parser of tests/unit/prom_parse.h (promtool is not installed: see
 * docs/operations.md), and that parser's own strictness. */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "http/metrics.h"
#include "unit/prom_parse.h"

static struct prom_doc doc; /* large: static */

static char *render(void)
{
	strbuf_t sb;
	sb_init(&sb, NULL);
	metrics_render(&sb);
	return sb.data;
}

static void parse_ok(const char *text)
{
	if (!prom_parse(text, &doc)) {
		fprintf(stderr, "exposition refused: %s\n%s\n", doc.err, text);
		fail();
	}
}

static int reset(void **state)
{
	(void)state;
	metrics_reset();
	return 0;
}

static void test_empty_registry_is_valid(void **state)
{
	char *t = render();
	parse_ok(t);
	free(t);
}

static void test_requests_counted_by_route_and_status_class(void **state)
{
	for (int i = 0; i < 3; i++)
		metrics_observe("home", 200, 0.001);
	metrics_observe("home", 304, 0.001);
	metrics_observe("home", 404, 0.001);
	metrics_observe("api.requests.create", 201, 0.02);
	metrics_observe("api.requests.create", 503, 0.02);
	metrics_observe(NULL, 404, 0.0001);
	metrics_observe("home", 0, 0.001); /* no status recorded */
	char *t = render();
	parse_ok(t);
	assert_true(prom_value(&doc, "jawnosc_http_requests_total", "code=\"2xx\",route=\"home\"") == 3);
	assert_true(prom_value(&doc, "jawnosc_http_requests_total", "code=\"3xx\",route=\"home\"") == 1);
	assert_true(prom_value(&doc, "jawnosc_http_requests_total", "code=\"4xx\",route=\"home\"") == 1);
	assert_true(prom_value(&doc, "jawnosc_http_requests_total", "code=\"5xx\",route=\"home\"") == 0);
	assert_true(prom_value(&doc, "jawnosc_http_requests_total", "code=\"other\",route=\"home\"") == 1);
	assert_true(prom_value(&doc, "jawnosc_http_requests_total",
	                       "code=\"5xx\",route=\"api.requests.create\"") == 1);
	assert_true(prom_value(&doc, "jawnosc_http_requests_total", "code=\"4xx\",route=\"unmatched\"") == 1);
	/* A class never seen beyond the usual three is not printed. */
	assert_true(isnan(prom_value(&doc, "jawnosc_http_requests_total",
	                             "code=\"1xx\",route=\"home\"")));
	free(t);
}

static void test_latency_lands_in_the_right_buckets(void **state)
{
	metrics_observe("r", 200, 0.001); /* <= 0.005 */
	metrics_observe("r", 200, 0.005); /* <= 0.005: the bound is inclusive */
	metrics_observe("r", 200, 0.3);   /* <= 0.5 */
	metrics_observe("r", 200, 20);    /* only +Inf */
	metrics_observe("r", 200, -1);    /* a clock step back counts as 0 */
	char *t = render();
	parse_ok(t);
	const char *b = "jawnosc_http_request_duration_seconds_bucket";
	assert_true(prom_value(&doc, b, "le=\"0.005\",route=\"r\"") == 3);
	assert_true(prom_value(&doc, b, "le=\"0.25\",route=\"r\"") == 3);
	assert_true(prom_value(&doc, b, "le=\"0.5\",route=\"r\"") == 4);
	assert_true(prom_value(&doc, b, "le=\"10\",route=\"r\"") == 4);
	assert_true(prom_value(&doc, b, "le=\"+Inf\",route=\"r\"") == 5);
	assert_true(prom_value(&doc, "jawnosc_http_request_duration_seconds_count", "route=\"r\"") == 5);
	double sum = prom_value(&doc, "jawnosc_http_request_duration_seconds_sum", "route=\"r\"");
	assert_true(fabs(sum - 20.306) < 1e-6);
	free(t);
}

static void test_label_values_and_help_are_escaped(void **state)
{
	strbuf_t sb;
	sb_init(&sb, NULL);
	metrics_family(&sb, "x_gauge", "gauge", "Help with a \\ backslash\nand a line feed.");
	metrics_sample(&sb, "x_gauge", 1.5, "org", "a\"b\\c\nd", "unit", "", (const char *)NULL);
	metrics_sample(&sb, "x_gauge", -2, "org", "zażółć", (const char *)NULL);
	parse_ok(sb.data);
	assert_true(prom_value(&doc, "x_gauge", "org=\"a\"b\\c\nd\",unit=\"\"") == 1.5);
	assert_true(prom_value(&doc, "x_gauge", "org=\"zażółć\"") == -2);
	assert_non_null(strstr(sb.data, "org=\"a\\\"b\\\\c\\nd\""));
	assert_non_null(strstr(sb.data, "# HELP x_gauge Help with a \\\\ backslash\\nand a line feed.\n"));
	sb_free(&sb);
}

static void test_special_values(void **state)
{
	strbuf_t sb;
	sb_init(&sb, NULL);
	metrics_family(&sb, "v", "gauge", "Values.");
	metrics_sample(&sb, "v", NAN, "k", "nan", (const char *)NULL);
	metrics_sample(&sb, "v", INFINITY, "k", "inf", (const char *)NULL);
	metrics_sample(&sb, "v", -INFINITY, "k", "-inf", (const char *)NULL);
	metrics_sample(&sb, "v", 12345678901234.0, "k", "big", (const char *)NULL);
	metrics_sample(&sb, "v", 0.125, "k", "frac", (const char *)NULL);
	parse_ok(sb.data);
	assert_true(isnan(prom_value(&doc, "v", "k=\"nan\"")));
	assert_true(prom_value(&doc, "v", "k=\"inf\"") == INFINITY);
	assert_true(prom_value(&doc, "v", "k=\"-inf\"") == -INFINITY);
	assert_true(prom_value(&doc, "v", "k=\"big\"") == 12345678901234.0);
	assert_true(prom_value(&doc, "v", "k=\"frac\"") == 0.125);
	assert_non_null(strstr(sb.data, "v{k=\"big\"} 12345678901234\n"));
	sb_free(&sb);
}

static void test_more_routes_than_slots_go_to_other(void **state)
{
	static char names[METRICS_MAX_ROUTES + 10][24];
	for (int i = 0; i < METRICS_MAX_ROUTES + 10; i++) {
		snprintf(names[i], sizeof names[i], "route%d", i);
		metrics_observe(names[i], 200, 0.001);
	}
	char *t = render();
	parse_ok(t);
	assert_true(prom_value(&doc, "jawnosc_http_requests_total", "code=\"2xx\",route=\"route0\"") == 1);
	assert_true(prom_value(&doc, "jawnosc_http_requests_total", "code=\"2xx\",route=\"other\"") == 10);
	assert_true(prom_value(&doc, "jawnosc_http_request_duration_seconds_count", "route=\"other\"") == 10);
	free(t);
}

/* The same route name from different pointers is one series. */
static void test_route_names_compared_by_content(void **state)
{
	char a[] = "home", b[] = "home";
	metrics_observe(a, 200, 0.001);
	metrics_observe(b, 200, 0.001);
	char *t = render();
	parse_ok(t);
	assert_true(prom_value(&doc, "jawnosc_http_requests_total", "code=\"2xx\",route=\"home\"") == 2);
	free(t);
}

static const char *const thread_routes[] = {"a", "b", "c", "d", "e", "f", "g", "h"};

static void *hammer(void *arg)
{
	long k = (long)arg;
	for (int i = 0; i < 20000; i++)
		metrics_observe(thread_routes[(k + i) % 8], 200 + (i % 4) * 100, 0.001 * (i % 50));
	return NULL;
}

static void test_concurrent_observations_are_all_counted(void **state)
{
	pthread_t t[4];
	for (long i = 0; i < 4; i++)
		pthread_create(&t[i], NULL, hammer, (void *)i);
	for (int i = 0; i < 4; i++)
		pthread_join(t[i], NULL);
	char *text = render();
	parse_ok(text);
	double total = 0, count = 0;
	for (int i = 0; i < doc.n; i++) {
		if (!strcmp(doc.s[i].name, "jawnosc_http_requests_total"))
			total += doc.s[i].value;
		if (!strcmp(doc.s[i].name, "jawnosc_http_request_duration_seconds_count"))
			count += doc.s[i].value;
	}
	assert_true(total == 80000);
	assert_true(count == 80000);
	/* Each route saw exactly one slot: no duplicate series slipped in. */
	assert_true(prom_value(&doc, "jawnosc_http_request_duration_seconds_count", "route=\"a\"") == 10000);
	free(text);
}

static void test_process_metrics_present(void **state)
{
	char *t = render();
	parse_ok(t);
	assert_true(prom_value(&doc, "process_open_fds", "") > 2);
	assert_true(prom_value(&doc, "process_resident_memory_bytes", "") > 1e5);
	assert_true(prom_value(&doc, "process_start_time_seconds", "") > 1.5e9);
	free(t);
}

/* The parser must refuse what Prometheus refuses, or the tests above
 * would prove nothing. */
static void test_parser_refuses_invalid_expositions(void **state)
{
	static const char *const bad[] = {
	    "# HELP a A.\n# TYPE a gauge\na 1", /* no final line feed */
	    "# HELP a A.\n# TYPE a gauge\na 1\na 2\n", /* the same series twice */
	    "# HELP a A.\n# TYPE a gauge\na{x=\"1\"} 1\n# HELP b B.\n# TYPE b gauge\nb 1\na{x=\"2\"} 1\n",
	    "# HELP a A.\n# TYPE a gauge\n# TYPE a gauge\na 1\n", /* TYPE twice */
	    "# HELP a A.\na 1\n# TYPE a gauge\n",                 /* TYPE after samples */
	    "# TYPE a gauge\na 1\n",                              /* no HELP */
	    "# HELP a A.\n# TYPE a gauge\na{x=\"\\t\"} 1\n",      /* bad escape */
	    "# HELP a A.\n# TYPE a gauge\na{x=\"1\",x=\"2\"} 1\n", /* duplicate label */
	    "# HELP a A.\n# TYPE a gauge\na{x=1} 1\n",            /* unquoted */
	    "# HELP a A.\n# TYPE a gauge\na 0x10\n",              /* hex value */
	    "# HELP a A.\n# TYPE a gauge\na one\n",
	    "# HELP a A.\n# TYPE a gauge\n1a 1\n",                /* bad name */
	    "# HELP a A.\n# TYPE a gauge\na{1x=\"1\"} 1\n",       /* bad label name */
	    "# HELP a A.\n# TYPE a gauge\na  1\n",                /* two spaces */
	    "# HELP a A.\n# TYPE a gauge\na 1 \n",                /* trailing space */
	    "# HELP a A.\n# TYPE a countr\na 1\n",                /* unknown type */
	    "# HELP a A.\n# TYPE a counter\na 1\n",               /* counter without _total */
	    "# HELP a_total A.\n# TYPE a_total counter\na_total -1\n",
	    "# HELP h H.\n# TYPE h histogram\nh_bucket{le=\"1\"} 2\nh_bucket{le=\"+Inf\"} 1\nh_sum 1\nh_count 1\n",
	    "# HELP h H.\n# TYPE h histogram\nh_bucket{le=\"1\"} 1\nh_sum 1\nh_count 1\n", /* no +Inf */
	    "# HELP h H.\n# TYPE h histogram\nh_bucket{le=\"+Inf\"} 2\nh_sum 1\nh_count 1\n",
	    "# HELP h H.\n# TYPE h histogram\nh_bucket{le=\"+Inf\"} 1\nh_count 1\n", /* no _sum */
	    "# HELP h H.\n# TYPE h histogram\nh_bucket 1\nh_sum 1\nh_count 1\n",      /* no le */
	    "# HELP h H.\n# TYPE h histogram\nh 1\n",
	    "",
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		if (prom_parse(bad[i], &doc)) {
			fprintf(stderr, "accepted invalid exposition %zu:\n%s\n", i, bad[i]);
			fail();
		}
	}
	/* And accepts the valid forms it refuses nearby. */
	parse_ok("# HELP a A.\n# TYPE a gauge\na{x=\"1\"} 1\na{x=\"2\"} 2 1700000000000\n\n# other comment\n"
	         "# HELP h H.\n# TYPE h histogram\nh_bucket{le=\"1\"} 1\nh_bucket{le=\"+Inf\"} 2\n"
	         "h_sum 3.5\nh_count 2\n# HELP u Untyped.\nu NaN\n");
}

int main(void)
{
#define T(f) cmocka_unit_test_setup(f, reset)
	const struct CMUnitTest tests[] = {
	    T(test_empty_registry_is_valid),
	    T(test_requests_counted_by_route_and_status_class),
	    T(test_latency_lands_in_the_right_buckets),
	    T(test_label_values_and_help_are_escaped),
	    T(test_special_values),
	    T(test_more_routes_than_slots_go_to_other),
	    T(test_route_names_compared_by_content),
	    T(test_concurrent_observations_are_all_counted),
	    T(test_process_metrics_present),
	    T(test_parser_refuses_invalid_expositions),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
