/* SPDX-License-Identifier: EUPL-1.2 */
/* libFuzzer target: the inbound mail parser (server/mail/parse.c over
 * GMime 3, with mail/text.c, mail/html.c and mail/classify.c), which
 * reads whatever anyone e-mails to an office.
 *
 * The input is one raw message. Its seeds are the corpus of messages
 * shaped like real ones, tests/mail/corpus/ (corpus/mailparse is a link to
 * it). An input whose length is a multiple of 5 is parsed with tiny limits
 * (depth 3, 8 parts, 256 bytes decoded, 64 bytes of text), the others with
 * the defaults. Besides crashes, leaks and sanitizer reports, abort() when
 * a result breaks what mail/parse.h promises:
 *  - every string is valid UTF-8 without NUL and without control
 *    characters (the text: but line feed and tab); header values within
 *    998 bytes;
 *  - unreadable exactly when there is a parse_error;
 *  - the text within the limit; the parts within the limit in number and
 *    in decoded bytes; at most 100 references, none empty;
 *  - every part has a file name of 1..255 bytes without '/' or '\\' (not
 *    "." or ".."), a "type/subtype" of at most 255 bytes, its data, and a
 *    note exactly when it is not readable;
 *  - a bounce's Message-ID and recipient are clean when present, and only
 *    a bounce has them. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/utf8.h"
#include "mail/parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(bool ok)
{
	if (!ok)
		abort();
}

static void check_clean(const char *s, bool text, size_t max)
{
	check(s != NULL);
	size_t n = strlen(s);
	check(n <= max);
	check(utf8_valid(s, n));
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		check(!((c < 0x20 && !(text && (c == '\n' || c == '\t'))) || c == 0x7F));
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mail_limits lim = mail_limits_default;
	if (size % 5 == 0)
		lim = (struct mail_limits){.depth = 3, .parts = 8, .decoded = 256, .text = 64};
	arena_t *a = arena_new(4096);
	struct mail m;
	mail_parse(a, data, size, &lim, &m);
	check_clean(m.from_address, false, 998);
	check_clean(m.from_name, false, 998);
	check_clean(m.subject, false, 998);
	check_clean(m.message_id, false, 998);
	check_clean(m.in_reply_to, false, 998);
	check_clean(m.text, true, lim.text);
	check((m.kind == MAIL_UNREADABLE) == (m.parse_error != NULL));
	if (m.parse_error)
		check_clean(m.parse_error, false, 4096);
	if (m.note)
		check_clean(m.note, false, 4096);
	check(m.nrefs <= 100);
	for (size_t i = 0; i < m.nrefs; i++) {
		check_clean(m.refs[i], false, 998);
		check(m.refs[i][0] != '\0');
	}
	check(m.kind == MAIL_BOUNCE || (!m.bounce_of && !m.bounce_recipient));
	if (m.bounce_of)
		check_clean(m.bounce_of, false, 998);
	if (m.bounce_recipient)
		check_clean(m.bounce_recipient, false, 998);
	check(m.nparts <= (size_t)lim.parts);
	size_t total = 0;
	for (size_t i = 0; i < m.nparts; i++) {
		const struct mail_part *p = &m.parts[i];
		check_clean(p->filename, false, 255);
		check(p->filename[0] && !strchr(p->filename, '/') && !strchr(p->filename, '\\'));
		check(strcmp(p->filename, ".") && strcmp(p->filename, ".."));
		check_clean(p->content_type, false, 255);
		check(strchr(p->content_type, '/') != NULL);
		check(p->data != NULL);
		check(p->readable == (p->note[0] == '\0'));
		total += p->size;
	}
	check(total <= lim.decoded);
	arena_free(a);
	return 0;
}
