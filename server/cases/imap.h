/* SPDX-License-Identifier: EUPL-1.2 */
/* The IMAP polling job (issue 19 §1, docs/inbound.md "IMAP and the
 * e-Doręczenia inbox"): instead of an MTA piping to `jawnosc mailin`, the
 * job "imap" of `serve` reads the office's mailbox (JAWNOSC_IMAP_URL).
 *
 * A round: SELECT the mailbox (its UIDVALIDITY), UID SEARCH UNSEEN, and for
 * each message (at most IMAP_BATCH a round) its size, then its bytes with
 * BODY.PEEK[] (reading does not set \Seen), inbound_store() (source
 * "imap", external_ref "<uidvalidity>:<uid>"), and only after the commit
 * UID STORE +FLAGS.SILENT (\Seen). So:
 * - a message is never lost: until it is stored it stays unseen, and is
 *   fetched again next round;
 * - a failure between the commit and \Seen (the connection lost, a crash)
 *   means the message is fetched again and inbound_store() finds it stored
 *   (by its SHA-256): counted as a duplicate, marked seen, no second row;
 * - two instances polling one mailbox at once store each message once,
 *   for the same reason;
 * - a message over INBOUND_RAW_MAX is left unseen, logged once per
 *   process, counted;
 * - a mailbox that cannot be reached (or refuses the login) is tried again
 *   after JAWNOSC_IMAP_RETRY_BASE seconds, doubling to at most 15 minutes,
 *   with one warning per attempt and jawnosc_imap_up 0. */
#ifndef JAWNOSC_CASES_IMAP_H
#define JAWNOSC_CASES_IMAP_H

#include <stdbool.h>
#include <stddef.h>

#include "core/jobs.h"

#define IMAP_BATCH 100      /* messages one round takes */
#define IMAP_RETRY_MAX 900  /* seconds: the longest wait between two attempts */

/* Checks the settings when JAWNOSC_IMAP_URL is set: an imap:// or imaps://
 * URL with a host and a mailbox (no credentials, query or IMAP URL
 * parameters in it; the mailbox's name printable ASCII), a user, exactly one
 * of the password and its file (readable, not empty), a readable CA file
 * when given. True and nothing done when the URL is empty; false with `err`
 * naming the setting. Once, before the runner starts. */
bool imap_poll_setup(char *err, size_t errlen);
void imap_poll_cleanup(void);
/* Whether the job is configured. */
bool imap_poll_enabled(void);

/* One round as above. JOB_MORE when more unseen messages than a batch
 * wait, JOB_FAILED on a database error (the message in hand stays unseen),
 * JOB_DONE otherwise (also when the mailbox is down: the job keeps its own
 * backoff and log). */
enum job_result imap_poll_job(void);

/* What this process's job did, for /metrics. */
struct imap_poll_counts {
	int up;                       /* -1 not configured or not tried yet, 0 down, 1 reached */
	unsigned long long stored;    /* new rows */
	unsigned long long duplicate; /* already stored (a failure before \Seen, another instance) */
	unsigned long long too_large; /* left unseen: over INBOUND_RAW_MAX (each counted once) */
	unsigned long long failures;  /* rounds that could not reach or read the mailbox */
};
void imap_poll_counts(struct imap_poll_counts *out);

#endif
