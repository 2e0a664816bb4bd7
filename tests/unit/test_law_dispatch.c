/* SPDX-License-Identifier: EUPL-1.2 */
/* The rules of dispatch (server/law/dispatch.c): which channel is lawful
 * for which document and requester, the reasons with their articles, the
 * lawful default, and the dates of deemed delivery. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "law/dispatch.h"

static law_date_t D(const char *s)
{
	law_date_t d = LAW_DATE_NONE;
	if (!law_date_parse(s, &d))
		fail_msg("bad date in test: %s", s);
	return d;
}

static void assert_date(law_date_t d, const char *want)
{
	char got[LAW_DATE_STRLEN];
	law_date_format(d, got);
	assert_string_equal(got, want);
}

static void test_documents_whose_delivery_starts_a_term(void **state)
{
	(void)state;
	static const struct {
		law_document_t doc;
		bool starts;
	} cases[] = {
	    {LAW_DOC_REFUSAL_DECISION, true},
	    {LAW_DOC_PARTIAL_REFUSAL_DECISION, true},
	    {LAW_DOC_DISCONTINUANCE_DECISION, true},
	    {LAW_DOC_REUSE_REFUSAL_DECISION, true},
	    {LAW_DOC_CONDITIONS_DECISION, true},
	    {LAW_DOC_RECONSIDERATION_DECISION, true},
	    {LAW_DOC_CLARIFICATION_CALL, true},
	    {LAW_DOC_COMPLETION_CALL, true},
	    {LAW_DOC_INTEREST_CALL, true},
	    {LAW_DOC_FEE_NOTICE, true},
	    {LAW_DOC_FORM_NOTICE, true},
	    {LAW_DOC_REUSE_OFFER, true},
	    {LAW_DOC_INFORMATION_RELEASE, false},
	    {LAW_DOC_EXTENSION_NOTICE, false},
	    {LAW_DOC_NOT_HELD_LETTER, false},
	    {LAW_DOC_NOT_PUBLIC_INFORMATION_LETTER, false},
	    {LAW_DOC_PUBLISHED_LETTER, false},
	    {LAW_DOC_OTHER_STATUTE_LETTER, false},
	    {LAW_DOC_UNPROCESSED_LETTER, false},
	    {LAW_DOC_REUSE_TRANSFER, false},
	    {LAW_DOC_ACKNOWLEDGEMENT, false},
	    {LAW_DOC_NONE, true}, /* unknown: the stricter rules */
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		if (law_dispatch_starts_term(cases[i].doc) != cases[i].starts)
			fail_msg("%s: starts a term should be %d",
			         law_documents[cases[i].doc].id ? law_documents[cases[i].doc].id : "none",
			         cases[i].starts);
	}
}

/* The requester's situations of the table below. */
static const law_dispatch_situation_t ADE_EMAIL = {true, true, true, "email", true};
static const law_dispatch_situation_t EMAIL = {false, true, true, "email", false};
static const law_dispatch_situation_t EMAIL_NO_POST = {false, true, false, "email", false};
static const law_dispatch_situation_t PAGE = {false, false, true, "tracking_page", false};
static const law_dispatch_situation_t POST = {false, false, true, "post", true};
static const law_dispatch_situation_t NOTHING = {false, false, false, "tracking_page", false};

#define DEC LAW_DOC_REFUSAL_DECISION
#define CALL LAW_DOC_CLARIFICATION_CALL
#define INFO LAW_DOC_INFORMATION_RELEASE
#define CH(x) LAW_DISPATCH_##x

static void test_the_table_of_lawful_channels(void **state)
{
	(void)state;
	static const struct {
		law_document_t doc;
		const law_dispatch_situation_t *s;
		law_dispatch_channel_t ch;
		const char *refusal; /* NULL: lawful */
		const char *article; /* the reason cites it */
	} cases[] = {
	    /* A decision never goes by e-mail or the tracking page. */
	    {DEC, &EMAIL, CH(EMAIL), "email_cannot_deliver", "KPA art. 39"},
	    {DEC, &ADE_EMAIL, CH(EMAIL), "email_cannot_deliver", "39¹"},
	    {DEC, &PAGE, CH(TRACKING_PAGE), "page_cannot_deliver", "KPA art. 39¹"},
	    {CALL, &EMAIL, CH(EMAIL), "email_cannot_deliver", "KPA art. 39"},
	    /* With an electronic address: e-Doręczenia, not paper. */
	    {DEC, &ADE_EMAIL, CH(EDORECZENIA), NULL, NULL},
	    {DEC, &ADE_EMAIL, CH(REGISTERED_LETTER), "ade_address_first", "KPA art. 39¹"},
	    {DEC, &ADE_EMAIL, CH(HYBRID_POST), "ade_address_first", "doręczeniach elektronicznych"},
	    /* Without one: hybrid or registered letter, if there is an address. */
	    {DEC, &EMAIL, CH(EDORECZENIA), "no_ade_address", "art. 4"},
	    {DEC, &EMAIL, CH(REGISTERED_LETTER), NULL, NULL},
	    {DEC, &EMAIL, CH(HYBRID_POST), NULL, NULL},
	    {DEC, &EMAIL_NO_POST, CH(REGISTERED_LETTER), "no_postal_address", "KPA art. 42"},
	    {DEC, &NOTHING, CH(HYBRID_POST), "no_postal_address", "KPA art. 42"},
	    /* In person: always. */
	    {DEC, &NOTHING, CH(IN_PERSON), NULL, NULL},
	    {DEC, &ADE_EMAIL, CH(IN_PERSON), NULL, NULL},
	    /* What starts nothing: the way the requester chose. */
	    {INFO, &EMAIL, CH(EMAIL), NULL, NULL},
	    {INFO, &PAGE, CH(EMAIL), "email_not_chosen", "UDIP art. 14 ust. 1"},
	    {INFO, &POST, CH(EMAIL), "email_not_chosen", "UDIP art. 14 ust. 1"},
	    {INFO, &PAGE, CH(TRACKING_PAGE), NULL, NULL},
	    {INFO, &EMAIL, CH(TRACKING_PAGE), "page_not_chosen", "UDIP art. 14 ust. 1"},
	    {INFO, &POST, CH(REGISTERED_LETTER), NULL, NULL},
	    {INFO, &ADE_EMAIL, CH(REGISTERED_LETTER), NULL, NULL},
	    {INFO, &ADE_EMAIL, CH(EDORECZENIA), NULL, NULL},
	    {INFO, &EMAIL_NO_POST, CH(REGISTERED_LETTER), "no_postal_address", "KPA art. 42"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		law_error_t why;
		bool ok = law_dispatch_allowed(cases[i].doc, cases[i].s, cases[i].ch, &why);
		const char *name = law_dispatch_channels[cases[i].ch].id;
		if (!cases[i].refusal) {
			if (!ok)
				fail_msg("case %zu (%s): refused: %s", i, name, why.message);
			continue;
		}
		if (ok)
			fail_msg("case %zu (%s): allowed, want %s", i, name, cases[i].refusal);
		assert_string_equal(why.code, cases[i].refusal);
		if (!strstr(why.message, cases[i].article))
			fail_msg("case %zu: reason does not cite %s: %s", i, cases[i].article, why.message);
	}
	law_error_t why;
	assert_false(law_dispatch_allowed(DEC, &EMAIL, (law_dispatch_channel_t)99, &why));
	assert_string_equal(why.code, "unknown_channel");
}

static void test_the_default_is_lawful_and_the_one_the_law_prefers(void **state)
{
	(void)state;
	static const struct {
		law_document_t doc;
		const law_dispatch_situation_t *s;
		law_dispatch_channel_t want;
	} cases[] = {
	    {DEC, &ADE_EMAIL, CH(EDORECZENIA)},
	    {DEC, &EMAIL, CH(REGISTERED_LETTER)}, /* no e-Doręczenia service: printed */
	    {DEC, &POST, CH(HYBRID_POST)},        /* the service prints it */
	    {DEC, &EMAIL_NO_POST, CH(IN_PERSON)},
	    {CALL, &PAGE, CH(REGISTERED_LETTER)},
	    {INFO, &EMAIL, CH(EMAIL)},
	    {INFO, &PAGE, CH(TRACKING_PAGE)},
	    {INFO, &POST, CH(HYBRID_POST)},
	    {INFO, &ADE_EMAIL, CH(EDORECZENIA)},
	    /* Issue 20 item 12: the call for the name and address goes where
	     * the request came from when there is no other address, and by
	     * the KPA's ways when there is one. */
	    {LAW_DOC_IDENTITY_CALL, &EMAIL_NO_POST, CH(EMAIL)},
	    {LAW_DOC_IDENTITY_CALL, &NOTHING, CH(TRACKING_PAGE)},
	    {LAW_DOC_IDENTITY_CALL, &EMAIL, CH(REGISTERED_LETTER)},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		law_dispatch_channel_t got = law_dispatch_default(cases[i].doc, cases[i].s);
		if (got != cases[i].want)
			fail_msg("case %zu: default %s, want %s", i, law_dispatch_channels[got].id,
			         law_dispatch_channels[cases[i].want].id);
		assert_true(law_dispatch_allowed(cases[i].doc, cases[i].s, got, NULL));
	}
}

/* The exception is the identity call's alone: any other letter that starts
 * a term still refuses e-mail to a requester without an address, and the
 * call itself refuses it once a postal address is known. */
static void test_only_the_identity_call_goes_by_email_without_an_address(void **state)
{
	(void)state;
	law_error_t why;
	assert_true(law_dispatch_starts_term(LAW_DOC_IDENTITY_CALL));
	assert_true(law_dispatch_allowed(LAW_DOC_IDENTITY_CALL, &EMAIL_NO_POST, CH(EMAIL), NULL));
	assert_false(law_dispatch_allowed(CALL, &EMAIL_NO_POST, CH(EMAIL), &why));
	assert_false(law_dispatch_allowed(DEC, &EMAIL_NO_POST, CH(EMAIL), &why));
	assert_false(law_dispatch_allowed(LAW_DOC_IDENTITY_CALL, &EMAIL, CH(EMAIL), &why));
	assert_non_null(why.code);
}

static void test_every_rule_cites_an_article_and_every_channel_has_an_id(void **state)
{
	(void)state;
	for (size_t i = 0; i < law_dispatch_rule_count; i++) {
		const law_dispatch_rule_t *r = &law_dispatch_rules[i];
		assert_non_null(r->code);
		assert_true(strstr(r->reason, "art.") != NULL);
	}
	for (int i = 0; i < LAW_DISPATCH_COUNT; i++) {
		law_dispatch_channel_t ch;
		assert_true(law_dispatch_channel_from_id(law_dispatch_channels[i].id, &ch));
		assert_int_equal(ch, i);
		assert_true(strstr(law_dispatch_channels[i].basis, "art.") != NULL);
	}
	law_dispatch_channel_t ch;
	assert_false(law_dispatch_channel_from_id("fax", &ch));
	assert_false(law_dispatch_channel_from_id(NULL, &ch));
	assert_non_null(law_delivery_rule("deemed_kpa44"));
	assert_true(law_delivery_rule("deemed_kpa44")->deemed);
	assert_false(law_delivery_rule("return_receipt")->deemed);
	assert_null(law_delivery_rule("x"));
}

/* Issue 21 item 1: the body's step takes effect the day its letter leaves
 * the body — at once for e-mail and the tracking page, on posting for a
 * registered letter, when the service sends it for e-Doręczenia and the
 * hybrid post, on handing it over in person. */
static void test_when_a_letter_leaves_the_body(void **state)
{
	(void)state;
	static const struct {
		law_dispatch_channel_t ch;
		law_dispatch_leaves_t leaves;
		bool at_once;
	} cases[] = {
	    {LAW_DISPATCH_EMAIL, LAW_LEAVES_AT_DISPATCH, true},
	    {LAW_DISPATCH_TRACKING_PAGE, LAW_LEAVES_AT_DISPATCH, true},
	    {LAW_DISPATCH_REGISTERED_LETTER, LAW_LEAVES_AT_POSTING, false},
	    {LAW_DISPATCH_EDORECZENIA, LAW_LEAVES_AT_SENDING, false},
	    {LAW_DISPATCH_HYBRID_POST, LAW_LEAVES_AT_SENDING, false},
	    {LAW_DISPATCH_IN_PERSON, LAW_LEAVES_AT_HANDOVER, false},
	};
	assert_int_equal(sizeof cases / sizeof cases[0], LAW_DISPATCH_COUNT);
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		assert_int_equal(law_dispatch_channels[cases[i].ch].leaves, cases[i].leaves);
		assert_int_equal(law_dispatch_leaves_at_once(cases[i].ch), cases[i].at_once);
		assert_non_null(law_dispatch_leaves_label(cases[i].ch));
	}
	assert_non_null(strstr(law_dispatch_leaves_label(LAW_DISPATCH_REGISTERED_LETTER), "nadania"));
	assert_false(law_dispatch_leaves_at_once(LAW_DISPATCH_COUNT));
}

static void test_deemed_delivery_dates(void **state)
{
	(void)state;
	/* KPA art. 44 §4: the last day of the 14 days from the first notice. */
	assert_date(law_dispatch_deemed_kpa44(D("2026-03-02")), "2026-03-16");
	assert_date(law_dispatch_deemed_kpa44(D("2026-12-20")), "2027-01-03");
	/* Not moved off a Sunday: the fiction is not a term to act. */
	assert_date(law_dispatch_deemed_kpa44(D("2026-03-08")), "2026-03-22");
	/* e-Doręczenia: the day after 14 days from availability. */
	assert_date(law_dispatch_deemed_edoreczenia(D("2026-03-02")), "2026-03-17");
	assert_date(law_dispatch_deemed_edoreczenia(D("2026-02-20")), "2026-03-07");
	assert_false(law_date_is_set(law_dispatch_deemed_kpa44(LAW_DATE_NONE)));
	assert_false(law_date_is_set(law_dispatch_deemed_edoreczenia(LAW_DATE_NONE)));
}

static void test_ade_address_format(void **state)
{
	(void)state;
	assert_true(law_ade_address_valid("AE:PL-12345-67890-ABCDE-12"));
	static const char *const bad[] = {
	    "",
	    "AE:PL-12345-67890-ABCDE-1",
	    "AE:PL-12345-67890-ABCDE-123",
	    "AE:PL-12345-67890-abcde-12",
	    "ae:pl-12345-67890-ABCDE-12",
	    "AE:DE-12345-67890-ABCDE-12",
	    "AE:PL-1234A-67890-ABCDE-12",
	    "AE:PL-12345 67890-ABCDE-12",
	    "XE:PL-12345-67890-ABCDE-12",
	    " AE:PL-12345-67890-ABCDE-12",
	    "AE:PL-12345-67890-ĄBCDE-12",
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		if (law_ade_address_valid(bad[i]))
			fail_msg("accepted: \"%s\"", bad[i]);
	assert_false(law_ade_address_valid(NULL));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_documents_whose_delivery_starts_a_term),
	    cmocka_unit_test(test_the_table_of_lawful_channels),
	    cmocka_unit_test(test_the_default_is_lawful_and_the_one_the_law_prefers),
	    cmocka_unit_test(test_only_the_identity_call_goes_by_email_without_an_address),
	    cmocka_unit_test(test_every_rule_cites_an_article_and_every_channel_has_an_id),
	    cmocka_unit_test(test_when_a_letter_leaves_the_body),
	    cmocka_unit_test(test_deemed_delivery_dates),
	    cmocka_unit_test(test_ade_address_format),
	};
	return cmocka_run_group_tests_name("law_dispatch", tests, NULL, NULL);
}
