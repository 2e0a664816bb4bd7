/* SPDX-License-Identifier: EUPL-1.2 */
/* Outgoing e-mail as text, without I/O: RFC 5322 headers, MIME (RFC 2045,
 * 2046) with a base64 text/plain body and an optional PDF attachment,
 * RFC 2047 encoded-words for non-ASCII header text, RFC 2231 for the
 * attachment's file name, address checks, and the retry backoff.
 * The only outside inputs are the clock (Date) and libsodium's random bytes
 * (a Message-ID the caller does not give, MIME boundary). Lines end in
 * CRLF, as SMTP wants them. */
#ifndef JAWNOSC_CASES_MAILMSG_H
#define JAWNOSC_CASES_MAILMSG_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "core/strbuf.h"

/* Backoff ceiling between two attempts, in seconds. */
#define MAIL_BACKOFF_MAX 3600L
/* Longest address we accept (RFC 5321 §4.5.3.1.3 path limit less "<>"). */
#define MAIL_ADDRESS_MAX 254

/* True when `addr` is a bare addr-spec we will hand to SMTP and put in a
 * header: local@domain, printable ASCII, no spaces, no CR/LF, none of
 * <>()[],;:\" , one '@', a dotted domain without empty labels. Otherwise
 * false and `err` says why in one English phrase ("contains CR or LF",
 * "is not an e-mail address"). */
bool mail_address_valid(const char *addr, char *err, size_t errlen);

/* Splits "Display Name <addr>", "\"Quoted, Name\" <addr>" or a bare "addr"
 * into the display name (may come out empty) and the address (not checked
 * here: use mail_address_valid). False when a buffer is too small or the
 * angle brackets do not match. */
bool mail_split_from(const char *from, char *name, size_t namelen, char *addr, size_t addrlen);

/* Appends `utf8` as the text of an unstructured header (Subject). Printable
 * ASCII without "=?" is copied as is; anything else becomes RFC 2047
 * encoded-words (UTF-8, "B" encoding), each at most 75 characters and never
 * splitting a UTF-8 character, separated by CRLF SP folding. Control
 * characters, CR and LF included, never appear raw in the output. */
void mail_encode_header(strbuf_t *out, const char *utf8);

/* Appends `data` in base64, in lines of at most `line_len` characters (a
 * multiple of 4; 0 means one line) each ended by CRLF. */
void mail_base64(strbuf_t *out, const unsigned char *data, size_t n, size_t line_len);

/* Appends the header "Date: " of `now` (RFC 5322 §3.3, in UTC, English
 * names whatever the locale) with its CRLF. */
void mail_put_date(strbuf_t *out, time_t now);

/* Builds the whole message into `out`: Date, From (display name encoded when
 * not ASCII), To, Subject (CR and LF replaced by spaces, then encoded),
 * Message-ID <random@jawnosc>, MIME-Version, Auto-Submitted, and the body as
 * base64 text/plain in UTF-8, exactly as given (76-character lines). With
 * `att` non-NULL, a multipart/mixed message with the PDF attached as
 * `attachment_name` (NULL: "dokument.pdf"; non-ASCII per RFC 2231/2047).
 * False with `err` filled when the recipient or the sender's address is not
 * valid; nothing is appended then. */
bool mail_build(strbuf_t *out, const char *from, const char *to, const char *subject,
                const char *body, const char *attachment_name, const unsigned char *att,
                size_t att_len, char *err, size_t errlen);

/* One attached file. */
struct mail_attachment {
	const char *name;         /* NULL: "dokument.pdf" (non-ASCII per RFC 2231/2047) */
	const char *content_type; /* NULL: application/pdf; not a plain type: octet-stream */
	const unsigned char *data;
	size_t len;
};

/* What ties a message to its case's thread (cases/mailref.h). Every field
 * may be NULL or "" (none). */
struct mail_thread {
	const char *message_id;  /* without <>; NULL: <random@jawnosc> */
	const char *reply_to;    /* an address: Reply-To */
	const char *in_reply_to; /* a Message-ID without <> */
	const char *const *refs; /* Message-IDs without <>, oldest first: References */
	size_t nrefs;
};

/* mail_build() with any number of attachments (the document's PDF and the
 * files a clerk attached to it), in the order given (none: a single-part
 * message), and, when `thread` is not NULL, the thread's headers:
 * Message-ID as given, Reply-To, In-Reply-To and References (one folded
 * line per id). An id or address that is not safe to repeat in a header
 * (mailref_id_safe(), mail_address_valid()) is left out; a bad message_id
 * fails. */
bool mail_build_thread(strbuf_t *out, const char *from, const char *to, const char *subject,
                       const char *body, const struct mail_thread *thread,
                       const struct mail_attachment *att, size_t natt, char *err,
                       size_t errlen);
/* The same without a thread. */
bool mail_build_parts(strbuf_t *out, const char *from, const char *to, const char *subject,
                      const char *body, const struct mail_attachment *att, size_t natt,
                      char *err, size_t errlen);

/* Seconds to wait after the `attempts`-th failed attempt (1 for the first):
 * base, 2*base, 4*base, ... at most MAIL_BACKOFF_MAX. */
long mail_backoff_seconds(int attempts, long base);

#endif
