/* SPDX-License-Identifier: EUPL-1.2 */
/* What ties our mail to its case and a reply or a bounce back to it
 * (issue 19 §2, docs/inbound.md "Matching replies and bounces"):
 *
 *   reply address  <local>+<case id>-<tag>@<domain>: local@domain is the
 *                  organisation's e-mail (organisations.email), else the
 *                  address of JAWNOSC_MAIL_FROM; the tag is the first 50
 *                  bits of HMAC-SHA256(the server's secret, "reply-address:"
 *                  case id) in lower-case base32 (10 characters). Mail
 *                  programs and servers may change the case of an address,
 *                  so it is read without regard to case. It names the case,
 *                  not the person: letters print it, public copies keep it.
 *   Message-ID     jawnosc.<outbox id>.<tag>@<domain of JAWNOSC_MAIL_FROM>:
 *                  the same for every attempt at one outbox row (a message
 *                  sent twice after a crash keeps its identity), unique in
 *                  the database, and unguessable from outside.
 *
 * Pure apart from the secret (cases/secret.h), which must be loaded. */
#ifndef JAWNOSC_CASES_MAILREF_H
#define JAWNOSC_CASES_MAILREF_H

#include <stdbool.h>
#include <stddef.h>

/* Base32 characters of the tag (5 bits each). */
#define MAILREF_TAG_LEN 10
/* Longest address or Message-ID we make or read (RFC 5321 §4.5.3.1.3). */
#define MAILREF_MAX 254

/* The reply address of case `case_id` into out[cap]: from `org_email`
 * when it is an address, else from the address in `mail_from` ("Name
 * <addr>" or "addr"). A local part that already holds a "+tag" keeps only
 * what is before it. False (out "") when neither gives an address or the
 * result would not fit. */
bool mailref_reply_address(const char *org_email, const char *mail_from, long long case_id,
                           char *out, size_t cap);

/* Whether `addr` (an addr-spec, any case, optionally in <>) is a reply
 * address we made: *case_id its case. The tag is compared in constant
 * time. The local part before "+" and the domain are not checked (the tag
 * proves the address is ours; which mailbox it reached does not matter). */
bool mailref_reply_verify(const char *addr, long long *case_id);

/* Finds the first reply address we made in `text` (a header's value, an
 * envelope's recipient list: anything with addresses in it); *case_id its
 * case. */
bool mailref_reply_find(const char *text, long long *case_id);

/* The Message-ID (without <>) of outbox row `outbox_id` into out[cap],
 * its domain that of `mail_from`'s address ("jawnosc.local" when it has
 * none). False when it would not fit. */
bool mailref_message_id(long long outbox_id, const char *mail_from, char *out, size_t cap);

/* A Message-ID read from outside that we may repeat in a header of our
 * own: 1..MAILREF_MAX printable ASCII characters, no blanks, no <>, one
 * '@'. */
bool mailref_id_safe(const char *id);

#endif
