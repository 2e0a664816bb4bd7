/* SPDX-License-Identifier: EUPL-1.2 */
/* Reminders by e-mail, so that nobody learns of a missed deadline from a
 * court. The job "reminders" of `serve` (cases/jobs.c) looks every
 * JAWNOSC_REMIND_POLL_MS
 * and queues, through the outbox (outbox.h), three kinds of message:
 *
 *   due_soon  to the case's assignee, JAWNOSC_REMIND_DAYS working days
 *             before the due date of each open term of the body (sent on a
 *             working day: with 2, a term due on Monday is reminded of on
 *             the Thursday before; one due on Thursday 12 November 2026 on
 *             Monday the 9th, as the 11th is a holiday). If the server was
 *             down that day, it is sent on the next working day before the
 *             due date. 0 turns these off.
 *   missed    to every manager of the organisation (users without a unit)
 *             and of the case's unit, from the first day after the due
 *             date of a term of the body that is still open (terms that
 *             ended more than 30 days ago are not reported: a first start
 *             on old data sends no flood; the digest lists them);
 *   digest    to every manager, once per working day after
 *             JAWNOSC_DIGEST_HOUR (Warsaw time): the cases of their scope
 *             that are overdue, due today and due within 3 working days,
 *             with case numbers and links.
 *
 * Each reminder goes out once, whatever the number of instances and
 * restarts: the database decides. A row in `reminders` (unique per term,
 * kind and recipient, or per manager and day for the digest) is inserted
 * with ON CONFLICT DO NOTHING RETURNING in the same transaction that queues
 * the message; whoever inserts it sends it, everyone else skips it.
 *
 * "Today" is the Warsaw date of clock_now() (JAWNOSC_FAKE_NOW in tests),
 * never the database's clock; working days come from the law's calendar.
 * Links are built from the base URL given at start (JAWNOSC_BASE_URL), never
 * from a request's Host header. */
#ifndef JAWNOSC_CASES_REMINDERS_H
#define JAWNOSC_CASES_REMINDERS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/jobs.h"

/* Links in reminders go to `base_url` (copied; the configured base URL,
 * known once the server listens). Before the job runner starts. */
void reminders_setup(const char *base_url);
/* One round of the job "reminders" with the settings from `cfg`, on the
 * lane's connection, then the rate-limit windows that are over are
 * cleared. JOB_FAILED on a database error (what was queued stays). A
 * round in progress gives up between batches at a stop. */
enum job_result reminders_job(void);

#endif
