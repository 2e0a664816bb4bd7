/* SPDX-License-Identifier: EUPL-1.2 */
/* The e-Doręczenia inbox (issue 19 §2, docs/inbound.md "IMAP and the
 * e-Doręczenia inbox"): the job "edoreczenia-inbox" of `serve` takes the
 * messages received in the body's box (the deployment's, and each
 * organisation's of org_edoreczenia) into the same incoming queue as mail:
 * each one becomes an RFC 5322 message (edor_inbox_rfc5322()) stored with
 * inbound_store() (source "edoreczenia", external_ref the service's message
 * id), so that the same parser and matcher handle it.
 *
 * A round, for each box: list the inbox (label INBOX, sorted by the
 * submission date) from a day before the box's cursor on (migration 0031),
 * skip the messages stored already, read each new one in full with its
 * attachments, store it, and move the cursor to the last submission date
 * up to which everything is stored. The API has no operation by which a
 * system marks a message as taken (the service sets `opened` itself when
 * the message is read in full, before our commit), hence the cursor.
 * Nothing is lost: a message not stored (the service or the database
 * failing) holds the cursor back and is asked for again next round; one
 * stored twice (two instances, a crash after the commit) is one row,
 * because the message built from the same answer is the same bytes
 * (inbound_store() deduplicates by SHA-256 and by Message-ID). */
#ifndef JAWNOSC_CASES_EDOR_INBOX_H
#define JAWNOSC_CASES_EDOR_INBOX_H

#include <stdbool.h>
#include <stddef.h>

#include "core/jobs.h"
#include "core/strbuf.h"
#include "edor/proto.h"

#define EDOR_INBOX_OVERLAP 86400 /* seconds listed again before the cursor */
#define EDOR_INBOX_PAGES 20      /* pages of the listing one round reads per box */

/* One round as above (JAWNOSC_EDORECZENIA_INBOX_POLL_MS; 0 disables it).
 * JOB_FAILED on a database error, JOB_MORE when a box had more pages than
 * a round reads, JOB_DONE otherwise (a box that cannot be read waits, with
 * a warning in the log, until the next round). */
enum job_result edor_inbox_job(void);

/* The message as RFC 5322 (CRLF lines, 7-bit) into `out` (appended), the
 * same bytes for the same message: From and To carry the AE addresses
 * (<"AE:PL-…"@e-doreczenia.invalid>, never deliverable as mail) with the
 * sender's name, X-Edoreczenia-* headers the addresses, the message id
 * and the case id; Subject (RFC 2047), Date (the submission date), a
 * Message-ID made of the service's id; multipart/mixed with the text and
 * each attachment (base64, its name in RFC 2231 form, its description,
 * and X-Edoreczenia-Hash: verified | mismatch | absent). */
void edor_inbox_rfc5322(strbuf_t *out, const struct edor_received *m, const char *our_address);

/* What this process's job did, for /metrics. */
struct edor_inbox_counts {
	unsigned long long stored, duplicate, failures;
};
void edor_inbox_counts(struct edor_inbox_counts *out);

#endif
