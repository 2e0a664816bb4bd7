/* SPDX-License-Identifier: EUPL-1.2 */
/* The outbox: mail is queued in the `outbox` table inside the transaction of
 * the step that causes it, and sent by the job "mail" of `serve`
 * (cases/jobs.c).
 *
 * The job's lane has its own PostgreSQL connection. Every JAWNOSC_MAIL_POLL_MS it
 * claims up to 20 due rows with FOR UPDATE SKIP LOCKED and keeps them locked
 * while it sends them, so any number of server instances can run side by
 * side and each message goes out once (at least once: a crash between the
 * SMTP server's "250" and our COMMIT sends it again).
 *
 * Sending: with JAWNOSC_SMTP_URL, over SMTP with libcurl (smtp:// in clear
 * for a local relay, smtp:// with user:password@ only after STARTTLS,
 * smtps:// with TLS throughout; certificates are verified). Without it, each
 * message becomes <JAWNOSC_MAIL_DIR>/<id>-<unix time>.eml, written under a
 * temporary name and renamed, so a reader never sees half a file.
 *
 * A failed attempt counts in `attempts`, keeps its reason in `last_error`
 * and waits JAWNOSC_MAIL_RETRY_BASE seconds, doubling each time, at most an
 * hour; after OUTBOX_MAX_ATTEMPTS the row is 'failed'. A recipient that is
 * not an address (CR/LF included) or that the SMTP server refuses for good
 * (501, 550, 551, 553) fails at once. */
#ifndef JAWNOSC_CASES_OUTBOX_H
#define JAWNOSC_CASES_OUTBOX_H

#include <libpq-fe.h>
#include <stdbool.h>
#include <stddef.h>

#include "core/jobs.h"

#define OUTBOX_MAX_ATTEMPTS 12
#define OUTBOX_BATCH 20

/* Queues one message: a single parameterised INSERT meant to run inside the
 * caller's open transaction (it neither begins nor commits). request_id and
 * document_id 0 mean none; with a document whose `pdf` is set, the PDF is
 * attached when the message is sent. False on a database error (logged). */
bool outbox_enqueue(PGconn *c, long long org_id, long long request_id, const char *to,
                    const char *subject, const char *body, long long document_id);

/* Checks the mail settings (JAWNOSC_MAIL_FROM must hold an address,
 * JAWNOSC_SMTP_URL must be smtp:// or smtps://, JAWNOSC_MAIL_DIR must be
 * creatable when used) and readies libcurl. False with `err` filled
 * otherwise. Once, before the job runner starts. */
bool mailer_setup(char *err, size_t errlen);
/* One round of the job "mail": claims up to OUTBOX_BATCH due rows, sends
 * them, records each outcome. JOB_MORE when the batch was full, JOB_FAILED
 * on a database error (the round is rolled back). At a stop
 * (jobs_stopping()) a transfer in progress is abandoned within about a
 * second and its row left as it was. */
enum job_result mailer_job(void);
/* Gives libcurl's global state back, after the runner stopped. */
void mailer_cleanup(void);

#endif
