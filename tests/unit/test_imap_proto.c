/* SPDX-License-Identifier: EUPL-1.2 */
/* The pure half of the IMAP job (server/mail/imap_proto.c): framing of
 * responses with literals, and the parsers the job relies on. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "mail/imap_proto.h"

#define S(x) x, sizeof x - 1

static void test_frame_waits_for_the_whole_literal_and_its_line(void **state)
{
	(void)state;
	const char r[] = "* 1 FETCH (UID 7 BODY[] {5}\r\nabcde)\r\nJ2 OK done\r\n";
	size_t first = strlen("* 1 FETCH (UID 7 BODY[] {5}\r\nabcde)\r\n");
	for (size_t cut = 0; cut < first; cut++)
		assert_int_equal(imap_frame(r, cut, 100), 0);
	assert_int_equal(imap_frame(r, sizeof r - 1, 100), (long)first);
	/* A literal over the limit, a line over IMAP_LINE_MAX: refused. */
	assert_int_equal(imap_frame(r, sizeof r - 1, 4), -1);
	assert_int_equal(imap_frame(S("* 1 FETCH (BODY[] {99999999999999}\r\n"), 100), -1);
}

/* A message holding what looks like our tagged answer does not end the
 * command: its bytes are a literal, never read as lines. */
static void test_a_message_that_holds_a_tagged_line_is_one_literal(void **state)
{
	(void)state;
	const char r[] = "* 3 FETCH (UID 17 BODY[] {29}\r\nSubject: x\r\n\r\nJ9 OK hi\r\nend\r\n)\r\n"
	                 "J9 OK Fetch completed\r\n";
	long n = imap_frame(r, sizeof r - 1, 1000);
	assert_true(n > 0);
	enum imap_status st;
	char text[64];
	assert_false(imap_is_tagged(r, (size_t)n, "J9", &st, text, sizeof text));
	struct imap_fetch f;
	assert_true(imap_parse_fetch(r, (size_t)n, &f));
	assert_int_equal(f.uid, 17);
	assert_true(f.has_body);
	assert_int_equal(f.body_len, 29);
	assert_memory_equal(f.body, "Subject: x\r\n\r\nJ9 OK hi\r\nend\r\n", 29);
	assert_true(imap_is_tagged(r + n, sizeof r - 1 - (size_t)n, "J9", &st, text, sizeof text));
	assert_int_equal(st, IMAP_ST_OK);
	assert_string_equal(text, "Fetch completed");
}

static void test_fetch_size_and_flags(void **state)
{
	(void)state;
	struct imap_fetch f;
	assert_true(imap_parse_fetch(S("* 12 FETCH (FLAGS (\\Answered \\Seen) UID 44 "
	                               "RFC822.SIZE 41943041)\r\n"),
	                             &f));
	assert_int_equal(f.uid, 44);
	assert_true(f.has_size);
	assert_int_equal(f.size, 41943041);
	assert_true(f.seen);
	assert_false(f.has_body);
	/* Not FETCH, a UID of 0, a body that is not a literal: refused. */
	assert_false(imap_parse_fetch(S("* 12 EXPUNGE\r\n"), &f));
	assert_false(imap_parse_fetch(S("* 1 FETCH (UID 0)\r\n"), &f));
	assert_false(imap_parse_fetch(S("* 1 FETCH (UID 3 BODY[] \"text\")\r\n"), &f));
	assert_false(imap_parse_fetch(S("* 1 FETCH (UID 3 BODY[] {9}\r\nabc)\r\n"), &f));
}

static void test_search_and_uidvalidity(void **state)
{
	(void)state;
	uint32_t u[2];
	size_t n = 0, more = 0;
	assert_true(imap_parse_search(S("* SEARCH 4 9 12\r\n"), u, 2, &n, &more));
	assert_int_equal(n, 2);
	assert_int_equal(more, 1);
	assert_int_equal(u[0], 4);
	assert_int_equal(u[1], 9);
	n = more = 0;
	assert_true(imap_parse_search(S("* SEARCH\r\n"), u, 2, &n, &more));
	assert_int_equal(n, 0);
	assert_false(imap_parse_search(S("* SEARCH 4 x\r\n"), u, 2, &n, &more));
	assert_false(imap_parse_search(S("* SEARCH 4294967296\r\n"), u, 2, &n, &more));
	uint32_t v;
	assert_true(imap_parse_uidvalidity(S("* OK [UIDVALIDITY 1796598629] UIDs valid\r\n"), &v));
	assert_int_equal(v, 1796598629u);
	assert_false(imap_parse_uidvalidity(S("* OK [UIDVALIDITY 0] x\r\n"), &v));
	assert_false(imap_parse_uidvalidity(S("* OK [UIDNEXT 5] x\r\n"), &v));
}

static void test_quote_mailbox_names(void **state)
{
	(void)state;
	char q[32];
	assert_true(imap_quote("INBOX", q, sizeof q));
	assert_string_equal(q, "\"INBOX\"");
	assert_true(imap_quote("a\"b\\c", q, sizeof q));
	assert_string_equal(q, "\"a\\\"b\\\\c\"");
	assert_false(imap_quote("a\r\nJ1 LOGOUT", q, sizeof q));
	assert_false(imap_quote("Wysłane", q, sizeof q));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_frame_waits_for_the_whole_literal_and_its_line),
	    cmocka_unit_test(test_a_message_that_holds_a_tagged_line_is_one_literal),
	    cmocka_unit_test(test_fetch_size_and_flags),
	    cmocka_unit_test(test_search_and_uidvalidity),
	    cmocka_unit_test(test_quote_mailbox_names),
	};
	return cmocka_run_group_tests_name("imap_proto", tests, NULL, NULL);
}
