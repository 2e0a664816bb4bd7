/* SPDX-License-Identifier: EUPL-1.2 */
/* Which dispatch date meets a requester's term (KPA art. 57 §5;
 * server/law/sent.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "law/sent.h"

static law_date_t D(const char *s)
{
	law_date_t d = LAW_DATE_NONE;
	if (!law_date_parse(s, &d))
		fail_msg("bad date in test: %s", s);
	return d;
}

static void assert_date(law_date_t d, const char *want)
{
	char s[LAW_DATE_STRLEN];
	law_date_format(d, s);
	assert_string_equal(s, want);
}

static void test_operator_and_electronic_filing_count_by_the_date_sent(void **state)
{
	(void)state;
	assert_date(law_sent_effective(law_sent_channel("operator"), D("2026-03-02"), D("2026-03-05")),
	            "2026-03-02");
	assert_date(law_sent_effective(law_sent_channel("electronic"), D("2026-03-02"),
	                               D("2026-03-05")),
	            "2026-03-02");
	assert_date(law_sent_effective(law_sent_channel("special"), D("2026-03-02"), D("2026-03-05")),
	            "2026-03-02");
}

static void test_a_courier_or_a_visit_counts_by_the_date_received(void **state)
{
	(void)state;
	assert_date(law_sent_effective(law_sent_channel("courier"), D("2026-03-02"), D("2026-03-05")),
	            "2026-03-05");
	assert_date(law_sent_effective(law_sent_channel("in_person"), D("2026-03-02"),
	                               D("2026-03-05")),
	            "2026-03-05");
	/* No channel known, or no date sent: the date received. */
	assert_date(law_sent_effective(NULL, D("2026-03-02"), D("2026-03-05")), "2026-03-05");
	assert_date(law_sent_effective(law_sent_channel("operator"), LAW_DATE_NONE, D("2026-03-05")),
	            "2026-03-05");
	assert_null(law_sent_channel("dpd"));
	assert_null(law_sent_channel(NULL));
}

static void test_every_channel_has_a_label_and_a_basis(void **state)
{
	(void)state;
	int n = 0;
	for (const struct law_sent_channel *c = law_sent_channels; c->id; c++, n++) {
		assert_non_null(c->label);
		assert_non_null(strstr(c->basis, c->dispatch_counts ? "KPA art. 57 § 5 pkt" : "data"));
	}
	assert_int_equal(n, 5);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_operator_and_electronic_filing_count_by_the_date_sent),
	    cmocka_unit_test(test_a_courier_or_a_visit_counts_by_the_date_received),
	    cmocka_unit_test(test_every_channel_has_a_label_and_a_basis),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
