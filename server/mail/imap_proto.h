/* SPDX-License-Identifier: EUPL-1.2 */
/* IMAP4rev1 (RFC 3501), the pure half of the IMAP polling job
 * (cases/imap.c, docs/inbound.md "IMAP and the e-Doręczenia inbox"): how a
 * server's responses are framed and read, with no I/O, so that the parsers
 * can be tested and fuzzed on their own. mail/imap_client.c does the
 * transport (libcurl logs in, then these commands go over its socket).
 *
 * Every response of the server is hostile: a line outside literals is at
 * most IMAP_LINE_MAX bytes, a literal at most the caller's limit, numbers
 * fit their types, and a parser that does not find what it looks for says
 * so instead of guessing. A literal's bytes are never scanned for
 * structure, so a message that holds "A1 OK" on a line of its own cannot
 * end a command early. Knows nothing of cases or the database. */
#ifndef JAWNOSC_MAIL_IMAP_PROTO_H
#define JAWNOSC_MAIL_IMAP_PROTO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define IMAP_LINE_MAX (1024 * 1024) /* one line of a response, outside its literals (a
                                     SEARCH of a large backlog is one line) */

/* The length of the first complete response in buf[0..len) (its last line's
 * CRLF included, every literal it announces with it), 0 when more bytes are
 * needed, -1 when it cannot be one: a line over IMAP_LINE_MAX, a literal
 * over `literal_max`, a malformed literal length. */
long imap_frame(const char *buf, size_t len, size_t literal_max);

enum imap_status { IMAP_ST_OK, IMAP_ST_NO, IMAP_ST_BAD, IMAP_ST_BYE, IMAP_ST_OTHER };

/* Whether the response is the tagged one of `tag` ("J7 OK ..."); its
 * status in *st and its text (after the status word, up to 200 bytes,
 * made printable) in `text`. */
bool imap_is_tagged(const char *resp, size_t len, const char *tag, enum imap_status *st,
                    char *text, size_t textcap);

/* "* BYE ...": the server is closing the connection. */
bool imap_is_bye(const char *resp, size_t len);

/* "* OK [UIDVALIDITY n] ...": n (1..2^32-1). */
bool imap_parse_uidvalidity(const char *resp, size_t len, uint32_t *out);

/* "* SEARCH n n ...": appends the numbers to out[*n..max) (more are
 * counted in *more, not stored). False when it is not a SEARCH response or
 * a number is malformed. */
bool imap_parse_search(const char *resp, size_t len, uint32_t *out, size_t max, size_t *n,
                       size_t *more);

/* What "* n FETCH (...)" said of one message. */
struct imap_fetch {
	uint32_t uid;          /* 0: not in the response */
	bool has_size;
	uint64_t size;         /* RFC822.SIZE */
	bool has_body;
	const char *body;      /* BODY[] (points into the response) */
	size_t body_len;
	bool has_flags;
	bool seen;             /* FLAGS holds \Seen */
};
/* False when it is not a FETCH response or its item list is malformed. */
bool imap_parse_fetch(const char *resp, size_t len, struct imap_fetch *out);

/* Writes `s` as an IMAP quoted string (with its quotes) into out. False
 * when it has a character a quoted string cannot hold (CR, LF, NUL, a
 * byte over 127: a mailbox with such a name needs modified UTF-7, which
 * the settings refuse) or does not fit. */
bool imap_quote(const char *s, char *out, size_t cap);

#endif
