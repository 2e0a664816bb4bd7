/* SPDX-License-Identifier: EUPL-1.2 */
/* libFuzzer target: the IMAP job's reading of a server's responses
 * (server/mail/imap_proto.c), which are hostile.
 *
 * The input is a stream of responses as a server would send them; it is
 * framed response by response (with a literal limit taken from the first
 * byte: tiny, or large), and every framed response is given to every
 * parser. Besides crashes, leaks and sanitizer reports, abort() when:
 *  - a frame is empty, longer than what is left, or does not end with LF;
 *  - a FETCH's body does not lie inside its response, or a UID is 0;
 *  - SEARCH gives a 0 or more numbers than the room;
 *  - a UIDVALIDITY is 0;
 *  - a tagged response's text holds a byte outside printable ASCII. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mail/imap_proto.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(bool ok)
{
	if (!ok)
		abort();
}

static void parse_all(const char *r, size_t n)
{
	struct imap_fetch f;
	if (imap_parse_fetch(r, n, &f)) {
		if (f.has_body)
			check(f.body >= r && f.body + f.body_len <= r + n);
		check(!f.has_body || f.body != NULL);
	}
	uint32_t uids[4];
	size_t nu = 0, more = 0;
	if (imap_parse_search(r, n, uids, 4, &nu, &more)) {
		check(nu <= 4);
		for (size_t i = 0; i < nu; i++)
			check(uids[i] != 0);
	}
	uint32_t v;
	if (imap_parse_uidvalidity(r, n, &v))
		check(v != 0);
	enum imap_status st;
	char text[64];
	if (imap_is_tagged(r, n, "J1", &st, text, sizeof text)) {
		check(strlen(text) < sizeof text);
		for (const char *p = text; *p; p++)
			check(*p >= 32 && *p < 127);
	}
	(void)imap_is_bye(r, n);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	size_t literal_max = data[0] & 1 ? 16 : 1u << 20;
	/* A copy without the first byte, so that reading past it is seen. */
	char *buf = malloc(size - 1 ? size - 1 : 1);
	if (!buf)
		return 0;
	memcpy(buf, data + 1, size - 1);
	size_t pos = 0, len = size - 1;
	while (pos < len) {
		long n = imap_frame(buf + pos, len - pos, literal_max);
		if (n <= 0)
			break;
		check((size_t)n <= len - pos);
		check(buf[pos + (size_t)n - 1] == '\n');
		parse_all(buf + pos, (size_t)n);
		pos += (size_t)n;
	}
	char q[64];
	char *s = malloc(size < 40 ? size + 1 : 41);
	if (s) {
		size_t k = size < 40 ? size : 40;
		memcpy(s, data, k);
		s[k] = '\0';
		if (imap_quote(s, q, sizeof q))
			check(q[0] == '"' && q[strlen(q) - 1] == '"');
		free(s);
	}
	free(buf);
	return 0;
}
