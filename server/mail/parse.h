/* SPDX-License-Identifier: EUPL-1.2 */
/* One inbound message (RFC 5322, MIME) read with GMime 3 into a plain
 * struct (issue 19 §1, docs/inbound.md "Parsing"). Pure: no database, no
 * I/O; every string in the result is valid UTF-8 without NUL or control
 * characters (text: but line feed and tab) and lives in the caller's
 * arena.
 *
 * What it reads:
 * - From (address, name), Subject (encoded words decoded), Message-ID,
 *   In-Reply-To and References (without angle brackets);
 * - the text: text/plain preferred in multipart/alternative, HTML
 *   converted to text (mail/html.h) when there is nothing else, several
 *   text parts of a multipart/mixed joined; a forwarded message
 *   (message/rfc822) appended under a marker with its sender, date and
 *   subject, its attachments listed with the others;
 * - attachments with decoded file names (RFC 2047 and RFC 2231), inline
 *   images (an image with a Content-ID in a multipart/related, not an
 *   attachment by its disposition) marked inline, a TNEF winmail.dat or an encrypted part
 *   listed as one it could not open (readable false, a note in Polish);
 * - the kind: bounce (multipart/report of delivery-status with a failed
 *   recipient: bounce_of is the Message-ID of the message that failed,
 *   from its message/rfc822 or text/rfc822-headers part), auto_reply
 *   (Auto-Submitted other than "no", X-Autoreply, X-Autorespond,
 *   Precedence auto_reply/bulk/junk, a read receipt or delay notice, a
 *   mailer daemon, an out-of-office subject in Polish or English),
 *   unreadable (GMime finds no message: no header, binary garbage;
 *   parse_error says so), else message.
 * Limits (struct mail_limits): beyond them the parser stops descending,
 * listing or decoding, and says so in `note`; the raw message stays what
 * it is (the caller keeps it), so nothing is lost. */
#ifndef JAWNOSC_MAIL_PARSE_H
#define JAWNOSC_MAIL_PARSE_H

#include <stdbool.h>
#include <stddef.h>

#include "core/arena.h"

enum mail_kind { MAIL_MESSAGE, MAIL_AUTO_REPLY, MAIL_BOUNCE, MAIL_UNREADABLE };

/* The database's name of a kind: "message", "auto_reply", ... */
const char *mail_kind_name(enum mail_kind k);

struct mail_part {
	const char *filename;     /* 1..255 bytes, no '/', '\\' or control; a made-up
	                             "zalacznik-N.ext" when it had none */
	const char *content_type; /* "type/subtype", lower case, at most 255 bytes */
	const unsigned char *data; /* decoded (Content-Transfer-Encoding undone) */
	size_t size;
	bool inline_image; /* shown in the text (signature logo, pasted picture) */
	bool readable;     /* false: kept, but nothing here can open it */
	const char *note;  /* "" or why it is not readable (Polish) */
};

struct mail {
	enum mail_kind kind;
	const char *parse_error;  /* NULL, or (kind unreadable) why in Polish */
	const char *note;         /* NULL, or what the limits left out (Polish) */
	const char *from_address; /* "" when none */
	const char *from_name;
	const char *subject;
	const char *message_id; /* "" when none */
	const char *in_reply_to;
	const char **refs; /* References, oldest first */
	size_t nrefs;
	const char *text;
	const char *bounce_of;        /* NULL unless a bounce naming it */
	const char *bounce_recipient; /* NULL unless a bounce naming it */
	struct mail_part *parts;
	size_t nparts;
};

struct mail_limits {
	int depth;         /* nesting of multiparts and messages */
	int parts;         /* MIME parts looked at */
	size_t decoded;    /* bytes of attachments decoded, in total */
	size_t text;       /* bytes of text kept */
};
/* Depth 16, 500 parts, 64 MB decoded, 2 MB of text. */
extern const struct mail_limits mail_limits_default;

/* Parses raw[0..len) into *m (every field set; strings in `a`). Never
 * fails: an unreadable message is kind MAIL_UNREADABLE with a reason.
 * `limits` NULL: mail_limits_default. Thread-safe (GMime is readied once). */
void mail_parse(arena_t *a, const unsigned char *raw, size_t len,
                const struct mail_limits *limits, struct mail *m);

#endif
