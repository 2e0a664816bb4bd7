/* SPDX-License-Identifier: EUPL-1.2 */
/* Reply addresses and Message-IDs (server/cases/mailref.c), and the
 * thread's headers of outgoing mail (mail_build_thread in mailmsg.c):
 * what we make verifies, in any case; a changed tag, case or shape does
 * not; ids from outside never open a header of their own. */
#include <ctype.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <sodium.h>

#include "cases/mailmsg.h"
#include "cases/mailref.h"
#include "cases/secret.h"
#include "core/strbuf.h"

static const char *const FROM = "Jawność <jawnosc@urzad.example>";

static void test_reply_address_names_the_case_and_verifies_in_any_case(void **state)
{
	char a[MAILREF_MAX + 1];
	assert_true(mailref_reply_address("bip@gmina.example", FROM, 1234, a, sizeof a));
	assert_int_equal(strncmp(a, "bip+1234-", 9), 0);
	assert_int_equal(strlen(a), strlen("bip+1234-") + MAILREF_TAG_LEN + strlen("@gmina.example"));
	long long id = 0;
	assert_true(mailref_reply_verify(a, &id));
	assert_int_equal(id, 1234);
	for (char *p = a; *p; p++)
		*p = (char)toupper((unsigned char)*p);
	assert_true(mailref_reply_verify(a, &id));
	assert_int_equal(id, 1234);
	char quoted[MAILREF_MAX + 3];
	snprintf(quoted, sizeof quoted, "<%s>", a);
	assert_true(mailref_reply_verify(quoted, &id));
	/* In a header among other addresses. */
	char header[600];
	snprintf(header, sizeof header, "\"Urząd\" <bip@gmina.example>, Jan <%s>\n", a);
	assert_true(mailref_reply_find(header, &id));
	assert_int_equal(id, 1234);
}

static void test_a_changed_tag_or_case_does_not_verify(void **state)
{
	char a[MAILREF_MAX + 1], b[MAILREF_MAX + 1];
	long long id = 0;
	assert_true(mailref_reply_address("bip@gmina.example", FROM, 1234, a, sizeof a));
	/* Every single character of the tag changed. */
	char *tag = strchr(a, '-') + 1;
	for (int i = 0; i < MAILREF_TAG_LEN; i++) {
		snprintf(b, sizeof b, "%s", a);
		b[tag - a + i] = b[tag - a + i] == 'a' ? 'b' : 'a';
		id = -1; /* a refusal leaves no case behind */
		assert_false(mailref_reply_verify(b, &id));
		assert_int_equal(id, 0);
	}
	/* Another case with this case's tag. */
	snprintf(b, sizeof b, "bip+1235-%s", tag);
	assert_false(mailref_reply_verify(b, &id));
	/* Shapes that are not ours. */
	static const char *const bad[] = {
	    "", "bip@gmina.example", "bip+@gmina.example", "bip+1234@gmina.example",
	    "+1234-aaaaaaaaaa@gmina.example", "bip+-aaaaaaaaaa@gmina.example",
	    "bip+0-aaaaaaaaaa@gmina.example", "bip+1234-aaaaaaaaa@gmina.example",
	    "bip+1234-aaaaaaaaaaa@gmina.example", "bip+99999999999999999999-aaaaaaaaaa@x.example",
	    "bip+1234-aaaaaaaaaa", "bip+12a4-aaaaaaaaaa@gmina.example"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		assert_false(mailref_reply_verify(bad[i], &id));
	assert_false(mailref_reply_find("no address here @ all", &id));
	assert_false(mailref_reply_find(NULL, &id));
}

static void test_without_an_organisation_address_the_sender_is_the_base(void **state)
{
	char a[MAILREF_MAX + 1];
	long long id;
	assert_true(mailref_reply_address("", FROM, 7, a, sizeof a));
	assert_int_equal(strncmp(a, "jawnosc+7-", 10), 0);
	assert_non_null(strstr(a, "@urzad.example"));
	assert_true(mailref_reply_verify(a, &id));
	/* A tag already in the organisation's address is dropped. */
	assert_true(mailref_reply_address("bip+sprawy@gmina.example", FROM, 7, a, sizeof a));
	assert_int_equal(strncmp(a, "bip+7-", 6), 0);
	assert_false(mailref_reply_address("", "nikt", 7, a, sizeof a));
	assert_string_equal(a, "");
	assert_false(mailref_reply_address("bip@gmina.example", FROM, 0, a, sizeof a));
}

static void test_message_id_is_stable_per_row_and_unique(void **state)
{
	char a[MAILREF_MAX + 1], b[MAILREF_MAX + 1], c[MAILREF_MAX + 1];
	assert_true(mailref_message_id(41, FROM, a, sizeof a));
	assert_true(mailref_message_id(41, FROM, b, sizeof b));
	assert_true(mailref_message_id(42, FROM, c, sizeof c));
	assert_string_equal(a, b);
	assert_string_not_equal(a, c);
	assert_int_equal(strncmp(a, "jawnosc.41.", 11), 0);
	assert_non_null(strstr(a, "@urzad.example"));
	assert_true(mailref_id_safe(a));
	assert_false(mailref_id_safe("a b@c"));
	assert_false(mailref_id_safe("a@b\r\nBcc: x@y"));
	assert_false(mailref_id_safe("<a@b>"));
	assert_false(mailref_id_safe("nobody"));
	assert_false(mailref_id_safe(""));
}

static void test_thread_headers_and_hostile_ids(void **state)
{
	char err[128];
	const char *refs[] = {"root@example.org", "evil@x\r\nBcc: victim@example.org",
	                      "two words@example.org", "last@example.org"};
	struct mail_thread t = {.message_id = "jawnosc.5.abcdefghij@urzad.example",
	                        .reply_to = "bip+5-abcdefghij@gmina.example",
	                        .in_reply_to = "x@y\nTo: someone@example.org",
	                        .refs = refs,
	                        .nrefs = 4};
	strbuf_t sb;
	sb_init(&sb, NULL);
	assert_true(mail_build_thread(&sb, FROM, "jan@example.org", "Temat", "Treść", &t, NULL,
	                              0, err, sizeof err));
	assert_non_null(strstr(sb.data, "\r\nMessage-ID: <jawnosc.5.abcdefghij@urzad.example>\r\n"));
	assert_non_null(strstr(sb.data, "\r\nReply-To: bip+5-abcdefghij@gmina.example\r\n"));
	assert_null(strstr(sb.data, "In-Reply-To"));
	assert_non_null(
	    strstr(sb.data, "\r\nReferences: <root@example.org>\r\n <last@example.org>\r\n"));
	assert_null(strstr(sb.data, "Bcc"));
	assert_null(strstr(sb.data, "victim"));
	sb_free(&sb);
	/* A bad Message-ID fails; a bad Reply-To is left out. */
	sb_init(&sb, NULL);
	t.message_id = "a b";
	assert_false(mail_build_thread(&sb, FROM, "jan@example.org", "T", "B", &t, NULL, 0, err,
	                               sizeof err));
	t.message_id = NULL;
	t.reply_to = "x@y\r\nBcc: z@w";
	t.in_reply_to = "parent@example.org";
	assert_true(mail_build_thread(&sb, FROM, "jan@example.org", "T", "B", &t, NULL, 0, err,
	                              sizeof err));
	assert_null(strstr(sb.data, "\r\nReply-To"));
	assert_null(strstr(sb.data, "Bcc"));
	assert_non_null(strstr(sb.data, "\r\nIn-Reply-To: <parent@example.org>\r\n"));
	assert_non_null(strstr(sb.data, "@jawnosc>\r\n")); /* a random Message-ID */
	sb_free(&sb);
}

int main(void)
{
	if (sodium_init() < 0)
		return 1;
	secret_set((const unsigned char *)"unit-test-secret", 16);
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_reply_address_names_the_case_and_verifies_in_any_case),
	    cmocka_unit_test(test_a_changed_tag_or_case_does_not_verify),
	    cmocka_unit_test(test_without_an_organisation_address_the_sender_is_the_base),
	    cmocka_unit_test(test_message_id_is_stable_per_row_and_unique),
	    cmocka_unit_test(test_thread_headers_and_hostile_ids),
	};
	return cmocka_run_group_tests_name("mailref", tests, NULL, NULL);
}
