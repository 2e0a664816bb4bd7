/* SPDX-License-Identifier: EUPL-1.2 */
/* What kind of message it is, beside what it says: the rules that tell an
 * automatic message (an out-of-office answer must not count as the
 * requester's reply) and read a delivery status notification (RFC 3464).
 * Tables, so that a new client's header or subject is one row. Pure. */
#ifndef JAWNOSC_MAIL_CLASSIFY_H
#define JAWNOSC_MAIL_CLASSIFY_H

#include <stdbool.h>
#include <stddef.h>

#include "core/arena.h"

/* True when header field `name` with `value` marks an automatic message
 * (RFC 3834 Auto-Submitted other than "no"; X-Autoreply, X-Autorespond;
 * Precedence auto_reply, bulk or junk). */
bool mail_auto_header(const char *name, const char *value);

/* True when `subject` (UTF-8) is an out-of-office or automatic answer's,
 * in Polish or English ("Automatyczna odpowiedź: ...", "Out of Office:
 * ...", "Auto: ..."). */
bool mail_auto_subject(const char *subject);

/* True when `address`'s local part is a mail system's (MAILER-DAEMON,
 * postmaster). */
bool mail_system_sender(const char *address);

/* Reads the body of a message/delivery-status part: true when a recipient
 * failed (Action: failed, or no action and a 5.x.x status), with the
 * first such recipient's address (Final-Recipient, else
 * Original-Recipient; without its "rfc822;" type) in *recipient (in `a`,
 * NULL when it names none). False for a delay or success notice. */
bool mail_dsn_failed(arena_t *a, const char *body, size_t n, const char **recipient);

/* The Message-ID (without <>) in a block of header fields (a
 * text/rfc822-headers part), in `a`; NULL when it has none. */
const char *mail_headers_message_id(arena_t *a, const char *block, size_t n);

#endif
